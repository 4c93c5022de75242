import hashlib
import ipaddress
import re
from datetime import timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, models, transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from blog import caching
from comments.markup import render_article, render_comment, validate_author_url

# Control characters have no place in what a commenter writes, and PostgreSQL refuses NUL.
# Line breaks and tabs stay in the text of a comment.
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
# The marks that reorder text: a name with one turns the rest of a line (or of an email
# subject) around.
_REORDERING = re.compile(r"[\u200e\u200f\u202a-\u202e\u2066-\u2069]")


class AlreadySent(Exception):
    """The form that would make this comment was sent before: `comment` is the one it made."""

    def __init__(self, comment):
        super().__init__(f"form already sent: comment {comment.pk}")
        self.comment = comment


class CommentQuerySet(models.QuerySet):
    def create_from(
        self, *, post, body, parent=None, author_name="", author_email="", author_url="",
        ip_address=None, user_agent="", form_nonce="", **decided,
    ):  # fmt: skip
        """The one way a comment is created from what came from outside: a reader's form,
        a WordPress import, the demo. Every door gets the same cleaning:

        - the body has no control characters and is not empty (else ValidationError);
        - the name is one line of at most 100 characters;
        - an email that is not valid, or a website that is not a valid http(s) address,
          is dropped (a form says so to its writer before it gets here);
        - a reply answers a comment on the same post (else ValidationError);
        - an IP address that is not one is dropped, a browser name is cut to 500.

        `decided` are the blog's own fields (status, verdict, submitted_at, user, …).
        `form_nonce` is the comment form's one-time number: the same words sent twice from
        one form raise AlreadySent with the comment they made the first time."""
        body = writable_text(body)
        if not body.strip():
            raise ValidationError({"body": "A comment needs some text."})
        if parent is not None and parent.post_id != post.pk:
            raise ValidationError({"parent": "A reply must answer a comment on the same post."})
        comment = Comment(
            post=post,
            parent=parent,
            body=body,
            author_name=_one_line(author_name)[:100],
            author_email=_valid_email(author_email),
            author_url=_valid_author_url(author_url),
            ip_address=_valid_ip(ip_address),
            user_agent=_one_line(user_agent)[:500],
            **decided,
        )
        comment.form_key = _form_key(form_nonce, post, author_name, author_email, body)
        if not comment.form_key:
            comment.save()
            return comment
        try:
            with transaction.atomic():
                comment.save()
        except IntegrityError:
            # Sent twice at once: the other request saved it first (the unique constraint).
            earlier = self.filter(form_key=comment.form_key).first()
            if earlier is None:
                raise
            raise AlreadySent(earlier) from None
        return comment

    def sent_before(self, submission):
        """The comment these same words, sent from this same form, made before (a double
        click, a reload), or None."""
        key = _form_key(
            submission.form_nonce, submission.post, submission.author_name,
            submission.author_email, submission.body,
        )  # fmt: skip
        return self.filter(form_key=key).first() if key else None

    def approved(self):
        return self.filter(status=Comment.Status.APPROVED)

    def visible_on(self, post, held_ids=()):
        """What a reader sees under `post`: approved comments, plus the reader's own comments
        that wait for a moderator (`held_ids`, from their signed cookie), oldest first.

        One query; the thread is built from it in Python (comments/threads.py)."""
        visible = Q(status=Comment.Status.APPROVED)
        if held_ids:
            # A spam verdict looks exactly like a hold to its writer: bots learn nothing.
            visible |= Q(pk__in=list(held_ids), status__in=Comment.HELD_STATUSES)
        return (
            self.filter(visible, post=post)
            .only(*Comment.THREAD_FIELDS)
            .order_by("submitted_at", "id")
        )

    def awaiting_moderation(self):
        return self.filter(status=Comment.Status.PENDING)

    def submitted_before(self, days):
        """Comments submitted more than `days` days ago."""
        return self.filter(submitted_at__lt=timezone.now() - timedelta(days=days))

    # Changes that skip save() and delete() invalidate the cached threads here.
    def update(self, **kwargs):
        shown = kwargs.keys() & Comment.SHOWN_FIELDS
        post_ids = set(self.values_list("post_id", flat=True).distinct()) if shown else ()
        result = super().update(**kwargs)
        if shown:
            Comment.forget_cached_threads(*post_ids)
        return result

    update.queryset_only = True

    def delete(self):
        post_ids = set(self.values_list("post_id", flat=True).distinct())
        result = super().delete()
        Comment.forget_cached_threads(*post_ids)
        return result

    delete.queryset_only = True

    def delete_in_batches(self, batch=500):
        """Delete these comments a batch at a time (safe from cron, however large the
        backlog); their replies stay, at the top level. Returns how many were deleted."""
        deleted = 0
        while ids := list(self.values_list("pk", flat=True)[:batch]):
            Comment.objects.filter(pk__in=ids).delete()
            deleted += len(ids)
        return deleted


class Comment(models.Model):
    class Status(models.TextChoices):
        PENDING = "pending", "Pending"
        APPROVED = "approved", "Approved"
        SPAM = "spam", "Spam"
        TRASH = "trash", "Trash"

    HELD_STATUSES = (Status.PENDING, Status.SPAM)
    # The fields a public page reads. Email and IP address are not among them.
    PUBLIC_FIELDS = (
        "id", "post_id", "parent_id", "depth", "author_name", "author_url", "body_html",
        "status", "submitted_at", "user_id", "held_reasons",
    )  # fmt: skip
    # What a thread is put together from: the stored article, and what places it.
    THREAD_FIELDS = (
        "id", "post_id", "parent_id", "depth", "author_name", "status", "user_id", "html",
    )  # fmt: skip
    # The fields that change what a reader sees: a change to one of them re-renders the
    # comment and invalidates the cached pages of its post.
    SHOWN_FIELDS = frozenset({
        "post", "post_id", "parent", "parent_id", "author_name", "author_url", "body",
        "body_html", "html", "status", "submitted_at", "user", "user_id", "held_reasons",
    })  # fmt: skip

    post = models.ForeignKey("blog.Post", on_delete=models.CASCADE, related_name="comments")
    # Deleting a comment (purged spam, a moderator's delete) keeps its replies: they move
    # to the top level of the thread rather than vanish with it.
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="replies"
    )
    depth = models.PositiveSmallIntegerField(default=0, editable=False)

    author_name = models.CharField("name", max_length=100, blank=True)
    author_email = models.EmailField("email", max_length=254, blank=True)
    author_url = models.URLField(
        "website", max_length=200, blank=True, validators=[validate_author_url]
    )
    body = models.TextField()
    body_html = models.TextField(editable=False, default="")
    # The whole <article> as the thread shows it (comments/markup.py), rendered on save.
    html = models.TextField(editable=False, default="")

    status = models.CharField(
        max_length=10, choices=Status.choices, default=Status.PENDING, db_index=True
    )
    submitted_at = models.DateTimeField(default=timezone.now, db_index=True)
    ip_address = models.GenericIPAddressField("IP address", null=True, blank=True)
    user_agent = models.CharField(max_length=500, blank=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="comments",
        help_text="The logged-in user who wrote it, if any.",
    )
    notify_replies = models.BooleanField(
        "notify of follow-up comments",
        default=False,
        help_text="The writer asked to be emailed when others comment on this post.",
    )

    # What the screening decided, and why: read-only for moderators.
    verdict = models.CharField(max_length=10, blank=True, editable=False)
    score = models.FloatField(null=True, blank=True, editable=False)
    reasons = models.JSONField(default=list, blank=True, editable=False)
    held_reasons = models.JSONField(
        default=list,
        blank=True,
        editable=False,
        help_text="Plain words shown to the writer beside “awaiting moderation”.",
    )
    classifier_score = models.FloatField(
        null=True,
        blank=True,
        editable=False,
        help_text="The classifier's spam probability: 0 is ham-like, 1 is spam-like.",
    )

    # Who moved the comment to its current status, and when.
    status_changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        editable=False,
    )
    status_changed_at = models.DateTimeField(null=True, blank=True, editable=False)
    # Which class the classifier was trained with this comment as ("spam", "ham" or ""), so
    # a reversed decision moves the counts instead of counting twice.
    trained_as = models.CharField(max_length=4, blank=True, default="", editable=False)
    wordpress_id = models.PositiveBigIntegerField(
        null=True, blank=True, editable=False,
        help_text="The comment's ID in the WordPress export it was imported from.",
    )  # fmt: skip
    # Set once the approval emails (post author, subscribers) have gone out.
    announced = models.BooleanField(default=False, editable=False)
    # The form's one-time number and what was written in it, hashed (_form_key): the same
    # form sent twice (a double click) finds the comment it made instead of making another.
    # The words count too: a page cached for every reader gives them all one form.
    form_key = models.CharField(max_length=64, blank=True, default="", editable=False)

    objects = CommentQuerySet.as_manager()

    class Meta:
        ordering = ["-submitted_at", "-id"]
        indexes = [
            models.Index(fields=["post", "status", "submitted_at"]),
            models.Index(fields=["author_email", "status"]),
            models.Index(fields=["ip_address", "status"]),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=["pending", "approved", "spam", "trash"]),
                name="comment_status_is_known",
            ),
            models.UniqueConstraint(
                fields=["form_key"], condition=~Q(form_key=""), name="comment_form_sent_once"
            ),
        ]

    def __str__(self):
        return f"{self.author_name or 'Anonymous'} on “{self.post}”"

    def save(self, *args, **kwargs):
        # Stored lowercased, so "same writer" lookups are exact and use the index.
        self.author_email = self.author_email.strip().lower()
        self.body_html = render_comment(self.body)
        self.depth = self.parent.depth + 1 if self.parent_id else 0
        update_fields = kwargs.get("update_fields")
        if update_fields is not None:
            kwargs["update_fields"] = {*update_fields, "body_html", "depth", "html"}
        if self.pk is None:
            super().save(*args, **kwargs)  # the article carries the comment's id
            kwargs = {"update_fields": ["html"], "using": kwargs.get("using")}
            args = ()
        self.html = render_article(self, self.post.author_id)
        super().save(*args, **kwargs)
        self.forget_cached_threads(self.post_id)

    def get_absolute_url(self):
        return f"{self.post.get_absolute_url()}#comment-{self.pk}"

    def delete(self, *args, **kwargs):
        result = super().delete(*args, **kwargs)
        self.forget_cached_threads(self.post_id)
        return result

    def get_admin_url(self):
        return reverse("admin:comments_comment_change", args=[self.pk])

    @classmethod
    def store_articles(cls, comments, post_author_id):
        """Render and store the articles of comments on one post that were written around
        save() (bulk_create, for a benchmark or a test): one query."""
        for comment in comments:
            comment.html = render_article(comment, post_author_id)
        cls.objects.bulk_update(comments, ["html"])

    @staticmethod
    def forget_cached_threads(*post_ids):
        """Every cached page showing these posts' comments (and comment counts) is stale."""
        caching.bump_on_commit(caching.COMMENTS, *map(caching.comments_of, post_ids))

    @property
    def body_html_safe(self):
        from django.utils.safestring import mark_safe

        return mark_safe(self.body_html)  # cleaned by bleach in render_comment, on save

    @property
    def is_approved(self):
        return self.status == self.Status.APPROVED

    @property
    def is_held(self):
        return self.status in self.HELD_STATUSES

    # --- Moderation acts: one code path each, used by admin actions, views and commands.

    def approve(self, by=None):
        self.moderate(self.Status.APPROVED, by)

    def unapprove(self, by=None):
        self.moderate(self.Status.PENDING, by)

    def mark_spam(self, by=None):
        self.moderate(self.Status.SPAM, by)

    def mark_not_spam(self, by=None):
        """Rescue a comment from spam to the moderation queue (other statuses stay)."""
        if self.status == self.Status.SPAM:
            self.moderate(self.Status.PENDING, by)

    def move_to_trash(self, by=None):
        self.moderate(self.Status.TRASH, by)

    def moderate(self, status, by=None):
        """Move the comment to `status`, recording who did it; learn from the decision and
        announce a newly approved comment once the change is committed."""
        from comments import notifications, screening

        previous = self.status
        if status == previous:
            return
        with transaction.atomic():
            self.status = status
            self.status_changed_by = by
            self.status_changed_at = timezone.now()
            self.save(update_fields=["status", "status_changed_by", "status_changed_at"])
            screening.learn(self, previous_status=previous)
        if status == self.Status.APPROVED and not self.announced:
            transaction.on_commit(lambda: notifications.comment_approved(self))


def _form_key(form_nonce, post, author_name, author_email, body):
    """What identifies one sending of one comment: the form's one-time number, the post,
    and the name, email and text as they are stored. "" without a one-time number."""
    if not form_nonce:
        return ""
    sent = [form_nonce, str(post.pk), _one_line(author_name)[:100], _valid_email(author_email),
            writable_text(body)]  # fmt: skip
    return hashlib.sha256("\x00".join(sent).encode()).hexdigest()


def writable_text(text):
    """A comment's text as it is stored: without control characters (line breaks stay)."""
    return _CONTROL.sub("", text or "")


def _one_line(text):
    """`text` on one line: control characters and reordering marks removed, line breaks and
    runs of spaces made one space."""
    return " ".join(_REORDERING.sub("", writable_text(text)).split())


def _valid_email(address):
    return _valid_or_empty((address or "").strip().lower(), validate_email, 254)


def _valid_author_url(url):
    return _valid_or_empty((url or "").strip(), validate_author_url, 200)


def _valid_or_empty(value, validate, max_length):
    try:
        validate(value)
    except ValidationError:
        return ""
    return value if len(value) <= max_length else ""


def _valid_ip(address):
    try:
        return str(ipaddress.ip_address(str(address).strip())) if address else None
    except ValueError:
        return None


class ScreeningRuleQuerySet(models.QuerySet):
    # Bulk changes (the admin's "delete selected") skip save() and delete(), so they
    # forget the cached rules here.
    def update(self, **kwargs):
        result = super().update(**kwargs)
        ScreeningRule.forget_cached()
        return result

    update.queryset_only = True

    def delete(self):
        result = super().delete()
        ScreeningRule.forget_cached()
        return result

    delete.queryset_only = True


class ScreeningRule(models.Model):
    """An entry of the blocklist (spam) or the moderation list (hold), edited in the admin,
    like WordPress's disallowed and moderation keys."""

    CACHE_VERSION = "screening-rules"
    # A change made in a transaction that is rolled back (spam_eval) can leave the cache
    # one step behind; it never lags by more than this.
    CACHE_SECONDS = 60

    class List(models.TextChoices):
        BLOCK = "block", "Blocklist: mark as spam"
        MODERATE = "moderate", "Moderation list: hold for a moderator"

    class Kind(models.TextChoices):
        WORD = "word", "Word or phrase (in name, email, website, comment or browser)"
        IP = "ip", "IP address or range (192.0.2.0/24)"
        EMAIL = "email", "Email address, or @domain for a whole domain"
        DOMAIN = "domain", "Link domain (also matches its subdomains)"

    list = models.CharField(max_length=10, choices=List.choices)
    kind = models.CharField(max_length=10, choices=Kind.choices)
    value = models.CharField(max_length=200)
    note = models.CharField(max_length=200, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = ScreeningRuleQuerySet.as_manager()

    class Meta:
        ordering = ["list", "kind", "value"]
        constraints = [
            models.UniqueConstraint(fields=["list", "kind", "value"], name="unique_screening_rule")
        ]

    def __str__(self):
        return f"{self.get_list_display()}: {self.value}"

    def save(self, *args, **kwargs):
        super().save(*args, **kwargs)
        self.forget_cached()

    def delete(self, *args, **kwargs):
        result = super().delete(*args, **kwargs)
        self.forget_cached()
        return result

    @classmethod
    def cached(cls):
        """Every rule, read for each new comment: from the cache until a rule changes."""
        return caching.get_or_set(
            "screening-rules",
            lambda: list(cls.objects.all()),
            depends_on=[cls.CACHE_VERSION],
            timeout=cls.CACHE_SECONDS,
        )

    @classmethod
    def forget_cached(cls):
        caching.bump_on_commit(cls.CACHE_VERSION)

    def clean(self):
        import ipaddress

        from django.core.exceptions import ValidationError

        self.value = self.value.strip().lower() if self.kind != self.Kind.IP else self.value.strip()
        if self.kind == self.Kind.IP:
            try:
                ipaddress.ip_network(self.value, strict=False)
            except ValueError as error:
                raise ValidationError({"value": "Not an IP address or CIDR range."}) from error


class TokenCount(models.Model):
    """How often a token appeared in spam and in ham the classifier was trained on."""

    token = models.CharField(max_length=120, unique=True)
    spam = models.PositiveIntegerField(default=0)
    ham = models.PositiveIntegerField(default=0)

    def __str__(self):
        return f"{self.token}: {self.spam} spam, {self.ham} ham"


class ClassifierState(models.Model):
    """The classifier's message totals; one row.

    `spam`/`ham` count every message trained; `own_spam`/`own_ham` count only this blog's
    moderated comments (not a bootstrap file), which decide when it may mark spam."""

    spam = models.PositiveIntegerField(default=0)
    ham = models.PositiveIntegerField(default=0)
    own_spam = models.PositiveIntegerField(default=0)
    own_ham = models.PositiveIntegerField(default=0)
    # Tokens summed over all trained messages of each class: spam runs longer than ham, so
    # a token's rate per token, not per message, keeps common words from looking spammy.
    spam_tokens = models.PositiveBigIntegerField(default=0)
    ham_tokens = models.PositiveBigIntegerField(default=0)
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self):
        return f"{self.spam} spam, {self.ham} ham trained"
