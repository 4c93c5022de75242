"""Who is published at once: a writer whose address already has an approved comment, and the
post's author or a moderator writing while logged in. Everyone else waits for a moderator."""

import pytest
from django.test import Client

from comments.models import Comment
from tests.commenting import ADA, NEWCOMER, outline, posted_comment

pytestmark = pytest.mark.django_db


@pytest.fixture
def post(make_post, regulars):
    return make_post("Election night")


def test_a_first_comment_from_an_address_waits_for_a_moderator(post, write_comment):
    comment = posted_comment(write_comment(post, "Hello from a newcomer.", **NEWCOMER))

    assert comment.status == Comment.Status.PENDING
    assert "Hello from a newcomer." not in Client().get(post.get_absolute_url()).content.decode()


def test_a_comment_from_an_address_with_an_approved_comment_is_published(post, write_comment):
    write_comment(post, "Ada again, with her address in capitals.", author_email="ADA@Example.ORG")

    assert outline(Client().get(post.get_absolute_url())) == [
        "#1 Ada: Ada again, with her address in capitals."
    ]


def test_comments_still_waiting_do_not_make_an_address_known(post, write_comment):
    write_comment(post, "First try.", **NEWCOMER)

    second = posted_comment(write_comment(post, "Second try.", **NEWCOMER))

    assert second.status == Comment.Status.PENDING


def test_once_a_moderator_approves_a_first_comment_the_next_is_published(
    post, write_comment, moderator
):
    posted_comment(write_comment(post, "First try.", **NEWCOMER)).approve(by=moderator)

    second = posted_comment(write_comment(post, "Second try.", **NEWCOMER))

    assert second.status == Comment.Status.APPROVED


def test_the_posts_author_is_published_at_once_with_an_author_badge(
    client, post, author, write_comment
):
    client.force_login(author)

    write_comment(post, "Thanks for reading.", author_name="Wren Writer",
                  author_email="wren.elsewhere@example.org")  # fmt: skip
    write_comment(post, "A reader's view.", **ADA, by=Client())

    assert outline(Client().get(post.get_absolute_url())) == [
        "#1 Wren Writer [Author]: Thanks for reading.",
        "#2 Ada: A reader's view.",
    ]


def test_a_moderator_is_published_at_once_without_an_author_badge(
    client, post, moderator, write_comment
):
    client.force_login(moderator)

    write_comment(post, "Please keep it civil.", author_name="Mona",
                  author_email="mona.elsewhere@example.org")  # fmt: skip

    assert outline(Client().get(post.get_absolute_url())) == ["#1 Mona: Please keep it civil."]


def test_a_logged_in_reader_is_screened_like_anyone(client, post, reader, write_comment):
    client.force_login(reader)

    comment = posted_comment(
        write_comment(
            post, "Logged in, first time.", author_name="Reader", author_email="reader@example.org"
        )
    )

    assert comment.status == Comment.Status.PENDING
    assert comment.user == reader


def test_the_post_author_badge_needs_the_authors_login_not_their_name(post, write_comment):
    write_comment(post, "I am the author, honest.", author_name="Wren Writer",
                  author_email="ada@example.org")  # fmt: skip

    assert outline(Client().get(post.get_absolute_url())) == [
        "#1 Wren Writer: I am the author, honest."
    ]
