"""A comment form that needs another go comes back where the reader is looking: at the form,
with the message above the fields and everything typed, at the post's own address (POST,
redirect, GET), which can be reloaded or bookmarked. That page is the reader's alone: no
cache keeps it."""

from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from comments.models import Comment
from tests.commenting import BOB, form_fields, posted_comment, reader_form, text

pytestmark = pytest.mark.django_db

BAD_EMAIL = {"author_email": "zoe at example.org"}


@pytest.fixture
def post(make_post, regulars):
    return make_post("Budget day")


def test_a_bad_email_redirects_to_the_form_on_the_posts_own_address(client, post, write_comment):
    response = write_comment(post, "Here is what I think.", **BAD_EMAIL)

    assert response.status_code == 302
    assert response["Location"] == f"{post.get_absolute_url()}#respond"
    page = client.get(response["Location"])
    assert page.status_code == 200
    html = text(page)
    problem = html.index('id="comment-form-problem"')
    assert problem < html.index('<form method="post"') < html.index('name="body"')
    assert "That does not look like an email address." in html[problem:]
    assert form_fields(page)["body"] == "Here is what I think."
    assert not Comment.objects.filter(post=post).exists()


def test_reloading_the_page_it_came_back_to_shows_the_post_again(client, post, write_comment):
    address = write_comment(post, "Here is what I think.", **BAD_EMAIL)["Location"]
    client.get(address)

    reloaded = client.get(address)

    assert reloaded.status_code == 200
    assert "That does not look like an email address." not in text(reloaded)


def test_a_screening_refusal_comes_back_at_the_form_too(client, post, settings):
    settings.BROADSHEET_SCREENING_FLOOD_PER_MINUTE = 1
    client.post(f"/comments/post/{post.pk}/", reader_form(post, "First of two."))

    response = client.post(
        f"/comments/post/{post.pk}/", reader_form(post, "Second, too soon.", **BOB), follow=True
    )

    assert response.redirect_chain[-1][0].endswith("#respond")
    html = text(response)
    assert "You are posting comments too quickly." in html
    assert html.index("too quickly") < html.index('name="body"')
    assert form_fields(response)["body"] == "Second, too soon."


def test_the_page_with_the_readers_words_is_never_cached(client, post, write_comment):
    address = write_comment(post, "My private draft words.", **BAD_EMAIL)["Location"]

    mine = client.get(address)
    strangers = [Client().get(post.get_absolute_url()) for _ in range(2)]

    assert "no-store" in mine["Cache-Control"] and "private" in mine["Cache-Control"]
    for page in strangers:
        assert "My private draft words." not in text(page)
    assert strangers[1]["X-Page-Cache"] == "hit"  # the shared copy is the plain page


def test_the_reader_goes_back_to_the_shared_pages_once_the_form_was_shown(
    client, post, write_comment, settings
):
    address = write_comment(post, "Here is what I think.", **BAD_EMAIL)["Location"]

    shown = client.get(address)

    # The session held nothing else: its cookie is dropped, and the page cache serves
    # this reader like anyone else again.
    dropped = shown.cookies[settings.SESSION_COOKIE_NAME]
    assert dropped.value == "" and dropped["max-age"] == 0


@pytest.fixture
def two_pages(make_post, settings):
    """Three top-level comments, two a page: the third is on comment page 2."""
    settings.BROADSHEET_COMMENTS_PER_PAGE = 2
    post = make_post("A long thread", days_ago=2)
    start = timezone.now() - timedelta(days=1)
    comments = [
        Comment.objects.create(
            post=post,
            author_name="Reader",
            author_email="r@example.org",
            body=f"Comment {n}.",
            status=Comment.Status.APPROVED,
            submitted_at=start + timedelta(minutes=n),
        )  # fmt: skip
        for n in range(1, 4)
    ]
    return post, comments


def test_a_reply_on_a_later_comment_page_comes_back_on_that_page_as_a_reply(
    client, two_pages, write_comment
):
    post, comments = two_pages
    answered = comments[2]

    response = write_comment(post, "My reply.", parent=answered.pk, **BAD_EMAIL)

    address = response["Location"]
    assert address == f"{post.get_absolute_url()}comment-page-2/?replytocom={answered.pk}#respond"
    page = client.get(address)
    assert "Reply to Reader" in text(page)
    assert form_fields(page)["parent"] == str(answered.pk)
    assert form_fields(page)["body"] == "My reply."
    assert "That does not look like an email address." in text(page)
    reloaded = client.get(address)  # the answer is gone; the reply form stays
    assert reloaded.status_code == 200
    assert form_fields(reloaded)["parent"] == str(answered.pk)


def test_the_form_sent_again_after_the_fix_is_posted(client, post, write_comment):
    address = write_comment(post, "Here is what I think.", **BAD_EMAIL)["Location"]
    fields = form_fields(client.get(address))

    again = write_comment(post, **{**fields, "author_email": "ada@example.org"})

    assert posted_comment(again).body == "Here is what I think."


def test_a_form_kept_for_one_post_is_not_shown_on_another(client, post, make_post, write_comment):
    other = make_post("Another post")
    write_comment(post, "Meant for the first post.", **BAD_EMAIL)

    page = client.get(other.get_absolute_url())

    assert "Meant for the first post." not in text(page)
    assert "Meant for the first post." in text(client.get(post.get_absolute_url()))


def test_what_was_typed_is_kept_an_hour_at_most(client, post, write_comment, clock, settings):
    response = write_comment(post, "Words left behind.", **BAD_EMAIL)
    assert response.cookies[settings.SESSION_COOKIE_NAME]["max-age"] == 3600

    clock.advance(hours=2)
    page = client.get(response["Location"])

    assert "Words left behind." not in text(page)


def test_a_logged_in_reader_sent_back_stays_logged_in(client, post, write_comment, reader):
    client.force_login(reader)

    response = write_comment(post, "Signed-in words.", **BAD_EMAIL, follow=True)

    assert "Signed-in words." in text(response)
    assert response.wsgi_request.user == reader
    assert client.get(post.get_absolute_url()).wsgi_request.user == reader
