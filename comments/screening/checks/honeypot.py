from comments.screening.submission import Action, Signal


class Honeypot:
    """People never see the honeypot field; a bot that fills it in is spam. The writer is
    told the same as for any held comment."""

    def __call__(self, submission):
        if submission.honeypot.strip():
            return Signal("honeypot field filled in", action=Action.SPAM)
        return None
