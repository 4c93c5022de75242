"""Commenters' IP addresses and browsers are cleared after BROADSHEET_IP_RETENTION_DAYS, and
every retention job runs without cron: the web process runs them at most once an hour
across every process, after answering a request, and a failing job never reaches a reader."""

import logging
import os
from datetime import timedelta
from io import StringIO

import pytest
from django.contrib.sessions.models import Session
from django.core.cache import cache
from django.core.management import call_command
from django.test import Client
from django.utils import timezone

from comments import housekeeping
from comments.models import Comment, OutgoingEmail
from tests.browser import skip_or_fail

pytestmark = pytest.mark.django_db


@pytest.fixture
def post(make_post):
    return make_post("Harbour works")


@pytest.fixture
def written(post):
    """`written(days_old, **fields)`: a comment with an IP address and a browser, that old."""

    def write(days_old, **fields):
        fields.setdefault("status", Comment.Status.APPROVED)
        return Comment.objects.create(
            post=post, author_name="Ada", author_email="ada@example.org",
            body=f"Written {days_old} days ago.", ip_address="203.0.113.7",
            user_agent="Mozilla/5.0 (Ada's laptop)",
            submitted_at=timezone.now() - timedelta(days=days_old), **fields,
        )  # fmt: skip

    return write


def addresses(comment):
    comment.refresh_from_db()
    return comment.ip_address, comment.user_agent


KEPT = ("203.0.113.7", "Mozilla/5.0 (Ada's laptop)")


# --- IP addresses


def test_ip_addresses_and_browsers_older_than_the_retention_are_cleared(written, settings):
    settings.BROADSHEET_IP_RETENTION_DAYS = 30
    old, held, recent = written(31), written(45, status="pending"), written(29)

    out = StringIO()
    call_command("forget_ip_addresses", stdout=out)

    assert addresses(old) == addresses(held) == (None, "")
    assert addresses(recent) == KEPT
    old.refresh_from_db()
    assert (old.author_name, old.author_email, old.body) == (
        "Ada", "ada@example.org", "Written 31 days ago.",
    )  # fmt: skip
    assert "Cleared 2 comments' IP addresses and browsers older than 30 days." in out.getvalue()


def test_forgetting_ip_addresses_can_be_counted_first_and_run_again(written):
    old = written(40)

    out = StringIO()
    call_command("forget_ip_addresses", "--days", "35", "--dry-run", stdout=out)
    assert "1 comments' IP addresses and browsers older than 35 days." in out.getvalue()
    assert addresses(old) == KEPT

    call_command("forget_ip_addresses", "--days", "35", stdout=StringIO())
    again = StringIO()
    call_command("forget_ip_addresses", "--days", "35", stdout=again)
    assert addresses(old) == (None, "")
    assert "Cleared 0 comments" in again.getvalue()


def test_housekeeping_runs_every_retention_job(written, settings):
    settings.BROADSHEET_SPAM_RETENTION_DAYS = 15
    settings.BROADSHEET_TRASH_RETENTION_DAYS = 30
    settings.BROADSHEET_IP_RETENTION_DAYS = 20
    settings.BROADSHEET_EMAIL_RETENTION_DAYS = 7
    spam, trash, ham = written(16, status="spam"), written(31, status="trash"), written(21)
    sent = OutgoingEmail.objects.create(
        recipients=["ada@example.org"], subject="Old news", body="…", status="sent",
        created_at=timezone.now() - timedelta(days=8),
    )  # fmt: skip
    # A form sent back to its writer an hour and more ago, and one sent back just now.
    now = timezone.now()
    expired = Session.objects.create(session_key="a" * 32, session_data="",
                                     expire_date=now - timedelta(minutes=1))  # fmt: skip
    current = Session.objects.create(session_key="b" * 32, session_data="",
                                     expire_date=now + timedelta(minutes=59))  # fmt: skip

    out = StringIO()
    call_command("housekeeping", stdout=out)

    assert not Comment.objects.filter(pk__in=[spam.pk, trash.pk]).exists()
    assert addresses(ham) == (None, "")
    assert not OutgoingEmail.objects.filter(pk=sent.pk).exists()
    assert list(Session.objects.values_list("pk", flat=True)) == [current.pk]
    assert expired.pk != current.pk
    assert out.getvalue().splitlines() == [
        "Deleted 1 spam comments older than 15 days.",
        "Deleted 1 comments in the trash older than 30 days.",
        "Cleared the IP address and browser of 1 comments older than 20 days.",
        "Deleted 1 sent or given-up emails older than 7 days.",
        "Deleted 1 expired sessions.",
    ]


# --- From the web process

# Nodes share their lock through Redis in production; this database is emptied by the test.
REDIS_URL = os.environ.get("BROADSHEET_TEST_HOUSEKEEPING_REDIS_URL", "redis://127.0.0.1:6379/12")


@pytest.fixture
def in_web(settings, monkeypatch):
    """The jobs run from requests, as in production; a new process's schedule."""
    settings.BROADSHEET_HOUSEKEEPING_IN_WEB = True
    monkeypatch.setattr(housekeeping._Schedule, "next_check", 0.0)


def another_process(monkeypatch):
    """Another worker or node: it has never asked the shared cache whether a run is due."""
    monkeypatch.setattr(housekeeping._Schedule, "next_check", 0.0)


@pytest.fixture(params=["local memory", "Redis"])
def shared_cache(request, settings):
    """The cache the lock is taken in: a process's own (a single-process site), or Redis."""
    if request.param == "Redis":
        import redis

        try:
            redis.Redis.from_url(REDIS_URL, socket_connect_timeout=0.5).ping()
        except redis.RedisError as error:
            skip_or_fail(f"Redis is not answering at {REDIS_URL}: {error}")
        redis_cache = {"BACKEND": "django.core.cache.backends.redis.RedisCache",
                       "LOCATION": REDIS_URL}  # fmt: skip
        settings.CACHES = {**settings.CACHES, "default": redis_cache}
    cache.clear()  # Redis keeps what an earlier run left: its pages and versions
    yield
    cache.clear()


def test_a_request_runs_the_jobs_at_most_once_an_hour_across_processes(
    post, written, in_web, shared_cache, monkeypatch
):
    first = written(40)

    assert Client().get(post.get_absolute_url()).status_code == 200
    assert addresses(first) == (None, "")  # the first request ran the jobs

    second = written(40)
    Client().get("/")  # the same process, a moment later: it does not even ask
    another_process(monkeypatch)
    Client().get("/")  # another process: the shared lock says it ran this hour
    assert addresses(second) == KEPT

    # An hour later the lock has expired (the cache drops it); the next request runs them.
    housekeeping.caching.delete(housekeeping.LOCK_KEY)
    another_process(monkeypatch)
    Client().get("/")
    assert addresses(second) == (None, "")


def test_a_failing_job_is_logged_and_the_reader_still_gets_the_page(
    post, written, in_web, settings, caplog
):
    old = written(40)
    settings.BROADSHEET_IP_RETENTION_DAYS = 10**9  # more days than any date can go back

    with caplog.at_level(logging.ERROR, logger="comments.housekeeping"):
        response = Client().get(post.get_absolute_url())

    assert response.status_code == 200
    assert "Harbour works" in response.content.decode()
    assert "Housekeeping failed" in caplog.text
    assert addresses(old) == KEPT


def test_the_jobs_wait_while_the_shared_cache_is_down(post, written, in_web, settings):
    from tests.test_cache_outage import DEAD_REDIS

    old = written(40)
    settings.CACHES = {**settings.CACHES, "default": DEAD_REDIS}
    housekeeping.caching._Health.down_until = 0.0
    try:
        response = Client().get(post.get_absolute_url())
    finally:
        housekeeping.caching._Health.down_until = housekeeping.caching._Health.logged_at = 0.0

    assert response.status_code == 200
    assert addresses(old) == KEPT  # no lock to share, so no run: a later request does it


def test_without_the_setting_requests_leave_the_jobs_to_cron(post, written, in_web, settings):
    settings.BROADSHEET_HOUSEKEEPING_IN_WEB = False
    old = written(40)

    Client().get(post.get_absolute_url())

    assert addresses(old) == KEPT
