"""PostgreSQL unreachable: every page is a styled 503, a comment being posted comes back with
its text, and the blog recovers by itself when the database returns.

The outage is real: the test talks to its PostgreSQL database through a TCP proxy
(tests/tcp_proxy.py) and cuts it, so the driver fails as it does when the server is down.
"""

import time

import pytest
from django.db import close_old_connections, connection
from django.test import Client

from blog.models import SiteIdentity
from comments.models import Comment
from tests.commenting import comment_url, form_fields, reader_form, text
from tests.tcp_proxy import TCPProxy

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="cuts a PostgreSQL connection (run with DATABASE_URL=postgres://…)",
    ),
]

BODY = "A long, careful comment about the bypass that took me twenty minutes to write.\n\n– Ada"


class Reader(Client):
    """A browser talking to the blog as a server runs it: each request starts with Django's
    check of the connection it keeps (which the test client leaves out, to keep a test's
    transaction open), and an error is the answer the server gives, not raised in the test."""

    def __init__(self, **defaults):
        super().__init__(raise_request_exception=False, **defaults)

    def request(self, **request):
        close_old_connections()
        return super().request(**request)


@pytest.fixture
def database(settings):
    """The test database reached through a proxy the test can cut and restore."""
    dialled = connection.settings_dict
    saved = {name: dialled[name] for name in ("HOST", "PORT")}
    proxy = TCPProxy(dialled["HOST"] or "127.0.0.1", dialled["PORT"] or 5432).start()
    connection.close()
    dialled.update(HOST="127.0.0.1", PORT=str(proxy.port))
    try:
        yield proxy
    finally:
        proxy.restore()  # the database is flushed after the test, through the usual address
        connection.close()
        dialled.update(saved)
        proxy.cut()


@pytest.fixture
def post(make_post, regulars, database):
    identity = SiteIdentity.load()
    identity.title = "The Parish Pump"
    identity.save()
    return make_post("Roads and the budget", days_ago=1)


def test_a_comment_sent_during_the_outage_comes_back_in_the_form_at_once(post, database):
    form = reader_form(post, BODY, author_url="https://ada.example.org", notify_replies="on")
    database.cut()

    started = time.monotonic()
    response = Reader().post(comment_url(post), form, HTTP_ORIGIN="http://testserver")
    took = time.monotonic() - started

    assert response.status_code == 503
    assert took < 2
    assert response["Retry-After"].isdigit()
    assert "Nothing was posted; your text is below" in text(response)
    sent_back = form_fields(response)
    assert sent_back["body"] == BODY
    assert sent_back["author_name"] == "Ada"
    assert sent_back["author_email"] == "ada@example.org"
    assert sent_back["author_url"] == "https://ada.example.org"
    assert sent_back["token"] == form["token"]
    assert sent_back["notify_replies"] is True
    assert f'action="{comment_url(post)}"' in text(response)


def test_every_page_is_the_styled_503_while_the_database_is_unreachable(post, database, settings):
    settings.BROADSHEET_PAGE_CACHE_SECONDS = 0  # what falls through to the database
    reader = Reader()
    assert reader.get("/").status_code == 200  # the blog has been running: its name is cached
    database.cut()

    for address in (
        "/", post.get_absolute_url(), "/archives/", "/feed/", "/search/?q=roads",
        "/no/such/address/", "/?p=12", "/comments/feed/",
    ):  # fmt: skip
        response = reader.get(address)
        page = text(response)
        assert response.status_code == 503, address
        assert "Back in a moment" in page and "cannot reach its database" in page, address
        assert "/static/css/site.css" in page and '<header class="site-header">' in page
        assert "Traceback" not in page and "Something went wrong" not in page
        assert "The Parish Pump" in page  # the site's name, from the cache
        assert response["Retry-After"].isdigit()
        assert "script-src 'self'" in response["Content-Security-Policy"], address
        assert "camera=()" in response["Permissions-Policy"], address


def test_the_blog_recovers_by_itself_when_the_database_returns(post, database, settings):
    settings.BROADSHEET_PAGE_CACHE_SECONDS = 0
    reader = Reader()
    assert reader.get("/archives/").status_code == 200  # a connection is open and kept
    database.cut()
    assert reader.get("/archives/").status_code == 503
    sent = reader.post(
        comment_url(post), reader_form(post, BODY), HTTP_ORIGIN="http://testserver"
    )
    assert sent.status_code == 503

    database.restore()

    assert reader.get("/archives/").status_code == 200
    again = reader.post(comment_url(post), form_fields(sent), HTTP_ORIGIN="http://testserver")
    assert again.status_code == 302
    assert Comment.objects.get(post=post).body == BODY
