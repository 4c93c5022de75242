"""Long threads are split into comment pages, the WordPress way: the oldest first, replies
with the comment they answer, every comment's link leading to its page."""

from datetime import timedelta

import pytest
from django.utils import timezone

from comments.models import Comment
from tests.commenting import text

pytestmark = pytest.mark.django_db


@pytest.fixture
def long_thread(make_post, settings):
    """Seven top-level comments, three a page, each with one reply; the fourth's reply has
    a reply of its own."""
    settings.BROADSHEET_COMMENTS_PER_PAGE = 3
    post = make_post("The long argument about the bypass", days_ago=2)
    start = timezone.now() - timedelta(days=1)
    roots, replies = [], []

    def comment(body, minutes, parent=None):
        return Comment.objects.create(
            post=post, parent=parent, author_name="Reader", author_email="r@example.org",
            body=body, status=Comment.Status.APPROVED,
            submitted_at=start + timedelta(minutes=minutes),
        )  # fmt: skip

    for n in range(1, 8):
        roots.append(comment(f"Top-level comment {n}.", n))
    for n, root in enumerate(roots, start=1):
        replies.append(comment(f"Reply to comment {n}.", 100 + n, parent=root))
    deep = comment("A reply to the reply under comment 4.", 200, parent=replies[3])
    return post, roots, replies, deep


def test_the_post_shows_the_first_page_with_links_to_the_others(client, long_thread):
    post, *_ = long_thread
    page = text(client.get(post.get_absolute_url()))

    for n in (1, 2, 3):
        assert f"Top-level comment {n}." in page and f"Reply to comment {n}." in page
    assert "Top-level comment 4." not in page
    assert "15 Comments" in page  # the count is the whole thread's
    assert page.count('aria-label="Pages of comments"') == 2  # above and below
    assert f'href="{post.get_absolute_url()}comment-page-3/#comments"' in page


def test_replies_stay_on_their_top_level_comments_page(client, long_thread):
    post, *_ = long_thread
    response = client.get(f"{post.get_absolute_url()}comment-page-2/")
    page = text(response)

    assert response.status_code == 200
    for n in (4, 5, 6):
        assert f"Top-level comment {n}." in page and f"Reply to comment {n}." in page
    assert "A reply to the reply under comment 4." in page
    assert "Top-level comment 3." not in page and "Top-level comment 7." not in page
    assert "The long argument about the bypass" in page  # the post shows on every page
    assert f'<link rel="canonical" href="http://testserver{post.get_absolute_url()}">' in page


def test_comment_numbers_continue_across_pages(client, long_thread):
    post, *_ = long_thread
    page = text(client.get(f"{post.get_absolute_url()}comment-page-2/"))
    # Page 1 holds comments 1-3 with their replies: six comments.
    assert '<span class="comment-number">#7</span>' in page
    assert '<span class="comment-number">#1</span>' not in page


def test_a_comments_link_leads_to_its_page(client, long_thread):
    post, roots, replies, deep = long_thread
    assert deep.get_absolute_url() == (
        f"{post.get_absolute_url()}comment-page-2/#comment-{deep.pk}"
    )
    assert roots[6].get_absolute_url() == (
        f"{post.get_absolute_url()}comment-page-3/#comment-{roots[6].pk}"
    )
    assert replies[0].get_absolute_url() == f"{post.get_absolute_url()}#comment-{replies[0].pk}"
    followed = client.get(deep.permalink())
    assert followed.status_code == 302
    assert followed["Location"] == deep.get_absolute_url()


def test_pages_past_the_end_and_page_one_by_number(client, long_thread):
    post, *_ = long_thread
    assert client.get(f"{post.get_absolute_url()}comment-page-4/").status_code == 404
    first = client.get(f"{post.get_absolute_url()}comment-page-1/")
    assert first.status_code == 301 and first["Location"] == post.get_absolute_url()


def test_a_held_comments_permalink_is_a_404_for_strangers(client, long_thread):
    post, roots, *_ = long_thread
    held = Comment.objects.create(post=post, author_name="Nell", author_email="n@example.net",
                                  body="Waiting.", status=Comment.Status.PENDING)  # fmt: skip
    assert client.get(held.permalink()).status_code == 404


def test_paging_off_shows_every_comment_on_the_post(client, long_thread, settings):
    settings.BROADSHEET_COMMENTS_PER_PAGE = 0
    post, *_ = long_thread
    page = text(client.get(post.get_absolute_url()))
    assert "Top-level comment 7." in page
    assert 'aria-label="Pages of comments"' not in page
    assert client.get(f"{post.get_absolute_url()}comment-page-2/").status_code == 404
