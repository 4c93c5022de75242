"""Replying without JavaScript: the Reply link (?replytocom=<id>) renders the form as a reply,
and the form refuses a reply to a comment that is not there to answer."""

import pytest

from comments.models import Comment
from tests.commenting import BOB, NEWCOMER, form_fields, outline, posted_comment, sent_back, text

pytestmark = pytest.mark.django_db

REFUSED = (
    "The comment you are replying to is not available. "
    "Your reply can be posted as a new comment instead."
)


@pytest.fixture
def post(make_post, regulars):
    return make_post("Harbour plans")


@pytest.fixture
def first(post, write_comment):
    return posted_comment(write_comment(post, "The harbour needs dredging."))


def test_reply_link_opens_the_form_as_a_reply(client, post, first):
    page = client.get(post.get_absolute_url())
    assert f'href="?replytocom={first.pk}#respond"' in text(page)

    reply_page = client.get(post.get_absolute_url(), {"replytocom": first.pk})

    html = text(reply_page)
    assert '<span id="reply-title-text">Reply to Ada</span>' in html
    assert (
        f'<a id="cancel-comment-reply-link" href="{post.get_absolute_url()}#respond">'
        "Cancel reply</a>"
    ) in html
    assert form_fields(reply_page)["parent"] == str(first.pk)


def test_the_form_sent_from_the_reply_page_posts_a_reply(client, post, first, write_comment):
    reply_page = client.get(post.get_absolute_url(), {"replytocom": first.pk})

    write_comment(post, "Dredging is costly.", **BOB, parent=form_fields(reply_page)["parent"])

    assert outline(client.get(post.get_absolute_url())) == [
        "#1 Ada: The harbour needs dredging.",
        "    #2 Bob: Dredging is costly.",
    ]


def test_cancel_reply_goes_back_to_a_new_comment(client, post, first):
    reply_page = client.get(post.get_absolute_url(), {"replytocom": first.pk})
    assert "Cancel reply" in text(reply_page)

    page = client.get(post.get_absolute_url())  # where "Cancel reply" leads

    assert '<span id="reply-title-text">Leave a Reply</span>' in text(page)
    assert (
        f'<a id="cancel-comment-reply-link" href="{post.get_absolute_url()}#respond" hidden>'
        "Cancel reply</a>"
    ) in text(page)
    assert form_fields(page)["parent"] == ""


def test_replytocom_for_a_comment_of_another_post_is_ignored(
    client, post, make_post, write_comment
):
    elsewhere = posted_comment(write_comment(make_post("Elsewhere"), "Off topic here."))

    page = client.get(post.get_absolute_url(), {"replytocom": elsewhere.pk})

    assert "Leave a Reply" in text(page)
    assert form_fields(page)["parent"] == ""


def test_a_reply_to_a_comment_of_another_post_is_refused_and_the_text_kept(
    client, post, make_post, write_comment
):
    elsewhere = posted_comment(write_comment(make_post("Elsewhere"), "Off topic here."))

    response = write_comment(post, "My careful reply.", **BOB, parent=elsewhere.pk, follow=True)

    sent_back(response)
    assert REFUSED in text(response)
    assert form_fields(response)["body"] == "My careful reply."
    assert not Comment.objects.filter(body="My careful reply.").exists()


def test_a_reply_to_a_held_comment_is_refused_and_the_text_kept(client, post, write_comment):
    held = posted_comment(write_comment(post, "A first-timer's comment.", **NEWCOMER))
    assert held.status == Comment.Status.PENDING

    response = write_comment(post, "Replying to the held one.", **BOB, parent=held.pk, follow=True)

    sent_back(response)
    assert REFUSED in text(response)
    assert form_fields(response)["body"] == "Replying to the held one."
    assert not Comment.objects.filter(body="Replying to the held one.").exists()


def test_a_reply_to_a_comment_that_does_not_exist_is_refused(client, post, write_comment):
    response = write_comment(post, "Into the void.", parent=987654, follow=True)

    sent_back(response)
    assert REFUSED in text(response)


def test_a_refused_reply_can_be_sent_again_as_a_new_comment(client, post, write_comment):
    held = posted_comment(write_comment(post, "A first-timer's comment.", **NEWCOMER))
    refused = sent_back(
        write_comment(post, "Replying to the held one.", **BOB, parent=held.pk, follow=True)
    )

    # The reader does what the message says: sends the form on the page again, as it is.
    again = write_comment(post, **{**form_fields(refused), **BOB})

    assert again.status_code == 302
    assert posted_comment(again).parent is None
    assert "#1 Bob: Replying to the held one." in outline(client.get(post.get_absolute_url()))
