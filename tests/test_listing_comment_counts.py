"""Every list of posts says how many comments each post has, and links to them: read with
the posts, not a query per post, and up to date the moment a moderator approves one."""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from blog.models import Category, Tag
from comments.models import Comment
from tests.commenting import text

pytestmark = pytest.mark.django_db


def comment_on(post, status=Comment.Status.APPROVED, n=1):
    for i in range(n):
        Comment.objects.create(
            post=post, author_name="Reader", author_email=f"r{i}@example.org",
            body=f"Comment {i} on {post.title}.", status=status,
        )  # fmt: skip


def count_links(response):
    """Each post's comment link on a list: {post address: link text}."""
    link = r'<span class="post-comments"><a href="([^"#]+)#(comments|respond)">(.*?)<span'
    found = re.findall(link, text(response))
    return {address: (label, anchor) for address, anchor, label in found}


@pytest.fixture
def filed(make_post):
    """Four posts in one category and tag: two comments, one, none, and none but closed."""
    money = Category.objects.create(name="Money", slug="money")
    budget = Tag.objects.create(name="budget", slug="budget")
    posts = {
        "two": make_post("Budget two", hours_ago=1),
        "one": make_post("Budget one", hours_ago=2),
        "none": make_post("Budget none", hours_ago=3),
        "closed": make_post("Budget closed", hours_ago=4, comments_open=False),
    }
    for post in posts.values():
        post.categories.add(money)
        post.tags.add(budget)
    comment_on(posts["two"], n=2)
    comment_on(posts["two"], status=Comment.Status.PENDING)  # waiting: not counted
    comment_on(posts["one"])
    comment_on(posts["closed"], status=Comment.Status.SPAM)
    return posts


def listings(post):
    return [
        reverse("blog:home"),
        reverse("blog:category", args=["money"]),
        reverse("blog:tag", args=["budget"]),
        reverse("blog:year", args=[post.publish_at.year]),
        reverse("blog:month", args=[post.publish_at.year, post.publish_at.month]),
        f"{reverse('blog:search')}?q=budget",
    ]


def test_every_list_says_how_many_comments_and_links_to_them(client, filed):
    for address in listings(filed["two"]):
        links = count_links(client.get(address))

        assert links == {
            filed["two"].get_absolute_url(): ("2 comments", "comments"),
            filed["one"].get_absolute_url(): ("1 comment", "comments"),
            filed["none"].get_absolute_url(): ("Leave a comment", "respond"),
        }, address  # a closed post without comments says nothing


def test_the_list_counts_what_the_post_page_counts(client, filed):
    listed = count_links(client.get("/"))[filed["two"].get_absolute_url()][0]

    page = text(client.get(filed["two"].get_absolute_url()))

    assert listed == "2 comments"
    assert '<h2 id="comments-title">2 Comments</h2>' in page


@pytest.mark.usefixtures("without_page_cache")
@pytest.mark.parametrize("listing", ["home", "category", "tag", "month", "search"])
def test_a_lists_queries_do_not_grow_with_its_posts_or_their_comments(client, make_post, listing):
    money = Category.objects.create(name="Money", slug="money")
    budget = Tag.objects.create(name="budget", slug="budget")

    def add_posts(count, comments):
        for n in range(count):
            post = make_post(f"Budget {n}", hours_ago=n + 1)
            post.categories.add(money)
            post.tags.add(budget)
            comment_on(post, n=comments)
        return post

    post = add_posts(2, comments=1)
    address = dict(zip(["home", "category", "tag", "year", "month", "search"],
                       listings(post), strict=True))[listing]  # fmt: skip
    client.get(address)
    with CaptureQueriesContext(connection) as few:
        client.get(address)
    add_posts(8, comments=5)
    client.get(address)
    with CaptureQueriesContext(connection) as many:
        response = client.get(address)

    assert len(count_links(response)) == 10
    assert len(many) == len(few)


def test_a_comment_a_moderator_approves_changes_the_count_on_the_cached_lists(client, filed):
    waiting = Comment.objects.get(post=filed["one"])
    Comment.objects.filter(pk=waiting.pk).moderate(Comment.Status.PENDING)
    first = client.get("/")
    assert client.get("/")["X-Page-Cache"] == "hit"
    assert count_links(first)[filed["one"].get_absolute_url()][0] == "Leave a comment"

    Comment.objects.filter(pk=waiting.pk).moderate(Comment.Status.APPROVED)

    for address in listings(filed["one"]):
        after = client.get(address)
        assert count_links(after)[filed["one"].get_absolute_url()][0] == "1 comment", address
