"""Email about comments: moderators hear of held comments; the post's author and readers who
asked hear of newly approved ones.

Called inside the transaction that saves the comment or its new status: the emails are
written to the outbox (comments.OutgoingEmail) with it, and sent once it commits
(comments/outbox.py). A mail server that fails never undoes or hides the change."""

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core import signing
from django.db.models import Q
from django.template.loader import render_to_string
from django.urls import reverse

from comments import moderation_links, outbox
from comments.markup import one_line

UNSUBSCRIBE_SALT = "comments.unsubscribe"
MODERATORS_GROUP = "Moderators"


def absolute(path):
    return settings.BROADSHEET_SITE_URL.rstrip("/") + path


def comment_posted(comment):
    """Tell the right people about a comment that was just saved (in its transaction)."""
    if comment.is_approved:
        comment_approved(comment)
    elif comment.status == comment.Status.PENDING:
        comment_held(comment)


def moderator_emails():
    return sorted(_moderators())


def _moderators():
    """{address: the moderator's user, or None for an address from the settings}."""
    users = get_user_model().objects.filter(is_active=True).exclude(email="")
    moderators = users.filter(Q(groups__name=MODERATORS_GROUP) | Q(is_superuser=True))
    found = {}
    for user in moderators.distinct().order_by("pk"):
        found.setdefault(user.email.lower(), (user.email, user))
    for email in settings.BROADSHEET_MODERATOR_EMAILS:
        found.setdefault(email.lower(), (email, None))
    return dict(found.values())


def comment_held(comment):
    """Email each moderator about a held comment: one email each, since each carries its
    reader's own Approve, Spam and Trash links (an address from the settings that is no
    user's gets the email without them), sent together after the commit. Not during a
    surge: its email told the moderators once, and a wave of bots must not become a wave
    of email (comments/screening/surge.py)."""
    from comments.models import OutgoingEmail
    from comments.screening import surge

    if surge.in_force():
        return
    recipients = _moderators()
    if not recipients:
        return
    context = {
        **about(comment),
        "admin_url": absolute(comment.get_admin_url()),
        "queue_url": absolute(
            reverse("admin:comments_comment_changelist") + "?status__exact=pending"
        ),
        "link_days": settings.BROADSHEET_MODERATION_LINK_DAYS,
    }
    subject = f"[{site_title()}] Comment awaiting moderation on “{comment.post.title}”"
    emails = []
    for email, user in sorted(recipients.items()):
        links = moderation_links.links_for(comment, user) if user else []
        body = render_to_string("comments/email/held.txt", {**context, "links": links})
        emails.append(OutgoingEmail.build(comment, [email], subject, body))
    send_all(emails)


def comment_approved(comment):
    """Announce a newly approved comment once: to the post's author, then to subscribers."""
    comments_approved([comment])


def comments_approved(comments):
    """Announce newly approved comments, each once, in a few queries however many: the
    claim, then per post its comment pages and its subscribers, then the emails in one
    insert. Called with the comments' rows locked, in the moderation's transaction."""
    from comments.models import Comment, OutgoingEmail
    from comments.threads import Outline

    fresh = [comment for comment in comments if not comment.announced]
    claimed = set(
        Comment.objects.filter(pk__in=[c.pk for c in fresh], announced=False).values_list(
            "pk", flat=True
        )
    )
    fresh = [comment for comment in fresh if comment.pk in claimed]
    if not fresh:
        return  # already announced (approved, unapproved, approved again)
    Comment.objects.filter(pk__in=claimed).update(announced=True)
    emails, outlines, followers, moderating = [], {}, {}, {}
    for comment in fresh:
        comment.announced = True
        post = comment.post
        if post.pk not in outlines:
            outlines[post.pk] = Outline.of_post(post)
            followers[post.pk] = _followers(post)
        comment_url = absolute(outlines[post.pk].url_of(comment))
        context = {**about(comment), "comment_url": comment_url}
        subject = f"[{site_title()}] New comment on “{post.title}”"
        author = post.author
        if author.pk not in moderating:  # asked once per author, not once per comment
            moderating[author.pk] = moderation_links.may_moderate(author)
        if (
            settings.BROADSHEET_NOTIFY_POST_AUTHOR
            and author.email
            and comment.user_id != author.pk
            and comment.author_email.lower() != author.email.lower()
        ):
            body = render_to_string(
                "comments/email/new_comment.txt",
                {**context, "admin_url": absolute(comment.get_admin_url()),
                 "links": _author_links(comment, author, moderating[author.pk])},
            )  # fmt: skip
            emails.append(OutgoingEmail.build(comment, [author.email], subject, body))
        for email in _others(followers[post.pk], comment):
            token = unsubscribe_token(email, post)
            unsubscribe_url = absolute(reverse("comments:unsubscribe", args=[token]))
            body = render_to_string(
                "comments/email/follow_up.txt", {**context, "unsubscribe_url": unsubscribe_url}
            )
            headers = {
                "List-Unsubscribe": f"<{unsubscribe_url}>",
                "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
            }
            emails.append(OutgoingEmail.build(comment, [email], subject, body, headers))
    send_all(emails)


def _author_links(comment, author, moderates):
    """The post's author, when they may moderate, can take back a published comment from
    the email about it: Spam and Trash links."""
    if not moderates:
        return []
    return moderation_links.links_for(comment, author, acts=("spam", "trash"))


def send_all(emails):
    """Write unsaved emails (OutgoingEmail.build) to the outbox in one insert; they go
    together, over one connection, when the current transaction commits."""
    from comments.models import OutgoingEmail

    if emails:
        OutgoingEmail.objects.bulk_create(emails)
        outbox.deliver_after_commit(emails)


def send(comment, *, to, subject, body, headers=None):
    """Write one email to the outbox; it goes when the current transaction commits."""
    from comments.models import OutgoingEmail

    email = OutgoingEmail.objects.queue(
        comment=comment, to=to, subject=subject, body=body, headers=headers
    )
    outbox.deliver_after_commit([email])


def about(comment):
    """What every email about `comment` shows: the comment, its post, and the writer's name
    and the post's title as single clean lines (a line break in a name must not let it
    write a "Review it:" line of its own)."""
    return {
        "comment": comment,
        "post": comment.post,
        "writer": one_line(comment.author_name),
        "title": one_line(comment.post.title),
    }


def subscribers(comment):
    """Addresses that asked for follow-ups on this post, other than the new comment's writer."""
    return _others(_followers(comment.post), comment)


def _followers(post):
    """(comment id, email) of every approved comment on `post` that asked for follow-ups."""
    from comments.models import Comment

    return list(
        Comment.objects.approved()
        .filter(post_id=post.pk, notify_replies=True)
        .exclude(author_email="")
        .values_list("pk", "author_email")
    )


def _others(followers, comment):
    unique = {email.lower(): email for pk, email in followers if pk != comment.pk}
    unique.pop(comment.author_email.lower(), None)
    return sorted(unique.values())


def unsubscribe_token(email, post):
    return signing.dumps({"e": email.lower(), "p": post.pk}, salt=UNSUBSCRIBE_SALT, compress=True)


def read_unsubscribe_token(token):
    """The (email, post id) a token was made for, or None when it is not ours."""
    try:
        data = signing.loads(token, salt=UNSUBSCRIBE_SALT)
    except signing.BadSignature:
        return None
    return data["e"], data["p"]


def site_title():
    from blog.models import SiteIdentity

    return SiteIdentity.load().title
