"""Two gunicorn nodes that share one PostgreSQL database and one Redis are one blog.

Both run the shipped config/gunicorn.py with production settings (DEBUG off, the cache in
Redis) on loopback ports; everything goes through real HTTP, as a browser sends it. On SQLite
the test database lives in this process's memory, out of the nodes' reach: skipped there
(CI runs it on PostgreSQL). docs/deploy.md describes the production set-up this stands for.
"""

import os
from itertools import cycle

import pytest
from django.conf import settings
from django.test import Client

from comments.models import Comment
from comments.screening.checks.flood import FLOOD_MESSAGE
from tests.browser import skip_or_fail
from tests.commenting import NEWCOMER, comment_url
from tests.servers import Node, Visitor, database_for_nodes, form_fields, is_postgresql

# The live nodes read and write committed rows. (An editor moderates here: the Moderators
# group, made by a data migration, is gone once an earlier test has emptied the tables.)
pytestmark = [pytest.mark.scale_out, pytest.mark.django_db(transaction=True)]

# The nodes' cache. The test empties this Redis database before each test.
REDIS_URL = os.environ.get("BROADSHEET_TEST_REDIS_URL", "redis://127.0.0.1:6379/15")
FLOOD_LIMIT = 3


@pytest.fixture(scope="module")
def redis_database():
    import redis

    client = redis.Redis.from_url(REDIS_URL, socket_connect_timeout=0.5)
    try:
        client.ping()
    except redis.RedisError as error:
        skip_or_fail(f"Redis is not answering at {REDIS_URL}: {error}")
    return client


@pytest.fixture(scope="module")
def nodes(tmp_path_factory, django_db_setup, django_db_blocker, redis_database):
    """Nodes A and B, started side by side."""
    if not is_postgresql():
        pytest.skip("two nodes cannot share SQLite's in-memory test database: "
                    "run on PostgreSQL (DATABASE_URL), as CI does")  # fmt: skip
    folder = tmp_path_factory.mktemp("nodes")
    with django_db_blocker.unblock():
        database = database_for_nodes(folder)
    shared = {
        "DATABASE_URL": database, "CACHE_URL": REDIS_URL,
        # The same secret as this process: sessions made here are good on the nodes.
        "SECRET_KEY": settings.SECRET_KEY,
        "BROADSHEET_SCREENING_FLOOD_PER_MINUTE": str(FLOOD_LIMIT),
        # A person takes a while to write; this test's visitor does not.
        "BROADSHEET_SCREENING_MIN_SECONDS": "0",
    }  # fmt: skip
    started = [Node(folder, name, **shared).start() for name in ("a", "b")]
    try:
        for node in started:
            node.wait_until_answering()
        yield started
    finally:
        for node in started:
            node.stop()


@pytest.fixture(autouse=True)
def empty_shared_cache(redis_database):
    redis_database.flushdb()
    yield
    redis_database.flushdb()


def logged_in(user):
    """A browser whose session (in the shared database) belongs to `user`."""
    client = Client()
    client.force_login(user)
    visitor = Visitor()
    visitor.cookies[settings.SESSION_COOKIE_NAME] = client.cookies[
        settings.SESSION_COOKIE_NAME
    ].value
    return visitor


def send_comment(writer, node, post, body, **fields):
    """Open the post on `node`, fill in its comment form and send it, as a browser does."""
    page = writer.get(node.url + post.get_absolute_url())
    assert page.status_code == 200
    form = {**form_fields(page, "comment-form"), **NEWCOMER, "body": body, **fields}
    return writer.post(node.url + comment_url(post), form)


def test_a_comment_approved_through_one_node_shows_on_the_other_at_once(
    nodes, make_post, editor
):
    node_a, node_b = nodes
    post = make_post("The council votes tonight")
    sent = send_comment(Visitor(), node_a, post, "The vote was moved to Thursday.")
    assert sent.status_code == 302
    comment_id = int(sent["Location"].rpartition("#comment-")[2])
    reader = Visitor()
    reader.get(node_b.url + post.get_absolute_url())
    cached = reader.get(node_b.url + post.get_absolute_url())

    moderator_browser = logged_in(editor)
    changelist = f"{node_a.url}/admin/comments/comment/"
    moderator_browser.get(changelist)  # the page gives the browser its CSRF cookie
    approved = moderator_browser.post(changelist, {
        "action": "approve", "_selected_action": comment_id,
        "csrfmiddlewaretoken": moderator_browser.cookies["csrftoken"],
    })  # fmt: skip
    after = reader.get(node_b.url + post.get_absolute_url())

    assert cached["X-Page-Cache"] == "hit"
    assert "The vote was moved to Thursday." not in cached.text
    assert approved.status_code == 302
    assert after["X-Page-Cache"] == "miss"
    assert "The vote was moved to Thursday." in after.text
    assert "1 Comment" in after.text


def test_the_flood_limit_counts_comments_sent_to_either_node(nodes, make_post):
    post = make_post()
    writer = Visitor()

    answers = [
        send_comment(writer, node, post, f"Comment number {n}, sent to node {'AB'[n % 2]}.")
        for n, node in zip(range(FLOOD_LIMIT + 2), cycle(nodes), strict=False)
    ]

    statuses = [answer.status_code for answer in answers]
    assert statuses == [302] * (FLOOD_LIMIT + 2)
    assert all("#comment-" in answer["Location"] for answer in answers[:FLOOD_LIMIT])
    # The refused two are sent back to the form; the node that did not answer the last one
    # shows it with the message (the session that carries it is in the shared database).
    assert all(answer["Location"].endswith("#respond") for answer in answers[FLOOD_LIMIT:])
    other_node = nodes[FLOOD_LIMIT % 2]
    address = answers[-1]["Location"].partition("#")[0]
    assert FLOOD_MESSAGE in writer.get(other_node.url + address).text
    assert Comment.objects.filter(post=post).count() == FLOOD_LIMIT


def test_a_new_site_title_saved_through_one_node_shows_on_both(nodes, make_post, editor):
    node_a, node_b = nodes
    make_post("Something to show on the home page")
    reader = Visitor()
    before = {}
    for node in nodes:
        reader.get(f"{node.url}/")
        before[node.url] = reader.get(f"{node.url}/")

    editor_browser = logged_in(editor)
    opened = editor_browser.get(f"{node_b.url}/admin/blog/siteidentity/")  # opens the one row
    change_page = editor_browser.get(node_b.url + opened["Location"])
    form = {**form_fields(change_page, "siteidentity_form"), "title": "The Evening Ledger"}
    saved = editor_browser.post(node_b.url + opened["Location"], form)
    after = {node.url: reader.get(f"{node.url}/") for node in nodes}

    assert [page["X-Page-Cache"] for page in before.values()] == ["hit", "hit"]
    assert all("The Evening Ledger" not in page.text for page in before.values())
    assert saved.status_code == 302, saved.text
    for url in (node_a.url, node_b.url):
        assert "<title>The Evening Ledger" in after[url].text, url
