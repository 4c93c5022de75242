"""What a moderator reads about a verdict is one story: on a comment's admin page, what the
screening found, worded for a person, beside the words its writer was shown."""

import pytest
from django.test import Client

from comments.models import Comment
from tests.commenting import NEWCOMER, posted_comment, text

pytestmark = pytest.mark.django_db


@pytest.fixture
def post(make_post):
    return make_post("Parking charges")


@pytest.fixture
def admin_page(moderator):
    browser = Client()
    browser.force_login(moderator)
    return lambda comment: text(browser.get(comment.get_admin_url()))


def test_a_held_comment_shows_what_was_found_and_what_the_writer_was_told(
    post, write_comment, admin_page
):
    held = posted_comment(
        write_comment(post, "See https://a.example/ and https://b.example/", **NEWCOMER)
    )

    page = admin_page(held)

    assert "Held for a moderator: 2 links; first comment from this address, with a link." in page
    assert (
        "The writer was told: “Your comment is awaiting moderation. It was held because it "
        "contains 2 links, and it is your first comment here.”"
    ) in page
    assert "[&#x27;" not in page and "['" not in page  # no Python lists


def test_the_classifiers_score_is_given_beside_its_cutoff(post, admin_page, settings):
    settings.BROADSHEET_CLASSIFIER_SPAM_CUTOFF = 0.74
    held = Comment.objects.create(
        post=post, body="Cheap tickets here", status=Comment.Status.PENDING, verdict="hold",
        reasons=["first comment from this address", "3 links", "classifier 0.71, unsure"],
        held_reasons=["it is your first comment here", "it contains 3 links"],
        classifier_score=0.71,
    )  # fmt: skip

    page = admin_page(held)

    assert (
        "first comment from this address; 3 links; classifier 0.71 (spam ≥ 0.74), unsure"
    ) in page
    assert "It was held because it is your first comment here, and it contains 3 links." in page


def test_a_spam_verdict_shows_the_hold_the_writer_was_shown(post, admin_page):
    spam = Comment.objects.create(
        post=post, body="Buy now", status=Comment.Status.SPAM, verdict="spam",
        reasons=["blocklist: buy now"], held_reasons=["it is your first comment here"],
    )  # fmt: skip

    page = admin_page(spam)

    assert "Marked spam: blocklist: buy now." in page
    assert "“Your comment is awaiting moderation. It was held because it is your first" in page


def test_a_published_comment_says_its_writer_was_told_nothing(post, admin_page):
    published = Comment.objects.create(
        post=post, body="Agreed.", status=Comment.Status.APPROVED, verdict="approve",
        reasons=["1 approved comment before"],
    )  # fmt: skip

    page = admin_page(published)

    assert "Published: 1 approved comment before." in page
    assert "The writer was told nothing: it was published at once." in page


def test_an_imported_comment_says_it_was_not_screened(post, admin_page):
    imported = Comment.objects.create(post=post, body="From 2009.", status="approved")

    assert "Not screened (imported, or written before screening)." in admin_page(imported)
