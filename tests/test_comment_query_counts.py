"""The post page reads its comment thread in two queries, however long the thread: its
outline (ids, parents, statuses), then the comments of the page shown."""

from datetime import timedelta

import pytest
from django.utils import timezone

from blog.models import DonationLink, SiteIdentity
from comments.models import Comment
from tests.commenting import NEWCOMER, text

pytestmark = pytest.mark.django_db

# A page of a reader's own (here: one whose comment waits): the post with its author and
# featured image, its categories, its tags, and the comment thread (two queries, however
# long). Previous, next and the donation links come from the cache once read.
POST_PAGE_QUERIES = 5
# The page every reader without cookies sees: the rest of the page around the thread was
# rendered once (blog/views.py), so the post and the thread.
SHARED_POST_PAGE_QUERIES = 3
LEVELS = 5


@pytest.fixture
def post(make_post):
    SiteIdentity.load()  # cached after the first page, as in production
    DonationLink.objects.create(label="Donate", url="https://example.org/")
    make_post("Before", days_ago=2)
    post = make_post("The long thread", days_ago=1)
    make_post("After")
    return post


def add_thread(post, count, status=Comment.Status.APPROVED):
    """`count` comments, a fifth at each of five levels, each reply under a comment one level
    up. Written in one query per level, with the depth and HTML a save would compute."""
    start = timezone.now() - timedelta(hours=12)
    parents, made = [None], []
    for depth in range(LEVELS):
        level = []
        for i in range(count // LEVELS):
            n = len(made) + len(level) + 1
            level.append(
                Comment(
                    post=post,
                    parent=parents[i % len(parents)],
                    depth=depth,
                    author_name=f"Reader {n}",
                    author_email=f"reader{n}@example.org",
                    ip_address="192.0.2.1",
                    body=f"Comment number {n}.",
                    body_html=f"<p>Comment number {n}.</p>",
                    status=status,
                    submitted_at=start + timedelta(seconds=n),
                )
            )
        parents = Comment.objects.bulk_create(level)
        Comment.store_articles(parents, post.author_id)
        made += parents
    return made


def comment_queries(queries):
    return [query for query in queries.captured_queries if '"comments_comment"' in query["sql"]]


@pytest.mark.parametrize("count", [5, 500])
def test_post_page_runs_the_same_queries_with_5_or_500_comments(
    client, post, count, django_assert_num_queries, settings
):
    settings.BROADSHEET_COMMENTS_PER_PAGE = 0  # all on one page
    add_thread(post, count)
    client.get(post.get_absolute_url())

    with django_assert_num_queries(SHARED_POST_PAGE_QUERIES) as queries:
        response = client.get(post.get_absolute_url())

    assert len(comment_queries(queries)) == 2
    page = text(response)
    assert f'<h2 id="comments-title">{count} Comments</h2>' in page
    assert page.count('<li class="comment depth-4') == count // LEVELS
    assert f"#{count}</span>" in page


def test_a_writer_seeing_their_held_comment_costs_no_extra_query(
    client, post, regulars, write_comment, django_assert_num_queries
):
    add_thread(post, 500)
    sent = write_comment(post, "Waiting for a moderator.", **NEWCOMER)
    page = sent["Location"].partition("#")[0]  # the last page of comments, where it waits
    assert page.endswith("/comment-page-3/")
    client.get(page)

    with django_assert_num_queries(POST_PAGE_QUERIES) as queries:
        response = client.get(page)

    assert len(comment_queries(queries)) == 2
    assert "Waiting for a moderator." in text(response)
    assert "Your comment is awaiting moderation." in text(response)
