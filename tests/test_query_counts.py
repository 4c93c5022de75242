"""Pinned query counts: when a page gains a query, these tests say so."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from blog.models import DonationLink, SiteIdentity

pytestmark = pytest.mark.django_db


@pytest.fixture
def blog_with_posts(make_post):
    SiteIdentity.load()  # cached after the first page, as in production
    DonationLink.objects.create(label="Donate", url="https://example.org/")
    return [make_post(days_ago=day) for day in range(25)]


def test_home_page_query_count(client, blog_with_posts, django_assert_num_queries):
    client.get("/")
    # 1 count for the paginator, 1 for the page of posts with their authors.
    with django_assert_num_queries(2):
        response = client.get("/", {"page": 2})
    assert len(response.context["posts"]) == 10


def test_post_page_query_count(client, blog_with_posts, django_assert_num_queries):
    post = blog_with_posts[10]
    client.get(post.get_absolute_url())
    # The post with its author, previous, next, donation links, the comment thread.
    with django_assert_num_queries(5):
        client.get(post.get_absolute_url())


def test_home_page_query_count_does_not_grow_with_posts(client, make_post):
    for day in range(3):
        make_post(days_ago=day)
    client.get("/")
    with CaptureQueriesContext(connection) as few:
        client.get("/")
    for day in range(3, 40):
        make_post(days_ago=day)
    with CaptureQueriesContext(connection) as many:
        client.get("/")
    assert len(few) == len(many)
