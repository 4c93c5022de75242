"""The retention jobs: spam, the trash, commenters' IP addresses, the outbox's old emails and
expired sessions are let go after the periods the privacy page states. `manage.py
housekeeping` runs them all (and `purge_spam`, `empty_trash`, `forget_ip_addresses` one
each, from the same methods).

No one has to set up cron: the web process runs them, at most once an hour across every
worker and node (a lock taken with the shared cache's `add`), after a request has been
answered, within a time budget (what is left waits for the next run, a few minutes later).
Each process asks the cache at most once every few minutes, and a failure is logged and
never reaches a reader. BROADSHEET_HOUSEKEEPING_IN_WEB = false leaves it to cron."""

import logging
import time

from django.conf import settings

from blog import caching

logger = logging.getLogger(__name__)

LOCK_KEY = "housekeeping:lock"
EVERY_SECONDS = 60 * 60
# How often one process asks the cache whether a run is due: the one cost on requests.
CHECK_EVERY_SECONDS = 5 * 60
# A run from the web stays well inside gunicorn's worker timeout; when it runs out of time,
# the next run comes this soon instead of an hour later.
WEB_BUDGET_SECONDS = 10.0
BACKLOG_RETRY_SECONDS = 5 * 60


def run(deadline=None):
    """Run every retention job; returns one line per job saying what it did. With
    `deadline` (a `time.monotonic()` value) each job stops between batches past it."""
    from comments.models import Comment, OutgoingEmail

    spam_days = settings.BROADSHEET_SPAM_RETENTION_DAYS
    trash_days = settings.BROADSHEET_TRASH_RETENTION_DAYS
    ip_days = settings.BROADSHEET_IP_RETENTION_DAYS
    email_days = settings.BROADSHEET_EMAIL_RETENTION_DAYS
    spam = Comment.objects.spam_to_purge(spam_days).delete_in_batches(deadline=deadline)
    trash = Comment.objects.trash_to_empty(trash_days).delete_in_batches(deadline=deadline)
    forgotten = Comment.objects.addresses_to_forget(ip_days).forget_addresses(deadline=deadline)
    emails, _ = OutgoingEmail.objects.settled_before(email_days).delete()
    # Expired sessions: among them the ones that carried a comment form back to its writer
    # (comments/section.py), with their text and email, an hour at most.
    sessions = _clear_expired_sessions()
    return [
        f"Deleted {spam} spam comments older than {spam_days} days.",
        f"Deleted {trash} comments in the trash older than {trash_days} days.",
        f"Cleared the IP address and browser of {forgotten} comments older than {ip_days} days.",
        f"Deleted {emails} sent or given-up emails older than {email_days} days.",
        f"Deleted {sessions} expired sessions.",
    ]


def _clear_expired_sessions():
    """What `manage.py clearsessions` does, counted; only for sessions kept in the database."""
    from django.contrib.sessions.models import Session
    from django.utils import timezone

    if settings.SESSION_ENGINE not in ("django.contrib.sessions.backends.db",
                                       "django.contrib.sessions.backends.cached_db"):  # fmt: skip
        return 0
    deleted, _ = Session.objects.filter(expire_date__lt=timezone.now()).delete()
    return deleted


class _Schedule:
    """When this process next asks the cache whether a run is due."""

    next_check = 0.0


def run_if_due():
    """Run the jobs if no process has in the last hour; returns whether this one tried.
    Never raises: a failure is logged, and the next try is an hour later."""
    now = time.monotonic()
    if now < _Schedule.next_check:
        return False
    _Schedule.next_check = now + CHECK_EVERY_SECONDS
    try:
        # None: the cache is down, and no lock can be shared; a run can wait for it.
        if not caching.add(LOCK_KEY, time.time(), timeout=EVERY_SECONDS):
            return False
        deadline = time.monotonic() + WEB_BUDGET_SECONDS
        done = run(deadline=deadline)
        if time.monotonic() >= deadline:  # a backlog: carry on soon, not in an hour
            caching.set_value(LOCK_KEY, time.time(), timeout=BACKLOG_RETRY_SECONDS)
        logger.info("Housekeeping: %s", " ".join(done))
    except Exception:
        logger.exception("Housekeeping failed; it will be tried again in an hour")
    return True


class HousekeepingMiddleware:
    """Runs the retention jobs when they are due, once the answer has gone to the reader
    (the response's close, which the WSGI server calls after sending it)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if settings.BROADSHEET_HOUSEKEEPING_IN_WEB and time.monotonic() >= _Schedule.next_check:
            # Django's own list of what close() runs (FileResponse closes its file there).
            response._resource_closers.append(run_if_due)
        return response
