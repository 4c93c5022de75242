"""Build a post's comment thread in Python from the one query that fetched it, and put its
HTML together from each comment's stored article (comments/markup.py): no template is
rendered per comment on a page view."""

from dataclasses import dataclass, field
from functools import cached_property
from typing import NamedTuple

from django.utils.safestring import mark_safe

from comments.markup import NUMBER_MARK, REPLY_MARK, WORDPRESS_ANCHOR, render_article


class ThreadComment(NamedTuple):
    """What a thread shows of a comment: read as a plain row (Comment.THREAD_FIELDS, in this
    order), so a page of hundreds of comments builds no model instance."""

    pk: int
    post_id: int
    parent_id: int | None
    depth: int
    author_name: str
    status: str
    user_id: int | None
    html: str
    wordpress_id: int | None

    @classmethod
    def rows(cls, comments):
        """The rows of a queryset of comments."""
        from comments.models import Comment

        return map(cls._make, comments.values_list(*Comment.THREAD_FIELDS))

    @property
    def is_approved(self):
        return self.status == "approved"


@dataclass
class ThreadNode:
    comment: object
    number: int | None = None  # approved comments are numbered in reading order
    replies: list = field(default_factory=list)


@dataclass
class Thread:
    roots: list
    by_id: dict
    approved_count: int

    def __iter__(self):
        return iter(self.roots)

    def html(self, post, accepts_comments):
        """The thread's <li> items, nested, ready for the page."""
        parts = []
        self._append_items(parts, self.roots, post.author_id, accepts_comments)
        return mark_safe("".join(parts))  # articles were escaped and cleaned when rendered

    def by_wordpress_id(self, number):
        """The node of the imported comment with this WordPress id, when no comment of
        ours on the page has it as its id."""
        if number is None or number in self.by_id:
            return None
        return next((n for n in self.by_id.values() if n.comment.wordpress_id == number), None)

    def _append_items(self, parts, nodes, post_author_id, accepts_comments):
        for node in nodes:
            comment = node.comment
            article = comment.html or _render_stored_article(comment.pk, post_author_id)
            if comment.wordpress_id in self.by_id and comment.wordpress_id != comment.pk:
                # A page has one #comment-N: ours, whose links (emails, feeds, the
                # comment's own date) came after the move.
                article = article.replace(WORDPRESS_ANCHOR.format(comment.wordpress_id), "", 1)
            if not accepts_comments:
                article = article[: article.index(REPLY_MARK)] + "</article>"
            if node.number:
                number = f'<span class="comment-number">#{node.number}</span>'
                article = article.replace(NUMBER_MARK, number, 1)
            classes = f"comment depth-{comment.depth}"
            if comment.status != "approved":
                classes += " comment-held"
            if comment.user_id and comment.user_id == post_author_id:
                classes += " by-post-author"
            parts.append(f'<li class="{classes}" id="li-comment-{comment.pk}">{article}')
            if node.replies:
                parts.append('<ol class="children">')
                self._append_items(parts, node.replies, post_author_id, accepts_comments)
                parts.append("</ol>")
            parts.append("</li>")


def _render_stored_article(comment_id, post_author_id):
    """A comment written around save() (a raw bulk insert) gets its article now, once."""
    from comments.models import Comment

    comment = Comment.objects.get(pk=comment_id)
    comment.html = render_article(comment, post_author_id)
    Comment.objects.filter(pk=comment_id).update(html=comment.html)
    return comment.html


def build_thread(comments, numbers=None):
    """Nest `comments` (ordered oldest first) under their parents.

    A reply whose parent is not in the list (a parent that is not visible to this reader)
    is shown at the top level rather than lost. `numbers` (from an Outline) numbers a page
    of a longer thread as its place in the whole."""
    nodes = {comment.pk: ThreadNode(comment) for comment in comments}
    roots = []
    for node in nodes.values():
        parent = nodes.get(node.comment.parent_id)
        (parent.replies if parent else roots).append(node)
    if numbers is not None:
        for pk, node in nodes.items():
            node.number = numbers.get(pk)
        return Thread(roots=roots, by_id=nodes, approved_count=len(numbers))
    number = 0
    stack = list(reversed(roots))
    while stack:  # depth-first, in reading order
        node = stack.pop()
        if node.comment.is_approved:
            number += 1
            node.number = number
        stack.extend(reversed(node.replies))
    return Thread(roots=roots, by_id=nodes, approved_count=number)


@dataclass
class Outline:
    """The shape of a post's visible thread, without the comments themselves: read as
    (id, parent id, status) rows, so a post with thousands of comments costs a few
    milliseconds to page. Top-level comments are split into pages (WordPress's comment
    pages: the oldest first); every reply stays on its top-level comment's page."""

    roots: list
    parent_of: dict
    children: dict
    numbers: dict  # approved comments' numbers in reading order, across every page
    per_page: int

    @classmethod
    def of_post(cls, post, held_ids=()):
        """The outline of `post`'s thread as a reader sees it: its approved comments, then
        the reader's own held ones (visible_on) read by id alone and kept if on this post.

        This is where a comment form's answer sends its writer, with their held comments.
        Asked in one query, PostgreSQL read every comment of the post, held spam included,
        whenever its statistics were behind a post whose comments poured in: a wave of spam
        under a popular post made each new comment slower (make bench: 180 → 150/s)."""
        from django.conf import settings

        from comments.models import Comment

        fields = ("id", "parent_id", "status", "submitted_at")
        rows = list(Comment.objects.visible_on(post).values_list(*fields))
        if held_ids:
            held = Comment.objects.filter(pk__in=list(held_ids)).values_list(*fields, "post_id")
            rows += [row[:4] for row in held
                     if row[4] == post.pk and row[2] in Comment.HELD_STATUSES]  # fmt: skip
            rows.sort(key=lambda row: (row[3], row[0]))
        return cls.of([row[:3] for row in rows], settings.BROADSHEET_COMMENTS_PER_PAGE)

    def url_of(self, comment):
        """Where a reader finds `comment`: its post's comment page, and its anchor."""
        page = self.page_of(comment.pk) or 1
        return f"{comment.post.comment_page_url(page)}#comment-{comment.pk}"

    @classmethod
    def of(cls, rows, per_page):
        """`rows`: (id, parent_id, status), oldest first."""
        ids = {pk for pk, _, _ in rows}
        parent_of, children, roots = {}, {}, []
        for pk, parent_id, _ in rows:
            if parent_id in ids:
                parent_of[pk] = parent_id
                children.setdefault(parent_id, []).append(pk)
            else:  # a reply whose parent this reader cannot see stands at the top level
                roots.append(pk)
        approved = {pk for pk, _, status in rows if status == "approved"}
        numbers, stack = {}, list(reversed(roots))
        while stack:  # depth-first, in reading order, as build_thread numbers them
            pk = stack.pop()
            if pk in approved:
                numbers[pk] = len(numbers) + 1
            stack.extend(reversed(children.get(pk, ())))
        return cls(roots, parent_of, children, numbers, per_page)

    @property
    def page_count(self):
        if not self.per_page:
            return 1
        return max(1, -(-len(self.roots) // self.per_page))

    def page_of(self, comment_id):
        """The page showing `comment_id` (None if this reader cannot see it)."""
        root = comment_id
        while root in self.parent_of:
            root = self.parent_of[root]
        if root not in self.root_index:
            return None
        return self.root_index[root] // self.per_page + 1 if self.per_page else 1

    def ids_on_page(self, number):
        """Every comment id on page `number`: its top-level comments and all their replies."""
        if not self.per_page:
            start, end = 0, len(self.roots)
        else:
            start, end = (number - 1) * self.per_page, number * self.per_page
        found, stack = [], list(self.roots[start:end])
        while stack:
            pk = stack.pop()
            found.append(pk)
            stack.extend(self.children.get(pk, ()))
        return found

    @cached_property
    def root_index(self):
        return {pk: n for n, pk in enumerate(self.roots)}
