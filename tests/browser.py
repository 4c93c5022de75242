"""Shared parts of the browser tests: headless Debian Chromium driven by Playwright against
the live server, and what to do when either is missing (skip on a laptop, fail in CI).

tests/conftest.py loads this module as a plugin, so its fixtures (`open_page`, `page_errors`)
are there for every test.
"""

import os
from contextlib import ExitStack

import pytest
from django.conf import settings
from django.db import connections

try:  # axe-core, the accessibility checker, as a Python package that ships it
    from axe_playwright_python.sync_playwright import Axe
except ImportError:  # the dev extras are not installed
    Axe = None
try:
    from playwright.sync_api import Error as PlaywrightError
    from playwright.sync_api import expect, sync_playwright
except ImportError:  # the dev extras are not installed
    sync_playwright = expect = None

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox", "--disable-gpu", "--disable-background-networking",
    "--disable-component-update",
]  # fmt: skip
CHROMIUM_MISSING = (
    f"Chromium not found at {CHROMIUM}: install Debian's chromium package to run the browser tests"
)
PLAYWRIGHT_MISSING = (
    "Playwright is not installed: run `make install` (the dev extras) to run the browser tests"
)
TIMEOUT_MS = 10_000
AXE_MISSING = "axe-playwright-python is not installed: run `make install` (the dev extras)"

BROWSER_TEST_MARKS = [
    pytest.mark.browser,
    # The live server reads committed data; serialized rollback keeps the Moderators group
    # (made by a data migration) even after another transactional test flushed the tables.
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def skip_or_fail(reason):
    """A missing browser skips the test on a laptop, and fails it in CI so it cannot vanish."""
    if os.environ.get("CI"):
        pytest.fail(reason, pytrace=False)
    pytest.skip(reason)


def start_chromium(running):
    """Headless Chromium, stopped when the `running` ExitStack closes."""
    if sync_playwright is None:
        skip_or_fail(PLAYWRIGHT_MISSING)
    if not os.access(CHROMIUM, os.X_OK):
        skip_or_fail(CHROMIUM_MISSING)
    playwright = running.enter_context(sync_playwright())
    # While Playwright's event loop runs, Django gives this thread a separate database
    # connection; close it before the loop stops, or it outlives the test database.
    running.callback(connections.close_all)
    try:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
    except PlaywrightError as error:
        skip_or_fail(f"Chromium at {CHROMIUM} could not start: {error}")
    running.callback(browser.close)
    expect.set_options(timeout=TIMEOUT_MS)
    return browser


@pytest.fixture
def page_errors():
    """Uncaught JavaScript errors on any page the test opened."""
    return []


@pytest.fixture
def open_page(request, live_server, monkeypatch, page_errors, tmp_path):
    """Open a page in a fresh browser context: a visitor with no cookies of their own.

    Chromium starts with the first page, inside the test, so a missing browser is the test's
    own skip or failure. If the test fails, every open page is saved as a screenshot."""
    # Playwright's sync API runs an event loop in this thread; the ORM calls the test makes
    # between browser steps are still plain synchronous ones.
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    browsers = []

    def open_page():
        if not browsers:
            browsers.append(start_chromium(running))
        context = browsers[0].new_context(base_url=live_server.url)
        context.set_default_timeout(TIMEOUT_MS)
        page = context.new_page()
        page.on("pageerror", lambda error: page_errors.append(error))
        return page

    with ExitStack() as running:
        failures_before = request.session.testsfailed
        yield open_page
        if browsers and request.session.testsfailed > failures_before:
            save_screenshots(request, browsers[0], tmp_path)


def save_screenshots(request, browser, folder):
    reporter = request.config.pluginmanager.get_plugin("terminalreporter")
    for c, context in enumerate(browser.contexts):
        for p, page in enumerate(context.pages):
            path = folder / f"context{c}-page{p}.png"
            page.screenshot(path=path, full_page=True)
            if reporter:
                reporter.write_line(f"Screenshot of {page.url}: {path}")


def carry_login(page, client, live_server):
    """Log the browser `page` in as whoever the test `client` is logged in as (its session
    cookie), without going through the login form."""
    page.context.add_cookies([{
        "name": settings.SESSION_COOKIE_NAME,
        "value": client.cookies[settings.SESSION_COOKIE_NAME].value,
        "url": live_server.url,
    }])  # fmt: skip


def serious_violations(page):
    """What axe-core finds on the page as it is now, of serious or critical impact: one
    line per rule, with the elements it found."""
    if Axe is None:
        skip_or_fail(AXE_MISSING)
    results = Axe().run(page).response
    return [
        f"{found['impact']} {found['id']}: {found['help']} "
        f"{[node['target'] for node in found['nodes']]}"
        for found in results["violations"]
        if found["impact"] in ("serious", "critical")
    ]
