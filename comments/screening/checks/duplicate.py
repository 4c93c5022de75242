import re

from comments.screening.submission import Action, Signal

DUPLICATE_MESSAGE = (
    "It looks as though you have already posted this comment on this post. "
    "It was not posted a second time."
)


def _normal(text):
    return re.sub(r"\s+", " ", text).strip().lower()


class Duplicate:
    """The same body from the same email on the same post: rejected with a clear message."""

    def __call__(self, submission):
        from comments.models import Comment

        writer = (
            {"author_email": submission.author_email.lower()}
            if submission.author_email
            else {"author_name": submission.author_name, "ip_address": submission.ip_address}
        )
        earlier = (
            Comment.objects.filter(post=submission.post, **writer)
            .exclude(status=Comment.Status.TRASH)
            .values_list("body", flat=True)
        )
        body = _normal(submission.body)
        if any(_normal(text) == body for text in earlier):
            return Signal("duplicate of an earlier comment", action=Action.REJECT,
                          message=DUPLICATE_MESSAGE)  # fmt: skip
        return None
