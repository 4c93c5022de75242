"""The flood limit is counted in the shared cache, so it holds across workers and nodes."""

import pytest
from django.core.cache import caches

from blog import caching
from comments.screening import screen
from comments.screening.checks.flood import FLOOD_MESSAGE
from comments.screening.submission import Action
from tests.screening import submission

pytestmark = pytest.mark.django_db

REDIS_URL = "redis://127.0.0.1:6379/15"


def redis_available():
    try:
        import redis

        redis.Redis.from_url(REDIS_URL, socket_connect_timeout=0.5).ping()
    except Exception:
        return False
    return True


def test_more_than_n_comments_a_minute_from_one_ip_are_rejected(make_post, settings):
    settings.BROADSHEET_SCREENING_FLOOD_PER_MINUTE = 3
    post = make_post()

    verdicts = [
        screen(submission(post, author_email=f"writer{n}@example.net", body=f"Comment {n}"))
        for n in range(4)
    ]

    assert [v.action for v in verdicts[:3]] == [Action.HOLD] * 3
    assert verdicts[3].action == Action.REJECT
    assert verdicts[3].message == "You are posting comments too quickly. Slow down."
    assert FLOOD_MESSAGE == verdicts[3].message


def test_more_than_n_comments_a_minute_from_one_email_are_rejected(make_post, settings):
    settings.BROADSHEET_SCREENING_FLOOD_PER_MINUTE = 2
    post = make_post()

    verdicts = [
        screen(submission(post, ip_address=f"198.51.100.{n}", body=f"Comment {n}"))
        for n in range(3)
    ]

    assert verdicts[2].action == Action.REJECT
    assert "email" in verdicts[2].reasons[-1]


def test_different_writers_do_not_share_a_limit(make_post, settings):
    settings.BROADSHEET_SCREENING_FLOOD_PER_MINUTE = 1
    post = make_post()

    first = screen(submission(post, ip_address="198.51.100.1", author_email="a@example.net"))
    second = screen(submission(post, ip_address="198.51.100.2", author_email="b@example.net"))

    assert first.action == second.action == Action.HOLD


@pytest.mark.skipif(not redis_available(), reason="Redis is not running on 127.0.0.1:6379")
def test_flood_limit_holds_across_two_cache_clients(make_post, settings):
    """Two workers (two cache clients on one Redis) count into the same window."""
    settings.CACHES = {
        **settings.CACHES,
        "worker_a": {"BACKEND": "blog.cache_backends.RedisCache",
                     "LOCATION": REDIS_URL, "KEY_PREFIX": "flood-test"},
        "worker_b": {"BACKEND": "blog.cache_backends.RedisCache",
                     "LOCATION": REDIS_URL, "KEY_PREFIX": "flood-test"},
    }  # fmt: skip
    settings.BROADSHEET_SCREENING_FLOOD_PER_MINUTE = 2
    caches["worker_a"].clear()
    post = make_post()
    assert caches["worker_a"] is not caches["worker_b"]

    actions = []
    for n, worker in enumerate(["worker_a", "worker_b", "worker_a", "worker_b"]):
        settings.BROADSHEET_SCREENING_CACHE = worker
        actions.append(screen(submission(post, body=f"Comment number {n}")).action)

    caches["worker_a"].clear()
    assert actions == [Action.HOLD, Action.HOLD, Action.REJECT, Action.REJECT]


@pytest.mark.skipif(not redis_available(), reason="Redis is not running on 127.0.0.1:6379")
def test_a_count_on_redis_is_one_round_trip_and_never_outlives_its_window(settings, monkeypatch):
    settings.CACHES = {
        **settings.CACHES,
        "counting": {"BACKEND": "blog.cache_backends.RedisCache", "LOCATION": REDIS_URL,
                     "KEY_PREFIX": "count-test"},
    }  # fmt: skip
    cache = caches["counting"]
    cache.clear()
    client = cache._cache.get_client(write=True)
    key = cache.make_and_validate_key("flood:ip:198.51.100.7")
    connection_class = client.connection_pool.connection_class
    send = connection_class.send_packed_command
    sent = []

    def send_counted(connection, command, *args, **kwargs):
        if key.encode() in b"".join(command if isinstance(command, list) else [command]):
            sent.append(command)
        return send(connection, command, *args, **kwargs)

    monkeypatch.setattr(connection_class, "send_packed_command", send_counted)
    counts = [caching.count("flood:ip:198.51.100.7", 60, alias="counting") for _ in range(3)]

    assert counts == [1, 2, 3]
    assert len(sent) == 3  # the pipeline goes as one
    assert 0 < client.ttl(key) <= 60
    # A counter left without an expiry (its window ended between SET and INCR) gets one.
    client.persist(key)
    assert caching.count("flood:ip:198.51.100.7", 60, alias="counting") == 4
    assert 0 < client.ttl(key) <= 60
    cache.clear()
