import secrets
import time

from django.conf import settings
from django.core import signing

from comments.screening.submission import Action, Signal

FORM_TOKEN_SALT = "comments.form-token"


def make_form_token(post, now=None):
    """A signed note of which post the form is for, when it was rendered, and a one-time
    number ("n") that lets a form sent twice make one comment (Comment.form_key)."""
    moment = int(time.time() if now is None else now)
    note = {"post": post.pk, "t": moment, "n": secrets.token_urlsafe(16)}
    return signing.dumps(note, salt=FORM_TOKEN_SALT)


def read_form_token(token):
    """The note in a form token as a dict, or None when it is missing or forged."""
    try:
        note = signing.loads(token, salt=FORM_TOKEN_SALT)
    except signing.BadSignature:
        return None
    return note if isinstance(note, dict) else None


def form_nonce(token):
    """The one-time number of a form token; "" for a forged token or one made before
    tokens carried one."""
    nonce = (read_form_token(token) or {}).get("n")
    return nonce if isinstance(nonce, str) and len(nonce) <= 32 else ""


class FormTimestamp:
    """The form carries a signed render time. Posted faster than a person types, after the
    token expired, for another post, or with a forged token: spam."""

    def __call__(self, submission):
        token = read_form_token(submission.form_token)
        try:
            rendered_at, post_id = float(token["t"]), token["post"]
        except (KeyError, TypeError, ValueError):
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
