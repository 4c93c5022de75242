"""Inserting an image while writing, in a real browser: Insert puts the image's Markdown at
the cursor in the body, and an image uploaded from the form's popup comes back into the list,
with no script the Content-Security-Policy would block (static/js/image-picker.js).

Headless Debian Chromium through Playwright (tests/browser.py); skipped without it, except
in CI."""

import pytest

from blog.models import Image
from tests.browser import BROWSER_TEST_MARKS, carry_login, expect
from tests.test_browser_content_security_policy import RECORD_VIOLATIONS
from tests.test_images import picture_file, upload

pytestmark = BROWSER_TEST_MARKS


@pytest.fixture
def dawn(client, editor):
    """An image uploaded through the admin; the test client keeps the editor's session."""
    client.force_login(editor)
    assert upload(client, picture_file(), "Boats in the harbour at dawn").status_code == 302
    return Image.objects.get()


@pytest.fixture
def post_form(open_page, client, live_server, dawn):
    """The new-post form, opened by the logged-in editor, recording CSP violations."""
    page = open_page()
    carry_login(page, client, live_server)
    page.add_init_script(RECORD_VIOLATIONS)
    page.goto("/admin/blog/post/add/")
    expect(page.locator(".image-picker")).to_contain_text("Boats in the harbour at dawn")
    return page


def insert_button(page, alt_text):
    return page.get_by_role("button", name=f"Insert “{alt_text}” at the cursor")


def test_insert_puts_the_images_markdown_at_the_cursor(post_form, page_errors, dawn):
    body = post_form.locator("#id_body")
    body.fill("The boats came in.\n\nBy seven the quay was empty.")
    cursor = len("The boats came in.\n\n")
    body.evaluate(f"(textarea) => textarea.setSelectionRange({cursor}, {cursor})")

    insert_button(post_form, "Boats in the harbour at dawn").click()

    markdown = f"![Boats in the harbour at dawn](image:{dawn.pk})"
    expect(body).to_have_value(f"The boats came in.\n\n{markdown}By seven the quay was empty.")
    expect(body).to_be_focused()
    post_form.keyboard.type("\n\n")  # typing goes on right after the image
    expect(body).to_have_value(f"The boats came in.\n\n{markdown}\n\nBy seven the quay was empty.")
    assert post_form.evaluate("window.cspViolations") == []
    assert page_errors == []


def test_an_image_uploaded_from_the_popup_comes_back_into_the_picker(post_form, page_errors):
    with post_form.expect_popup() as opened:
        post_form.get_by_role("link", name="Upload an image").click()
    popup = opened.value
    popup.locator("#id_file").set_input_files(
        {"name": "market.jpg", "mimeType": "image/jpeg", "buffer": picture_file().read()}
    )
    popup.get_by_label("Alt text").fill("Market stalls in the rain")
    popup.get_by_role("button", name="Save", exact=True).click()
    popup.wait_for_event("close")

    market = insert_button(post_form, "Market stalls in the rain")
    expect(market).to_be_visible()
    post_form.locator("#id_body").fill("")
    market.click()
    uploaded = Image.objects.get(alt_text="Market stalls in the rain")
    expect(post_form.locator("#id_body")).to_have_value(
        f"![Market stalls in the rain](image:{uploaded.pk})"
    )
    assert post_form.evaluate("window.cspViolations") == []
    assert page_errors == []
