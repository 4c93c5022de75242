from django import forms
from django.contrib import admin
from django.core.files.uploadedfile import UploadedFile
from django.utils import timezone
from django.utils.html import format_html, format_html_join

from blog import images
from blog.models import Category, DonationLink, Image, Page, Post, SiteIdentity, Tag


@admin.register(Post)
class PostAdmin(admin.ModelAdmin):
    list_display = [
        "title", "status", "publish_at", "is_live", "sticky", "author", "comments_open",
    ]  # fmt: skip
    list_filter = ["status", "sticky", "comments_open", "publish_at", "categories", "author"]
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

    def get_changeform_initial_data(self, request):
        initial = {"author": request.user.pk}
        first_category = Category.objects.order_by("pk").first()
        if first_category is not None:
            initial["categories"] = [first_category.pk]
        return {**initial, **super().get_changeform_initial_data(request)}

    def get_form(self, request, obj=None, **kwargs):
        help_texts = {
            "body": "Markdown. Raw HTML is allowed and sanitized. Place an uploaded image with "
            "![alt text](image:ID): each image in Images shows the line to copy.",
        }
        return super().get_form(request, obj, help_texts=help_texts, **kwargs)

    @admin.action(description="Publish selected posts", permissions=["change"])
    def publish(self, request, queryset):
        for post in queryset:
            post.status = Post.Status.PUBLISHED
            post.save(update_fields=["status"])
        self.message_user(request, f"Published {queryset.count()} post(s).")

    @admin.action(description="Turn selected posts into drafts", permissions=["change"])
    def make_draft(self, request, queryset):
        count = queryset.update(status=Post.Status.DRAFT, updated_at=timezone.now())
        self.message_user(request, f"{count} post(s) are drafts now.")


@admin.register(DonationLink)
class DonationLinkAdmin(admin.ModelAdmin):
    list_display = ["label", "url", "description", "order", "active"]
    list_editable = ["order", "active"]
    list_filter = ["active"]
    search_fields = ["label", "url", "description"]


@admin.register(SiteIdentity)
class SiteIdentityAdmin(admin.ModelAdmin):
    list_display = ["title", "tagline"]

    def has_add_permission(self, request):
        return not SiteIdentity.objects.exists()

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
        return self._img(image, 96)

    @admin.display(description="Preview")
    def preview(self, image):
        return self._img(image, 480)

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

    @staticmethod
    def _img(image, width):
        if not image.width:
            return "—"
        shown = image.best_variant(width * 2)
        height = round(image.height * width / image.width)
        return format_html(
            '<img src="{}" width="{}" height="{}" alt="" loading="lazy">',
            shown.url, width, height,
        )  # fmt: skip
