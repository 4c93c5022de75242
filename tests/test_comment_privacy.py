"""Commenters' email addresses and IP addresses are stored for moderators and never shown on
a public page."""

import pytest
from django.test import Client

from comments.models import Comment
from tests.commenting import ADA, BOB, CY, NEWCOMER, outline, text

pytestmark = pytest.mark.django_db

WRITERS = [
    (ADA, "203.0.113.71"),
    (BOB, "198.51.100.82"),
    (CY, "2001:db8:85a3::8a2e:370:7334"),
    (NEWCOMER, "192.0.2.93"),
]


@pytest.fixture
def post(make_post, regulars, write_comment):
    post = make_post("Council minutes")
    for writer, ip in WRITERS:
        write_comment(
            post,
            f"{writer['author_name']} was here.",
            **writer,
            author_url=f"https://{writer['author_name'].lower()}.example.com/",
            meta={"REMOTE_ADDR": ip},
        )
    return post


def test_the_addresses_were_recorded_for_moderators(post):
    recorded = set(Comment.objects.filter(post=post).values_list("author_email", "ip_address"))

    assert recorded == {(writer["author_email"], ip) for writer, ip in WRITERS}


@pytest.mark.parametrize(
    "path",
    [
        lambda post: post.get_absolute_url(),
        lambda post: f"{post.get_absolute_url()}?replytocom={post.comments.approved().first().pk}",
        lambda post: "/",
    ],
    ids=["post page", "reply form", "home page"],
)
def test_emails_and_ip_addresses_never_appear_on_public_pages(post, path):
    page = text(Client().get(path(post)))

    for writer, ip in WRITERS:
        assert writer["author_email"] not in page
        assert writer["author_email"].split("@")[0] + "@" not in page
        assert ip not in page
    assert "Council minutes" in page


def test_the_public_sees_names_websites_and_words(post):
    page = Client().get(post.get_absolute_url())

    assert outline(page) == [
        "#1 Ada: Ada was here.",
        "#2 Bob: Bob was here.",
        "#3 Cy: Cy was here.",
    ]
    assert 'href="https://bob.example.com/"' in text(page)


def test_a_writer_sees_no_other_writers_address(client, post):
    # `client` wrote every comment, and sees Nell's held one; still no addresses but its own
    # details in the form, if it asked to have them saved (it did not).
    page = text(client.get(post.get_absolute_url()))

    assert "Nell was here." in page
    for writer, ip in WRITERS:
        assert writer["author_email"] not in page
        assert ip not in page
