import hashlib
import ipaddress
import re
import secrets
import time
import uuid
from datetime import timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, connection, models, transaction
from django.db.models import Q
from django.db.models.expressions import RawSQL
from django.urls import reverse
from django.utils import timezone

from blog import caching
from blog.html import CONTROL_CHARACTERS
from comments.markup import one_line, render_article, render_comment, validate_author_url
from comments.screening.text import body_hash, domains_linked_from

# The classifier's reason starts "classifier 0.71" (comments/screening/checks/classifier.py).
_CLASSIFIER_SCORE = re.compile(r"^classifier \d\.\d+")

# Control characters have no place in what a commenter writes, and PostgreSQL refuses NUL.
# Line breaks and tabs stay in the text of a comment.
_CONTROL = CONTROL_CHARACTERS


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
            author_name=one_line(author_name)[:100],
            author_email=_valid_email(author_email),
            author_url=_valid_author_url(author_url),
            ip_address=_valid_ip(ip_address),
            user_agent=one_line(user_agent)[:500],
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
            earlier = self.sent_with_form_key(comment.form_key)
            if earlier is None:
                raise
            raise AlreadySent(earlier) from None
        return comment

    def next_id(self):
        """The id the next comment takes, from the table's sequence (PostgreSQL only)."""
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT nextval(pg_get_serial_sequence(%s, 'id'))", [Comment._meta.db_table]
            )
            return cursor.fetchone()[0]

    def sent_before(self, submission):
        """The comment these same words, sent from this same form, made before (a double
        click, a reload), or None. Asked with the screening's other questions about the
        stored comments (Submission.stored): no query of its own unless there is one."""
        earlier = submission.stored.sent_before
        return self.select_related("post").filter(pk=earlier).first() if earlier else None

    def sent_with_form_key(self, key):
        """The comment stored with `key` (Comment.form_key), or None.

        The query repeats the unique index's own condition (a key is never empty) so that
        PostgreSQL can use that partial index in a prepared statement's generic plan too:
        without it, once PostgreSQL switched to a plan made for any key, every comment
        posted scanned the whole table (7 ms with 6,000 comments, and growing). Written
        out, not as a parameter: PostgreSQL matches an index's condition against the
        query's text, not against the values it is given."""
        form_key = f"{connection.ops.quote_name(Comment._meta.db_table)}.\"form_key\""
        has_key = RawSQL(f"NOT ({form_key} = '')", (), output_field=models.BooleanField())
        return self.filter(has_key, form_key=key).first()

    def approved(self):
        return self.filter(status=Comment.Status.APPROVED)

    def visible_on(self, post, held_ids=()):
        """What a reader sees under `post`: approved comments, plus the reader's own comments
        that wait for a moderator (`held_ids`, from their signed cookie), oldest first.

        The thread is built from it in Python (comments/threads.py)."""
        visible = Q(status=Comment.Status.APPROVED)
        if held_ids:
            # A spam verdict looks exactly like a hold to its writer: bots learn nothing.
            visible |= Q(pk__in=list(held_ids), status__in=Comment.HELD_STATUSES)
        return self.filter(visible, post=post).order_by("submitted_at", "id")

    def moderate(self, status, by=None):
        """Move these comments to `status`, recording who did it: the one door for every
        moderation act (admin actions and change form, views, commands), one comment or a
        thousand. In bulk: the rows are locked and rewritten in a few queries, the articles
        rendered again, the screening trained in one batch, newly approved comments
        announced, and the cached pages of their posts replaced. Returns the comments
        that moved."""
        from comments import notifications, screening

        with transaction.atomic():
            comments = list(
                self.exclude(status=status)
                .select_related("post__author")
                .select_for_update(of=("self",))
                .order_by("pk")
            )
            if not comments:
                return []
            previous = {comment.pk: comment.status for comment in comments}
            now = timezone.now()
            for comment in comments:
                comment.status = status
                comment.status_changed_by = by
                comment.status_changed_at = now
                comment.html = render_article(comment, comment.post.author_id)
            Comment.objects.bulk_update(
                comments, ["status", "status_changed_by", "status_changed_at", "html"],
                batch_size=500,
            )  # fmt: skip
            screening.learn_many(comments, previous)
            if status == Comment.Status.APPROVED:
                notifications.comments_approved(comments)
        return comments

    def awaiting_moderation(self):
        return self.filter(status=Comment.Status.PENDING)

    def count_awaiting_moderation(self):
        """How many comments wait for a moderator: one query when a comment changed or
        came in held since it was last counted, none otherwise (shown on every admin page
        and to staff)."""
        return caching.get_or_set(
            "comments-awaiting-moderation",
            lambda: Comment.objects.awaiting_moderation().count(),
            depends_on=[caching.COMMENTS, Comment.QUEUE_VERSION],
        )

    def submitted_before(self, days):
        """Comments submitted more than `days` days ago."""
        return self.filter(submitted_at__lt=timezone.now() - timedelta(days=days))

    # --- What the blog keeps about commenters, and for how long (comments/commenters.py,
    # comments/housekeeping.py).

    def written_by(self, *emails):
        """Comments sent with any of these email addresses, whatever their case (addresses
        are stored lowercased, so this is an exact lookup on the index)."""
        addresses = {email.strip().lower() for email in emails} - {""}
        return self.filter(author_email__in=addresses)

    def erase_writers(self, emails=(), delete=False):
        """Erase what the blog keeps about the writers of these comments, and about the
        addresses `emails`: each of their comments anonymised (or deleted with `delete`),
        their subscriptions, the emails to them or about their comments, the screening
        rules naming them. The one door for an erasure request (command and admin)."""
        from comments import commenters

        return commenters.erase(self, emails, delete=delete)

    def spam_to_purge(self, days=None):
        """Spam submitted more than BROADSHEET_SPAM_RETENTION_DAYS (or `days`) ago."""
        days = settings.BROADSHEET_SPAM_RETENTION_DAYS if days is None else days
        return self.filter(status=Comment.Status.SPAM).submitted_before(days)

    def trash_to_empty(self, days=None):
        """Comments in the trash submitted more than BROADSHEET_TRASH_RETENTION_DAYS (or
        `days`) ago."""
        days = settings.BROADSHEET_TRASH_RETENTION_DAYS if days is None else days
        return self.filter(status=Comment.Status.TRASH).submitted_before(days)

    def addresses_to_forget(self, days=None):
        """Comments submitted more than BROADSHEET_IP_RETENTION_DAYS (or `days`) ago that
        still have an IP address or a browser's user agent."""
        days = settings.BROADSHEET_IP_RETENTION_DAYS if days is None else days
        return self.submitted_before(days)._with_addresses()

    def _with_addresses(self):
        return self.filter(Q(ip_address__isnull=False) | ~Q(user_agent=""))

    def forget_addresses(self, batch=500, deadline=None):
        """Clear the IP address and user agent of these comments, a batch at a time (safe
        from cron, however large the backlog). Stops between batches once
        `time.monotonic()` passes `deadline`. Returns how many comments were cleared."""
        return self._with_addresses()._in_batches(
            lambda ids: Comment.objects.filter(pk__in=ids).update(ip_address=None, user_agent=""),
            batch, deadline,
        )  # fmt: skip

    # Changes that skip save() and delete() invalidate the cached threads here, and keep
    # the stored link domains' copy of the status in step.
    def update(self, **kwargs):
        shown = kwargs.keys() & Comment.SHOWN_FIELDS
        post_ids = set(self.values_list("post_id", flat=True).distinct()) if shown else ()
        moved = list(self.values_list("pk", flat=True)) if "status" in kwargs else ()
        result = super().update(**kwargs)
        if shown:
            Comment.forget_cached_threads(*post_ids)
        if moved:
            LinkedDomain.follow(moved, kwargs["status"])
        return result

    update.queryset_only = True

    def bulk_create(self, comments, *args, **kwargs):
        """Comments written around save() (a benchmark's seed, a test) get what save()
        stores for the screening checks: the body hash and the linked domains."""
        comments = list(comments)
        for comment in comments:
            comment.author_email = comment.author_email.strip().lower()
            comment.body_hash = body_hash(comment.body)
        created = super().bulk_create(comments, *args, **kwargs)
        LinkedDomain.objects.bulk_create(
            [link for comment in created for link in LinkedDomain.of(comment)],
            batch_size=LinkedDomain.BATCH,
        )
        return created

    bulk_create.queryset_only = True

    def delete(self):
        post_ids = set(self.values_list("post_id", flat=True).distinct())
        result = super().delete()
        Comment.forget_cached_threads(*post_ids)
        return result

    delete.queryset_only = True

    def delete_in_batches(self, batch=500, deadline=None):
        """Delete these comments a batch at a time (safe from cron, however large the
        backlog); their replies stay, at the top level. Stops between batches once
        `time.monotonic()` passes `deadline`. Returns how many were deleted."""
        return self._in_batches(
            lambda ids: Comment.objects.filter(pk__in=ids).delete(), batch, deadline
        )

    def _in_batches(self, act, batch, deadline):
        # Each batch is read again, so `act` must take its comments out of this queryset.
        done = 0
        while deadline is None or time.monotonic() < deadline:
            ids = list(self.order_by("pk").values_list("pk", flat=True)[:batch])
            if not ids:
                break
            act(ids)
            done += len(ids)
        return done


class Comment(models.Model):
    class Status(models.TextChoices):
        PENDING = "pending", "Pending"
        APPROVED = "approved", "Approved"
        SPAM = "spam", "Spam"
        TRASH = "trash", "Trash"

    HELD_STATUSES = (Status.PENDING, Status.SPAM)
    # Bumped when a new comment is held: the count awaiting moderation changes, though no
    # page readers see does (every other change bumps caching.COMMENTS).
    QUEUE_VERSION = "comments:awaiting-moderation"
    # The fields a public page reads. Email and IP address are not among them.
    PUBLIC_FIELDS = (
        "id", "post_id", "parent_id", "depth", "author_name", "author_url", "body_html",
        "status", "submitted_at", "user_id", "held_reasons",
    )  # fmt: skip
    # What a thread is put together from: the stored article, and what places it.
    THREAD_FIELDS = (
        "id", "post_id", "parent_id", "depth", "author_name", "status", "user_id", "html",
        "wordpress_id",
    )  # fmt: skip
    # The fields that change what a reader sees: a change to one of them re-renders the
    # comment and invalidates the cached pages of its post.
    SHOWN_FIELDS = frozenset({
        "post", "post_id", "parent", "parent_id", "author_name", "author_url", "body",
        "body_html", "html", "status", "submitted_at", "user", "user_id", "held_reasons",
    })  # fmt: skip

    # No index of its own: the index on (post, status, submitted_at) serves every lookup by
    # post, and with two PostgreSQL chose the narrower when its statistics were behind a
    # busy post, then read that post's held spam to find its approved comments.
    post = models.ForeignKey(
        "blog.Post", on_delete=models.CASCADE, related_name="comments", db_index=False
    )
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
    # The normal body's fingerprint (comments/screening/text.py), set on save: the duplicate
    # and campaign checks find the same text by index instead of reading bodies.
    body_hash = models.CharField(max_length=32, blank=True, default="", editable=False)
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
    # The checks that pushed toward the verdict ("links", "classifier"): a moderator who
    # reverses it overrules them (manage.py screening_report counts it).
    verdict_checks = models.JSONField(default=list, blank=True, editable=False)

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
            models.Index(fields=["body_hash", "status"]),
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
        self.body_hash = body_hash(self.body)
        self.depth = self.parent.depth + 1 if self.parent_id else 0
        update_fields = kwargs.get("update_fields")
        if update_fields is not None:
            kwargs["update_fields"] = {*update_fields, "body_html", "body_hash", "depth", "html"}
        created = self.pk is None
        # The article carries the comment's id. PostgreSQL gives it before the row is
        # written, so a new comment is one write; SQLite only as it inserts the row, so
        # the article follows in an update there.
        if created and connection.vendor == "postgresql":
            self.pk = Comment.objects.next_id()
            kwargs["force_insert"] = True
        elif created:
            super().save(*args, **kwargs)
            kwargs = {"update_fields": ["html"], "using": kwargs.get("using")}
            args = ()
        self.html = render_article(self, self.post.author_id)
        super().save(*args, **kwargs)
        LinkedDomain.store(self, created, update_fields)
        # A new comment that waits (held or spam) shows nowhere a cached page does: a wave
        # of spam leaves the pages readers get from the cache as they are.
        if self.is_approved or not created:
            self.forget_cached_threads(self.post_id)
        elif self.status == self.Status.PENDING:
            caching.bump_on_commit(self.QUEUE_VERSION)  # one more awaits moderation

    def get_absolute_url(self):
        """The comment on the comment page of its post that shows it (one query)."""
        return self.page_url()

    def permalink(self):
        """/comments/<id>/, which leads to the page showing the comment at the time it is
        followed: for lists of comments (feeds), which cannot afford `page_url` for each."""
        return reverse("comments:permalink", args=[self.pk])

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

    @classmethod
    def number_above(cls, number):
        """Comments created from now on get ids above `number`. An import calls it with
        the WordPress ids it brings: an imported comment keeps its WordPress id as an
        anchor (#comment-1002), and no comment of ours may take the same one."""
        table = cls._meta.db_table
        with connection.cursor() as cursor:
            if connection.vendor == "postgresql":
                cursor.execute(
                    "SELECT setval(s.seq, %s) FROM (SELECT pg_get_serial_sequence(%s, 'id')"
                    "::regclass AS seq) s WHERE COALESCE(pg_sequence_last_value(s.seq), 0) < %s",
                    [number, table, number],
                )
            elif connection.vendor == "sqlite":
                # AUTOINCREMENT ids come after sqlite_sequence's number for the table.
                cursor.execute(
                    "UPDATE sqlite_sequence SET seq = %s WHERE name = %s AND seq < %s",
                    [number, table, number],
                )
                cursor.execute(
                    "INSERT INTO sqlite_sequence (name, seq) SELECT %s, %s WHERE NOT EXISTS "
                    "(SELECT 1 FROM sqlite_sequence WHERE name = %s)",
                    [table, number, table],
                )

    @staticmethod
    def forget_cached_threads(*post_ids):
        """Every cached page showing these posts' comments (and comment counts) is stale."""
        caching.bump_on_commit(caching.COMMENTS, *map(caching.comments_of, post_ids))

    def page_url(self, held_ids=()):
        """The comment where a reader finds it: its post's comment page, and its anchor.
        `held_ids`: the reader's own held comments, which are part of their thread."""
        from comments.threads import Outline

        return Outline.of_post(self.post, held_ids).url_of(self)

    @property
    def body_html_safe(self):
        from django.utils.safestring import mark_safe

        return mark_safe(self.body_html)  # cleaned by bleach in render_comment, on save

    VERDICT_WORDS = {"approve": "Published", "hold": "Held for a moderator", "spam": "Marked spam"}

    @property
    def verdict_sentence(self):
        """The screening's verdict and its reasons in one sentence, for moderators."""
        if not self.verdict:
            return ""
        words = self.VERDICT_WORDS.get(self.verdict, self.verdict.capitalize())
        reasons = self.reasons_in_words
        return f"{words}: {reasons}." if reasons else f"{words}."

    @property
    def reasons_in_words(self):
        """The screening's reasons as one line a moderator reads: "first comment from this
        address; 3 links; classifier 0.71 (spam ≥ 0.74)". The classifier's score is given
        beside the cutoff it is measured against."""
        cutoff = f" (spam ≥ {settings.BROADSHEET_CLASSIFIER_SPAM_CUTOFF:.2f})"
        return "; ".join(
            _CLASSIFIER_SCORE.sub(rf"\g<0>{cutoff}", reason, count=1) for reason in self.reasons
        )

    @property
    def writer_was_told(self):
        """What the writer read under their comment while it waited, or "" when they were
        told nothing (published at once). The words of comments/_comment_article.html."""
        if self.verdict not in ("hold", "spam"):
            return ""
        told = "Your comment is awaiting moderation."
        if self.held_reasons:
            told += f" It was held because {', and '.join(self.held_reasons)}."
        return told

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

    def answer(self, body, by):
        """Publish `by`'s reply to this comment, approving the comment first if it waited:
        a moderator or the post's author answering from the moderation queue. The reply
        carries their name as their own comments do (the "Author" badge for the post's
        author). Returns the reply; its emails go after commit."""
        from comments import notifications

        with transaction.atomic():
            self.moderate(self.Status.APPROVED, by)
            parent = self
            if parent.depth >= settings.BROADSHEET_COMMENT_MAX_DEPTH - 1:
                parent = parent.parent  # at the deepest level a reply sits beside it
            why = "the post's author" if by.pk == self.post.author_id else "a moderator"
            reply = Comment.objects.create_from(
                post=self.post, parent=parent, body=body,
                author_name=by.get_full_name() or by.get_username(), author_email=by.email,
                user=by, status=self.Status.APPROVED, verdict="approve",
                reasons=[f"answered from the moderation queue by {why}"],
            )  # fmt: skip
            notifications.comment_posted(reply)
        return reply

    def moderate(self, status, by=None):
        """Move this comment to `status` (through CommentQuerySet.moderate, the one door)."""
        moved = Comment.objects.filter(pk=self.pk).moderate(status, by)
        if moved:
            for field in ("status", "status_changed_by_id", "status_changed_at", "html",
                          "trained_as", "announced"):  # fmt: skip
                setattr(self, field, getattr(moved[0], field))


def form_key_of(submission):
    """The Comment.form_key the comment `submission` makes will have."""
    return _form_key(
        submission.form_nonce, submission.post, submission.author_name,
        submission.author_email, submission.body,
    )  # fmt: skip


def _form_key(form_nonce, post, author_name, author_email, body):
    """What identifies one sending of one comment: the form's one-time number, the post,
    and the name, email and text as they are stored. "" without a one-time number."""
    if not form_nonce:
        return ""
    sent = [form_nonce, str(post.pk), one_line(author_name)[:100], _valid_email(author_email),
            writable_text(body)]  # fmt: skip
    return hashlib.sha256("\x00".join(sent).encode()).hexdigest()


def writable_text(text):
    """A comment's text as it is stored: without control characters (line breaks stay)."""
    return _CONTROL.sub("", text or "")


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


class LinkedDomain(models.Model):
    """A domain a comment links to, from its body or its website field, with a copy of the
    comment's status: stored on save, so the history check asks "was this domain marked
    spam before?" of one index, however large the spam folder grows."""

    # Enough for any comment a person writes; a bot's hundred links add nothing more.
    MOST_PER_COMMENT = 20
    BATCH = 500

    comment = models.ForeignKey(Comment, on_delete=models.CASCADE, related_name="linked_domains")
    domain = models.CharField(max_length=253)
    status = models.CharField(max_length=10, choices=Comment.Status.choices)

    class Meta:
        indexes = [models.Index(fields=["domain", "status"])]

    def __str__(self):
        return f"{self.domain} ({self.get_status_display()})"

    @classmethod
    def of(cls, comment):
        """Unsaved rows for the domains `comment` links to."""
        domains = domains_linked_from(comment.body, comment.author_url)
        return [
            cls(comment=comment, domain=domain[:253], status=comment.status)
            for domain in domains[: cls.MOST_PER_COMMENT]
        ]

    @classmethod
    def follow(cls, comment_ids, status):
        """After a bulk status change: give these comments' rows their new status. `status`
        is a value, or an expression (bulk_update's), when the new statuses are read back."""
        if isinstance(status, str):
            moved = {status: comment_ids}
        else:
            moved = {}
            for start in range(0, len(comment_ids), cls.BATCH):
                rows = Comment.objects.filter(pk__in=comment_ids[start : start + cls.BATCH])
                for pk, new in rows.values_list("pk", "status"):
                    moved.setdefault(new, []).append(pk)
        for new, ids in moved.items():
            for start in range(0, len(ids), cls.BATCH):
                chunk = ids[start : start + cls.BATCH]
                cls.objects.filter(comment_id__in=chunk).exclude(status=new).update(status=new)

    @classmethod
    def store(cls, comment, created, update_fields):
        """Keep `comment`'s rows in step with a save: written when it is created or its
        links may have changed, their status moved when only the status did. A comment
        with no links costs no query."""
        changed = update_fields is None or {"body", "author_url"} & set(update_fields)
        if created or changed:
            if not created:
                cls.objects.filter(comment=comment).delete()
            cls.objects.bulk_create(cls.of(comment))
        elif "status" in update_fields and domains_linked_from(comment.body, comment.author_url):
            cls.objects.filter(comment=comment).update(status=comment.status)


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


def new_generation():
    """A fresh ClassifierState.generation."""
    return secrets.randbits(62)


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
    # A new random number at every training: what a process read of the token counts is
    # good while this is unchanged (bayes.py). Random, not counted up, so that a value is
    # never seen twice, not even after a rolled-back training or a new row.
    generation = models.BigIntegerField(default=new_generation)
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self):
        return f"{self.spam} spam, {self.ham} ham trained"


class OutgoingEmailQuerySet(models.QuerySet):
    def queue(self, *, to, subject, body, headers=None, comment=None):
        """Write an email to the outbox. Called inside the transaction of the event it tells
        of, so the email exists exactly when the event does; comments/outbox.py sends it."""
        email = OutgoingEmail.build(comment, to, subject, body, headers)
        email.save()
        return email

    def due(self):
        """Emails waiting to be sent whose time has come: new ones first, then retries."""
        return self.filter(
            status=OutgoingEmail.Status.QUEUED, next_attempt_at__lte=timezone.now()
        ).order_by("attempts", "next_attempt_at", "id")

    def claim_due(self, limit):
        """Take up to `limit` due emails for one delivery (see `claim`)."""
        return self.claim(list(self.due()[:limit]))

    def claim(self, emails):
        """Take these emails for one delivery: each is pushed out of the due list for
        CLAIM_SECONDS first, so two deliveries running at once (two workers, a cron job)
        never send the same email, and one that dies mid-way leaves them due again. One
        query when no other sender took any of them first, the usual case."""
        if not emails:
            return []
        claim = uuid.uuid4()
        now = timezone.now()
        until = now + timedelta(seconds=OutgoingEmail.CLAIM_SECONDS)
        taken = self.filter(
            pk__in=[email.pk for email in emails],
            status=OutgoingEmail.Status.QUEUED,
            next_attempt_at__lte=now,  # not claimed by another delivery, or its claim ran out
        ).update(claim=claim, next_attempt_at=until)
        if taken < len(emails):  # another sender took some: send only what is ours
            return list(self.filter(claim=claim).order_by("attempts", "id"))
        for email in emails:
            email.claim, email.next_attempt_at = claim, until
        return list(emails)

    def release(self):
        """Put claimed emails back in the due list untouched (a delivery ran out of time)."""
        return self.update(claim=None, next_attempt_at=timezone.now())

    def retry_now(self):
        """Make these emails due at once, given up ones included (a fixed mail server)."""
        return (
            self.exclude(status=OutgoingEmail.Status.SENT)
            .filter(claim=None)
            .update(status=OutgoingEmail.Status.QUEUED, next_attempt_at=timezone.now())
        )

    def settled_before(self, days):
        """Emails sent or given up on, written more than `days` days ago."""
        return self.exclude(status=OutgoingEmail.Status.QUEUED).filter(
            created_at__lt=timezone.now() - timedelta(days=days)
        )


class OutgoingEmail(models.Model):
    """An email in the outbox: written in the same transaction as the comment event it tells
    of, sent after commit (comments/outbox.py), retried with backoff when the mail server
    refuses or does not answer, until BROADSHEET_EMAIL_MAX_ATTEMPTS."""

    # A claimed email is out of the due list this long: longer than any delivery takes.
    CLAIM_SECONDS = 15 * 60
    # Waits between attempts: a minute, doubling each time, at most six hours.
    FIRST_RETRY_SECONDS = 60
    LONGEST_RETRY_SECONDS = 6 * 60 * 60

    class Status(models.TextChoices):
        QUEUED = "queued", "Waiting to be sent"
        SENT = "sent", "Sent"
        FAILED = "failed", "Failed: gave up"

    comment = models.ForeignKey(
        Comment, null=True, blank=True, on_delete=models.CASCADE, related_name="emails",
        help_text="The comment the email tells of; an email about a deleted comment is not sent.",
    )  # fmt: skip
    recipients = models.JSONField(default=list)
    subject = models.TextField()
    body = models.TextField()
    headers = models.JSONField(default=dict, blank=True)

    status = models.CharField(max_length=10, choices=Status.choices, default=Status.QUEUED)
    created_at = models.DateTimeField(default=timezone.now)
    attempts = models.PositiveSmallIntegerField(default=0)
    next_attempt_at = models.DateTimeField(default=timezone.now)
    sent_at = models.DateTimeField(null=True, blank=True)
    last_error = models.CharField(max_length=500, blank=True)
    # Which delivery has taken the email (OutgoingEmailQuerySet.claim_due).
    claim = models.UUIDField(null=True, blank=True, editable=False)

    objects = OutgoingEmailQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = "outgoing email"
        indexes = [models.Index(fields=["status", "next_attempt_at"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=["queued", "sent", "failed"]),
                name="outgoing_email_status_is_known",
            )
        ]

    def __str__(self):
        return self.subject

    @classmethod
    def build(cls, comment, to, subject, body, headers=None):
        """An unsaved email about `comment`, its subject one clean line."""
        from comments.markup import one_line

        return cls(
            recipients=list(to),
            subject=one_line(subject),
            body=body,
            headers=headers or {},
            comment=comment,
        )

    def message(self, connection=None):
        from django.core.mail import EmailMessage

        return EmailMessage(
            subject=self.subject,
            body=self.body,
            to=self.recipients,
            headers=self.headers,
            connection=connection,
        )

    def record_sent(self):
        self.status = self.Status.SENT
        self.sent_at = timezone.now()
        self.attempts += 1
        self.last_error = ""
        self.claim = None
        self.save(update_fields=["status", "sent_at", "attempts", "last_error", "claim"])

    def record_failure(self, error):
        """Count a failed attempt and schedule the next one, or give up after the last."""
        self.attempts += 1
        self.last_error = error[:500]
        self.claim = None
        if self.attempts >= settings.BROADSHEET_EMAIL_MAX_ATTEMPTS:
            self.status = self.Status.FAILED
        else:
            wait = min(
                self.FIRST_RETRY_SECONDS * 2 ** (self.attempts - 1), self.LONGEST_RETRY_SECONDS
            )
            self.next_attempt_at = timezone.now() + timedelta(seconds=wait)
        self.save(update_fields=["attempts", "last_error", "claim", "status", "next_attempt_at"])
