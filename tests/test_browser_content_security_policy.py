"""The Content-Security-Policy in a real browser: markup that got into a page past every
sanitizer (written straight into a post's stored HTML here) runs no script and applies no
style, while the blog's own pages and Django's admin work with no violation at all.

Headless Debian Chromium through Playwright (tests/browser.py); skipped without it, except
in CI."""

import json

from blog import revisions
from blog.models import Page, Post, Tag
from tests.browser import BROWSER_TEST_MARKS, expect

pytestmark = BROWSER_TEST_MARKS

# Every violation the page reports, recorded before any of its own code runs.
RECORD_VIOLATIONS = """
window.cspViolations = [];
document.addEventListener("securitypolicyviolation", (event) => {
  window.cspViolations.push(event.effectiveDirective + " " + event.blockedURI);
});
"""

INJECTED = """
<p id="styled" style="color: rgb(255, 0, 0)">Red, if inline styles applied.</p>
<style>#content { display: none; }</style>
<script>window.injectedScript = true;</script>
<img id="broken" src="/no-such-image.png" onerror="window.injectedHandler = true" alt="">
<a id="trap" href="javascript:window.injectedLink = true">Click me</a>
"""


def open_recording(open_page):
    page = open_page()
    page.add_init_script(RECORD_VIOLATIONS)
    return page


def violations(page):
    return page.evaluate("window.cspViolations")


def test_injected_inline_script_styles_and_handlers_do_not_run(open_page, make_post):
    post = make_post("A post with something slipped in", body="Honest words.")
    # As if the sanitizer had a hole: the stored HTML is what the page prints as it is.
    Post.objects.filter(pk=post.pk).update(body_html=f"<p>Honest words.</p>{INJECTED}")
    page = open_recording(open_page)

    page.goto(post.get_absolute_url())
    expect(page.get_by_text("Honest words.")).to_be_visible()
    page.wait_for_function("document.getElementById('broken').complete")
    # One inline script blocked: the injected one. The post's JSON-LD is a data block, not
    # script; the policy leaves it alone, and it stays readable.
    scripts = [v for v in violations(page) if v.startswith("script-src-elem")]
    assert scripts == ["script-src-elem inline"]
    data = page.locator('script[type="application/ld+json"]').text_content()
    assert json.loads(data)["headline"] == "A post with something slipped in"
    page.locator("#trap").click()
    page.wait_for_timeout(200)

    ran = page.evaluate(
        "[window.injectedScript, window.injectedHandler, window.injectedLink]"
        ".map((value) => value === true)"
    )
    assert ran == [False, False, False]
    assert page.locator("#styled").evaluate("(p) => getComputedStyle(p).color") != "rgb(255, 0, 0)"
    expect(page.locator("#content")).to_be_visible()
    blocked = violations(page)
    for directive in ("script-src-elem", "script-src-attr", "style-src-elem", "style-src-attr"):
        assert any(v.startswith(directive) for v in blocked), (directive, blocked)


def test_the_blogs_own_pages_break_no_rule(open_page, page_errors, make_post, author):
    post = make_post("Roadworks on the high street")
    Page.objects.create(title="About", slug="about", body="Who we are.", author=author,
                        status=Page.Status.PUBLISHED)  # fmt: skip
    page = open_recording(open_page)

    for address in [
        "/", post.get_absolute_url(), "/archives/", "/search/?q=roadworks", "/about/",
        "/privacy/", "/no/such/address/",
    ]:  # fmt: skip
        page.goto(address)
        expect(page.locator(".site-header")).to_be_visible()
        assert violations(page) == [], address
    # The reply script (a file) still runs: Reply moves the form without a new page.
    page.goto(post.get_absolute_url())
    expect(page.locator("#comment-form")).to_be_visible()
    assert page_errors == []


def test_djangos_admin_works_under_the_same_policy(open_page, page_errors, make_post, editor):
    post = make_post("Budget day")
    Tag.objects.create(name="Budget", slug="budget")
    revision = revisions.record(post, by=editor)
    admin = open_recording(open_page)

    admin.goto("/admin/")
    admin.get_by_label("Username").fill("editor")
    admin.get_by_label("Password").fill("correct horse battery")
    admin.get_by_role("button", name="Log in").click()
    queue = admin.locator("#moderation-queue")
    expect(queue).to_contain_text("No comments are awaiting moderation")
    # Its look comes from static/css/admin.css now, not from an inline style.
    assert queue.evaluate("(box) => getComputedStyle(box).paddingLeft") == "16px"
    assert violations(admin) == []

    # The post form: the slug fills itself in from the title, the tag picker asks the server
    # as you type, the date picker opens.
    admin.goto("/admin/blog/post/add/")
    admin.get_by_label("Title").press_sequentially("Council tax rises")
    expect(admin.get_by_label("Slug")).to_have_value("council-tax-rises")
    admin.locator(".field-tags .select2-search__field").press_sequentially("Bud")
    expect(admin.locator(".select2-results__option", has_text="Budget")).to_be_visible()
    admin.keyboard.press("Escape")
    admin.locator(".field-publish_at .datetimeshortcuts a").first.click()
    assert violations(admin) == []

    for address in [
        "/admin/blog/post/", f"/admin/blog/post/{post.pk}/change/",
        f"/admin/blog/post/{post.pk}/versions/",
        f"/admin/blog/post/{post.pk}/versions/{revision.pk}/",
        "/admin/comments/comment/", "/admin/blog/image/add/", "/admin/axes/accessattempt/",
    ]:  # fmt: skip
        admin.goto(address)
        expect(admin.locator("#content")).to_be_visible()
        assert violations(admin) == [], address
    assert page_errors == []
