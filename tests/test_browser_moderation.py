"""Moderating in a real browser: the comment list fits a 1280 px screen and a 390 px phone
without sideways scrolling (screenshots of both are kept in test-output/moderation/), the
spam folder is one click away with its most doubtful comment first, axe-core finds nothing
serious or critical on either, and a moderator who is not logged in moderates from the link
in their email.

Runs headless Debian Chromium through Playwright against the live server. Without Chromium
the test is skipped, except in CI (the CI environment variable set), where it fails.
"""

import re
from pathlib import Path

import pytest
from django.conf import settings
from django.db import transaction

from comments import notifications
from comments.models import Comment, OutgoingEmail
from tests.browser import BROWSER_TEST_MARKS, expect, serious_violations

pytestmark = BROWSER_TEST_MARKS

SCREENSHOTS = Path(settings.BASE_DIR) / "test-output" / "moderation"
COLUMNS = ["comment", "writer", "status", "why", "spam_score"]
LONG_BODY = (
    "I have lived on Quay Street for thirty years and the dredger was never this loud; "
    "could the council publish the working hours, and say who to call when it runs past ten "
    "at night? https://harbour-watch.example.org/noise-diary-2026-november-entries"
)


@pytest.fixture
def queue(make_post):
    """A queue as a busy morning leaves it: held comments with long words and addresses,
    and a spam folder in which one verdict is doubtful."""
    post = make_post("Harbour dredging: the timetable and the noise")
    held = dict(
        status=Comment.Status.PENDING, verdict="hold", ip_address="2001:db8:85a3::8a2e:370:7334"
    )
    for n in range(3):
        Comment.objects.create_from(
            post=post, body=LONG_BODY, author_name=f"Philippa Ormsby-Fairweather {n}",
            author_email=f"philippa.ormsby-fairweather.{n}@long-domain-name.example.org",
            reasons=["first comment from this address", "1 link", "classifier 0.71, unsure: "
                     "council +1.2, dredger +0.9, noise −0.4"],
            held_reasons=["it is your first comment here", "it contains 1 link"],
            classifier_score=0.71, score=5.0, **held,
        )  # fmt: skip
    for score, words in [(0.999, "cheap watches"), (0.76, "a neighbour's question"), (None, "")]:
        reasons = [f"classifier {score:.2f}"] if score is not None else ["blocklist: word"]
        Comment.objects.create_from(
            post=post, body=f"Spam or not: {words}", author_name="Sam", reasons=reasons,
            status=Comment.Status.SPAM, verdict="spam", classifier_score=score,
            author_email="sam@example.net", ip_address="192.0.2.7",
        )  # fmt: skip
    return post


def log_in(page, user, password):
    page.goto("/admin/login/?next=/admin/comments/comment/")
    page.get_by_label("Username").fill(user.username)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Log in").click()


def assert_fits(page):
    """No sideways scrolling: neither the page nor the list's own scroll box is wider than
    the screen, and every column of the first row is on it."""
    width = page.evaluate("window.innerWidth")
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    results = page.locator("#changelist-form .results")
    assert results.evaluate("box => box.scrollWidth <= box.clientWidth")
    first = page.locator("#result_list tbody tr").first
    for column in COLUMNS:
        cell = first.locator(f".field-{column}")
        expect(cell).to_be_visible()
        box = cell.bounding_box()
        assert box["x"] >= 0 and box["x"] + box["width"] <= width + 0.5, column


@pytest.mark.parametrize("width", [1280, 390])
def test_the_comment_list_fits_the_screen(open_page, page_errors, moderator, queue, width):
    page = open_page()
    page.set_viewport_size({"width": width, "height": 900})
    log_in(page, moderator, "moderator pass 12")

    expect(page.locator("#header")).to_contain_text("3 comments await moderation")
    first = page.locator("#result_list tbody tr").first
    expect(first.locator(".field-comment")).to_contain_text("the dredger was never this loud")
    expect(first.locator(".field-comment")).to_contain_text(
        "on “Harbour dredging: the timetable and the noise”"
    )
    expect(first.locator(".field-writer")).to_contain_text("Philippa Ormsby-Fairweather")
    expect(first.locator(".field-writer")).to_contain_text("@long-domain-name.example.org")
    expect(first.locator(".field-writer")).to_contain_text("2001:db8:85a3::8a2e:370:7334")
    expect(first.locator(".field-status")).to_contain_text("Pending")
    expect(first.locator(".field-why")).to_contain_text(
        "Held for a moderator: first comment from this address; 1 link; "
        "classifier 0.71 (spam ≥ 0.74), unsure"
    )
    expect(first.locator(".field-spam_score")).to_contain_text("0.71")
    assert_fits(page)
    assert serious_violations(page) == []  # axe-core: nothing serious or critical
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=SCREENSHOTS / f"queue-{width}px.png", full_page=True)

    # One click to the spam folder: the most doubtful verdict first, the sure ones last.
    page.get_by_role("link", name="Spam, most doubtful first").click()
    rows = page.locator("#result_list tbody tr")
    expect(rows).to_have_count(3)
    expect(rows.nth(0)).to_contain_text("a neighbour's question")
    expect(rows.nth(1)).to_contain_text("cheap watches")
    expect(rows.nth(2)).to_contain_text("blocklist")
    assert_fits(page)
    assert serious_violations(page) == []
    page.screenshot(path=SCREENSHOTS / f"spam-folder-{width}px.png", full_page=True)
    assert page_errors == []


def test_a_moderator_who_is_not_logged_in_approves_from_the_email(
    open_page, page_errors, moderator, make_post
):
    post = make_post("Harbour dredging")
    with transaction.atomic():
        comment = Comment.objects.create_from(
            post=post, body="Will the dredger block the slipway?", author_name="Nell",
            author_email="nell@example.net", status=Comment.Status.PENDING, verdict="hold",
        )  # fmt: skip
        notifications.comment_held(comment)
    email = OutgoingEmail.objects.get(recipients=[moderator.email])
    approve = re.search(r"^Approve: (\S+)$", email.body, re.MULTILINE)[1]
    assert approve.startswith(settings.BROADSHEET_SITE_URL)
    path = approve.removeprefix(settings.BROADSHEET_SITE_URL)

    page = open_page()
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(path)
    expect(page.get_by_role("heading", level=1)).to_have_text("Approve this comment?")
    expect(page.locator("main")).to_contain_text("Will the dredger block the slipway?")
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=SCREENSHOTS / "email-link-390px.png", full_page=True)
    comment.refresh_from_db()
    assert comment.status == Comment.Status.PENDING  # opening the link changed nothing

    page.get_by_role("button", name="Approve").click()
    expect(page.locator("main")).to_contain_text("Done: the comment is approved.")
    comment.refresh_from_db()
    assert (comment.status, comment.status_changed_by) == (Comment.Status.APPROVED, moderator)

    # The same link, opened again, says what happened and offers nothing to press.
    page.goto(path)
    expect(page.get_by_role("heading", level=1)).to_have_text("This comment has been moderated")
    expect(page.locator("main")).to_contain_text("approved, by Mona Moderator")
    expect(page.get_by_role("button", name="Approve")).to_have_count(0)
    page.screenshot(path=SCREENSHOTS / "email-link-used-390px.png", full_page=True)
    assert page_errors == []


def test_a_moderator_reads_the_verdict_and_replies_from_the_queue(
    open_page, page_errors, moderator, queue
):
    page = open_page()
    page.set_viewport_size({"width": 1280, "height": 900})
    log_in(page, moderator, "moderator pass 12")
    page.locator("#result_list tbody tr").first.locator(".field-comment a").click()

    story = page.locator(".field-verdict_story")
    expect(story).to_contain_text("classifier 0.71 (spam ≥ 0.74)")
    expect(story).to_contain_text(
        "The writer was told: “Your comment is awaiting moderation. It was held because it is "
        "your first comment here, and it contains 1 link.”"
    )
    page.get_by_label("Your reply").fill("The council posts the hours on the quay gate.")
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=SCREENSHOTS / "comment-page-1280px.png", full_page=True)
    page.get_by_role("button", name="Save", exact=True).click()

    expect(page.locator("ul.messagelist")).to_contain_text("Your reply is published")
    expect(page.locator("#header")).to_contain_text("2 comments await moderation")
    page.goto(queue.get_absolute_url())
    expect(page.locator("#comments")).to_contain_text(
        "The council posts the hours on the quay gate."
    )
    assert page_errors == []
