"""The author's preview of a draft or scheduled post: the comment section as it will be once
the post is live, with a form that cannot send, and a page no cache ever keeps."""

from datetime import timedelta

import pytest
from django.conf import settings
from django.test import Client
from django.utils import timezone

from blog.models import Post
from comments.models import Comment
from tests.commenting import comment_section, text

pytestmark = pytest.mark.django_db


@pytest.fixture
def draft(make_post):
    return make_post("Work in progress", status=Post.Status.DRAFT)


def test_a_draft_preview_shows_the_comment_form_disabled_until_the_post_is_published(
    client, draft, author
):
    client.force_login(author)

    section = comment_section(client.get(draft.get_absolute_url()))

    assert "Comments are closed" not in section
    assert 'id="comment-form"' in section and "Leave a Reply" in section
    assert '<fieldset class="comment-preview" disabled>' in section
    assert "Comments open when the post is published." in section
    assert section.index("comment-preview") < section.index('id="comment-form"')


def test_a_scheduled_post_preview_says_when_comments_open(client, make_post, author):
    goes_live = timezone.now() + timedelta(days=2)
    scheduled = make_post("Tomorrow's news", publish_at=goes_live)
    client.force_login(author)

    section = comment_section(client.get(scheduled.get_absolute_url()))

    when = timezone.localtime(goes_live).strftime("%-d %B %Y, %H:%M")
    assert f"Comments open when the post goes live, on {when}." in section
    assert 'id="comment-form"' in section


def test_a_preview_shows_the_thread_without_reply_links_that_would_free_the_form(
    client, draft, author
):
    # A post taken back to a draft keeps the comments it had.
    comment = Comment.objects.create(
        post=draft, body="Written while it was live.", author_name="Ada",
        author_email="ada@example.org", status=Comment.Status.APPROVED,
    )  # fmt: skip
    client.force_login(author)

    section = comment_section(client.get(draft.get_absolute_url()))

    assert "Written while it was live." in section
    assert f'id="li-comment-{comment.pk}"' in section
    assert "replytocom=" not in section
    assert '<fieldset class="comment-preview" disabled>' in section


def test_a_preview_of_a_post_with_comments_switched_off_says_they_are_closed(
    client, make_post, author
):
    quiet = make_post("No comments here", status=Post.Status.DRAFT, comments_open=False)
    client.force_login(author)

    section = comment_section(client.get(quiet.get_absolute_url()))

    assert "<strong>Comments are closed.</strong>" in section
    assert 'id="comment-form"' not in section


def test_a_preview_is_never_kept_by_the_page_cache_or_any_cache_between(client, draft, author):
    client.force_login(author)
    assert settings.SESSION_COOKIE_NAME in client.cookies  # a preview needs a login

    preview = client.get(draft.get_absolute_url())

    assert "Draft preview" in text(preview)
    assert preview.get("X-Page-Cache") is None
    assert {"private", "no-store"} <= {
        word.strip() for word in preview["Cache-Control"].split(",")
    }
    assert Client().get(draft.get_absolute_url()).status_code == 404


def test_the_author_cannot_comment_on_a_draft_or_scheduled_post_from_its_preview(
    client, draft, make_post, author, write_comment
):
    scheduled = make_post("Tomorrow's news", publish_at=timezone.now() + timedelta(days=1))
    client.force_login(author)

    for post in (draft, scheduled):
        assert client.get(post.get_absolute_url()).status_code == 200  # the preview opens
        assert write_comment(post, "Trying it out.").status_code == 404

    assert not Comment.objects.exists()
