from django.conf import settings

from comments.screening.submission import Action, Signal
from comments.screening.text import links


class Links:
    """N or more links (default 2) hold the comment for a moderator, as WordPress does."""

    def __call__(self, submission):
        limit = settings.BROADSHEET_SCREENING_MAX_LINKS
        count = len(links(submission.body))
        if limit and count >= limit:
            return Signal(
                f"{count} links",
                action=Action.HOLD,
                held_reason=f"it contains {count} links",
            )
        return None
