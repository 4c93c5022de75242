"""Every answer carries a strict Content-Security-Policy and a Permissions-Policy, and no page
needs an exception from it: no inline scripts, styles or event-handler attributes anywhere,
public pages and the admin alike. The header is fixed (no per-request nonce), so a page kept
in a cache stays valid. In a real browser: tests/test_browser_content_security_policy.py."""

from html.parser import HTMLParser

import pytest
from django.test import Client
from django.urls import path, reverse

from blog import revisions
from blog.models import Category, Page, Tag
from comments.models import Comment
from config.urls import urlpatterns as site_urlpatterns
from tests.commenting import sent_back

pytestmark = pytest.mark.django_db


def boom(request):
    raise RuntimeError("Something broke while showing this page.")


# The site's addresses plus one that fails, for the 500 page.
urlpatterns = [path("boom/", boom), *site_urlpatterns]


@pytest.fixture
def site(make_post, author, editor):
    """One of everything a reader or an editor can open."""
    category = Category.objects.create(name="Council", slug="council")
    tag = Tag.objects.create(name="Budget", slug="budget")
    post = make_post("Budget day", body="The **budget** is out.")
    post.categories.add(category)
    post.tags.add(tag)
    Comment.objects.create(
        post=post, author_name="Ada", author_email="ada@example.org", body="Well put.",
        status=Comment.Status.APPROVED,
    )  # fmt: skip
    page = Page.objects.create(title="About", slug="about", body="Who we are.", author=author,
                               status=Page.Status.PUBLISHED)  # fmt: skip
    revision = revisions.record(post, by=editor)
    return {"post": post, "category": category, "tag": tag, "page": page, "revision": revision}


def public_pages(site):
    post, year, month = site["post"], site["post"].publish_at.year, site["post"].publish_at.month
    return {
        "home": "/",
        "post": post.get_absolute_url(),
        "reply form": post.get_absolute_url() + f"?replytocom={post.comments.get().pk}",
        "year": reverse("blog:year", args=[year]),
        "month": reverse("blog:month", args=[year, month]),
        "archives": reverse("blog:archives"),
        "category": site["category"].get_absolute_url(),
        "tag": site["tag"].get_absolute_url(),
        "search": reverse("blog:search") + "?q=budget",
        "page": site["page"].get_absolute_url(),
        "privacy": reverse("comments:privacy"),
        "404": "/no/such/address/",
    }


# Answers that are not pages: feeds, the sitemap, robots.txt.
OTHER_ANSWERS = ["blog:feed", "blog:atom_feed", "comments:feed", "blog:sitemap", "blog:robots_txt"]


def admin_pages(site):
    post = site["post"]
    return {
        "admin index": reverse("admin:index"),
        "admin post list": reverse("admin:blog_post_changelist"),
        "admin post form": reverse("admin:blog_post_change", args=[post.pk]),
        "admin new post": reverse("admin:blog_post_add"),
        "admin versions": reverse("admin:blog_post_versions", args=[post.pk]),
        "admin version": reverse("admin:blog_post_version", args=[post.pk, site["revision"].pk]),
        "admin comments": reverse("admin:comments_comment_changelist"),
        "admin images": reverse("admin:blog_image_add"),
        "admin login attempts": reverse("admin:axes_accessattempt_changelist"),
    }


def directives(response):
    policy = response["Content-Security-Policy"]
    return {
        name: values
        for name, *values in (part.split() for part in policy.split(";") if part.strip())
    }


def assert_strict_policy(response, name):
    assert "Content-Security-Policy" in response, f"{name}: no Content-Security-Policy"
    found = directives(response)
    assert found["default-src"] == ["'self'"], name
    assert found["script-src"] == ["'self'"], name
    assert found["style-src"] == ["'self'"], name
    assert found["object-src"] == ["'none'"], name
    assert found["base-uri"] == ["'none'"], name
    assert found["form-action"] == ["'self'"], name
    assert found["frame-ancestors"] == ["'none'"], name
    policy = response["Content-Security-Policy"]
    for loophole in ("'unsafe-inline'", "'unsafe-eval'", "'unsafe-hashes'", "'nonce-", "data:"):
        assert loophole not in policy, f"{name}: {loophole} in {policy}"
    permissions = response["Permissions-Policy"]
    for feature in ("camera=()", "microphone=()", "geolocation=()", "payment=()"):
        assert feature in permissions, f"{name}: {permissions}"


def test_every_public_page_and_feed_has_the_strict_policy(client, site):
    answers = {name: reverse(name) for name in OTHER_ANSWERS}
    for name, url in {**public_pages(site), **answers}.items():
        response = client.get(url)
        assert response.status_code in (200, 404), f"{name}: {response.status_code}"
        assert_strict_policy(response, name)


def test_every_admin_page_has_the_same_policy(client, site, editor):
    assert_strict_policy(client.get(reverse("admin:login")), "admin login")
    client.force_login(editor)
    for name, url in admin_pages(site).items():
        response = client.get(url)
        assert response.status_code == 200, f"{name}: {response.status_code}"
        assert_strict_policy(response, name)


def test_error_and_refusal_pages_have_it_too(site, write_comment, settings):
    stranger = Client(raise_request_exception=False)
    settings.ROOT_URLCONF = __name__
    assert_strict_policy(stranger.get("/boom/"), "500")
    settings.ROOT_URLCONF = "config.urls"
    refused = write_comment(site["post"], "", follow=True)
    sent_back(refused)
    assert_strict_policy(refused, "comment refused")
    settings.AXES_FAILURE_LIMIT = 1
    stranger.post(reverse("admin:login"), {"username": "editor", "password": "guess"})
    locked = stranger.post(reverse("admin:login"), {"username": "editor", "password": "guess"})
    assert locked.status_code == 429
    assert_strict_policy(locked, "login paused")


def test_the_policy_is_the_same_for_every_reader_so_cached_pages_stay_valid(site):
    first, second = Client().get("/"), Client().get("/")

    assert first["Content-Security-Policy"] == second["Content-Security-Policy"]


class _Inline(HTMLParser):
    """What a strict policy would block: inline scripts, style elements and attributes, and
    event-handler attributes. JSON-LD is data a browser never runs, so it needs no exception."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.found = []

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        if tag == "script" and not attributes.get("src"):
            if attributes.get("type") != "application/ld+json":
                self.found.append("<script> without src")
        if tag == "style":
            self.found.append("<style>")
        for name, _ in attrs:
            if name == "style" or name.startswith("on"):
                self.found.append(f"<{tag} {name}=…>")


def inline_code(response):
    parser = _Inline()
    parser.feed(response.content.decode())
    parser.close()
    return parser.found


def test_no_page_writes_inline_scripts_styles_or_handlers(client, site, editor):
    pages = {**public_pages(site), "admin login": reverse("admin:login")}
    for name, url in pages.items():
        assert inline_code(client.get(url)) == [], name
    client.force_login(editor)
    for name, url in admin_pages(site).items():
        assert inline_code(client.get(url)) == [], name


def test_the_posts_json_ld_is_a_data_block(client, site):
    page = client.get(site["post"].get_absolute_url()).content.decode()

    assert '<script type="application/ld+json">{"@context": "https://schema.org"' in page
