"""The sample nginx configuration (docs/nginx.conf) is valid and does what docs/deploy.md
says: anonymous pages from its micro-cache for as long as the app's Cache-Control allows,
readers with a personal cookie always from the app, gzip passed through, HTTPS told to the
app.

nginx runs it as written, with only its paths moved into a temporary folder and, for the
live tests, its ports and nodes moved onto loopback. Skipped without nginx; CI installs it.
"""

import os
import re
import shutil
import subprocess
import time
from pathlib import Path

import pytest
from django.conf import settings

from blog.page_cache import PERSONAL_COOKIES
from tests.browser import skip_or_fail
from tests.servers import ROOT, Node, Visitor, database_for_nodes, free_port

pytestmark = pytest.mark.nginx

SAMPLE = ROOT / "docs" / "nginx.conf"
NGINX = shutil.which("nginx") or "/usr/sbin/nginx"
HOST = "blog.example.org"


def nginx_or_skip():
    if not Path(NGINX).exists():
        skip_or_fail(f"nginx not found at {NGINX}: install Debian's nginx-light to run this test")
    if not shutil.which("openssl"):
        skip_or_fail("openssl not found: it makes the test's TLS certificate")


def replace(text, old, new):
    """Replace a part of the sample that a server here must change; the test fails when the
    sample no longer has it, so the test and the documented file cannot drift apart."""
    assert old in text, f"docs/nginx.conf no longer contains {old!r}"
    return text.replace(old, new)


def runnable_sample(folder, node=None):
    """Write docs/nginx.conf, made runnable here, inside a small main configuration, and
    return the main file. With a `node`, it listens on loopback ports in front of it."""
    folder = Path(folder)
    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1",
         "-nodes", "-days", "2", "-subj", f"/CN={HOST}",
         "-keyout", folder / "key.pem", "-out", folder / "cert.pem"],
        check=True, capture_output=True,
    )  # fmt: skip
    text = SAMPLE.read_text()
    text = replace(text, "/var/cache/nginx/broadsheet", str(folder / "cache"))
    text = replace(text, f"/etc/letsencrypt/live/{HOST}/fullchain.pem", str(folder / "cert.pem"))
    text = replace(text, f"/etc/letsencrypt/live/{HOST}/privkey.pem", str(folder / "key.pem"))
    text = replace(text, "/srv/broadsheet/", f"{folder}/srv/")
    ports = {}
    if node is not None:
        ports = {"http": free_port(), "https": free_port()}
        text, found = re.subn(r"(upstream broadsheet_nodes \{)[^}]*\}",
                              rf"\1\n    server 127.0.0.1:{node.port};\n}}", text)  # fmt: skip
        assert found == 1, "docs/nginx.conf no longer has `upstream broadsheet_nodes`"
        text = replace(text, "listen 80;", f"listen 127.0.0.1:{ports['http']};")
        text = replace(text, "listen 443 ssl", f"listen 127.0.0.1:{ports['https']} ssl")
        text = replace(text, "listen [::]:80;\n", "")
        text = replace(text, "listen [::]:443 ssl http2;\n", "")
    (folder / "broadsheet.conf").write_text(text)
    temp = folder / "temp"
    for name in ("body", "proxy", "fastcgi", "uwsgi", "scgi"):
        (temp / name).mkdir(parents=True, exist_ok=True)
    main = folder / "nginx.conf"
    main.write_text(f"""
        {"user root;" if _is_root() else ""}
        worker_processes 1;
        pid {folder}/nginx.pid;
        error_log {folder}/error.log notice;
        events {{ worker_connections 256; }}
        http {{
            access_log off;
            client_body_temp_path {temp}/body;
            proxy_temp_path {temp}/proxy;
            fastcgi_temp_path {temp}/fastcgi;
            uwsgi_temp_path {temp}/uwsgi;
            scgi_temp_path {temp}/scgi;
            include {folder}/broadsheet.conf;
        }}
    """)
    return main, ports


def _is_root():
    # nginx started by root hands its work to an unprivileged user, who could not enter the
    # test's private temporary folder.
    return os.geteuid() == 0


def nginx(main, *args):
    return subprocess.run(
        [NGINX, "-p", str(main.parent), "-c", str(main), "-e", str(main.parent / "error.log"),
         *args],
        capture_output=True, text=True, timeout=30,
    )  # fmt: skip


def test_the_sample_configuration_is_valid(tmp_path):
    nginx_or_skip()
    main, _ = runnable_sample(tmp_path)

    checked = nginx(main, "-t")

    assert checked.returncode == 0, checked.stderr
    assert "test is successful" in checked.stderr


# --- nginx in front of gunicorn ----------------------------------------------------------

# The node reads the test database (its tables; these tests write nothing).
live = pytest.mark.django_db


@pytest.fixture(scope="module")
def node(tmp_path_factory, django_db_setup, django_db_blocker):
    """One gunicorn node behind the proxy, as in production: HTTPS, BEHIND_PROXY, the
    shared-cache lifetime shortened to a second so the test can watch it run out."""
    nginx_or_skip()
    folder = tmp_path_factory.mktemp("node")
    with django_db_blocker.unblock():
        database = database_for_nodes(folder)
    started = Node(
        folder, "node", DATABASE_URL=database, CACHE_URL="locmemcache://",
        HTTPS="true", BEHIND_PROXY="true", ALLOWED_HOSTS=HOST,
        BROADSHEET_SHARED_CACHE_SECONDS="1", BROADSHEET_SHARED_CACHE_STALE_SECONDS="1",
    ).start()  # fmt: skip
    try:
        yield started.wait_until_answering(host=HOST)
    finally:
        started.stop()


@pytest.fixture
def proxy(node, tmp_path):
    """nginx with the sample configuration in front of the node, with an empty cache."""
    main, ports = runnable_sample(tmp_path, node)
    server = subprocess.Popen(
        [NGINX, "-p", str(tmp_path), "-c", str(main), "-e", str(tmp_path / "error.log"),
         "-g", "daemon off;"],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    address = f"https://127.0.0.1:{ports['https']}"
    deadline = time.monotonic() + 10
    while True:
        try:
            Visitor(host=HOST).get(f"{address}/robots.txt")
            break
        except OSError:
            if server.poll() is not None or time.monotonic() > deadline:
                errors = (tmp_path / "error.log").read_text()
                raise AssertionError(f"nginx did not start:\n{errors}") from None
            time.sleep(0.05)
    try:
        yield Proxy(address, f"http://127.0.0.1:{ports['http']}")
    finally:
        server.terminate()
        server.wait(timeout=10)


class Proxy:
    def __init__(self, https, http):
        self.https = https
        self.http = http


@live
def test_an_anonymous_page_is_served_from_the_micro_cache(proxy, node):
    reader = Visitor(host=HOST)

    first = reader.get(f"{proxy.https}/")
    served = node.requests_served()
    second = reader.get(f"{proxy.https}/")

    assert first.status_code == second.status_code == 200
    assert (first["X-Cache-Status"], second["X-Cache-Status"]) == ("MISS", "HIT")
    assert node.requests_served() == served, "the second request reached gunicorn"
    assert second.content == first.content
    assert "public" in second["Cache-Control"]


@live
def test_a_reader_without_personal_cookies_shares_the_cached_page(proxy, node):
    reader(proxy, cookie=None)
    served = node.requests_served()

    other = Visitor(host=HOST)
    other.cookies = {"csrftoken": "abc", "theme": "dark"}
    answer = other.get(f"{proxy.https}/")

    assert answer["X-Cache-Status"] == "HIT"
    assert node.requests_served() == served


# Every cookie that makes the app render a page for its reader (blog/page_cache.py): one the
# sample's map forgot would fail here.
APP_PERSONAL_COOKIES = [settings.SESSION_COOKIE_NAME, "messages", *PERSONAL_COOKIES]


@live
@pytest.mark.parametrize("cookie", APP_PERSONAL_COOKIES)
def test_a_reader_with_a_personal_cookie_always_reaches_the_app(proxy, node, cookie):
    reader(proxy, cookie=None)  # the anonymous copy is in the cache

    statuses, reached = [], []
    for _ in range(2):
        served = node.requests_served()
        answer = reader(proxy, cookie=cookie)
        statuses.append(answer["X-Cache-Status"])
        reached.append(node.requests_served(at_least=served + 1) == served + 1)

    assert statuses == ["BYPASS", "BYPASS"]
    assert reached == [True, True]
    assert "private" in answer["Cache-Control"]


def reader(proxy, cookie):
    visitor = Visitor(host=HOST)
    if cookie:
        visitor.cookies = {"csrftoken": "abc", cookie: "something"}
    return visitor.get(f"{proxy.https}/")


@live
@pytest.mark.parametrize(
    ("accepted", "encoding"),
    [("gzip, deflate, br, zstd", "br"), ("gzip, deflate", "gzip"), ("brotli, gzip", "gzip")],
)
def test_compressed_pages_from_the_app_pass_through_and_are_cached_apart(
    proxy, node, accepted, encoding
):
    plain = Visitor(host=HOST).get(f"{proxy.https}/")
    first = Visitor(host=HOST, accept_encoding=accepted).get(f"{proxy.https}/")
    second = Visitor(host=HOST, accept_encoding=accepted).get(f"{proxy.https}/")

    assert plain.get("Content-Encoding") is None
    assert first["Content-Encoding"] == second["Content-Encoding"] == encoding
    assert (first["X-Cache-Status"], second["X-Cache-Status"]) == ("MISS", "HIT")
    assert second.content == plain.content
    assert len(second.body) < len(plain.body) / 2


@live
def test_an_expired_copy_is_fetched_again_from_the_app(proxy, node):
    reader = Visitor(host=HOST)
    reader.get(f"{proxy.https}/")
    served = node.requests_served()

    time.sleep(2.1)  # past s-maxage (1 s here), which nginx counts in whole seconds
    expired = reader.get(f"{proxy.https}/")
    refreshed = node.requests_served(at_least=served + 1)  # in the background
    after = reader.get(f"{proxy.https}/")

    assert expired["X-Cache-Status"] == "STALE"
    assert refreshed == served + 1
    assert after["X-Cache-Status"] == "HIT"


@live
def test_plain_http_is_sent_to_https(proxy):
    answer = Visitor(host=HOST).get(f"{proxy.http}/2024/03/a-post/")

    assert answer.status_code == 301
    assert answer["Location"] == f"https://{HOST}/2024/03/a-post/"
