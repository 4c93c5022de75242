"""Deployment checks for the comments app (`manage.py check --deploy`)."""

from django.conf import settings
from django.core import checks

LOG_ONLY_BACKEND = "comments.outbox.LogOnlyEmailBackend"


@checks.register("email", deploy=True)
def email_is_configured(app_configs, **kwargs):
    """Without EMAIL_URL nothing is sent: say so where the person deploying will look."""
    if settings.EMAIL_BACKEND != LOG_ONLY_BACKEND:
        return []
    return [
        checks.Info(
            "EMAIL_URL is not set: emails to moderators, authors and readers are not sent "
            "(they wait in the outbox, retried for about a day; the log says only that an "
            "email was not sent).",
            hint="Set EMAIL_URL, e.g. smtp+tls://user:password@smtp.example.org:587.",
            id="comments.I001",
        )
    ]
