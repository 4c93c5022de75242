"""Whole pages for anonymous readers, from the shared cache.

A post that goes viral is read by thousands of people who see exactly the same page. The
first of them renders it; everyone after gets the stored bytes (compressed once, when
stored) until something they would see changes. The middleware sits near the top of the
stack, so a hit costs one cache round trip and no database query, template or view; for a
page the worker served lately (kept in its memory), that round trip reads only the versions.

What may be served from here: a GET or HEAD with no query string (or only a page number),
from a reader whose request carries no session (logged in, or a comment form sent back
to them with their text), no message, no held-comment cookie and no remembered-commenter
cookie: for them the page is the same as for everyone. The comment
form on such a page carries no per-reader CSRF token (see comments/views.py for how a
comment POST is checked instead).

When a stored page is stale: each page records the versions of what it was built from
(blog/caching.py: "content" for posts, pages, terms, the site identity, donation links;
"comments:<post id>" or "comments" for comments) as they were *before* the view read the
database. Any write bumps a version and the next request, on any worker or node, renders
again. A page also stops being served when a scheduled post goes live or a post's comments
close by date (`expires_at`), and after BROADSHEET_PAGE_CACHE_SECONDS whatever happens.

For engines in front (nginx, a CDN): `ETag`/`Last-Modified` with 304s, and
`Cache-Control: public, max-age=0, s-maxage=N, stale-while-revalidate=M` (settings
BROADSHEET_SHARED_CACHE_SECONDS and BROADSHEET_SHARED_CACHE_STALE_SECONDS): a shared cache
may show a page at most N + M seconds after it changed. `Vary: Cookie, Accept-Encoding`.
"""

import gzip
import hashlib
import time
from collections import OrderedDict
from functools import cache
from pathlib import Path

import brotli
from django.conf import settings
from django.core.signals import setting_changed
from django.db import DatabaseError
from django.http import HttpResponse, HttpResponseNotModified
from django.utils import timezone
from django.utils.cache import patch_cache_control, patch_vary_headers
from django.utils.http import http_date, parse_http_date_safe

from blog import caching
from blog.ids import parse_id
from blog.models import Post

# Cookies that make a page personal: a logged-in (or messaged) reader, a writer whose
# comment waits for a moderator, a reader whose name and email fill the form.
PERSONAL_COOKIES = (
    "broadsheet_held",
    "broadsheet_commenter",
)
STORED_TYPES = (
    "text/html",
    "text/plain",
    "application/rss+xml",
    "application/atom+xml",
    "application/xml",
)
# Headers the stored page keeps (the middleware below sets the caching ones itself).
DROPPED_HEADERS = {
    "content-length", "content-encoding", "vary", "cache-control", "etag", "last-modified",
    "expires", "set-cookie",
}  # fmt: skip
STATUS_HEADER = "X-Page-Cache"

# A page is compressed once, on a miss, with brotli: every browser takes it. On a 770 KB page
# (500 comments) quality 1 took 1.3 ms for 132 KB; gzip took 5.3 ms for 145 KB at level 4
# and 3.1 ms for 161 KB at level 1. Readers whose software takes only gzip (some feed
# readers and bots) get a gzip copy, made on their first request and kept in memory.
BROTLI_QUALITY = 1
GZIP_LEVEL = 4


def depends_on(request, *names):
    """Declare what the page being rendered shows, before the view reads it from the
    database: the cached copy is stale once any of these versions moves on."""
    found = getattr(request, "_page_cache_versions", None)
    if found is None:
        return
    new = [name for name in names if name not in found]
    found.update(caching.versions(new))
    request._page_cache_names = list(names)


def expires_at(request, moment):
    """The page changes by itself at `moment` (a datetime): serve no copy after it."""
    if moment is None or not hasattr(request, "_page_cache_versions"):
        return
    timestamp = moment.timestamp()  # compared with timezone.now(), the blog's clock
    current = getattr(request, "_page_cache_expires", None)
    if current is None or timestamp < current:
        request._page_cache_expires = timestamp


class AnonymousPageCacheMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if not self._is_cacheable(request):
            response = self.get_response(request)
            if response.get("Cache-Control") is None and _is_personal(request):
                patch_cache_control(response, private=True, no_cache=True)
            return response

        key = self._key(request)
        entry = _recent.get(key)
        if entry is not None:  # this process served it lately: ask only for the versions
            if self._is_fresh(entry):
                return self._respond(request, entry, "hit")
            _recent.forget(key)
        names = _depends_on.get(key)
        if names is None:  # this process has not seen the page yet: two round trips
            entry, current = caching.get(key), None
        else:
            entry, current = caching.get_with_versions(key, names)
        if entry is not None:
            _remember_dependencies(key, entry)
            if self._is_fresh(entry, current):
                _recent.keep(key, entry)
                return self._respond(request, entry, "hit")

        default_names = [caching.CONTENT, caching.COMMENTS]
        request._page_cache_versions = caching.versions(default_names)
        request._page_cache_names = default_names
        response = self.get_response(request)
        if not self._is_storable(request, response):
            return response
        try:  # the page changes by itself when a scheduled post goes live
            expires_at(request, Post.objects.next_scheduled_at())
        except DatabaseError:
            return response
        entry = self._entry(request, response)
        caching.set_value(key, entry, timeout=settings.BROADSHEET_PAGE_CACHE_SECONDS)
        _remember_dependencies(key, entry)
        _recent.keep(key, entry)
        return self._respond(request, entry, "miss")

    # --- Which requests and responses -----------------------------------------------------

    def _is_cacheable(self, request):
        if not settings.BROADSHEET_PAGE_CACHE_SECONDS or caching.cache_is_down():
            return False
        if not is_shared(request):
            return False
        if request.path.startswith(settings.BROADSHEET_PAGE_CACHE_SKIP_PREFIXES):
            return False
        # Arbitrary query strings would let anyone fill the cache with copies.
        query = request.GET
        return not query or (list(query) == ["page"] and parse_id(query["page"]) is not None)

    def _is_storable(self, request, response):
        if response.status_code != 200 or response.streaming or response.cookies:
            return False
        if not response.get("Content-Type", "").startswith(STORED_TYPES):
            return False
        control = response.get("Cache-Control", "")
        if any(word in control for word in ("private", "no-store", "no-cache")):
            return False
        return True

    @staticmethod
    def _key(request):
        return address_key("page", request, request.get_full_path())

    # --- Stored copies ----------------------------------------------------------------------

    @staticmethod
    def _entry(request, response):
        compressed = brotli.compress(response.content, quality=BROTLI_QUALITY)
        return {
            "versions": {
                name: request._page_cache_versions[name] for name in request._page_cache_names
            },
            "expires": getattr(request, "_page_cache_expires", None),
            "headers": [
                (name, value)
                for name, value in response.items()
                if name.lower() not in DROPPED_HEADERS
            ],
            "br": compressed,
            # Of the compressed bytes: the same for the same page, and a sixth as many to
            # read (0.2 ms, not 1 ms, on a 500-comment page).
            "etag": f'W/"{hashlib.md5(compressed, usedforsecurity=False).hexdigest()}"',
            "last_modified": time.time(),
        }

    @staticmethod
    def _is_fresh(entry, current=None):
        """Whether a stored page is current: `current` holds the versions read with it,
        when this process knew which it would need."""
        if entry["expires"] is not None and timezone.now().timestamp() >= entry["expires"]:
            return False
        # A shared copy ends by itself then; this process's own copy must not outlive it.
        if time.time() - entry["last_modified"] >= settings.BROADSHEET_PAGE_CACHE_SECONDS:
            return False
        stored = entry["versions"]
        if current is None or current.keys() != stored.keys():
            current = caching.versions(stored)
        return all(current[name] == version and version for name, version in stored.items())

    @staticmethod
    def _respond(request, entry, outcome):
        if _not_modified(request, entry):
            response = HttpResponseNotModified()
        else:
            encoding, body = _encoded(entry, _accepted_encodings(request))
            response = HttpResponse(b"" if request.method == "HEAD" else body)
            for name, value in entry["headers"]:
                response[name] = value
            if encoding:
                response["Content-Encoding"] = encoding
            response["Content-Length"] = str(len(body))
        response["ETag"] = entry["etag"]
        response["Last-Modified"] = http_date(entry["last_modified"])
        response["Cache-Control"] = (
            f"public, max-age=0, s-maxage={settings.BROADSHEET_SHARED_CACHE_SECONDS}, "
            f"stale-while-revalidate={settings.BROADSHEET_SHARED_CACHE_STALE_SECONDS}"
        )
        patch_vary_headers(response, ("Cookie", "Accept-Encoding"))
        response[STATUS_HEADER] = outcome
        return response


class _LastUsed:
    """Values this process used last, up to `most_bytes` of them by `size`: past it, the
    least recently used go."""

    def __init__(self, most_bytes, size):
        self.most_bytes, self.size_of = most_bytes, size
        self.values = OrderedDict()
        self.size = 0

    def get(self, key):
        value = self.values.get(key)
        if value is not None:
            self.values.move_to_end(key)
        return value

    def keep(self, key, value):
        self.forget(key)
        self.values[key] = value
        self.size += self.size_of(value)
        while self.size > self.most_bytes and len(self.values) > 1:
            _, oldest = self.values.popitem(last=False)
            self.size -= self.size_of(oldest)

    def forget(self, key):
        value = self.values.pop(key, None)
        if value is not None:
            self.size -= self.size_of(value)

    def clear(self):
        self.values.clear()
        self.size = 0


# The pages this process served last: a hit on one asks the shared cache only for its
# versions (a few bytes) instead of the whole page again (134 KB for 500 comments). Fresh
# exactly when the shared copy would be (_is_fresh).
_recent = _LastUsed(8 * 1024 * 1024, size=lambda entry: len(entry["br"]))


def _accepted_encodings(request):
    """The content codings a request's Accept-Encoding allows ("gzip;q=0" refuses gzip)."""
    accepted = set()
    for item in request.META.get("HTTP_ACCEPT_ENCODING", "").lower().split(","):
        coding, _, quality = item.replace(" ", "").partition(";q=")
        try:
            refused = quality != "" and float(quality) <= 0
        except ValueError:
            refused = True
        if coding and not refused:
            accepted.add(coding)
    return accepted


def _encoded(entry, accepted):
    """(Content-Encoding, body) of a stored page for a reader who takes `accepted`."""
    if "br" in accepted:
        return "br", entry["br"]
    if "gzip" in accepted:
        return "gzip", _gzipped(entry)
    return "", brotli.decompress(entry["br"])


# gzip copies of stored pages, for the few readers who take no brotli, made on their first
# request and kept by ETag (a page's copy is never stale).
_gzip_copies = _LastUsed(2 * 1024 * 1024, size=len)


def _gzipped(entry):
    copy = _gzip_copies.get(entry["etag"])
    if copy is None:
        copy = gzip.compress(brotli.decompress(entry["br"]), compresslevel=GZIP_LEVEL, mtime=0)
        _gzip_copies.keep(entry["etag"], copy)
    return copy


# Which versions each stored page depends on, as this process last saw it (a page's kind of
# content does not change, its versions do): with them, a hit reads the page and the
# versions in one round trip. Only names, never content, so it cannot go stale.
_depends_on = {}
MOST_REMEMBERED = 20_000


def _remember_dependencies(key, entry):
    if key not in _depends_on:
        if len(_depends_on) >= MOST_REMEMBERED:
            _depends_on.clear()
        _depends_on[key] = tuple(entry["versions"])


@cache
def _release():
    """What the pages were rendered with besides the data: the code, the templates, the
    static files' names and the settings. A deploy that changes any of them starts from
    an empty page cache, though Redis keeps the old copies."""
    project = Path(settings.BASE_DIR)
    newest = max(
        (path.stat().st_mtime_ns for folder in ("blog", "comments", "config", "templates")
         for path in (project / folder).rglob("*") if path.suffix in (".py", ".html")),
        default=0,
    )  # fmt: skip
    manifest = Path(settings.STATIC_ROOT) / "staticfiles.json"
    shown = sorted(
        (name, repr(getattr(settings, name)))
        for name in dir(settings)
        if name.startswith(("BROADSHEET_", "AKISMET_", "TIME_ZONE", "LANGUAGE_CODE"))
    )
    fingerprint = repr((newest, manifest.exists() and manifest.stat().st_mtime_ns, shown))
    return hashlib.md5(fingerprint.encode(), usedforsecurity=False).hexdigest()[:12]


def warm_up():
    """Compute the release fingerprint now (gunicorn's master calls this before forking)."""
    _release()


def _forget_release(**kwargs):
    _release.cache_clear()
    _recent.clear()
    _gzip_copies.clear()


# Tests change settings while the process runs; a deployed blog restarts instead.
setting_changed.connect(_forget_release)


def address_key(prefix, request, path):
    """A cache key for what is built for `path` on the host and scheme of `request`, by
    this release of the code, templates and settings."""
    # Hashed: a path can be long or hold characters some cache servers refuse in keys.
    address = f"{request.scheme}://{request.get_host()}{path}"
    digest = hashlib.md5(address.encode(), usedforsecurity=False).hexdigest()
    return f"{prefix}:{_release()}:{digest}"


def is_shared(request):
    """Whether the page for `request` is the one every reader without cookies of their own
    sees (a GET or HEAD with no session, message, held-comment or remembered-commenter
    cookie): what this middleware may store and what may be built once for all of them."""
    return request.method in ("GET", "HEAD") and not _is_personal(request)


def _is_personal(request):
    cookies = request.COOKIES
    return (
        settings.SESSION_COOKIE_NAME in cookies
        or "messages" in cookies
        or any(name in cookies for name in PERSONAL_COOKIES)
    )


def _not_modified(request, entry):
    if_none_match = request.META.get("HTTP_IF_NONE_MATCH")
    if if_none_match is not None:
        tags = {tag.strip().removeprefix("W/") for tag in if_none_match.split(",")}
        return "*" in tags or entry["etag"].removeprefix("W/") in tags
    since = parse_http_date_safe(request.META.get("HTTP_IF_MODIFIED_SINCE", ""))
    return since is not None and int(entry["last_modified"]) <= since
