"""Replying from the moderation queue: a moderator, or the post's author, answers a comment
from its admin page; the reply is published under their name (with the "Author" badge for
the post's author), and the comment it answers is approved in the same step."""

import pytest
from django.contrib.auth import get_user_model
from django.test import Client

from comments.models import Comment
from tests.commenting import text

pytestmark = pytest.mark.django_db


@pytest.fixture
def post(make_post):
    return make_post("Library opening hours")


@pytest.fixture
def question(post):
    return Comment.objects.create(
        post=post, body="Will the library open on Sundays?", author_name="Nell",
        author_email="nell@example.net", status=Comment.Status.PENDING, verdict="hold",
    )  # fmt: skip


def logged_in(user):
    browser = Client()
    browser.force_login(user)
    return browser


def reply_from_admin(browser, comment, reply, **changes):
    """Send the comment's admin page as its moderator would: the fields as they are, with
    `changes`, and a reply."""
    data = {
        "status": comment.status, "body": comment.body, "author_name": comment.author_name,
        "author_email": comment.author_email, "author_url": comment.author_url,
        "reply": reply, "_save": "Save", **changes,
    }  # fmt: skip
    return browser.post(comment.get_admin_url(), data, follow=True)


def the_reply_to(comment):
    return Comment.objects.get(parent=comment)


def test_a_moderator_answers_a_held_comment_which_is_approved_with_it(
    moderator, question, post, client
):
    page = reply_from_admin(logged_in(moderator), question, "From May, 10 till 4.")

    assert "Your reply is published, and the comment with it." in text(page)
    question.refresh_from_db()
    assert question.status == Comment.Status.APPROVED
    assert question.status_changed_by == moderator
    reply = the_reply_to(question)
    assert (reply.status, reply.user, reply.author_name) == (
        Comment.Status.APPROVED, moderator, "Mona Moderator",
    )  # fmt: skip
    assert reply.author_email == moderator.email
    thread = text(client.get(post.get_absolute_url()))
    assert "Will the library open on Sundays?" in thread
    assert "From May, 10 till 4." in thread
    assert 'class="author-badge"' not in thread


def test_the_posts_author_answers_with_the_author_badge(author, question, post, client):
    # The author here is staff without the Moderators' permissions: their own post's
    # comments are theirs to answer.
    reply_from_admin(logged_in(author), question, "Yes, from May.")

    question.refresh_from_db()
    assert (question.status, question.status_changed_by) == (Comment.Status.APPROVED, author)
    reply = the_reply_to(question)
    assert reply.author_name == "Wren Writer"
    thread = text(client.get(post.get_absolute_url()))
    assert 'class="author-badge"' in thread and "Yes, from May." in thread


def test_staff_who_neither_moderate_nor_wrote_the_post_cannot_answer(question):
    other = get_user_model().objects.create_user(
        "archivist", "archivist@example.org", "archive pass 12", is_staff=True
    )

    response = logged_in(other).post(question.get_admin_url(), {"reply": "Me too."})

    assert response.status_code == 403
    assert not Comment.objects.filter(parent=question).exists()


def test_a_reply_cannot_go_with_marking_the_comment_spam(moderator, question):
    page = reply_from_admin(logged_in(moderator), question, "Thanks!", status="spam")

    assert "A reply publishes the comment it answers" in text(page)
    question.refresh_from_db()
    assert question.status == Comment.Status.PENDING
    assert not Comment.objects.filter(parent=question).exists()


def test_saving_without_a_reply_writes_no_comment(moderator, question):
    reply_from_admin(logged_in(moderator), question, "  ", status="approved")

    question.refresh_from_db()
    assert question.status == Comment.Status.APPROVED
    assert not Comment.objects.filter(parent=question).exists()


def test_readers_who_asked_hear_of_the_reply(moderator, question, post, mailoutbox,
                                             django_capture_on_commit_callbacks):  # fmt: skip
    Comment.objects.create(
        post=post, body="Following this.", author_name="Bob", author_email="bob@example.org",
        status=Comment.Status.APPROVED, notify_replies=True,
    )  # fmt: skip

    with django_capture_on_commit_callbacks(execute=True):
        reply_from_admin(logged_in(moderator), question, "From May, 10 till 4.")

    to_bob = [mail for mail in mailoutbox if mail.to == ["bob@example.org"]]
    assert any("From May, 10 till 4." in mail.body for mail in to_bob)
