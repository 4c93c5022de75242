"""Build a post's comment thread in Python from the one query that fetched it."""

from dataclasses import dataclass, field


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
