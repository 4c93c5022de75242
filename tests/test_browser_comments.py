"""The comment journey in a real browser: a held comment, a moderator's approval in the admin,
and a reply written in place under it by the reply script (static/js/comment-reply.js).

Runs headless Debian Chromium through Playwright against the live server. Without Chromium
the test is skipped, except in CI (the CI environment variable set), where it fails.
"""

import re

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group

from comments.models import Comment
from tests.browser import BROWSER_TEST_MARKS, expect

pytestmark = BROWSER_TEST_MARKS


@pytest.fixture
def moderator(db):
    user = get_user_model().objects.create_user(
        "moddy", "moddy@example.org", "moderate gently 42", is_staff=True
    )
    user.groups.add(Group.objects.get(name="Moderators"))
    return user


@pytest.fixture
def typing_pause(settings):
    """Seconds to wait between opening the form and posting it, so the screening takes the
    writer for a person (forms posted faster are spam). The minimum is lowered to keep the
    test quick; without the setting, the screening's 3 s default applies."""
    if hasattr(settings, "BROADSHEET_SCREENING_MIN_SECONDS"):
        settings.BROADSHEET_SCREENING_MIN_SECONDS = 1.0
        return 1.5
    return 3.5


def write_comment(page, text, pause, name="Nadia Okoro", email="nadia@example.net"):
    form = page.locator("#comment-form")
    form.get_by_role("textbox", name="Comment", exact=True).fill(text)
    form.get_by_role("textbox", name="Name", exact=True).fill(name)
    form.get_by_role("textbox", name="Email", exact=True).fill(email)
    page.wait_for_timeout(pause * 1000)
    form.get_by_role("button", name="Post Comment").click()


def load(page, url):
    """Load `url` afresh: going to an address that differs only by its #fragment would just
    scroll the page already loaded."""
    page.goto("about:blank")
    page.goto(url)


def comment_id_from(page):
    expect(page).to_have_url(re.compile(r"#comment-\d+$"))
    return int(page.url.rsplit("-", 1)[1])


def test_held_comment_is_approved_by_a_moderator_then_answered_in_place(
    open_page, page_errors, make_post, moderator, typing_pause
):
    post = make_post("Roadworks on the high street")
    post_url = post.get_absolute_url()

    # A first-time writer's comment waits for a moderator; only its writer sees it.
    writer = open_page()
    writer.goto(post_url)
    write_comment(writer, "Who signed off the night works?", typing_pause)
    first_id = comment_id_from(writer)
    assert Comment.objects.get(pk=first_id).status == Comment.Status.PENDING
    held = writer.locator(f"#comment-{first_id}")
    expect(held).to_contain_text("Who signed off the night works?")
    expect(held).to_contain_text("Your comment is awaiting moderation")
    expect(held).to_be_in_viewport()
    expect(writer.locator("#comments-title")).to_have_text("0 Comments")

    stranger = open_page()
    stranger.goto(post_url)
    expect(stranger.locator("#comments-title")).to_have_text("0 Comments")
    expect(stranger.locator(f"#comment-{first_id}")).to_have_count(0)

    # The moderator finds it in the admin's moderation queue and approves it.
    admin = open_page()
    admin.goto("/admin/")
    admin.get_by_label("Username").fill("moddy")
    admin.get_by_label("Password").fill("moderate gently 42")
    admin.get_by_role("button", name="Log in").click()
    expect(admin.locator("#moderation-queue")).to_contain_text("1 comment awaiting moderation")
    admin.get_by_role("link", name="Review it").click()
    row = admin.locator("#result_list tbody tr", has_text="Who signed off the night works?")
    row.get_by_role("checkbox").check()
    admin.get_by_role("combobox", name="Action").select_option(label="Approve selected comments")
    admin.get_by_role("button", name="Go").click()
    expect(admin.locator("ul.messagelist")).to_contain_text("1 comment approved.")

    # Now every reader sees it at its anchor, counted and with nothing pending.
    for reader in (writer, stranger):
        load(reader, f"{post_url}#comment-{first_id}")
        approved = reader.locator(f"#comment-{first_id}")
        expect(approved).to_contain_text("Who signed off the night works?")
        expect(approved).not_to_contain_text("awaiting moderation")
        expect(approved).to_be_in_viewport()
        expect(reader.locator("#comments-title")).to_have_text("1 Comment")

    # "Reply" moves the form under the comment without loading a page; "Cancel reply" puts
    # it back where it was.
    writer.evaluate("window.samePage = true")
    thread_item = writer.locator(f"#li-comment-{first_id}")
    reply_link = writer.locator(f"#comment-{first_id}").get_by_role("link", name="Reply")
    reply_link.click()
    expect(thread_item.locator("#respond")).to_be_visible()
    expect(writer.locator("#reply-title-text")).to_have_text("Reply to Nadia Okoro")
    expect(writer.get_by_role("textbox", name="Comment", exact=True)).to_be_focused()
    expect(writer.locator("#comment-form input[name=parent]")).to_have_value(str(first_id))

    writer.get_by_role("link", name="Cancel reply").click()
    expect(writer.locator("#comments > #respond")).to_be_visible()
    expect(thread_item.locator("#respond")).to_have_count(0)
    expect(writer.locator("#reply-title-text")).to_have_text("Leave a Reply")
    expect(writer.locator("#cancel-comment-reply-link")).to_be_hidden()
    expect(writer.locator("#comment-form input[name=parent]")).to_have_value("")
    assert writer.evaluate("window.samePage") is True
    assert "replytocom" not in writer.url

    # The reply, from an address with an approved comment, is published under its parent.
    reply_link.click()
    expect(thread_item.locator("#respond")).to_be_visible()
    write_comment(writer, "Answering myself: the council did, in March.", typing_pause)
    reply_id = comment_id_from(writer)
    reply = Comment.objects.get(pk=reply_id)
    assert (reply.parent_id, reply.status) == (first_id, Comment.Status.APPROVED)
    nested = writer.locator(f"#li-comment-{first_id} ol.children #comment-{reply_id}")
    expect(nested).to_contain_text("Answering myself: the council did, in March.")
    expect(nested).not_to_contain_text("awaiting moderation")
    expect(writer.locator("#comments-title")).to_have_text("2 Comments")
    assert page_errors == []
