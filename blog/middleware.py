"""The blog's middleware: old WordPress addresses, and the Permissions-Policy header.

Old WordPress addresses keep working: 301s to where the post or page lives now.
`?p=123` and `?page_id=45` (WordPress's plain links, on any path) go to the post or page
imported with that WordPress ID. Any other address that ends in a 404 is looked up among
the `LegacyRedirect`s, like django.contrib.redirects does. Normal pages cost no query.
"""

from django.conf import settings
from django.http import HttpResponsePermanentRedirect

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
            value = request.GET.get(argument, "")
            if not value.isdigit() or len(value) > 18:
                continue
            for model in models:
                found = model.objects.published().filter(wordpress_id=int(value)).first()
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
