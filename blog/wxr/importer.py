"""Import a WordPress export (WXR) into the blog: authors, categories, tags, posts, pages,
comments with their threads, and 301s from every old address.

`WordPressImport(...).run(path)` reads the file as a stream (blog/wxr/reader.py) and writes
everything in one transaction: a file that turns out to be damaged halfway leaves nothing
behind. Objects are matched on their WordPress IDs, so running it again creates nothing
twice; what is already here is left as it is (a post edited since is not overwritten),
and comments that were not here yet are added.
"""

import html
import re
import shutil
import time
from collections import Counter
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import quote, unquote, urlsplit

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import Resolver404, resolve
from django.utils import timezone
from django.utils.text import slugify

from blog.html import plain_text, render_markdown, sanitize
from blog.middleware import is_readable_path
from blog.models import Category, LegacyRedirect, Page, Post, SiteIdentity, Tag
from blog.wxr import reader
from blog.wxr.autop import autop
from blog.wxr.shortcodes import render_captions
from comments.models import Comment

# WordPress post status -> ours. "private" has no equivalent: such a post becomes a draft,
# which its author and editors can still open. "future" is published with its future date,
# i.e. scheduled. Trashed posts and auto-drafts are not imported.
POST_STATUSES = {
    "publish": Post.Status.PUBLISHED,
    "future": Post.Status.PUBLISHED,
    "draft": Post.Status.DRAFT,
    "pending": Post.Status.DRAFT,
    "private": Post.Status.DRAFT,
}
# WordPress comment_approved -> ours.
COMMENT_STATUSES = {
    "1": Comment.Status.APPROVED,
    "approve": Comment.Status.APPROVED,
    "0": Comment.Status.PENDING,
    "hold": Comment.Status.PENDING,
    "spam": Comment.Status.SPAM,
    "trash": Comment.Status.TRASH,
    "post-trashed": Comment.Status.TRASH,
}
PINGBACK_TYPES = ("pingback", "trackback")
# An export written by Broadsheet carries each body's Markdown source under this key, so a
# move between two Broadsheet blogs keeps the Markdown instead of the rendered HTML.
MARKDOWN_META_KEY = "_broadsheet_markdown"
# Where --uploads copies files, under MEDIA_ROOT (and MEDIA_URL).
UPLOADS_FOLDER = "uploads"

_SLUG = re.compile(r"[-a-zA-Z0-9_]+")
_MORE = re.compile(r"\s*<!--\s*(?:more|nextpage)\b.*?-->\s*", re.I | re.S)
_NO_DATE = ("", "0000-00-00 00:00:00")
_BLOCK_EDITOR = "<!-- wp:"
# The tagline a new WordPress blog starts with ("Just another WordPress site", "… weblog",
# "… WordPress.com site"): not the writer's words, so it is not taken over.
_WORDPRESS_TAGLINE = re.compile(r"^Just another WordPress\b", re.I)


class WordPressImport:
    """One import run. `say` receives a line of text for everything worth telling: changed
    slugs, created authors, progress, and with `list_titles` each post and page."""

    def __init__(
        self, *, dry_run=False, author_map=None, uploads=None, pingbacks=False, say=print,
        list_titles=None, progress_every=1000,
    ):  # fmt: skip
        self.dry_run = dry_run
        # One line per post and page: always in a dry run (that is what it is for).
        self.list_titles = dry_run if list_titles is None else list_titles
        self.author_map = dict(author_map or {})
        self.uploads = Path(uploads) if uploads else None
        self.pingbacks = pingbacks
        self.say = say
        self.progress_every = progress_every
        self.counts = Counter()
        self._users = {}  # WordPress login -> User (None in a dry run)
        self._authors = {}  # WordPress login -> reader.Author
        self._logins = {}  # WordPress author id -> login
        self._terms = {}  # (kind, WordPress nicename) -> Category or Tag
        self._slugs = {Post: set(), Page: set(), Category: set(), Tag: set()}
        self._channel = None
        self._numbered_above = 0  # new comments' ids come after this (Comment.number_above)

    def run(self, source):
        """Import the export at `source`; returns the counts of what was (or would be) done."""
        started = time.monotonic()
        wxr = reader.WXRReader(source)
        self._channel = wxr.channel
        with transaction.atomic():
            items = 0
            for record in wxr:
                if isinstance(record, reader.Author):
                    self._authors[record.login] = record
                    if record.id is not None:
                        self._logins[record.id] = record.login
                elif isinstance(record, reader.Term):
                    self._term(record.kind, record.slug, record.name, record.id,
                               record.description)  # fmt: skip
                elif isinstance(record, reader.Item):
                    self._item(record)
                    items += 1
                    if self.progress_every and items % self.progress_every == 0:
                        self._progress(items, started)
            self._take_over_identity(wxr.channel)
            self._report_repairs(wxr.repairs)
            if self.dry_run:
                transaction.set_rollback(True)  # nothing was written; make sure of it
        self.counts["seconds"] = round(time.monotonic() - started, 2)
        return self.counts

    def _take_over_identity(self, channel):
        """The blog's title and tagline come along, where ours are still the defaults."""
        tagline = plain_text(channel.description)
        if _WORDPRESS_TAGLINE.match(tagline.strip()):
            tagline = ""
        identity = SiteIdentity.objects.filter(pk=1).first() or SiteIdentity()
        changed = identity.take_over(title=plain_text(channel.title), tagline=tagline)
        if not changed:
            return
        if not self.dry_run:
            identity.save()
        took = "Would take" if self.dry_run else "Took"
        for name, value in changed.items():
            self.say(f"{took} the site {name} from the export: “{value}” (it was the default).")

    def _report_repairs(self, repairs):
        """Say where the file was damaged in ways WordPress's own importer reads past."""
        by_record = {}
        for repair in repairs:
            by_record.setdefault(repair.record, []).append(f"{repair.what} (line {repair.line})")
        for record, found in by_record.items():
            self.say(f"Repaired, as WordPress reads it: {record}: {'; '.join(found)}.")
        if by_record:
            self.counts["records repaired (damaged but readable)"] = len(by_record)

    def _progress(self, items, started):
        c = self.counts
        self.say(
            f"… {items:,} items read: {c['posts'] + c['posts existing']:,} posts, "
            f"{c['pages'] + c['pages existing']:,} pages, {c['comments']:,} comments "
            f"({time.monotonic() - started:.0f} s)"
        )

    # --- Items -------------------------------------------------------------------------

    def _item(self, item):
        kind = item.post_type or "post"
        if kind not in ("post", "page"):
            self.counts[f"skipped {kind}"] += 1
            return
        if item.status not in POST_STATUSES:
            # trash, auto-draft, inherit: nothing a reader or the author would miss.
            self.counts[f"skipped {kind}s with status {item.status or '(none)'}"] += 1
            return
        if kind == "post":
            self._post(item)
        else:
            self._page(item)

    def _post(self, item):
        post = Post.objects.filter(wordpress_id=item.id).first() if item.id else None
        if post is not None:
            self.counts["posts existing"] += 1
        else:
            post = self._new_post(item)
        self._redirect(item, post=post)
        self._comments(item, post)

    def _new_post(self, item):
        title = self._title(item)
        slug = self._slug(Post, item, title)
        publish_at = moment(item.post_date_gmt, item.post_date) or timezone.now()
        status = POST_STATUSES[item.status]
        if item.password and status == Post.Status.PUBLISHED:
            # There are no password-protected posts here: keep it from readers.
            status = Post.Status.DRAFT
            self.counts["password-protected posts (now drafts)"] += 1
            self.say(f"Password-protected, imported as a draft: {title}")
        self.counts["posts"] += 1
        if item.status in ("future", "private", "pending"):
            self.counts[f"{item.status} posts"] += 1
        categories = [self._term("category", nicename, name)
                      for domain, nicename, name in item.terms if domain == "category"]  # fmt: skip
        tags = [self._term("post_tag", nicename, name)
                for domain, nicename, name in item.terms if domain == "post_tag"]  # fmt: skip
        state = "scheduled" if item.status == "future" else status.label.lower()
        if self.list_titles:
            when = timezone.localtime(publish_at)
            self.say(f"Post: {title} ({state}, {when:%Y-%m-%d %H:%M})")
        author = self._user(item.creator)
        if self.dry_run:
            return None
        post = Post(
            title=title,
            slug=slug,
            author=author,
            body=self._body(item),
            excerpt=plain_text(item.excerpt).strip(),
            status=status,
            publish_at=publish_at,
            comments_open=item.comment_status == "open",
            sticky=item.is_sticky,
            wordpress_id=item.id or None,
        )
        post.save()
        post.categories.set(categories)
        post.tags.set(tags)
        post.refresh_search_document()
        return post

    def _page(self, item):
        page = Page.objects.filter(wordpress_id=item.id).first() if item.id else None
        if page is not None:
            self.counts["pages existing"] += 1
        else:
            title = self._title(item)
            slug = self._slug(Page, item, title)
            published = item.status == "publish" and not item.password
            status = Page.Status.PUBLISHED if published else Page.Status.DRAFT
            self.counts["pages"] += 1
            if self.list_titles:
                self.say(f"Page: {title} ({status.label.lower()})")
            author = self._user(item.creator)
            if not self.dry_run:
                page = Page.objects.create(
                    title=title,
                    slug=slug,
                    author=author,
                    body=self._body(item),
                    status=status,
                    menu_order=item.menu_order,
                    # Sub-pages stay out of the menu, as most WordPress themes list them.
                    show_in_menu=not item.post_parent,
                    wordpress_id=item.id or None,
                )
        self._redirect(item, page=page)
        if item.comments:
            # Comments belong to posts here; a page's comments have nowhere to go.
            self.counts["skipped comments on pages"] += len(item.comments)

    def _title(self, item):
        title = plain_text(item.title).strip() or "Untitled"
        limit = Post._meta.get_field("title").max_length
        if len(title) > limit:
            self.say(f"Title shortened to {limit} characters: {title[:60]}…")
            self.counts["titles shortened"] += 1
            title = title[: limit - 1].rstrip() + "…"
        return title

    def _slug(self, model, item, title):
        """The post's WordPress slug when it fits our addresses, else the nearest that does.

        Our addresses take ASCII slugs only, so a percent-encoded one (a title in Cyrillic,
        say) is replaced, and the old address redirects to the new one."""
        wanted = unquote(item.post_name)
        limit = model._meta.get_field("slug").max_length
        fallback = f"{model.__name__.lower()}-{item.id}"
        if _SLUG.fullmatch(wanted) and len(wanted) <= limit:
            slug, reason = wanted, None
        else:
            slug = _shorten(slugify(wanted) or slugify(title), limit) or fallback
            reason = "it is not a plain ASCII slug" if wanted else None
        base, n = slug, 2
        while self._slug_taken(model, slug):
            slug = f"{_shorten(base, limit - len(str(n)) - 1)}-{n}"
            n += 1
        if slug != base:
            reason = f"“{base}” is taken"
        self._slugs[model].add(slug)
        if reason and wanted:
            self.counts["slugs changed"] += 1
            self.say(f"Slug changed: “{wanted}” → “{slug}” ({title}): {reason}.")
        return slug

    def _slug_taken(self, model, slug):
        if slug in self._slugs[model] or model.objects.filter(slug=slug).exists():
            return True
        if model is Page:
            # /<slug>/ comes after every other address: /feed/ or /search/ would never show.
            try:
                return resolve(f"/{slug}/").view_name != "blog:page"
            except Resolver404:
                return False
        return False

    # --- Bodies ------------------------------------------------------------------------

    def _body(self, item):
        """The body to store: Markdown for our editor that renders as WordPress showed it."""
        if MARKDOWN_META_KEY in item.meta:
            return item.meta[MARKDOWN_META_KEY]
        content = self._copy_uploads(_MORE.sub("\n\n", item.content))
        if _BLOCK_EDITOR not in content:
            # WordPress stores classic bodies without <p>; autop restores them. Block-editor
            # bodies already carry their markup, and WordPress shows them without autop.
            content = autop(content)
        # Shortcodes run after autop in WordPress too: [caption] becomes a <figure>.
        return markdown_safe(render_captions(content))

    def _copy_uploads(self, content):
        """With --uploads, copy the files the body uses from the old site's uploads folder
        into MEDIA_ROOT/uploads/ and point the body at them; other URLs stay as they are."""
        if self.uploads is None:
            return content
        hosts = {urlsplit(url).hostname for url in (
            self._channel.base_site_url, self._channel.base_blog_url, self._channel.link,
        ) if url}  # fmt: skip
        hosts |= {f"www.{h}" for h in hosts if h} | {h[4:] for h in hosts if h and h[:4] == "www."}

        def copy(match):
            host = urlsplit(match.group(0)).hostname if "://" in match.group(0) else None
            relative = unquote(match.group("file"))
            parts = Path(relative).parts
            if host not in hosts | {None} or ".." in parts or Path(relative).is_absolute():
                return match.group(0)
            source = self.uploads / relative
            if not source.is_file():
                self.counts["uploads missing"] += 1
                return match.group(0)
            target = Path(settings.MEDIA_ROOT) / UPLOADS_FOLDER / relative
            if not self.dry_run and not (
                target.exists() and target.stat().st_size == source.stat().st_size
            ):
                target.parent.mkdir(parents=True, exist_ok=True)
                shutil.copy2(source, target)
            self.counts["uploads copied"] += 1
            return f"{settings.MEDIA_URL}{UPLOADS_FOLDER}/{quote(relative)}"

        return _UPLOAD_URL.sub(copy, content)

    # --- Authors, categories, tags -----------------------------------------------------

    def _user(self, login):
        """The local user for a WordPress login: mapped with --map-author, an existing
        user of that name, or a new inactive user (who cannot log in until given a password)."""
        login = login or "wordpress"
        if login in self._users:
            return self._users[login]
        User = get_user_model()
        local = self.author_map.get(login, login)
        user = User.objects.filter(username=local).first()
        if user is None:
            self.counts["authors created"] += 1
            self.say(f"Author: {login} (created, inactive)")
            if self.dry_run:
                self._users[login] = None
                return None
            author = self._authors.get(login) or reader.Author(id=None, login=login)
            user = User(
                username=local[:150],
                email=author.email,
                first_name=(author.first_name or author.display_name)[:150],
                last_name=author.last_name[:150],
                is_active=False,
            )
            user.set_unusable_password()
            user.save()
        self._users[login] = user
        return user

    def _term(self, kind, nicename, name, wordpress_id=None, description=""):
        """The category or tag for a WordPress term, found or created."""
        key = (kind, nicename or name)
        if key in self._terms:
            return self._terms[key]
        model = Category if kind == "category" else Tag
        name = html.unescape(name or unquote(nicename)).strip()[:100] or "Untitled"
        found = None
        if wordpress_id is not None:
            found = model.objects.filter(wordpress_id=wordpress_id).first()
        found = found or model.objects.filter(name=name).first()
        if found is None:
            slug = _shorten(slugify(unquote(nicename)) or slugify(name), 100)
            slug = slug or f"{model.__name__.lower()}-{wordpress_id or len(self._terms) + 1}"
            base, n = slug, 2
            while slug in self._slugs[model] or model.objects.filter(slug=slug).exists():
                slug, n = f"{_shorten(base, 96)}-{n}", n + 1
            self._slugs[model].add(slug)
            self.counts["categories" if model is Category else "tags"] += 1
            if not self.dry_run:
                found = model(name=name, slug=slug, wordpress_id=wordpress_id)
                if model is Category:
                    found.description = plain_text(description).strip()
                found.save()
        self._terms[key] = found
        return found

    # --- Old addresses -----------------------------------------------------------------

    def _redirect(self, item, post=None, page=None):
        """Remember the old permalink when our address for the post differs from it.

        Plain links (/?p=123, /?page_id=45) need no record: the middleware finds them by
        WordPress ID."""
        target = post or page
        parts = urlsplit(item.link)
        old_path = unquote(parts.path)
        if target is None or parts.query or old_path in ("", "/"):
            return
        if not is_readable_path(old_path):
            # "%00" or "%0A" in an old link: no request can reach it (PostgreSQL refuses NUL).
            self.counts["old addresses with control characters (no redirect)"] += 1
            return
        if old_path == target.get_absolute_url():
            return
        redirect, created = LegacyRedirect.objects.get_or_create(
            old_path=old_path[:500], defaults={"post": post, "page": page}
        )
        self.counts["redirects" if created else "redirects existing"] += 1

    # --- Comments ----------------------------------------------------------------------

    def _comments(self, item, post):
        """Add the item's comments that are not here yet, each parent before its replies.

        A reply may come before its parent in the file, so the order is worked out from
        the whole list. Imported comments were moderated in WordPress already: they go in
        as they were, with no screening and no email."""
        wanted = []
        for comment in item.comments:
            if comment.type in PINGBACK_TYPES and not self.pingbacks:
                self.counts[f"skipped {comment.type}s"] += 1
            else:
                wanted.append(comment)
        if not wanted:
            return
        placed = {}  # WordPress comment id -> Comment (or None in a dry run)
        if post is not None and post.pk:
            here = Comment.objects.filter(post=post, wordpress_id__isnull=False)
            placed = {c.wordpress_id: c for c in here.only("id", "wordpress_id", "depth")}
        waiting = {c.id: c for c in sorted(wanted, key=lambda c: (c.date_gmt, c.id))
                   if c.id not in placed}  # fmt: skip
        if len(wanted) > len(waiting):
            self.counts["comments existing"] += len(wanted) - len(waiting)
        if waiting and not self.dry_run and max(waiting) > self._numbered_above:
            # Each keeps its WordPress id as an anchor (#comment-1002): our ids for these
            # comments, and for every comment written later, come after those numbers.
            self._numbered_above = max(waiting)
            Comment.number_above(self._numbered_above)
        while waiting:
            ready = [c for c in waiting.values()
                     if not c.parent or c.parent in placed or c.parent not in waiting]  # fmt: skip
            if not ready:  # a loop of replies: break it at the oldest
                ready = [next(iter(waiting.values()))]
            for comment in ready:
                del waiting[comment.id]
                parent = placed.get(comment.parent) if comment.parent else None
                if comment.parent and comment.parent not in placed:
                    self.counts["replies to missing comments (now top level)"] += 1
                placed[comment.id] = self._comment(comment, post, parent)

    def _comment(self, comment, post, parent):
        status = COMMENT_STATUSES.get(comment.approved, Comment.Status.PENDING)
        if self.dry_run:
            self._count_comment(status)
            return None
        body = comment.content
        if comment.type in PINGBACK_TYPES:
            body = f"{comment.type.capitalize()}: {body}"
        login = self._logins.get(comment.user_id)
        try:
            created = Comment.objects.create_from(
                post=post,
                parent=parent,
                wordpress_id=comment.id or None,
                author_name=html.unescape(comment.author),
                author_email=comment.author_email,
                author_url=comment.author_url,
                ip_address=comment.author_ip,
                body=body,
                status=status,
                submitted_at=moment(comment.date_gmt, comment.date) or post.publish_at,
                user=self._users.get(login) if login else None,
                # Already announced, in WordPress's time; approving later must not email again.
                announced=status == Comment.Status.APPROVED,
            )
        except ValidationError:
            self.counts["comments without text (skipped)"] += 1
            return None
        self._count_comment(status)
        if comment.author_url and not created.author_url:
            # javascript:, data: or a broken address: the name is shown without a link.
            self.counts["comment websites dropped (not an http or https address)"] += 1
        return created

    def _count_comment(self, status):
        self.counts["comments"] += 1
        self.counts[f"comments {status.label.lower()}"] += 1


def moment(gmt, local):
    """A WordPress date as an aware datetime: the GMT column when set, else the local one
    in the blog's time zone; None when neither is set."""
    for value, zone in ((gmt, UTC), (local, timezone.get_default_timezone())):
        value = (value or "").strip()
        if value in _NO_DATE:
            continue
        try:
            naive = datetime.strptime(value[:19], "%Y-%m-%d %H:%M:%S")
        except ValueError:
            continue
        return naive.replace(tzinfo=zone)
    return None


def markdown_safe(html_body):
    """Store imported HTML so that our Markdown renderer leaves it as it is.

    Markdown passes block-level HTML through untouched, and autop puts every line of text
    inside a <p> or another block, so indented lines, `*`, `_` or `[…]` in the text are
    not read as Markdown. Should Markdown still change something (a tag it does not know
    as a block, say), the body goes inside a <div>, which Markdown never looks into and
    the sanitizer then drops."""
    if _same(render_markdown(html_body), sanitize(html_body)):
        return html_body
    return f"<div>\n{html_body}\n</div>"


def _same(a, b):
    return " ".join(a.split()) == " ".join(b.split())


def _shorten(slug, limit):
    if len(slug) <= limit:
        return slug
    cut = slug[:limit]
    return (cut.rsplit("-", 1)[0] if "-" in cut else cut).strip("-")


# An uploaded file's address: absolute or from the root, up to wp-content/uploads/.
_UPLOAD_URL = re.compile(
    r"""(?:https?://[^/\s"'<>]+)?/(?:[^\s"'<>]*?/)?wp-content/uploads/"""
    r"""(?P<file>[^\s"'<>?#]+)"""
)
