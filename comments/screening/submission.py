from dataclasses import dataclass
from enum import StrEnum
from functools import cached_property
from typing import Any


@dataclass(frozen=True)
class Submission:
    """Everything known about a comment at the moment it is posted. Immutable: checks read it
    and never change it."""

    post: Any
    author_name: str
    author_email: str
    author_url: str
    body: str
    parent: Any = None
    ip_address: str | None = None
    user_agent: str = ""
    referrer: str = ""
    form_token: str = ""
    honeypot: str = ""
    user: Any = None

    @cached_property
    def stored(self):
        """What the stored comments say about this one (lookups.Stored): one query, made
        by the first check that asks."""
        from comments.screening.lookups import stored_history

        return stored_history(self)

    @cached_property
    def surge(self):
        """The surge under way as this comment is screened (surge.in_force), read once for
        the checks that tighten during one."""
        from comments.screening import surge

        return surge.in_force()

    @property
    def form_nonce(self):
        """The form's one-time number, from its signed token ("" without one)."""
        from comments.screening.checks.timestamp import form_nonce

        return form_nonce(self.form_token)


# What the writer of a held comment reads when nothing more specific applies.
FIRST_COMMENT = "it is your first comment here"
SOMETIMES_CHECKED = "a moderator reads some comments before they appear"


class Action(StrEnum):
    APPROVE = "approve"
    HOLD = "hold"
    SPAM = "spam"
    REJECT = "reject"


@dataclass(frozen=True)
class Signal:
    """What one check says about a submission.

    `score` moves the total toward spam (positive) or toward approval (negative). `action`,
    when set, is a verdict: SPAM, REJECT and APPROVE end the screening at once, HOLD means
    "at least held" and lets later checks add their reasons (and push it to spam).

    A total that reaches the spam score is spam only with evidence of two kinds or more, or
    one signal `overwhelming` on its own; otherwise it is held (see pipeline.py). A signal
    that scores toward spam is one kind of evidence unless it says it is `kinds` (a history
    of spam from this address and from this link domain are two)."""

    reason: str
    score: float = 0.0
    action: Action | None = None
    overwhelming: bool = False
    kinds: int = 0
    trusted: bool = False  # the writer has earned trust: holds that allow it are skipped
    waived_by_trust: bool = False  # a HOLD that a trusted writer skips
    check: str = ""  # which check said it: set by the pipeline
    held_reason: str = ""  # plain words for the writer, if the comment ends up held
    message: str = ""  # for REJECT: shown to the reader, whose text is kept
    classifier_score: float | None = None

    @classmethod
    def evidence(cls, reason, score, held_reason):
        """One kind of evidence that a comment is spam: it holds, and weighs `score`."""
        return cls(reason, score=score, action=Action.HOLD, held_reason=held_reason)

    @property
    def kinds_of_spam_evidence(self):
        if self.score <= 0:
            return 0
        return self.kinds or 1


@dataclass(frozen=True)
class Verdict:
    """What the screening decided.

    `reasons` are for moderators ("3 links; classifier 0.71"); `held_reasons` are the plain
    words shown to a writer whose comment waits ("it contains 3 links"); `message` is shown
    to a reader whose comment is rejected (and not saved). `checks` names the checks that
    pushed toward this verdict, so a moderator's reversal can be counted against them."""

    action: Action
    score: float = 0.0
    reasons: tuple[str, ...] = ()
    checks: tuple[str, ...] = ()
    held_reasons: tuple[str, ...] = ()
    message: str = ""
    classifier_score: float | None = None

    @property
    def comment_status(self):
        from comments.models import Comment

        return {
            Action.APPROVE: Comment.Status.APPROVED,
            Action.HOLD: Comment.Status.PENDING,
            Action.SPAM: Comment.Status.SPAM,
        }[self.action]

    @property
    def is_rejected(self):
        return self.action == Action.REJECT
