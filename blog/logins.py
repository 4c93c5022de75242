"""Admin login throttling (django-axes, configured in settings): what a locked-out login sees."""

from django.conf import settings
from django.contrib import admin
from django.template.response import TemplateResponse


def locked_out(request, response, credentials):
    """The admin's own page, saying that logins are paused, for how long, and how to get back
    in: 429, with Retry-After, instead of django-axes' bare line of text."""
    cool_off = settings.AXES_COOLOFF_TIME
    context = {
        **admin.site.each_context(request),
        "title": "Login paused",
        "failure_limit": settings.AXES_FAILURE_LIMIT,
        "minutes": int(cool_off.total_seconds() // 60),
    }
    page = TemplateResponse(request, "admin/locked_out.html", context, status=429)
    page["Retry-After"] = str(int(cool_off.total_seconds()))
    return page.render()
