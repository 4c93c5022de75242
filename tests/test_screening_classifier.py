"""The classifier: abstains until trained, learns from moderators' decisions (reversals move
the counts, never double them), tells spam from ham, and a classifier trained only on
another site's comments holds but never marks spam."""

import random
from pathlib import Path

import pytest
from django.core.management import call_command

from comments.models import ClassifierState, Comment, TokenCount
from comments.screening import bayes, screen
from comments.screening.submission import Action
from tests.screening import submission

pytestmark = pytest.mark.django_db

LABELED = Path(__file__).parent / "data" / "labeled_comments.jsonl"

SPAM = [
    "Buy cheap pills online, no prescription needed! Best prices, click here now",
    "Win big at the online casino! Free bonus spins, click here to claim your bonus",
    "Cheap SEO services, we rank your website first, guaranteed results, click here",
    "Quick loans approved in minutes, no credit check, cheap rates, visit our site now",
]
HAM = [
    "I went to the council meeting and the minutes matched what I heard. Thank you.",
    "The library hours were shortened in our town too; I wonder whether the budget explains it.",
    "Could you publish the committee's answer when it arrives? I would like to read it.",
    "I disagree about the bypass: the road through our village floods every winter.",
]
SPAMMY = "Cheap pills and casino bonus online, click here now for free spins and best prices"
HAMMY = "I read the committee minutes too, and I think the council meeting was rushed."


@pytest.fixture(autouse=True)
def small_minimums(settings):
    settings.BROADSHEET_CLASSIFIER_MIN_TRAINING = 3
    settings.BROADSHEET_CLASSIFIER_MIN_OWN_TRAINING = 3


@pytest.fixture
def post(make_post):
    return make_post()


@pytest.fixture
def write(post):
    """A comment waiting for a moderator, as the form saves one."""

    def make(body, **fields):
        fields.setdefault("author_name", "A Writer")
        fields.setdefault("author_email", f"writer{Comment.objects.count()}@example.org")
        return Comment.objects.create(post=post, body=body, **fields)

    return make


def moderated(write, spam=SPAM, ham=HAM):
    for body in spam:
        write(body).mark_spam()
    for body in ham:
        write(body).approve()


def counts(token):
    row = TokenCount.objects.filter(token=token).values_list("spam", "ham").first()
    return row or (0, 0)


def state():
    row = ClassifierState.objects.first()
    return (row.spam, row.ham, row.own_spam, row.own_ham) if row else (0, 0, 0, 0)


def test_the_classifier_abstains_until_trained_on_enough_of_each_class(post, write):
    moderated(write, spam=SPAM, ham=HAM[:2])  # 4 spam, but only 2 ham of the 3 needed

    verdict = screen(submission(post, body=SPAMMY, author_email="new@example.net"))

    assert verdict.classifier_score is None
    assert not any(reason.startswith("classifier") for reason in verdict.reasons)


def test_approving_trains_ham_and_marking_spam_trains_spam(write):
    good = write("The minutes are online now")
    bad = write("Cheap pills online")

    good.approve()
    bad.mark_spam()

    assert counts("minutes") == (0, 1)
    assert counts("pills") == (1, 0)
    assert counts("online") == (1, 1)
    assert state() == (1, 1, 1, 1)
    good.refresh_from_db()
    bad.refresh_from_db()
    assert (good.trained_as, bad.trained_as) == ("ham", "spam")


def test_a_reversed_decision_moves_the_counts_and_never_counts_twice(write):
    comment = write("Cheap pills online")

    comment.approve()
    comment.mark_spam()
    assert counts("pills") == (1, 0)
    assert state() == (1, 0, 1, 0)

    comment.approve()
    assert counts("pills") == (0, 1)
    assert state() == (0, 1, 0, 1)


def test_the_same_decision_learned_twice_counts_once(write):
    from comments.screening import learn

    comment = write("Cheap pills online")
    comment.mark_spam()

    learn(comment, previous_status=Comment.Status.PENDING)

    assert counts("pills") == (1, 0)
    assert state() == (1, 0, 1, 0)


def test_back_to_pending_withdraws_the_training(write):
    spam, ham = write("Cheap pills online"), write("The minutes are online now")
    spam.mark_spam()
    ham.approve()

    spam.mark_not_spam()
    ham.unapprove()

    assert not TokenCount.objects.exists()
    assert state() == (0, 0, 0, 0)


def test_trash_keeps_what_the_comment_was_trained_as(write):
    comment = write("Cheap pills online")
    comment.mark_spam()

    comment.move_to_trash()

    assert counts("pills") == (1, 0)
    comment.refresh_from_db()
    assert comment.trained_as == "spam"


def test_after_training_a_spammy_comment_is_held_and_a_hammy_one_is_published(post, write):
    moderated(write)

    spammy = screen(submission(post, body=SPAMMY, author_email="new1@example.net"))
    hammy = screen(submission(post, body=HAMMY, author_email="new2@example.net"))

    assert spammy.classifier_score >= 0.9
    assert any(r.startswith(f"classifier {spammy.classifier_score:.2f}") for r in spammy.reasons)
    # The words alone are one kind of evidence: held for a moderator, not buried as spam.
    assert spammy.action == Action.HOLD
    assert "held, not spam: one kind of evidence only" in spammy.reasons
    assert hammy.action == Action.APPROVE
    assert hammy.classifier_score <= 0.1


def test_a_moderators_decision_counts_for_the_very_next_comment(post, write):
    # The counts a process has read are kept between comments: a decision must reach
    # them at once, on this worker and (through the training generation) on every other.
    moderated(write)
    pitch = "Our gardening club sells seedlings every Saturday, visit the market stall"
    before = bayes.spam_probability(submission(post, body=pitch))

    for n in range(3):
        write(f"{pitch} number {n}").mark_spam()

    after = bayes.spam_probability(submission(post, body=pitch))
    assert after > before + 0.2
    generation = ClassifierState.objects.get().generation
    write("I grew the seedlings you sold, thank you").approve()
    assert ClassifierState.objects.get().generation != generation


def test_a_new_word_whose_letters_resemble_spam_does_not_hold_a_readers_comment(
    post, write, settings
):
    moderated(write)

    # "priceless" was never trained, but its letter triples were, in "prices" (spam).
    verdict = screen(submission(post, body="I read the minutes. Priceless!",
                                author_email="new@example.net"))  # fmt: skip

    assert verdict.classifier_score > settings.BROADSHEET_CLASSIFIER_HAM_CUTOFF
    assert verdict.action == Action.APPROVE
    assert any(reason.startswith(f"classifier {verdict.classifier_score:.2f}, 0.")
               and " to publish" in reason for reason in verdict.reasons)  # fmt: skip


def test_the_reason_names_the_words_that_pushed_hardest_each_way(post, write):
    moderated(write)

    mixed = screen(submission(post, body="Click here for the council minutes",
                              author_email="new@example.net"))  # fmt: skip
    reason = next(r for r in mixed.reasons if r.startswith("classifier"))
    pushes = reason.partition(": ")[2].split(", ")

    toward_spam = [p for p in pushes if " +" in p]
    toward_ham = [p for p in pushes if " \u2212" in p]
    assert 0 < len(toward_spam) <= 3 and 0 < len(toward_ham) <= 3
    assert pushes == toward_spam + toward_ham  # spam's side first, strongest first
    assert any(p.startswith(("click", "here")) for p in toward_spam)
    assert any(p.startswith(("council", "minutes", "the council")) for p in toward_ham), reason


def test_a_spammy_comment_is_spam_when_another_check_agrees(post, write):
    moderated(write)
    write("Visit my shop", author_email="seller@shop.example").mark_spam()

    verdict = screen(submission(post, body=SPAMMY, author_email="seller@shop.example"))

    assert verdict.action == Action.SPAM
    assert "email marked spam once before" in verdict.reasons


def test_the_classifier_alone_marks_spam_only_beyond_the_sure_cutoff(post, write, settings):
    moderated(write)
    score = screen(submission(post, body=SPAMMY, author_email="a@example.net")).classifier_score

    settings.BROADSHEET_CLASSIFIER_SURE_CUTOFF = score
    assert screen(submission(post, body=SPAMMY, author_email="b@example.net")).action == "spam"
    settings.BROADSHEET_CLASSIFIER_SURE_CUTOFF = score + 0.001
    assert screen(submission(post, body=SPAMMY, author_email="c@example.net")).action == "hold"


def test_an_outside_trained_classifier_holds_but_never_marks_spam(post, write):
    call_command("train_spam", str(LABELED), stdout=open("/dev/null", "w"),
                 stderr=open("/dev/null", "w"))  # fmt: skip
    assert state()[2:] == (0, 0)  # nothing of the blog's own yet

    verdict = screen(submission(post, body=SPAMMY, author_email="new@example.net"))

    assert verdict.classifier_score >= 0.7
    assert verdict.action == Action.HOLD
    assert any("still learning" in reason for reason in verdict.reasons)


def test_an_outside_trained_classifier_may_mark_spam_once_moderators_here_trained_it(
    post, write
):
    call_command("train_spam", str(LABELED), stdout=open("/dev/null", "w"),
                 stderr=open("/dev/null", "w"))  # fmt: skip
    moderated(write, spam=SPAM[:3], ham=HAM[:3])

    verdict = screen(submission(post, body=SPAMMY, author_email="new@example.net"))

    assert verdict.action == Action.SPAM


def test_a_known_authors_history_pulls_a_classifier_spam_back_to_a_hold(post, write):
    moderated(write)
    write("An earlier good comment", author_email="regular@example.org").approve()

    verdict = screen(submission(post, body=SPAMMY, author_email="regular@example.org"))

    assert verdict.action == Action.HOLD


def test_tokens_name_the_links_the_writer_and_the_shapes_of_spam(post):
    message = submission(
        post,
        author_name="Cheap SEO",
        author_email="x@mail.spam.example",
        author_url="https://www.seo.example/offer",
        body='Visit <a href="http://deals.example/x">this</a> now for $500 a DAY!!!',
    )

    found = bayes.tokens(message)

    assert {"name:cheap", "name:seo", "email:mail.spam.example", "email:.example"} <= found
    assert {"site:seo.example", "url:deals.example", "shape:money", "shape:!!!"} <= found
    assert {"caps:day", "visit", "visit this"} <= found


def test_the_same_tokens_score_the_same_in_any_order():
    # A comment's tokens arrive in a different order when some were read before (kept in
    # memory) and some from the database: its score must not move with it.
    rng = random.Random(7)
    for _ in range(20):
        probabilities = [rng.uniform(0.01, 0.99) for _ in range(rng.randint(20, 400))]
        shuffled = probabilities[:]
        rng.shuffle(shuffled)

        assert bayes.combine(shuffled) == bayes.combine(probabilities)
