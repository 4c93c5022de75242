from comments.screening.submission import Action, Signal
from comments.screening.text import body_hash

DUPLICATE_MESSAGE = (
    "It looks as though you have already posted this comment on this post. "
    "It was not posted a second time."
)


class Duplicate:
    """The same body from the same email on the same post: rejected with a clear message.
    Found by the body hash stored with each comment (one indexed query)."""

    def __call__(self, submission):
        from comments.models import Comment

        writer = (
            {"author_email": submission.author_email.lower()}
            if submission.author_email
            else {"author_name": submission.author_name, "ip_address": submission.ip_address}
        )
        earlier = Comment.objects.filter(
            post=submission.post, body_hash=body_hash(submission.body), **writer
        ).exclude(status=Comment.Status.TRASH)
        if earlier.exists():
            return Signal("duplicate of an earlier comment", action=Action.REJECT,
                          message=DUPLICATE_MESSAGE)  # fmt: skip
        return None
