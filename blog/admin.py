from django.contrib import admin
from django.utils import timezone

from blog.models import Category, DonationLink, Page, Post, SiteIdentity, Tag


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
    autocomplete_fields = ["author", "categories", "tags"]
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
