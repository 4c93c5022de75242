"""Deployment mistakes the system checks point out."""

from django.core.checks import run_checks


def warning_ids(settings):
    return {message.id for message in run_checks()}


def test_a_process_local_cache_in_production_is_pointed_out(settings):
    settings.DEBUG = False
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    assert "broadsheet.W001" in warning_ids(settings)


def test_a_shared_cache_or_debug_mode_passes(settings):
    settings.DEBUG = False
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache",
                                   "LOCATION": "redis://127.0.0.1:6379/1"}}  # fmt: skip
    assert "broadsheet.W001" not in warning_ids(settings)
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    settings.DEBUG = True
    assert "broadsheet.W001" not in warning_ids(settings)
