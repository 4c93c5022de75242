"""What a reader meets in a real browser: a comment form sent back lands where they are
looking, pages load without a failed request (icons included), and axe-core, the
accessibility engine, finds nothing serious on them.

Runs headless Debian Chromium through Playwright against the live server (tests/browser.py):
skipped without Chromium on a laptop, failed in CI."""

import re
from datetime import timedelta

import pytest
from django.utils import timezone

from comments.models import Comment
from tests.browser import BROWSER_TEST_MARKS, expect, serious_violations

pytestmark = BROWSER_TEST_MARKS

PHONE = {"width": 390, "height": 844}


@pytest.fixture
def long_post(make_post):
    """A post long enough, with enough comments, that its form is far below the fold."""
    post = make_post(
        "The harbour wall", body="\n\n".join(f"Paragraph {n} about the wall." for n in range(40))
    )
    start = timezone.now() - timedelta(hours=1)
    for n in range(8):
        Comment.objects.create(
            post=post, author_name=f"Reader {n}", author_email=f"r{n}@example.org",
            body=f"Comment {n} on the wall.", status=Comment.Status.APPROVED,
            submitted_at=start + timedelta(minutes=n),
        )  # fmt: skip
    return post


def test_a_bad_email_comes_back_focused_in_view_with_the_text_kept(open_page, long_post):
    page = open_page()
    page.set_viewport_size(PHONE)
    page.goto(long_post.get_absolute_url())
    form = page.locator("#comment-form")
    form.get_by_role("textbox", name="Comment", exact=True).fill("I walked it at low tide.")
    form.get_by_role("textbox", name="Name", exact=True).fill("Nadia Okoro")
    form.get_by_role("textbox", name="Email", exact=True).fill("nadia at example.net")
    form.get_by_role("button", name="Post Comment").click()

    expect(page).to_have_url(re.compile(re.escape(f"{long_post.get_absolute_url()}#respond") + "$"))
    problem = page.locator("#comment-form-problem")
    expect(problem).to_contain_text("That does not look like an email address.")
    expect(problem).to_be_focused()
    expect(problem).to_be_in_viewport()
    expect(page.get_by_role("textbox", name="Comment", exact=True)).to_have_value(
        "I walked it at low tide."
    )
    email = page.get_by_role("textbox", name="Email", exact=True)
    expect(email).to_have_attribute("aria-invalid", "true")
    expect(email).to_have_accessible_description(
        "Never shown. Used for reply notifications if you ask for them. "
        "That does not look like an email address."
    )

    reloaded = page.reload()
    assert reloaded.status == 200  # the post's own address, not the form's 405
    expect(page.locator("h1")).to_have_text("The harbour wall")


def failed_requests(page):
    """Every request of `page` that failed or was answered with an error, as it happens."""
    failed = []
    page.on("requestfailed", lambda request: failed.append(f"failed {request.url}"))
    page.on(
        "response",
        lambda response: (
            response.status >= 400 and failed.append(f"{response.status} {response.url}")
        ),
    )
    return failed


def test_home_and_a_post_load_without_a_failed_request(open_page, long_post):
    page = open_page()
    failed = failed_requests(page)

    for address in ("/", long_post.get_absolute_url()):
        page.goto(address, wait_until="networkidle")
        expect(page.locator("h1").first).to_be_attached()

    assert failed == []
    # Headless Chromium fetches no icons by itself: ask for each one linked, as a browser
    # with a tab bar or a home screen does, and for the /favicon.ico some ask for anyway.
    icons = page.eval_on_selector_all(
        "link[rel=icon], link[rel=apple-touch-icon]", "links => links.map(link => link.href)"
    )
    assert len(icons) == 2
    for address in [*icons, "/favicon.ico"]:
        response = page.request.get(address)
        assert response.ok, address
        assert response.headers["content-type"].startswith("image/"), address


@pytest.mark.parametrize(
    ("viewport", "scheme"), [(None, "light"), (PHONE, "dark")], ids=["desktop", "phone-dark"]
)
def test_axe_finds_nothing_serious_on_home_a_post_and_a_form_sent_back(
    open_page, long_post, viewport, scheme
):
    page = open_page()
    page.emulate_media(color_scheme=scheme)
    if viewport:
        page.set_viewport_size(viewport)
    found = {}
    for address in ("/", long_post.get_absolute_url()):
        page.goto(address)
        found[address] = serious_violations(page)
    page.get_by_role("textbox", name="Email", exact=True).fill("nadia at example.net")
    page.get_by_role("button", name="Post Comment").click()
    expect(page.locator("#comment-form-problem")).to_be_focused()
    found["sent back"] = serious_violations(page)

    assert found == {"/": [], long_post.get_absolute_url(): [], "sent back": []}
