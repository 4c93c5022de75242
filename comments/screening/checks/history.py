from django.conf import settings
from django.db.models import Count, Q

from comments.screening.submission import Signal
from comments.screening.text import link_domains


class History:
    """What moderators decided before. An author with an approved comment (same email)
    scores toward approval; an email, IP address or link domain that moderators marked
    as spam scores toward spam."""

    def __call__(self, submission):
        from comments.models import Comment

        approved, spam = 0, 0
        if submission.author_email:
            counts = Comment.objects.filter(
                author_email=submission.author_email.lower()
            ).aggregate(
                approved=Count("id", filter=Q(status=Comment.Status.APPROVED)),
                spam=Count("id", filter=Q(status=Comment.Status.SPAM)),
            )
            approved, spam = counts["approved"], counts["spam"]
        score, reasons = 0.0, []
        if approved:
            score += settings.BROADSHEET_SCREENING_KNOWN_AUTHOR_SCORE
            reasons.append(f"{approved} approved comment{'s' if approved > 1 else ''} before")
        if spam:
            score += settings.BROADSHEET_SCREENING_SPAM_HISTORY_SCORE
            reasons.append(f"email marked spam {spam} time{'s' if spam > 1 else ''} before")
        spam_comments = Comment.objects.filter(status=Comment.Status.SPAM)
        ip = submission.ip_address
        if ip and spam_comments.filter(ip_address=ip).exists():
            score += settings.BROADSHEET_SCREENING_SPAM_HISTORY_SCORE
            reasons.append("IP address marked spam before")
        for domain in link_domains(submission)[:5]:
            linked = Q(author_url__icontains=domain) | Q(body__icontains=domain)
            if spam_comments.filter(linked).exists():
                score += settings.BROADSHEET_SCREENING_SPAM_HISTORY_SCORE
                reasons.append(f"link domain {domain} marked spam before")
                break
        if not reasons:
            return Signal(
                "first comment from this address", held_reason="it is your first comment here"
            )
        return Signal("; ".join(reasons), score=score)
