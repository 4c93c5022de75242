import re
from urllib.parse import urlsplit

from django.conf import settings
from django.contrib import admin
from django.http import Http404
from django.urls import include, path, re_path
from django.views.decorators.cache import cache_control
from django.views.static import serve

admin.site.site_header = "Broadsheet administration"
admin.site.site_title = "Broadsheet"

urlpatterns = [
    path("admin/", admin.site.urls),
    path("", include("comments.urls")),
    # Ends with the standalone pages' /<slug>/, which would take any one-part address
    # listed after it: add new addresses above this line.
    path("", include("blog.urls")),
]


# Uploads are never overwritten (a new file gets a new name), so browsers keep them a year.
@cache_control(public=True, max_age=365 * 24 * 60 * 60, immutable=True)
def serve_media(request, path):
    """An uploaded file from MEDIA_ROOT, until a proxy or object storage takes over (README)."""
    try:
        return serve(request, path, document_root=settings.MEDIA_ROOT)
    except OSError as error:  # a name the file system refuses (too long, say) is no upload
        raise Http404("No such file.") from error


if settings.BROADSHEET_SERVE_MEDIA and not urlsplit(settings.MEDIA_URL).netloc:
    # /media/<year>/<month>/<file>: several parts, so the pages' /<slug>/ never takes it.
    media_prefix = re.escape(settings.MEDIA_URL.lstrip("/"))
    urlpatterns += [re_path(rf"^{media_prefix}(?P<path>.+)$", serve_media)]

# The database unreachable from a middleware: the outage page, as from a view (blog/outage.py).
handler500 = "blog.outage.server_error"
