"""A failing mail server never reaches a reader or a moderator. Emails about comments are
written to an outbox in the same transaction as the comment (or its approval), sent after
commit over one connection, and retried with backoff by `manage.py send_notifications`
until the server takes them.

Tested against a real SMTP server on this machine (tests/smtp_standin.py) that refuses,
never answers, and recovers; the tests commit for real (transaction=True), so the emails
are sent inside the request, as they are in production."""

import threading
import time
from io import StringIO

import pytest
from django.core.management import call_command
from django.db import connection
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from comments import outbox
from comments.models import Comment, OutgoingEmail
from tests.commenting import BOB, NEWCOMER, posted_comment, text
from tests.smtp_standin import _free_port

pytestmark = pytest.mark.django_db(transaction=True)

MODERATOR = "moderator@example.org"
AUTHOR_EMAIL = "writer@example.org"  # the `author` fixture, who wrote the posts


@pytest.fixture
def post(make_post, regulars, settings):
    settings.BROADSHEET_MODERATOR_EMAILS = [MODERATOR]
    return make_post("Ferry timetable")


def send_notifications():
    out = StringIO()
    call_command("send_notifications", stdout=out)
    return out.getvalue()


def subject(mail):
    """The subject as a mail program shows it (the header is folded after "Subject:")."""
    return mail["Subject"].strip()


def held_comments(post, count):
    return [
        Comment.objects.create(post=post, body=f"Held news number {n}.", **NEWCOMER)
        for n in range(1, count + 1)
    ]


def approve_in_the_admin(editor, comments):
    admin = Client()
    admin.force_login(editor)
    return admin.post(
        reverse("admin:comments_comment_changelist"),
        {"action": "approve", "_selected_action": [comment.pk for comment in comments]},
    )


# --- A refusing server


def test_a_comment_posted_while_the_mail_server_refuses_lands_the_reader_on_it(
    post, write_comment, smtp_standin
):
    smtp_standin.refuse = "554 5.7.1 Service unavailable"

    response = write_comment(post, "Is the 8:15 ferry cancelled?", **NEWCOMER, follow=True)

    assert response.status_code == 200
    assert "Your comment is awaiting moderation" in text(response)
    assert "Is the 8:15 ferry cancelled?" in text(response)
    assert smtp_standin.refused == 1  # the moderators' email was tried, after the save
    email = OutgoingEmail.objects.get()
    assert email.recipients == [MODERATOR]
    assert (email.status, email.attempts) == (OutgoingEmail.Status.QUEUED, 1)
    assert "554" in email.last_error
    assert email.next_attempt_at > timezone.now()


def test_the_refused_email_goes_once_the_server_recovers_and_only_once(
    post, write_comment, smtp_standin, clock
):
    smtp_standin.refuse = "554 5.7.1 Service unavailable"
    write_comment(post, "Is the 8:15 ferry cancelled?", **NEWCOMER)
    smtp_standin.refuse = None

    assert send_notifications().startswith("Sent 0 emails")  # its minute has not passed
    clock.advance(minutes=2)
    assert send_notifications().startswith("Sent 1 emails, 0 failed; 0 wait")
    clock.advance(hours=1)
    send_notifications()

    [mail] = smtp_standin.messages
    assert mail["To"] == MODERATOR
    assert subject(mail) == "[Broadsheet] Comment awaiting moderation on “Ferry timetable”"
    assert "Is the 8:15 ferry cancelled?" in mail.get_content()
    email = OutgoingEmail.objects.get()
    assert (email.status, email.attempts) == (OutgoingEmail.Status.SENT, 2)


def test_without_cron_a_later_comment_sends_the_email_that_waited(
    post, write_comment, smtp_standin, clock
):
    smtp_standin.refuse = "554 5.7.1 Service unavailable"
    write_comment(post, "Is the 8:15 ferry cancelled?", **NEWCOMER)
    smtp_standin.refuse = None
    clock.advance(minutes=2)  # the refused email's retry is due
    outbox._Sweep.next_at = 0.0  # and this process last looked for retries a while ago

    write_comment(post, "Is the 9:40 running?", author_name="Grace",
                  author_email="grace@example.net")

    sent = [mail.get_content() for mail in smtp_standin.messages]
    assert len(sent) == 2
    assert any("8:15" in mail for mail in sent) and any("9:40" in mail for mail in sent)
    assert set(OutgoingEmail.objects.values_list("status", flat=True)) == {"sent"}


def test_retries_wait_longer_each_time_and_stop_after_the_last_attempt(
    post, write_comment, smtp_standin, clock, settings
):
    settings.BROADSHEET_EMAIL_MAX_ATTEMPTS = 4
    smtp_standin.refuse = "554 5.7.1 Service unavailable"
    write_comment(post, "Is the 8:15 ferry cancelled?", **NEWCOMER)
    waits = []
    for _ in range(3):
        email = OutgoingEmail.objects.get()
        waits.append(round((email.next_attempt_at - timezone.now()).total_seconds() / 60))
        clock.advance(hours=1)
        send_notifications()

    email = OutgoingEmail.objects.get()
    assert waits == [1, 2, 4]  # minutes
    assert (email.status, email.attempts) == (OutgoingEmail.Status.FAILED, 4)
    smtp_standin.refuse = None
    clock.advance(days=1)
    send_notifications()
    assert smtp_standin.messages == []  # given up: a moderator can send it again from the admin


def test_a_bulk_approval_approves_every_comment_while_the_server_refuses(
    post, editor, smtp_standin
):
    held = held_comments(post, 3)
    smtp_standin.refuse = "554 5.7.1 Service unavailable"

    response = approve_in_the_admin(editor, held)

    assert response.status_code == 302
    assert Comment.objects.filter(pk__in=[c.pk for c in held]).approved().count() == 3
    emails = OutgoingEmail.objects.all()
    assert [email.recipients for email in emails] == [[AUTHOR_EMAIL]] * 3
    assert all(email.attempts == 1 for email in emails)
    assert smtp_standin.refused == 3  # each was tried, over one connection
    assert smtp_standin.sessions == 1


def test_a_bulk_approval_sends_its_emails_over_one_connection(post, editor, smtp_standin):
    Comment.objects.create(post=post, body="Tell me.", notify_replies=True,
                           status=Comment.Status.APPROVED, **BOB)  # fmt: skip
    held = held_comments(post, 5)

    approve_in_the_admin(editor, held)

    assert smtp_standin.sessions == 1
    assert len(smtp_standin.messages) == 10  # the post's author and Bob, for each comment
    assert sorted({mail["To"] for mail in smtp_standin.messages}) == [
        "bob@example.org", AUTHOR_EMAIL
    ]  # fmt: skip


def test_a_mail_server_that_is_down_changes_nothing_for_the_reader(
    post, write_comment, smtp_standin, settings
):
    settings.EMAIL_PORT = _free_port()  # nothing listens there

    response = write_comment(post, "The 8:15 runs as usual.")

    comment = posted_comment(response)
    assert comment.is_approved
    email = OutgoingEmail.objects.get()
    assert email.recipients == [AUTHOR_EMAIL]
    assert "ConnectionRefusedError" in email.last_error


# --- A server that never answers


def test_a_mail_server_that_never_answers_does_not_hold_the_reader(
    post, write_comment, smtp_standin, settings, clock
):
    settings.EMAIL_TIMEOUT = 1
    smtp_standin.hang = True

    started = time.monotonic()
    first = write_comment(post, "Is the 8:15 ferry cancelled?", **NEWCOMER)
    took = time.monotonic() - started

    assert first.status_code == 302
    assert took < settings.EMAIL_TIMEOUT + 1.5  # the answer waits one timeout, not longer
    assert "timed out" in OutgoingEmail.objects.get().last_error

    # The next readers do not wait at all: requests leave the server alone for a minute.
    second = write_comment(post, "The 8:15 runs as usual.")
    assert second.status_code == 302
    assert OutgoingEmail.objects.get(recipients=[AUTHOR_EMAIL]).attempts == 0

    smtp_standin.hang = False
    clock.advance(minutes=2)
    send_notifications()
    assert sorted(mail["To"] for mail in smtp_standin.messages) == [MODERATOR, AUTHOR_EMAIL]


# --- What a stranger writes in a header


def test_a_title_and_a_name_with_line_breaks_make_clean_single_lines(
    make_post, write_comment, smtp_standin, settings
):
    settings.BROADSHEET_MODERATOR_EMAILS = [MODERATOR]
    post = make_post("Ferry\ntimetable\r\nchanges \u202egnp.exe")
    name = "Nell\nReview it: https://phish.example/"

    response = write_comment(post, "Is the 8:15 cancelled?", author_name=name,
                             author_email="nell@example.net")  # fmt: skip

    assert response.status_code == 302
    [mail] = smtp_standin.messages
    assert subject(mail) == (
        "[Broadsheet] Comment awaiting moderation on “Ferry timetable changes gnp.exe”"
    )
    body = mail.get_content()
    assert "From: Nell Review it: https://phish.example/ <nell@example.net>" in body
    review_lines = [line for line in body.splitlines() if line.startswith("Review it:")]
    assert len(review_lines) == 1 and "phish" not in review_lines[0]


# --- Housekeeping


def test_sent_emails_are_deleted_after_the_retention_period(
    post, write_comment, smtp_standin, clock, settings
):
    settings.BROADSHEET_EMAIL_RETENTION_DAYS = 7
    write_comment(post, "The 8:15 runs as usual.")
    assert OutgoingEmail.objects.get().status == OutgoingEmail.Status.SENT

    clock.advance(days=6)
    send_notifications()
    assert OutgoingEmail.objects.count() == 1
    clock.advance(days=2)
    assert "Deleted 1 sent or given-up emails" in send_notifications()
    assert OutgoingEmail.objects.count() == 0
    assert len(smtp_standin.messages) == 1


# --- The outbox in the admin


@pytest.mark.django_db
def test_a_superuser_sees_a_given_up_email_and_can_send_it_again(
    post, editor, write_comment, smtp_standin, settings, django_capture_on_commit_callbacks
):
    settings.BROADSHEET_EMAIL_MAX_ATTEMPTS = 1
    smtp_standin.refuse = "554 5.7.1 Service unavailable"
    with django_capture_on_commit_callbacks(execute=True):
        write_comment(post, "Is the 8:15 ferry cancelled?", **NEWCOMER)
    smtp_standin.refuse = None
    admin = Client()
    admin.force_login(editor)
    outbox_url = reverse("admin:comments_outgoingemail_changelist")

    listing = text(admin.get(outbox_url))
    assert "Failed: gave up" in listing and "554" in listing and MODERATOR in listing
    # One email to each moderator (each has their own moderation links); a superuser
    # moderates too.
    email = OutgoingEmail.objects.get(recipients=["editor@example.org"])
    with django_capture_on_commit_callbacks(execute=True):
        response = admin.post(
            outbox_url, {"action": "send_again_now", "_selected_action": [email.pk]}
        )

    assert response.status_code == 302
    [mail] = smtp_standin.messages
    assert mail["To"] == "editor@example.org"
    email.refresh_from_db()
    assert email.status == OutgoingEmail.Status.SENT


@pytest.mark.django_db
def test_moderators_cannot_read_the_outbox(moderator):
    admin = Client()
    admin.force_login(moderator)

    assert admin.get(reverse("admin:comments_outgoingemail_changelist")).status_code == 403


# --- Several senders at once


def test_two_senders_at_once_send_each_email_exactly_once(post, smtp_standin):
    if connection.vendor != "postgresql":
        # The tests' in-memory SQLite locks whole tables between threads instead of waiting.
        pytest.skip("concurrent senders are tested on PostgreSQL")
    comment = Comment.objects.create(post=post, body="Held.", **NEWCOMER)
    for n in range(40):  # written, not yet sent: both senders below find all 40 due
        OutgoingEmail.objects.queue(comment=comment, to=[MODERATOR], subject=f"Email {n}",
                                    body="Hello.")  # fmt: skip

    errors = []

    def sender():
        try:
            send_notifications()
        except Exception as error:
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=sender) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)

    assert errors == []
    subjects = sorted(subject(mail) for mail in smtp_standin.messages)
    assert subjects == sorted(f"Email {n}" for n in range(40))
    assert OutgoingEmail.objects.filter(status=OutgoingEmail.Status.SENT).count() == 40
