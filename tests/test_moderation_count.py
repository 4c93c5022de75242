"""The number of comments awaiting moderation is always in sight for those who moderate: in
the header of every admin page, and in a bar on the public site, which is never part of a
page cached for readers."""

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from comments.models import Comment
from tests.commenting import NEWCOMER, text

pytestmark = pytest.mark.django_db

QUEUE = reverse("admin:comments_comment_changelist") + "?status__exact=pending"


@pytest.fixture
def post(make_post):
    return make_post("Allotment waiting list")


@pytest.fixture
def waiting(post):
    return [
        Comment.objects.create(post=post, body=f"Question {n}", author_name="Ada") for n in range(3)
    ]


def logged_in(user):
    browser = Client()
    browser.force_login(user)
    return browser


def admin_pages(post, comment):
    return [
        reverse("admin:index"),
        reverse("admin:comments_comment_changelist"),
        reverse("admin:comments_comment_change", args=[comment.pk]),
        reverse("admin:password_change"),
    ]


def test_every_admin_page_shows_how_many_comments_await_moderation(moderator, post, waiting):
    browser = logged_in(moderator)

    for path in admin_pages(post, waiting[0]):
        page = text(browser.get(path))
        assert f'<a href="{QUEUE}">3 comments await moderation</a>' in page, path


def test_the_count_follows_moderation(moderator, editor, post, waiting):
    browser = logged_in(moderator)
    waiting[0].approve(by=editor)
    waiting[1].mark_spam(by=editor)

    assert "1 comment awaits moderation" in text(browser.get(reverse("admin:index")))

    waiting[2].approve(by=editor)
    assert "No comments await moderation" in text(browser.get(reverse("admin:index")))


def test_a_new_held_comment_is_counted_at_once(moderator, post, waiting, write_comment, regulars):
    browser = logged_in(moderator)
    assert "3 comments await moderation" in text(browser.get(reverse("admin:index")))

    write_comment(post, "A first comment from a newcomer.", **NEWCOMER)

    assert "4 comments await moderation" in text(browser.get(reverse("admin:index")))


def test_the_count_is_not_counted_again_until_a_comment_changes(moderator, post, waiting):
    browser = logged_in(moderator)
    browser.get(reverse("admin:password_change"))

    with CaptureQueriesContext(connection) as queries:
        browser.get(reverse("admin:password_change"))

    counts = [q["sql"] for q in queries if "COUNT(" in q["sql"] and "comments_comment" in q["sql"]]
    assert counts == []


def test_staff_who_moderate_see_the_count_on_the_public_site(moderator, post, waiting):
    page = text(logged_in(moderator).get(post.get_absolute_url()))

    assert f'<a href="{QUEUE}">3 comments await moderation</a>' in page


def test_readers_and_staff_who_do_not_moderate_see_no_count(author, reader, post, waiting):
    # The post's author here is staff without the comment permissions.
    for browser in (Client(), logged_in(reader), logged_in(author)):
        assert "await moderation" not in text(browser.get(post.get_absolute_url()))


def test_the_count_never_reaches_the_page_cached_for_readers(moderator, post, waiting):
    path = post.get_absolute_url()
    staff_page = logged_in(moderator).get(path)
    first = Client().get(path)
    second = Client().get(path)

    assert "await moderation" in text(staff_page)
    assert "X-Page-Cache" not in staff_page
    assert "private" in staff_page["Cache-Control"]
    assert (first["X-Page-Cache"], second["X-Page-Cache"]) == ("miss", "hit")
    assert "await moderation" not in text(first) and "await moderation" not in text(second)
