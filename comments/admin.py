from django.contrib import admin
from django.db import models
from django.db.models import Case, IntegerField, Value, When
from django.template.defaultfilters import truncatechars
from django.utils.html import format_html

from comments import admin_actions, outbox
from comments.models import Comment, OutgoingEmail, ScreeningRule


@admin.register(Comment)
class CommentAdmin(admin.ModelAdmin):
    list_display = [
        "excerpt", "author_name", "author_email", "ip_address", "post_link", "status",
        "submitted_at", "why", "spam_score",
    ]  # fmt: skip
    list_filter = ["status", "verdict", ("post", admin.RelatedOnlyFieldListFilter), "submitted_at"]
    list_select_related = ["post"]
    search_fields = ["author_name", "author_email", "author_url", "ip_address", "body"]
    date_hierarchy = "submitted_at"
    list_per_page = 50
    raw_id_fields = ["post", "parent", "user"]
    readonly_fields = [
        "post", "parent", "depth", "submitted_at", "ip_address", "user_agent", "user",
        "verdict", "why", "score", "reasons_list", "held_reasons", "classifier_score",
        "status_changed_by", "status_changed_at", "rendered",
    ]  # fmt: skip
    fieldsets = [
        (None, {"fields": ["post", "parent", "status", "body", "rendered"]}),
        ("Writer", {"fields": ["author_name", "author_email", "author_url", "user",
                               "notify_replies", "ip_address", "user_agent"]}),
        ("Screening", {"fields": ["why", "verdict", "score", "reasons_list", "held_reasons",
                                  "classifier_score"]}),
        ("History", {"fields": ["submitted_at", "status_changed_by", "status_changed_at",
                                "depth"]}),
    ]  # fmt: skip
    actions = ["approve", "unapprove", "mark_spam", "mark_not_spam", "move_to_trash"]
    # A commenter's requests about their data (comments/admin_actions.py).
    actions += [admin_actions.export_writers, admin_actions.erase_writers]
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}

    def has_add_permission(self, request):
        # Comments come from readers and imports, through Comment.objects.create_from; the
        # admin moderates and corrects them.
        return False

    def get_ordering(self, request):
        # Pending first, then newest: the moderation queue is the top of the list. A column
        # header overrides it; in the spam folder, "Spam score" ascending puts the most
        # ham-like first, to rescue mistakes before they are purged.
        pending_first = Case(
            When(status=Comment.Status.PENDING, then=Value(0)),
            default=Value(1),
            output_field=IntegerField(),
        )
        return [pending_first.asc(), "-submitted_at", "-id"]

    @admin.display(description="Comment")
    def excerpt(self, comment):
        return truncatechars(comment.body, 90)

    @admin.display(description="Post", ordering="post__title")
    def post_link(self, comment):
        return format_html('<a href="{}">{}</a>', comment.get_absolute_url(), comment.post.title)

    @admin.display(description="Why")
    def why(self, comment):
        return comment.verdict_sentence or "—"

    @admin.display(description="Spam score", ordering="classifier_score")
    def spam_score(self, comment):
        if comment.classifier_score is None:
            return "—"
        return f"{comment.classifier_score:.2f}"

    @admin.display(description="Reasons")
    def reasons_list(self, comment):
        return "; ".join(comment.reasons) or "—"

    @admin.display(description="As readers see it")
    def rendered(self, comment):
        # body_html was cleaned by bleach when the comment was saved.
        return format_html('<div class="comment-rendered">{}</div>', comment.body_html_safe)

    def save_model(self, request, obj, form, change):
        if change and "status" in form.changed_data:
            new_status = obj.status
            obj.status = form.initial["status"]
            super().save_model(request, obj, form, change)
            obj.moderate(new_status, by=request.user)
        else:
            super().save_model(request, obj, form, change)

    def _moderate(self, request, queryset, status, done):
        # One act for the whole selection; its emails go after it, over one connection.
        count = len(queryset.moderate(status, by=request.user))
        self.message_user(request, f"{count} comment{'s' if count != 1 else ''} {done}.")

    @admin.action(description="Approve selected comments", permissions=["change"])
    def approve(self, request, queryset):
        self._moderate(request, queryset, Comment.Status.APPROVED, "approved")

    @admin.action(description="Unapprove (back to pending)", permissions=["change"])
    def unapprove(self, request, queryset):
        self._moderate(request, queryset, Comment.Status.PENDING, "moved back to pending")

    @admin.action(description="Mark as spam", permissions=["change"])
    def mark_spam(self, request, queryset):
        self._moderate(request, queryset, Comment.Status.SPAM, "marked as spam")

    @admin.action(description="Not spam (back to pending)", permissions=["change"])
    def mark_not_spam(self, request, queryset):
        self._moderate(
            request, queryset.filter(status=Comment.Status.SPAM), Comment.Status.PENDING,
            "moved out of spam to pending",
        )

    @admin.action(description="Move to trash", permissions=["change"])
    def move_to_trash(self, request, queryset):
        self._moderate(request, queryset, Comment.Status.TRASH, "moved to the trash")


@admin.register(ScreeningRule)
class ScreeningRuleAdmin(admin.ModelAdmin):
    """The blocklist and the moderation list, like WordPress's disallowed and moderation keys."""

    list_display = ["value", "kind", "list", "note", "created_at"]
    list_filter = ["list", "kind"]
    search_fields = ["value", "note"]


@admin.register(OutgoingEmail)
class OutgoingEmailAdmin(admin.ModelAdmin):
    """The outbox, for superusers: what was sent, what waits for a retry and why."""

    list_display = ["subject", "to", "status", "attempts", "next_attempt_at", "sent_at",
                    "last_error"]  # fmt: skip
    list_filter = ["status", "created_at"]
    search_fields = ["subject", "recipients", "last_error"]
    date_hierarchy = "created_at"
    list_select_related = ["comment"]
    readonly_fields = [
        "comment", "recipients", "subject", "body", "headers", "status", "created_at",
        "attempts", "next_attempt_at", "sent_at", "last_error",
    ]  # fmt: skip
    actions = ["send_again_now"]

    @admin.display(description="To")
    def to(self, email):
        return ", ".join(email.recipients)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    @admin.action(description="Send again now (failed or waiting emails)")
    def send_again_now(self, request, queryset):
        due = queryset.retry_now()
        outbox.deliver_after_commit()
        self.message_user(request, f"{due} email{'s' if due != 1 else ''} will be sent now.")
