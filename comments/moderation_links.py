"""Moderating from an email: the Approve, Spam and Trash links in the emails moderators get.

A link is a signed token naming the comment, the act, the moderator the email was sent to,
when the link stops working (BROADSHEET_MODERATION_LINK_DAYS), and the comment's
moderation state when the email was written. Any moderation act changes that state, so a
link works once, and not at all after someone moderated the comment another way.

Opening a link only shows a page with a button (a mail scanner opening every link changes
nothing); the button's POST does the act, through CommentQuerySet.moderate, as the
moderator the email was sent to. The token is the credential: it works without a login.
"""

from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core import signing
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from comments.models import Comment

SALT = "comments.moderation-link"

# The acts a link can do: what it is called, and the status it moves the comment to.
ACTS = {
    "approve": ("Approve", Comment.Status.APPROVED),
    "spam": ("Spam", Comment.Status.SPAM),
    "trash": ("Trash", Comment.Status.TRASH),
}


class LinkRefused(Exception):
    """The link does not work: `reason` is "invalid", "expired" or "used"."""

    def __init__(self, reason, comment=None):
        super().__init__(reason)
        self.reason = reason
        self.comment = comment


@dataclass(frozen=True)
class Link:
    """A moderation link that still works: who may do what to which comment."""

    comment: Comment
    moderator: object
    act: str

    @property
    def label(self):
        return ACTS[self.act][0]

    @property
    def status(self):
        return ACTS[self.act][1]


def may_moderate(user):
    return user.is_active and user.has_perm("comments.change_comment")


def state_of(comment):
    """The comment's moderation state: it changes with every moderation act."""
    changed = comment.status_changed_at
    return f"{comment.status}@{changed.timestamp() if changed else 0}"


def token_for(comment, moderator, act):
    expires = timezone.now() + timedelta(days=settings.BROADSHEET_MODERATION_LINK_DAYS)
    return signing.dumps(
        {"c": comment.pk, "u": moderator.pk, "a": act, "s": state_of(comment),
         "x": int(expires.timestamp())},
        salt=SALT, compress=True,
    )  # fmt: skip


def links_for(comment, moderator, acts=tuple(ACTS)):
    """[(label, absolute url)] for `moderator`'s email about `comment`."""
    from comments.notifications import absolute

    return [
        (
            ACTS[act][0],
            absolute(reverse("comments:moderate", args=[token_for(comment, moderator, act)])),
        )
        for act in acts
    ]


def read(token):
    """The Link `token` stands for, or LinkRefused: not ours or changed ("invalid"), past
    its date ("expired"), or the comment moderated since the email was written ("used")."""
    try:
        data = signing.loads(token, salt=SALT)
        comment_id, user_id, act, state, expires = (data[k] for k in "cuasx")
    except (signing.BadSignature, KeyError, TypeError, ValueError):
        raise LinkRefused("invalid") from None
    if act not in ACTS:
        raise LinkRefused("invalid")
    comment = (
        Comment.objects.select_related("post", "status_changed_by").filter(pk=comment_id).first()
    )
    moderator = get_user_model().objects.filter(pk=user_id).first()
    if comment is None or moderator is None or not may_moderate(moderator):
        raise LinkRefused("invalid", comment)
    if timezone.now().timestamp() >= expires:
        raise LinkRefused("expired", comment)
    if state_of(comment) != state:
        raise LinkRefused("used", comment)
    return Link(comment, moderator, act)


def follow(token):
    """Do what `token` says, once: the comment is locked and its state checked again, so
    two clicks at once (or two moderators' links) moderate it once. Returns the Link."""
    with transaction.atomic():
        link = read(token)
        locked = Comment.objects.select_for_update().get(pk=link.comment.pk)
        if state_of(locked) != state_of(link.comment):
            raise LinkRefused("used", locked)
        Comment.objects.filter(pk=locked.pk).moderate(link.status, by=link.moderator)
    link.comment.refresh_from_db()
    return link
