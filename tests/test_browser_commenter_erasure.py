"""A moderator answers a commenter's requests in the admin, in a real browser, without a
shell: a copy of their data (a JSON file downloaded from the comment list), then erasure
(find the commenter's comment, choose the action, confirm on the page that asks first)."""

import json

from comments.models import Comment
from tests.browser import BROWSER_TEST_MARKS, expect

pytestmark = BROWSER_TEST_MARKS


def test_a_moderator_exports_then_erases_a_commenter_after_confirming(
    open_page, page_errors, make_post, moderator
):
    post = make_post("Lighthouse repairs")
    for body in ("When does the light come back on?", "Any news on the light?"):
        Comment.objects.create_from(post=post, body=body, author_name="Wanda Wright",
                                    author_email="wanda@example.net", ip_address="192.0.2.44",
                                    status=Comment.Status.APPROVED)  # fmt: skip

    admin = open_page()
    admin.goto("/admin/")
    admin.get_by_label("Username").fill(moderator.username)
    admin.get_by_label("Password").fill("moderator pass 12")  # the fixture's
    admin.get_by_role("button", name="Log in").click()
    admin.goto("/admin/comments/comment/?q=wanda%40example.net")
    row = admin.locator("#result_list tbody tr", has_text="When does the light come back on?")
    row.get_by_role("checkbox").check()

    # First the copy she asked for: both her comments, with what is stored about them.
    admin.get_by_role("combobox", name="Action").select_option(
        label="Export their writers' data (JSON)"
    )
    with admin.expect_download() as downloading:
        admin.get_by_role("button", name="Go").click()
    exported = json.loads(downloading.value.path().read_text())
    text = json.dumps(exported)
    assert "wanda@example.net" in text and "192.0.2.44" in text
    assert "When does the light come back on?" in text and "Any news on the light?" in text

    admin.goto("/admin/comments/comment/?q=wanda%40example.net")
    row.get_by_role("checkbox").check()
    admin.get_by_role("combobox", name="Action").select_option(label="Erase their writers' data…")
    admin.get_by_role("button", name="Go").click()

    expect(admin.locator("ul.erase-writers")).to_contain_text("wanda@example.net: 2 comments")
    assert Comment.objects.written_by("wanda@example.net").count() == 2  # only asked so far
    admin.get_by_role("button", name="Yes, erase them").click()

    expect(admin.locator("ul.messagelist")).to_contain_text("Erased: 2 comments anonymised")
    reader = open_page()
    reader.goto(post.get_absolute_url())
    expect(reader.locator(".comment-author")).to_have_text(["Anonymous", "Anonymous"])
    expect(reader.locator("body")).not_to_contain_text("Wanda")
    assert not Comment.objects.filter(author_email="wanda@example.net").exists()
    assert page_errors == []
