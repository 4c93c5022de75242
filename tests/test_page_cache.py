"""Whole pages for anonymous readers come from the cache, and never a stale or personal one."""

import gzip
import time

import brotli
import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from blog.models import SiteIdentity
from comments.models import Comment
from tests.commenting import ADA, NEWCOMER, comment_url, posted_comment, reader_form, text

pytestmark = pytest.mark.django_db


def outcome(response):
    return response.get("X-Page-Cache")


def page_text(response):
    body = response.content
    if response.get("Content-Encoding") == "gzip":
        body = gzip.decompress(body)
    elif response.get("Content-Encoding") == "br":
        body = brotli.decompress(body)
    return body.decode()


@pytest.fixture
def post(make_post):
    return make_post("The council's budget, line by line", days_ago=1)


def test_a_second_anonymous_reader_gets_the_stored_page_without_a_query(client, post):
    first = client.get(post.get_absolute_url())
    with CaptureQueriesContext(connection) as queries:
        second = Client().get(post.get_absolute_url())

    assert (outcome(first), outcome(second)) == ("miss", "hit")
    assert len(queries) == 0
    assert page_text(second) == page_text(first)
    assert "The council&#x27;s budget, line by line" in page_text(second)


def test_a_page_is_rendered_again_once_it_is_older_than_the_page_cache_keeps_it(
    client, post, settings, monkeypatch
):
    settings.BROADSHEET_PAGE_CACHE_SECONDS = 60
    assert outcome(client.get(post.get_absolute_url())) == "miss"
    assert outcome(client.get(post.get_absolute_url())) == "hit"

    later = time.time() + 61
    monkeypatch.setattr(time, "time", lambda: later)

    assert outcome(client.get(post.get_absolute_url())) == "miss"


def test_a_new_approved_comment_shows_on_the_very_next_view(client, post, regulars,
                                                           write_comment):  # fmt: skip
    client.get(post.get_absolute_url())
    Client().get(post.get_absolute_url())
    write_comment(post, "The roads line is double last year's.", by=Client(), **ADA)

    page = Client().get(post.get_absolute_url())
    assert outcome(page) == "miss"
    assert "The roads line is double last year" in page_text(page)


def test_held_comments_leave_the_stored_page_as_it_is(client, post, write_comment):
    Client().get(post.get_absolute_url())
    for n in range(3):  # a wave of comments that all wait for a moderator
        write_comment(post, f"Cheap essays, number {n}.", by=Client(), **NEWCOMER)

    page = Client().get(post.get_absolute_url())
    assert outcome(page) == "hit"
    assert "Cheap essays" not in page_text(page)


def test_a_moderators_approval_shows_on_the_very_next_view(client, post, write_comment):
    held = posted_comment(write_comment(post, "First time here: well argued.", **NEWCOMER))
    assert "well argued" not in page_text(Client().get(post.get_absolute_url()))

    held.approve()
    assert "well argued" in page_text(Client().get(post.get_absolute_url()))

    held.move_to_trash()
    assert "well argued" not in page_text(Client().get(post.get_absolute_url()))


def test_a_new_site_title_shows_on_every_page_at_once(client, post):
    for address in ("/", post.get_absolute_url(), "/archives/"):
        client.get(address)
    identity = SiteIdentity.load()
    identity.title = "The Parish Pump"
    identity.save()
    for address in ("/", post.get_absolute_url(), "/archives/"):
        assert "The Parish Pump" in page_text(Client().get(address)), address


def test_a_scheduled_post_appears_on_the_home_page_when_its_time_comes(client, make_post,
                                                                     clock):  # fmt: skip
    make_post("Already out", days_ago=1)
    make_post("Tomorrow's piece", publish_at=None, hours_ago=-24)
    assert "Tomorrow&#x27;s piece" not in page_text(client.get("/"))
    assert outcome(Client().get("/")) == "hit"

    clock.advance(hours=25)
    assert "Tomorrow&#x27;s piece" in page_text(Client().get("/"))


def test_a_writers_held_comment_is_never_stored_for_others(client, post, write_comment):
    response = write_comment(post, "Only I should see this until approved.", **NEWCOMER)
    assert response.status_code == 302

    own = client.get(post.get_absolute_url())
    others = Client().get(post.get_absolute_url())
    again = Client().get(post.get_absolute_url())

    assert outcome(own) is None  # the held-comment cookie: rendered for the writer only
    assert "Only I should see this" in page_text(own)
    assert "no-cache" in own["Cache-Control"] and "private" in own["Cache-Control"]
    assert "Only I should see this" not in page_text(others)
    assert "Only I should see this" not in page_text(again)


@pytest.mark.parametrize("cookie", ["sessionid", "messages", "broadsheet_commenter"])
def test_readers_with_personal_cookies_get_their_own_page(client, post, cookie):
    client.get(post.get_absolute_url())
    client.cookies[cookie] = "something"
    assert outcome(client.get(post.get_absolute_url())) is None


def test_a_stored_page_carries_no_csrf_token_and_sets_no_cookie(client, post):
    first = client.get(post.get_absolute_url())
    second = Client().get(post.get_absolute_url())
    for response in (first, second):
        assert "csrfmiddlewaretoken" not in page_text(response)
        assert not response.cookies
    assert 'id="comment-form"' in page_text(second)


def test_logged_in_readers_get_a_fresh_page_with_a_csrf_token(client, post, reader):
    Client().get(post.get_absolute_url())
    client.force_login(reader)
    response = client.get(post.get_absolute_url())
    assert outcome(response) is None
    assert "csrfmiddlewaretoken" in page_text(response)
    assert "private" in response["Cache-Control"]


def test_pages_are_compressed_and_tell_caches_in_front_how_long_to_keep_them(client, post):
    plain = client.get(post.get_absolute_url())
    compressed = Client().get(post.get_absolute_url(), HTTP_ACCEPT_ENCODING="gzip, deflate, br")

    assert compressed["Content-Encoding"] == "br"
    assert brotli.decompress(compressed.content) == plain.content
    assert len(compressed.content) < len(plain.content) / 2
    control = compressed["Cache-Control"]
    assert "public" in control and "s-maxage=2" in control and "stale-while-revalidate=3" in control
    assert {"Cookie", "Accept-Encoding"} <= {v.strip() for v in compressed["Vary"].split(",")}


@pytest.mark.parametrize("accepted", ["gzip", "gzip, deflate", "br;q=0, gzip", "x-gzip, gzip"])
def test_a_reader_who_takes_only_gzip_gets_gzip(client, post, accepted):
    plain = client.get(post.get_absolute_url())
    for _ in range(2):  # made on the first request, then kept
        zipped = Client().get(post.get_absolute_url(), HTTP_ACCEPT_ENCODING=accepted)
        assert outcome(zipped) == "hit"
        assert zipped["Content-Encoding"] == "gzip"
        assert gzip.decompress(zipped.content) == plain.content


@pytest.mark.parametrize("accepted", ["", "identity", "br;q=0.0", "compress, deflate"])
def test_a_reader_who_takes_no_compression_gets_the_plain_page(client, post, accepted):
    first = Client().get(post.get_absolute_url(), HTTP_ACCEPT_ENCODING="br")
    plain = Client().get(post.get_absolute_url(), HTTP_ACCEPT_ENCODING=accepted)

    assert outcome(plain) == "hit"
    assert plain.get("Content-Encoding") is None
    assert plain.content == brotli.decompress(first.content)
    assert plain.content.decode().startswith("<!doctype html>")


def test_an_unchanged_page_is_answered_with_304(client, post):
    first = client.get(post.get_absolute_url())
    by_tag = Client().get(post.get_absolute_url(), HTTP_IF_NONE_MATCH=first["ETag"])
    by_date = Client().get(post.get_absolute_url(), HTTP_IF_MODIFIED_SINCE=first["Last-Modified"])
    assert (by_tag.status_code, by_date.status_code) == (304, 304)
    assert by_tag.content == b""

    post.title = "The council's budget, revised"
    post.save()
    changed = Client().get(post.get_absolute_url(), HTTP_IF_NONE_MATCH=first["ETag"])
    assert changed.status_code == 200
    assert changed["ETag"] != first["ETag"]


def test_query_strings_other_than_a_page_number_are_not_stored(client, post, make_post):
    assert outcome(client.get("/", {"page": "1"})) == "miss"
    assert outcome(client.get("/", {"page": "1"})) == "hit"
    assert outcome(client.get("/", {"utm_source": "x"})) is None
    assert outcome(client.get("/search/", {"q": "budget"})) is None


def test_only_successful_pages_are_stored(client):
    client.get("/no/such/page/")
    assert outcome(Client().get("/no/such/page/")) is None


# --- The comment form from a stored page ----------------------------------------------------


@pytest.fixture
def strict_client():
    """A browser-like client: Django's CSRF checks enforced, as on the real site."""
    return Client(enforce_csrf_checks=True)


def post_from(browser, post, body, **headers):
    return browser.post(comment_url(post), reader_form(post, body), **headers)


def test_a_comment_from_the_blogs_own_page_is_accepted_without_a_token(strict_client, post,
                                                                       regulars):  # fmt: skip
    response = post_from(strict_client, post, "Sent from the page.",
                         HTTP_ORIGIN="http://testserver")  # fmt: skip
    assert response.status_code == 302
    assert posted_comment(response).body == "Sent from the page."


def test_a_comment_with_only_a_same_site_referer_is_accepted(strict_client, post, regulars):
    response = post_from(strict_client, post, "Old browser.",
                         HTTP_REFERER=f"http://testserver{post.get_absolute_url()}")  # fmt: skip
    assert response.status_code == 302


@pytest.mark.parametrize(
    "headers",
    [
        {"HTTP_ORIGIN": "https://attacker.example"},
        {"HTTP_ORIGIN": "null"},
        {"HTTP_REFERER": "https://attacker.example/page.html"},
        {"HTTP_REFERER": "http://[broken/page.html"},
        {},
    ],
    ids=["other-origin", "null-origin", "other-referer", "unreadable-referer",
         "no-origin-or-referer"],
)
def test_a_forged_cross_site_comment_is_refused_and_the_text_kept(strict_client, post,
                                                                  regulars, headers):  # fmt: skip
    response = post_from(strict_client, post, "Forged from elsewhere.", **headers)
    assert response.status_code == 403
    assert "could not be confirmed as sent from this blog" in text(response)
    assert "Forged from elsewhere." in text(response)
    assert not Comment.objects.filter(body="Forged from elsewhere.").exists()


def test_a_logged_in_reader_needs_the_csrf_token_even_from_the_same_origin(strict_client, post,
                                                                           reader):  # fmt: skip
    strict_client.force_login(reader)
    refused = post_from(strict_client, post, "Riding a session.",
                        HTTP_ORIGIN="http://testserver")  # fmt: skip
    assert refused.status_code == 403
    assert "Riding a session." in text(refused)
    assert not Comment.objects.filter(body="Riding a session.").exists()

    page = strict_client.get(post.get_absolute_url())
    token = page.context["csrf_token"]
    accepted = strict_client.post(
        comment_url(post),
        {**reader_form(post, "With my token."), "csrfmiddlewaretoken": str(token)},
        HTTP_ORIGIN="http://testserver",
    )
    assert accepted.status_code == 302
