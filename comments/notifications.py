"""Email about comments: moderators hear of held comments; the post's author and readers who
asked hear of newly approved ones. Called after the comment is committed, never before."""

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core import signing
from django.core.mail import EmailMessage, send_mail
from django.db.models import Q
from django.template.loader import render_to_string
from django.urls import reverse

UNSUBSCRIBE_SALT = "comments.unsubscribe"
MODERATORS_GROUP = "Moderators"


def absolute(path):
    return settings.BROADSHEET_SITE_URL.rstrip("/") + path


def comment_posted(comment):
    """Tell the right people about a comment that was just saved."""
    if comment.is_approved:
        comment_approved(comment)
    elif comment.status == comment.Status.PENDING:
        comment_held(comment)


def moderator_emails():
    users = get_user_model().objects.filter(is_active=True).exclude(email="")
    moderators = users.filter(Q(groups__name=MODERATORS_GROUP) | Q(is_superuser=True))
    emails = {email.lower(): email for email in moderators.values_list("email", flat=True)}
    for email in settings.BROADSHEET_MODERATOR_EMAILS:
        emails.setdefault(email.lower(), email)
    return sorted(emails.values())


def comment_held(comment):
    recipients = moderator_emails()
    if not recipients:
        return
    context = {
        "comment": comment,
        "post": comment.post,
        "admin_url": absolute(comment.get_admin_url()),
        "queue_url": absolute(
            reverse("admin:comments_comment_changelist") + "?status__exact=pending"
        ),
    }
    send_mail(
        subject=f"[{site_title()}] Comment awaiting moderation on “{comment.post.title}”",
        message=render_to_string("comments/email/held.txt", context),
        from_email=None,
        recipient_list=recipients,
    )


def comment_approved(comment):
    """Announce a newly approved comment once: to the post's author, then to subscribers."""
    from comments.models import Comment

    claimed = Comment.objects.filter(pk=comment.pk, announced=False).update(announced=True)
    if not claimed:
        return  # already announced (approved, unapproved, approved again)
    comment.announced = True
    post = comment.post
    author = post.author
    if (
        settings.BROADSHEET_NOTIFY_POST_AUTHOR
        and author.email
        and comment.user_id != author.pk
        and comment.author_email.lower() != author.email.lower()
    ):
        send_mail(
            subject=f"[{site_title()}] New comment on “{post.title}”",
            message=render_to_string(
                "comments/email/new_comment.txt",
                {
                    "comment": comment,
                    "post": post,
                    "comment_url": absolute(comment.get_absolute_url()),
                    "admin_url": absolute(comment.get_admin_url()),
                },
            ),
            from_email=None,
            recipient_list=[author.email],
        )
    for email in subscribers(comment):
        token = unsubscribe_token(email, post)
        unsubscribe_url = absolute(reverse("comments:unsubscribe", args=[token]))
        message = EmailMessage(
            subject=f"[{site_title()}] New comment on “{post.title}”",
            body=render_to_string(
                "comments/email/follow_up.txt",
                {
                    "comment": comment,
                    "post": post,
                    "comment_url": absolute(comment.get_absolute_url()),
                    "unsubscribe_url": unsubscribe_url,
                },
            ),
            to=[email],
            headers={
                "List-Unsubscribe": f"<{unsubscribe_url}>",
                "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
            },
        )
        message.send()


def subscribers(comment):
    """Addresses that asked for follow-ups on this post, other than the new comment's writer."""
    from comments.models import Comment

    emails = (
        Comment.objects.approved()
        .filter(post_id=comment.post_id, notify_replies=True)
        .exclude(author_email="")
        .exclude(pk=comment.pk)
        .values_list("author_email", flat=True)
    )
    unique = {email.lower(): email for email in emails}
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
