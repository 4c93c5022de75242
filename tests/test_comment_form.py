"""The comment form: post, redirect, get; mistakes sent back with everything the reader typed;
"Save my name, email and website"."""

import pytest
from django.test import Client

from comments.models import Comment
from comments.section import REMEMBER_COOKIE
from tests.commenting import form_fields, outline, posted_comment, sent_back, text

pytestmark = pytest.mark.django_db

TYPED = {
    "author_name": "Zoë O'Brien & co",
    "author_email": "zoe@example.org",
    "author_url": "https://zoe.example.org/?a=1&b=<2>",
    "body": 'I disagree with "the plan" <em>entirely</em>.\n\nSecond paragraph & more.',
}


@pytest.fixture
def post(make_post, regulars):
    return make_post("Budget day")


def test_posting_redirects_to_the_comment_on_the_post_page(client, post, write_comment):
    response = write_comment(post, "Well argued.")

    comment = posted_comment(response)
    assert response.status_code == 302
    assert response["Location"] == f"{post.get_absolute_url()}#comment-{comment.pk}"
    page = text(client.get(response["Location"]))
    assert f'<article id="comment-{comment.pk}"' in page
    assert "<p>Well argued.</p>" in page
    assert "Thank you: your comment is published." in page


def test_a_held_comment_is_followed_by_a_thank_you_that_says_it_waits(client, post, write_comment):
    response = write_comment(post, "My first words here.", author_email="new@example.net")

    page = text(client.get(response["Location"]))

    assert "Thank you: your comment is awaiting moderation." in page
    assert "My first words here." in page


@pytest.mark.parametrize(
    ("mistake", "error"),
    [
        ({"author_name": ""}, "Please give a name."),
        ({"author_email": ""}, "Please give your email address (it is never shown)."),
        ({"author_email": "zoe at example.org"}, "That does not look like an email address."),
        ({"author_url": "not a web address"},
         "That does not look like a web address (try https://…)."),
        ({"body": ""}, "Please write a comment."),
        ({"body": "  \n\n  "}, "Please write a comment."),
        ({"body": "\x1b\x07"}, "Please write a comment."),
    ],
    ids=["no name", "no email", "bad email", "bad url", "empty body", "blank body",
         "control characters only"],
)  # fmt: skip
def test_a_mistake_sends_the_form_back_with_everything_typed(
    client, post, write_comment, mistake, error
):
    typed = {**TYPED, **mistake}

    response = write_comment(post, **typed, follow=True)

    sent_back(response)
    page = text(response)
    assert error in page
    assert "Everything you typed is still here." in page
    fields = form_fields(response)
    assert {name: fields[name] for name in typed} == typed
    assert not Comment.objects.filter(post=post).exists()


def test_an_over_long_comment_is_sent_back_with_its_length_and_the_limit(
    client, post, write_comment
):
    body = "word " * 2000 + "end"  # 10,003 characters

    response = write_comment(post, **{**TYPED, "body": body}, follow=True)

    sent_back(response)
    assert (
        "Your comment is too long: 10,000 characters at most, and it has 10003. Please shorten it."
    ) in text(response)
    fields = form_fields(response)
    assert {name: fields[name] for name in TYPED} == {**TYPED, "body": body}


def test_the_length_limit_is_a_setting(client, post, write_comment, settings):
    settings.BROADSHEET_COMMENT_MAX_LENGTH = 20

    too_long = write_comment(post, "Twenty-one characters", follow=True)
    fits = write_comment(post, "Twenty characters ok")

    sent_back(too_long)
    assert "20 characters at most, and it has 21" in text(too_long)
    assert fits.status_code == 302


def test_name_can_be_made_optional(client, post, write_comment, settings):
    settings.BROADSHEET_COMMENT_REQUIRE_NAME = False

    response = write_comment(post, "Nameless but known.", author_name="")

    assert response.status_code == 302
    assert outline(client.get(post.get_absolute_url())) == ["#1 Anonymous: Nameless but known."]


def test_email_can_be_made_optional(client, post, write_comment, settings):
    settings.BROADSHEET_COMMENT_REQUIRE_EMAIL = False

    response = write_comment(post, "No address given.", author_email="")

    assert response.status_code == 302
    assert posted_comment(response).author_email == ""
    assert "No address given." in text(client.get(post.get_absolute_url()))


def test_name_and_email_are_required_by_default(client, post, write_comment):
    response = write_comment(post, "Who am I?", author_name="", author_email="", follow=True)

    sent_back(response)
    assert "Please give a name." in text(response)
    assert "Please give your email address" in text(response)


# --- "Save my name, email and website in this browser"


def test_ticking_save_my_details_fills_in_the_form_next_time(
    client, post, make_post, write_comment
):
    response = write_comment(
        post, "Remember me.", author_url="https://ada.example.org/", remember="on"
    )

    cookie = response.cookies[REMEMBER_COOKIE]
    assert cookie["max-age"] == 365 * 24 * 3600
    assert cookie["httponly"]
    another = make_post("Another post")
    fields = form_fields(client.get(another.get_absolute_url()))
    assert fields["author_name"] == "Ada"
    assert fields["author_email"] == "ada@example.org"
    assert fields["author_url"] == "https://ada.example.org/"
    assert fields["remember"] is True
    assert fields["body"] == ""


def test_without_the_tick_nothing_is_saved(client, post, write_comment):
    response = write_comment(post, "Forget me.")

    saved = response.cookies.get(REMEMBER_COOKIE)
    assert saved is None or saved.value == ""
    fields = form_fields(client.get(post.get_absolute_url()))
    assert fields["author_name"] == ""
    assert fields["author_email"] == ""
    assert fields["remember"] is False


def test_unticking_the_box_forgets_saved_details(client, post, write_comment):
    write_comment(post, "Remember me.", remember="on")
    assert form_fields(client.get(post.get_absolute_url()))["author_name"] == "Ada"

    response = write_comment(post, "Now forget me.")

    assert response.cookies[REMEMBER_COOKIE]["max-age"] == 0
    fields = form_fields(client.get(post.get_absolute_url()))
    assert fields["author_name"] == "" and fields["author_email"] == ""
    assert fields["remember"] is False


def test_saved_details_stay_in_the_browser_that_saved_them(client, post, write_comment):
    write_comment(post, "Remember me.", remember="on")

    fields = form_fields(Client().get(post.get_absolute_url()))

    assert fields["author_name"] == "" and fields["author_email"] == ""
