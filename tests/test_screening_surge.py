"""Surge mode: a wave of bots through the real comment form starts it (first comments and links
held, moderators told once, a banner in the admin), and it relaxes by itself when the wave
has been over long enough."""

import pytest

from comments.models import OutgoingEmail
from tests.commenting import ADA, NEWCOMER, posted_comment

pytestmark = pytest.mark.django_db

WITH_A_LINK = "The council's own figures: https://council.example/parking"


@pytest.fixture(autouse=True)
def surge_settings(settings):
    settings.BROADSHEET_SURGE_WINDOW_MINUTES = 10
    settings.BROADSHEET_SURGE_MIN_FLAGGED = 6
    settings.BROADSHEET_SURGE_FACTOR = 5
    settings.BROADSHEET_SURGE_MINUTES = 30


@pytest.fixture
def post(make_post):
    return make_post("Parking charges")


def bots(write_comment, post, count):
    """A wave of bots from their own addresses: each fills in the field people never see."""
    for n in range(count):
        write_comment(post, f"Cheap parking permits, offer number {n}", website_confirm="x",
                      author_name=f"Bot {n}", author_email=f"bot{n}@spam.example",
                      meta={"REMOTE_ADDR": f"203.0.113.{n + 1}"})  # fmt: skip


def surge_emails():
    return OutgoingEmail.objects.filter(subject__contains="Surge of spam").count()


def banner(client):
    return "Surge of spam since" in client.get("/admin/").content.decode()


def test_a_wave_of_bots_tightens_screening_tells_moderators_once_and_passes(
    client, post, write_comment, regulars, moderator, clock
):
    admin = type(client)()
    admin.force_login(moderator)
    before = posted_comment(write_comment(post, WITH_A_LINK, **ADA))
    assert before.is_approved  # a regular's link is published on a quiet day

    bots(write_comment, post, 6)
    clock.advance(seconds=10)  # the counts are looked at every ten seconds
    bots(write_comment, post, 1)

    during = posted_comment(write_comment(post, WITH_A_LINK + " (again)", **ADA))
    assert not during.is_approved
    assert during.held_reasons == [
        "many comments are arriving at once just now, so a moderator reads new ones first"
    ]
    newcomer = posted_comment(write_comment(post, "A first comment, nothing more", **NEWCOMER))
    assert any("a first comment during a surge" in r for r in newcomer.reasons)
    assert banner(admin)
    assert surge_emails() == 1
    # Held comments during the surge wait in the queue without an email each.
    assert not OutgoingEmail.objects.filter(comment__in=[during, newcomer]).exists()

    clock.advance(minutes=5)
    bots(write_comment, post, 7)  # the wave goes on: still one email
    assert surge_emails() == 1

    clock.advance(minutes=45)  # the wave has been over for longer than the surge minutes
    bots(write_comment, post, 1)
    after = posted_comment(write_comment(post, WITH_A_LINK + " (once more)", **ADA))
    assert after.is_approved
    assert not banner(admin)
    held = posted_comment(write_comment(post, "Another first comment", author_name="Nia",
                                        author_email="nia@example.net"))  # fmt: skip
    assert not held.is_approved
    assert OutgoingEmail.objects.filter(comment=held).exists()  # emailed again, as usual


def test_a_busy_day_of_ordinary_holds_is_no_surge(client, post, write_comment, clock):
    for minute in range(30):
        write_comment(post, f"My view, take {minute}", **NEWCOMER)  # held: a first comment
        clock.advance(minutes=1)
    assert surge_emails() == 0


def test_surge_mode_can_be_turned_off(post, write_comment, regulars, clock, settings):
    settings.BROADSHEET_SURGE_MIN_FLAGGED = 0

    bots(write_comment, post, 12)
    clock.advance(seconds=10)
    bots(write_comment, post, 1)

    assert posted_comment(write_comment(post, WITH_A_LINK, **ADA)).is_approved
    assert surge_emails() == 0
