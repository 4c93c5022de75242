from django import forms
from django.contrib import admin
from django.db import models
from django.db.models import Case, F, IntegerField, Value, When
from django.template.defaultfilters import truncatechars
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.html import format_html, format_html_join

from comments import admin_actions, outbox
from comments.models import Comment, OutgoingEmail, ScreeningRule

NOTHING_TOLD = "The writer was told nothing: it was published at once."


class CommentAdminForm(forms.ModelForm):
    """The comment's fields, and a reply its moderator (or the post's author) may write."""

    reply = forms.CharField(
        label="Your reply",
        required=False,
        widget=forms.Textarea(attrs={"rows": 5, "class": "vLargeTextField"}),
        help_text="Published under your name as an answer to this comment, which is approved "
        "with it.",
    )

    def clean(self):
        cleaned = super().clean()
        moving_out = cleaned.get("status") in (Comment.Status.SPAM, Comment.Status.TRASH)
        if cleaned.get("reply", "").strip() and moving_out:
            self.add_error(
                "reply",
                "A reply publishes the comment it answers: choose “Approved” (or leave the "
                "status as it is) to send it, or remove the reply.",
            )
        return cleaned


@admin.register(Comment)
class CommentAdmin(admin.ModelAdmin):
    # Five columns that fit a 1280 px screen beside the filters, and stack on a phone
    # (static/css/comment_queue.css).
    list_display = ["comment", "writer", "status", "why", "spam_score"]
    list_display_links = ["comment"]
    form = CommentAdminForm
    list_filter = ["status", "verdict", ("post", admin.RelatedOnlyFieldListFilter), "submitted_at"]
    list_select_related = ["post"]
    search_fields = ["author_name", "author_email", "author_url", "ip_address", "body"]
    date_hierarchy = "submitted_at"
    list_per_page = 50
    raw_id_fields = ["post", "parent", "user"]
    readonly_fields = [
        "post", "parent", "depth", "submitted_at", "ip_address", "user_agent", "user",
        "verdict_story", "score", "classifier_score",
        "status_changed_by", "status_changed_at", "rendered",
    ]  # fmt: skip
    fieldsets = [
        (None, {"fields": ["post", "parent", "status", "body", "rendered"]}),
        ("Screening", {"fields": ["verdict_story", "score", "classifier_score"]}),
        ("Reply", {"fields": ["reply"]}),
        ("Writer", {"fields": ["author_name", "author_email", "author_url", "user",
                               "notify_replies", "ip_address", "user_agent"]}),
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

    class Media:
        css = {"all": ["css/comment_queue.css"]}

    def get_ordering(self, request):
        # Pending first, then newest: the moderation queue is the top of the list. In the
        # spam folder, the lowest spam score first: the most doubtful verdicts, to rescue
        # mistakes before they are purged. A column header overrides either.
        if request.GET.get("status__exact") == Comment.Status.SPAM:
            return [F("classifier_score").asc(nulls_last=True), "-submitted_at", "-id"]
        pending_first = Case(
            When(status=Comment.Status.PENDING, then=Value(0)),
            default=Value(1),
            output_field=IntegerField(),
        )
        return [pending_first.asc(), "-submitted_at", "-id"]

    def changelist_view(self, request, extra_context=None):
        folders = [
            ("Awaiting moderation", Comment.Status.PENDING),
            ("Spam, most doubtful first", Comment.Status.SPAM),
            ("All comments", ""),
        ]
        current = request.GET.get("status__exact", "")
        extra_context = {
            **(extra_context or {}),
            "folders": [(label, status, status == current) for label, status in folders],
        }
        return super().changelist_view(request, extra_context)

    @admin.display(description="Comment", ordering="submitted_at")
    def comment(self, comment):
        return format_html(
            '{}<span class="queue-meta">on “{}”, {}</span>',
            truncatechars(comment.body, 140),
            comment.post.title,
            date_format(timezone.localtime(comment.submitted_at), "j M Y H:i"),
        )

    @admin.display(description="Writer", ordering="author_name")
    def writer(self, comment):
        lines = [comment.author_name or "Anonymous", comment.author_email, comment.ip_address]
        return format_html_join(
            "", '<span class="queue-line">{}</span>', ((line,) for line in lines if line)
        )

    @admin.display(description="Why")
    def why(self, comment):
        return comment.verdict_sentence or "—"

    @admin.display(description="Spam score", ordering="classifier_score")
    def spam_score(self, comment):
        if comment.classifier_score is None:
            return "—"
        return f"{comment.classifier_score:.2f}"

    @admin.display(description="Screening")
    def verdict_story(self, comment):
        """What the screening decided and why, and what the writer was told: one story."""
        if not comment.verdict:
            return "Not screened (imported, or written before screening)."
        told = comment.writer_was_told
        told = f"The writer was told: “{told}”" if told else NOTHING_TOLD
        return format_html(
            '<p class="verdict-found">{}</p><p class="verdict-told">{}</p>',
            comment.verdict_sentence,
            told,
        )

    @admin.display(description="As readers see it")
    def rendered(self, comment):
        # body_html was cleaned by bleach when the comment was saved.
        return format_html('<div class="comment-rendered">{}</div>', comment.body_html_safe)

    # The post's author may answer (and so moderate) comments on their own post, from the
    # page the email about each comment links to, without the Moderators' permissions.
    def has_view_permission(self, request, obj=None):
        return super().has_view_permission(request, obj) or self._on_own_post(request, obj)

    def has_change_permission(self, request, obj=None):
        return super().has_change_permission(request, obj) or self._on_own_post(request, obj)

    @staticmethod
    def _on_own_post(request, comment):
        return comment is not None and comment.post.author_id == request.user.pk

    def save_model(self, request, obj, form, change):
        if change and "status" in form.changed_data:
            new_status = obj.status
            obj.status = form.initial["status"]
            super().save_model(request, obj, form, change)
            obj.moderate(new_status, by=request.user)
        else:
            super().save_model(request, obj, form, change)
        reply = form.cleaned_data.get("reply", "").strip()
        if change and reply:
            obj.answer(reply, by=request.user)
            self.message_user(request, "Your reply is published, and the comment with it.")

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
