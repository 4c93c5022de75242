"""Comment bodies: plain text written by readers, turned into safe HTML once, on save.

Blank lines make paragraphs, single line breaks are kept, bare URLs become links, and a
small allow-list of tags passes through bleach. Every link gets rel="nofollow ugc noopener".
"""

import re

from blog.html import ALLOWED_PROTOCOLS, add_link_rel, sanitize

COMMENT_ALLOWED_TAGS = frozenset(
    {"a", "em", "strong", "b", "i", "blockquote", "code", "pre", "ul", "ol", "li", "p", "br"}
)
COMMENT_ALLOWED_ATTRIBUTES = {"a": ["href"]}
COMMENT_LINK_REL = "nofollow ugc noopener"

_BLANK_LINES = re.compile(r"\n\s*\n")
# Block tags are not wrapped in <p> and get no <br> inside them.
_BLOCK_START = re.compile(r"^\s*<(blockquote|pre|ul|ol)\b", re.I)


def render_comment(text):
    """Render a reader's comment to HTML that is safe to show as is."""
    text = text.replace("\r\n", "\n").replace("\r", "\n").strip()
    # Clean first, so paragraph markup is added to text that can no longer carry a tag.
    cleaned = sanitize(
        text,
        tags=COMMENT_ALLOWED_TAGS - {"p", "br"},
        attributes=COMMENT_ALLOWED_ATTRIBUTES,
        protocols=ALLOWED_PROTOCOLS,
    )
    blocks = []
    for block in _BLANK_LINES.split(cleaned):
        block = block.strip("\n")
        if not block.strip():
            continue
        if _BLOCK_START.match(block):
            blocks.append(block)
        else:
            blocks.append("<p>" + block.replace("\n", "<br>\n") + "</p>")
    return add_link_rel("\n".join(blocks), rel=COMMENT_LINK_REL)
