"""The author's preview of a draft in a real browser: the comment form is there as readers
will see it, and nothing in it can be typed into or sent until the post is published.

Headless Debian Chromium through Playwright (tests/browser.py); skipped without it, except
in CI."""

from blog.models import Post
from tests.browser import BROWSER_TEST_MARKS, carry_login, expect

pytestmark = BROWSER_TEST_MARKS


def test_the_preview_form_cannot_be_filled_in_or_sent(
    open_page, page_errors, client, live_server, make_post, author
):
    draft = make_post("Work in progress", status=Post.Status.DRAFT)
    client.force_login(author)
    page = open_page()
    carry_login(page, client, live_server)

    page.goto(draft.get_absolute_url())

    expect(page.locator(".comment-preview legend")).to_have_text(
        "Comments open when the post is published. This preview's form sends nothing."
    )
    expect(page.locator("#comment-form textarea[name=body]")).to_be_disabled()
    expect(page.get_by_role("button", name="Post Comment")).to_be_disabled()
    expect(page.get_by_text("Comments are closed")).to_have_count(0)
    assert page_errors == []
