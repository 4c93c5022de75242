"""Spam and trash are deleted after their retention periods; nothing readers see goes
with them."""

from datetime import timedelta

import pytest
from django.core.management import call_command
from django.utils import timezone

from comments.models import Comment

pytestmark = pytest.mark.django_db


@pytest.fixture
def post(make_post):
    return make_post()


def test_purge_spam_deletes_spam_older_than_the_retention_only(post, settings):
    settings.BROADSHEET_SPAM_RETENTION_DAYS = 15
    now = timezone.now()

    def comment(status, days_old):
        return Comment.objects.create(post=post, body=f"{status} {days_old}", status=status,
                                      submitted_at=now - timedelta(days=days_old))  # fmt: skip

    old_spam, new_spam = comment("spam", 16), comment("spam", 14)
    old_ham, old_pending = comment("approved", 100), comment("pending", 100)

    call_command("purge_spam")
    call_command("purge_spam")  # safe to run again

    remaining = set(Comment.objects.values_list("pk", flat=True))
    assert remaining == {new_spam.pk, old_ham.pk, old_pending.pk}
    assert old_spam.pk not in remaining


def test_purging_a_spam_comment_keeps_the_approved_replies_under_it(client, post):
    old = timezone.now() - timedelta(days=30)
    parent = Comment.objects.create(post=post, body="Was fine, later marked spam",
                                    status="spam", submitted_at=old)  # fmt: skip
    reply = Comment.objects.create(post=post, parent=parent, author_name="Replier",
                                   body="A reply readers can see.", status="approved",
                                   submitted_at=old)  # fmt: skip

    call_command("purge_spam")

    assert not Comment.objects.filter(pk=parent.pk).exists()
    reply.refresh_from_db()
    assert reply.parent is None
    assert "A reply readers can see." in client.get(post.get_absolute_url()).content.decode()


def test_empty_trash_deletes_trash_older_than_its_retention_only(post, settings):
    settings.BROADSHEET_TRASH_RETENTION_DAYS = 30
    now = timezone.now()
    old_trash = Comment.objects.create(post=post, body="old", status="trash",
                                       submitted_at=now - timedelta(days=31))  # fmt: skip
    new_trash = Comment.objects.create(post=post, body="new", status="trash",
                                       submitted_at=now - timedelta(days=29))  # fmt: skip
    old_spam = Comment.objects.create(post=post, body="spam", status="spam",
                                      submitted_at=now - timedelta(days=31))  # fmt: skip

    call_command("empty_trash")

    remaining = set(Comment.objects.values_list("pk", flat=True))
    assert remaining == {new_trash.pk, old_spam.pk}
    assert old_trash.pk not in remaining


def test_privacy_page_states_the_retention_and_screening_in_force(client, db, settings):
    settings.BROADSHEET_SPAM_RETENTION_DAYS = 12
    settings.BROADSHEET_TRASH_RETENTION_DAYS = 40
    settings.BROADSHEET_EMAIL_RETENTION_DAYS = 9
    settings.BROADSHEET_IP_RETENTION_DAYS = 21
    settings.AKISMET_API_KEY = ""

    def page():
        return " ".join(client.get("/privacy/").content.decode().split())

    without_akismet = page()
    settings.AKISMET_API_KEY = "some-key"
    with_akismet = page()

    assert "deleted 12 days after they were posted" in without_akismet
    assert "moved to the trash after 40 days" in without_akismet
    assert "deleted 9 days after it was written" in without_akismet
    assert "browser string of every comment are cleared 21 days after it was posted" in (
        without_akismet
    )
    assert "not sent to any outside service" in without_akismet
    assert "Akismet" in with_akismet and "Automattic" in with_akismet
