"""Closed comments: switched off on a post, or closed automatically some days after publishing.
The form gives way to "Comments are closed", and a comment sent anyway is refused with the
reader's text shown back."""

import pytest

from comments.models import Comment
from tests.commenting import form_fields, outline, posted_comment, text

pytestmark = pytest.mark.django_db


def assert_closed(page):
    html = text(page)
    assert "<strong>Comments are closed.</strong>" in html
    assert 'id="comment-form"' not in html
    assert "replytocom=" not in html


def test_a_post_with_comments_switched_off_shows_no_form(client, make_post):
    post = make_post(comments_open=False)

    assert_closed(client.get(post.get_absolute_url()))


def test_comments_already_there_stay_visible_without_reply_links(
    client, make_post, regulars, write_comment
):
    post = make_post()
    write_comment(post, "Said before closing.")
    post.comments_open = False
    post.save()

    page = client.get(post.get_absolute_url())

    assert outline(page) == ["#1 Ada: Said before closing."]
    assert_closed(page)


def test_a_comment_sent_to_a_closed_post_is_refused_with_its_text_shown_back(
    client, make_post, regulars, write_comment
):
    post = make_post(comments_open=False)

    response = write_comment(post, "Too late, but <b>important</b>.")

    assert response.status_code == 403
    html = text(response)
    assert "Comments are closed on this post." in html
    assert "Too late, but &lt;b&gt;important&lt;/b&gt;." in html
    assert_closed(response)
    assert not Comment.objects.filter(post=post).exists()


def test_automatic_closing_is_off_by_default(client, make_post):
    post = make_post(days_ago=3650)

    assert 'id="comment-form"' in text(client.get(post.get_absolute_url()))


def test_comments_close_automatically_after_the_set_number_of_days(
    client, make_post, settings, regulars, write_comment
):
    settings.BROADSHEET_COMMENTS_CLOSE_AFTER_DAYS = 14
    recent = make_post(days_ago=13)
    old = make_post(days_ago=15)

    assert form_fields(client.get(recent.get_absolute_url()))["body"] == ""
    assert_closed(client.get(old.get_absolute_url()))
    assert write_comment(recent, "Still in time.").status_code == 302
    refused = write_comment(old, "Two weeks late.")
    assert refused.status_code == 403
    assert "Two weeks late." in text(refused)


def test_a_post_closes_when_its_days_run_out(client, make_post, settings, clock, regulars,
                                             write_comment):  # fmt: skip
    settings.BROADSHEET_COMMENTS_CLOSE_AFTER_DAYS = 14
    post = make_post(days_ago=13)
    assert posted_comment(write_comment(post, "On day thirteen.")).post == post

    clock.advance(days=2)

    assert_closed(client.get(post.get_absolute_url()))
    assert write_comment(post, "On day fifteen.").status_code == 403


def test_a_draft_takes_no_comments(client, make_post, regulars, write_comment):
    draft = make_post(status="draft")

    assert write_comment(draft, "First!").status_code == 404
    assert not Comment.objects.filter(post=draft).exists()
