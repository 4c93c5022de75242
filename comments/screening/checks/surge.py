from comments.screening.submission import Action, Signal
from comments.screening.text import link_domains

SURGE_HELD = "many comments are arriving at once just now, so a moderator reads new ones first"


class Surge:
    """During a surge (a wave of bots, comments/screening/surge.py): a first comment, or a
    comment with any link, is held for a moderator, whatever the other checks say."""

    def __call__(self, submission):
        if not submission.surge:
            return None
        if link_domains(submission):
            why = "a link during a surge"
        elif not (submission.author_email and submission.stored.approved_ever):
            why = "a first comment during a surge"
        else:
            return None
        return Signal(why, action=Action.HOLD, held_reason=SURGE_HELD)
