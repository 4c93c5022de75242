"""Sending the outbox: emails that comments/notifications.py wrote in the same transaction as
the event they tell of. They go after commit, a batch over one SMTP connection, each step
bounded by EMAIL_TIMEOUT; one that does not go is retried with backoff by
`manage.py send_notifications`. Nothing here raises into a reader's or a moderator's
request: a failure is recorded on the email and logged, without addresses or text."""

import logging
import smtplib
import time
from dataclasses import dataclass

from django.conf import settings
from django.core.mail import get_connection
from django.core.mail.backends.base import BaseEmailBackend
from django.db import transaction

from comments.models import OutgoingEmail

logger = logging.getLogger(__name__)

BATCH_SIZE = 100
# After the mail server could not be reached, requests stop trying for this long (in this
# process), so readers do not each wait EMAIL_TIMEOUT while it is down; the retries go on.
PAUSE_SECONDS = 60
# How often, at most, a request that sent its own emails also looks for due retries.
SWEEP_SECONDS = 60
# The server refused this one message; the connection is still good for the next.
MESSAGE_REFUSED = (smtplib.SMTPRecipientsRefused, smtplib.SMTPSenderRefused, smtplib.SMTPDataError)


@dataclass
class Delivery:
    """What one delivery did: emails sent, failed (to be retried or given up), left due."""

    sent: int = 0
    failed: int = 0
    left: int = 0
    server_failed: bool = False


class _Pause:
    until = 0.0  # time.monotonic() before which requests leave the outbox alone


class _Sweep:
    next_at = 0.0  # time.monotonic() after which a request also sends the due retries


def deliver_after_commit(emails=None):
    """Send `emails` (just written in this transaction) once it commits; without `emails`,
    whatever is due. Either way a request also sends the outbox's due retries, at most once
    every SWEEP_SECONDS in this process, so nothing waits for send_notifications where cron
    was never set up. A transaction that registers this many times (a bulk approval) is
    served by the first delivery; the others find nothing left to send."""
    if emails is not None and any(email.pk is None for email in emails):
        emails = None  # a database that does not return new ids: send what is due
    transaction.on_commit(lambda: _deliver_in_request(emails))


def _deliver_in_request(emails):
    if time.monotonic() < _Pause.until:
        return  # the server failed a moment ago; send_notifications retries
    try:
        if emails is not None:
            deliver(OutgoingEmail.objects.claim(emails), time_budget=settings.EMAIL_TIMEOUT)
        if emails is None or time.monotonic() >= _Sweep.next_at:
            _Sweep.next_at = time.monotonic() + SWEEP_SECONDS
            deliver(time_budget=settings.EMAIL_TIMEOUT)
    except Exception:
        logger.exception("The outbox could not be sent; send_notifications will retry")


def resume():
    """Let requests try the mail server again at once (after a pause)."""
    _Pause.until = 0.0


def deliver(emails=None, limit=BATCH_SIZE, time_budget=None):
    """Send `emails` (claimed already), or else up to `limit` due ones, over one connection,
    recording each as sent or failed. With `time_budget` (seconds), emails not started by
    then are left due for later."""
    if emails is None:
        emails = OutgoingEmail.objects.claim_due(limit)
    done = Delivery()
    if not emails:
        return done
    connection = get_connection(fail_silently=False)  # EMAIL_TIMEOUT bounds each step
    try:
        connection.open()
    except Exception as error:
        _server_failed(emails, error, done)
        return done
    deadline = None if time_budget is None else time.monotonic() + time_budget
    try:
        for index, email in enumerate(emails):
            if deadline is not None and time.monotonic() > deadline:
                # A slow server: the rest wait for send_notifications or a later request.
                _Pause.until = time.monotonic() + PAUSE_SECONDS
                rest = [later.pk for later in emails[index:]]
                done.left = OutgoingEmail.objects.filter(pk__in=rest).release()
                break
            try:
                accepted = connection.send_messages([email.message(connection)])
            except OSError as error:
                if not isinstance(error, MESSAGE_REFUSED):
                    _server_failed(emails[index:], error, done)
                    break
                _failed(email, error, done)
            except Exception as error:  # a message that cannot be written (bad address)
                _failed(email, error, done)
            else:
                if accepted:
                    email.record_sent()
                    done.sent += 1
                else:
                    _failed(email, "the mail backend sent nothing", done)
    finally:
        try:
            connection.close()
        except Exception:  # the server went away; the emails' outcomes are recorded
            pass
    if done.sent:
        resume()
    return done


def _failed(email, error, done):
    email.record_failure(_describe(error))
    done.failed += 1
    logger.warning(
        "Email %s not sent (attempt %s%s): %s", email.pk, email.attempts,
        ", giving up" if email.status == email.Status.FAILED else "", _summary(error),
    )  # fmt: skip


def _server_failed(emails, error, done):
    """The connection failed: every email still in the batch counts one failed attempt."""
    _Pause.until = time.monotonic() + PAUSE_SECONDS
    done.server_failed = True
    logger.warning(
        "The mail server failed (%s); %s emails wait for a retry", _summary(error), len(emails)
    )
    for email in emails:
        email.record_failure(_describe(error))
        done.failed += 1


def _describe(error):
    """The error as recorded on the email (shown to superusers in the admin)."""
    if isinstance(error, str):
        return error
    return f"{type(error).__name__}: {error}"


def _summary(error):
    """The error for the server log: its kind and SMTP code, never the server's text,
    which may quote addresses."""
    if isinstance(error, str):
        return error
    code = getattr(error, "smtp_code", None)
    return f"{type(error).__name__} {code}" if code else type(error).__name__


class LogOnlyEmailBackend(BaseEmailBackend):
    """Used when DEBUG is off and EMAIL_URL is not set: sends nothing and logs only that an
    email was not sent, so no commenter's address or words reach the server log. The emails
    stay in the outbox, retried as any other, and go once EMAIL_URL is set."""

    def send_messages(self, email_messages):
        for message in email_messages:
            logger.warning(
                "EMAIL_URL is not set: an email to %s recipient(s) was not sent",
                len(message.recipients()),
            )
        return 0
