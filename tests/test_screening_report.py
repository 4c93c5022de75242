"""Explained verdicts: each comment says in one sentence why the screening decided what it did,
and `manage.py screening_report` counts, per check, how often moderators overruled it."""

from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import call_command
from django.utils import timezone

from comments.models import Comment
from tests.commenting import ADA, NEWCOMER, posted_comment

pytestmark = pytest.mark.django_db


@pytest.fixture
def post(make_post):
    return make_post("Parking charges")


def report(*args):
    out = StringIO()
    call_command("screening_report", *args, stdout=out)
    return out.getvalue()


def row(output, check):
    """The figures on `check`'s line: verdicts, overruled, spam rescued, approval withdrawn,
    hold approved."""
    line = next(line for line in output.splitlines() if line.startswith(check + " "))
    return [int(n) for n in line.split()[1:]]


def test_a_comment_says_why_in_one_sentence(client, post, write_comment):
    held = posted_comment(write_comment(post, "See https://a.example/ and https://b.example/",
                                        **NEWCOMER))  # fmt: skip

    assert held.verdict_sentence == (
        "Held for a moderator: 2 links; first comment from this address, with a link."
    )
    assert held.verdict_checks == ["links", "history"]


def test_the_moderator_reads_the_sentence_on_the_comments_page(
    client, post, write_comment, moderator
):
    held = posted_comment(write_comment(post, "See https://a.example/ and https://b.example/",
                                        **NEWCOMER))  # fmt: skip
    client.force_login(moderator)

    page = client.get(held.get_admin_url()).content.decode()

    assert "Held for a moderator: 2 links; first comment from this address, with a link." in page


def test_reversals_are_counted_against_the_checks_that_pushed_for_the_verdict(
    post, write_comment, regulars, moderator
):
    linked = "Two sources: https://a.example/ and https://b.example/"
    rescued_hold = posted_comment(write_comment(post, linked, **NEWCOMER))
    kept_hold = posted_comment(write_comment(post, linked + " again", **NEWCOMER))
    published = posted_comment(write_comment(post, "Well put.", **ADA))
    assert (published.verdict, published.verdict_checks) == ("approve", ["history"])

    rescued_hold.approve(by=moderator)
    kept_hold.mark_spam(by=moderator)
    published.mark_spam(by=moderator)

    output = report()
    assert row(output, "links") == [2, 1, 0, 0, 1]
    assert row(output, "history") == [3, 2, 0, 1, 1]


def test_only_the_last_days_count(post, write_comment, moderator):
    held = posted_comment(write_comment(post, "An opinion from a newcomer", **NEWCOMER))
    held.approve(by=moderator)
    Comment.objects.filter(pk=held.pk).update(submitted_at=timezone.now() - timedelta(days=40))

    assert "No screened comments in the last 30 days." in report()
    assert row(report("--days", "60"), "history")[:2] == [1, 1]
