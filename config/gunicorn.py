"""gunicorn configuration, read from the environment.

    gunicorn -c config/gunicorn.py config.wsgi

WEB_CONCURRENCY sets the worker count (default: 2 per CPU + 1), GUNICORN_BIND the address,
GUNICORN_LOG_LEVEL the log level. Access and error logs go to standard output and error.
"""

import gc
import multiprocessing
import os
from pathlib import Path

import environ

# Read like config/settings.py: the environment, then an optional .env beside manage.py.
_env = environ.Env()
environ.Env.read_env(Path(__file__).resolve().parent.parent / ".env", overwrite=False)

bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8000")
workers = int(os.environ.get("WEB_CONCURRENCY", multiprocessing.cpu_count() * 2 + 1))
threads = int(os.environ.get("GUNICORN_THREADS", 1))
timeout = int(os.environ.get("GUNICORN_TIMEOUT", 30))
graceful_timeout = timeout
keepalive = 5
max_requests = int(os.environ.get("GUNICORN_MAX_REQUESTS", 2000))
max_requests_jitter = max_requests // 10
# The application is loaded once, in the master, before the workers are forked, with the
# read-only data screening needs (the language model, some 70 MB): the workers share its
# pages instead of each building a copy, and a worker recycled after max_requests starts
# ready. Nothing at import opens a database or cache connection that forking would share.
preload_app = _env.bool("GUNICORN_PRELOAD", default=True)


def when_ready(server):
    """In the master, after the preloaded application, before the first worker: what every
    worker would otherwise build on its first requests (the URL patterns, the page cache's
    release fingerprint, the screening's model, the validators, HTML cleaner and templates
    of a comment) is built once and inherited, so a worker recycled after max_requests
    answers at once."""
    if server.cfg.preload_app:
        from django.urls import get_resolver

        from blog.page_cache import warm_up as warm_up_page_cache
        from comments.forms import warm_up as warm_up_comment_writing
        from comments.screening.pipeline import warm_up as warm_up_screening

        get_resolver().check()  # compiles every URL pattern
        warm_up_page_cache()
        warm_up_screening()
        warm_up_comment_writing()
        # What the master built lives as long as the workers: out of the garbage collector's
        # sight, a worker's collections stop walking it (shorter pauses) and stop writing to
        # its pages (which stay shared with the master instead of being copied).
        gc.collect()
        gc.freeze()


loglevel = os.environ.get("GUNICORN_LOG_LEVEL", "info")
accesslog = os.environ.get("GUNICORN_ACCESS_LOG", "-")
errorlog = "-"

# Only a proxy in front (BEHIND_PROXY) may tell gunicorn a request came over HTTPS
# (X-Forwarded-Proto); by default the proxies the blog trusts. Without one, nobody may.
if _env.bool("BEHIND_PROXY", default=False):
    forwarded_allow_ips = _env.str(
        "FORWARDED_ALLOW_IPS",
        default=_env.str("BROADSHEET_TRUSTED_PROXIES", default="127.0.0.1,::1"),
    )
else:
    forwarded_allow_ips = ""
