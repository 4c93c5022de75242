"""Broadsheet settings: one module, every value from the environment.

Read top to bottom. Each setting comes from an environment variable (or an optional `.env`
file beside manage.py) through django-environ, with a default that is safe for production
unless the variable says otherwise. The README lists every variable.
"""

import ipaddress
from datetime import timedelta
from pathlib import Path
from urllib.parse import urlsplit

import environ
from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured

from config.database import database_settings

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env()
environ.Env.read_env(BASE_DIR / ".env", overwrite=False)

# --- Core ---------------------------------------------------------------------------------

DEBUG = env.bool("DEBUG", default=False)

SECRET_KEY = env.str("SECRET_KEY", default="")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured(
            "SECRET_KEY is not set. Set the SECRET_KEY environment variable (a long random "
            "string) or run with DEBUG=true for local development."
        )
    SECRET_KEY = "insecure-development-key-only-used-when-DEBUG-is-on"

ALLOWED_HOSTS = env.list(
    "ALLOWED_HOSTS", default=["localhost", "127.0.0.1", "[::1]"] if DEBUG else []
)
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.sitemaps",
    # Counts failed admin logins and locks out guessers (see "Admin logins" below).
    "axes",
    # The Content-Security-Policy header (see "Security" below).
    "csp",
    "blog",
    "comments",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # The retention jobs, at most once an hour, after an answer has gone (comments/housekeeping.py).
    "comments.housekeeping.HousekeepingMiddleware",
    # Before sessions read their cookie (PostgreSQL refuses NUL bytes): a cookie holding a
    # control character is dropped.
    "blog.middleware.ControlCharacterCookieMiddleware",
    # The database unreachable: a styled 503 that gives a comment's text back (blog/outage.py).
    # Above the page cache, which keeps serving the pages it holds.
    "blog.outage.DatabaseOutageMiddleware",
    # Compresses what the page cache below does not (pages for logged-in users, forms).
    "django.middleware.gzip.GZipMiddleware",
    # Whole pages for anonymous readers from the cache, before sessions, CSRF or a view run.
    "blog.page_cache.AnonymousPageCacheMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # Content-Security-Policy and Permissions-Policy on every answer (see "Security" below).
    "csp.middleware.CSPMiddleware",
    "blog.middleware.PermissionsPolicyMiddleware",
    # A control character in the path is a 404 before a view or the legacy redirects below
    # look it up (PostgreSQL refuses NUL bytes).
    "blog.middleware.ControlCharacterPathMiddleware",
    # WordPress's ?p= / ?page_id= links, and old addresses that would be a 404 (blog/wxr/).
    "blog.middleware.LegacyRedirectMiddleware",
    # Last, as django-axes requires: answers a locked-out login with the lockout page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "blog.context_processors.site_identity",
                "blog.context_processors.site_menu",
                "comments.context_processors.moderation_queue",
            ],
        },
    },
]

# --- Data ---------------------------------------------------------------------------------

# SQLite in the project folder by default; production points this at PostgreSQL, e.g.
# DATABASE_URL=postgres://user:password@host:5432/broadsheet (psycopg 3 is the driver).
# CONN_MAX_AGE (default 60 seconds), DATABASE_CONNECT_TIMEOUT and DATABASE_PREPARE_THRESHOLD
# are read in config/database.py, which the benchmark shares.
DATABASES = {
    "default": database_settings(
        env.str("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}")
    ),
}

# Local memory by default. In production use Redis (CACHE_URL=redis://127.0.0.1:6379/1) so
# rate limits and cached pages hold across gunicorn workers and nodes.
CACHES = {"default": env.cache("CACHE_URL", default="locmemcache://")}
if CACHES["default"]["BACKEND"] == "django.core.cache.backends.redis.RedisCache":
    # The same backend, sharing one Redis client per connection pool (see the module).
    CACHES["default"]["BACKEND"] = "blog.cache_backends.RedisCache"
    # A Redis that stops answering must cost a request a fraction of a second, not the
    # worker's whole timeout: blog/caching.py then serves without it for a few seconds.
    CACHES["default"].setdefault("OPTIONS", {})
    CACHES["default"]["OPTIONS"].setdefault(
        "socket_connect_timeout", env.float("CACHE_TIMEOUT", default=0.25)
    )
    CACHES["default"]["OPTIONS"].setdefault("socket_timeout", env.float("CACHE_TIMEOUT", 0.25))
# Which of CACHES every cache in the project uses (blog/caching.py).
BROADSHEET_CACHE = "default"

# --- Email --------------------------------------------------------------------------------

# Where mail goes, e.g. EMAIL_URL=smtp+tls://user:pw@host:587. With DEBUG on, unset, it is
# printed to the console. With DEBUG off, unset, nothing is sent and the log says only that an
# email was not sent: printing it would put commenters' addresses and words in the server log.
EMAIL_URL = env.str("EMAIL_URL", default="consolemail://" if DEBUG else "")
_email = (
    environ.Env.email_url_config(EMAIL_URL)
    if EMAIL_URL
    else {"EMAIL_BACKEND": "comments.outbox.LogOnlyEmailBackend"}
)
EMAIL_BACKEND = _email["EMAIL_BACKEND"]
EMAIL_HOST = _email.get("EMAIL_HOST") or "localhost"
EMAIL_PORT = _email.get("EMAIL_PORT") or 25
EMAIL_HOST_USER = _email.get("EMAIL_HOST_USER") or ""
EMAIL_HOST_PASSWORD = _email.get("EMAIL_HOST_PASSWORD") or ""
EMAIL_USE_TLS = _email.get("EMAIL_USE_TLS", False)
EMAIL_USE_SSL = _email.get("EMAIL_USE_SSL", False)
EMAIL_FILE_PATH = _email.get("EMAIL_FILE_PATH") or None
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="Broadsheet <noreply@localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
# Seconds to wait for the mail server at each step: emails are sent after the reader's or
# moderator's change is saved, and one that does not go is retried later (comments/outbox.py).
EMAIL_TIMEOUT = env.float("EMAIL_TIMEOUT", default=5.0)

# --- Time and language --------------------------------------------------------------------

LANGUAGE_CODE = env.str("LANGUAGE_CODE", default="en-us")
TIME_ZONE = env.str("TIME_ZONE", default="UTC")
USE_I18N = True
USE_TZ = True

# --- Static files -------------------------------------------------------------------------

STATIC_URL = "/static/"
STATIC_ROOT = env.path("STATIC_ROOT", default=BASE_DIR / "staticfiles")
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    # Uploads: files under MEDIA_ROOT, or object storage at scale (README, "Images").
    "default": {
        "BACKEND": env.str("MEDIA_STORAGE", default="django.core.files.storage.FileSystemStorage"),
        "OPTIONS": env.json("MEDIA_STORAGE_OPTIONS", default={}),
    },
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if not DEBUG and env.bool("STATIC_MANIFEST", default=True)
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}

# --- Uploaded files -----------------------------------------------------------------------

MEDIA_ROOT = env.path("MEDIA_ROOT", default=BASE_DIR / "media")
MEDIA_URL = env.str("MEDIA_URL", default="/media/")
# Django serves MEDIA_URL itself, under runserver and gunicorn alike; turn this off when a
# proxy or object storage serves the uploads.
BROADSHEET_SERVE_MEDIA = env.bool("BROADSHEET_SERVE_MEDIA", default=True)
# Uploaded images (blog/images.py): size limits, and the widths of the copies made at upload.
BROADSHEET_IMAGE_MAX_BYTES = env.int("BROADSHEET_IMAGE_MAX_BYTES", default=20 * 1024 * 1024)
BROADSHEET_IMAGE_MAX_PIXELS = env.int("BROADSHEET_IMAGE_MAX_PIXELS", default=50_000_000)
BROADSHEET_IMAGE_WIDTHS = env.list("BROADSHEET_IMAGE_WIDTHS", cast=int, default=[480, 960, 1600])

# --- Security -----------------------------------------------------------------------------

# HTTPS is assumed in production; set HTTPS=false only for a local production-like run.
HTTPS = env.bool("HTTPS", default=not DEBUG)
SECURE_SSL_REDIRECT = HTTPS
SESSION_COOKIE_SECURE = HTTPS
CSRF_COOKIE_SECURE = HTTPS
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=31536000 if HTTPS else 0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env.bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", default=HTTPS)
SECURE_HSTS_PRELOAD = env.bool("SECURE_HSTS_PRELOAD", default=HTTPS)
BEHIND_PROXY = env.bool("BEHIND_PROXY", default=False)
if BEHIND_PROXY:
    # The proxy terminates TLS and says so in this header; only trust it behind a proxy.
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
# Addresses or CIDR ranges of the proxies in front of the blog. A request from one of them
# comes from the client it names in X-Forwarded-For (blog/proxies.py); from anyone else,
# that header is ignored. The README's set-up has one proxy on the same machine.
BROADSHEET_TRUSTED_PROXIES = env.list(
    "BROADSHEET_TRUSTED_PROXIES", default=["127.0.0.1", "::1"] if BEHIND_PROXY else []
)
for _proxy in BROADSHEET_TRUSTED_PROXIES:
    try:
        ipaddress.ip_network(_proxy, strict=False)
    except ValueError:
        raise ImproperlyConfigured(
            f"BROADSHEET_TRUSTED_PROXIES: {_proxy!r} is not an IP address or CIDR range "
            "(e.g. 127.0.0.1 or 10.0.0.0/8)."
        ) from None
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_HTTPONLY = True

# Content Security Policy (django-csp): scripts and styles only from the blog's own files,
# none written inline in a page and no event-handler attributes, so markup that slipped past
# the sanitizer runs nothing. Django's admin works under the same policy. A fixed header, the
# same for every reader, so a cached page stays valid. Images may come from any https
# address: posts and imported WordPress bodies show pictures hosted elsewhere.
_media = urlsplit(MEDIA_URL)  # uploads served from another address (a CDN) are images too
_media_origin = [f"{_media.scheme}://{_media.netloc}"] if _media.netloc else []
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "https:", *_media_origin],
        "object-src": [NONE],
        "base-uri": [NONE],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
        "upgrade-insecure-requests": HTTPS,
    },
}
# Browser features the blog never uses, refused to every page and anything injected into one.
BROADSHEET_PERMISSIONS_POLICY = (
    "accelerometer=(), camera=(), display-capture=(), geolocation=(), gyroscope=(), "
    "magnetometer=(), microphone=(), midi=(), payment=(), usb=()"
)

# --- Admin logins -------------------------------------------------------------------------

# django-axes counts failed logins in the database, so every gunicorn worker and node sees the
# same count. After BROADSHEET_LOGIN_FAILURE_LIMIT failures in a row from one IP address, or
# for one username from anywhere, logins from that address or for that user are refused for
# BROADSHEET_LOGIN_LOCKOUT_MINUTES after the last of them (README, "Admin logins").
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AXES_FAILURE_LIMIT = env.int("BROADSHEET_LOGIN_FAILURE_LIMIT", default=10)
AXES_COOLOFF_TIME = timedelta(minutes=env.int("BROADSHEET_LOGIN_LOCKOUT_MINUTES", default=15))
AXES_LOCKOUT_PARAMETERS = ["ip_address", "username"]
AXES_RESET_ON_SUCCESS = True  # "in a row": the right password starts the count again
# Attempts during a lockout are refused without being counted, so the lockout ends when it
# said it would, however long a guesser keeps trying.
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False
AXES_CLIENT_IP_CALLABLE = "blog.proxies.client_ip"
AXES_LOCKOUT_CALLABLE = "blog.logins.locked_out"
# The failures are what the lockout needs; a record of every successful login is not kept.
AXES_DISABLE_ACCESS_LOG = True

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# --- Logging ------------------------------------------------------------------------------

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s: %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
    # django-axes says "started" and "logged in" at INFO; failures and lockouts are warnings.
    "loggers": {"axes": {"level": "WARNING"}},
}

# --- Broadsheet ---------------------------------------------------------------------------

BROADSHEET_POSTS_PER_PAGE = env.int("BROADSHEET_POSTS_PER_PAGE", default=10)

# Whole pages for anonymous readers (blog/page_cache.py): kept at most this long, though any
# change readers would see replaces them at once (0: no page cache).
BROADSHEET_PAGE_CACHE_SECONDS = env.int("BROADSHEET_PAGE_CACHE_SECONDS", default=600)
BROADSHEET_PAGE_CACHE_SKIP_PREFIXES = (
    "/admin/", "/comments/post/", "/comments/unsubscribe/", STATIC_URL, MEDIA_URL,
)  # fmt: skip
# What engines in front (nginx, a CDN) are told: keep an anonymous page this many seconds,
# and serve it this many more while fetching a fresh copy. Their sum bounds how long a
# change can take to show there.
BROADSHEET_SHARED_CACHE_SECONDS = env.int("BROADSHEET_SHARED_CACHE_SECONDS", default=2)
BROADSHEET_SHARED_CACHE_STALE_SECONDS = env.int(
    "BROADSHEET_SHARED_CACHE_STALE_SECONDS", default=3
)
# Posts in each feed (site, category, tag) and comments in each comments feed.
BROADSHEET_FEED_LENGTH = env.int("BROADSHEET_FEED_LENGTH", default=20)
# PostgreSQL's text search configuration: the language whose word stems search matches.
BROADSHEET_SEARCH_CONFIG = env.str("BROADSHEET_SEARCH_CONFIG", default="english")

# Comments
BROADSHEET_COMMENT_MAX_DEPTH = env.int("BROADSHEET_COMMENT_MAX_DEPTH", default=5)
# Top-level comments on each page of a post's comments, the oldest first; replies stay with
# the comment they answer (0: every comment on the post's page).
BROADSHEET_COMMENTS_PER_PAGE = env.int("BROADSHEET_COMMENTS_PER_PAGE", default=50)
BROADSHEET_COMMENT_MAX_LENGTH = env.int("BROADSHEET_COMMENT_MAX_LENGTH", default=10_000)
BROADSHEET_COMMENT_REQUIRE_NAME = env.bool("BROADSHEET_COMMENT_REQUIRE_NAME", default=True)
BROADSHEET_COMMENT_REQUIRE_EMAIL = env.bool("BROADSHEET_COMMENT_REQUIRE_EMAIL", default=True)
# Close comments automatically this many days after a post is published (0: never).
BROADSHEET_COMMENTS_CLOSE_AFTER_DAYS = env.int("BROADSHEET_COMMENTS_CLOSE_AFTER_DAYS", default=0)
# Email the post's author about each newly approved comment.
BROADSHEET_NOTIFY_POST_AUTHOR = env.bool("BROADSHEET_NOTIFY_POST_AUTHOR", default=True)
# Extra addresses told about held comments, besides the Moderators group (comma-separated).
BROADSHEET_MODERATOR_EMAILS = env.list("BROADSHEET_MODERATOR_EMAILS", default=[])
# The Approve, Spam and Trash links in moderators' emails stop working after this many days.
BROADSHEET_MODERATION_LINK_DAYS = env.int("BROADSHEET_MODERATION_LINK_DAYS", default=7)
# Attempts to send an email before the outbox gives up on it (retries wait a minute, then
# twice as long each time, at most six hours: 12 attempts span about a day).
BROADSHEET_EMAIL_MAX_ATTEMPTS = env.int("BROADSHEET_EMAIL_MAX_ATTEMPTS", default=12)
# Sent (or given up) emails are deleted from the outbox after this many days.
BROADSHEET_EMAIL_RETENTION_DAYS = env.int("BROADSHEET_EMAIL_RETENTION_DAYS", default=7)
# The blog's public address, for links in emails, e.g. https://blog.example.org
BROADSHEET_SITE_URL = env.str("BROADSHEET_SITE_URL", default="http://127.0.0.1:8000")

# Spam screening (comments/screening/): the checks run in this order.
BROADSHEET_SCREENING_CHECKS = env.list(
    "BROADSHEET_SCREENING_CHECKS",
    default=[
        "comments.screening.checks.trusted.TrustedUser",
        "comments.screening.checks.honeypot.Honeypot",
        "comments.screening.checks.timestamp.FormTimestamp",
        "comments.screening.checks.flood.Flood",
        "comments.screening.checks.surge.Surge",
        "comments.screening.checks.duplicate.Duplicate",
        "comments.screening.checks.lists.Lists",
        "comments.screening.checks.links.Links",
        "comments.screening.checks.contact.Contact",
        "comments.screening.checks.promotion.SelfPromotion",
        "comments.screening.checks.names.Name",
        "comments.screening.checks.language.Language",
        "comments.screening.checks.history.History",
        "comments.screening.checks.classifier.Classifier",
        "comments.screening.checks.akismet.Akismet",
    ],
)
# A total score at or above this is spam; at or below the approve score, approved.
BROADSHEET_SCREENING_SPAM_SCORE = env.float("BROADSHEET_SCREENING_SPAM_SCORE", default=10.0)
BROADSHEET_SCREENING_APPROVE_SCORE = env.float("BROADSHEET_SCREENING_APPROVE_SCORE", default=-5.0)
BROADSHEET_SCREENING_KNOWN_AUTHOR_SCORE = env.float(
    "BROADSHEET_SCREENING_KNOWN_AUTHOR_SCORE", default=-6.0
)
# Trust grows with each comment approved since the writer's latest spam: the first weighs
# the known-author score, each more the step, down to the most.
BROADSHEET_SCREENING_TRUST_STEP_SCORE = env.float(
    "BROADSHEET_SCREENING_TRUST_STEP_SCORE", default=-2.0
)
BROADSHEET_SCREENING_TRUST_MOST_SCORE = env.float(
    "BROADSHEET_SCREENING_TRUST_MOST_SCORE", default=-16.0
)
BROADSHEET_SCREENING_SPAM_HISTORY_SCORE = env.float(
    "BROADSHEET_SCREENING_SPAM_HISTORY_SCORE", default=6.0
)
# Forms posted sooner than this after rendering, or with a token older than this, are spam.
BROADSHEET_SCREENING_MIN_SECONDS = env.float("BROADSHEET_SCREENING_MIN_SECONDS", default=3.0)
BROADSHEET_SCREENING_TOKEN_MAX_DAYS = env.int("BROADSHEET_SCREENING_TOKEN_MAX_DAYS", default=7)
# More than this many comments a minute from one IP or email are rejected (0: no limit).
BROADSHEET_SCREENING_FLOOD_PER_MINUTE = env.int("BROADSHEET_SCREENING_FLOOD_PER_MINUTE", default=3)
BROADSHEET_SCREENING_CACHE = env.str("BROADSHEET_SCREENING_CACHE", default="default")
# This many links or more hold a comment (0: no limit).
BROADSHEET_SCREENING_MAX_LINKS = env.int("BROADSHEET_SCREENING_MAX_LINKS", default=2)
# Surge mode (comments/screening/surge.py): when the spam, held and refused verdicts of the
# last window reach the factor times their usual number (and at least the minimum; 0: never),
# first comments and links are held and the flood limit drops, until the wave has been over
# for the surge minutes. Moderators are emailed once, and the admin shows a banner.
BROADSHEET_SURGE_WINDOW_MINUTES = env.int("BROADSHEET_SURGE_WINDOW_MINUTES", default=10)
BROADSHEET_SURGE_MIN_FLAGGED = env.int("BROADSHEET_SURGE_MIN_FLAGGED", default=30)
BROADSHEET_SURGE_FACTOR = env.float("BROADSHEET_SURGE_FACTOR", default=5.0)
BROADSHEET_SURGE_MINUTES = env.int("BROADSHEET_SURGE_MINUTES", default=30)
BROADSHEET_SURGE_FLOOD_PER_MINUTE = env.int("BROADSHEET_SURGE_FLOOD_PER_MINUTE", default=1)
# Comments in other languages than these (ISO 639-1 codes) are held for a moderator, never
# marked spam; empty: no language check. The blog's own language by default.
BROADSHEET_LANGUAGES = env.list("BROADSHEET_LANGUAGES", default=[LANGUAGE_CODE.split("-")[0]])
# Where the language model is unpacked once, for every process to map it (language.py).
BROADSHEET_MODEL_DIR = env.path("BROADSHEET_MODEL_DIR", default=BASE_DIR / ".cache" / "models")
# What a shortened link, contact details (a phone number, a messaging handle), an invitation
# to the writer's own page and a name that is a link or a trade weigh toward spam: each
# holds, and is one kind of evidence.
BROADSHEET_SCREENING_SHORTENER_SCORE = env.float(
    "BROADSHEET_SCREENING_SHORTENER_SCORE", default=5.0
)
BROADSHEET_SCREENING_CONTACT_SCORE = env.float("BROADSHEET_SCREENING_CONTACT_SCORE", default=5.0)
BROADSHEET_SCREENING_PROMOTION_SCORE = env.float(
    "BROADSHEET_SCREENING_PROMOTION_SCORE", default=5.0
)
BROADSHEET_SCREENING_NAME_SCORE = env.float("BROADSHEET_SCREENING_NAME_SCORE", default=5.0)
# The classifier (comments/screening/bayes.py) abstains until trained on this many messages
# of each class, and marks nothing spam (it only holds) until this blog's moderators have
# trained it on the own-training minimum of each class: a bootstrap from another site's
# comments (`manage.py train_spam`) is not enough on its own.
BROADSHEET_CLASSIFIER_MIN_TRAINING = env.int("BROADSHEET_CLASSIFIER_MIN_TRAINING", default=20)
BROADSHEET_CLASSIFIER_MIN_OWN_TRAINING = env.int(
    "BROADSHEET_CLASSIFIER_MIN_OWN_TRAINING", default=50
)
# Its spam probability at or above the spam cutoff is spam; its score to publish (letter
# triples weighed down) at or below the ham cutoff scores toward approval; between them, the
# comment is held for a moderator. The ham cutoff is where, with one video left out, 1.5% of
# the spam was published (README, "Spam screening").
BROADSHEET_CLASSIFIER_SPAM_CUTOFF = env.float("BROADSHEET_CLASSIFIER_SPAM_CUTOFF", default=0.74)
BROADSHEET_CLASSIFIER_HAM_CUTOFF = env.float("BROADSHEET_CLASSIFIER_HAM_CUTOFF", default=0.25)
# Past the spam cutoff the classifier alone only holds; at or above this much stricter bar
# it may mark spam with no other check agreeing. Chosen on the leave-one-group-out and
# cross-corpus figures, where no ham scored this high (README, "Spam screening").
BROADSHEET_CLASSIFIER_SURE_CUTOFF = env.float("BROADSHEET_CLASSIFIER_SURE_CUTOFF", default=0.9999)
# Akismet is asked only when a key is set.
AKISMET_API_KEY = env.str("AKISMET_API_KEY", default="")
AKISMET_API_URL = env.str("AKISMET_API_URL", default="https://rest.akismet.com")
AKISMET_TIMEOUT = env.float("AKISMET_TIMEOUT", default=2.0)
# Spam older than this many days is deleted by `manage.py purge_spam`.
BROADSHEET_SPAM_RETENTION_DAYS = env.int("BROADSHEET_SPAM_RETENTION_DAYS", default=15)
# Comments in the trash older than this many days are deleted by `manage.py empty_trash`.
BROADSHEET_TRASH_RETENTION_DAYS = env.int("BROADSHEET_TRASH_RETENTION_DAYS", default=30)
# Comments older than this many days lose their IP address and browser user agent
# (`manage.py forget_ip_addresses`): the screening needs them for a few weeks at most.
BROADSHEET_IP_RETENTION_DAYS = env.int("BROADSHEET_IP_RETENTION_DAYS", default=30)
# The retention jobs (`manage.py housekeeping`) run from the web process at most once an
# hour across every node, after a request has been answered; false: only from cron.
BROADSHEET_HOUSEKEEPING_IN_WEB = env.bool("BROADSHEET_HOUSEKEEPING_IN_WEB", default=True)
