"""System checks for how Broadsheet is deployed."""

from django.conf import settings
from django.core.checks import Warning, register

PROCESS_LOCAL_CACHES = (
    "django.core.cache.backends.locmem.LocMemCache",
    "django.core.cache.backends.dummy.DummyCache",
)


@register()
def cache_is_shared(app_configs, **kwargs):
    """With DEBUG off there are several workers: a cache each of them keeps to itself would
    show a change on one worker only, and count flood limits per worker."""
    backend = settings.CACHES[settings.BROADSHEET_CACHE]["BACKEND"]
    if settings.DEBUG or backend not in PROCESS_LOCAL_CACHES:
        return []
    return [
        Warning(
            "The cache is kept in each process's own memory, so with several gunicorn workers "
            "a change (a new comment, a new site title) shows only on the worker that made "
            "it, and flood limits are counted per worker.",
            hint="Set CACHE_URL to a Redis server (redis://127.0.0.1:6379/1), or to a "
            "folder shared by the workers of one machine (filecache:///var/cache/broadsheet).",
            id="broadsheet.W001",
        )
    ]
