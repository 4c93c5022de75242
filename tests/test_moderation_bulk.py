"""Moderating in bulk costs a handful of queries, however many comments are selected."""

import pytest
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.db import connection
from django.test.utils import CaptureQueriesContext

from comments.models import ClassifierState, Comment

pytestmark = pytest.mark.django_db


def held_comments(post, count, subscribed=False):
    return [
        Comment.objects.create(
            post=post, author_name=f"Reader {n}", author_email=f"reader{n}@example.org",
            body=f"A first comment, number {n}.", status=Comment.Status.PENDING,
            notify_replies=subscribed,
        )  # fmt: skip
        for n in range(count)
    ]


def approve_in_admin(client, comments):
    with CaptureQueriesContext(connection) as queries:
        response = client.post(
            "/admin/comments/comment/",
            {"action": "approve", ACTION_CHECKBOX_NAME: [c.pk for c in comments]},
        )
    assert response.status_code == 302
    return len(queries)


def test_approving_100_comments_costs_the_same_queries_as_approving_10(
    client, moderator, make_post
):
    client.force_login(moderator)
    # The first training ever writes the classifier's row of totals: not part of the measure.
    approve_in_admin(client, held_comments(make_post("One comment"), 1))
    few = approve_in_admin(client, held_comments(make_post("Ten comments"), 10))
    many = approve_in_admin(client, held_comments(make_post("A hundred comments"), 100))

    # Flat in the number of comments: ten times the selection, not ten times the queries
    # (moderating one comment at a time cost about 13 queries a comment).
    assert many <= few + 1
    assert Comment.objects.approved().count() == 111


def test_a_bulk_approval_is_shown_trained_on_and_announced(client, moderator, make_post,
                                                          mailoutbox):  # fmt: skip
    post = make_post("The bypass, again")
    comments = held_comments(post, 30)
    client.force_login(moderator)
    approve_in_admin(client, comments)

    page = client.get(post.get_absolute_url()).content.decode()
    assert page.count("A first comment, number") == 30
    assert "awaiting moderation" not in page
    assert ClassifierState.objects.get().own_ham == 30
    assert set(Comment.objects.values_list("trained_as", flat=True)) == {"ham"}
    assert all(c.announced for c in Comment.objects.all())
    assert {c.status_changed_by for c in Comment.objects.all()} == {moderator}


def test_marking_spam_after_approval_moves_the_training_in_one_act(client, moderator,
                                                                   make_post):  # fmt: skip
    comments = held_comments(make_post("Spam wave"), 20)
    Comment.objects.filter(pk__in=[c.pk for c in comments]).moderate(Comment.Status.APPROVED)
    moved = Comment.objects.all().moderate(Comment.Status.SPAM, by=moderator)

    state = ClassifierState.objects.get()
    assert len(moved) == 20
    assert (state.own_ham, state.own_spam) == (0, 20)
    assert Comment.objects.filter(status=Comment.Status.SPAM).count() == 20
