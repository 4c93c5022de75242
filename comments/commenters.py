"""What the blog keeps about a commenter, for their requests: everything as JSON (`export`),
or erased (`erase`, through `CommentQuerySet.erase_writers`). Used by `manage.py commenter`
and the comment list's admin actions.

A commenter is known by their email address: it is on each of their comments, on the
emails the outbox sends them, and in any screening rule that names it. Their trust with
the screening is counted from their approved comments by address, so it goes with it."""

import re
from dataclasses import dataclass

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from blog import caching
from comments.markup import render_article
from comments.notifications import absolute

ANONYMOUS = "Anonymous"
ERASED = "[erased]"


# --- Export --------------------------------------------------------------------------------


def export(comments, emails=()):
    """Everything stored about the writers of `comments` and the addresses `emails`, as a
    dict ready for JSON: one entry per address, and one for comments sent without one."""
    addresses = _addresses(comments, emails)
    theirs = list(_theirs(comments, addresses).select_related("post", "user").order_by("pk"))
    writers = [
        _writer(address, [c for c in theirs if c.author_email == address])
        for address in sorted(addresses)
    ]
    unsigned = [comment for comment in theirs if not comment.author_email]
    if unsigned:
        writers.append(_writer("", unsigned))
    return {
        "site": settings.BROADSHEET_SITE_URL,
        "exported_at": timezone.now().isoformat(),
        "commenters": writers,
    }


def _writer(address, comments):
    from comments.models import ScreeningRule

    addresses = {address} - {""}
    emails = _emails_concerning(addresses, [comment.pk for comment in comments])
    return {
        "email": address,
        "comments": [_comment(comment) for comment in comments],
        "subscriptions": _subscriptions(comments),
        "emails_to_them": [_email(e) for e in emails if addresses & _recipients(e)],
        # A moderator's notice or a follow-up to another reader: who got it is not theirs.
        "emails_about_them": [
            _email(e, with_recipients=False) for e in emails if not addresses & _recipients(e)
        ],
        "screening_rules": [
            {
                "list": rule.list,
                "kind": rule.kind,
                "value": rule.value,
                "note": rule.note,
                "created_at": rule.created_at.isoformat(),
            }
            for rule in ScreeningRule.objects.filter(_any_of("value__iexact", addresses))
        ],
    }


def _comment(comment):
    return {
        "id": comment.pk,
        "post": {"title": comment.post.title, "url": absolute(comment.post.get_absolute_url())},
        "in_reply_to": comment.parent_id,
        "name": comment.author_name,
        "email": comment.author_email,
        "website": comment.author_url,
        "text": comment.body,
        "status": comment.status,
        "submitted_at": comment.submitted_at.isoformat(),
        "status_changed_at": _time(comment.status_changed_at),
        "ip_address": comment.ip_address,
        "user_agent": comment.user_agent,
        "account": _username(comment.user),
        "follow_up_emails": comment.notify_replies,
        "screening": {
            "verdict": comment.verdict,
            "score": comment.score,
            "reasons": comment.reasons,
            "shown_to_writer": comment.held_reasons,
            "classifier_score": comment.classifier_score,
        },
        "wordpress_id": comment.wordpress_id,
    }


def _subscriptions(comments):
    """The posts whose new comments are emailed to the writer."""
    posts = {c.post_id: c.post for c in comments if c.notify_replies and c.is_approved}
    return [
        {"post": post.title, "url": absolute(post.get_absolute_url())}
        for _, post in sorted(posts.items())
    ]


def _email(email, with_recipients=True):
    found = {"to": email.recipients} if with_recipients else {}
    found.update(
        subject=email.subject,
        text=email.body,
        status=email.status,
        written_at=email.created_at.isoformat(),
        sent_at=_time(email.sent_at),
        about_comment=email.comment_id,
    )
    return found


def _time(moment):
    return moment.isoformat() if moment else None


def _username(user):
    return user.get_username() if user else None


# --- Erasure -------------------------------------------------------------------------------


@dataclass
class Erasure:
    """What an erasure changed."""

    comments_anonymised: int = 0
    comments_deleted: int = 0
    subscriptions_ended: int = 0
    emails_deleted: int = 0
    rules_deleted: int = 0

    def __str__(self):
        done = (
            f"{self.comments_deleted} comments deleted"
            if self.comments_deleted
            else f"{self.comments_anonymised} comments anonymised"
        )
        return (
            f"{done}, {self.subscriptions_ended} subscriptions ended, "
            f"{self.emails_deleted} emails deleted from the outbox, "
            f"{self.rules_deleted} screening rules deleted."
        )


def erase(comments, emails=(), delete=False):
    """Erase the writers of `comments` and the addresses `emails` (see
    CommentQuerySet.erase_writers). Their comments keep their text, unless `delete`, under
    the name "Anonymous", with no email, website, IP address, user agent or account; their
    articles are rendered again and the cached pages of their posts replaced."""
    from comments.models import Comment, LinkedDomain, ScreeningRule

    erasure = Erasure()
    with transaction.atomic():
        addresses = _addresses(comments, emails)
        theirs = _theirs(comments, addresses).select_related("post")
        rows = list(theirs.select_for_update(of=("self",)).order_by("pk"))
        ids = [comment.pk for comment in rows]
        erasure.subscriptions_ended = sum(1 for comment in rows if comment.notify_replies)
        # Before the comments go: an email about a deleted comment goes with it.
        erasure.emails_deleted = _delete_emails(addresses, ids)
        if delete:
            erasure.comments_deleted = len(ids)
            Comment.objects.filter(pk__in=ids).delete()
        else:
            Comment.objects.filter(pk__in=ids).update(**ANONYMOUS_WRITER)
            quoted = [comment for comment in rows if _anonymise(comment, addresses)]
            Comment.objects.bulk_update(rows, ["html"], batch_size=500)
            Comment.objects.bulk_update(quoted, QUOTING_FIELDS, batch_size=500)
            erasure.comments_anonymised = len(rows)
            # Their website was a linked domain: the stored lookups follow the new text.
            LinkedDomain.objects.filter(comment_id__in=ids).delete()
            LinkedDomain.objects.bulk_create(
                [link for comment in rows for link in LinkedDomain.of(comment)],
                batch_size=LinkedDomain.BATCH,
            )
        erasure.rules_deleted, _ = ScreeningRule.objects.filter(
            _any_of("value__iexact", addresses)
        ).delete()
    for address in addresses:
        # The flood check's count for the address, if a comment came in the last minute.
        caching.delete(f"flood:email:{address}", alias=settings.BROADSHEET_SCREENING_CACHE)
    return erasure


# What every erased comment gets: the same for all, so one UPDATE writes them.
ANONYMOUS_WRITER = {
    "author_name": ANONYMOUS, "author_email": "", "author_url": "", "ip_address": None,
    "user_agent": "", "user": None, "notify_replies": False, "form_key": "",
}  # fmt: skip
# What changes only in a comment whose text or reasons quoted the address.
QUOTING_FIELDS = ["body", "body_html", "body_hash", "reasons", "held_reasons"]


def _anonymise(comment, addresses):
    """Give `comment` (in memory) what the erasure writes, and its article rendered anew;
    returns whether its text or reasons quoted one of the addresses."""
    from comments.markup import render_comment
    from comments.screening.text import body_hash

    for field, value in ANONYMOUS_WRITER.items():
        setattr(comment, field, value)
    # A writer who put their address in their words, or a rule that quoted it in a reason.
    body = _without(comment.body, addresses)
    reasons = [_without(reason, addresses) for reason in comment.reasons]
    held_reasons = [_without(reason, addresses) for reason in comment.held_reasons]
    quoted = (body, reasons, held_reasons) != (
        comment.body, comment.reasons, comment.held_reasons,
    )  # fmt: skip
    if quoted:
        comment.body, comment.reasons, comment.held_reasons = body, reasons, held_reasons
        comment.body_html = render_comment(body)
        comment.body_hash = body_hash(body)
    comment.html = render_article(comment, comment.post.author_id)
    return quoted


def _without(text, addresses):
    for address in addresses:
        text = re.sub(re.escape(address), ERASED, text, flags=re.IGNORECASE)
    return text


def _delete_emails(addresses, comment_ids):
    """Delete the outbox's emails to these addresses, about these comments, or quoting
    these addresses (a moderator's notice), whether waiting to be sent or kept."""
    from comments.models import OutgoingEmail

    doomed = [email.pk for email in _emails_concerning(addresses, comment_ids)]
    OutgoingEmail.objects.filter(pk__in=doomed).delete()
    return len(doomed)


def _emails_concerning(addresses, comment_ids):
    """The outbox's emails to these addresses, about these comments, or quoting these
    addresses, oldest first."""
    from comments.models import OutgoingEmail

    comment_ids = set(comment_ids)
    if not addresses and not comment_ids:
        return []
    # A JSON list has no "contains" lookup on every database: match its text, then check.
    candidates = OutgoingEmail.objects.filter(
        _any_of("recipients__icontains", addresses)
        | _any_of("body__icontains", addresses)
        | Q(comment_id__in=comment_ids)
    ).order_by("created_at", "pk")
    return [
        email
        for email in candidates
        if email.comment_id in comment_ids
        or addresses & _recipients(email)
        or any(address in email.body.lower() for address in addresses)
    ]


def _recipients(email):
    return {recipient.strip().lower() for recipient in email.recipients}


def _addresses(comments, emails):
    """The writers' addresses of `comments`, with `emails`, lowercased."""
    found = set(comments.exclude(author_email="").values_list("author_email", flat=True))
    return {address.strip().lower() for address in [*found, *emails]} - {""}


def _theirs(comments, addresses):
    """`comments`, and every other comment sent with one of `addresses`."""
    from comments.models import Comment

    return Comment.objects.filter(pk__in=comments.values("pk")) | Comment.objects.written_by(
        *addresses
    )


def _any_of(lookup, values):
    matches = Q(pk__in=[])
    for value in values:
        matches |= Q(**{lookup: value})
    return matches
