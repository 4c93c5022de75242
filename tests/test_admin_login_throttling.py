"""Admin passwords cannot be guessed without limit: ten failures in a row from one address, or
for one username from anywhere, pause logins there (django-axes, counted in the database so
every gunicorn worker agrees). The real user gets back in when the pause ends, or at once when
another administrator lifts it."""

from datetime import timedelta

import pytest
from axes.models import AccessAttempt
from django.core.management import call_command
from django.test import Client
from django.urls import reverse

pytestmark = pytest.mark.django_db

PASSWORD = "correct horse battery"  # the `editor` fixture's
GUESSER = "198.51.100.66"
OWNER = "203.0.113.9"
PAUSED = "Too many failed login attempts"


def log_in(username, password, ip, **headers):
    """Send the admin's login form from `ip` in a new browser; return the response."""
    return Client().post(
        reverse("admin:login") + "?next=/admin/",
        {"username": username, "password": password},
        REMOTE_ADDR=ip, **headers,
    )  # fmt: skip


def logged_in(response):
    return response.status_code == 302 and response["Location"] == "/admin/"


def guess(times, username="editor", ip=GUESSER):
    return [log_in(username, f"wrong guess {n}", ip) for n in range(times)]


def test_ten_wrong_passwords_then_the_right_one_is_refused(editor):
    answers = guess(10)

    assert [a.status_code for a in answers[:9]] == [200] * 9  # the login form, with its error
    assert answers[9].status_code == 429
    refused = log_in("editor", PASSWORD, GUESSER)
    assert refused.status_code == 429
    assert PAUSED in refused.content.decode()


def test_the_lockout_page_is_the_admins_own_page_saying_for_how_long(editor, settings):
    settings.AXES_FAILURE_LIMIT = 3
    settings.AXES_COOLOFF_TIME = timedelta(minutes=20)
    guess(3)

    response = log_in("editor", PASSWORD, GUESSER)

    page = response.content.decode()
    assert response.status_code == 429
    assert response["Retry-After"] == "1200"
    assert "after 3 in a row" in page
    assert "paused for 20 minutes" in page
    assert "Broadsheet administration" in page  # the admin's header and stylesheets
    assert "admin/css/base.css" in page
    assert "axes_reset_username" in page


def test_nine_failures_then_the_right_password_get_in_and_start_the_count_again(editor):
    guess(9)
    assert logged_in(log_in("editor", PASSWORD, GUESSER))

    guess(9)
    assert logged_in(log_in("editor", PASSWORD, GUESSER))


def test_one_address_trying_many_usernames_is_paused(editor):
    for n in range(10):
        log_in(f"user{n}", "wrong guess", GUESSER)

    assert log_in("editor", PASSWORD, GUESSER).status_code == 429
    # The account itself is not paused: its owner, elsewhere, still gets in.
    assert logged_in(log_in("editor", PASSWORD, OWNER))


def test_one_username_guessed_from_many_addresses_is_paused(editor):
    for n in range(10):
        log_in("editor", "wrong guess", f"198.51.100.{n + 1}")

    assert log_in("editor", PASSWORD, OWNER).status_code == 429


def test_the_pause_ends_by_itself(editor, settings):
    guess(10)
    assert log_in("editor", PASSWORD, OWNER).status_code == 429

    # The pause's length passes since the last failure.
    AccessAttempt.objects.update(
        attempt_time=AccessAttempt.objects.get().attempt_time
        - settings.AXES_COOLOFF_TIME
        - timedelta(seconds=1)
    )

    assert logged_in(log_in("editor", PASSWORD, OWNER))


def test_guessing_during_the_pause_does_not_make_it_longer(editor, settings):
    guess(10)
    guess(20)

    assert AccessAttempt.objects.get().failures_since_start == 10


def test_the_reset_command_lets_the_owner_back_in_at_once(editor, capsys):
    guess(10)

    call_command("axes_reset_username", "editor")

    assert logged_in(log_in("editor", PASSWORD, OWNER))
    assert logged_in(log_in("editor", PASSWORD, GUESSER))


def test_another_administrator_lifts_the_pause_in_the_admin(editor, django_user_model):
    guess(10)
    colleague = django_user_model.objects.create_superuser(
        "colleague", "colleague@example.org", "another long password"
    )
    admin = Client()
    admin.force_login(colleague)

    listing = admin.get(reverse("admin:axes_accessattempt_changelist"))
    assert "editor" in listing.content.decode()
    [attempt] = AccessAttempt.objects.all()
    admin.post(
        reverse("admin:axes_accessattempt_changelist"),
        {"action": "delete_selected", "_selected_action": [attempt.pk], "post": "yes"},
    )

    assert logged_in(log_in("editor", PASSWORD, OWNER))


def test_behind_a_proxy_each_reader_is_counted_apart(editor, settings):
    settings.BROADSHEET_TRUSTED_PROXIES = ["127.0.0.1"]
    for n in range(10):
        log_in(f"user{n}", "wrong guess", "127.0.0.1", HTTP_X_FORWARDED_FOR=GUESSER)

    assert log_in("editor", PASSWORD, "127.0.0.1", HTTP_X_FORWARDED_FOR=GUESSER).status_code == 429
    assert logged_in(log_in("editor", PASSWORD, "127.0.0.1", HTTP_X_FORWARDED_FOR=OWNER))
