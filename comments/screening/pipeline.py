"""The screening pipeline.

Until the checks land, this does what WordPress does by default: a comment whose writer
(same email) already has an approved comment is approved; everything else is held.
"""

from comments.screening.submission import Action, Verdict


def screen(submission):
    """Judge a new comment and return a Verdict. Nothing is saved here."""
    from comments.models import Comment

    if submission.user is not None and submission.user.has_perm("comments.change_comment"):
        return Verdict(Action.APPROVE, reasons=("written by a moderator",))
    if submission.user is not None and submission.user == submission.post.author:
        return Verdict(Action.APPROVE, reasons=("written by the post's author",))
    if submission.author_email and (
        Comment.objects.approved().filter(author_email__iexact=submission.author_email).exists()
    ):
        return Verdict(Action.APPROVE, reasons=("the writer has an approved comment",))
    return Verdict(
        Action.HOLD,
        reasons=("first comment from this address",),
        held_reasons=("it is your first comment here",),
    )


def learn(comment, previous_status):
    """Learn from a moderator moving `comment` out of `previous_status`."""
