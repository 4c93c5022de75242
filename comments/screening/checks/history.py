from functools import reduce
from operator import or_

from django.conf import settings
from django.db.models import Count, Q

from comments.screening.submission import FIRST_COMMENT, Signal
from comments.screening.text import link_domains


class History:
    """What moderators decided before. An author with an approved comment (same email)
    scores toward approval; an email, IP address or link domain that moderators marked
    as spam scores toward spam."""

    def __call__(self, submission):
        approved, spam, ip_spam = self.counts(submission)
        score, reasons = 0.0, []
        if approved:
            score += settings.BROADSHEET_SCREENING_KNOWN_AUTHOR_SCORE
            reasons.append(f"{approved} approved comment{'s' if approved > 1 else ''} before")
        if spam:
            score += settings.BROADSHEET_SCREENING_SPAM_HISTORY_SCORE
            reasons.append(f"email marked spam {spam} time{'s' if spam > 1 else ''} before")
        if ip_spam:
            score += settings.BROADSHEET_SCREENING_SPAM_HISTORY_SCORE
            reasons.append("IP address marked spam before")
        if domain := self.spam_domain(submission):
            score += settings.BROADSHEET_SCREENING_SPAM_HISTORY_SCORE
            reasons.append(f"link domain {domain} marked spam before")
        if not reasons:
            return Signal("first comment from this address", held_reason=FIRST_COMMENT)
        return Signal("; ".join(reasons), score=score)

    @staticmethod
    def counts(submission):
        """(approved, spam) comments from this email and spam from this IP, in one query."""
        from comments.models import Comment

        spam = Q(status=Comment.Status.SPAM)
        writer = Q(author_email=submission.author_email.lower())
        same_ip = Q(ip_address=submission.ip_address)
        wanted = []
        if submission.author_email:
            wanted.append(writer)
        if submission.ip_address:
            wanted.append(same_ip & spam)
        if not wanted:
            return 0, 0, 0
        counts = Comment.objects.filter(reduce(or_, wanted)).aggregate(
            approved=Count("id", filter=writer & Q(status=Comment.Status.APPROVED)),
            spam=Count("id", filter=writer & spam),
            ip_spam=Count("id", filter=same_ip & spam),
        )
        return counts["approved"], counts["spam"], counts["ip_spam"]

    @staticmethod
    def spam_domain(submission):
        """The first linked domain found in a comment marked spam, or None (one query)."""
        from comments.models import Comment

        domains = link_domains(submission)[:5]
        if not domains:
            return None
        linked = reduce(or_, (Q(author_url__icontains=d) | Q(body__icontains=d) for d in domains))
        found = (
            Comment.objects.filter(linked, status=Comment.Status.SPAM)
            .values_list("author_url", "body")
            .first()
        )
        if found is None:
            return None
        text = " ".join(found).lower()
        return next((domain for domain in domains if domain in text), domains[0])
