"""The screening pipeline: an ordered list of checks, named in settings like MIDDLEWARE.

Each check is an object called with a Submission that returns a Signal or None. Checks run
in order; a SPAM, REJECT or APPROVE signal ends the run (so, say, Akismet is never asked
about a comment the blocklist already caught). Otherwise the scores add up:

    total >= BROADSHEET_SCREENING_SPAM_SCORE      spam, with evidence of two kinds or one
                                                  overwhelming signal; else hold
    a HOLD signal, or total > ..._APPROVE_SCORE   hold for a moderator
    otherwise                                     approve

Ham marked spam is the worst mistake a blog can make (nobody reads the spam folder), so
one kind of evidence, however strong its score, holds: the classifier alone must be
beyond its much stricter "sure" cutoff, and otherwise another check has to agree (a link
domain or an address with a spam history, a known campaign's text, ...).

A check that learns from moderators also has `learn(comment, previous_status)`.
"""

from dataclasses import replace
from functools import lru_cache

from django.conf import settings
from django.utils.module_loading import import_string

from comments.screening import surge
from comments.screening.submission import (
    FIRST_COMMENT,
    SOMETIMES_CHECKED,
    Action,
    Signal,
    Verdict,
)

ONE_KIND_OF_EVIDENCE = "held, not spam: one kind of evidence only"


@lru_cache(maxsize=8)
def _load(paths):
    return tuple(import_string(path)() for path in paths)


def checks():
    """The configured checks, created once per configuration."""
    return _load(tuple(settings.BROADSHEET_SCREENING_CHECKS))


def warm_up():
    """Load what the checks read on every comment (a model, say) now, not on the first
    comment: gunicorn calls this in its master so the workers share it (config/gunicorn.py)."""
    for check in checks():
        if hasattr(check, "warm_up"):
            check.warm_up()


def screen(submission):
    """Judge a new comment and return a Verdict. Nothing is saved here; the verdict is
    counted for surge mode (comments/screening/surge.py)."""
    verdict = _screen(submission)
    surge.record(verdict.action)
    return verdict


def _screen(submission):
    signals = []
    kinds = 0  # kinds of evidence that the comment is spam
    for check in checks():
        signal = check(submission)
        if signal is None:
            continue
        signal = replace(signal, check=check_name(check))
        signals.append(signal)
        if signal.action in (Action.SPAM, Action.REJECT, Action.APPROVE):
            return _verdict(signal.action, signals, submission)
        kinds += signal.kinds_of_spam_evidence
    trusted = any(signal.trusted for signal in signals)
    held = any(
        signal.action == Action.HOLD and not (trusted and signal.waived_by_trust)
        for signal in signals
    )
    total = sum(signal.score for signal in signals)
    if total >= settings.BROADSHEET_SCREENING_SPAM_SCORE:
        if kinds >= 2 or any(signal.overwhelming for signal in signals):
            action = Action.SPAM
        else:
            signals.append(Signal(ONE_KIND_OF_EVIDENCE))
            action = Action.HOLD
    elif held or total > settings.BROADSHEET_SCREENING_APPROVE_SCORE:
        action = Action.HOLD
    else:
        action = Action.APPROVE
    return _verdict(action, signals, submission)


def check_name(check):
    """A check's short name, as reports show it: its module's ("classifier", "links")."""
    return type(check).__module__.rpartition(".")[2]


def _pushed_toward(action, signal):
    """Whether `signal` argued for `action`: the checks a moderator overrules by reversing it."""
    if action == Action.APPROVE:
        return signal.action == Action.APPROVE or signal.score < 0
    if action == Action.HOLD:  # a held reason: "first comment" holds by vouching for nothing
        return signal.action == Action.HOLD or signal.score > 0 or bool(signal.held_reason)
    return signal.action == action or signal.score > 0


def _verdict(action, signals, submission):
    classifier_scores = [s.classifier_score for s in signals if s.classifier_score is not None]
    pushed = (s.check for s in signals if s.check and _pushed_toward(action, s))
    return Verdict(
        action=action,
        score=round(sum(signal.score for signal in signals), 3),
        reasons=tuple(signal.reason for signal in signals),
        checks=tuple(dict.fromkeys(pushed)),
        held_reasons=_held_reasons(action, signals, submission),
        message=next((s.message for s in signals if s.action == Action.REJECT), ""),
        classifier_score=classifier_scores[-1] if classifier_scores else None,
    )


def _held_reasons(action, signals, submission):
    """What the writer of a waiting comment is told. A spam verdict is told only what a hold
    would say, so a bot learns nothing about which check caught it."""
    if action == Action.HOLD:
        reasons = tuple(dict.fromkeys(s.held_reason for s in signals if s.held_reason))
        if reasons:
            return reasons
    if action in (Action.HOLD, Action.SPAM):
        if any(signal.held_reason == FIRST_COMMENT for signal in signals):
            return (FIRST_COMMENT,)  # the history check already looked
        return (FIRST_COMMENT if _is_first_comment(submission) else SOMETIMES_CHECKED,)
    return ()


def _is_first_comment(submission):
    return not submission.author_email or not submission.stored.approved_ever


def learn(comment, previous_status):
    """Let every learning check learn from a moderator moving `comment` out of
    `previous_status` (into `comment.status`)."""
    learn_many([comment], {comment.pk: previous_status})


def learn_many(comments, previous_statuses):
    """`learn`, for many comments moderated at once (`previous_statuses`: by comment id).
    A check with `learn_many` learns from them in one batch."""
    for check in checks():
        if hasattr(check, "learn_many"):
            check.learn_many(comments, previous_statuses)
        elif hasattr(check, "learn"):
            for comment in comments:
                check.learn(comment, previous_statuses[comment.pk])
