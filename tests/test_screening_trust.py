"""Graduated trust: a writer's approved comments (same email, any case) earn trust, more with
each one; a spam verdict or a moderator's "spam" resets it; trust skips the classifier's
doubts, never the link count or the lists; staff, logged in, are published."""

import pytest

from comments.models import Comment, ScreeningRule
from comments.screening import screen
from comments.screening.submission import Action
from tests.screening import submission

pytestmark = pytest.mark.django_db

SPAMMY = ["Cheap pills online, click here now", "Casino bonus spins, click here to win",
          "Cheap loans approved fast, click here"]  # fmt: skip
HAMMY = ["The council minutes matched what I heard", "Our library hours were cut as well",
         "I would like to read the committee's answer"]  # fmt: skip
DOUBTED = "Click here for the council minutes, cheap to print"


@pytest.fixture(autouse=True)
def no_flood_limit(settings):
    settings.BROADSHEET_SCREENING_FLOOD_PER_MINUTE = 0  # one writer is screened many times here


@pytest.fixture
def post(make_post):
    return make_post("Parking charges")


@pytest.fixture
def doubting_classifier(post, settings):
    """A trained classifier whose every verdict falls in its unsure band (a hold)."""
    settings.BROADSHEET_CLASSIFIER_MIN_TRAINING = 3
    settings.BROADSHEET_CLASSIFIER_MIN_OWN_TRAINING = 3
    settings.BROADSHEET_CLASSIFIER_HAM_CUTOFF = 0.0
    settings.BROADSHEET_CLASSIFIER_SPAM_CUTOFF = 1.01
    for n, body in enumerate(SPAMMY):
        write(post, body, f"spammer{n}@spam.example").mark_spam()
    for n, body in enumerate(HAMMY):
        write(post, body, f"reader{n}@example.org").approve()


def write(post, body, email):
    return Comment.objects.create(post=post, author_name="Writer", author_email=email, body=body)


def approve_comments_from(post, email, count):
    for _ in range(count):
        n = Comment.objects.count()
        write(post, f"My comment number {n} on the parking charges", email).approve()


def says(verdict, words):
    return any(words in reason for reason in verdict.reasons)


def test_a_newcomer_the_classifier_doubts_is_held_and_a_known_writer_published(
    post, doubting_classifier
):
    approve_comments_from(post, "Known@Example.net", 1)

    newcomer = screen(submission(post, body=DOUBTED, author_email="new@example.net"))
    known = screen(submission(post, body=DOUBTED, author_email="known@example.NET"))

    assert newcomer.action == Action.HOLD
    assert known.action == Action.APPROVE
    assert says(known, "1 approved comment before")


def test_trust_grows_with_each_approved_comment(post, settings):
    scores = []
    for _ in range(4):
        scores.append(screen(submission(post, author_email="grows@example.net")).score)
        approve_comments_from(post, "grows@example.net", 1)
    scores.append(screen(submission(post, author_email="grows@example.net")).score)

    assert scores == [0, -6, -8, -10, -12]
    approve_comments_from(post, "grows@example.net", 10)
    assert screen(submission(post, author_email="grows@example.net")).score == -16


def test_more_trust_publishes_what_the_classifier_leans_against(post, doubting_classifier):
    def from_(email):
        return screen(submission(post, body=SPAMMY[0] + " today", author_email=email))

    assert from_("x@example.net").score == 5  # the classifier leans to spam: half the spam score
    approve_comments_from(post, "leans@example.net", 1)
    assert from_("leans@example.net").action == Action.HOLD
    approve_comments_from(post, "leans@example.net", 2)
    assert from_("leans@example.net").action == Action.APPROVE


def test_a_moderators_spam_resets_the_trust_and_new_approvals_rebuild_it(
    post, doubting_classifier
):
    approve_comments_from(post, "fallen@example.net", 3)
    write(post, "Buy my course", "fallen@example.net").mark_spam()

    verdict = screen(submission(post, body=DOUBTED, author_email="fallen@example.net"))
    assert verdict.action == Action.HOLD
    assert not says(verdict, "approved comment")

    approve_comments_from(post, "fallen@example.net", 1)
    verdict = screen(submission(post, body=DOUBTED, author_email="fallen@example.net"))
    assert says(verdict, "1 approved comment before")


def test_a_spam_verdict_resets_the_trust_too(post):
    approve_comments_from(post, "verdict@example.net", 2)
    Comment.objects.create(post=post, author_name="W", author_email="verdict@example.net",
                           body="Caught by the screening", status=Comment.Status.SPAM)  # fmt: skip

    verdict = screen(submission(post, author_email="verdict@example.net"))

    assert not says(verdict, "approved comment")


def test_trust_never_skips_the_link_count_or_the_moderation_list(post):
    approve_comments_from(post, "trusted@example.net", 10)
    ScreeningRule.objects.create(list="moderate", kind="word", value="parking fines")

    links = screen(submission(post, author_email="trusted@example.net",
                              body="See https://a.example/ and https://b.example/"))  # fmt: skip
    listed = screen(submission(post, author_email="trusted@example.net",
                               body="Who collects the parking fines?"))  # fmt: skip
    plain = screen(submission(post, author_email="trusted@example.net"))

    assert links.action == Action.HOLD
    assert listed.action == Action.HOLD
    assert plain.action == Action.APPROVE


def test_a_logged_in_staff_member_is_published(post, django_user_model):
    staff = django_user_model.objects.create_user("staff", "staff@example.org", "pw", is_staff=True)
    reader = django_user_model.objects.create_user("reader", "reader@example.org", "pw")

    assert screen(submission(post, user=staff)).action == Action.APPROVE
    assert says(screen(submission(post, user=staff)), "written by a staff member")
    assert screen(submission(post, user=reader)).action == Action.HOLD
