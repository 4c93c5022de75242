import time

from django.conf import settings
from django.core import signing

from comments.screening.submission import Action, Signal

FORM_TOKEN_SALT = "comments.form-token"


def make_form_token(post, now=None):
    """A signed note of which post the form is for and when it was rendered."""
    moment = int(time.time() if now is None else now)
    return signing.dumps({"post": post.pk, "t": moment}, salt=FORM_TOKEN_SALT)


class FormTimestamp:
    """The form carries a signed render time. Posted faster than a person types, after the
    token expired, for another post, or with a forged token: spam."""

    def __call__(self, submission):
        try:
            token = signing.loads(submission.form_token, salt=FORM_TOKEN_SALT)
            rendered_at, post_id = float(token["t"]), token["post"]
        except (signing.BadSignature, KeyError, TypeError, ValueError):
            return Signal("form token missing or forged", action=Action.SPAM)
        if post_id != submission.post.pk:
            return Signal("form token is for another post", action=Action.SPAM)
        age = time.time() - rendered_at
        minimum = settings.BROADSHEET_SCREENING_MIN_SECONDS
        if age < minimum:
            return Signal(
                f"posted {max(age, 0):.1f} s after the form was shown (minimum {minimum} s)",
                action=Action.SPAM,
            )
        max_days = settings.BROADSHEET_SCREENING_TOKEN_MAX_DAYS
        if age > max_days * 86400:
            return Signal(
                f"form token {age / 86400:.0f} days old (maximum {max_days})", action=Action.SPAM
            )
        return None
