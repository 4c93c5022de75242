from datetime import timedelta

from django.conf import settings
from django.contrib.postgres.aggregates import StringAgg
from django.contrib.postgres.indexes import GinIndex
from django.contrib.postgres.search import SearchVector, SearchVectorField
from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db import connections, models
from django.db.models import Count, Max, OuterRef, Q, Subquery, TextField, Value
from django.db.models.functions import Coalesce, TruncMonth
from django.urls import Resolver404, resolve, reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme

from blog import caching, images
from blog.html import count_words, render_markdown, summarize, without_control_characters


class ShownToReadersQuerySet(models.QuerySet):
    """Bulk changes (the admin's "delete selected", list-editable fields) skip save() and
    delete(); they invalidate the cached pages here instead."""

    def update(self, **kwargs):
        result = super().update(**kwargs)
        caching.bump_on_commit(caching.CONTENT)
        return result

    update.queryset_only = True

    def delete(self):
        result = super().delete()
        caching.bump_on_commit(caching.CONTENT)
        return result

    delete.queryset_only = True


class ShownToReaders(models.Model):
    """A model readers see on the blog's pages: every change to one makes every cached page
    (blog/caching.py, blog/page_cache.py) be built again on its next view."""

    objects = ShownToReadersQuerySet.as_manager()

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        super().save(*args, **kwargs)
        caching.bump_on_commit(caching.CONTENT)

    def delete(self, *args, **kwargs):
        result = super().delete(*args, **kwargs)
        caching.bump_on_commit(caching.CONTENT)
        return result


class PostQuerySet(ShownToReadersQuerySet):
    def published(self):
        """Posts a reader may see: published, with a publish date that has come.

        A future publish date is a scheduled post; it goes live when its time passes,
        with no job to flip a flag.
        """
        return self.filter(self._published_q())

    def at_address(self, path):
        """The post among these whose page, or one of its comment pages, is at `path`
        (its slug decides, as on the page itself); None for any other address."""
        from django.urls import Resolver404, resolve

        try:
            match = resolve(path)
        except Resolver404:
            return None
        if match.view_name not in ("blog:post", "blog:post_comment_page"):
            return None
        return self.filter(slug=match.kwargs["slug"]).first()

    def listed(self):
        """Published posts that go on the home page and in the feeds (not those the author
        kept to their own address and archives)."""
        return self.published().filter(show_on_home=True)

    def scheduled(self):
        """Published posts whose publish date has not come yet: they go live by themselves."""
        return self.filter(status=Post.Status.PUBLISHED, publish_at__gt=timezone.now())

    def months(self):
        """The months these posts fall in, newest first, as dicts with `month` (a date in the
        blog's time zone), `post_count` and `last_updated`: one query."""
        return (
            self.annotate(month=TruncMonth("publish_at"))
            .values("month")
            .annotate(post_count=Count("id"), last_updated=Max("updated_at"))
            .order_by("-month")
        )

    def with_comment_counts(self):
        """Each post with `comment_count`, its approved comments (what its page counts),
        read in the same query as the posts: lists show it without a query per post."""
        from comments.models import Comment

        approved = (
            Comment.objects.approved()
            .filter(post=OuterRef("pk"))
            .order_by()
            .values("post")
            .annotate(count=Count("pk"))
            .values("count")
        )
        return self.annotate(comment_count=Coalesce(Subquery(approved), 0))

    def next_scheduled_at(self):
        """When the next scheduled post goes live (None if none is waiting): every page may
        change then. Cached until the posts change, or that moment passes."""

        def read():
            found = self.scheduled().order_by("publish_at")
            return found.values_list("publish_at", flat=True).first()

        return caching.get_or_set(
            "next-scheduled", read, depends_on=[caching.CONTENT], ends=lambda moment: moment
        )

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

    def refresh_search_documents(self):
        """Store each post's search document (PostgreSQL's full-text search, blog/search.py),
        built from its title, excerpt, tags and body as they are now. Called whenever one of
        those changes: on save, and after the tags are set or a tag renamed or deleted.
        Elsewhere than on PostgreSQL, search reads the columns themselves and nothing is
        stored."""
        if connections[self.db].vendor != "postgresql":
            return
        # Plain QuerySet.update: what readers see changed with the save that calls this,
        # which already told the cache.
        models.QuerySet.update(self.order_by(), search_document=search_document())


class Post(ShownToReaders):
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
    categories = models.ManyToManyField("Category", related_name="posts")
    tags = models.ManyToManyField("Tag", related_name="posts", blank=True)
    sticky = models.BooleanField(
        "featured", default=False, help_text="Featured posts stay at the top of the home page."
    )
    show_on_home = models.BooleanField(
        "list on the home page and in feeds",
        default=True,
        help_text="Untick to publish a post only at its own address and in its archives.",
    )
    featured_image = models.ForeignKey(
        "Image", null=True, blank=True, on_delete=models.SET_NULL, related_name="+",
        help_text="Shown on the home page and when the post is shared.",
    )  # fmt: skip
    meta_description = models.CharField(
        max_length=300, blank=True,
        help_text="For search engines and shared links; the excerpt is used when empty.",
    )  # fmt: skip
    word_count = models.PositiveIntegerField(default=0, editable=False)
    wordpress_id = models.PositiveBigIntegerField(
        null=True, blank=True, unique=True, editable=False,
        help_text="The post's ID in the WordPress export it was imported from.",
    )  # fmt: skip
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    # What full-text search on PostgreSQL matches and ranks (see search_document below).
    search_document = SearchVectorField(null=True, editable=False)

    objects = PostQuerySet.as_manager()

    class Meta:
        ordering = ["-publish_at", "-id"]
        indexes = [
            models.Index(fields=["status", "publish_at", "id"]),
            # Made on PostgreSQL only (migration 0005): SQLite has no GIN indexes.
            GinIndex(fields=["search_document"], name="blog_post_search_document"),
        ]

    def __str__(self):
        return self.title

    def save(self, *args, **kwargs):
        for field in ("title", "excerpt", "meta_description", "body"):
            setattr(self, field, without_control_characters(getattr(self, field)))
        # Rendered once here, never per request.
        self.body_html = render_markdown(self.body)
        self.summary = summarize(self.excerpt or self.body_html)
        self.word_count = count_words(self.body_html)
        if "update_fields" in kwargs and kwargs["update_fields"] is not None:
            derived = {"body_html", "summary", "word_count"}
            kwargs["update_fields"] = {*kwargs["update_fields"], *derived}
        super().save(*args, **kwargs)
        self.refresh_search_document()

    def get_absolute_url(self):
        local = timezone.localtime(self.publish_at)
        return reverse(
            "blog:post",
            kwargs={"year": local.year, "month": f"{local.month:02d}", "slug": self.slug},
        )

    def comment_page_url(self, number):
        """Page `number` of the post's comments (WordPress's /comment-page-N/); the post's
        own address is the first."""
        return self.comment_page_urls(number, number)[0][1]

    def comment_page_urls(self, first, last):
        """(number, address) of comment pages `first` to `last`: the post's address is
        worked out once, however many pages (a 5,000-comment thread has a hundred)."""
        url = self.get_absolute_url()
        return [(n, url if n == 1 else f"{url}comment-page-{n}/") for n in range(first, last + 1)]

    def refresh_search_document(self):
        """Store this post's search document again: after its tags were set (the admin,
        restoring a version, an import do it; in the shell, call it yourself)."""
        Post.objects.filter(pk=self.pk).refresh_search_documents()

    @property
    def reading_minutes(self):
        """Minutes to read at about 230 words a minute, never less than one."""
        return max(1, round(self.word_count / 230))

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
        closes_at = self.comments_close_at
        return closes_at is None or closes_at > timezone.now()

    @property
    def will_accept_comments(self):
        """For a draft or scheduled post: whether it will be open for comments once live
        (published now, or at its publish date if that is later)."""
        if not self.comments_open:
            return False
        closes_at = self.comments_close_at
        return closes_at is None or closes_at > max(timezone.now(), self.publish_at)

    @property
    def comments_close_at(self):
        """When comments close by themselves (BROADSHEET_COMMENTS_CLOSE_AFTER_DAYS), if ever."""
        days = settings.BROADSHEET_COMMENTS_CLOSE_AFTER_DAYS
        return self.publish_at + timedelta(days=days) if days else None

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


class DonationLinkQuerySet(ShownToReadersQuerySet):
    def active(self):
        return self.filter(active=True)


class DonationLink(ShownToReaders):
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


class SiteIdentity(ShownToReaders):
    """The blog's name and voice, editable in the admin; there is exactly one row."""

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
    contact_email = models.EmailField(
        "contact email",
        blank=True,
        help_text="Where commenters ask for a copy or the erasure of their data; shown on the "
        "privacy page only.",
    )

    class Meta:
        verbose_name = "site identity"
        verbose_name_plural = "site identity"

    def __str__(self):
        return self.title

    def save(self, *args, **kwargs):
        self.pk = 1
        super().save(*args, **kwargs)

    def take_over(self, title="", tagline=""):
        """A blog moving in brings its name: the title and tagline that are still
        Broadsheet's defaults become these (cut to fit; an empty one changes nothing).
        Returns {field: new value} for what changed; the caller saves."""
        changed = {}
        for name, value in (("title", title), ("tagline", tagline)):
            field = self._meta.get_field(name)
            value = " ".join(value.split())[: field.max_length]
            if value and getattr(self, name) == field.default and value != field.default:
                setattr(self, name, value)
                changed[name] = value
        return changed

    @classmethod
    def load(cls):
        """The site identity, from the cache when possible (it is read on every page).

        Never writes: until the author saves one, the defaults are used."""
        return caching.get_or_set(
            "site-identity",
            lambda: cls.objects.filter(pk=1).first() or cls(pk=1),
            depends_on=[caching.CONTENT],
        )


class TermQuerySet(ShownToReadersQuerySet):
    def with_published_posts(self):
        """Categories or tags a reader can browse: those with at least one published post,
        with `post_count` and `last_updated` (the latest change to one of those posts)."""
        return (
            self.filter(posts__in=Post.objects.published())
            .annotate(post_count=Count("posts"), last_updated=Max("posts__updated_at"))
            .order_by("name")  # a grouped query ignores Meta.ordering
        )


class Category(ShownToReaders):
    """A section of the blog; every post is in at least one."""

    name = models.CharField(max_length=100, unique=True)
    slug = models.SlugField(max_length=100, unique=True)
    description = models.TextField(blank=True)
    wordpress_id = models.PositiveBigIntegerField(null=True, blank=True, editable=False)

    objects = TermQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        verbose_name_plural = "categories"

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("blog:category", kwargs={"slug": self.slug})


class TagQuerySet(TermQuerySet):
    def update(self, **kwargs):
        posts = _posts_filed_under(self)
        result = super().update(**kwargs)
        posts.refresh_search_documents()
        return result

    update.queryset_only = True

    def delete(self):
        posts = _posts_filed_under(self)
        result = super().delete()
        posts.refresh_search_documents()
        return result

    delete.queryset_only = True


def _posts_filed_under(tags):
    """The posts under any of `tags`, read now: a tag's posts are out of reach once the tag
    is deleted."""
    filed = Post.objects.filter(tags__in=tags).values_list("pk", flat=True)
    return Post.objects.filter(pk__in=list(filed))


class Tag(ShownToReaders):
    """A tag's name is part of the search document of each post under it."""

    name = models.CharField(max_length=100, unique=True)
    slug = models.SlugField(max_length=100, unique=True)
    wordpress_id = models.PositiveBigIntegerField(null=True, blank=True, editable=False)

    objects = TagQuerySet.as_manager()

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return self.name

    def save(self, *args, **kwargs):
        super().save(*args, **kwargs)
        self.posts.all().refresh_search_documents()

    def get_absolute_url(self):
        return reverse("blog:tag", kwargs={"slug": self.slug})

    def delete(self, *args, **kwargs):
        posts = _posts_filed_under([self])
        result = super().delete(*args, **kwargs)
        posts.refresh_search_documents()
        return result


class PageQuerySet(ShownToReadersQuerySet):
    def published(self):
        return self.filter(status=Page.Status.PUBLISHED)

    def visible_to(self, user):
        """Published pages, plus drafts for those who may change pages (to preview them)."""
        if user.is_authenticated and user.has_perm("blog.change_page"):
            return self.all()
        return self.published()


class Page(ShownToReaders):
    """A standalone page (About, Contact) at /<slug>/, outside the stream of posts."""

    Status = Post.Status

    title = models.CharField(max_length=300)
    slug = models.SlugField(max_length=200, unique=True)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="pages"
    )
    body = models.TextField(help_text="Markdown. Raw HTML is allowed and sanitized.")
    body_html = models.TextField(editable=False, default="")
    summary = models.TextField(editable=False, default="")
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.DRAFT)
    show_in_menu = models.BooleanField(default=True, help_text="Link it in the site's menu.")
    menu_order = models.PositiveSmallIntegerField(default=0)
    wordpress_id = models.PositiveBigIntegerField(
        null=True, blank=True, unique=True, editable=False
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = PageQuerySet.as_manager()

    class Meta:
        ordering = ["menu_order", "title"]

    def __str__(self):
        return self.title

    def save(self, *args, **kwargs):
        self.body_html = render_markdown(self.body)
        self.summary = summarize(self.body_html)
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return reverse("blog:page", kwargs={"slug": self.slug})

    def clean(self):
        # /<slug>/ comes after every other address, so a slug another page already uses
        # (/feed/, /search/, /2024/) would never be reached.
        if not self.slug:
            return
        try:
            match = resolve(f"/{self.slug}/")
        except Resolver404:
            return
        if match.view_name != "blog:page":
            raise ValidationError(
                {"slug": f"/{self.slug}/ is already an address of the blog; choose another slug."}
            )

    @classmethod
    def menu(cls):
        """Published pages linked in the site's menu, as (title, url) pairs, in menu order.

        Read on every page, so cached until something readers see changes."""

        def read():
            pages = cls.objects.published().filter(show_in_menu=True).only("title", "slug")
            return [(page.title, page.get_absolute_url()) for page in pages]

        return caching.get_or_set("menu", read, depends_on=[caching.CONTENT])


class Image(ShownToReaders):
    """An image the author uploaded, with resized variants made once, at upload."""

    file = models.ImageField(upload_to="images/%Y/%m/", width_field="width", height_field="height")
    alt_text = models.CharField(
        max_length=300, help_text="Describe the image for readers who cannot see it."
    )
    caption = models.CharField(max_length=300, blank=True)
    width = models.PositiveIntegerField(default=0, editable=False)
    height = models.PositiveIntegerField(default=0, editable=False)
    # [{"width": 480, "height": 320, "name": "images/2024/03/photo-480w.jpg"}, ...]
    variants = models.JSONField(default=list, blank=True, editable=False)
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-uploaded_at"]

    def __str__(self):
        return self.alt_text

    @property
    def renditions(self):
        """The stored copies of the image, narrowest first; the original is the widest."""
        variants = [images.Rendition(v["name"], v["width"], v["height"]) for v in self.variants]
        original = images.Rendition(self.file.name, self.width, self.height)
        return sorted([*variants, original], key=lambda rendition: rendition.width)

    def best_variant(self, width):
        """The narrowest copy at least `width` pixels wide, else the widest there is."""
        renditions = self.renditions
        return next((r for r in renditions if r.width >= width), renditions[-1])

    @property
    def src(self):
        """For browsers that ignore srcset: a copy about as wide as the post column, doubled."""
        return self.best_variant(960).url

    @property
    def srcset(self):
        return ", ".join(f"{r.url} {r.width}w" for r in self.renditions)

    sizes = images.SIZES

    @property
    def absolute_url(self):
        """The original's full URL, for use outside the blog's own pages."""
        return images.absolute_url(self.file.url)

    @property
    def for_sharing(self):
        """The copy shared links show (Open Graph asks for about 1200 pixels wide)."""
        return self.best_variant(1200)

    @property
    def markdown(self):
        """What an author types in a post to place this image."""
        alt = self.alt_text.replace("[", r"\[").replace("]", r"\]")
        return f"![{alt}](image:{self.pk})"


class PostRevision(models.Model):
    """A saved version of a post: every change the author saves is kept and can be restored."""

    post = models.ForeignKey(Post, on_delete=models.CASCADE, related_name="revisions")
    title = models.CharField(max_length=300)
    slug = models.SlugField(max_length=200)
    body = models.TextField()
    excerpt = models.TextField(blank=True)
    status = models.CharField(max_length=10, choices=Post.Status.choices)
    publish_at = models.DateTimeField()
    meta_description = models.CharField(max_length=300, blank=True)
    featured_image = models.ForeignKey(
        Image, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    categories = models.ManyToManyField(Category, related_name="+", blank=True)
    tags = models.ManyToManyField(Tag, related_name="+", blank=True)
    saved_at = models.DateTimeField(default=timezone.now)
    saved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
        related_name="+",
    )  # fmt: skip

    class Meta:
        ordering = ["-saved_at", "-id"]

    def __str__(self):
        return f"{self.title} ({self.saved_at:%Y-%m-%d %H:%M})"


class LegacyRedirect(models.Model):
    """An old address (from a WordPress import, say) that now lives elsewhere: answered with
    a 301 when nothing else answers it (blog/middleware.py).

    The target is a post or a page, so the redirect follows it when its address changes,
    or a URL for anything else."""

    old_path = models.CharField(
        max_length=500, unique=True, help_text="The old path, e.g. /2014/03/old-slug/."
    )
    post = models.ForeignKey(
        Post, null=True, blank=True, on_delete=models.CASCADE, related_name="legacy_redirects"
    )
    page = models.ForeignKey(
        Page, null=True, blank=True, on_delete=models.CASCADE, related_name="legacy_redirects"
    )
    url = models.CharField(
        "URL", max_length=500, blank=True, help_text="Where to go when there is no post or page."
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["old_path"]
        constraints = [
            models.CheckConstraint(
                condition=(
                    Q(post__isnull=False, page__isnull=True, url="")
                    | Q(post__isnull=True, page__isnull=False, url="")
                    | (Q(post__isnull=True, page__isnull=True) & ~Q(url=""))
                ),
                name="legacy_redirect_has_one_target",
            )
        ]

    def __str__(self):
        return f"{self.old_path} → {self.target_url() or '(unpublished)'}"

    def clean(self):
        if self.url and not _is_redirect_target(self.url):
            raise ValidationError(
                {"url": "Give a path on this site (/about/) or an http(s) address."}
            )

    def target_url(self):
        """Where the old path leads now, or None while the target is not public."""
        if self.post_id:
            return self.post.get_absolute_url() if self.post.is_published else None
        if self.page_id:
            published = self.page.status == Page.Status.PUBLISHED
            return self.page.get_absolute_url() if published else None
        # A target written before the rule in clean() (or by hand) is never followed.
        return self.url if _is_redirect_target(self.url) else None


def _is_redirect_target(url):
    """A path on this site, or an http(s) address: nothing a browser would run."""
    if url.startswith("/"):
        # Not "//host" nor "/\\host", which browsers read as another site; no line breaks,
        # which a Location header cannot carry.
        readable = not any(ord(char) < 32 or ord(char) == 127 for char in url)
        return readable and url_has_allowed_host_and_scheme(url, allowed_hosts=None)
    try:
        URLValidator(schemes=["http", "https"])(url)
    except ValidationError:
        return False
    return True


def search_document():
    """A post's search document, as an expression over its row: the title weighs most (A),
    then the excerpt and the tag names (B), then the body (C), all read as words of
    BROADSHEET_SEARCH_CONFIG's language."""
    config = settings.BROADSHEET_SEARCH_CONFIG
    tag_names = Subquery(
        Post.tags.through.objects.filter(post=OuterRef("pk"))
        .order_by()
        .values("post")
        .annotate(names=StringAgg("tag__name", " "))
        .values("names")
    )
    return (
        SearchVector("title", weight="A", config=config)
        + SearchVector("excerpt", weight="B", config=config)
        + SearchVector(
            Coalesce(tag_names, Value(""), output_field=TextField()), weight="B", config=config
        )
        # The default parser reads HTML: tags and attributes are not indexed as words.
        + SearchVector("body_html", weight="C", config=config)
    )
