"""Versions of a post: kept on every save in the admin, compared, and restored.

`record` keeps the post as it is now (unless nothing changed since its last version),
`restore` puts an earlier version back, and `compare` says what differs between a version
and the post today, in lines a person reads.
"""

import difflib
from dataclasses import dataclass, field
from itertools import islice

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from blog.models import Post, PostRevision

# What a version keeps: the post's words, its address and publishing, and how it is shared.
FIELDS = [
    "title", "slug", "body", "excerpt", "status", "publish_at", "meta_description",
    "featured_image",
]  # fmt: skip
SETS = ["categories", "tags"]
_COLUMNS = [Post._meta.get_field(name).attname for name in FIELDS]  # featured_image_id
# Whether and when the post is live: a restore keeps the post's own unless asked, so that
# bringing back an old draft's words does not take a published post off the blog.
PUBLISHING = ["status", "publish_at"]


def record(post, *, by=None, at=None):
    """Keep `post` as it is in the database now, saved by `by` (None: outside the admin).

    Returns the new version, or None when nothing it keeps changed since the last one."""
    latest = post.revisions.first()
    if latest is not None and _state(latest) == _state(post):
        return None
    revision = PostRevision.objects.create(
        post=post,
        saved_by=by,
        saved_at=at or timezone.now(),
        **{column: getattr(post, column) for column in _COLUMNS},
    )
    for name in SETS:
        getattr(revision, name).set(getattr(post, name).all())
    return revision


def record_outside_changes(post):
    """Keep the stored post as a version of its own if it changed outside the admin since
    its last version (an import, a bulk action), so the next save does not lose it."""
    stored = Post.objects.get(pk=post.pk)
    latest = post.revisions.first()
    # Dated when the post last changed, unless that would sort it before the last version.
    if latest is None or stored.updated_at > latest.saved_at:
        return record(stored, at=stored.updated_at)
    return record(stored)


def restore(revision, *, by, with_publishing=False):
    """Put `revision` back on its post, save the post (its HTML is rendered again), and keep
    the result as a new version by `by`. The post keeps its status and publish date unless
    `with_publishing`. Returns that version, or None if nothing changed.

    Raises ValidationError if another post has taken the address since."""
    post = revision.post
    if Post.objects.exclude(pk=post.pk).filter(slug=revision.slug).exists():
        raise ValidationError(
            f"Another post now uses the address “{revision.slug}”; change that post's slug "
            "first, or copy what you need from this version by hand."
        )
    with transaction.atomic():
        record_outside_changes(post)
        for column in _COLUMNS:
            if with_publishing or column not in PUBLISHING:
                setattr(post, column, getattr(revision, column))
        post.save()
        for name in SETS:
            kept = list(getattr(revision, name).all())
            # A post is always in a category; a version from before categories were kept (or
            # whose categories are all deleted) leaves the post's own.
            if kept or name != "categories":
                getattr(post, name).set(kept)
        post.refresh_search_document()
        return record(post, by=by)


def publishing_differs(revision, post):
    """Whether the version was in another status, or dated otherwise, than the post now."""
    return any(getattr(revision, name) != getattr(post, name) for name in PUBLISHING)


def _state(item):
    """What a version keeps, from a post or a version alike."""
    values = {column: getattr(item, column) for column in _COLUMNS}
    for name in SETS:
        values[name] = {related.pk for related in getattr(item, name).all()}
    return values


@dataclass
class Change:
    """How one field differs: `before` in the version, `after` in the post now; long text
    fields carry a line diff instead, as (kind, text) pairs, kind being "removed", "added",
    "same" or "gap"."""

    label: str
    before: str = ""
    after: str = ""
    lines: list = field(default_factory=list)


_LONG = {"body", "excerpt"}


def compare(revision, post):
    """How `post` today differs from `revision`, field by field (empty when it does not)."""
    changes = []
    for name in [*FIELDS, *SETS]:
        before, after = _shown(revision, name), _shown(post, name)
        if before == after:
            continue
        label = Post._meta.get_field(name).verbose_name.capitalize()
        if name in _LONG:
            changes.append(Change(label, lines=_line_diff(before, after)))
        else:
            changes.append(Change(label, before=before, after=after))
    return changes


def _shown(item, name):
    """A field's value as the page shows it."""
    if name in SETS:
        return ", ".join(sorted(str(related) for related in getattr(item, name).all()))
    if name == "status":
        return Post.Status(item.status).label
    if name == "publish_at":
        return timezone.localtime(item.publish_at).strftime("%Y-%m-%d %H:%M")
    value = getattr(item, name)
    return "" if value is None else str(value)


def _line_diff(before, after):
    kinds = {"-": "removed", "+": "added", " ": "same"}
    lines = difflib.unified_diff(before.splitlines(), after.splitlines(), lineterm="", n=2)
    diff = []
    for line in islice(lines, 2, None):  # after the two file header lines
        if line.startswith("@@"):
            first_line = int(line[4:].split(",")[0].split(" ")[0])  # "@@ -12,5 +12,6 @@"
            if diff or first_line > 1:  # unchanged lines are left out before this part
                diff.append(("gap", "…"))
        else:
            diff.append((kinds[line[0]], line[1:]))
    return diff
