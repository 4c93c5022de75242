"""WordPress's paragraph rules ("wpautop"), reimplemented for imported post bodies.

WordPress stores a post body without <p> tags and adds them every time it displays the
post: a blank line starts a new paragraph, a single line break becomes <br />, and
block-level elements (headings, lists, tables, quotes, ...) are never wrapped in a
paragraph. Inside <pre>, <script>, <style> and <textarea> nothing changes. This module
applies the same rules once, at import, so a post reads as it did on the old site.
"""

import re

# Elements WordPress treats as blocks: a paragraph never wraps them.
BLOCK_TAGS = (
    "address", "area", "article", "aside", "blockquote", "caption", "col", "colgroup", "dd",
    "details", "div", "dl", "dt", "fieldset", "figcaption", "figure", "footer", "form",
    "h1", "h2", "h3", "h4", "h5", "h6", "header", "hgroup", "hr", "legend", "li", "map",
    "math", "menu", "nav", "ol", "p", "pre", "section", "style", "summary", "table", "tbody",
    "td", "tfoot", "th", "thead", "tr", "ul",
)  # fmt: skip
_BLOCK = "(?:" + "|".join(BLOCK_TAGS) + ")"

# Elements whose content is kept byte for byte (no <p>, no <br />).
_VERBATIM = re.compile(r"<(pre|script|style|textarea)\b.*?</\1\s*>", re.I | re.S)
# A tag or an HTML comment; line breaks inside them are not line breaks of the text.
_TAG_OR_COMMENT = re.compile(r"<!--.*?-->|<[^<>]+>", re.S)

_OPENING_BLOCK = re.compile(r"(<" + _BLOCK + r"[\s/>])", re.I)
_CLOSING_BLOCK = re.compile(r"(</" + _BLOCK + r">)", re.I)
_ANY_BLOCK_TAG = r"</?" + _BLOCK + r"\b[^>]*>"
_DOUBLE_BR = re.compile(r"<br\s*/?>\s*<br\s*/?>", re.I)
_PARAGRAPH_BREAK = re.compile(r"\n\s*\n")

_PLACEHOLDER = "\x00wxr{}\x00"
_NEWLINE_IN_TAG = "\x00wxrnl\x00"


def autop(text, br=True):
    """Return `text` (a WordPress post body) with paragraphs and line breaks as HTML.

    With `br=False`, single line breaks are left as they are (WordPress's own switch)."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    if not text.strip():
        return ""

    # Set aside what must not change, and line breaks inside tags (multi-line attributes).
    kept = []

    def keep(match):
        kept.append(match.group(0))
        return _PLACEHOLDER.format(len(kept) - 1)

    text = _VERBATIM.sub(keep, text)
    text = _TAG_OR_COMMENT.sub(lambda m: m.group(0).replace("\n", _NEWLINE_IN_TAG), text)
    text += "\n"

    # Two <br>s in a row are a paragraph break; blocks stand on lines of their own.
    text = _DOUBLE_BR.sub("\n\n", text)
    text = _OPENING_BLOCK.sub(r"\n\n\1", text)
    text = _CLOSING_BLOCK.sub(r"\1\n\n", text)
    text = re.sub(r"<hr\s*?/?>", "<hr />", text, flags=re.I)

    # A verbatim element is a block too (pre, script, style); keep it off paragraph lines.
    text = re.sub(r"(\x00wxr\d+\x00)", _isolate_block_placeholder(kept), text)

    paragraphs = [p.strip() for p in _PARAGRAPH_BREAK.split(text)]
    text = "".join(f"<p>{p}</p>\n" for p in paragraphs if p)

    # Undo the paragraphs that only wrap a block, or open/close around one.
    text = re.sub(r"<p>\s*</p>", "", text)
    text = re.sub(r"<p>([^<]+)</(div|address|form)>", r"<p>\1</p></\2>", text)
    text = re.sub(r"<p>\s*(" + _ANY_BLOCK_TAG + r")\s*</p>", r"\1", text, flags=re.I)
    text = re.sub(r"<p>(<li\b.+?)</p>", r"\1", text, flags=re.I)
    text = re.sub(r"<p><blockquote\b([^>]*)>", r"<blockquote\1><p>", text, flags=re.I)
    text = re.sub(r"</blockquote></p>", "</p></blockquote>", text, flags=re.I)
    text = re.sub(r"<p>\s*(" + _ANY_BLOCK_TAG + r")", r"\1", text, flags=re.I)
    text = re.sub(r"(" + _ANY_BLOCK_TAG + r")\s*</p>", r"\1", text, flags=re.I)
    text = re.sub(r"<p>\s*(\x00wxr\d+\x00)\s*</p>", r"\1", text)

    if br:
        # A single line break inside a paragraph is a <br />, unless a block tag is next to it.
        text = re.sub(r"<br\s*/?>\s*\n", "<br />\n", text, flags=re.I)
        text = re.sub(r"(?<!<br />)\s*\n(?=.)", "<br />\n", text)
        text = re.sub(r"<br />\n(?=\s*$)", "\n", text)
    text = re.sub(r"(" + _ANY_BLOCK_TAG + r")\s*<br />", r"\1", text, flags=re.I)
    text = re.sub(
        r"<br />(\s*</?(?:p|li|div|dl|dd|dt|th|pre|td|ul|ol)\b[^>]*>)", r"\1", text, flags=re.I
    )
    text = re.sub(r"(\x00wxr\d+\x00)\s*<br />", r"\1", text)
    text = re.sub(r"<br />(\s*\x00wxr\d+\x00)", r"\1", text)
    text = re.sub(r"\n</p>$", "</p>", text)

    text = text.replace(_NEWLINE_IN_TAG, "\n")
    return re.sub(r"\x00wxr(\d+)\x00", lambda m: kept[int(m.group(1))], text)


def _isolate_block_placeholder(kept):
    """Put a kept <pre>/<script>/<style> on its own paragraph; leave <textarea> inline."""

    def isolate(match):
        index = int(match.group(1)[4:-1])
        if kept[index][:9].lower().startswith("<textarea"):
            return match.group(1)
        return "\n\n" + match.group(1) + "\n\n"

    return isolate


_LINE_BREAK = re.compile(r"(<[^<>]*>)?\n(?=(<[^<>]*>)?)")
_BLOCK_TAG = re.compile(r"</?" + _BLOCK + r"\b", re.I)


def protect_line_breaks(html):
    """HTML (ours, already in paragraphs) that WordPress's autop will display unchanged.

    WordPress runs autop on every body it shows, so a soft line break inside a paragraph
    would come out as <br />. Those become spaces; breaks next to a block tag, after a
    <br> and inside <pre> stay, since autop leaves them alone."""

    def join(match):
        before, after = match.group(1) or "", match.group(2) or ""
        if _BLOCK_TAG.match(before) or _BLOCK_TAG.match(after) or before[:3].lower() == "<br":
            return before + "\n"
        return before + " "

    parts = []
    position = 0
    for verbatim in _VERBATIM.finditer(html):
        parts.append(_LINE_BREAK.sub(join, html[position : verbatim.start()]))
        parts.append(verbatim.group(0))
        position = verbatim.end()
    parts.append(_LINE_BREAK.sub(join, html[position:]))
    return "".join(parts)
