"""A database that refuses to write never eats a comment silently: the reader is told it was
not posted and gets the text back to try again."""

from contextlib import contextmanager

import pytest
from django.db import connection

from comments.models import Comment
from tests.commenting import comment_url, reader_form, text


@contextmanager
def database_refuses_writes():
    """Make the real database refuse writes for a while (not a stand-in)."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SET default_transaction_read_only = on")
        else:
            cursor.execute("PRAGMA query_only = ON")
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            if connection.vendor == "postgresql":
                cursor.execute("SET default_transaction_read_only = off")
            else:
                cursor.execute("PRAGMA query_only = OFF")


@pytest.mark.django_db(transaction=True)
def test_a_comment_the_database_cannot_save_comes_back_with_its_text(client, make_post):
    post = make_post()
    body = "A long, careful comment about the bypass that took me twenty minutes to write."

    with database_refuses_writes():
        response = client.post(comment_url(post), reader_form(post, body))

    assert response.status_code == 503
    assert "could not be saved just now" in text(response)
    assert "Nothing was posted" in text(response)
    assert body in text(response)
    assert Comment.objects.count() == 0

    retry = client.post(comment_url(post), reader_form(post, body))

    assert retry.status_code == 302
    assert Comment.objects.get().body == body
