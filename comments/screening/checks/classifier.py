from django.conf import settings
from django.db import transaction

from comments.screening import bayes
from comments.screening.submission import Action, Signal


class Classifier:
    """Naive Bayes over the comment's tokens, trained by moderators' decisions (the counts
    and the arithmetic live in comments/screening/bayes.py).

    Abstains until trained on BROADSHEET_CLASSIFIER_MIN_TRAINING messages of each class.
    Then a score at or above BROADSHEET_CLASSIFIER_SPAM_CUTOFF scores
    BROADSHEET_SCREENING_SPAM_SCORE, which holds the comment unless another check agrees
    that it is spam, or the score is at or above BROADSHEET_CLASSIFIER_SURE_CUTOFF, when it
    is spam on its own (a known author's history can still pull either back to a hold).
    Words are one kind of evidence, and on a blog unlike the ones it learned from they
    mislead: a reader's excited "check out this video" reads like spam.

    One whose score to publish (letter triples weighed down, bayes.Judgement) is at or below
    BROADSHEET_CLASSIFIER_HAM_CUTOFF scores toward approval (enough, on its own, to publish
    a newcomer's comment); the band between holds for a moderator, scoring half the spam
    score when it leans to spam.

    A classifier trained mostly on another site's comments (`manage.py train_spam`)
    misjudges this blog's readers, so until moderators here have trained it on
    BROADSHEET_CLASSIFIER_MIN_OWN_TRAINING comments of each class it only ever holds: it
    neither marks spam nor approves."""

    def __call__(self, submission):
        trained = bayes.totals()
        minimum = settings.BROADSHEET_CLASSIFIER_MIN_TRAINING
        if trained.spam < minimum or trained.ham < minimum:
            return None
        judgement = bayes.judge(submission, trained)
        p = judgement.probability
        words = f": {bayes.explain(judgement.pushes)}" if judgement.pushes else ""
        own_minimum = settings.BROADSHEET_CLASSIFIER_MIN_OWN_TRAINING
        learning = trained.own_spam < own_minimum or trained.own_ham < own_minimum
        if p >= settings.BROADSHEET_CLASSIFIER_SPAM_CUTOFF:
            if learning:
                return Signal(f"classifier {p:.2f}, still learning this blog: held, not spam"
                              f"{words}", action=Action.HOLD, classifier_score=p)  # fmt: skip
            return Signal(f"classifier {p:.2f}{words}",
                          score=settings.BROADSHEET_SCREENING_SPAM_SCORE,
                          overwhelming=p >= settings.BROADSHEET_CLASSIFIER_SURE_CUTOFF,
                          classifier_score=p)  # fmt: skip
        # Said when it differs: why a comment scored, say, 0.31 was published.
        to_publish = judgement.to_publish
        shown = f"classifier {p:.2f}" + (
            f", {to_publish:.2f} to publish" if f"{to_publish:.2f}" != f"{p:.2f}" else ""
        )
        if to_publish > settings.BROADSHEET_CLASSIFIER_HAM_CUTOFF:
            # Unsure but leaning spam: half the spam score, so a spam history tips it over.
            leans_spam = p >= 0.5 and not learning
            leaning = settings.BROADSHEET_SCREENING_SPAM_SCORE / 2 if leans_spam else 0.0
            return Signal(f"{shown}, unsure{words}", score=leaning,
                          action=Action.HOLD, waived_by_trust=True,
                          classifier_score=p)  # fmt: skip
        if learning:
            return Signal(f"{shown}{words}", classifier_score=p)
        return Signal(f"{shown}{words}",
                      score=settings.BROADSHEET_SCREENING_APPROVE_SCORE,
                      classifier_score=p)  # fmt: skip

    def learn(self, comment, previous_status):
        self.learn_many([comment], {comment.pk: previous_status})

    def learn_many(self, comments, previous_statuses):
        """Train on moderators' decisions. Approved trains ham and spam trains spam; a
        reversal takes the comment out of the old class and into the new one. Back to
        pending (unapprove, "not spam") takes it out of both: the moderator withdrew the
        decision. Trash keeps what it was trained as: trashing is tidying, not a verdict.
        One batch per class, whatever the number of comments."""
        from comments.models import Comment

        targets = {
            Comment.Status.APPROVED: bayes.HAM,
            Comment.Status.SPAM: bayes.SPAM,
            Comment.Status.PENDING: "",
        }
        wanted = {c.pk: targets[c.status] for c in comments if c.status in targets}
        if not wanted:
            return
        with transaction.atomic():
            # Read under row locks, so two moderators acting at once cannot count twice.
            trained = dict(
                Comment.objects.select_for_update()
                .filter(pk__in=list(wanted))
                .values_list("pk", "trained_as")
            )
            untrain, train, moved = {}, {}, {}
            for comment in comments:
                was, target = trained.get(comment.pk), wanted.get(comment.pk)
                if was is None or target is None or was == target:
                    continue
                if was:
                    untrain.setdefault(was, []).append(comment)
                if target:
                    train.setdefault(target, []).append(comment)
                moved.setdefault(target, []).append(comment)
            for label, group in untrain.items():
                bayes.train(group, label, own=True, untrain=True)
            for label, group in train.items():
                bayes.train(group, label, own=True)
            for target, group in moved.items():
                Comment.objects.filter(pk__in=[c.pk for c in group]).update(trained_as=target)
                for comment in group:
                    comment.trained_as = target
