import secrets
from datetime import date, datetime
from typing import NamedTuple

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.core.paginator import InvalidPage, Paginator
from django.db.models import prefetch_related_objects
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.templatetags.static import static
from django.urls import reverse
from django.utils.cache import add_never_cache_headers
from django.utils.safestring import mark_safe

from blog import caching, page_cache
from blog import search as post_search
from blog.ids import parse_id
from blog.models import Category, DonationLink, Page, Post, Tag
from comments.section import comment_section

# Lists of posts show each post's categories and tags: two queries for the whole page.
FILING = ("categories", "tags")


def home(request):
    """Featured posts, then the newest published posts, a page at a time."""
    posts = (
        Post.objects.listed()
        .with_comment_counts()
        .select_related("author", "featured_image")
        .prefetch_related(*FILING)
        .order_by("-sticky", "-publish_at", "-id")
    )
    paginator = Paginator(posts, settings.BROADSHEET_POSTS_PER_PAGE)
    page = _page_or_404(paginator, request.GET.get("page", "1"))
    return render(request, "blog/home.html", {"page": page, "posts": page.object_list})


def _page_or_404(paginator, number):
    """Unlike `get_page`, a bad or out-of-range page number is a 404, not page 1 again.

    With `allow_empty_first_page=False`, a list with nothing in it is a 404 as well."""
    try:
        # `?page=` is read like any other id: ASCII digits only.
        return paginator.page(parse_id(number))
    except InvalidPage as error:
        raise Http404("No such page.") from error


def post_detail(request, year, month, slug, comment_page=1):
    """A post at its permanent address, /year/month/slug/, with its comments (or with a
    later page of them, at …/comment-page-N/)."""
    post = get_object_or_404(
        Post.objects.visible_to(request.user).select_related("author", "featured_image"),
        slug=slug,
    )
    canonical = post.comment_page_url(comment_page)
    if request.path != canonical:
        # The slug is unique; a wrong year or month is an old or mistyped address, and
        # comment page 1 is the post's own address.
        return redirect(canonical, permanent=True)
    return render_post(request, post, page=comment_page)


def render_post(request, post, status=200, **comment_state):
    """The post page. The comments app calls this too, to show a form that needs another go
    (`form`, a `rejection` message, `rejected_text`).

    The page around the comment thread (the post, the site's header and menu, the blank
    comment form) is the same for every reader without cookies until the content changes,
    while the thread changes with every comment: for them it is rendered once and kept
    (`_post_frame`), and a page view renders only the thread's few lines of template."""
    page_cache.depends_on(request, caching.CONTENT, caching.comments_of(post.pk))
    page_cache.expires_at(request, post.comments_close_at)
    section = comment_section(request, post, **comment_state)
    pages_nav = render_to_string("comments/_pages.html", section)
    thread_part = render_to_string("comments/_thread.html", {**section, "pages_nav": pages_nav})
    if status == 200 and post.is_published and section["blank_form"]:
        if page_cache.is_shared(request):
            frame = _post_frame(request, post, section)
            return HttpResponse(frame.before + thread_part + frame.after)
    context = {**_post_context(post), **section, "thread_part": thread_part}
    response = render(request, "blog/post_detail.html", context, status=status)
    # A preview is its author's alone, a form sent back one reader's words: no copy in the
    # page cache nor in any cache between.
    if not post.is_published or context["form_sent_back"]:
        add_never_cache_headers(response)
    return response


def _post_context(post):
    """What the post page shows besides its comment section."""
    prefetch_related_objects([post], *FILING)
    previous_post, next_post = _adjacent_posts(post) if post.is_published else (None, None)
    return {
        "post": post,
        "previous_post": previous_post,
        "next_post": next_post,
        "donation_links": caching.get_or_set(
            "donation-links", lambda: list(DonationLink.objects.active()),
            depends_on=[caching.CONTENT],
        ),  # fmt: skip
    }


class PostFrame(NamedTuple):
    """A post page's HTML before and after its comment thread, and when it stops being
    right by itself (a datetime, or None)."""

    before: str
    after: str
    expires: datetime | None


# Stands for the thread while a frame is rendered: random, so no post can contain it.
_THREAD_MARK = mark_safe(f"<!--thread-{secrets.token_hex(16)}-->")


def _post_frame(request, post, section):
    """The PostFrame of `post`'s comment page `section` shows, for a reader without cookies:
    rendered once, then kept until the content changes (a post, the site's title, ...), the
    post's comments close, a scheduled post goes live (it may become the next post), or
    BROADSHEET_PAGE_CACHE_SECONDS have passed, as for a whole page. The form in it carries
    the form token of when it was rendered, as a cached page's does."""

    def render_frame():
        context = {**_post_context(post), **section, "thread_part": _THREAD_MARK}
        page = render_to_string("blog/post_detail.html", context, request)
        before, mark, after = page.partition(_THREAD_MARK)
        if not mark:
            raise ImproperlyConfigured("comments/_section.html must show {{ thread_part }}.")
        ends = [moment for moment in (post.comments_close_at, Post.objects.next_scheduled_at())
                if moment is not None]  # fmt: skip
        return PostFrame(before, after, min(ends) if ends else None)

    return caching.get_or_set(
        page_cache.address_key("post-frame", request, request.path), render_frame,
        depends_on=[caching.CONTENT], timeout=settings.BROADSHEET_PAGE_CACHE_SECONDS,
        ends=lambda frame: frame.expires,
    )  # fmt: skip


class PostLink(NamedTuple):
    title: str
    url: str

    def get_absolute_url(self):
        return self.url


def _adjacent_posts(post):
    """The posts before and after `post`, as links: cached until the posts change or the
    next scheduled one goes live (which may fall between them)."""

    def read():
        found = (post.previous_post(), post.next_post())
        links = [PostLink(p.title, p.get_absolute_url()) if p else None for p in found]
        return links, Post.objects.next_scheduled_at()

    links, _ = caching.get_or_set(f"adjacent-posts:{post.pk}", read, depends_on=[caching.CONTENT],
                                  ends=lambda value: value[1])  # fmt: skip
    return links


def _post_list(request, posts, template, **context):
    """A page of `posts` (newest first, with their filing); no posts at all is a 404."""
    posts = (
        posts.with_comment_counts()
        .select_related("author", "featured_image")
        .prefetch_related(*FILING)
    )
    paginator = Paginator(posts, settings.BROADSHEET_POSTS_PER_PAGE, allow_empty_first_page=False)
    page = _page_or_404(paginator, request.GET.get("page", "1"))
    return render(request, template, {"page": page, "posts": page.object_list, **context})


def category(request, slug):
    """The published posts filed in a category."""
    term = get_object_or_404(Category, slug=slug)
    posts = term.posts.published()
    return _post_list(request, posts, "blog/category.html", category=term)


def tag(request, slug):
    """The published posts with a tag."""
    term = get_object_or_404(Tag, slug=slug)
    posts = term.posts.published()
    return _post_list(request, posts, "blog/tag.html", tag=term)


def year_archive(request, year):
    """A year's published posts, with its months and how many posts each has."""
    posts = Post.objects.published().filter(publish_at__year=year)
    months = list(posts.months())
    if not months:
        raise Http404("Nothing was published that year.")
    return _post_list(request, posts, "blog/archive_year.html", year=year, months=months)


def month_archive(request, year, month):
    """A month's published posts."""
    posts = Post.objects.published().filter(publish_at__year=year, publish_at__month=month)
    return _post_list(request, posts, "blog/archive_month.html", month=date(year, month, 1))


def archives(request):
    """Every month with posts, and the categories and tags in use, with their counts."""
    context = {
        "months": Post.objects.published().months(),
        "categories": Category.objects.with_published_posts(),
        "tags": Tag.objects.with_published_posts().order_by("-post_count", "name"),
    }
    return render(request, "blog/archives.html", context)


def search(request):
    """Search the published posts; any query gets a page back, never an error."""
    query = post_search.clean_query(request.GET.get("q", ""))
    searchable = post_search.has_words(query)
    context = {"query": query, "searchable": searchable, "page": None, "hits": []}
    if searchable:
        paginator = Paginator(post_search.matching_posts(query), settings.BROADSHEET_POSTS_PER_PAGE)
        page = _page_or_404(paginator, request.GET.get("page", "1"))
        context.update(page=page, hits=post_search.hits(page.object_list, query))
    return render(request, "blog/search.html", context)


def page_detail(request, slug):
    """A standalone page (About, Corrections) at /<slug>/."""
    page = get_object_or_404(Page.objects.visible_to(request.user), slug=slug)
    return render(request, "blog/page_detail.html", {"page": page})


def favicon(request):
    """/favicon.ico, which browsers and feed readers ask for whatever the page links: the
    icon among the static files (its hashed name changes with it, so this is no 301)."""
    return redirect(static("img/favicon.ico"))


def robots_txt(request):
    """Keep crawlers out of the admin and the search results; point them at the sitemap."""
    lines = [
        "User-agent: *",
        f"Disallow: {reverse('admin:index')}",
        f"Disallow: {reverse('blog:search')}",
        "Disallow: /comments/post/",
        "Disallow: /comments/unsubscribe/",
        "",
        f"Sitemap: {request.build_absolute_uri(reverse('blog:sitemap'))}",
    ]
    return HttpResponse("\n".join(lines) + "\n", content_type="text/plain; charset=utf-8")
