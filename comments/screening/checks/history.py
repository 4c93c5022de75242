from datetime import UTC, datetime
from functools import reduce
from operator import or_

from django.conf import settings
from django.db.models import Count, Q, Subquery, Value
from django.db.models.functions import Coalesce

from comments.screening.submission import FIRST_COMMENT, Signal
from comments.screening.text import body_hash, link_domains, normal_body

# Shorter texts ("great video!") are written by many people independently: sharing one with
# a comment in the spam folder says nothing about the writer.
CAMPAIGN_MIN_LENGTH = 40
LONG_AGO = datetime(2000, 1, 1, tzinfo=UTC)


def trust_score(approved):
    """What `approved` comments approved since the writer's latest spam weigh."""
    steps = settings.BROADSHEET_SCREENING_TRUST_STEP_SCORE * (approved - 1)
    score = settings.BROADSHEET_SCREENING_KNOWN_AUTHOR_SCORE + steps
    return max(score, settings.BROADSHEET_SCREENING_TRUST_MOST_SCORE)


class History:
    """What moderators decided before. An author with approved comments (same email) is
    trusted, more with each one: the first scores BROADSHEET_SCREENING_KNOWN_AUTHOR_SCORE,
    each more BROADSHEET_SCREENING_TRUST_STEP_SCORE, down to
    BROADSHEET_SCREENING_TRUST_MOST_SCORE; only comments approved since their latest spam
    count (a spam verdict, or a moderator's "spam", resets the trust). A trusted writer
    skips the classifier's hold, never the link or list checks. An email, IP address or
    link domain marked spam before, or the very text of a comment marked spam (a
    campaign), scores toward spam.

    Everything is looked up in what each comment stored when it was saved (the lowercase
    email, the IP address, the body hash, the linked domains), by index: two queries,
    however large the spam folder grows."""

    def __call__(self, submission):
        approved, spam, ip_spam, same_text = self.counts(submission)
        score, reasons = 0.0, []
        if approved:
            score += trust_score(approved)
            reasons.append(f"{approved} approved comment{'s' if approved > 1 else ''} before")
        if spam:
            score += settings.BROADSHEET_SCREENING_SPAM_HISTORY_SCORE
            reasons.append(f"email marked spam {spam} time{'s' if spam > 1 else ''} before")
        if ip_spam:
            score += settings.BROADSHEET_SCREENING_SPAM_HISTORY_SCORE
            reasons.append("IP address marked spam before")
        if same_text:
            score += settings.BROADSHEET_SCREENING_SPAM_HISTORY_SCORE
            reasons.append("the same text was marked spam before")
        if domain := self.spam_domain(submission):
            score += settings.BROADSHEET_SCREENING_SPAM_HISTORY_SCORE
            reasons.append(f"link domain {domain} marked spam before")
        if not reasons:
            return Signal("first comment from this address", held_reason=FIRST_COMMENT)
        # A known spammer (by email or IP), a spammers' link and a campaign's text are
        # independent kinds of evidence.
        kinds = bool(spam or ip_spam) + bool(domain) + bool(same_text)
        return Signal("; ".join(reasons), score=score, kinds=kinds, trusted=approved > 0)

    @staticmethod
    def counts(submission):
        """Comments from this email approved since its latest spam, and its spam; spam
        from this IP; and spam with this very text: in one query."""
        from comments.models import Comment

        spam = Q(status=Comment.Status.SPAM)
        writer = Q(author_email=submission.author_email.lower())
        latest_spam = (
            Comment.objects.filter(writer & spam)
            .annotate(at=Coalesce("status_changed_at", "submitted_at"))
            .order_by("-at")
            .values("at")[:1]
        )
        since_spam = Q(submitted_at__gt=Coalesce(Subquery(latest_spam), Value(LONG_AGO)))
        same_ip = Q(ip_address=submission.ip_address)
        same_text = Q(body_hash=body_hash(submission.body))
        wanted = []
        if submission.author_email:
            wanted.append(writer)
        if submission.ip_address:
            wanted.append(same_ip & spam)
        if len(normal_body(submission.body)) >= CAMPAIGN_MIN_LENGTH:
            wanted.append(same_text & spam)
        else:
            same_text = Q(pk__in=[])
        if not wanted:
            return 0, 0, 0, 0
        counts = Comment.objects.filter(reduce(or_, wanted)).aggregate(
            approved=Count("id", filter=writer & Q(status=Comment.Status.APPROVED) & since_spam),
            spam=Count("id", filter=writer & spam),
            ip_spam=Count("id", filter=same_ip & spam),
            same_text=Count("id", filter=same_text & spam),
        )
        return counts["approved"], counts["spam"], counts["ip_spam"], counts["same_text"]

    @staticmethod
    def spam_domain(submission):
        """A linked domain that a comment marked spam linked to, or None: one query on the
        stored domains, which stops at the first row it finds however many there are."""
        from comments.models import Comment, LinkedDomain

        domains = link_domains(submission)[:5]
        if not domains:
            return None
        linked = LinkedDomain.objects.filter(domain__in=domains, status=Comment.Status.SPAM)
        found = list(linked.values_list("domain", flat=True)[:1])  # unordered: no sort
        return found[0] if found else None
