"""Building submissions and form posts for the screening tests."""

import time

from comments.screening import Submission
from comments.screening.checks.timestamp import make_form_token


def valid_token(post, seconds_ago=60):
    return make_form_token(post, now=time.time() - seconds_ago)


def submission(post, **fields):
    """A submission a careful person would send: a valid form token, honeypot empty."""
    values = {
        "post": post,
        "author_name": "Dana Reader",
        "author_email": "dana@example.net",
        "author_url": "",
        "body": "I think the committee should publish its minutes sooner.",
        "ip_address": "198.51.100.7",
        "user_agent": "Mozilla/5.0 (X11; Linux x86_64)",
        "form_token": valid_token(post),
    }
    values.update(fields)
    return Submission(**values)


def form_data(post, **fields):
    """POST data for the comment form, as a browser sends it after a minute of typing."""
    data = {
        "author_name": "Dana Reader",
        "author_email": "dana@example.net",
        "author_url": "",
        "body": "I think the committee should publish its minutes sooner.",
        "token": valid_token(post),
        "website_confirm": "",
    }
    data.update(fields)
    return data


class AllAtOnce:
    """A screening check that holds each comment until `barrier.parties` comments are being
    screened at the same moment: simultaneous posts, made certain rather than likely."""

    barrier = None

    def __call__(self, submission):
        if AllAtOnce.barrier is not None:
            AllAtOnce.barrier.wait(timeout=20)
        return None
