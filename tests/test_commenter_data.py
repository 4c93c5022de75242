"""A commenter may ask for everything the blog keeps about them, or for it to be erased:
`manage.py commenter export|erase EMAIL`, or the same two actions on the admin's comment
list. An erased commenter's comments keep their words under "Anonymous"; their address is
nowhere in the database afterwards, and the pages show the change at once."""

import json
from io import StringIO

import pytest
from django.contrib.auth.models import Permission
from django.core.management import CommandError, call_command
from django.test import Client
from django.urls import reverse

from blog.models import SiteIdentity
from comments.models import Comment, OutgoingEmail, ScreeningRule
from tests.commenting import BOB, CY, outline, posted_comment, text

pytestmark = pytest.mark.django_db

BOB_IP, BOB_BROWSER = "198.51.100.82", "Mozilla/5.0 (Bob's tablet)"
CHANGELIST = reverse("admin:comments_comment_changelist")


@pytest.fixture
def send(write_comment, django_capture_on_commit_callbacks):
    """Write a comment as a reader does, and let its emails go after the commit."""

    def write(post, body, **fields):
        with django_capture_on_commit_callbacks(execute=True):
            return posted_comment(write_comment(post, body, **fields))

    return write


@pytest.fixture
def post(make_post, regulars):
    return make_post("Ferry timetable")


@pytest.fixture
def bob(post, regulars, moderator, send, mailoutbox):
    """Bob comments on the ferry post from his tablet and asks for follow-ups; Cy's reply
    sends him one; his comment full of links waits for a moderator (who is told of it, with
    his address); a moderator put his address on the moderation list. Returns his comments."""
    bob = {**BOB, "author_url": "https://bob.example.com/"}
    meta = {"REMOTE_ADDR": BOB_IP, "HTTP_USER_AGENT": BOB_BROWSER}
    first = send(post, "Is the 8:30 still running?", **bob, notify_replies="on", meta=meta)
    reply = send(post, "It is, from the north pier.", **CY, parent=first.pk)
    held = send(post, "Timetables: https://a.example/ https://b.example/ https://c.example/",
                **bob, meta=meta)  # fmt: skip
    ScreeningRule.objects.create(list="moderate", kind="email", value="bob@example.org",
                                 note="Posts many links")  # fmt: skip
    assert (first.status, reply.status, held.status) == ("approved", "approved", "pending")
    assert {"bob@example.org", "moderator@example.org"} <= {m.to[0] for m in mailoutbox}
    return Comment.objects.written_by("bob@example.org").order_by("pk")


def export(*emails):
    out = StringIO()
    call_command("commenter", "export", *emails, stdout=out)
    return json.loads(out.getvalue())


def everything_stored():
    """The whole database, as `dumpdata` writes it."""
    out = StringIO()
    call_command("dumpdata", stdout=out)
    return out.getvalue().lower()


# --- The privacy page


def test_the_privacy_page_says_how_to_ask_and_where(client):
    identity = SiteIdentity.load()
    identity.contact_email = "editor@parish-pump.example"
    identity.save()

    page = " ".join(text(client.get("/privacy/")).split())

    assert "ask for a copy of everything stored about your comments" in page
    assert "for your data to be erased" in page
    assert '<a href="mailto:editor@parish-pump.example">editor@parish-pump.example</a>' in page
    assert "mailto:" not in text(client.get("/"))  # on the privacy page only


def test_without_a_contact_address_the_privacy_page_names_the_author(client, db):
    page = " ".join(text(client.get("/privacy/")).split())

    assert "to the blog's author." in page and "mailto:" not in page


# --- Export


def test_the_export_has_every_comment_with_its_post_dates_status_and_addresses(post, bob):
    found = export("BOB@Example.ORG")  # any case

    [commenter] = found["commenters"]
    assert commenter["email"] == "bob@example.org"
    comments = {c["text"]: c for c in commenter["comments"]}
    assert set(comments) == {
        "Earlier.",  # on an older post (the `regulars` fixture)
        "Is the 8:30 still running?",
        "Timetables: https://a.example/ https://b.example/ https://c.example/",
    }
    first = comments["Is the 8:30 still running?"]
    assert first["post"]["title"] == "Ferry timetable"
    assert first["post"]["url"].endswith(post.get_absolute_url())
    assert (first["name"], first["email"], first["website"]) == (
        "Bob", "bob@example.org", "https://bob.example.com/",
    )  # fmt: skip
    assert (first["ip_address"], first["user_agent"]) == (BOB_IP, BOB_BROWSER)
    assert first["status"] == "approved" and first["submitted_at"].startswith("20")
    assert first["follow_up_emails"] is True
    held = comments["Timetables: https://a.example/ https://b.example/ https://c.example/"]
    assert held["status"] == "pending" and held["screening"]["reasons"]


def test_the_export_has_subscriptions_emails_and_screening_rules(bob):
    [commenter] = export("bob@example.org")["commenters"]

    assert [s["post"] for s in commenter["subscriptions"]] == ["Ferry timetable"]
    [follow_up] = commenter["emails_to_them"]
    assert follow_up["to"] == ["bob@example.org"]
    assert "It is, from the north pier." in follow_up["text"]
    # The moderator's notice of his held comment is about him; who received it is not.
    notices = commenter["emails_about_them"]
    assert any("waiting for a moderator" in notice["text"] for notice in notices)
    assert all("to" not in notice for notice in notices)
    assert [(r["list"], r["kind"], r["value"]) for r in commenter["screening_rules"]] == [
        ("moderate", "email", "bob@example.org")
    ]


def test_the_export_has_nothing_of_other_commenters(bob):
    exported = json.dumps(export("bob@example.org")).lower()

    assert "cy@example.org" not in exported and "ada@example.org" not in exported
    assert "moderator@example.org" not in exported


def test_an_address_with_nothing_stored_exports_an_empty_record(bob):
    [commenter] = export("nobody@example.org")["commenters"]

    assert commenter["comments"] == commenter["emails_to_them"] == []


def test_the_command_refuses_what_is_not_an_email_address(bob):
    with pytest.raises(CommandError, match="Not an email address"):
        call_command("commenter", "erase", "bob")
    assert Comment.objects.written_by("bob@example.org").count() == 3


# --- Erasure


def test_erasing_keeps_the_words_under_anonymous_on_the_public_page(post, bob):
    reader = Client()
    before = reader.get(post.get_absolute_url())  # now in the page cache
    assert outline(before) == [
        "#1 Bob: Is the 8:30 still running?",
        "    #2 Cy: It is, from the north pier.",
    ]

    call_command("commenter", "erase", "Bob@example.org", stdout=StringIO())

    after = reader.get(post.get_absolute_url())
    assert outline(after) == [
        "#1 Anonymous: Is the 8:30 still running?",
        "    #2 Cy: It is, from the north pier.",
    ]
    assert "bob.example.com" not in text(after)
    assert 'aria-label="Comment by Bob"' not in text(after)


def test_after_erasure_the_address_is_nowhere_in_the_database(bob):
    assert "bob@example.org" in everything_stored()

    out = StringIO()
    call_command("commenter", "erase", "bob@example.org", stdout=out)

    stored = everything_stored()
    assert "bob@example.org" not in stored
    assert BOB_IP not in stored and "bob's tablet" not in stored
    assert "bob.example.com" not in stored
    assert "3 comments anonymised, 1 subscriptions ended" in out.getvalue()
    assert "1 screening rules deleted" in out.getvalue()


def test_erasure_ends_subscriptions_and_leaves_other_commenters_alone(post, bob, send,
                                                                     mailoutbox):  # fmt: skip
    call_command("commenter", "erase", "bob@example.org", stdout=StringIO())
    mailoutbox.clear()

    send(post, "The 9:00 is cancelled.", **CY)

    assert [m.to for m in mailoutbox] == [["writer@example.org"]]  # the post's author only
    cy = Comment.objects.written_by("cy@example.org").filter(post=post).first()
    assert (cy.author_name, cy.author_email) == ("Cy", "cy@example.org")
    assert OutgoingEmail.objects.exclude(recipients=["bob@example.org"]).exists()


def test_an_erased_writer_is_a_stranger_to_the_screening(post, bob, send):
    call_command("commenter", "erase", "bob@example.org", stdout=StringIO())

    # His approved comments no longer vouch for the address: a first comment again.
    again = send(post, "Back again, with a question.", **BOB)

    assert again.status == Comment.Status.PENDING


def test_erasing_with_delete_removes_the_comments_and_keeps_the_replies(post, bob):
    call_command("commenter", "erase", "bob@example.org", "--delete", stdout=StringIO())

    assert outline(Client().get(post.get_absolute_url())) == ["#1 Cy: It is, from the north pier."]
    assert not Comment.objects.filter(pk__in=[c.pk for c in bob]).exists()
    assert "bob@example.org" not in everything_stored()


def test_an_address_written_in_the_comment_is_erased_from_its_text(client, post, bob, send):
    send(post, "Write to me: Bob@Example.org", **BOB)

    call_command("commenter", "erase", "bob@example.org", stdout=StringIO())

    # Held (it gives contact details), so only its writer's browser shows it.
    shown = outline(client.get(post.get_absolute_url()))
    assert "(awaiting moderation) Anonymous: Write to me: [erased]" in shown


# --- The same in the admin


@pytest.fixture
def admin_client(moderator):
    browser = Client()
    browser.force_login(moderator)
    return browser


def test_a_moderator_downloads_the_data_of_the_selected_comments_writers(admin_client, bob):
    one = bob.filter(post__title="Ferry timetable").first()

    response = admin_client.post(
        CHANGELIST, {"action": "export_writers", "_selected_action": [one.pk]}
    )

    assert response["Content-Type"].startswith("application/json")
    assert response["Content-Disposition"].startswith("attachment; filename=")
    [commenter] = json.loads(response.content)["commenters"]
    assert commenter["email"] == "bob@example.org"
    assert len(commenter["comments"]) == 3  # all of his, not only the one selected


def test_erasing_in_the_admin_asks_first_then_erases(admin_client, post, bob):
    one = bob.filter(post=post).first()
    selected = {"action": "erase_writers", "_selected_action": [one.pk]}

    asked = admin_client.post(CHANGELIST, selected)

    assert asked.status_code == 200
    assert "bob@example.org: 3 comments" in " ".join(text(asked).split())
    assert Comment.objects.written_by("bob@example.org").count() == 3  # nothing done yet

    done = admin_client.post(CHANGELIST, {**selected, "confirmed": "yes"}, follow=True)

    assert "Erased: 3 comments anonymised" in text(done)
    assert "bob@example.org" not in everything_stored()
    assert outline(Client().get(post.get_absolute_url()))[0] == (
        "#1 Anonymous: Is the 8:30 still running?"
    )


def test_erasing_in_the_admin_can_delete_the_comments(admin_client, post, bob):
    selected = {"action": "erase_writers", "_selected_action": [bob.first().pk]}

    admin_client.post(CHANGELIST, {**selected, "confirmed": "yes", "delete_text": "on"})

    assert Comment.objects.filter(pk__in=[c.pk for c in bob]).count() == 0


def test_only_those_who_may_delete_comments_may_erase(bob, post, django_user_model):
    viewer = django_user_model.objects.create_user("viewer", password="viewer pass 12",
                                                   is_staff=True)  # fmt: skip
    viewer.user_permissions.add(
        *Permission.objects.filter(codename__in=["view_comment", "change_comment"])
    )
    browser = Client()
    browser.force_login(viewer)

    page = text(browser.get(CHANGELIST))

    assert "export_writers" in page and "erase_writers" not in page


def test_erasing_costs_the_same_queries_for_5_comments_as_for_50(make_post):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def erase_writer_of(count, address):
        post = make_post()
        Comment.objects.bulk_create(
            Comment(
                post=post,
                author_name="Prolific",
                author_email=address,
                body=f"Comment {n}, see https://prolific.example/{n}",
                status="approved",
                ip_address="192.0.2.1",
                notify_replies=True,
            )  # fmt: skip
            for n in range(count)
        )
        with CaptureQueriesContext(connection) as queries:
            Comment.objects.written_by(address).erase_writers()
        assert Comment.objects.filter(author_name="Anonymous", post=post).count() == count
        return len(queries)

    few = erase_writer_of(5, "few@example.org")
    many = erase_writer_of(50, "many@example.org")

    assert many <= few
