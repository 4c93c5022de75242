"""A cache that stops answering makes the blog slower, not broken."""

import logging

import pytest
from django.test import Client

from blog import caching
from blog.models import SiteIdentity
from tests.commenting import ADA, comment_url, reader_form

pytestmark = pytest.mark.django_db

# Nothing listens on port 1: every cache call fails at once, as with Redis stopped.
DEAD_REDIS = {
    "BACKEND": "blog.cache_backends.RedisCache",
    "LOCATION": "redis://127.0.0.1:1/0",
    "OPTIONS": {"socket_connect_timeout": 0.25, "socket_timeout": 0.25},
}


@pytest.fixture
def dead_cache(settings):
    settings.CACHES = {**settings.CACHES, "default": DEAD_REDIS}
    caching._Health.down_until = caching._Health.logged_at = 0.0
    yield
    caching._Health.down_until = caching._Health.logged_at = 0.0


@pytest.fixture
def post(make_post):
    identity = SiteIdentity.load()
    identity.title = "The Parish Pump"
    identity.save()
    return make_post("Roads and the budget", days_ago=1)


def test_every_page_is_served_from_the_database_while_the_cache_is_down(client, post,
                                                                        dead_cache):  # fmt: skip
    for address in ("/", post.get_absolute_url(), "/archives/", "/feed/", "/search/?q=roads"):
        response = client.get(address)
        assert response.status_code == 200, address
    page = client.get(post.get_absolute_url()).content.decode()
    assert "The Parish Pump" in page and "Roads and the budget" in page


def test_comments_are_still_taken_and_the_flood_limit_holds_per_worker(
    post, regulars, dead_cache, settings
):
    settings.BROADSHEET_SCREENING_FLOOD_PER_MINUTE = 2
    writers = [Client() for _ in range(3)]
    answers = [
        writer.post(comment_url(post), reader_form(post, f"Comment {n} on roads.", **ADA))
        for n, writer in enumerate(writers)
    ]
    assert [answer.status_code for answer in answers] == [302, 302, 302]
    assert [answer["Location"].endswith("#respond") for answer in answers] == [False, False, True]
    sent_back = writers[2].get(answers[2]["Location"])
    assert "posting comments too quickly" in sent_back.content.decode()


def test_the_outage_is_logged_once_not_once_a_request(client, post, dead_cache, caplog):
    with caplog.at_level(logging.WARNING, logger="blog.caching"):
        for _ in range(5):
            client.get(post.get_absolute_url())
        caching._Health.down_until = 0.0  # the retry pause is over: it fails again
        client.get("/")
    warnings = [r for r in caplog.records if r.name == "blog.caching"]
    assert len(warnings) == 1
    assert "cache is not answering" in warnings[0].getMessage()


def test_the_cache_is_used_again_once_it_answers(client, post, dead_cache, settings):
    client.get(post.get_absolute_url())
    assert caching.cache_is_down()
    settings.CACHES = {**settings.CACHES, "default": {
        "BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}  # fmt: skip
    caching._Health.down_until = 0.0  # the retry pause is over
    client.get(post.get_absolute_url())
    assert Client().get(post.get_absolute_url())["X-Page-Cache"] == "hit"
