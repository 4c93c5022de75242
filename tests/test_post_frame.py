"""For readers without cookies, the post page around its comment thread is rendered once and
kept (blog/views.py): a page view then renders only the thread. What they see must never be
older than a whole page rendered afresh would be."""

import time

import pytest
from django.test import Client

from tests.commenting import ADA, NEWCOMER, form_fields, text

pytestmark = pytest.mark.django_db

# A query string the page cache does not store (blog/page_cache.py): the view runs every time.
UNCACHED = {"from": "newsletter"}


@pytest.fixture
def post(make_post):
    return make_post("The council's budget, line by line", days_ago=1)


def view(post, client=None, **query):
    return (client or Client()).get(post.get_absolute_url(), {**UNCACHED, **query})


def test_a_new_comment_shows_on_a_page_whose_surroundings_were_kept(
    post, regulars, write_comment, django_assert_num_queries
):
    first = view(post)
    write_comment(post, "The roads line is double last year's.", by=Client(), **ADA)

    # The post, the thread's outline, its comments: nothing else is read again.
    with django_assert_num_queries(3):
        page = view(post)

    assert "The roads line is double last year" in text(page)
    assert '<h2 id="comments-title">1 Comment</h2>' in text(page)
    assert '<h2 id="comments-title">0 Comments</h2>' in text(first)
    # Everything around the thread is as a fresh render has it.
    around = text(first).split('<h2 id="comments-title">')[0]
    assert text(page).startswith(around)
    assert form_fields(page).keys() == form_fields(first).keys()


def test_an_edited_post_and_a_new_site_title_show_at_once(post):
    from blog.models import SiteIdentity

    view(post)
    post.title = "The council's budget, corrected"
    post.save()
    identity = SiteIdentity.load()
    identity.title = "The Parish Pump"
    identity.save()

    page = text(view(post))
    assert "The council&#x27;s budget, corrected" in page
    assert "The Parish Pump" in page


def test_a_scheduled_post_that_goes_live_becomes_the_next_post(post, make_post, clock):
    make_post("Tomorrow's piece", hours_ago=-24)
    assert "Tomorrow&#x27;s piece" not in text(view(post))

    clock.advance(hours=25)
    assert 'rel="next"' in text(view(post))
    assert "Tomorrow&#x27;s piece" in text(view(post))


def test_the_form_gives_way_when_comments_close_by_date(post, settings, clock):
    settings.BROADSHEET_COMMENTS_CLOSE_AFTER_DAYS = 2
    assert 'id="comment-form"' in text(view(post))

    clock.advance(days=1, hours=1)
    page = text(view(post))
    assert 'id="comment-form"' not in page
    assert "Comments are closed." in page


def test_readers_with_a_form_of_their_own_never_get_the_kept_one(post, regulars, write_comment):
    view(post)  # the blank form, kept
    write_comment(post, "The roads line is double last year's.", by=Client(), **ADA)
    comment_id = post.comments.get().pk

    remembered = Client()
    remembered.cookies["broadsheet_commenter"] = '{"author_name": "Ada Lovelace"}'
    assert form_fields(view(post, remembered))["author_name"] == "Ada Lovelace"
    replying = text(view(post, replytocom=comment_id))
    assert "Reply to Ada" in replying
    assert form_fields(view(post))["author_name"] == ""


def test_a_kept_form_token_is_no_older_than_a_cached_page_would_be(post, settings,
                                                                 monkeypatch):  # fmt: skip
    token = form_fields(view(post))["token"]
    assert form_fields(view(post))["token"] == token  # kept

    later = time.time() + settings.BROADSHEET_PAGE_CACHE_SECONDS + 1
    monkeypatch.setattr(time, "time", lambda: later)
    assert form_fields(view(post))["token"] != token


def test_staff_never_get_the_kept_page_nor_readers_theirs(post, client, moderator):
    client.force_login(moderator)
    mine = text(view(post, client))
    readers = text(view(post))
    mine_again = text(view(post, client))

    assert "csrfmiddlewaretoken" in mine and "csrfmiddlewaretoken" in mine_again
    assert "awaiting-moderation" in mine and "awaiting-moderation" in mine_again
    assert "csrfmiddlewaretoken" not in readers and "awaiting-moderation" not in readers


def test_a_writers_thank_you_shows_though_the_page_around_the_thread_was_kept(
    post, write_comment
):
    view(post)
    page = write_comment(post, "A first comment, to be read.", by=Client(), follow=True,
                         **NEWCOMER)  # fmt: skip

    assert "Thank you: your comment is awaiting moderation." in text(page)
    assert "A first comment, to be read." in text(page)
