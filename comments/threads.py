"""Build a post's comment thread in Python from the one query that fetched it, and put its
HTML together from each comment's stored article (comments/markup.py): no template is
rendered per comment on a page view."""

from dataclasses import dataclass, field

from django.utils.safestring import mark_safe

from comments.markup import NUMBER_MARK, REPLY_MARK, render_article


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

    def _append_items(self, parts, nodes, post_author_id, accepts_comments):
        for node in nodes:
            comment = node.comment
            # A row saved before articles were stored gets one now (a migration fills them).
            article = comment.html or render_article(comment, post_author_id)
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


def build_thread(comments):
    """Nest `comments` (ordered oldest first) under their parents.

    A reply whose parent is not in the list (a parent that is not visible to this reader)
    is shown at the top level rather than lost."""
    nodes = {comment.pk: ThreadNode(comment) for comment in comments}
    roots = []
    for node in nodes.values():
        parent = nodes.get(node.comment.parent_id)
        (parent.replies if parent else roots).append(node)
    number = 0
    stack = list(reversed(roots))
    while stack:  # depth-first, in reading order
        node = stack.pop()
        if node.comment.is_approved:
            number += 1
            node.number = number
        stack.extend(reversed(node.replies))
    return Thread(roots=roots, by_id=nodes, approved_count=number)
