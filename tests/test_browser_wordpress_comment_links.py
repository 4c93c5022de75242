"""Old WordPress comment links in a real browser: the #fragment of an old link scrolls to
the imported comment, on the post's own page or on the comment page that shows it now."""

import re

import pytest

from blog.models import Post
from comments.models import Comment
from tests.browser import BROWSER_TEST_MARKS, expect
from tests.test_wxr_comment_anchors import POST_URL, earlier_comments, import_wxr

pytestmark = [*BROWSER_TEST_MARKS, pytest.mark.usefixtures("without_page_cache")]


def test_an_old_comment_link_scrolls_to_the_comment_in_a_browser(open_page):
    import_wxr()
    comment = Comment.objects.get(wordpress_id=1002)
    page = open_page()
    page.set_viewport_size({"width": 390, "height": 500})

    # The old blog's plain link (?p=101) redirects; the browser keeps the #fragment.
    page.goto("/?p=101#comment-1002")

    expect(page).to_have_url(re.compile(f"{POST_URL}#comment-1002$"))
    target = page.evaluate("document.querySelector(':target').closest('article').id")
    assert target == f"comment-{comment.pk}"
    article = page.locator(f"article#comment-{comment.pk}")
    expect(article).to_be_in_viewport()
    assert page.evaluate("window.scrollY") > 300  # the post and the first comment are above


@pytest.mark.parametrize(
    "old_link",
    [
        f"{POST_URL}#comment-1002",  # the post's own page: page 1 here
        f"{POST_URL}comment-page-7/#comment-1002",  # a comment page past our last one: a 404
    ],
)
def test_an_old_link_to_a_comment_now_on_a_later_page_finds_it_in_a_browser(
    open_page, page_errors, settings, old_link
):
    settings.BROADSHEET_COMMENTS_PER_PAGE = 2
    import_wxr()
    earlier_comments(Post.objects.get(wordpress_id=101), 4)
    comment = Comment.objects.get(wordpress_id=1002)
    page = open_page()

    page.goto(old_link)

    expect(page).to_have_url(re.compile(f"{POST_URL}comment-page-3/#comment-{comment.pk}$"))
    expect(page.locator(f"article#comment-{comment.pk}")).to_be_in_viewport()
    assert page_errors == []


def test_a_comment_link_to_a_page_that_is_not_a_post_stays_where_it_is(open_page, page_errors):
    page = open_page()

    response = page.goto("/no-such-page/#comment-12")

    assert response.status == 404
    page.wait_for_load_state("load")
    expect(page).to_have_url(re.compile("/no-such-page/#comment-12$"))
    assert page_errors == []
