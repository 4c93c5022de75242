"""The image picker under the body of a post or a page in the admin: the uploaded images,
each with its thumbnail, alt text and an Insert button that puts its Markdown
(`![alt](image:ID)`) at the cursor, and a link that uploads another in the admin's popup and
brings it back to the list.

The buttons work through static/js/image-picker.js, a plain file: the Content-Security-Policy
allows no inline script, and there is no JavaScript build step.
"""

from django.contrib.admin.widgets import AdminTextareaWidget
from django.db.models import Q
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.html import format_html

from blog.models import Image

# The picker shows the newest images; the search box finds older ones by their words.
SHOWN = 24
THUMBNAIL_WIDTH = 64


def image_tag(image, width):
    """An <img> of `image` shown `width` CSS pixels wide, from a copy sharp on a 2x screen."""
    if not image.width:
        return "—"
    shown = image.best_variant(width * 2)
    height = round(image.height * width / image.width)
    return format_html(
        '<img src="{}" width="{}" height="{}" alt="" loading="lazy">',
        shown.url, width, height,
    )  # fmt: skip


def choices(query=""):
    """The list items of the picker: the newest images, or those whose alt text or caption
    has `query` in it. One query."""
    found = Image.objects.all()
    if query:
        found = found.filter(Q(alt_text__icontains=query) | Q(caption__icontains=query))
    shown = [(image, image_tag(image, THUMBNAIL_WIDTH)) for image in found[:SHOWN]]
    return render_to_string(
        "admin/blog/post/_image_choices.html", {"choices": shown, "query": query}
    )


def may_see_images(user):
    return user.has_perm("blog.view_image") or user.has_perm("blog.change_image")


def body_widget_for(user):
    """The body's widget with the picker, for a `user` who may see images (None otherwise:
    the admin's plain textarea)."""
    if not may_see_images(user):
        return None
    return BodyWithImagePicker(can_upload=user.has_perm("blog.add_image"))


class BodyWithImagePicker(AdminTextareaWidget):
    """The body's textarea, followed by the image picker (when the user may see images)."""

    class Media:
        css = {"all": ["css/admin.css"]}
        js = ["js/image-picker.js"]

    def __init__(self, *args, can_upload=False, **kwargs):
        self.can_upload = can_upload
        super().__init__(*args, **kwargs)

    def render(self, name, value, attrs=None, renderer=None):
        textarea = super().render(name, value, attrs, renderer)
        body_id = (attrs or {}).get("id") or self.attrs.get("id") or f"id_{name}"
        picker = render_to_string(
            "admin/blog/post/_image_picker.html",
            {
                "body_id": body_id,
                "choices_html": choices(),
                "choices_url": reverse("admin:blog_post_image_choices"),
                "upload_url": reverse("admin:blog_image_add") if self.can_upload else "",
            },
        )
        return format_html('<div class="body-with-images">{}{}</div>', textarea, picker)
