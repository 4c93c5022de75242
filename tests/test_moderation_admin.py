"""Moderating comments in the admin: what the Moderators group may do, the queue count on the
admin index, bulk actions that record who moved a comment and when, the list's order,
search and filters."""

from datetime import UTC, datetime, timedelta

import pytest
from django.contrib.auth.models import Group
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from comments.models import Comment
from tests.commenting import dangers, text

pytestmark = pytest.mark.django_db

CHANGELIST = reverse("admin:comments_comment_changelist")


@pytest.fixture
def post(make_post):
    return make_post("Parish news")


@pytest.fixture
def add_comment(post):
    """A comment as it would be after screening, without going through the form."""

    def add(body, status=Comment.Status.PENDING, minutes_ago=0, **fields):
        return Comment.objects.create(
            post=post,
            body=body,
            status=status,
            submitted_at=timezone.now() - timedelta(minutes=minutes_ago),
            **{"author_name": "Ada", "author_email": "ada@example.org", **fields},
        )

    return add


@pytest.fixture
def moderator_client(moderator):
    browser = Client()
    browser.force_login(moderator)
    return browser


def test_the_moderators_group_may_view_change_and_delete_comments_only(db):
    group = Group.objects.get(name="Moderators")

    granted = {f"{p.content_type.app_label}.{p.codename}" for p in group.permissions.all()}

    assert granted == {
        "comments.view_comment",
        "comments.change_comment",
        "comments.delete_comment",
    }


def test_a_moderator_opens_the_comment_list_and_a_comment(moderator_client, add_comment):
    comment = add_comment("Please fix the church clock.")

    listing = moderator_client.get(CHANGELIST)
    change_page = moderator_client.get(reverse("admin:comments_comment_change", args=[comment.pk]))

    assert listing.status_code == 200
    assert "Please fix the church clock." in text(listing)
    assert change_page.status_code == 200
    assert "Please fix the church clock." in text(change_page)


def test_a_moderator_cannot_add_or_change_posts(moderator_client, post):
    assert (
        moderator_client.get(reverse("admin:blog_post_change", args=[post.pk])).status_code == 403
    )
    assert moderator_client.get(reverse("admin:blog_post_add")).status_code == 403
    assert moderator_client.get(reverse("admin:blog_post_changelist")).status_code == 403


def test_a_moderator_cannot_write_comments_in_the_admin(moderator_client):
    assert moderator_client.get(reverse("admin:comments_comment_add")).status_code == 403


def test_the_admin_index_shows_a_moderator_comments_and_no_posts(moderator_client):
    page = text(moderator_client.get(reverse("admin:index")))

    assert f'href="{CHANGELIST}"' in page
    assert reverse("admin:blog_post_changelist") not in page
    assert reverse("admin:blog_post_add") not in page


def test_the_admin_index_counts_comments_awaiting_moderation(moderator_client, editor, add_comment):
    add_comment("One.")
    add_comment("Two.")
    add_comment("Published.", status=Comment.Status.APPROVED)
    add_comment("Spam.", status=Comment.Status.SPAM)

    page = text(moderator_client.get(reverse("admin:index")))

    assert "2 comments awaiting moderation." in page
    assert f'href="{CHANGELIST}?status__exact=pending">Review them</a>' in page
    editor_client = Client()
    editor_client.force_login(editor)
    assert "2 comments awaiting moderation." in text(editor_client.get(reverse("admin:index")))


def test_the_admin_index_says_when_nothing_awaits_moderation(moderator_client, add_comment):
    add_comment("One.")
    assert "1 comment awaiting moderation." in text(moderator_client.get(reverse("admin:index")))

    Comment.objects.update(status=Comment.Status.APPROVED)

    assert "No comments are awaiting moderation." in text(
        moderator_client.get(reverse("admin:index"))
    )


@pytest.mark.parametrize(
    ("action", "before", "after", "message"),
    [
        ("approve", "pending", "approved", "2 comments approved."),
        ("unapprove", "approved", "pending", "2 comments moved back to pending."),
        ("mark_spam", "pending", "spam", "2 comments marked as spam."),
        ("mark_not_spam", "spam", "pending", "2 comments moved out of spam to pending."),
        ("move_to_trash", "approved", "trash", "2 comments moved to the trash."),
    ],
)
def test_a_bulk_action_moves_the_selected_comments_and_records_who_and_when(
    moderator_client, moderator, add_comment, action, before, after, message
):
    chosen = [add_comment("First.", before), add_comment("Second.", before)]
    untouched = add_comment("Not selected.", before)
    started = timezone.now()

    response = moderator_client.post(
        CHANGELIST,
        {"action": action, "_selected_action": [c.pk for c in chosen]},
        follow=True,
    )

    assert message in text(response)
    for comment in chosen:
        comment.refresh_from_db()
        assert comment.status == after
        assert comment.status_changed_by == moderator
        assert started <= comment.status_changed_at <= timezone.now()
    untouched.refresh_from_db()
    assert untouched.status == before and untouched.status_changed_by is None


def test_the_comment_page_shows_who_last_moved_it(moderator_client, add_comment):
    comment = add_comment("Hello.")
    moderator_client.post(CHANGELIST, {"action": "approve", "_selected_action": [comment.pk]})

    page = text(moderator_client.get(reverse("admin:comments_comment_change", args=[comment.pk])))

    changed_by = page[page.index("field-status_changed_by") : page.index("field-status_changed_at")]
    assert "Status changed by:" in changed_by
    assert ">moderator<" in changed_by


def test_not_spam_leaves_comments_that_are_not_spam_alone(moderator_client, add_comment):
    approved = add_comment("Fine.", Comment.Status.APPROVED)
    spam = add_comment("Buy now.", Comment.Status.SPAM)

    moderator_client.post(
        CHANGELIST, {"action": "mark_not_spam", "_selected_action": [approved.pk, spam.pk]}
    )

    approved.refresh_from_db()
    spam.refresh_from_db()
    assert approved.status == Comment.Status.APPROVED
    assert spam.status == Comment.Status.PENDING


def test_the_list_shows_comments_awaiting_moderation_first_then_newest(
    moderator_client, add_comment
):
    add_comment("Old approved.", Comment.Status.APPROVED, minutes_ago=50)
    add_comment("Old pending.", minutes_ago=40)
    add_comment("New approved.", Comment.Status.APPROVED, minutes_ago=5)
    add_comment("Spam.", Comment.Status.SPAM, minutes_ago=3)
    add_comment("New pending.", minutes_ago=10)

    page = text(moderator_client.get(CHANGELIST))

    bodies = ["New pending.", "Old pending.", "Spam.", "New approved.", "Old approved."]
    assert sorted(bodies, key=page.index) == bodies


@pytest.mark.parametrize(
    "term",
    ["Zebedee", "zeb@quirky.example", "zebra-farm.example", "203.0.113.250", "marmalade"],
    ids=["name", "email", "url", "ip", "body"],
)
def test_the_list_searches_name_email_website_ip_and_words(moderator_client, add_comment, term):
    add_comment(
        "I like marmalade.",
        author_name="Zebedee",
        author_email="zeb@quirky.example",
        author_url="https://zebra-farm.example/",
        ip_address="203.0.113.250",
    )
    add_comment("Something else.", author_name="Other", ip_address="198.51.100.1")

    page = text(moderator_client.get(CHANGELIST, {"q": term}))

    assert "I like marmalade." in page
    assert "Something else." not in page


def test_the_list_filters_by_status(moderator_client, add_comment):
    add_comment("Waiting.")
    add_comment("Published.", Comment.Status.APPROVED)
    add_comment("Junk.", Comment.Status.SPAM)
    add_comment("Binned.", Comment.Status.TRASH)

    shown = {
        status: text(moderator_client.get(CHANGELIST, {"status__exact": status}))
        for status in ("pending", "approved", "spam", "trash")
    }

    bodies = {"pending": "Waiting.", "approved": "Published.", "spam": "Junk.", "trash": "Binned."}
    for status, page in shown.items():
        assert [body for body in bodies.values() if body in page] == [bodies[status]]


def test_what_readers_wrote_is_inert_in_the_admin(moderator_client, add_comment):
    comment = add_comment(
        "<script>alert('body')</script> plain words",
        author_name='"><img src=x onerror=alert(1)>',
        author_url='https://example.org/"onmouseover="alert(1)',
    )

    listing = text(moderator_client.get(CHANGELIST))
    change_page = text(
        moderator_client.get(reverse("admin:comments_comment_change", args=[comment.pk]))
    )

    start = listing.index('<table id="result_list">')
    table = listing[start : listing.index("</table>", start)]
    assert "plain words" in table
    assert dangers(table) == []
    rendered = change_page[change_page.index('<div class="comment-rendered">') :]
    rendered = rendered[: rendered.index("</div>")]
    assert "plain words" in rendered
    assert dangers(rendered) == []


def test_the_list_gives_each_comment_its_post_and_local_time(
    moderator_client, add_comment, settings
):
    settings.TIME_ZONE = "Europe/London"
    comment = add_comment("Is the bridge open?")
    Comment.objects.filter(pk=comment.pk).update(
        submitted_at=datetime(2026, 7, 1, 8, 30, tzinfo=UTC)
    )

    listing = text(moderator_client.get(CHANGELIST))

    assert "on “Parish news”, 1 Jul 2026 09:30" in listing
