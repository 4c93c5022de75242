"""Readers' browsers, as far as the benchmark needs them: pages fetched, cookies kept, the
comment form read off the page and sent back with everything a browser sends.

Whatever protects the form (a CSRF token and its cookie, a signed form token, the Origin and
Referer checks) is answered the way a browser answers it, so the benchmark keeps working
whichever of them the blog uses.
"""

import http.client
import threading
import time
from collections import Counter
from dataclasses import dataclass, field
from html.parser import HTMLParser
from http.cookies import SimpleCookie
from urllib.parse import urlencode, urljoin, urlsplit

USER_AGENT = "Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0"


@dataclass(frozen=True)
class Response:
    status: int
    headers: list  # (name, value) pairs, as sent
    body: bytes

    def header(self, name, default=""):
        return next((v for k, v in self.headers if k.lower() == name.lower()), default)


def get(url, headers=(), timeout=30):
    return _request("GET", url, headers=headers, timeout=timeout)


def _request(method, url, *, headers=(), body=None, timeout=30):
    parts = urlsplit(url)
    connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=timeout)
    try:
        path = parts.path + (f"?{parts.query}" if parts.query else "")
        connection.request(method, path or "/", body=body, headers=dict(headers))
        answer = connection.getresponse()
        return Response(answer.status, answer.getheaders(), answer.read())
    finally:
        connection.close()


class Browser:
    """One reader's browser on one site: keeps the cookies the site sets."""

    def __init__(self, origin):
        self.origin = origin
        self.cookies = {}

    def open(self, path):
        return self._send("GET", path)

    def submit(self, page_path, action, fields):
        """Send a form of the page at `page_path`, as a browser does: urlencoded, with the
        site's cookies, Origin and Referer."""
        headers = {
            "Content-Type": "application/x-www-form-urlencoded",
            "Origin": self.origin,
            "Referer": urljoin(self.origin, page_path),
        }
        return self._send("POST", urljoin(page_path, action), headers, urlencode(fields))

    def _send(self, method, path, headers=None, body=None):
        headers = {"User-Agent": USER_AGENT, "Accept": "text/html", **(headers or {})}
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        response = _request(method, urljoin(self.origin, path), headers=headers, body=body)
        for name, value in response.headers:
            if name.lower() == "set-cookie":
                for morsel in SimpleCookie(value).values():
                    self.cookies[morsel.key] = morsel.value
        return response


@dataclass(frozen=True)
class Form:
    action: str
    fields: dict  # what a browser sends before the reader types anything


class _FormReader(HTMLParser):
    """Collects the fields of the form with a given id, as a browser would send them."""

    def __init__(self, form_id):
        super().__init__(convert_charrefs=True)
        self.form_id = form_id
        self.inside = False
        self.found = False
        self.action = ""
        self.fields = {}
        self.textarea = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form" and attrs.get("id") == self.form_id:
            self.inside = self.found = True
            self.action = attrs.get("action") or ""
        elif not self.inside or "name" not in attrs or "disabled" in attrs:
            return
        elif tag == "input":
            kind = (attrs.get("type") or "text").lower()
            if kind in ("checkbox", "radio"):
                if "checked" in attrs:
                    self.fields[attrs["name"]] = attrs.get("value") or "on"
            elif kind not in ("submit", "button", "image", "reset", "file"):
                self.fields[attrs["name"]] = attrs.get("value") or ""
        elif tag == "textarea":
            self.textarea = attrs["name"]
            self.fields[self.textarea] = ""

    def handle_data(self, data):
        if self.textarea:
            self.fields[self.textarea] += data

    def handle_endtag(self, tag):
        if tag == "textarea":
            self.textarea = None
        elif tag == "form":
            self.inside = False


def read_form(html, form_id):
    """The form `form_id` on a page, or None when the page has none.

    Only the form's own markup is parsed (forms do not nest): the readers' browsers run on
    the machine they measure, and parsing the whole of a 14 KB page took a tenth of the
    CPU a comment cost."""
    mark = html.find(f'id="{form_id}"')
    start = html.rfind("<form", 0, mark)
    if mark < 0 or start < 0:
        return None
    end = html.find("</form>", mark)
    reader = _FormReader(form_id)
    reader.feed(html[start : end + len("</form>")] if end >= 0 else html[start:])
    if not reader.found:
        return None
    # A browser drops the newline that directly follows <textarea>.
    fields = {name: value.removeprefix("\n") for name, value in reader.fields.items()}
    return Form(action=reader.action, fields=fields)


@dataclass
class Writing:
    """What came of the comment writers' work."""

    seconds: float = 0.0
    acknowledged: list = field(default_factory=list)  # texts answered with a redirect
    refused: Counter = field(default_factory=Counter)  # status -> how many
    post_ms: list = field(default_factory=list)  # how long each POST took


def write_comments(origin, post_path, next_comment, *, writers, seconds):
    """`writers` readers at once, for `seconds`, each writing one comment after another:
    open the post, fill in the comment form, send it. Each comment is a new reader (no
    cookies yet). `next_comment()` gives (name, email, text), distinct every time."""
    writing = Writing()
    lock = threading.Lock()
    deadline = time.monotonic() + seconds

    def write_one(name, email, text):
        browser = Browser(origin)
        page = browser.open(post_path)
        form = read_form(page.body.decode(), "comment-form") if page.status == 200 else None
        if form is None:
            return f"page {page.status} without the form", None
        typed = {"author_name": name, "author_email": email, "body": text}
        started = time.monotonic()
        answer = browser.submit(post_path, form.action, {**form.fields, **typed})
        took = (time.monotonic() - started) * 1000
        if answer.status in (302, 303) and "#comment-" in answer.header("Location"):
            return None, took
        return answer.status, took

    def write():
        while time.monotonic() < deadline:
            with lock:
                name, email, text = next_comment()
            try:
                refusal, took = write_one(name, email, text)
            except OSError as error:  # refused, reset or timed out: the reader saw no answer
                refusal, took = type(error).__name__, None
            with lock:
                if took is not None:
                    writing.post_ms.append(took)
                if refusal is None:
                    writing.acknowledged.append(text)
                else:
                    writing.refused[refusal] += 1

    started = time.monotonic()
    threads = [threading.Thread(target=write, daemon=True) for _ in range(writers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    writing.seconds = time.monotonic() - started
    return writing
