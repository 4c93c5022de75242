"""Moderating from the email: the "awaiting moderation" email carries Approve, Spam and Trash
links, each signed for the moderator it was sent to. Opening one shows the comment and a
button; only the button's POST moderates, once, as that moderator, logged in or not, for
BROADSHEET_MODERATION_LINK_DAYS."""

import re

import pytest
from django.contrib.auth.models import Group
from django.test import Client

from comments.models import Comment
from tests.commenting import NEWCOMER, posted_comment, text
from tests.test_comment_emails import link, mail_to, path_of

pytestmark = pytest.mark.django_db

MODERATOR = "moderator@example.org"


@pytest.fixture
def post(make_post, regulars):
    return make_post("Harbour dredging")


@pytest.fixture
def held(post, moderator, send):
    """A newcomer's comment, held; the moderator has the email about it."""
    return posted_comment(send(post, "Will the dredger block the slipway?", **NEWCOMER))


def links_in(mailoutbox, address=MODERATOR):
    mail = mail_to(mailoutbox, address)[-1]
    return {label: path_of(link(mail, f"{label}:")) for label in ("Approve", "Spam", "Trash")}


def confirm(path, browser=None):
    """Press the button on the page the link opens, as a browser that is not logged in."""
    browser = browser or Client()
    return browser.post(path, follow=True)


def test_the_email_carries_approve_spam_and_trash_links_for_its_reader(editor, held, mailoutbox):
    to_moderator = links_in(mailoutbox, MODERATOR)
    to_editor = links_in(mailoutbox, "editor@example.org")

    assert all(url.startswith("/comments/moderate/") for url in to_moderator.values())
    assert to_moderator["Approve"] != to_editor["Approve"]
    mail = mail_to(mailoutbox, MODERATOR)[0]
    assert "it works once, for 7 days" in mail.body


def test_an_address_from_the_settings_gets_the_email_without_links(
    post, send, mailoutbox, settings
):
    settings.BROADSHEET_MODERATOR_EMAILS = ["desk@example.org"]

    send(post, "Will the dredger block the slipway?", **NEWCOMER)

    (mail,) = mail_to(mailoutbox, "desk@example.org")
    assert "Will the dredger block the slipway?" in mail.body
    assert "Approve:" not in mail.body and "/comments/moderate/" not in mail.body


def test_opening_a_link_shows_the_comment_and_a_button_and_changes_nothing(held, mailoutbox):
    page = Client().get(links_in(mailoutbox)["Spam"])

    assert page.status_code == 200
    assert "Spam this comment?" in text(page)
    assert "Will the dredger block the slipway?" in text(page)
    assert '<button type="submit">Spam</button>' in text(page)
    assert "no-store" in page["Cache-Control"]
    held.refresh_from_db()
    assert held.status == Comment.Status.PENDING


def test_the_button_approves_as_the_moderator_the_email_was_sent_to(held, moderator, mailoutbox):
    page = confirm(links_in(mailoutbox)["Approve"])

    held.refresh_from_db()
    assert held.status == Comment.Status.APPROVED
    assert held.status_changed_by == moderator
    assert "Done: the comment is approved." in text(page)
    assert "by Mona Moderator" in text(page)


@pytest.mark.parametrize(
    ("label", "status"), [("Spam", Comment.Status.SPAM), ("Trash", Comment.Status.TRASH)]
)
def test_spam_and_trash_links_move_the_comment(held, mailoutbox, label, status):
    confirm(links_in(mailoutbox)[label])

    held.refresh_from_db()
    assert held.status == status


def test_a_link_works_once_then_says_it_was_used(held, moderator, mailoutbox):
    links = links_in(mailoutbox)
    confirm(links["Approve"])

    again = Client().post(links["Approve"])
    other = Client().post(links["Trash"])
    opened = Client().get(links["Spam"])

    held.refresh_from_db()
    assert held.status == Comment.Status.APPROVED
    for page in (again, other, opened):
        assert "This comment has been moderated" in text(page)
        assert "It is now <strong>approved</strong>, by Mona Moderator" in text(page)


def test_a_link_is_void_once_the_comment_was_moderated_in_the_admin(held, editor, mailoutbox):
    held.mark_spam(by=editor)

    page = Client().post(links_in(mailoutbox)["Approve"])

    held.refresh_from_db()
    assert held.status == Comment.Status.SPAM
    assert "This comment has been moderated" in text(page)


def test_a_link_expires_after_the_days_set(held, mailoutbox, clock, settings):
    approve = links_in(mailoutbox)["Approve"]
    clock.advance(days=settings.BROADSHEET_MODERATION_LINK_DAYS, minutes=1)

    opened = Client().get(approve)
    pressed = Client().post(approve)

    held.refresh_from_db()
    assert held.status == Comment.Status.PENDING
    assert opened.status_code == pressed.status_code == 400
    assert "This link has expired" in text(opened)


def test_a_link_still_works_just_before_it_expires(held, mailoutbox, clock, settings):
    approve = links_in(mailoutbox)["Approve"]
    clock.advance(days=settings.BROADSHEET_MODERATION_LINK_DAYS, minutes=-1)

    confirm(approve)

    held.refresh_from_db()
    assert held.status == Comment.Status.APPROVED


def test_a_tampered_link_does_nothing_and_says_so(held, mailoutbox):
    approve = links_in(mailoutbox)["Approve"]
    token = approve.rstrip("/").rpartition("/")[2]
    changed = approve.replace(token, token[:-3] + ("AAA" if token[-3:] != "AAA" else "BBB"))
    spam_token = links_in(mailoutbox)["Spam"].rstrip("/").rpartition("/")[2]
    # The act of one link with the signature of another:
    spliced = approve.replace(token, token.rsplit(":", 1)[0] + ":" + spam_token.rsplit(":", 1)[1])

    for path in (changed, spliced, "/comments/moderate/not-a-token/"):
        response = Client().post(path)
        assert response.status_code == 400
        assert "This link does not work" in text(response)
    held.refresh_from_db()
    assert held.status == Comment.Status.PENDING


def test_a_link_stops_working_for_someone_no_longer_a_moderator(held, moderator, mailoutbox):
    moderator.groups.remove(Group.objects.get(name="Moderators"))

    response = Client().post(links_in(mailoutbox)["Approve"])

    assert response.status_code == 400
    held.refresh_from_db()
    assert held.status == Comment.Status.PENDING


def test_the_button_needs_the_pages_csrf_token(held, mailoutbox):
    approve = links_in(mailoutbox)["Approve"]
    browser = Client(enforce_csrf_checks=True)

    forged = browser.post(approve)
    held.refresh_from_db()
    assert forged.status_code == 403 and held.status == Comment.Status.PENDING

    page = browser.get(approve)
    csrf = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', text(page))[1]
    browser.post(approve, {"csrfmiddlewaretoken": csrf})
    held.refresh_from_db()
    assert held.status == Comment.Status.APPROVED


# --- The post's author


def test_the_author_who_moderates_gets_spam_and_trash_links_for_a_published_comment(
    post, author, send, mailoutbox
):
    author.groups.add(Group.objects.get(name="Moderators"))
    send(post, "The slipway stays open.")
    mail = mail_to(mailoutbox, author.email)[0]
    assert "Approve:" not in mail.body

    confirm(path_of(link(mail, "Spam:")))

    comment = Comment.objects.get(body="The slipway stays open.")
    assert comment.status == Comment.Status.SPAM
    assert comment.status_changed_by == author


def test_an_author_who_does_not_moderate_gets_no_links(post, send, mailoutbox):
    send(post, "The slipway stays open.")

    mail = mail_to(mailoutbox, "writer@example.org")[0]
    assert "/comments/moderate/" not in mail.body
