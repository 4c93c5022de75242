"""What search engines and shared links read: sitemap.xml, robots.txt, page titles,
canonical links, descriptions, Open Graph and Twitter cards, and JSON-LD on posts."""

import io
import json
import re
from datetime import datetime
from xml.etree import ElementTree
from zoneinfo import ZoneInfo

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image as Picture

from blog.models import Image, Page, Post, SiteIdentity
from tests.filing import file_post

pytestmark = pytest.mark.django_db

SITEMAP = "{http://www.sitemaps.org/schemas/sitemap/0.9}"


def on(year, month, day):
    return datetime(year, month, day, 9, tzinfo=ZoneInfo("UTC"))


def sitemap_entries(client):
    response = client.get("/sitemap.xml")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/xml")
    root = ElementTree.fromstring(response.content)
    return {
        url.find(f"{SITEMAP}loc").text.removeprefix("http://testserver"): url.find(
            f"{SITEMAP}lastmod"
        ).text
        for url in root.findall(f"{SITEMAP}url")
    }


def test_sitemap_lists_every_public_address_with_its_last_change(client, make_post, author):
    budget = file_post(make_post("Budget", publish_at=on(2024, 3, 5)), ["Council"], ["roads"])
    housekeeping = make_post("Housekeeping", publish_at=on(2023, 11, 2), show_on_home=False)
    file_post(housekeeping, ["About this blog"])
    file_post(make_post("Draft", status=Post.Status.DRAFT), ["Secret"], ["hidden"])
    make_post("Scheduled", days_ago=-3)
    Page.objects.create(title="About", slug="about", body="Hello.", author=author,
                        status=Page.Status.PUBLISHED)  # fmt: skip
    Page.objects.create(title="Unfinished", slug="unfinished", body="...", author=author)

    entries = sitemap_entries(client)

    assert set(entries) == {
        "/",
        budget.get_absolute_url(),
        housekeeping.get_absolute_url(),
        "/about/",
        "/category/council/",
        "/category/about-this-blog/",
        "/tag/roads/",
        "/2024/",
        "/2024/03/",
        "/2023/",
        "/2023/11/",
    }
    assert entries[budget.get_absolute_url()] == budget.updated_at.date().isoformat()
    assert all(re.fullmatch(r"\d{4}-\d\d-\d\d", lastmod) for lastmod in entries.values())


def test_sitemap_of_an_empty_blog_is_valid(client, db):
    assert sitemap_entries(client) == {}


def test_robots_txt_points_at_the_sitemap(client, db):
    response = client.get("/robots.txt")

    assert response.status_code == 200
    assert response["Content-Type"] == "text/plain; charset=utf-8"
    text = response.content.decode()
    assert "User-agent: *" in text
    assert "Disallow: /admin/" in text
    assert "Sitemap: http://testserver/sitemap.xml" in text.splitlines()


def meta(page, attribute, name):
    match = re.search(rf'<meta {attribute}="{re.escape(name)}" content="([^"]*)">', page)
    return match and match.group(1)


def test_post_page_describes_itself_to_search_engines_and_shared_links(client, make_post):
    post = file_post(
        make_post("Budget day", body="The committee met on Monday. " * 30,
                  publish_at=on(2024, 3, 5)),
        ["Council"], ["roads", "money"],
    )  # fmt: skip

    page = client.get(post.get_absolute_url()).content.decode()

    url = f"http://testserver{post.get_absolute_url()}"
    assert "<title>Budget day — Broadsheet</title>" in page
    assert f'<link rel="canonical" href="{url}">' in page
    assert meta(page, "name", "description").startswith("The committee met on Monday.")
    assert len(meta(page, "name", "description")) <= 200
    assert meta(page, "property", "og:type") == "article"
    assert meta(page, "property", "og:title") == "Budget day"
    assert meta(page, "property", "og:url") == url
    assert meta(page, "property", "og:site_name") == "Broadsheet"
    assert meta(page, "property", "article:published_time") == "2024-03-05T09:00:00+00:00"
    assert meta(page, "property", "article:section") == "Council"
    assert meta(page, "name", "twitter:card") == "summary"
    assert meta(page, "name", "twitter:title") == "Budget day"


def test_meta_description_prefers_the_authors_own(client, make_post):
    post = make_post(body="The body.", meta_description="What the budget cuts, in one line.")

    page = client.get(post.get_absolute_url()).content.decode()

    assert meta(page, "name", "description") == "What the budget cuts, in one line."
    assert meta(page, "property", "og:description") == "What the budget cuts, in one line."


def json_ld(page):
    match = re.search(r'<script type="application/ld\+json">(.*?)</script>', page, re.S)
    return json.loads(match.group(1))


def test_post_page_carries_a_blogposting_in_json_ld(client, make_post):
    post = file_post(make_post("Budget day", body="One two three four."), ["Council"], ["roads"])

    data = json_ld(client.get(post.get_absolute_url()).content.decode())

    assert data["@context"] == "https://schema.org"
    assert data["@type"] == "BlogPosting"
    assert data["headline"] == "Budget day"
    assert data["url"] == f"http://testserver{post.get_absolute_url()}"
    assert data["author"] == {"@type": "Person", "name": "Wren Writer"}
    assert data["publisher"]["name"] == "Broadsheet"
    assert data["wordCount"] == 4
    assert data["articleSection"] == ["Council"]
    assert data["keywords"] == ["roads"]
    assert datetime.fromisoformat(data["datePublished"]) == post.publish_at.replace(microsecond=0)


def test_a_title_cannot_break_out_of_the_json_ld_script(client, make_post):
    title = '</script><script>alert("x")</script> & <!-- “quoted”'
    post = make_post(title, meta_description='"><script>alert(1)</script>')

    page = client.get(post.get_absolute_url()).content.decode()

    assert "<script>alert" not in page
    assert json_ld(page)["headline"] == title
    assert json_ld(page)["description"] == '"><script>alert(1)</script>'
    assert meta(page, "property", "og:title") == (
        "&lt;/script&gt;&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; &lt;!-- “quoted”"
    )


def test_featured_image_is_the_image_of_shared_links(client, make_post, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    png = io.BytesIO()
    Picture.new("RGB", (1200, 630), "teal").save(png, "PNG")
    image = Image.objects.create(
        file=SimpleUploadedFile("river.png", png.getvalue(), "image/png"), alt_text="The river"
    )
    post = make_post("Floods", featured_image=image)

    page = client.get(post.get_absolute_url()).content.decode()

    assert re.match(r"https?://.+\.png$", meta(page, "property", "og:image"))
    assert meta(page, "property", "og:image:alt") == "The river"
    assert meta(page, "name", "twitter:card") == "summary_large_image"
    assert json_ld(page)["image"] == meta(page, "property", "og:image")


def test_drafts_previewed_by_their_author_are_not_indexed(client, make_post, author):
    post = make_post(status=Post.Status.DRAFT)
    client.force_login(author)

    page = client.get(post.get_absolute_url()).content.decode()

    assert '<meta name="robots" content="noindex">' in page


def test_published_posts_may_be_indexed(client, make_post):
    page = client.get(make_post().get_absolute_url()).content.decode()

    assert 'name="robots"' not in page


@pytest.mark.parametrize(
    ("address", "title"),
    [
        ("/", "Broadsheet — Notes on the news of the day"),
        ("/?page=2", "Page 2 — Broadsheet — Notes on the news of the day"),
        ("/category/council/", "Council — Broadsheet"),
        ("/category/council/?page=2", "Council, page 2 — Broadsheet"),
        ("/tag/roads/", "Posts tagged “roads” — Broadsheet"),
        ("/2024/", "Posts from 2024 — Broadsheet"),
        ("/2024/03/", "Posts from March 2024 — Broadsheet"),
        ("/archives/", "Archives — Broadsheet"),
        ("/search/?q=budget", "Search results for “budget” — Broadsheet"),
        ("/search/", "Search — Broadsheet"),
        ("/about/", "About — Broadsheet"),
        ("/nowhere/", "Page not found — Broadsheet"),
    ],
)
def test_every_page_has_a_title_that_reads_well(client, make_post, author, address, title):
    for day in range(1, 13):
        file_post(make_post(f"Budget {day}", publish_at=on(2024, 3, day)), ["Council"], ["roads"])
    Page.objects.create(title="About", slug="about", body="Hello.", author=author,
                        status=Page.Status.PUBLISHED)  # fmt: skip

    page = client.get(address).content.decode()

    assert f"<title>{title}</title>" in page


@pytest.mark.parametrize(
    ("address", "canonical"),
    [
        ("/category/council/?utm_source=x", "http://testserver/category/council/"),
        ("/category/council/?page=2&utm_source=x", "http://testserver/category/council/?page=2"),
        ("/2024/03/", "http://testserver/2024/03/"),
        ("/archives/", "http://testserver/archives/"),
        ("/about/", "http://testserver/about/"),
    ],
)
def test_list_and_standalone_pages_name_their_canonical_address(client, make_post, author,
                                                                address, canonical):  # fmt: skip
    for day in range(1, 13):
        file_post(make_post(publish_at=on(2024, 3, day)), ["Council"])
    Page.objects.create(title="About", slug="about", body="Hello.", author=author,
                        status=Page.Status.PUBLISHED)  # fmt: skip

    page = client.get(address).content.decode()

    assert f'<link rel="canonical" href="{canonical}">' in page


def test_sitemap_query_count(client, make_post, author, django_assert_num_queries):
    SiteIdentity.load()
    for day in range(1, 26):
        file_post(make_post(publish_at=on(2024, 1 + day % 12, day)), ["Council"], ["roads"])
    Page.objects.create(title="About", slug="about", body="Hello.", author=author,
                        status=Page.Status.PUBLISHED)  # fmt: skip
    client.get("/sitemap.xml")
    # One query a section: home, posts, pages, categories, tags, date archives.
    with django_assert_num_queries(6):
        client.get("/sitemap.xml")
