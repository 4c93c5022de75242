"""The one cache helper (blog/caching.py): a cached value is never older than the versions
it depends on, and reading an unchanged one again costs one round trip to the cache."""

import pytest
from django.core.cache import cache

from blog import caching


class CountedCache:
    """The configured cache, counting the calls that reach it (each one a round trip)."""

    def __init__(self, real):
        self.real, self.calls = real, []

    def __getattr__(self, method):
        def call(*args, **kwargs):
            self.calls.append(method)
            return getattr(self.real, method)(*args, **kwargs)

        return call


@pytest.fixture
def counted(monkeypatch):
    cache.clear()
    counting = CountedCache(caching._cache(None))
    monkeypatch.setattr(caching, "_cache", lambda alias: counting)
    return counting


def builder(*values):
    """A build function returning `values` one after another, counting its calls."""
    made = iter(values)

    def build():
        build.calls += 1
        return next(made)

    build.calls = 0
    return build


def test_a_value_read_again_unchanged_costs_one_round_trip(counted):
    build = builder("Council budget")
    caching.get_or_set("menu", build, depends_on=[caching.CONTENT])
    counted.calls.clear()

    for _ in range(3):
        assert caching.get_or_set("menu", build, depends_on=[caching.CONTENT]) == "Council budget"

    assert counted.calls == ["get_many"] * 3
    assert build.calls == 1


def test_a_change_is_seen_by_the_very_next_read(counted):
    build = builder("Old title", "New title")
    caching.get_or_set("site", build, depends_on=[caching.CONTENT, caching.COMMENTS])
    caching.bump(caching.COMMENTS)

    assert caching.get_or_set("site", build, depends_on=[caching.CONTENT, caching.COMMENTS]) == (
        "New title"
    )
    assert caching.get_or_set("site", build, depends_on=[caching.CONTENT, caching.COMMENTS]) == (
        "New title"
    )
    assert build.calls == 2


def test_nothing_is_a_value_too(counted):
    build = builder(None)
    caching.get_or_set("next-scheduled", build, depends_on=[caching.CONTENT])
    counted.calls.clear()

    assert caching.get_or_set("next-scheduled", build, depends_on=[caching.CONTENT]) is None
    assert counted.calls == ["get_many"]
    assert build.calls == 1


def test_an_emptied_cache_builds_again(counted):
    build = builder("First", "Second")
    caching.get_or_set("donations", build, depends_on=[caching.CONTENT])
    cache.clear()

    assert caching.get_or_set("donations", build, depends_on=[caching.CONTENT]) == "Second"
    assert build.calls == 2
