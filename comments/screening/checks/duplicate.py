from comments.screening.submission import Action, Signal

DUPLICATE_MESSAGE = (
    "It looks as though you have already posted this comment on this post. "
    "It was not posted a second time."
)


class Duplicate:
    """The same body from the same email on the same post: rejected with a clear message.
    Found by the body hash stored with each comment (comments/screening/lookups.py)."""

    def __call__(self, submission):
        if submission.stored.duplicate:
            return Signal("duplicate of an earlier comment", action=Action.REJECT,
                          message=DUPLICATE_MESSAGE)  # fmt: skip
        return None
