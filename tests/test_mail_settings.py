"""With DEBUG off, mail never lands in the server log: without EMAIL_URL nothing is sent and
the log says only that an email was not sent, not to whom nor what it said."""

import os
import subprocess
import sys
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command

from comments.models import OutgoingEmail
from tests.commenting import NEWCOMER

PROJECT = Path(__file__).resolve().parent.parent
LOG_ONLY = "comments.outbox.LogOnlyEmailBackend"


def email_backend(**environment):
    """EMAIL_BACKEND as config/settings.py decides it from `environment` alone."""
    env = {name: value for name, value in os.environ.items()
           if name not in ("EMAIL_URL", "DEBUG")}  # fmt: skip
    env.update(
        DJANGO_SETTINGS_MODULE="config.settings",
        SECRET_KEY="a-long-enough-secret-key-for-a-settings-test",
        **environment,
    )
    code = "from django.conf import settings; print(settings.EMAIL_BACKEND)"
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=PROJECT, env=env, capture_output=True, text=True,
        check=True, timeout=60,
    )  # fmt: skip
    return result.stdout.strip()


def test_without_email_url_production_sends_nothing_and_prints_no_mail():
    assert email_backend(DEBUG="false") == LOG_ONLY


def test_without_email_url_development_prints_mail_to_the_console():
    assert email_backend(DEBUG="true") == "django.core.mail.backends.console.EmailBackend"


def test_email_url_chooses_the_mail_server():
    backend = email_backend(DEBUG="false", EMAIL_URL="smtp+tls://user:pw@smtp.example.org:587")
    assert backend == "django.core.mail.backends.smtp.EmailBackend"


@pytest.mark.django_db
def test_an_unsent_email_logs_neither_the_commenter_nor_the_comment(
    make_post, write_comment, settings, caplog, django_capture_on_commit_callbacks
):
    settings.EMAIL_BACKEND = LOG_ONLY
    settings.BROADSHEET_MODERATOR_EMAILS = ["moderator@example.org"]
    post = make_post("Ferry timetable")

    with django_capture_on_commit_callbacks(execute=True):
        write_comment(post, "My number is 555-0199, call me.", **NEWCOMER,
                      meta={"REMOTE_ADDR": "203.0.113.77"})  # fmt: skip

    assert "an email to 1 recipient(s) was not sent" in caplog.text
    for private in ("nell@example.net", "Nell", "555-0199", "203.0.113.77",
                    "moderator@example.org", "Ferry timetable"):  # fmt: skip
        assert private not in caplog.text
    email = OutgoingEmail.objects.get()
    assert (email.status, email.attempts) == (OutgoingEmail.Status.QUEUED, 1)  # kept for later


def test_the_deployment_check_says_when_mail_is_not_configured(settings):
    settings.EMAIL_BACKEND = LOG_ONLY
    out, err = StringIO(), StringIO()

    call_command("check", deploy=True, stdout=out, stderr=err)

    assert "comments.I001" in out.getvalue() + err.getvalue()
    assert "EMAIL_URL is not set" in out.getvalue() + err.getvalue()
