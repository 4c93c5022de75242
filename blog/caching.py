"""Every cache in Broadsheet goes through here.

Cached things are named by what they depend on. Each dependency ("content", "comments",
"comments:<post id>"...) has a version number kept in the shared cache; a key embeds the
versions it was built from, so a write anywhere makes the next read everywhere (every worker,
every node) miss and rebuild, without anyone guessing which keys to delete:

    caching.get_or_set("site-identity", build, depends_on=["content"])
    caching.bump_on_commit("content")      # after a write that changes what readers see

Versions start from the clock, so a version lost with an evicted key, or a flushed cache,
never matches an old entry again.

A cache that fails (Redis down or unreachable) makes the site slower, not broken: reads fall
back to building the value, writes are skipped, and for a few seconds this process does not
try again (so a request does not wait on a dead server once per cached thing). A log line
says so at most once a minute.
"""

import logging
import time

from django.conf import settings
from django.core.cache import caches
from django.db import transaction
from django.utils import timezone

logger = logging.getLogger(__name__)

# Nothing is kept longer than this, whatever its versions say: a bound on any staleness a
# missed bump could cause (a bulk update made outside the models, a write made in the shell).
DEFAULT_TIMEOUT = 600
MAX_TIMEOUT = 3600

# How long a process leaves a failed cache alone before trying it again.
RETRY_AFTER_SECONDS = 5.0
LOG_EVERY_SECONDS = 60.0

_MISSING = object()

# The dependencies. CONTENT: anything on every page or in lists (posts, pages, terms, the
# site identity, donation links, images). COMMENTS: any comment anywhere (comment counts,
# the comments feed); comments_of(post): the comments under one post.
CONTENT = "content"
COMMENTS = "comments"


def comments_of(post_id):
    return f"comments:{post_id}"


class _Health:
    """This process's view of whether the cache answers."""

    down_until = 0.0
    logged_at = 0.0

    @classmethod
    def usable(cls):
        return time.monotonic() >= cls.down_until

    @classmethod
    def failed(cls, error):
        now = time.monotonic()
        cls.down_until = now + RETRY_AFTER_SECONDS
        if now - cls.logged_at >= LOG_EVERY_SECONDS or not cls.logged_at:
            cls.logged_at = now
            logger.warning(
                "The cache is not answering (%s: %s); serving without it, slower, until it is "
                "back.", type(error).__name__, error,
            )


def _cache(alias):
    return caches[alias or settings.BROADSHEET_CACHE]


def _call(method, *args, default=None, alias=None, **kwargs):
    """Call a cache method; on any failure, remember the outage and return `default`."""
    if not _Health.usable():
        return default
    try:
        return getattr(_cache(alias), method)(*args, **kwargs)
    except Exception as error:  # noqa: BLE001 (any client error means "no cache")
        _Health.failed(error)
        return default


def cache_is_down():
    """True while this process treats the cache as unreachable."""
    return not _Health.usable()


# --- Versions ------------------------------------------------------------------------------


def _version_key(name):
    return f"v:{name}"


def versions(names):
    """The current version of each dependency in `names`, as a dict (one round trip).

    A version nobody has set yet is started from the clock. With the cache down, every
    version reads as 0 and nothing cached is trusted (see `get`)."""
    names = list(names)
    if not names:
        return {}
    keys = [_version_key(name) for name in names]
    found = _call("get_many", keys, default=None)
    if found is None:
        return dict.fromkeys(names, 0)
    result = {}
    for name, key in zip(names, keys, strict=True):
        value = found.get(key)
        if value is None:
            value = time.time_ns()
            # add, not set: if another worker started it a moment ago, theirs wins.
            if not _call("add", key, value, timeout=None, default=False):
                value = _call("get", key, default=0) or 0
        result[name] = value
    return result


def get_with_versions(key, names):
    """(the value at `key` or None, the current versions of `names`) in one round trip: for
    a reader who already knows what the value depends on. A version nobody has set yet,
    like any with the cache down, reads as 0, which no stored value was built under."""
    keys = [_version_key(name) for name in names]
    found = _call("get_many", [key, *keys], default=None)
    if found is None:
        return None, dict.fromkeys(names, 0)
    return found.get(key), {name: found.get(vk) or 0 for name, vk in zip(names, keys, strict=True)}


def bump(*names):
    """Invalidate everything built from these dependencies, on every worker and node: one
    round trip however many. A version only has to change, not to grow, so each becomes
    the clock's current nanosecond (two writers at once both move it on)."""
    if names:
        now = time.time_ns()
        _call("set_many", {_version_key(name): now for name in names}, timeout=None)


def bump_on_commit(*names):
    """Bump now, and again once the current transaction commits.

    Bumping only now would let another reader render the old, still committed rows under
    the new version, and that stale copy would then look current; bumping only after the
    commit would hide the change from the writer's own transaction. (A transaction that
    is rolled back after reading its own change through the cache can leave that copy
    behind: DEFAULT_TIMEOUT bounds it.)"""
    bump(*names)
    transaction.on_commit(lambda: bump(*names))


# --- Values --------------------------------------------------------------------------------


def key_for(name, depends_on=(), found_versions=None):
    """The cache key for `name` built from the current versions of `depends_on`."""
    if found_versions is None:
        found_versions = versions(depends_on)
    suffix = ".".join(f"{found_versions[dep]}" for dep in depends_on)
    return f"{name}@{suffix}" if depends_on else name


def get_or_set(name, build, depends_on=(), timeout=DEFAULT_TIMEOUT, alias=None, ends=None):
    """The cached value of `name`, or `build()` (then cached) when missing or stale.

    `ends(value)` says when a value stops being right by itself (a datetime, or None: when
    its dependencies change): from then it is built again (a scheduled post goes live).

    One round trip when this process read `name` lately and its versions have not moved
    since (the key it was read under is asked for with them), two otherwise."""
    value, key = _cached(name, build, list(depends_on), timeout, alias)
    if ends is not None and key is not None:
        moment = ends(value)
        if moment is not None and timezone.now() >= moment:
            value = build()
            set_value(key, value, timeout=timeout, alias=alias)
    return value


def _cached(name, build, depends_on, timeout, alias):
    """(value, the key it is cached under), or (built value, None) with the cache down."""
    known = _known_keys.get(name) if depends_on and alias is None else None
    if known is not None:
        keys = [known, *map(_version_key, depends_on)]
        found = _call("get_many", keys, default=None) or {}
        current = {dep: found.get(_version_key(dep)) for dep in depends_on}
        if known in found and all(current.values()) and key_for(name, depends_on, current) == known:
            return found[known], known
    found_versions = versions(depends_on)
    if depends_on and not any(found_versions.values()):
        return build(), None  # the cache is down: never trust or write it
    key = key_for(name, depends_on, found_versions)
    value = _call("get", key, _MISSING, default=_MISSING, alias=alias)
    if value is _MISSING:
        value = build()
        set_value(key, value, timeout=timeout, alias=alias)
    if depends_on and alias is None:
        if len(_known_keys) >= MOST_KNOWN_KEYS:
            _known_keys.clear()
        _known_keys[name] = key
    return value, key


# The key each name's value was last read or stored under in this process: only names and
# version numbers, never a value, so it cannot make anything stale. Bounded: one entry per
# name (a post's previous and next links are one name per post).
_known_keys = {}
MOST_KNOWN_KEYS = 10_000


def get(key, default=None, alias=None):
    return _call("get", key, default, default=default, alias=alias)


def set_value(key, value, timeout=DEFAULT_TIMEOUT, alias=None):
    _call("set", key, value, timeout=min(timeout or MAX_TIMEOUT, MAX_TIMEOUT), alias=alias)


def delete(key, alias=None):
    _call("delete", key, alias=alias)


def add(key, value, timeout, alias=None):
    """Set `key` only if it is missing. None when the cache cannot be reached."""
    return _call("add", key, value, timeout=timeout, default=None, alias=alias)


def count(key, timeout, alias=None):
    """Add one to the counter at `key`, which starts at zero and lasts `timeout` seconds
    from then, and return its new value; None when the cache cannot be reached. One round
    trip on Redis (blog/cache_backends.py); add, then incr, on other caches."""
    if not _Health.usable():
        return None
    cache = _cache(alias)
    try:
        if hasattr(cache, "count"):
            return cache.count(key, timeout)
        cache.add(key, 0, timeout=timeout)
        try:
            return cache.incr(key)
        except ValueError:  # the counter ended between the two
            cache.set(key, 1, timeout=timeout)
            return 1
    except Exception as error:  # noqa: BLE001 (any client error means "no cache")
        _Health.failed(error)
        return None
