"""What the checks look up is stored with each comment when it is saved (the body hash, the
domains it links to, with a copy of its status), so screening asks indexes, never reads
the spam folder's bodies, and follows every way a comment's status changes."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from comments.models import Comment, LinkedDomain
from comments.screening import screen
from comments.screening.submission import Action
from tests.screening import submission

pytestmark = pytest.mark.django_db

CAMPAIGN = "Earn a steady income from home, my aunt did it in two weeks, ask me how"


@pytest.fixture
def post(make_post):
    return make_post("Parking charges")


def spam_comment(post, body, **fields):
    fields.setdefault("author_email", "old@spam.example")
    comment = Comment.objects.create(post=post, author_name="Old", body=body, **fields)
    comment.mark_spam()
    return comment


def says(verdict, words):
    return any(words in reason for reason in verdict.reasons)


def domains_marked_spam():
    return set(LinkedDomain.objects.filter(status="spam").values_list("domain", flat=True))


def test_a_link_domain_follows_its_comment_in_and_out_of_the_spam_folder(post):
    comment = Comment.objects.create(
        post=post, author_name="Old", body="Deals at https://watches.example/deal",
        author_url="https://www.shop.example/",
    )  # fmt: skip
    assert domains_marked_spam() == set()

    comment.mark_spam()
    assert domains_marked_spam() == {"watches.example", "shop.example"}

    comment.mark_not_spam()
    assert domains_marked_spam() == set()

    Comment.objects.filter(pk=comment.pk).update(status=Comment.Status.SPAM)
    assert domains_marked_spam() == {"watches.example", "shop.example"}

    comment.body = "Edited: nothing linked any more"
    comment.author_url = ""
    comment.save()
    assert domains_marked_spam() == set()


def test_a_link_domain_of_spam_is_found_and_a_deleted_spams_is_forgotten(post):
    spam = spam_comment(post, "Cheap watches at https://watches.example/deal")

    def looking():
        return submission(post, author_email="new@example.net",
                          body="Look: https://watches.example/new")  # fmt: skip

    assert says(screen(looking()), "link domain watches.example marked spam before")

    spam.delete()
    assert not says(screen(looking()), "watches.example")


def test_comments_created_in_bulk_store_the_same_lookups(post):
    made = Comment.objects.bulk_create([
        Comment(post=post, author_name="Bulk", author_email="Bulk@Example.net",
                body="Visit https://bulk.example/x", status=Comment.Status.SPAM),
    ])  # fmt: skip

    saved = Comment.objects.create(post=post, author_name="Saved", body="Visit https://bulk.example/x")
    made[0].refresh_from_db()
    assert made[0].body_hash == saved.body_hash != ""
    assert made[0].author_email == "bulk@example.net"
    assert domains_marked_spam() == {"bulk.example"}


def test_the_same_text_as_spam_before_is_a_kind_of_evidence(post):
    spam_comment(post, CAMPAIGN)

    verdict = screen(submission(post, author_email="new@example.net",
                                body=CAMPAIGN.upper().replace(" ", "  ")))  # fmt: skip

    assert says(verdict, "the same text was marked spam before")
    assert verdict.action == Action.HOLD  # one kind of evidence alone holds


def test_a_short_everyday_text_shared_with_spam_says_nothing(post):
    spam_comment(post, "Great post, thanks!")

    verdict = screen(submission(post, author_email="new@example.net", body="Great post, thanks!"))

    assert not says(verdict, "same text")


def test_a_campaigns_text_from_a_known_spammer_is_spam(post):
    spam_comment(post, CAMPAIGN, author_email="aunt@spam.example")

    verdict = screen(submission(post, author_email="aunt@spam.example", body=CAMPAIGN + "!"))
    assert verdict.action == Action.HOLD  # not the same text: a known spammer alone holds

    spam_comment(post, CAMPAIGN + "!", author_email="other@spam.example")
    verdict = screen(submission(post, author_email="aunt@spam.example", body=CAMPAIGN + "!"))
    assert verdict.action == Action.SPAM


def test_screening_never_reads_the_spam_folders_bodies(post):
    for n in range(3):
        spam_comment(post, f"Spam number {n} at https://spam{n}.example/", ip_address="203.0.113.9")

    with CaptureQueriesContext(connection) as queries:
        screen(submission(post, body="A reply linking https://spam1.example/ and more words"))

    sql = " ".join(query["sql"] for query in queries).upper()
    assert " LIKE " not in sql
    assert '"BODY"' not in sql.replace('"BODY_HASH"', "")


def test_the_writer_text_and_links_are_looked_up_in_one_query(post):
    spam_comment(post, "Buy now at https://spam1.example/", ip_address="203.0.113.9")

    with CaptureQueriesContext(connection) as queries:
        verdict = screen(submission(post, body="See https://spam1.example/ for more, friends"))

    assert says(verdict, "link domain spam1.example marked spam before")
    stored = [q for q in queries if "comments_comment" in q["sql"] or "linkeddomain" in q["sql"]]
    assert len(stored) == 1

