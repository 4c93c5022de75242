"""How the checks combine: order, precedence, scores, and what is stored on the comment."""

import pytest
from django.urls import reverse

from comments.models import Comment, ScreeningRule
from comments.screening import Submission, screen
from comments.screening.submission import Action, Signal
from tests.commenting import sent_back
from tests.screening import form_data, submission

pytestmark = pytest.mark.django_db


class Says:
    """A stand-in check for precedence tests: says what it is told to."""

    signal = None
    calls = 0

    def __call__(self, submission):
        type(self).calls += 1
        return type(self).signal


class SaysSpam(Says):
    signal = Signal("test: spam", action=Action.SPAM)


class SaysHold(Says):
    signal = Signal("test: hold", action=Action.HOLD, held_reason="it needs a second look")


class SaysScore7(Says):
    signal = Signal("test: +7", score=7.0)


class SaysScore12(Says):
    signal = Signal("test: +12", score=12.0)


class SaysOverwhelming12(Says):
    signal = Signal("test: +12, sure", score=12.0, overwhelming=True)


class Counts(Says):
    signal = None


def path(cls):
    return f"{__name__}.{cls.__name__}"


@pytest.fixture
def post(make_post):
    return make_post()


def test_a_spam_verdict_stops_the_run_before_later_checks(post, settings):
    Counts.calls = 0
    settings.BROADSHEET_SCREENING_CHECKS = [path(SaysSpam), path(Counts)]

    verdict = screen(submission(post))

    assert verdict.action == Action.SPAM
    assert Counts.calls == 0


def test_a_hold_is_a_floor_that_later_scores_can_raise_to_spam(post, settings):
    settings.BROADSHEET_SCREENING_SPAM_SCORE = 10
    settings.BROADSHEET_SCREENING_CHECKS = [path(SaysHold), path(SaysScore7), path(SaysScore7)]

    verdict = screen(submission(post))

    assert verdict.action == Action.SPAM
    assert verdict.score == 14
    assert verdict.reasons == ("test: hold", "test: +7", "test: +7")


def test_one_check_alone_past_the_spam_line_holds(post, settings):
    settings.BROADSHEET_SCREENING_CHECKS = [path(SaysScore12)]

    verdict = screen(submission(post))

    assert verdict.action == Action.HOLD
    assert verdict.reasons == ("test: +12", "held, not spam: one kind of evidence only")


def test_one_check_past_the_spam_line_is_spam_when_it_is_overwhelming(post, settings):
    settings.BROADSHEET_SCREENING_CHECKS = [path(SaysOverwhelming12)]

    assert screen(submission(post)).action == Action.SPAM


def test_scores_below_the_spam_line_hold(post, settings):
    settings.BROADSHEET_SCREENING_CHECKS = [path(SaysScore7)]

    assert screen(submission(post)).action == Action.HOLD


def test_hold_reasons_reach_the_writer(post, settings):
    settings.BROADSHEET_SCREENING_CHECKS = [path(SaysHold)]

    assert screen(submission(post)).held_reasons == ("it needs a second look",)


def test_honeypot_wins_over_a_blocklist_and_a_flood(post, settings):
    ScreeningRule.objects.create(list="block", kind="word", value="minutes")

    verdict = screen(submission(post, honeypot="filled"))

    assert verdict.reasons == ("honeypot field filled in",)


def test_blocklist_wins_over_a_known_writer(post):
    Comment.objects.create(post=post, author_name="D", author_email="dana@example.net",
                           body="earlier", status=Comment.Status.APPROVED)  # fmt: skip
    ScreeningRule.objects.create(list="block", kind="email", value="dana@example.net")

    assert screen(submission(post)).action == Action.SPAM


def test_screening_is_a_pure_judgement_that_saves_nothing(post):
    screen(submission(post))

    assert Comment.objects.count() == 0


# --- through the comment form


def test_verdict_score_and_reasons_are_stored_on_the_comment(client, post):
    response = client.post(
        reverse("comments:post", args=[post.pk]),
        form_data(post, body="See https://a.example/1 and https://b.example/2 please"),
    )

    comment = Comment.objects.get()
    assert response.status_code == 302
    assert comment.status == Comment.Status.PENDING
    assert comment.verdict == "hold"
    assert "2 links" in comment.reasons
    assert "first comment from this address, with a link" in comment.reasons
    assert comment.held_reasons == ["it contains 2 links", "it is your first comment here"]


def test_held_writer_reads_why_next_to_awaiting_moderation(client, post):
    response = client.post(
        reverse("comments:post", args=[post.pk]),
        form_data(post, body="Links: https://a.example/1 https://b.example/2 https://c.example/3"),
        follow=True,
    )

    page = response.content.decode()
    assert "Your comment is awaiting moderation." in page
    assert "It was held because it contains 3 links, and it is your first comment here." in page


def test_spam_verdict_looks_like_a_hold_to_its_writer(client, post):
    response = client.post(
        reverse("comments:post", args=[post.pk]),
        form_data(post, website_confirm="http://bot.example"),
        follow=True,
    )

    comment = Comment.objects.get()
    page = response.content.decode()
    assert comment.status == Comment.Status.SPAM
    assert "Your comment is awaiting moderation." in page
    assert "It was held because it is your first comment here." in page
    assert "honeypot" not in page and "spam" not in page.lower().split("comments are screened")[0]


def test_rejected_comment_keeps_the_readers_text_and_says_why(client, post, settings):
    settings.BROADSHEET_SCREENING_FLOOD_PER_MINUTE = 1
    url = reverse("comments:post", args=[post.pk])
    client.post(url, form_data(post, body="First of two."))

    response = client.post(url, form_data(post, body="Second, too soon."), follow=True)

    page = response.content.decode()
    sent_back(response)
    assert "You are posting comments too quickly. Slow down." in page
    assert "Second, too soon." in page
    assert Comment.objects.count() == 1


def test_a_bot_posting_without_the_form_gets_a_silent_spam_verdict(client, post):
    response = client.post(
        reverse("comments:post", args=[post.pk]),
        {"author_name": "Bot", "author_email": "bot@example.com", "body": "Great post!"},
    )

    assert response.status_code == 302
    assert Comment.objects.get().status == Comment.Status.SPAM


def test_submission_is_immutable(post):
    item = submission(post)
    with pytest.raises(AttributeError):
        item.body = "changed"
    assert isinstance(item, Submission)
