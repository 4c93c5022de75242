"""Email about comments, sent once the comment is saved: moderators hear of held comments,
the post's author of new approved ones, and readers who asked of follow-up comments, with an
unsubscribe link (a page with a button, and RFC 8058's one-click POST for mail programs)."""

import re
from urllib.parse import urlsplit

import pytest
from django.test import Client
from django.urls import reverse

from tests.commenting import BOB, CY, NEWCOMER, posted_comment, text

pytestmark = pytest.mark.django_db

AUTHOR_EMAIL = "writer@example.org"  # the `author` fixture, who wrote the post


@pytest.fixture
def post(make_post, regulars):
    return make_post("Ferry timetable")


@pytest.fixture
def moderate(moderator, django_capture_on_commit_callbacks):
    """A moderator applies an admin bulk action, and its emails go."""
    admin = Client()
    admin.force_login(moderator)

    def act(action, comment):
        with django_capture_on_commit_callbacks(execute=True):
            response = admin.post(
                reverse("admin:comments_comment_changelist"),
                {"action": action, "_selected_action": [comment.pk]},
            )
        assert response.status_code == 302

    return act


def link(mail, label):
    """The address after `label` in an email's text."""
    return re.search(rf"{re.escape(label)} (\S+)", mail.body)[1]


def path_of(url):
    parts = urlsplit(url)
    return parts.path + (f"?{parts.query}" if parts.query else "")


def mail_to(mailoutbox, address):
    return [mail for mail in mailoutbox if address in mail.to]


# --- Moderators


def test_moderators_are_emailed_about_a_held_comment_with_a_link_that_works(
    post, moderator, editor, send, mailoutbox, settings
):
    comment = posted_comment(send(post, "Is the 8:15 ferry cancelled?", **NEWCOMER))

    # One email each: each carries its reader's own one-click moderation links.
    assert sorted(mail.to[0] for mail in mailoutbox) == [
        "editor@example.org", "moderator@example.org"
    ]  # fmt: skip
    mail = mail_to(mailoutbox, "moderator@example.org")[0]
    assert mail.subject == "[Broadsheet] Comment awaiting moderation on “Ferry timetable”"
    assert "Is the 8:15 ferry cancelled?" in mail.body
    assert "From: Nell <nell@example.net>" in mail.body
    review = link(mail, "Review it:")
    assert review.startswith(settings.BROADSHEET_SITE_URL)
    moderator_client = Client()
    moderator_client.force_login(moderator)
    page = moderator_client.get(path_of(review))
    assert page.status_code == 200
    assert "Is the 8:15 ferry cancelled?" in text(page)
    assert 'name="status"' in text(page) and comment.author_email in text(page)
    queue = moderator_client.get(path_of(link(mail, "All comments awaiting moderation:")))
    assert "Is the 8:15 ferry cancelled?" in text(queue)


def test_the_review_link_asks_anyone_else_to_log_in(post, moderator, send, mailoutbox):
    send(post, "Is the 8:15 ferry cancelled?", **NEWCOMER)

    response = Client().get(path_of(link(mailoutbox[0], "Review it:")))

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("admin:login"))


def test_moderators_are_not_emailed_about_a_published_comment(post, moderator, send, mailoutbox):
    send(post, "The 8:15 runs as usual.")

    assert mail_to(mailoutbox, "moderator@example.org") == []


# --- The post's author


def test_the_posts_author_is_emailed_about_a_new_published_comment(post, send, mailoutbox):
    comment = posted_comment(send(post, "The 8:15 runs as usual."))

    assert [mail.to for mail in mailoutbox] == [[AUTHOR_EMAIL]]
    mail = mailoutbox[0]
    assert mail.subject == "[Broadsheet] New comment on “Ferry timetable”"
    assert "Ada commented on your post “Ferry timetable”" in mail.body
    assert "The 8:15 runs as usual." in mail.body
    read = link(mail, "Read it on the blog:")
    assert urlsplit(read).fragment == f"comment-{comment.pk}"
    page = Client().get(path_of(read))
    assert f'id="comment-{comment.pk}"' in text(page)


def test_the_posts_author_is_not_emailed_about_their_own_comment(
    client, post, author, send, mailoutbox
):
    client.force_login(author)

    send(post, "Thanks, all.", author_name="Wren", author_email=AUTHOR_EMAIL)

    assert mailoutbox == []


def test_emails_to_the_posts_author_can_be_switched_off(post, send, mailoutbox, settings):
    settings.BROADSHEET_NOTIFY_POST_AUTHOR = False

    send(post, "The 8:15 runs as usual.")

    assert mailoutbox == []


# --- Follow-up comments


def test_a_reader_who_asked_is_emailed_about_the_next_published_comment(
    client, post, send, mailoutbox
):
    send(post, "Tell me if it changes.", **BOB, notify_replies="on")
    mailoutbox.clear()

    comment = posted_comment(send(post, "It changed: 8:30 now.", **CY))

    [mail] = mail_to(mailoutbox, "bob@example.org")
    assert mail.subject == "[Broadsheet] New comment on “Ferry timetable”"
    assert "Cy added a comment to “Ferry timetable”" in mail.body
    assert "It changed: 8:30 now." in mail.body
    read = link(mail, "Read it and reply:")
    assert f'id="comment-{comment.pk}"' in text(Client().get(path_of(read)))


def test_a_reader_who_did_not_ask_is_not_emailed(post, send, mailoutbox):
    send(post, "Just saying.", **BOB)
    mailoutbox.clear()

    send(post, "It changed: 8:30 now.", **CY)

    assert mail_to(mailoutbox, "bob@example.org") == []


def test_a_reader_is_not_emailed_about_their_own_comments(post, send, mailoutbox):
    send(post, "Tell me if it changes.", **BOB, notify_replies="on")

    send(post, "Answering myself.", **BOB)

    assert mail_to(mailoutbox, "bob@example.org") == []


def test_a_held_comment_is_announced_once_when_a_moderator_approves_it(
    post, send, moderate, mailoutbox
):
    send(post, "Tell me if it changes.", **BOB, notify_replies="on")
    held = posted_comment(send(post, "A newcomer's news: it changed.", **NEWCOMER))
    mailoutbox.clear()

    moderate("approve", held)

    assert len(mail_to(mailoutbox, "bob@example.org")) == 1
    assert len(mail_to(mailoutbox, AUTHOR_EMAIL)) == 1
    assert "A newcomer's news: it changed." in mail_to(mailoutbox, "bob@example.org")[0].body

    moderate("unapprove", held)
    moderate("approve", held)

    assert len(mailoutbox) == 2


def test_a_held_comment_is_not_announced_to_readers_before_approval(post, send, mailoutbox):
    send(post, "Tell me if it changes.", **BOB, notify_replies="on")

    send(post, "A newcomer's news: it changed.", **NEWCOMER)

    assert mail_to(mailoutbox, "bob@example.org") == []


# --- Unsubscribing


@pytest.fixture
def follow_up(post, send, mailoutbox):
    """Bob asked for follow-ups; Cy's comment sent him one. Returns that email."""
    send(post, "Tell me if it changes.", **BOB, notify_replies="on")
    send(post, "It changed: 8:30 now.", **CY)
    [mail] = mail_to(mailoutbox, "bob@example.org")
    mailoutbox.clear()
    return mail


def test_opening_the_unsubscribe_link_asks_and_only_the_button_unsubscribes(
    post, follow_up, send, mailoutbox
):
    reader = Client(enforce_csrf_checks=True)
    # What a mail scanner does: open every link in the email. Nothing changes.
    page = reader.get(path_of(link(follow_up, "Stop these emails:")))

    assert page.status_code == 200
    assert "Stop emails about new comments?" in text(page)
    assert "Ferry timetable" in text(page)
    send(post, "And now it is 8:45.", **CY)
    assert len(mail_to(mailoutbox, "bob@example.org")) == 1  # still subscribed
    mailoutbox.clear()

    button = re.search(r'<form method="post" action="([^"]+)">', text(page))[1]
    done = reader.post(button)

    assert done.status_code == 200
    assert "You are unsubscribed" in text(done)
    assert "Ferry timetable" in text(done)
    send(post, "And now it is 9:00.", **CY)
    assert mail_to(mailoutbox, "bob@example.org") == []
    assert mail_to(mailoutbox, AUTHOR_EMAIL) != []  # the post's author still hears


def test_mail_programs_can_unsubscribe_with_a_post(post, follow_up, send, mailoutbox):
    assert follow_up.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    address = follow_up.extra_headers["List-Unsubscribe"].strip("<>")
    assert address == link(follow_up, "Stop these emails:")

    # A mail program has no CSRF token to send: the signed link is the credential.
    response = Client(enforce_csrf_checks=True).post(
        path_of(address), {"List-Unsubscribe": "One-Click"}
    )

    assert response.status_code == 200
    assert "You are unsubscribed" in text(response)
    send(post, "And now it is 8:45.", **CY)
    assert mail_to(mailoutbox, "bob@example.org") == []


def test_a_tampered_unsubscribe_link_gets_a_clear_error(post, follow_up, send, mailoutbox):
    good = path_of(link(follow_up, "Stop these emails:"))
    token = good.rstrip("/").rsplit("/", 1)[1]
    tampered = good.replace(token, token[:-2] + ("AA" if token[-2:] != "AA" else "BB"))

    opened = Client().get(tampered)
    pressed = Client().post(tampered, {"List-Unsubscribe": "One-Click"})

    for response in (opened, pressed):
        assert response.status_code == 400
        assert "This link does not work" in text(response)
    send(post, "And now it is 8:45.", **CY)
    assert len(mail_to(mailoutbox, "bob@example.org")) == 1  # still subscribed


def test_a_head_request_to_the_unsubscribe_link_changes_nothing(post, follow_up, send,
                                                                mailoutbox):  # fmt: skip
    # Some link checkers only ask for the headers; that is no more a request than a GET.
    response = Client().head(path_of(link(follow_up, "Stop these emails:")))

    assert response.status_code == 200
    send(post, "And now it is 8:45.", **CY)
    assert len(mail_to(mailoutbox, "bob@example.org")) == 1


def test_unsubscribing_from_one_post_keeps_the_others(post, follow_up, send, make_post,
                                                      mailoutbox):  # fmt: skip
    other = make_post("Bridge closures")
    send(other, "Please tell me when it reopens.", **BOB, notify_replies="on")
    Client().post(path_of(link(follow_up, "Stop these emails:")))
    mailoutbox.clear()

    send(post, "And now it is 8:45.", **CY)
    send(other, "It reopens on Monday.", **CY)

    [mail] = mail_to(mailoutbox, "bob@example.org")
    assert "It reopens on Monday." in mail.body
