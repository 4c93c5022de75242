from django import forms
from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import models
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.decorators import method_decorator
from django.utils.formats import date_format
from django.utils.html import format_html, format_html_join
from django.views.decorators.http import require_POST

from blog import image_picker, images, revisions
from blog.html import without_control_characters
from blog.models import (
    Category,
    DonationLink,
    Image,
    LegacyRedirect,
    Page,
    Post,
    SiteIdentity,
    Tag,
)  # fmt: skip


class PublishingFilter(admin.SimpleListFilter):
    """Drafts, scheduled posts (published, waiting for their date) and live ones."""

    title = "publishing"
    parameter_name = "publishing"

    def lookups(self, request, model_admin):
        return [("draft", "Draft"), ("scheduled", "Scheduled"), ("live", "Published")]

    def queryset(self, request, queryset):
        chosen = {
            "draft": lambda: queryset.filter(status=Post.Status.DRAFT),
            "scheduled": queryset.scheduled,
            "live": queryset.published,
        }.get(self.value())
        return chosen() if chosen else queryset


@admin.register(Post)
class PostAdmin(admin.ModelAdmin):
    list_display = [
        "title", "publishing", "publish_at", "is_live", "sticky", "author", "comments_open",
    ]  # fmt: skip
    list_filter = [
        PublishingFilter, "sticky", "comments_open", "publish_at", "categories", "author",
    ]  # fmt: skip
    list_select_related = ["author"]
    search_fields = ["title", "body", "excerpt", "slug"]
    date_hierarchy = "publish_at"
    prepopulated_fields = {"slug": ["title"]}
    autocomplete_fields = ["author", "categories", "tags", "featured_image"]
    readonly_fields = ["created_at", "updated_at"]
    fieldsets = [
        (None, {"fields": ["title", "slug", "body", "excerpt"]}),
        ("Publishing", {"fields": ["status", "publish_at", "author", "comments_open",
                                   "sticky", "show_on_home"]}),
        ("Filing", {"fields": ["categories", "tags"]}),
        ("Sharing", {"fields": ["featured_image", "meta_description"]}),
        ("History", {"fields": ["created_at", "updated_at"], "classes": ["collapse"]}),
    ]
    actions = ["publish", "make_draft"]

    @admin.display(boolean=True, description="Live")
    def is_live(self, post):
        return post.is_published

    @admin.display(description="Status", ordering="status")
    def publishing(self, post):
        return _publishing(post)

    def get_changeform_initial_data(self, request):
        initial = {"author": request.user.pk}
        first_category = Category.objects.order_by("pk").first()
        if first_category is not None:
            initial["categories"] = [first_category.pk]
        return {**initial, **super().get_changeform_initial_data(request)}

    def get_form(self, request, obj=None, **kwargs):
        help_texts = {
            "body": "Markdown. Raw HTML is allowed and sanitized. Place an uploaded image with "
            "![alt text](image:ID): Insert, beside each image in the list, puts it at the cursor.",
        }
        return super().get_form(request, obj, help_texts=help_texts, **kwargs)

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        if db_field.name == "body" and (widget := image_picker.body_widget_for(request.user)):
            kwargs["widget"] = widget
        return super().formfield_for_dbfield(db_field, request, **kwargs)

    def image_choices_view(self, request):
        """The image picker's list again: after an upload, or for the words in its search box."""
        if not image_picker.may_see_images(request.user):
            raise PermissionDenied
        # Any text a browser sends finds nothing rather than failing (NUL on PostgreSQL).
        query = without_control_characters(request.GET.get("q", "")).strip()[:100]
        return HttpResponse(image_picker.choices(query))

    def save_model(self, request, obj, form, change):
        if change:
            revisions.record_outside_changes(obj)
        super().save_model(request, obj, form, change)

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        # Only now are the categories and tags saved, so the version and the search
        # document have them too.
        form.instance.refresh_search_document()
        revisions.record(form.instance, by=request.user)

    @admin.action(description="Publish selected posts", permissions=["change"])
    def publish(self, request, queryset):
        self._set_status(request, queryset, Post.Status.PUBLISHED)
        self.message_user(request, f"Published {queryset.count()} post(s).")

    @admin.action(description="Turn selected posts into drafts", permissions=["change"])
    def make_draft(self, request, queryset):
        count = self._set_status(request, queryset, Post.Status.DRAFT)
        self.message_user(request, f"{count} post(s) are drafts now.")

    def _set_status(self, request, queryset, status):
        posts = list(queryset)
        for post in posts:
            revisions.record_outside_changes(post)
            post.status = status
            post.save(update_fields=["status", "updated_at"])
            revisions.record(post, by=request.user)
        return len(posts)

    # History of versions: custom admin pages beside the change page.

    def get_urls(self):
        view = self.admin_site.admin_view
        return [
            path("image-choices/", view(self.image_choices_view),
                 name="blog_post_image_choices"),
            path("<path:object_id>/versions/", view(self.versions_view),
                 name="blog_post_versions"),
            path("<path:object_id>/versions/<int:revision_id>/", view(self.version_view),
                 name="blog_post_version"),
            path("<path:object_id>/versions/<int:revision_id>/restore/",
                 view(self.restore_view), name="blog_post_restore"),
            *super().get_urls(),
        ]  # fmt: skip

    def versions_view(self, request, object_id):
        """Every kept version of the post, newest first."""
        post = self._post_for_versions(request, object_id)
        return TemplateResponse(
            request,
            "admin/blog/post/versions.html",
            self._versions_context(
                request, post, title=f"History of versions: {post}",
                revisions=post.revisions.select_related("saved_by"),
            ),
        )  # fmt: skip

    def version_view(self, request, object_id, revision_id):
        """One version: its fields, how the post differs from it now, and a restore button."""
        post = self._post_for_versions(request, object_id)
        revision = get_object_or_404(
            post.revisions.select_related("saved_by", "featured_image"), pk=revision_id
        )
        return TemplateResponse(
            request,
            "admin/blog/post/version.html",
            self._versions_context(
                request, post, revision=revision,
                title=f"Version of {_when(revision)}: {revision.title}",
                changes=revisions.compare(revision, post),
                publishing_differs=revisions.publishing_differs(revision, post),
                publishing_now=_publishing(post),
                can_restore=self.has_change_permission(request, post),
            ),
        )  # fmt: skip

    @method_decorator(require_POST)
    def restore_view(self, request, object_id, revision_id):
        """Put a version back on the post, then return to the post's change page."""
        post = self._post_for_versions(request, object_id)
        if not self.has_change_permission(request, post):
            raise PermissionDenied
        revision = get_object_or_404(post.revisions, pk=revision_id)
        with_publishing = request.POST.get("with_publishing") == "on"
        kept_own = not with_publishing and revisions.publishing_differs(revision, post)
        try:
            restored = revisions.restore(revision, by=request.user, with_publishing=with_publishing)
        except ValidationError as error:
            self.message_user(request, " ".join(error.messages), messages.ERROR)
            return redirect("admin:blog_post_version", post.pk, revision.pk)
        post.refresh_from_db()
        publishing = (
            f"It kept its own status and publish date: {_publishing(post)}."
            if kept_own
            else f"Its status and publish date are the version's: {_publishing(post)}."
        )
        if restored is None:
            self.message_user(
                request,
                f"The post already has the content of the version of {_when(revision)}. "
                f"{publishing}",
                messages.INFO,
            )
        else:
            message = f"Restored the version of {_when(revision)}. {publishing}"
            self.log_change(request, post, message)
            self.message_user(request, f"{message} It is kept as a new version too.")
        return redirect(reverse("admin:blog_post_change", args=[post.pk]))

    def _post_for_versions(self, request, object_id):
        # Versions are a post's content: those who may not see posts (Moderators) get a 403.
        if not self.has_view_or_change_permission(request):
            raise PermissionDenied
        post = self.get_object(request, unquote(object_id))
        if post is None:
            raise Http404("No such post.")
        if not self.has_view_or_change_permission(request, post):
            raise PermissionDenied
        return post

    def _versions_context(self, request, post, **context):
        return {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "post": post,
            **context,
        }


def _when(revision):
    return _moment(revision.saved_at)


def _publishing(post):
    """Draft, Published, or Scheduled with the date it goes live."""
    if post.is_scheduled:
        return f"Scheduled for {_moment(post.publish_at)}"
    return post.get_status_display()


def _moment(moment):
    return date_format(timezone.localtime(moment), "DATETIME_FORMAT")


@admin.register(DonationLink)
class DonationLinkAdmin(admin.ModelAdmin):
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}
    list_display = ["label", "url", "description", "order", "active"]
    list_editable = ["order", "active"]
    list_filter = ["active"]
    search_fields = ["label", "url", "description"]


@admin.register(SiteIdentity)
class SiteIdentityAdmin(admin.ModelAdmin):
    """One row: the list opens it directly, created with the defaults on first visit."""

    list_display = ["title", "tagline"]

    def changelist_view(self, request, extra_context=None):
        if not self.has_change_permission(request):
            return super().changelist_view(request, extra_context)
        identity, _ = SiteIdentity.objects.get_or_create(pk=1)
        return redirect("admin:blog_siteidentity_change", identity.pk)

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Category)
class CategoryAdmin(admin.ModelAdmin):
    list_display = ["name", "slug"]
    search_fields = ["name", "slug"]
    prepopulated_fields = {"slug": ["name"]}


@admin.register(Tag)
class TagAdmin(admin.ModelAdmin):
    list_display = ["name", "slug"]
    search_fields = ["name", "slug"]
    prepopulated_fields = {"slug": ["name"]}


@admin.register(Page)
class PageAdmin(admin.ModelAdmin):
    list_display = ["title", "slug", "status", "show_in_menu", "menu_order", "updated_at"]
    list_filter = ["status", "show_in_menu"]
    list_editable = ["show_in_menu", "menu_order"]
    search_fields = ["title", "body"]
    prepopulated_fields = {"slug": ["title"]}
    autocomplete_fields = ["author"]

    def get_changeform_initial_data(self, request):
        return {"author": request.user.pk, **super().get_changeform_initial_data(request)}

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        if db_field.name == "body" and (widget := image_picker.body_widget_for(request.user)):
            kwargs["widget"] = widget
        return super().formfield_for_dbfield(db_field, request, **kwargs)


class ImageForm(forms.ModelForm):
    class Meta:
        model = Image
        fields = ["file", "alt_text", "caption"]

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if isinstance(upload, UploadedFile):  # a new file, not the one already stored
            images.check_upload(upload)
            upload = images.clean_original(upload)
        return upload


@admin.register(Image)
class ImageAdmin(admin.ModelAdmin):
    form = ImageForm
    list_display = ["thumbnail", "alt_text", "caption", "size", "markdown", "uploaded_at"]
    list_display_links = ["thumbnail", "alt_text"]
    search_fields = ["alt_text", "caption"]
    date_hierarchy = "uploaded_at"
    readonly_fields = ["markdown", "preview", "size", "copies", "uploaded_at"]
    fieldsets = [
        (None, {"fields": ["file", "alt_text", "caption"]}),
        ("In posts", {"fields": ["markdown", "preview", "size", "copies", "uploaded_at"]}),
    ]

    def get_fieldsets(self, request, obj=None):
        fieldsets = super().get_fieldsets(request, obj)
        return fieldsets if obj is not None else fieldsets[:1]

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        if "file" in form.changed_data:
            # Once, at upload: pages then only choose among the copies made here.
            obj.variants = images.make_variants(obj.file)
            obj.save(update_fields=["variants"])
        if change and {"file", "alt_text", "caption"} & set(form.changed_data):
            count = images.rerender_posts_showing(obj)
            if count:
                self.message_user(request, f"{count} post(s) or page(s) showing it were updated.")

    @admin.display(description="Image")
    def thumbnail(self, image):
        return image_picker.image_tag(image, 96)

    @admin.display(description="Preview")
    def preview(self, image):
        return image_picker.image_tag(image, 480)

    @admin.display(description="To place it in a post, copy")
    def markdown(self, image):
        return format_html("<code>{}</code>", image.markdown)

    @admin.display(description="Size in pixels")
    def size(self, image):
        return f"{image.width} × {image.height}"

    @admin.display(description="Copies made at upload")
    def copies(self, image):
        return format_html_join(
            ", ", '<a href="{}">{} px wide</a>', ((r.url, r.width) for r in image.renditions)
        )


@admin.register(LegacyRedirect)
class LegacyRedirectAdmin(admin.ModelAdmin):
    """Old addresses (from WordPress or renamed slugs) answered with a 301."""

    list_display = ["old_path", "post", "page", "url", "created_at"]
    list_select_related = ["post", "page"]
    search_fields = ["old_path", "url", "post__title", "page__title"]
    raw_id_fields = ["post", "page"]
