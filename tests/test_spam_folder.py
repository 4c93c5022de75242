"""The spam folder in the admin: sortable by the classifier's score, most ham-like first."""

import pytest
from django.urls import reverse

from comments.models import Comment, ScreeningRule

pytestmark = pytest.mark.django_db


def test_spam_list_sorts_most_ham_like_first(client, editor, make_post):
    post = make_post()
    for body, score in [("likely spam", 0.99), ("probably ham", 0.12), ("unsure", 0.6)]:
        Comment.objects.create(post=post, body=body, status="spam", classifier_score=score)
    Comment.objects.create(post=post, body="approved one", status="approved", classifier_score=0.01)
    client.force_login(editor)
    changelist = reverse("admin:comments_comment_changelist")
    columns = client.get(changelist).context["cl"].list_display

    response = client.get(
        changelist, {"status__exact": "spam", "o": columns.index("spam_score")}
    )

    bodies = [comment.body for comment in response.context["cl"].result_list]
    assert bodies == ["probably ham", "unsure", "likely spam"]
    assert "0.12" in response.content.decode()


def test_comment_list_shows_pending_first(client, editor, make_post):
    post = make_post()
    Comment.objects.create(post=post, body="older pending", status="pending")
    Comment.objects.create(post=post, body="newer approved", status="approved")
    client.force_login(editor)

    response = client.get(reverse("admin:comments_comment_changelist"))

    bodies = [comment.body for comment in response.context["cl"].result_list]
    assert bodies == ["older pending", "newer approved"]


def test_blocklist_entries_are_added_in_the_admin_and_used_at_once(client, editor, make_post):
    client.force_login(editor)

    response = client.post(
        reverse("admin:comments_screeningrule_add"),
        {"list": "block", "kind": "ip", "value": " 203.0.113.0/24 ", "note": "botnet"},
    )
    refused = client.post(
        reverse("admin:comments_screeningrule_add"),
        {"list": "block", "kind": "ip", "value": "not-an-ip", "note": ""},
    )

    assert response.status_code == 302
    assert ScreeningRule.objects.get().value == "203.0.113.0/24"
    assert "Not an IP address or CIDR range." in refused.content.decode()
