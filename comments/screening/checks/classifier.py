class Classifier:
    """Naive Bayes over the comment's tokens, trained by moderators' decisions.

    Abstains until trained (see comments/screening/bayes.py)."""

    def __call__(self, submission):
        return None

    def learn(self, comment, previous_status):
        return None
