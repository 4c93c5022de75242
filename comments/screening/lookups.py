"""What the stored comments say about a new one, looked up once per submission.

The duplicate, history and surge checks and the held-comment message all ask the comment
table about the same writer and text; one query answers them all (the columns it reads
are stored at write time and indexed: the lowercase email, the IP address, the body
hash), and a second one, only for a comment with links, asks about its link domains.
`Submission.stored` runs it on first use.
"""

from dataclasses import dataclass
from datetime import UTC, datetime
from functools import reduce
from operator import or_

from django.db.models import Count, Q, Subquery, Value
from django.db.models.functions import Coalesce

from comments.screening.text import body_hash, link_domains, normal_body

# Shorter texts ("great video!") are written by many people independently: sharing one with
# a comment in the spam folder says nothing about the writer.
CAMPAIGN_MIN_LENGTH = 40
LONG_AGO = datetime(2000, 1, 1, tzinfo=UTC)
NOTHING = Q(pk__in=[])  # a filter no row passes: a count that is always 0
# Link domains looked up per comment: a comment with more is suspicious enough already.
MOST_DOMAINS = 5


@dataclass(frozen=True)
class Stored:
    duplicate: bool  # the same text from the same writer on the same post, not in the trash
    approved_ever: bool  # the writer (same email) has had a comment approved
    approved_since_spam: int  # ... and this many since their latest spam
    spam: int  # comments from this email in the spam folder
    ip_spam: int  # ... from this IP address
    same_text: int  # ... with this very text (a campaign), if it is long enough to tell


def stored_history(submission):
    from comments.models import Comment

    spam = Q(status=Comment.Status.SPAM)
    hashed = body_hash(submission.body)
    email = submission.author_email.lower()
    writer = Q(author_email=email)
    same_writer = (
        writer if email else Q(author_name=submission.author_name, ip_address=submission.ip_address)
    )
    duplicate = Q(post=submission.post, body_hash=hashed) & same_writer & ~Q(
        status=Comment.Status.TRASH
    )
    wanted = [Q(post=submission.post, body_hash=hashed)]
    approved = approved_since = NOTHING
    if email:
        wanted.append(writer)
        latest_spam = (
            Comment.objects.filter(writer & spam)
            .annotate(at=Coalesce("status_changed_at", "submitted_at"))
            .order_by("-at")
            .values("at")[:1]
        )
        approved = writer & Q(status=Comment.Status.APPROVED)
        approved_since = approved & Q(
            submitted_at__gt=Coalesce(Subquery(latest_spam), Value(LONG_AGO))
        )
    same_ip = Q(ip_address=submission.ip_address) & spam if submission.ip_address else NOTHING
    if submission.ip_address:
        wanted.append(same_ip)
    campaign = Q(body_hash=hashed) & spam
    if len(normal_body(submission.body)) >= CAMPAIGN_MIN_LENGTH:
        wanted.append(campaign)
    else:
        campaign = NOTHING
    counts = Comment.objects.filter(reduce(or_, wanted)).aggregate(
        duplicate=Count("id", filter=duplicate),
        approved=Count("id", filter=approved),
        approved_since=Count("id", filter=approved_since),
        spam=Count("id", filter=writer & spam if email else NOTHING),
        ip_spam=Count("id", filter=same_ip),
        same_text=Count("id", filter=campaign),
    )
    return Stored(
        duplicate=counts["duplicate"] > 0,
        approved_ever=counts["approved"] > 0,
        approved_since_spam=counts["approved_since"],
        spam=counts["spam"],
        ip_spam=counts["ip_spam"],
        same_text=counts["same_text"],
    )


def spam_domain(submission):
    """A linked domain that a comment marked spam linked to, or None: one query on the
    stored domains, which stops at the first row it finds however many there are."""
    from comments.models import Comment, LinkedDomain

    domains = link_domains(submission)[:MOST_DOMAINS]
    if not domains:
        return None
    linked = LinkedDomain.objects.filter(domain__in=domains, status=Comment.Status.SPAM)
    found = list(linked.values_list("domain", flat=True)[:1])  # unordered: no sort
    return found[0] if found else None
