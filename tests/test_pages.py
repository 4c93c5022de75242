"""Standalone pages (About, Corrections) at /<slug>/, linked in the site's menu."""

import re
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from blog.models import DonationLink, Page, SiteIdentity

pytestmark = pytest.mark.django_db


@pytest.fixture
def make_page(db, author):
    def make(title, slug, *, status=Page.Status.PUBLISHED, **fields):
        fields.setdefault("body", f"All about {title}.")
        return Page.objects.create(title=title, slug=slug, status=status, author=author, **fields)

    return make


def nav_links(page_html):
    nav = page_html[page_html.index('<nav class="site-nav"') : page_html.index("</nav>")]
    return re.findall(r'<a href="[^"]+"[^>]*>([^<]+)</a>', nav)


def test_about_page_lives_at_its_slug(client, make_page):
    make_page("About", "about", body="This blog is written by *one* person.")

    response = client.get("/about/")

    page = response.content.decode()
    assert response.status_code == 200
    assert "<title>About — Broadsheet</title>" in page
    assert '<h1 class="post-title">About</h1>' in page
    assert "<em>one</em>" in page
    assert '<meta name="description" content="This blog is written by one person.">' in page


def test_page_without_trailing_slash_redirects(client, make_page):
    make_page("About", "about")

    response = client.get("/about")

    assert response.status_code == 301
    assert response["Location"] == "/about/"


def test_draft_page_is_404_for_readers_and_a_preview_for_editors(client, make_page, editor):
    make_page("Contact", "contact", status=Page.Status.DRAFT)

    assert client.get("/contact/").status_code == 404
    client.force_login(editor)
    page = client.get("/contact/").content.decode()
    assert "Draft preview" in page
    assert '<meta name="robots" content="noindex">' in page


def test_unknown_page_is_the_styled_404(client, db):
    response = client.get("/no-such-page/")

    assert response.status_code == 404
    assert "Page not found" in response.content.decode()


def test_menu_lists_published_pages_in_menu_order(client, make_page):
    make_page("Corrections policy", "corrections", menu_order=2)
    make_page("About", "about", menu_order=1)
    make_page("Colophon", "colophon", show_in_menu=False)
    make_page("Contact", "contact", status=Page.Status.DRAFT)

    links = nav_links(client.get("/").content.decode())

    assert links == ["Home", "About", "Corrections policy", "Archives"]


def test_menu_marks_the_page_being_read(client, make_page):
    make_page("About", "about")

    page = client.get("/about/").content.decode()

    assert '<a href="/about/" aria-current="page">About</a>' in page


def test_menu_follows_changes_to_pages_at_once(client, make_page):
    about = make_page("About", "about")
    assert nav_links(client.get("/").content.decode())[1] == "About"

    about.title = "About this blog"
    about.save()
    assert nav_links(client.get("/").content.decode())[1] == "About this blog"

    make_page("Contact", "contact", menu_order=5)
    assert "Contact" in nav_links(client.get("/").content.decode())

    about.delete()
    assert nav_links(client.get("/").content.decode()) == ["Home", "Contact", "Archives"]


def test_menu_follows_bulk_changes_made_in_the_admin(client, make_page, editor):
    about = make_page("About", "about")
    contact = make_page("Contact", "contact")
    client.force_login(editor)
    assert "Contact" in nav_links(client.get("/").content.decode())

    # The changelist's "delete selected" action deletes through the queryset.
    client.post(
        "/admin/blog/page/",
        {"action": "delete_selected", "_selected_action": [contact.pk], "post": "yes"},
    )
    assert nav_links(client.get("/").content.decode()) == ["Home", "About", "Archives"]

    Page.objects.filter(pk=about.pk).update(show_in_menu=False)
    assert nav_links(client.get("/").content.decode()) == ["Home", "Archives"]


@pytest.mark.parametrize("slug", ["feed", "search", "archives", "privacy", "admin", "2024"])
def test_admin_refuses_a_slug_that_another_address_already_uses(client, editor, slug):
    client.force_login(editor)

    response = client.post(
        "/admin/blog/page/add/",
        {"title": "Clash", "slug": slug, "author": editor.pk, "body": "Hello.",
         "status": Page.Status.PUBLISHED, "menu_order": 0},
    )  # fmt: skip

    assert response.status_code == 200
    assert f"/{slug}/ is already an address of the blog" in response.content.decode()
    assert not Page.objects.exists()


def test_admin_accepts_a_free_slug(client, editor):
    client.force_login(editor)

    response = client.post(
        "/admin/blog/page/add/",
        {"title": "About", "slug": "about", "author": editor.pk, "body": "Hello.",
         "status": Page.Status.PUBLISHED, "menu_order": 0},
    )  # fmt: skip

    assert response.status_code == 302
    assert client.get("/about/").status_code == 200


@pytest.mark.parametrize(
    ("address", "expected"),
    [
        ("/admin/", "Broadsheet administration"),
        ("/privacy/", "Privacy"),
        ("/search/", "Search the blog"),
        ("/archives/", "Archives"),
        ("/feed/", "<rss"),
        ("/comments/feed/", "<rss"),
        ("/sitemap.xml", "<urlset"),
        ("/robots.txt", "User-agent"),
        ("/2024/", "Posts from 2024"),
    ],
)
def test_pages_never_shadow_the_blogs_other_addresses(client, make_post, make_page, editor,
                                                      address, expected):  # fmt: skip
    make_post(publish_at=datetime(2024, 3, 5, tzinfo=ZoneInfo("UTC")))
    # Made without the admin's check, as an import might.
    slug = address.strip("/").split("/")[0].replace(".", "-")
    make_page("Impostor", slug, body="IMPOSTOR")
    client.force_login(editor)

    response = client.get(address, follow=True)

    assert response.status_code == 200
    assert expected in response.content.decode()
    assert "IMPOSTOR" not in response.content.decode()


@pytest.fixture
def blog_with_pages(make_page, make_post):
    SiteIdentity.load()
    DonationLink.objects.create(label="Donate", url="https://example.org/")
    for order, title in enumerate(["About", "Corrections", "Contact", "Colophon", "Ethics"]):
        make_page(title, title.lower(), menu_order=order)
    return [make_post(days_ago=day) for day in range(15)]


def test_page_query_count(client, blog_with_pages, django_assert_num_queries):
    client.get("/about/")
    # The page; the menu comes from the cache.
    with django_assert_num_queries(1):
        client.get("/about/")


def test_menu_costs_one_query_after_a_change_and_none_after(client, blog_with_pages,
                                                            django_assert_num_queries):  # fmt: skip
    client.get("/")
    Page.objects.get(slug="about").save()
    # The paginator's count, the posts with their authors, categories, tags; and, read
    # again because what readers see has changed, the menu and the site identity.
    with django_assert_num_queries(6):
        client.get("/")
    with django_assert_num_queries(4):
        client.get("/")


def test_menu_adds_no_query_per_page(client, blog_with_pages, make_page, django_assert_num_queries):
    for n in range(10):
        make_page(f"Extra {n}", f"extra-{n}", menu_order=10 + n)
    client.get("/")
    with django_assert_num_queries(4):
        response = client.get("/")
    assert len(nav_links(response.content.decode())) == 2 + 15
