"""A comment turned into HTML, once, when it is saved or moderated: never per view.

The body: plain text written by a reader. Blank lines make paragraphs, single line breaks
are kept, bare URLs become links, and a small allow-list of tags passes through bleach.
Every link gets rel="nofollow ugc noopener".

The article: the body with its writer's name (linked to their website), the date, the
author badge, the held notice and the Reply link, as the thread shows it. The thread is
assembled from these stored pieces (comments/threads.py); only the comment's number and
whether replies are open are filled in per page, by plain string work.
"""

import re

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.template.loader import render_to_string
from django.utils.safestring import mark_safe

from blog.html import ALLOWED_PROTOCOLS, add_link_rel, sanitize, without_control_characters

# A commenter's website becomes a link on the page: a valid http(s) address, never
# javascript: or data:. The comment's field, the form and linkable_url all use it.
validate_author_url = URLValidator(
    schemes=["http", "https"], message="That does not look like a web address (try https://…)."
)

# Where the thread puts the comment's number, and where the Reply link starts (cut off
# when the post no longer takes comments).
NUMBER_MARK = "<!--number-->"
REPLY_MARK = "<!--reply-->"
# An imported comment's WordPress id, kept as a second anchor at the top of its article:
# links to "…/slug/#comment-1002" from the old blog still find it.
WORDPRESS_ANCHOR = '<span id="comment-{}"></span>'

COMMENT_ALLOWED_TAGS = frozenset(
    {"a", "em", "strong", "b", "i", "blockquote", "code", "pre", "ul", "ol", "li", "p", "br"}
)
COMMENT_ALLOWED_ATTRIBUTES = {"a": ["href"]}
COMMENT_LINK_REL = "nofollow ugc noopener"

_BLANK_LINES = re.compile(r"\n\s*\n")
# Block elements are kept whole (a blank line inside <pre> is part of the code) and get no
# <p> or <br> of their own; a quotation's own text is made into paragraphs.
_BLOCK_TAG = re.compile(r"<(/?)(blockquote|pre|ul|ol)\b[^>]*>", re.I)


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
    return add_link_rel(_paragraphs(cleaned), rel=COMMENT_LINK_REL)


def render_article(comment, post_author_id):
    """The comment's <article> as the thread shows it. Reads plain fields only, so a data
    migration can call it with a historical model."""
    held = comment.status in ("pending", "spam")
    return render_to_string(
        "comments/_comment_article.html",
        {
            "pk": comment.pk,
            "name": comment.author_name or "Anonymous",
            "url": linkable_url(comment.author_url),
            "by_post_author": bool(comment.user_id) and comment.user_id == post_author_id,
            # Whole seconds: <time datetime> takes no microseconds.
            "submitted_at": comment.submitted_at.replace(microsecond=0),
            "held": held,
            "held_reasons": comment.held_reasons if held else [],
            "approved": comment.status == "approved",
            "body_html": comment.body_html,
            "wordpress_anchor": wordpress_anchor(comment),
        },
    ).strip()


def store_articles_again(comments, batch=500):
    """Render and store the articles of `comments` again, `batch` at a time: for a data
    migration (a queryset of the historical model) after the article changes."""
    done = []
    for comment in comments.select_related("post").order_by("pk").iterator(chunk_size=batch):
        comment.html = render_article(comment, comment.post.author_id)
        done.append(comment)
        if len(done) == batch:
            comments.model.objects.bulk_update(done, ["html"])
            done = []
    comments.model.objects.bulk_update(done, ["html"])


def wordpress_anchor(comment):
    """The anchor an imported comment keeps for its WordPress id ('' for the others, and
    for one whose id here is the same number)."""
    number = comment.wordpress_id
    if not number or number == comment.pk:
        return ""
    return mark_safe(WORDPRESS_ANCHOR.format(int(number)))


def linkable_url(url):
    """`url` if it is an http(s) address a page may link to; '' for anything else stored
    (javascript:, data:, an import's oddities), whatever wrote it."""
    url = (url or "").strip()
    try:
        validate_author_url(url)
    except ValidationError:
        return ""
    return url


def _paragraphs(html):
    """Blank lines make paragraphs and single line breaks <br>, outside block elements."""
    blocks = []
    for is_block, chunk in _split_blocks(html):
        if is_block and chunk.startswith("<blockquote"):
            inside = chunk[chunk.index(">") + 1 : -len("</blockquote>")]
            blocks.append("<blockquote>" + _paragraphs(inside) + "</blockquote>")
        elif is_block:
            blocks.append(chunk)
        else:
            for block in _BLANK_LINES.split(chunk):
                block = block.strip("\n")
                if block.strip():
                    blocks.append("<p>" + block.replace("\n", "<br>\n") + "</p>")
    return "\n".join(blocks)


def _split_blocks(html):
    """(is_block, html) pieces: each outermost block element whole, and the text between."""
    pieces, depth, start = [], 0, 0
    for tag in _BLOCK_TAG.finditer(html):
        if tag.group(1):  # a closing tag
            depth = max(depth - 1, 0)
            if depth == 0:
                pieces.append((True, html[start : tag.end()]))
                start = tag.end()
        else:
            if depth == 0:
                pieces.append((False, html[start : tag.start()]))
                start = tag.start()
            depth += 1
    pieces.append((False, html[start:]))
    return pieces


# Controls that reorder how text is displayed (embeddings, overrides, isolates and marks):
# in a name or a subject they can make a line read as something else.
_BIDI_CONTROLS = re.compile("[\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]")


def one_line(text):
    """`text` as one plain line, for a name, an email header or a "From: …" line: control
    characters and bidi controls dropped, line breaks and runs of spaces made one space.

    A newline in a subject would make Django refuse the email (BadHeaderError)."""
    return " ".join(_BIDI_CONTROLS.sub("", without_control_characters(text)).split())
