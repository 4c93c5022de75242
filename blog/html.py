"""The one home of HTML sanitizing: what post bodies (and comments) may contain.

Every piece of HTML that reaches a page from a person goes through `sanitize`. Post bodies
are Markdown rendered once on save; raw HTML the author pastes into the Markdown is cleaned
by the same allow-list.
"""

import re
from html.parser import HTMLParser

import bleach
import markdown
from bleach.linkifier import Linker
from django.utils.text import Truncator

from blog.images import ImageEmbeds

# Tags an author may use in a post. Structure, emphasis, code, tables, figures and images:
# everything Markdown produces, and nothing that runs script or restyles the page.
POST_ALLOWED_TAGS = frozenset(
    {
        "a", "abbr", "b", "blockquote", "br", "caption", "cite", "code", "dd", "del", "details",
        "dl", "dt", "em", "figcaption", "figure", "h2", "h3", "h4", "h5", "h6", "hr", "i", "img",
        "ins", "kbd", "li", "mark", "ol", "p", "pre", "q", "s", "small", "span", "strong", "sub",
        "summary", "sup", "table", "tbody", "td", "tfoot", "th", "thead", "tr", "u", "ul",
    }
)  # fmt: skip

# Attributes per tag. No `style`, no `on*` handlers, no `class` (the stylesheet is ours).
POST_ALLOWED_ATTRIBUTES = {
    "a": ["href", "title", "rel"],
    "abbr": ["title"],
    "img": lambda tag, name, value: _img_attribute(name, value),
    "td": ["colspan", "rowspan", "align"],
    "th": ["colspan", "rowspan", "align", "scope"],
    "ol": ["start", "reversed"],
    "h2": ["id"], "h3": ["id"], "h4": ["id"], "h5": ["id"], "h6": ["id"],
    "q": ["cite"],
    "blockquote": ["cite"],
}  # fmt: skip

# URL schemes links and images may use; `javascript:` and `data:` are not among them.
ALLOWED_PROTOCOLS = frozenset({"http", "https", "mailto"})

_IMG_ATTRIBUTES = frozenset(
    {"src", "alt", "title", "width", "height", "loading", "srcset", "sizes"}
)
_SCHEME = re.compile(r"^([a-z][a-z0-9+.-]*):", re.I)


def _img_attribute(name, value):
    """bleach checks the scheme of src but not of srcset's URLs: every one must be
    relative or http(s), as src must be."""
    if name != "srcset":
        return name in _IMG_ATTRIBUTES
    for candidate in value.split(","):
        url = re.sub(r"[\x00-\x20]", "", candidate.strip().split(" ")[0])
        scheme = _SCHEME.match(url)
        if scheme and scheme[1].lower() not in {"http", "https"}:
            return False
    return True


# Script and style elements are dropped with their content; bleach would keep the text.
_DANGEROUS_BLOCKS = re.compile(
    r"<(script|style|iframe|object|embed|noscript|template)\b.*?</\1\s*>", re.I | re.S
)

_MARKDOWN_EXTENSIONS = ["extra", "sane_lists", "smarty"]


def sanitize(html, tags=POST_ALLOWED_TAGS, attributes=None, protocols=ALLOWED_PROTOCOLS):
    """Return `html` with everything outside the allow-list removed or escaped."""
    html = _DANGEROUS_BLOCKS.sub("", html)
    return bleach.clean(
        html,
        tags=tags,
        attributes=POST_ALLOWED_ATTRIBUTES if attributes is None else attributes,
        protocols=protocols,
        strip=True,
        strip_comments=True,
    )


def render_markdown(source):
    """Render an author's Markdown to sanitized HTML; `![alt text](image:42)` places uploaded
    image 42 (blog/images.py)."""
    extensions = [*_MARKDOWN_EXTENSIONS, ImageEmbeds()]
    return sanitize(markdown.markdown(source, extensions=extensions))


def summarize(html, words=55):
    """A plain-text excerpt of rendered HTML, cut at a word boundary.

    Built from the prose: paragraphs and quoted passages (a <blockquote> holds text with
    or without paragraphs of its own), so headings and lists do not run into it."""
    reader = _ProseReader()
    reader.feed(html)
    reader.close()
    text = "".join(reader.text) if reader.found else plain_text(html)
    text = re.sub(r"\s+", " ", text).strip()
    return Truncator(text).words(words, truncate="…")


def add_link_rel(html, rel="nofollow ugc noopener"):
    """Turn bare URLs into links and give every link `rel` (for text written by readers)."""

    def set_rel(attrs, new=False):
        attrs[(None, "rel")] = rel
        return attrs

    return Linker(callbacks=[set_rel], skip_tags={"pre", "code"}).linkify(html)


def count_words(html):
    """Words a reader reads in rendered HTML."""
    return len(plain_text(html).split())


def plain_text(html):
    """The text a browser shows for `html`: tags, comments and script or style contents
    dropped, entities (&rsquo; from smart quotes) turned into their characters.

    The one way plain text is taken from HTML (excerpts, word counts, search, imported
    titles). Unlike Django's strip_tags, it never fails: "<![" starts a comment, as in a
    browser, where strip_tags raises an AssertionError."""
    reader = _TextReader()
    reader.feed(html)
    reader.close()
    return "".join(reader.text)


class _TextReader(HTMLParser):
    _HIDDEN = frozenset({"script", "style", "template", "noscript"})

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.text = []
        self.hidden = 0

    def handle_starttag(self, tag, attrs):
        self.hidden += tag in self._HIDDEN

    def handle_endtag(self, tag):
        if tag in self._HIDDEN and self.hidden:
            self.hidden -= 1

    def handle_data(self, data):
        if not self.hidden:
            self.text.append(data)

    def parse_marked_section(self, i, report=True):
        # Outside SVG and MathML a browser reads "<![CDATA[…", "<![if …]>" (Word's
        # conditional sections) and any other "<![" as a comment up to the next ">".
        end = self.rawdata.find(">", i + 3)
        return -1 if end < 0 else end + 1


class _ProseReader(_TextReader):
    """The text of paragraphs and quotations only, each followed by a space."""

    _PROSE = frozenset({"p", "blockquote"})
    # Not prose even inside a quotation; <li> keeps lists out of the excerpt, as before,
    # unless the list is itself quoted.
    _NOT_PROSE = frozenset({"h1", "h2", "h3", "h4", "h5", "h6", "pre", "figcaption", "table"})

    def __init__(self):
        super().__init__()
        self.prose = 0  # open <p> and <blockquote> elements
        self.not_prose = 0
        self.found = False

    def handle_starttag(self, tag, attrs):
        super().handle_starttag(tag, attrs)
        if tag in self._PROSE:
            self.prose += 1
            self.found = True
            self.text.append(" ")
        elif tag in self._NOT_PROSE:
            self.not_prose += 1
        elif tag == "br":
            self.text.append(" ")

    def handle_endtag(self, tag):
        super().handle_endtag(tag)
        if tag in self._PROSE and self.prose:
            self.prose -= 1
            self.text.append(" ")
        elif tag in self._NOT_PROSE and self.not_prose:
            self.not_prose -= 1

    def handle_data(self, data):
        if self.prose and not self.not_prose:
            super().handle_data(data)


# Characters XML 1.0 (the feeds) cannot carry and no reader means to type; tab and line
# breaks stay.
CONTROL_CHARACTERS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")


def without_control_characters(text):
    """`text` as the blog stores what an author or a reader wrote."""
    return CONTROL_CHARACTERS.sub("", text or "")
