"""Akismet, asked only when AKISMET_API_KEY is set, against a local stand-in that speaks its
HTTP API (tests/akismet_standin.py). When Akismet fails, comments are held: never lost,
never approved by default."""

import time

import pytest
from django.urls import reverse

from comments.models import Comment
from comments.screening.checks.timestamp import make_form_token
from tests.akismet_standin import SPAM_AUTHOR, SPAM_EMAIL

pytestmark = pytest.mark.django_db

UNAVAILABLE = "our spam filter could not check it just now"
BROWSER = "Mozilla/5.0 (X11; Linux x86_64) Firefox/128.0"


def post_comment(client, post, **fields):
    """Post a comment through the real form, as a person who took a minute to write it."""
    data = {
        "author_name": "Ada Reader",
        "author_email": "ada@example.org",
        "author_url": "https://ada.example.org/",
        "body": "The second paragraph undersells the point about rates.",
        "token": make_form_token(post, now=time.time() - 60),
        "website_confirm": "",
        **fields,
    }
    return client.post(
        reverse("comments:post", args=[post.pk]), data, follow=True,
        HTTP_USER_AGENT=BROWSER, HTTP_REFERER=f"http://testserver{post.get_absolute_url()}",
    )  # fmt: skip


def only_comment():
    return Comment.objects.get()


def approved_comment_by(post, email):
    return Comment.objects.create(
        post=post, author_name="Ada Reader", author_email=email, body="An earlier word.",
        status=Comment.Status.APPROVED,
    )  # fmt: skip


# --- comment-check


def test_spam_answer_marks_the_comment_spam_and_says_why(client, make_post, akismet_standin):
    post = make_post()

    page = post_comment(client, post, author_name=SPAM_AUTHOR).content.decode()

    comment = only_comment()
    assert comment.status == Comment.Status.SPAM
    assert "Akismet: spam" in comment.reasons
    assert "Your comment is awaiting moderation" in page  # a bot learns nothing


def test_comment_check_is_told_about_the_comment_and_the_post(
    client, make_post, akismet_standin, settings
):
    settings.BROADSHEET_SITE_URL = "https://blog.example.org"
    post = make_post()

    post_comment(client, post)

    [sent] = akismet_standin.sent("comment-check")
    assert sent["api_key"] == akismet_standin.key
    assert sent["blog"] == "https://blog.example.org"
    assert sent["user_ip"] == "127.0.0.1"
    assert sent["user_agent"] == BROWSER
    assert sent["referrer"] == f"http://testserver{post.get_absolute_url()}"
    assert sent["permalink"] == f"https://blog.example.org{post.get_absolute_url()}"
    assert sent["comment_type"] == "comment"
    assert sent["comment_author"] == "Ada Reader"
    assert sent["comment_author_email"] == "ada@example.org"
    assert sent["comment_author_url"] == "https://ada.example.org/"
    assert sent["comment_content"] == "The second paragraph undersells the point about rates."
    assert sent["blog_lang"] == "en_US"
    assert sent["blog_charset"] == "UTF-8"
    assert sent["comment_post_modified_gmt"].endswith("Z")


def test_the_key_is_not_verified_on_every_comment(client, make_post, akismet_standin):
    post = make_post()

    post_comment(client, post, body="One thought.")
    post_comment(client, post, body="And another.")

    assert len(akismet_standin.sent("comment-check")) == 2
    assert akismet_standin.sent("verify-key") == []


def test_spam_email_is_spam_too(client, make_post, akismet_standin):
    post_comment(client, make_post(), author_email=SPAM_EMAIL)

    assert only_comment().status == Comment.Status.SPAM


def test_blatant_spam_is_spam_with_its_own_reason(client, make_post, akismet_standin):
    akismet_standin.discard = True

    post_comment(client, make_post(), author_name=SPAM_AUTHOR)

    comment = only_comment()
    assert comment.status == Comment.Status.SPAM
    assert "Akismet: blatant spam (discard)" in comment.reasons


def test_ham_alone_does_not_publish_a_first_comment(client, make_post, akismet_standin):
    post_comment(client, make_post())

    comment = only_comment()
    assert comment.status == Comment.Status.PENDING
    assert "Akismet: ham" in comment.reasons
    assert comment.held_reasons == ["it is your first comment here"]


def test_ham_from_a_writer_with_an_approved_comment_is_published(
    client, make_post, akismet_standin
):
    post = make_post()
    approved_comment_by(post, "ada@example.org")

    page = post_comment(client, post).content.decode()

    comment = Comment.objects.latest("id")
    assert comment.status == Comment.Status.APPROVED
    assert "Akismet: ham" in comment.reasons
    assert "your comment is published" in page


def test_a_comment_the_blocklist_caught_is_not_sent_to_akismet(client, make_post, akismet_standin):
    post_comment(client, make_post(), website_confirm="https://bots.example/")

    assert only_comment().status == Comment.Status.SPAM
    assert akismet_standin.requests == []


def test_without_a_key_akismet_is_never_asked(client, make_post, akismet_standin, settings):
    settings.AKISMET_API_KEY = ""

    post_comment(client, make_post())

    assert only_comment().status == Comment.Status.PENDING
    assert akismet_standin.requests == []


# --- When Akismet fails, the comment is held: saved, never approved.


def server_error(standin, settings):
    standin.error_status = 500


def odd_answer(standin, settings):
    standin.odd_body = "perhaps"


def slow_answer(standin, settings):
    standin.delay = 2 * settings.AKISMET_TIMEOUT


def wrong_key(standin, settings):
    settings.AKISMET_API_KEY = "not-the-key"


def unreachable(standin, settings):
    standin.stop()


@pytest.mark.parametrize(
    ("failure", "reason"),
    [
        (server_error, "Akismet unavailable (HTTP 500)"),
        (odd_answer, "Akismet unavailable (unexpected answer)"),
        (slow_answer, "Akismet unavailable (timeout)"),
        (wrong_key, "Akismet unavailable (invalid API key)"),
        (unreachable, "Akismet unavailable (cannot connect)"),
    ],
)
def test_when_akismet_fails_a_known_writer_is_held_and_told_why(
    client, make_post, akismet_standin, settings, failure, reason
):
    post = make_post()
    approved_comment_by(post, "ada@example.org")  # would be published if Akismet answered
    failure(akismet_standin, settings)

    started = time.monotonic()
    page = post_comment(client, post).content.decode()

    assert time.monotonic() - started < 5 * settings.AKISMET_TIMEOUT
    comment = Comment.objects.latest("id")
    assert comment.body == "The second paragraph undersells the point about rates."
    assert comment.status == Comment.Status.PENDING
    assert reason in comment.reasons
    assert comment.held_reasons == [UNAVAILABLE]
    assert f"It was held because {UNAVAILABLE}." in page


# --- Moderators' decisions go back to Akismet.


def stored_comment(post, status):
    return Comment.objects.create(
        post=post, status=status, author_name="Rex Seller", author_email="rex@example.net",
        author_url="https://cheap.example.net/", body="Great post! Visit my shop.",
        ip_address="192.0.2.7", user_agent="SpamBot/2.0",
    )  # fmt: skip


def act(client, editor, action, comment):
    client.force_login(editor)
    return client.post(
        reverse("admin:comments_comment_changelist"),
        {"action": action, "_selected_action": [comment.pk]},
        follow=True,
    )


def test_marking_spam_sends_submit_spam_with_the_comments_fields(
    client, editor, make_post, akismet_standin, settings, django_capture_on_commit_callbacks
):
    settings.BROADSHEET_SITE_URL = "https://blog.example.org/"
    post = make_post()
    comment = stored_comment(post, Comment.Status.PENDING)

    with django_capture_on_commit_callbacks(execute=True):
        act(client, editor, "mark_spam", comment)

    comment.refresh_from_db()
    assert comment.status == Comment.Status.SPAM
    [sent] = akismet_standin.sent("submit-spam")
    assert sent["api_key"] == akismet_standin.key
    assert sent["user_ip"] == "192.0.2.7"
    assert sent["user_agent"] == "SpamBot/2.0"
    assert sent["comment_author"] == "Rex Seller"
    assert sent["comment_author_email"] == "rex@example.net"
    assert sent["comment_author_url"] == "https://cheap.example.net/"
    assert sent["comment_content"] == "Great post! Visit my shop."
    assert sent["comment_type"] == "comment"
    assert sent["permalink"] == f"https://blog.example.org{post.get_absolute_url()}"
    assert akismet_standin.sent("submit-ham") == []


@pytest.mark.parametrize("action", ["mark_not_spam", "approve"])
def test_rescuing_a_comment_from_spam_sends_submit_ham(
    client, editor, make_post, akismet_standin, django_capture_on_commit_callbacks, action
):
    comment = stored_comment(make_post(), Comment.Status.SPAM)

    with django_capture_on_commit_callbacks(execute=True):
        act(client, editor, action, comment)

    [sent] = akismet_standin.sent("submit-ham")
    assert sent["comment_author_email"] == "rex@example.net"
    assert sent["comment_content"] == "Great post! Visit my shop."
    assert akismet_standin.sent("submit-spam") == []


@pytest.mark.parametrize(
    ("status", "action"),
    [
        (Comment.Status.PENDING, "approve"),
        (Comment.Status.SPAM, "move_to_trash"),
        (Comment.Status.APPROVED, "unapprove"),
    ],
)
def test_decisions_that_do_not_touch_spam_send_nothing(
    client, editor, make_post, akismet_standin, django_capture_on_commit_callbacks,
    status, action,
):  # fmt: skip
    comment = stored_comment(make_post(), status)

    with django_capture_on_commit_callbacks(execute=True):
        act(client, editor, action, comment)

    assert akismet_standin.requests == []


def test_marking_spam_works_while_akismet_is_down(
    client, editor, make_post, akismet_standin, django_capture_on_commit_callbacks
):
    akismet_standin.error_status = 500
    comment = stored_comment(make_post(), Comment.Status.PENDING)

    with django_capture_on_commit_callbacks(execute=True):
        page = act(client, editor, "mark_spam", comment).content.decode()

    assert "1 comment marked as spam." in page
    comment.refresh_from_db()
    assert comment.status == Comment.Status.SPAM
    assert len(akismet_standin.sent("submit-spam")) == 1


def test_without_a_key_moderation_sends_nothing(
    client, editor, make_post, akismet_standin, settings, django_capture_on_commit_callbacks
):
    settings.AKISMET_API_KEY = ""
    comment = stored_comment(make_post(), Comment.Status.PENDING)

    with django_capture_on_commit_callbacks(execute=True):
        act(client, editor, "mark_spam", comment)

    assert akismet_standin.requests == []
