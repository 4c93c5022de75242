import math

from django.conf import settings

from comments.screening.lookups import most_counted
from comments.screening.submission import FIRST_COMMENT, Action, Signal
from comments.screening.text import links


def trust_score(approved):
    """What `approved` comments approved since the writer's latest spam weigh."""
    steps = settings.BROADSHEET_SCREENING_TRUST_STEP_SCORE * (approved - 1)
    score = settings.BROADSHEET_SCREENING_KNOWN_AUTHOR_SCORE + steps
    return max(score, settings.BROADSHEET_SCREENING_TRUST_MOST_SCORE)


def approvals_for_most_trust():
    """How many approved comments reach BROADSHEET_SCREENING_TRUST_MOST_SCORE in
    trust_score (1 if the settings make trust not grow)."""
    known = settings.BROADSHEET_SCREENING_KNOWN_AUTHOR_SCORE
    step = settings.BROADSHEET_SCREENING_TRUST_STEP_SCORE
    most = settings.BROADSHEET_SCREENING_TRUST_MOST_SCORE
    return 1 + math.ceil((most - known) / step) if step < 0 and most < known else 1


class History:
    """What moderators decided before. An author with approved comments (same email) is
    trusted, more with each one: the first scores BROADSHEET_SCREENING_KNOWN_AUTHOR_SCORE,
    each more BROADSHEET_SCREENING_TRUST_STEP_SCORE, down to
    BROADSHEET_SCREENING_TRUST_MOST_SCORE; only comments approved since their latest spam
    count (a spam verdict, or a moderator's "spam", resets the trust). A trusted writer
    skips the classifier's hold, never the link or list checks. A first comment (no approved
    one from this email) with a link in its text is held. An email, IP address or
    link domain marked spam before, or the very text of a comment marked spam (a
    campaign), scores toward spam.

    Everything is looked up in what each comment stored when it was saved (the lowercase
    email, the IP address, the body hash, the linked domains), by index: one query,
    however large the spam folder grows (lookups.py)."""

    def __call__(self, submission):
        stored = submission.stored
        approved, spam = stored.approved_since_spam, stored.spam
        ip_spam, same_text = stored.ip_spam, stored.same_text
        score, reasons = 0.0, []
        if approved:
            score += trust_score(approved)
            reasons.append(f"{approved} approved comment{'s' if approved > 1 else ''} before")
        if spam:
            score += settings.BROADSHEET_SCREENING_SPAM_HISTORY_SCORE
            times = f"{spam} times" if spam > 1 else "once"
            if spam >= most_counted():
                times = f"{spam} or more times"
            reasons.append(f"email marked spam {times} before")
        if ip_spam:
            score += settings.BROADSHEET_SCREENING_SPAM_HISTORY_SCORE
            reasons.append("IP address marked spam before")
        if same_text:
            score += settings.BROADSHEET_SCREENING_SPAM_HISTORY_SCORE
            reasons.append("the same text was marked spam before")
        if domain := stored.spam_domain:
            score += settings.BROADSHEET_SCREENING_SPAM_HISTORY_SCORE
            reasons.append(f"link domain {domain} marked spam before")
        if not reasons:
            if links(submission.body):
                # Nearly a fifth of comment spam links out, its readers' first comments
                # almost never (1.2% of the ham under videos, none in the SMS corpus).
                return Signal("first comment from this address, with a link", action=Action.HOLD,
                              held_reason=FIRST_COMMENT)  # fmt: skip
            return Signal("first comment from this address", held_reason=FIRST_COMMENT)
        # A known spammer (by email or IP), a spammers' link and a campaign's text are
        # independent kinds of evidence.
        kinds = bool(spam or ip_spam) + bool(domain) + bool(same_text)
        return Signal("; ".join(reasons), score=score, kinds=kinds, trusted=approved > 0)
