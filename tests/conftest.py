"""Shared fixtures: small factories for the things tests talk about."""

from datetime import timedelta
from itertools import count

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.cache import cache
from django.utils import timezone
from hypothesis import HealthCheck
from hypothesis import settings as hypothesis_settings

from blog.models import Post
from comments.models import Comment
from tests.commenting import ADA, BOB, CY, comment_url, reader_form

# Headless Chromium for the browser tests: the `open_page` and `page_errors` fixtures.
pytest_plugins = ["tests.browser"]

_serial = count(1)

# Property-based tests make requests: no deadline on a shared machine, no example database
# left in the working tree, few examples each (every test sets its own max_examples).
hypothesis_settings.register_profile(
    "broadsheet", deadline=None, database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)  # fmt: skip
hypothesis_settings.load_profile("broadsheet")


@pytest.fixture(autouse=True)
def empty_cache():
    """The cache outlives each test's database rollback; start every test without it."""
    cache.clear()
    yield
    cache.clear()


@pytest.fixture(autouse=True)
def no_housekeeping_in_requests(settings):
    """The retention jobs run from the web process (comments/housekeeping.py); a test's
    requests leave them alone unless it asks (tests/test_housekeeping.py)."""
    settings.BROADSHEET_HOUSEKEEPING_IN_WEB = False


@pytest.fixture
def without_page_cache(settings):
    """Render every page: for tests that count what rendering a page costs."""
    settings.BROADSHEET_PAGE_CACHE_SECONDS = 0


@pytest.fixture(autouse=True)
def query_counts_measure_rendering(request):
    """A test that pins a page's queries pins what rendering it costs, not the page cache's
    copy (which costs none)."""
    if {"django_assert_num_queries", "django_assert_max_num_queries"} & set(request.fixturenames):
        request.getfixturevalue("without_page_cache")


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    """Uploads made by a test go to its own folder, never into the project's media/."""
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.fixture(autouse=True)
def fast_password_hashing(settings):
    """Tests make users by the dozen; a slow hash protects stored passwords, not test data."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def author(db):
    return get_user_model().objects.create_user(
        "writer", "writer@example.org", "correct horse battery", is_staff=True,
        first_name="Wren", last_name="Writer",
    )


@pytest.fixture
def editor(db):
    """A superuser: may do everything in the admin."""
    return get_user_model().objects.create_superuser(
        "editor", "editor@example.org", "correct horse battery"
    )


@pytest.fixture
def reader(db):
    return get_user_model().objects.create_user("reader", "reader@example.org", "reader pass 12")


@pytest.fixture
def moderator(db):
    """A staff member of the Moderators group (made by a data migration): comments only."""
    user = get_user_model().objects.create_user(
        "moderator", "moderator@example.org", "moderator pass 12", is_staff=True,
        first_name="Mona", last_name="Moderator",
    )
    user.groups.add(Group.objects.get(name="Moderators"))
    return user


@pytest.fixture
def make_post(db, author):
    """Create a post; published an hour ago unless told otherwise."""

    def make(title=None, *, days_ago=0, hours_ago=1, publish_at=None, **fields):
        n = next(_serial)
        title = title or f"Post number {n}"
        fields.setdefault("slug", f"post-{n}")
        fields.setdefault("body", f"Body of {title}.")
        fields.setdefault("status", Post.Status.PUBLISHED)
        fields.setdefault("author", author)
        if publish_at is None:
            publish_at = timezone.now() - timedelta(days=days_ago, hours=hours_ago)
        return Post.objects.create(title=title, publish_at=publish_at, **fields)

    return make


@pytest.fixture
def regulars(make_post):
    """Ada, Bob and Cy (tests/commenting.py) each have an approved comment on an older post,
    so what they write is published at once."""
    older = make_post("An older post", days_ago=30)
    for writer in (ADA, BOB, CY):
        Comment.objects.create(post=older, body="Earlier.", status=Comment.Status.APPROVED,
                               **writer)  # fmt: skip
    return older


@pytest.fixture
def write_comment(client, settings):
    """Send the comment form: `write_comment(post, "Well put.", **BOB, parent=3)`.

    Writes with `client` unless `by=` another client; `meta=` adds request headers
    (REMOTE_ADDR). Returns the response. A conversation here takes a second where a real
    one takes minutes, so the flood limit is lifted; every other check screens as usual."""
    settings.BROADSHEET_SCREENING_FLOOD_PER_MINUTE = 0

    def write(post, body, *, by=None, follow=False, meta=None, **fields):
        browser = by or client
        data = reader_form(post, body, **fields)
        return browser.post(comment_url(post), data, follow=follow, **(meta or {}))

    return write


@pytest.fixture
def send(write_comment, django_capture_on_commit_callbacks):
    """Write a comment and let its emails go, as they do once the comment is committed."""

    def write(post, body, **fields):
        with django_capture_on_commit_callbacks(execute=True):
            return write_comment(post, body, **fields)

    return write


@pytest.fixture
def clock(monkeypatch):
    """Move the blog's clock: `clock.advance(hours=3)` makes every `timezone.now()` later."""
    real_now = timezone.now

    class Clock:
        offset = timedelta()

        def advance(self, **delta):
            self.offset += timedelta(**delta)

    moved = Clock()
    monkeypatch.setattr(timezone, "now", lambda: real_now() + moved.offset)
    return moved


@pytest.fixture
def akismet_standin(settings):
    """A local stand-in for Akismet (tests/akismet_standin.py), with the settings pointing at it."""
    from tests.akismet_standin import AkismetStandIn

    with AkismetStandIn() as standin:
        settings.AKISMET_API_KEY = standin.key
        settings.AKISMET_API_URL = standin.url
        settings.AKISMET_TIMEOUT = 0.5
        yield standin


@pytest.fixture
def smtp_standin(settings):
    """A local mail server (tests/smtp_standin.py) that Django's SMTP backend sends to, with a
    short EMAIL_TIMEOUT; requests start with no pause left over from another test."""
    from comments import outbox
    from tests.smtp_standin import SMTPStandIn

    with SMTPStandIn() as standin:
        settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
        settings.EMAIL_HOST = "127.0.0.1"
        settings.EMAIL_PORT = standin.port
        settings.EMAIL_HOST_USER = settings.EMAIL_HOST_PASSWORD = ""
        settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
        settings.EMAIL_TIMEOUT = 1
        outbox.resume()
        yield standin
    outbox.resume()
