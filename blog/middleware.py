"""The blog's middleware: old WordPress addresses, and the Permissions-Policy header.

Old WordPress addresses keep working: 301s to where the post or page lives now.
`?p=123` and `?page_id=45` (WordPress's plain links, on any path) go to the post or page
imported with that WordPress ID. Any other address that ends in a 404 is looked up among
the `LegacyRedirect`s, like django.contrib.redirects does. Normal pages cost no query.
"""

import re

from django.conf import settings
from django.http import Http404, HttpResponsePermanentRedirect

from blog.ids import parse_id
from blog.models import LegacyRedirect, Page, Post

# WordPress's query arguments and what they name, in the order WordPress reads them.
_WORDPRESS_ID_ARGUMENTS = (("p", (Post, Page)), ("page_id", (Page, Post)))


class LegacyRedirectMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.GET:
            target = self._wordpress_id_target(request)
            if target is not None:
                return HttpResponsePermanentRedirect(target)
        response = self.get_response(request)
        if response.status_code == 404:
            target = self._legacy_target(request.path)
            if target is not None:
                return HttpResponsePermanentRedirect(target)
        return response

    def _wordpress_id_target(self, request):
        for argument, models in _WORDPRESS_ID_ARGUMENTS:
            wordpress_id = parse_id(request.GET.get(argument, ""))
            if wordpress_id is None:
                continue
            for model in models:
                found = model.objects.published().filter(wordpress_id=wordpress_id).first()
                if found is not None:
                    return found.get_absolute_url()
        return None

    def _legacy_target(self, path):
        # Old links were written with and without the trailing slash; the exact form wins.
        other = path[:-1] if path.endswith("/") and len(path) > 1 else path + "/"
        found = {
            redirect.old_path: redirect
            for redirect in LegacyRedirect.objects.filter(
                old_path__in=[path, other]
            ).select_related("post", "page")
        }
        redirect = found.get(path) or found.get(other)
        return redirect.target_url() if redirect is not None else None


class PermissionsPolicyMiddleware:
    """The Permissions-Policy header (BROADSHEET_PERMISSIONS_POLICY) on every answer; Django
    has no setting for it."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        response.headers.setdefault("Permissions-Policy", settings.BROADSHEET_PERMISSIONS_POLICY)
        return response


# No address of the blog has a control character; PostgreSQL refuses a NUL in a query.
_CONTROL_CHARACTERS = re.compile(r"[\x00-\x1f\x7f-\x9f]")


class ControlCharacterPathMiddleware:
    """No address of the blog has a control character: a path with one (`/about%00/`) is
    the 404 page before a view or the legacy redirects look it up."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if not is_readable_path(request.path):
            raise Http404("No page has a control character in its address.")
        return self.get_response(request)


class ControlCharacterCookieMiddleware:
    """No cookie the blog sets has a control character: one that does (a session id spelled
    "\\000…", which the cookie parser turns into a NUL) is read as never sent."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if any(_CONTROL_CHARACTERS.search(value) for value in request.COOKIES.values()):
            request.COOKIES = {
                name: value
                for name, value in request.COOKIES.items()
                if not _CONTROL_CHARACTERS.search(value)
            }
        return self.get_response(request)


def is_readable_path(path):
    """Whether `path` can be an address here: it has no control character."""
    return not _CONTROL_CHARACTERS.search(path)
