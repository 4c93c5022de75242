from datetime import timedelta

from django.conf import settings
from django.core.cache import cache
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from blog.html import render_markdown, summarize


class PostQuerySet(models.QuerySet):
    def published(self):
        """Posts a reader may see: published, with a publish date that has come.

        A future publish date is a scheduled post; it goes live when its time passes,
        with no job to flip a flag.
        """
        return self.filter(self._published_q())

    def visible_to(self, user):
        """What `user` may open: published posts, plus drafts and scheduled posts for their
        author and for editors (who may change posts). Anyone else gets a 404 for those."""
        if not user.is_authenticated:
            return self.published()
        if user.has_perm("blog.change_post"):
            return self.all()
        return self.filter(self._published_q() | Q(author=user))

    @staticmethod
    def _published_q():
        return Q(status=Post.Status.PUBLISHED, publish_at__lte=timezone.now())


class Post(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        PUBLISHED = "published", "Published"

    title = models.CharField(max_length=300)
    slug = models.SlugField(
        max_length=200,
        unique=True,
        help_text="The last part of the post's address: /year/month/slug/.",
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="posts"
    )
    body = models.TextField(help_text="Markdown. Raw HTML is allowed and sanitized.")
    body_html = models.TextField(editable=False, default="")
    excerpt = models.TextField(
        blank=True, help_text="Optional. When empty, the start of the body is used."
    )
    summary = models.TextField(
        editable=False, default="", help_text="The excerpt shown in lists, derived on save."
    )
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.DRAFT)
    publish_at = models.DateTimeField(
        default=timezone.now,
        help_text="A date in the future schedules the post: it goes live at that time.",
    )
    comments_open = models.BooleanField(default=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = PostQuerySet.as_manager()

    class Meta:
        ordering = ["-publish_at", "-id"]
        indexes = [models.Index(fields=["status", "publish_at", "id"])]

    def __str__(self):
        return self.title

    def save(self, *args, **kwargs):
        # Rendered once here, never per request.
        self.body_html = render_markdown(self.body)
        self.summary = summarize(self.excerpt or self.body_html)
        if "update_fields" in kwargs and kwargs["update_fields"] is not None:
            kwargs["update_fields"] = {*kwargs["update_fields"], "body_html", "summary"}
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        local = timezone.localtime(self.publish_at)
        return reverse(
            "blog:post",
            kwargs={"year": local.year, "month": f"{local.month:02d}", "slug": self.slug},
        )

    @property
    def is_published(self):
        return self.status == self.Status.PUBLISHED and self.publish_at <= timezone.now()

    @property
    def is_scheduled(self):
        return self.status == self.Status.PUBLISHED and self.publish_at > timezone.now()

    @property
    def accepts_comments(self):
        """Open for comments: published, switched on, and not past the automatic close."""
        if not (self.comments_open and self.is_published):
            return False
        days = settings.BROADSHEET_COMMENTS_CLOSE_AFTER_DAYS
        return not days or self.publish_at > timezone.now() - timedelta(days=days)

    def previous_post(self):
        """The published post just before this one by publish date (ties broken by id)."""
        earlier = Q(publish_at__lt=self.publish_at) | Q(publish_at=self.publish_at, id__lt=self.id)
        return (
            Post.objects.published()
            .filter(earlier)
            .order_by("-publish_at", "-id")
            .only("title", "slug", "publish_at")
            .first()
        )

    def next_post(self):
        """The published post just after this one by publish date (ties broken by id)."""
        later = Q(publish_at__gt=self.publish_at) | Q(publish_at=self.publish_at, id__gt=self.id)
        return (
            Post.objects.published()
            .filter(later)
            .order_by("publish_at", "id")
            .only("title", "slug", "publish_at")
            .first()
        )


class DonationLinkQuerySet(models.QuerySet):
    def active(self):
        return self.filter(active=True)


class DonationLink(models.Model):
    """A way to support the blog, shown in the donation block under every post."""

    label = models.CharField(max_length=80, help_text="The link text, e.g. “Donate”.")
    url = models.URLField("URL")
    description = models.CharField(
        max_length=200, blank=True, help_text="A short line beside the link."
    )
    order = models.PositiveSmallIntegerField(default=0)
    active = models.BooleanField(default=True)

    objects = DonationLinkQuerySet.as_manager()

    class Meta:
        ordering = ["order", "id"]

    def __str__(self):
        return self.label


class SiteIdentity(models.Model):
    """The blog's name and voice, editable in the admin; there is exactly one row."""

    CACHE_KEY = "blog:site-identity"

    title = models.CharField(max_length=100, default="Broadsheet")
    tagline = models.CharField(max_length=200, blank=True, default="Notes on the news of the day")
    footer_text = models.CharField(
        max_length=300, blank=True, default="Written and published with Broadsheet."
    )
    donation_appeal = models.TextField(
        blank=True,
        default="This blog is free to read, not to produce: donate or subscribe.",
        help_text="Shown above the donation links under every post.",
    )

    class Meta:
        verbose_name = "site identity"
        verbose_name_plural = "site identity"

    def __str__(self):
        return self.title

    def save(self, *args, **kwargs):
        self.pk = 1
        super().save(*args, **kwargs)
        cache.delete(self.CACHE_KEY)

    @classmethod
    def load(cls):
        """The site identity, from the cache when possible (it is read on every page)."""
        identity = cache.get(cls.CACHE_KEY)
        if identity is None:
            identity, _ = cls.objects.get_or_create(pk=1)
            cache.set(cls.CACHE_KEY, identity, timeout=None)
        return identity
