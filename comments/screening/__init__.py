"""Screening: every new comment is judged here, once, before anyone else can see it.

The comment view calls `screen(submission)` explicitly and saves the comment with the
verdict it returns. Moderators' decisions come back through `learn(comment, ...)`.
"""

from comments.screening.pipeline import learn, learn_many, screen
from comments.screening.submission import Submission, Verdict

__all__ = ["Submission", "Verdict", "learn", "learn_many", "screen"]
