"""Behind a proxy, each reader keeps their own address: the comment, the flood limit and
Akismet all see the reader named by the trusted proxy, never the proxy itself, and never an
address a reader invents in X-Forwarded-For."""

import pytest
from django.test import RequestFactory

from blog.proxies import client_ip
from comments.models import Comment
from comments.screening.checks.flood import FLOOD_MESSAGE
from tests.commenting import BOB, posted_comment, sent_back
from tests.servers import Node, Visitor, database_for_nodes

pytestmark = pytest.mark.django_db

PROXY = "127.0.0.1"  # a TLS proxy on the same machine, as in the README's set-up
READER = "203.0.113.5"
OTHER_READER = "198.51.100.23"


def through_proxy(*hops, proxy=PROXY):
    """Request headers as the proxy sends them: X-Forwarded-For ends with the address the
    proxy received the request from."""
    return {"REMOTE_ADDR": proxy, "HTTP_X_FORWARDED_FOR": ", ".join(hops)}


@pytest.fixture
def behind_proxy(settings):
    settings.BROADSHEET_TRUSTED_PROXIES = ["127.0.0.1", "::1", "10.0.0.0/8"]


def address_of(**meta):
    return client_ip(RequestFactory().get("/", **meta))


# --- who the client is


def test_without_trusted_proxies_the_connecting_machine_is_the_client(settings):
    settings.BROADSHEET_TRUSTED_PROXIES = []

    assert address_of(**through_proxy(READER)) == PROXY


def test_a_trusted_proxy_names_the_client(behind_proxy):
    assert address_of(**through_proxy(READER)) == READER


def test_addresses_a_client_adds_in_front_are_ignored(behind_proxy):
    # The reader sent "X-Forwarded-For: 1.2.3.4, 10.9.9.9"; our proxy appended the reader.
    assert address_of(**through_proxy("1.2.3.4", "10.9.9.9", READER)) == READER


def test_a_chain_of_trusted_proxies_is_walked_from_the_right(behind_proxy):
    # reader → edge proxy 10.0.0.7 → local proxy → the blog
    assert address_of(**through_proxy("1.2.3.4", READER, "10.0.0.7")) == READER


def test_a_client_that_is_not_a_trusted_proxy_cannot_name_another(behind_proxy):
    assert address_of(**through_proxy(READER, proxy=OTHER_READER)) == OTHER_READER


def test_garbage_in_the_header_stops_the_walk_at_the_last_address_a_proxy_wrote(behind_proxy):
    assert address_of(**through_proxy(READER, "not-an-address", "10.0.0.7")) == "10.0.0.7"
    assert address_of(REMOTE_ADDR=PROXY) == PROXY  # no header at all: the proxy itself


def test_ipv6_and_ipv4_written_as_ipv6(behind_proxy):
    assert address_of(**through_proxy("2001:db8::7", proxy="::1")) == "2001:db8::7"
    assert address_of(**through_proxy(READER, proxy="::ffff:127.0.0.1")) == READER


# --- everything that reads an address uses it


def test_a_comment_through_the_proxy_records_the_readers_address(
    behind_proxy, make_post, write_comment
):
    post = make_post()

    response = write_comment(post, "From behind the proxy.", meta=through_proxy(READER))

    assert posted_comment(response).ip_address == READER


def test_a_spoofed_header_from_a_direct_client_is_not_believed(
    behind_proxy, make_post, write_comment
):
    post = make_post()

    response = write_comment(
        post, "Pretending to be someone else.", meta=through_proxy(READER, proxy=OTHER_READER)
    )

    assert posted_comment(response).ip_address == OTHER_READER


def test_readers_behind_one_proxy_do_not_share_a_flood_limit(
    behind_proxy, make_post, write_comment, settings
):
    post = make_post()
    settings.BROADSHEET_SCREENING_FLOOD_PER_MINUTE = 1

    first = write_comment(post, "First reader.", meta=through_proxy(READER))
    second = write_comment(post, "Second reader.", meta=through_proxy(OTHER_READER), **BOB)

    assert first.status_code == second.status_code == 302
    assert Comment.objects.count() == 2


def test_inventing_addresses_does_not_escape_the_flood_limit(
    behind_proxy, make_post, write_comment, settings
):
    post = make_post()
    settings.BROADSHEET_SCREENING_FLOOD_PER_MINUTE = 1
    write_comment(post, "First.", meta=through_proxy("1.1.1.1", READER))

    again = write_comment(post, "Again.", meta=through_proxy("2.2.2.2", READER), **BOB, follow=True)

    sent_back(again)
    assert FLOOD_MESSAGE in again.content.decode()


def test_akismet_is_told_the_readers_address(
    behind_proxy, make_post, write_comment, akismet_standin
):
    write_comment(make_post(), "Checked by Akismet.", meta=through_proxy(READER))

    [sent] = akismet_standin.sent("comment-check")
    assert sent["user_ip"] == READER


# --- gunicorn: only a proxy may say the request came over HTTPS


def sitemap_line_through_gunicorn(tmp_path, behind_proxy):
    """Start gunicorn with config/gunicorn.py, ask for robots.txt claiming HTTPS in
    X-Forwarded-Proto from 127.0.0.1, and return its Sitemap line (built from the scheme
    the request is believed to have come over)."""
    node = Node(
        tmp_path, "gunicorn", DATABASE_URL=database_for_nodes(tmp_path),
        CACHE_URL="locmemcache://", BEHIND_PROXY=behind_proxy,
    )  # fmt: skip
    node.env.pop("FORWARDED_ALLOW_IPS", None)
    try:
        node.start().wait_until_answering()
        answer = Visitor().get(f"{node.url}/robots.txt", headers={"X-Forwarded-Proto": "https"})
    finally:
        node.stop()
    return next(line for line in answer.text.splitlines() if line.startswith("Sitemap:"))


def test_without_a_proxy_no_client_can_claim_https_to_gunicorn(tmp_path):
    line = sitemap_line_through_gunicorn(tmp_path, behind_proxy="false")

    assert line.startswith("Sitemap: http://127.0.0.1:")


def test_behind_a_proxy_its_https_header_is_believed(tmp_path):
    line = sitemap_line_through_gunicorn(tmp_path, behind_proxy="true")

    assert line.startswith("Sitemap: https://127.0.0.1:")
