"""A long thread in a real browser: 120 comments on three comment pages of 50 top-level
comments, numbered links above and below the thread, and a comment's permalink (as a feed
or an email gives it) opening the third page scrolled to that comment."""

import re
from datetime import timedelta

import pytest
from django.utils import timezone

from comments.models import Comment
from tests.browser import BROWSER_TEST_MARKS, expect

pytestmark = BROWSER_TEST_MARKS


@pytest.fixture
def thread(make_post, settings):
    """120 approved comments: 110 top-level ones, and a reply to each of the first ten."""
    settings.BROADSHEET_COMMENTS_PER_PAGE = 50
    post = make_post("The bypass inquiry, day by day", days_ago=3)
    start = timezone.now() - timedelta(days=2)
    roots = []
    for n in range(1, 111):
        roots.append(Comment.objects.create(
            post=post, author_name=f"Reader {n}", author_email=f"reader{n}@example.org",
            body=f"Top-level comment number {n}.", status=Comment.Status.APPROVED,
            submitted_at=start + timedelta(minutes=n),
        ))  # fmt: skip
    for n, root in enumerate(roots[:10], start=1):
        Comment.objects.create(
            post=post, parent=root, author_name="Answerer", author_email="a@example.org",
            body=f"A reply to comment {n}.", status=Comment.Status.APPROVED,
            submitted_at=start + timedelta(hours=3, minutes=n),
        )  # fmt: skip
    return post, roots


def test_a_long_thread_is_paged_and_a_permalink_opens_the_right_page(open_page, page_errors,
                                                                     thread):  # fmt: skip
    post, roots = thread
    page = open_page()
    page.set_viewport_size({"width": 390, "height": 800})

    page.goto(post.get_absolute_url())
    expect(page.locator("#comments-title")).to_have_text("120 Comments")
    navigation = page.get_by_role("navigation", name="Pages of comments")
    expect(navigation).to_have_count(2)  # above and below the thread
    expect(page.get_by_text("Top-level comment number 50.", exact=True)).to_be_visible()
    expect(page.get_by_text("Top-level comment number 51.", exact=True)).to_have_count(0)
    expect(page.get_by_text("A reply to comment 1.", exact=True)).to_be_visible()

    # The permalink of the 105th comment, on the third page, as a feed links to it.
    wanted = roots[104]
    page.goto(wanted.permalink())

    expect(page).to_have_url(re.compile(
        rf"{post.get_absolute_url()}comment-page-3/#comment-{wanted.pk}$"
    ))  # fmt: skip
    article = page.locator(f"article#comment-{wanted.pk}")
    expect(article).to_contain_text("Top-level comment number 105.")
    expect(article).to_be_in_viewport()
    expect(page.get_by_text("Top-level comment number 101.", exact=True)).to_be_attached()
    expect(page.get_by_text("Top-level comment number 100.", exact=True)).to_have_count(0)

    # The numbered link back to the first page, at the top of the thread.
    navigation.first.get_by_role("link", name="1", exact=True).click()
    expect(page).to_have_url(re.compile(rf"{post.get_absolute_url()}#comments$"))
    expect(page.get_by_text("Top-level comment number 1.", exact=True)).to_be_visible()
    assert page_errors == []
