"""The comment list's actions for commenters' requests about their data: download
everything stored about the selected comments' writers, or erase it after a confirmation
page (like the admin's own "delete selected"). Both call comments/commenters.py, as
`manage.py commenter` does."""

import json

from django.contrib import admin
from django.contrib.admin import helpers
from django.http import HttpResponse
from django.template.response import TemplateResponse
from django.utils import timezone

from comments.commenters import export


@admin.action(description="Export their writers' data (JSON)", permissions=["change"])
def export_writers(modeladmin, request, queryset):
    """A JSON file of everything stored about the writers of the selected comments."""
    found = export(queryset)
    response = HttpResponse(
        json.dumps(found, indent=2, ensure_ascii=False),
        content_type="application/json; charset=utf-8",
    )
    name = f"commenters-{timezone.now():%Y-%m-%d-%H%M}.json"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


@admin.action(description="Erase their writers' data…", permissions=["delete"])
def erase_writers(modeladmin, request, queryset):
    """Ask first, naming the writers and how many comments each has; the confirmation
    erases them: every comment from their addresses, and the selected comments."""
    if request.POST.get("confirmed") == "yes":
        erasure = queryset.erase_writers(delete=request.POST.get("delete_text") == "on")
        modeladmin.message_user(request, f"Erased: {erasure}")
        return None
    opts = modeladmin.model._meta
    return TemplateResponse(
        request,
        "admin/comments/comment/erase_writers_confirmation.html",
        {
            **modeladmin.admin_site.each_context(request),
            "title": "Erase these commenters' data?",
            "opts": opts,
            "writers": _writers(queryset),
            "selected": queryset,
            "action_checkbox_name": helpers.ACTION_CHECKBOX_NAME,
        },
    )


def _writers(queryset):
    """(address, how many comments) of each writer the erasure would reach; "" counts the
    selected comments sent without an address."""
    from django.db.models import Count

    from comments.models import Comment

    addresses = set(queryset.exclude(author_email="").values_list("author_email", flat=True))
    counts = dict(
        Comment.objects.written_by(*addresses)
        .values_list("author_email")
        .annotate(count=Count("pk"))
        .order_by()
    )
    writers = [(address, counts.get(address, 0)) for address in sorted(addresses)]
    unsigned = queryset.filter(author_email="").count()
    if unsigned:
        writers.append(("", unsigned))
    return writers
