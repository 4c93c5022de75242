"""Each check of the screening pipeline, alone (the others see nothing to object to)."""

import time

import pytest
from django.core import signing

from comments.models import Comment, ScreeningRule
from comments.screening import screen
from comments.screening.checks.timestamp import FORM_TOKEN_SALT, make_form_token
from comments.screening.submission import Action
from tests.screening import submission

pytestmark = pytest.mark.django_db


@pytest.fixture
def post(make_post):
    return make_post("Parking charges")


def approved_comment(post, email="regular@example.net", **fields):
    fields.setdefault("body", "An earlier approved comment.")
    comment = Comment(post=post, author_name="Regular", author_email=email, **fields)
    comment.status = Comment.Status.APPROVED
    comment.save()
    return comment


# --- honeypot


def test_filled_honeypot_is_spam(post):
    verdict = screen(submission(post, honeypot="http://cheap-pills.example"))

    assert verdict.action == Action.SPAM
    assert "honeypot field filled in" in verdict.reasons


def test_filled_honeypot_tells_the_writer_only_what_a_hold_would(post):
    spam = screen(submission(post, honeypot="x"))
    held = screen(submission(post))

    assert spam.held_reasons == held.held_reasons == ("it is your first comment here",)


# --- signed form timestamp


def test_form_posted_too_fast_is_spam(post, settings):
    settings.BROADSHEET_SCREENING_MIN_SECONDS = 3

    verdict = screen(submission(post, form_token=make_form_token(post, now=time.time() - 1)))

    assert verdict.action == Action.SPAM
    assert "after the form was shown" in verdict.reasons[0]


def test_form_posted_after_the_minimum_passes_the_timestamp_check(post, settings):
    settings.BROADSHEET_SCREENING_MIN_SECONDS = 3

    verdict = screen(submission(post, form_token=make_form_token(post, now=time.time() - 4)))

    assert verdict.action == Action.HOLD  # a first comment: held, not spam


def test_expired_form_token_is_spam(post, settings):
    settings.BROADSHEET_SCREENING_TOKEN_MAX_DAYS = 7
    old = make_form_token(post, now=time.time() - 8 * 86400)

    verdict = screen(submission(post, form_token=old))

    assert verdict.action == Action.SPAM
    assert "days old" in verdict.reasons[0]


@pytest.mark.parametrize(
    "token",
    [
        "",
        "not-a-token",
        signing.dumps({"post": 1, "t": 0}, salt="some-other-salt"),
    ],
)
def test_missing_or_forged_token_is_spam(post, token):
    verdict = screen(submission(post, form_token=token))

    assert verdict.action == Action.SPAM
    assert verdict.reasons == ("form token missing or forged",)


def test_tampered_token_is_spam(post):
    token = make_form_token(post, now=time.time() - 60)
    tampered = token[:-3] + ("AAA" if not token.endswith("AAA") else "BBB")

    assert screen(submission(post, form_token=tampered)).action == Action.SPAM


def test_token_for_another_post_is_spam(post, make_post):
    other = make_post("Another")
    token = signing.dumps({"post": other.pk, "t": int(time.time()) - 60}, salt=FORM_TOKEN_SALT)

    verdict = screen(submission(post, form_token=token))

    assert verdict.action == Action.SPAM
    assert verdict.reasons == ("form token is for another post",)


# --- duplicate


def test_same_body_from_same_email_on_same_post_is_rejected(post):
    approved_comment(post, email="dana@example.net", body="Publish the minutes!")

    verdict = screen(submission(post, body="  publish the   minutes! "))

    assert verdict.action == Action.REJECT
    assert "already posted this comment" in verdict.message


def test_same_body_on_another_post_or_from_another_email_is_not_a_duplicate(post, make_post):
    approved_comment(make_post("Other post"), email="dana@example.net", body="Publish them!")
    approved_comment(post, email="someone-else@example.net", body="Publish them!")

    verdict = screen(submission(post, body="Publish them!"))

    assert verdict.action != Action.REJECT


# --- blocklist and moderation list


@pytest.mark.parametrize(
    ("kind", "value", "fields"),
    [
        ("word", "casino", {"body": "Best CASINO bonus here"}),
        ("word", "viagra", {"author_name": "Buy Viagra"}),
        ("ip", "203.0.113.0/24", {"ip_address": "203.0.113.99"}),
        ("ip", "2001:db8::/32", {"ip_address": "2001:db8::1"}),
        ("ip", "198.51.100.7", {"ip_address": "198.51.100.7"}),
        ("email", "bot@spam.example", {"author_email": "Bot@Spam.example"}),
        ("email", "@spam.example", {"author_email": "anyone@spam.example"}),
        ("domain", "pills.example", {"body": "see https://shop.pills.example/buy now"}),
        ("domain", "pills.example", {"author_url": "http://www.pills.example/"}),
    ],
)
def test_blocklist_hit_is_spam(post, kind, value, fields):
    ScreeningRule.objects.create(list="block", kind=kind, value=value)

    verdict = screen(submission(post, **fields))

    assert verdict.action == Action.SPAM
    assert verdict.reasons[-1].startswith("blocklist:")


def test_moderation_list_hit_is_held_even_for_a_known_writer(post):
    approved_comment(post, email="dana@example.net")
    ScreeningRule.objects.create(list="moderate", kind="word", value="lawsuit")

    verdict = screen(submission(post, body="There will be a lawsuit about this."))

    assert verdict.action == Action.HOLD
    assert any(reason.startswith("moderation list: word") for reason in verdict.reasons)


def test_rules_that_do_not_match_change_nothing(post):
    ScreeningRule.objects.create(list="block", kind="ip", value="203.0.113.0/24")
    ScreeningRule.objects.create(list="block", kind="domain", value="pills.example")
    ScreeningRule.objects.create(list="block", kind="email", value="@spam.example")

    verdict = screen(submission(post, body="See https://notpills.example/ for details"))

    assert verdict.action == Action.HOLD
    assert not any("blocklist" in reason for reason in verdict.reasons)


# --- links


def test_two_links_hold_the_comment_and_say_so(post, settings):
    settings.BROADSHEET_SCREENING_MAX_LINKS = 2
    approved_comment(post, email="dana@example.net")

    verdict = screen(
        submission(post, body="Read https://a.example/x and www.b.example/y for the background.")
    )

    assert verdict.action == Action.HOLD
    assert "2 links" in verdict.reasons
    assert verdict.held_reasons == ("it contains 2 links",)


def test_one_link_from_a_known_writer_is_approved(post):
    approved_comment(post, email="dana@example.net")

    verdict = screen(submission(post, body="The report: https://council.example/report.pdf"))

    assert verdict.action == Action.APPROVE


# --- history


def test_writer_with_an_approved_comment_is_approved(post):
    approved_comment(post, email="Dana@Example.net")

    verdict = screen(submission(post))

    assert verdict.action == Action.APPROVE
    assert "1 approved comment before" in verdict.reasons


def test_first_comment_is_held_and_the_writer_is_told_why(post):
    verdict = screen(submission(post))

    assert verdict.action == Action.HOLD
    assert "first comment from this address" in verdict.reasons
    assert verdict.held_reasons == ("it is your first comment here",)


def test_email_marked_spam_before_scores_toward_spam(post):
    spam = approved_comment(post, email="dana@example.net", body="old spam")
    spam.mark_spam()

    verdict = screen(submission(post))

    assert verdict.score > 0
    assert "email marked spam once before" in verdict.reasons
    assert verdict.action in (Action.HOLD, Action.SPAM)


def test_ip_and_link_domain_marked_spam_before_add_up_to_spam(post):
    spam = approved_comment(
        post, email="old@spam.example", ip_address="203.0.113.5",
        body="Cheap watches at https://watches.example/deal",
    )  # fmt: skip
    spam.mark_spam()

    verdict = screen(
        submission(post, ip_address="203.0.113.5", body="Look: https://watches.example/new")
    )

    assert "IP address marked spam before" in verdict.reasons[-1]
    assert "link domain watches.example marked spam before" in verdict.reasons[-1]
    assert verdict.action == Action.SPAM


# --- trusted users


def test_post_author_and_moderators_are_approved(post, author, django_user_model):
    from django.contrib.auth.models import Group

    moderator = django_user_model.objects.create_user("mod", "mod@example.org", "pw", is_staff=True)
    moderator.groups.add(Group.objects.get(name="Moderators"))

    assert screen(submission(post, user=author)).action == Action.APPROVE
    assert screen(submission(post, user=moderator)).action == Action.APPROVE
