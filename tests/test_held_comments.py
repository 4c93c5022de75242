"""A comment waiting for a moderator is shown to its writer only (through a signed cookie),
marked as awaiting moderation; a comment marked as spam looks the same to its writer."""

import pytest
from django.test import Client
from django.urls import reverse

from comments.section import HELD_COOKIE
from tests.commenting import NEWCOMER, comment_html, outline, posted_comment, text

pytestmark = pytest.mark.django_db


@pytest.fixture
def post(make_post, regulars):
    return make_post("Bridge repairs")


@pytest.fixture
def held(post, write_comment):
    return posted_comment(write_comment(post, "Is the bridge safe?", **NEWCOMER))


def moderate(moderator, comment, action):
    """A moderator applies an admin bulk action to one comment."""
    admin = Client()
    admin.force_login(moderator)
    response = admin.post(
        reverse("admin:comments_comment_changelist"),
        {"action": action, "_selected_action": [comment.pk]},
    )
    assert response.status_code == 302


def test_held_comment_is_visible_to_its_writer_only(client, post, held):
    writers_page = client.get(post.get_absolute_url())
    strangers_page = Client().get(post.get_absolute_url())

    assert outline(writers_page) == ["(awaiting moderation) Nell: Is the bridge safe?"]
    assert "Your comment is awaiting moderation." in comment_html(writers_page, held)
    assert outline(strangers_page) == []
    assert "Is the bridge safe?" not in text(strangers_page)
    assert "awaiting moderation" not in text(strangers_page)


def test_held_comment_is_not_counted_even_for_its_writer(client, post, held):
    assert '<h2 id="comments-title">0 Comments</h2>' in text(client.get(post.get_absolute_url()))


def test_held_comment_has_no_reply_link(client, post, held):
    assert f"replytocom={held.pk}" not in comment_html(client.get(post.get_absolute_url()), held)


def test_a_forged_cookie_does_not_reveal_someone_elses_held_comment(post, held):
    snoop = Client()
    snoop.cookies[HELD_COOKIE] = str(held.pk)

    assert "Is the bridge safe?" not in text(snoop.get(post.get_absolute_url()))


def test_the_writers_cookie_shows_nothing_on_other_posts(client, make_post, held):
    other = make_post("Another post")

    assert outline(client.get(other.get_absolute_url())) == []


def test_a_comment_marked_as_spam_looks_held_to_its_writer(client, post, held, moderator):
    before = comment_html(client.get(post.get_absolute_url()), held)

    moderate(moderator, held, "mark_spam")

    page = client.get(post.get_absolute_url())
    assert comment_html(page, held) == before
    assert "Your comment is awaiting moderation." in before
    assert "Is the bridge safe?" not in text(Client().get(post.get_absolute_url()))


def test_a_trashed_comment_is_gone_even_for_its_writer(client, post, held, moderator):
    moderate(moderator, held, "move_to_trash")

    assert outline(client.get(post.get_absolute_url())) == []


def test_once_approved_a_held_comment_is_shown_to_everyone(client, post, held, moderator):
    moderate(moderator, held, "approve")

    for reader in (client, Client()):
        page = reader.get(post.get_absolute_url())
        assert outline(page) == ["#1 Nell: Is the bridge safe?"]
        assert "awaiting moderation" not in comment_html(page, held)


def test_a_comment_screened_as_spam_is_thanked_and_shown_like_a_held_one(
    client, post, write_comment
):
    # A bot fills in the field people never see; it must not learn that it was caught.
    response = write_comment(
        post, "Cheap watches here.", **NEWCOMER, website_confirm="https://watches.example/"
    )

    comment = posted_comment(response)
    assert comment.status == "spam"
    page = client.get(response["Location"])
    assert "Thank you: your comment is awaiting moderation." in text(page)
    assert outline(page) == ["(awaiting moderation) Nell: Cheap watches here."]
