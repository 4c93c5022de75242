"""The database is unreachable: every page answers a styled 503, a comment keeps its text.

PostgreSQL stopped, restarted or cut off makes Django raise OperationalError (or
InterfaceError on a connection that died) wherever a query runs. The reader gets the "back in
a moment" page instead of a stack trace or the 500 page, with `Retry-After`, and a comment
being posted comes back in a form that sends it again. Nothing here touches the database:
the page is a standalone template fed from the request and, if the cache answers, the site
identity it holds. Django reconnects by itself once the database is back
(CONN_HEALTH_CHECKS and the connect timeout in config/settings.py).

Pages the anonymous page cache (blog/page_cache.py) holds keep being served from it; this
applies to what falls through to the database. A view's error reaches the middleware's
process_exception; one raised by a middleware below it reaches the 500 handler, which
answers the same page (config/urls.py).
"""

import logging
import sys
import time

from csp.middleware import CSPMiddleware
from django.conf import settings
from django.db import DatabaseError, InterfaceError, OperationalError, connections
from django.http import HttpResponse
from django.middleware.csrf import get_token
from django.template.loader import render_to_string
from django.views import defaults

from blog import caching

logger = logging.getLogger(__name__)

# What the reader's browser is told: try again after this many seconds.
RETRY_AFTER_SECONDS = 30
LOG_EVERY_SECONDS = 60.0
# The comment form's fields the page sends back as the reader sent them.
COMMENT_FIELDS = ("body", "author_name", "author_email", "author_url", "parent", "token")
COMMENT_CHECKBOXES = ("remember", "notify_replies")


def is_database_outage(error):
    """Whether `error` means the database cannot be reached (rather than refused a query)."""
    if isinstance(error, (OperationalError, InterfaceError)):
        return True
    # Any other database error while connecting: no connection came of it.
    return isinstance(error, DatabaseError) and any(
        connection.connection is None for connection in connections.all(initialized_only=True)
    )


class DatabaseOutageMiddleware:
    """Near the top of MIDDLEWARE: a view that cannot reach the database answers the
    outage page, and every outage page leaves with the headers every page carries."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if getattr(response, "database_outage", False):
            # Made by the 500 handler for a middleware below, some of which add these.
            CSPMiddleware(self.get_response).process_response(request, response)
            response.headers.setdefault(
                "Permissions-Policy", settings.BROADSHEET_PERMISSIONS_POLICY
            )
        return response

    def process_exception(self, request, exception):
        if is_database_outage(exception):
            return outage_response(request, exception)
        return None


def server_error(request):
    """The 500 handler: the outage page when the error in hand is the database's."""
    error = sys.exc_info()[1]
    if error is not None and is_database_outage(error):
        return outage_response(request, error)
    return defaults.server_error(request)


def outage_response(request, error):
    _Log.outage(error)
    context = {"site": _cached_site_identity(), "comment": _comment_sent(request)}
    if context["comment"] is not None:
        # A logged-in reader's form needs Django's token; the cookie holds it, not the DB.
        context["csrf_token"] = get_token(request)
    response = HttpResponse(render_to_string("503.html", context), status=503)
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    response["Cache-Control"] = "no-store"
    response.database_outage = True
    return response


def _comment_sent(request):
    """What the reader sent to the comment form, to give back; None for any other request."""
    match = request.resolver_match
    if request.method != "POST" or match is None or match.view_name != "comments:post":
        return None
    sent = request.POST
    return {
        "action": request.path,
        **{name: sent.get(name, "") for name in COMMENT_FIELDS},
        **{name: bool(sent.get(name)) for name in COMMENT_CHECKBOXES},
    }


def _cached_site_identity():
    """The site identity if the cache holds it (blog.models.SiteIdentity.load), else None."""
    key = caching.key_for("site-identity", [caching.CONTENT])
    return caching.get(key)


class _Log:
    """One warning a minute per process, not one per request, while the outage lasts."""

    logged_at = None

    @classmethod
    def outage(cls, error):
        now = time.monotonic()
        if cls.logged_at is not None and now - cls.logged_at < LOG_EVERY_SECONDS:
            return
        cls.logged_at = now
        logger.warning(
            "The database is not answering (%s: %s); readers get the 503 page until it is back.",
            type(error).__name__, str(error).strip(),
        )
