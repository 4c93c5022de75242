"""Pinned query counts: when a page gains a query, these tests say so."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from blog.models import DonationLink, Page, SiteIdentity
from tests.filing import file_post

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("without_page_cache")]


@pytest.fixture
def blog_with_posts(make_post, author):
    SiteIdentity.load()  # cached after the first page, as in production
    DonationLink.objects.create(label="Donate", url="https://example.org/")
    for order, title in enumerate(["About", "Corrections", "Contact"]):
        Page.objects.create(title=title, slug=title.lower(), body="...", author=author,
                            status=Page.Status.PUBLISHED, menu_order=order)  # fmt: skip
    return [
        file_post(make_post(days_ago=day), ["Council", "National"], ["budget", "roads", "votes"])
        for day in range(25)
    ]


def test_home_page_query_count(client, blog_with_posts, django_assert_num_queries):
    client.get("/")
    # 1 count for the paginator, 1 for the page of posts with their authors, 1 for their
    # categories, 1 for their tags. The menu of pages is cached (blog.models.Page.menu).
    with django_assert_num_queries(4):
        response = client.get("/", {"page": 2})
    assert len(response.context["posts"]) == 10


def test_post_page_query_count(client, blog_with_posts, django_assert_num_queries):
    post = blog_with_posts[10]
    client.get(post.get_absolute_url())
    # The post with its author and featured image, the comment thread's outline and its page
    # of comments. The rest of the page (with the post's categories and tags, previous,
    # next and the donation links) was rendered once, by the first request.
    with django_assert_num_queries(3):
        client.get(post.get_absolute_url())


def test_home_page_query_count_does_not_grow_with_posts(client, make_post):
    for day in range(3):
        file_post(make_post(days_ago=day), ["Council"], ["budget"])
    client.get("/")
    with CaptureQueriesContext(connection) as few:
        client.get("/")
    for day in range(3, 40):
        file_post(make_post(days_ago=day), ["Council", "National"], ["budget", "roads"])
    client.get("/")  # new posts: the menu and site identity are read again, once
    with CaptureQueriesContext(connection) as many:
        client.get("/")
    assert len(few) == len(many)
