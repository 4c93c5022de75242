"""Real servers for the tests that need them, and a visitor who talks to them over HTTP.

`Node` is one gunicorn started with the shipped config (config/gunicorn.py) and production
settings; `Visitor` keeps cookies as a browser does and sends forms as a browser sends them.
tests/test_scale_out.py runs two nodes side by side; tests/test_nginx.py puts nginx with the
sample configuration (docs/nginx.conf) in front of one.
"""

import gzip
import http.client
import os
import signal
import socket
import sqlite3
import ssl
import subprocess
import sys
import time
from html.parser import HTMLParser
from http.cookies import SimpleCookie
from pathlib import Path
from urllib.parse import urlencode, urlsplit

import brotli

ROOT = Path(__file__).resolve().parent.parent
START_SECONDS = 30


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def is_postgresql():
    from django.db import connection

    return connection.vendor == "postgresql"


def database_for_nodes(folder):
    """A DATABASE_URL through which nodes reach the test database (the caller has database
    access). PostgreSQL's test database is shared as it is, so the nodes and this process see
    each other's committed writes; SQLite's lives in this process's memory, so the nodes get
    a copy of it in a file, as it is now."""
    from django.db import connection

    settings_dict = connection.settings_dict
    if is_postgresql():
        user = settings_dict.get("USER") or "postgres"
        password = f":{settings_dict['PASSWORD']}" if settings_dict.get("PASSWORD") else ""
        host = settings_dict.get("HOST") or "127.0.0.1"
        port = settings_dict.get("PORT") or 5432
        return f"postgres://{user}{password}@{host}:{port}/{settings_dict['NAME']}"
    copy = Path(folder) / "nodes.sqlite3"
    connection.ensure_connection()
    with sqlite3.connect(copy) as target:
        connection.connection.backup(target)
    target.close()
    return f"sqlite:///{copy}"


class Node:
    """One gunicorn node on a free loopback port, DEBUG off, its access log in a file."""

    def __init__(self, folder, name, **env):
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.log = Path(folder) / f"{name}.log"
        self.access_log = Path(folder) / f"{name}.access.log"
        self.env = {
            **os.environ,
            "DEBUG": "false", "SECRET_KEY": "nodes-under-test-share-this-secret-key-0123456789",
            "HTTPS": "false", "ALLOWED_HOSTS": "127.0.0.1",
            "STATIC_MANIFEST": "false",  # no collectstatic for a test run
            "GUNICORN_BIND": f"127.0.0.1:{self.port}", "WEB_CONCURRENCY": "1",
            "BROADSHEET_HOUSEKEEPING_IN_WEB": "false",  # as in every test, unless asked
            "GUNICORN_ACCESS_LOG": str(self.access_log), "LOG_LEVEL": "WARNING",
            **env,
        }  # fmt: skip
        self.process = None

    def start(self):
        with self.log.open("w") as output:
            self.process = subprocess.Popen(
                # No control socket: it has one default path, shared with any other gunicorn.
                [sys.executable, "-m", "gunicorn", "-c", "config/gunicorn.py",
                 "--no-control-socket", "config.wsgi"],
                cwd=ROOT, env=self.env, stdout=output, stderr=output,
            )  # fmt: skip
        return self

    def wait_until_answering(self, host=None):
        """Wait until a worker has answered a first request (robots.txt, which reads the
        database and the cache)."""
        deadline = time.monotonic() + START_SECONDS
        while True:
            try:
                Visitor(host=host).get(f"{self.url}/robots.txt")
                return self
            except OSError:
                if self.process.poll() is not None or time.monotonic() > deadline:
                    log = self.log.read_text()
                    raise AssertionError(f"gunicorn did not start:\n{log}") from None
                time.sleep(0.1)

    def stop(self):
        if self.process and self.process.poll() is None:
            self.process.send_signal(signal.SIGINT)  # quick shutdown: nothing is left to finish
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()

    def requests_served(self, at_least=0):
        """How many requests reached this node (its access log has a line for each, written
        just after the answer is sent): waits a moment for `at_least` of them, or for the
        count to settle."""
        deadline = time.monotonic() + 3
        counted = -1
        while True:
            previous, counted = counted, self._logged()
            if time.monotonic() > deadline:
                return counted
            if counted >= at_least and (at_least or counted == previous):
                return counted
            time.sleep(0.1)

    def _logged(self):
        if not self.access_log.exists():
            return 0
        return len(self.access_log.read_text().splitlines())


class Answer:
    """A response as the visitor received it; `content` is the body unpacked (like the test
    client's, so tests/commenting.py's readers work on it)."""

    def __init__(self, status, headers, body):
        self.status_code = status
        self.headers = headers
        self.body = body
        encoding = headers.get("Content-Encoding")
        unpack = {"gzip": gzip.decompress, "br": brotli.decompress}.get(encoding) if body else None
        self.content = unpack(body) if unpack else body

    def __getitem__(self, name):
        return self.headers[name]

    def get(self, name, default=None):
        return self.headers.get(name, default)

    @property
    def text(self):
        return self.content.decode()


class Visitor:
    """Someone with a browser: keeps the cookies servers set on 127.0.0.1 (browsers share
    them across ports) and sends them back; follows no redirect by itself."""

    def __init__(self, accept_gzip=False, host=None, accept_encoding=None):
        self.cookies = {}
        self.accept_encoding = accept_encoding or ("gzip" if accept_gzip else None)
        self.host = host  # a Host header other than the URL's, as a browser behind DNS sends

    def get(self, url, headers=None):
        return self._send("GET", url, None, headers or {})

    def post(self, url, fields, headers=None):
        """Send a form from a page of the same site: the browser names that page's origin."""
        parts = urlsplit(url)
        sent = {
            "Content-Type": "application/x-www-form-urlencoded",
            "Origin": f"{parts.scheme}://{self.host or parts.netloc}",
            **(headers or {}),
        }
        return self._send("POST", url, urlencode(fields, doseq=True).encode(), sent)

    def _send(self, method, url, body, headers):
        parts = urlsplit(url)
        if parts.scheme == "https":
            # The test's own certificate: encrypted like the real thing, not verified.
            context = ssl.create_default_context()
            context.check_hostname = False
            context.verify_mode = ssl.CERT_NONE
            connection = http.client.HTTPSConnection(parts.hostname, parts.port, timeout=15,
                                                     context=context)  # fmt: skip
        else:
            connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=15)
        sent = dict(headers)
        if self.host:
            sent["Host"] = self.host
        if self.accept_encoding:
            sent.setdefault("Accept-Encoding", self.accept_encoding)
        if self.cookies:
            sent["Cookie"] = "; ".join(f"{name}={value}" for name, value in self.cookies.items())
        path = parts.path + (f"?{parts.query}" if parts.query else "")
        try:
            connection.request(method, path, body=body, headers=sent)
            response = connection.getresponse()
            answer = Answer(response.status, response.headers, response.read())
        finally:
            connection.close()
        for header in answer.headers.get_all("Set-Cookie") or []:
            for name, morsel in SimpleCookie(header).items():
                if morsel["max-age"] == "0":
                    self.cookies.pop(name, None)
                else:
                    self.cookies[name] = morsel.value
        return answer


class _Form(HTMLParser):
    def __init__(self, form_id):
        super().__init__(convert_charrefs=True)
        self.form_id = form_id
        self.inside = False
        self.fields = {}
        self.textarea = None

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        if tag == "form":
            self.inside = attributes.get("id") == self.form_id
        if not self.inside or not attributes.get("name"):
            return
        name, kind = attributes["name"], attributes.get("type", "text")
        if tag == "input" and kind not in ("submit", "button", "file", "checkbox", "radio"):
            self.fields[name] = attributes.get("value") or ""
        elif tag == "input" and kind in ("checkbox", "radio") and "checked" in attributes:
            self.fields[name] = attributes.get("value") or "on"
        elif tag == "textarea":
            self.textarea = name
            self.fields[name] = ""

    def handle_endtag(self, tag):
        if tag == "form":
            self.inside = False
        if tag == "textarea" and self.textarea:
            self.fields[self.textarea] = self.fields[self.textarea].removeprefix("\n")
            self.textarea = None

    def handle_data(self, data):
        if self.textarea:
            self.fields[self.textarea] += data


def form_fields(answer, form_id):
    """What a browser sends back from the form with this id on the page, before anyone types:
    text and hidden inputs, ticked boxes, textareas (no selects: our forms here have none)."""
    form = _Form(form_id)
    form.feed(answer.text)
    form.close()
    assert form.fields, f"no form #{form_id} on the page"
    return form.fields
