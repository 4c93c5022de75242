"""Categories and tags: each has its page of posts, and posts show where they are filed."""

import io
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image as Picture

from blog.models import Image, Post, SiteIdentity, Tag
from tests.filing import category, file_post

pytestmark = pytest.mark.django_db


def titles_on(response):
    return [post.title for post in response.context["posts"]]


def test_category_page_lists_its_published_posts_newest_first(client, make_post):
    category("Council", description="What the council decides, and how.")
    file_post(make_post("Budget", days_ago=2), ["Council"])
    file_post(make_post("Planning", days_ago=1), ["Council"])
    file_post(make_post("Turnout"), ["Elections"])
    file_post(make_post("Draft on the council", status=Post.Status.DRAFT), ["Council"])

    response = client.get("/category/council/")

    page = response.content.decode()
    assert response.status_code == 200
    assert titles_on(response) == ["Planning", "Budget"]
    assert "<title>Council — Broadsheet</title>" in page
    assert '<h1 class="list-title">Council</h1>' in page
    assert "What the council decides, and how." in page
    assert "2 posts" in page
    assert "Draft on the council" not in page


def test_tag_page_lists_the_posts_with_the_tag(client, make_post):
    file_post(make_post("Potholes", days_ago=1), ["Council"], ["roads"])
    file_post(make_post("Bypass"), ["Transport"], ["roads", "budget"])
    file_post(make_post("Libraries"), ["Council"], ["budget"])

    response = client.get("/tag/roads/")

    assert response.status_code == 200
    assert titles_on(response) == ["Bypass", "Potholes"]
    assert "<title>Posts tagged “roads” — Broadsheet</title>" in response.content.decode()


def test_a_post_in_several_categories_is_listed_in_each(client, make_post):
    file_post(make_post("Hospital parking"), ["Health", "Letters"])

    assert titles_on(client.get("/category/health/")) == ["Hospital parking"]
    assert titles_on(client.get("/category/letters/")) == ["Hospital parking"]


def test_posts_kept_off_the_home_page_are_still_on_their_category_page(client, make_post):
    file_post(make_post("Housekeeping", show_on_home=False), ["About this blog"], ["admin"])

    assert titles_on(client.get("/category/about-this-blog/")) == ["Housekeeping"]
    assert titles_on(client.get("/tag/admin/")) == ["Housekeeping"]


@pytest.mark.parametrize("address", ["/category/nothing/", "/tag/nothing/"])
def test_unknown_category_or_tag_is_the_styled_404(client, db, address):
    response = client.get(address)

    assert response.status_code == 404
    assert "Page not found" in response.content.decode()


def test_category_or_tag_with_only_drafts_and_scheduled_posts_is_a_404(client, make_post):
    file_post(make_post(status=Post.Status.DRAFT), ["Secret plans"], ["layoffs"])
    file_post(make_post(days_ago=-3), ["Secret plans"], ["layoffs"])

    assert client.get("/category/secret-plans/").status_code == 404
    assert client.get("/tag/layoffs/").status_code == 404


def test_category_pages_paginate_ten_a_page(client, make_post):
    for day in range(1, 13):
        file_post(make_post(f"Day {day}", days_ago=day), ["Council"])

    first = client.get("/category/council/")
    second = client.get("/category/council/", {"page": 2})

    assert titles_on(first) == [f"Day {day}" for day in range(1, 11)]
    assert titles_on(second) == ["Day 11", "Day 12"]
    assert 'href="/category/council/?page=2"' in first.content.decode()
    assert 'href="/category/council/"' in second.content.decode()  # page 1 without ?page=1
    assert "<title>Council, page 2 — Broadsheet</title>" in second.content.decode()


@pytest.mark.parametrize("page", ["0", "3", "-1", "abc", "1.5", "99999999999999999999", "%00"])
def test_bad_page_of_a_category_or_tag_is_the_styled_404(client, make_post, page):
    for day in range(1, 13):
        file_post(make_post(days_ago=day), ["Council"], ["roads"])

    for address in ("/category/council/", "/tag/roads/"):
        response = client.get(address, {"page": page})
        assert response.status_code == 404
        assert 'class="site-header"' in response.content.decode()


def test_post_page_links_its_categories_and_tags(client, make_post):
    post = file_post(make_post("Budget day"), ["Council", "National"], ["budget", "roads"])

    page = client.get(post.get_absolute_url()).content.decode()

    assert '<a href="/category/council/" rel="category">Council</a>' in page
    assert '<a href="/category/national/" rel="category">National</a>' in page
    assert '<a href="/tag/budget/" rel="tag">budget</a>' in page
    assert '<a href="/tag/roads/" rel="tag">roads</a>' in page


@pytest.mark.parametrize("address", ["/", "/category/council/", "/tag/budget/", "/2024/"])
def test_lists_of_posts_link_each_posts_categories_and_tags(client, make_post, address):
    file_post(
        make_post("Budget day", publish_at=datetime(2024, 3, 5, tzinfo=ZoneInfo("UTC"))),
        ["Council"],
        ["budget"],
    )

    page = client.get(address).content.decode()

    assert '<a href="/category/council/" rel="category">Council</a>' in page
    assert '<a href="/tag/budget/" rel="tag">budget</a>' in page


def test_category_and_tag_pages_offer_their_own_feeds(client, make_post):
    file_post(make_post(), ["Council"], ["roads"])

    category_page = client.get("/category/council/").content.decode()
    tag_page = client.get("/tag/roads/").content.decode()

    assert (
        '<link rel="alternate" type="application/rss+xml" title="Broadsheet: Council (RSS)" '
        'href="/category/council/feed/">'
    ) in category_page
    assert 'href="/category/council/feed/atom/"' in category_page
    assert 'href="/tag/roads/feed/"' in tag_page
    assert 'href="/tag/roads/feed/atom/"' in tag_page


def test_term_names_are_escaped(client, make_post):
    file_post(make_post(), ["<b>Bold</b> & Co"], ["<script>x</script>"])
    tag_slug = Tag.objects.get().slug
    page = client.get(f"/tag/{tag_slug}/").content.decode()

    assert "<script>x</script>" not in page
    assert "&lt;script&gt;x&lt;/script&gt;" in page
    assert "<b>Bold</b>" not in page


def an_image(alt_text):
    png = io.BytesIO()
    Picture.new("RGB", (640, 360), "teal").save(png, "PNG")
    upload = SimpleUploadedFile("river.png", png.getvalue(), "image/png")
    return Image.objects.create(file=upload, alt_text=alt_text)


def test_lists_show_each_posts_featured_image(client, make_post, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    file_post(make_post("Floods", featured_image=an_image("The river in flood")), ["Council"])

    page = client.get("/category/council/").content.decode()

    assert 'alt="The river in flood"' in page


@pytest.fixture
def filed_posts(make_post, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    SiteIdentity.load()
    image = an_image("The river")
    for day in range(25):
        post = make_post(days_ago=day, featured_image=image)
        file_post(post, ["Council", "National"], ["budget", "roads", "votes"])


@pytest.mark.parametrize("address", ["/category/council/", "/tag/roads/"])
def test_category_and_tag_page_query_count(client, filed_posts, address, django_assert_num_queries):
    client.get(address)
    # The category or tag, the paginator's count, the page of posts with their authors,
    # and featured images, their categories, their tags: the same for 1 post or 10, with
    # 2 categories and 3 tags each.
    with django_assert_num_queries(5):
        response = client.get(address, {"page": 2})
    assert len(response.context["posts"]) == 10
