"""Read a WordPress export (WXR 1.0, 1.1 or 1.2) as a stream of records, in bounded memory.

`WXRReader(path)` yields `Author`, `Term` and `Item` records in file order (an item carries
its comments, categories, tags and post meta); the channel's own fields (title, site
address, WXR version) are on `reader.channel` once read. Each element is cleared as soon as
its record is made, so a 200 MB export never sits in memory whole.

Damage that WordPress's own importer reads past (a "]]>" inside CDATA, a bare "&") is
repaired on the way in (blog/wxr/repair.py) and listed in `reader.repairs`, with the
record it was in. A file that is still not well-formed XML (cut short, a tag that never
closes) raises `WXRError` with the line where reading stopped.
"""

import re
import xml.etree.ElementTree as ET
from dataclasses import dataclass, field
from functools import lru_cache

from blog.wxr.repair import Repairer

# Namespace URIs by prefix. WordPress changes the "wp" and "excerpt" URIs with the WXR
# version (…/export/1.1/, …/export/1.2/), so those are matched by pattern.
_NAMESPACES = [
    (re.compile(r"^https?://wordpress\.org/export/[\d.]+/excerpt/$"), "excerpt"),
    (re.compile(r"^https?://wordpress\.org/export/[\d.]+/$"), "wp"),
    (re.compile(r"^http://purl\.org/rss/1\.0/modules/content/$"), "content"),
    (re.compile(r"^http://purl\.org/dc/elements/1\.1/$"), "dc"),
    (re.compile(r"^http://wellformedweb\.org/CommentAPI/$"), "wfw"),
]
SUPPORTED_VERSIONS = ("1.0", "1.1", "1.2")


class WXRError(Exception):
    """The file cannot be read as a WordPress export; the message says where and why."""


@dataclass
class Channel:
    title: str = ""
    link: str = ""
    description: str = ""  # the blog's tagline
    base_site_url: str = ""
    base_blog_url: str = ""
    wxr_version: str = ""


@dataclass
class Author:
    id: int | None
    login: str
    email: str = ""
    display_name: str = ""
    first_name: str = ""
    last_name: str = ""


@dataclass
class Term:
    """A category or tag defined in the channel (`kind` is "category" or "post_tag")."""

    kind: str
    id: int | None
    slug: str
    name: str
    description: str = ""


@dataclass
class Comment:
    id: int
    author: str = ""
    author_email: str = ""
    author_url: str = ""
    author_ip: str = ""
    date: str = ""
    date_gmt: str = ""
    content: str = ""
    approved: str = "1"
    type: str = ""
    parent: int = 0
    user_id: int = 0


@dataclass
class Item:
    """A post, page, attachment or any other WordPress object, with its comments."""

    id: int
    title: str = ""
    link: str = ""
    creator: str = ""
    content: str = ""
    excerpt: str = ""
    post_date: str = ""
    post_date_gmt: str = ""
    comment_status: str = "open"
    post_name: str = ""
    status: str = ""
    post_type: str = ""
    post_parent: int = 0
    menu_order: int = 0
    is_sticky: bool = False
    password: str = ""
    attachment_url: str = ""
    # (domain, nicename, name): domain "category" or "post_tag" (others are kept, unused).
    terms: list = field(default_factory=list)
    meta: dict = field(default_factory=dict)
    comments: list = field(default_factory=list)


@lru_cache(maxsize=512)
def local_name(tag):
    """'{http://wordpress.org/export/1.2/}post_id' -> 'wp:post_id'; plain names unchanged."""
    if not tag.startswith("{"):
        return tag
    uri, name = tag[1:].split("}", 1)
    for pattern, prefix in _NAMESPACES:
        if pattern.match(uri):
            return f"{prefix}:{name}"
    return f"{{{uri}}}{name}"


@dataclass(frozen=True)
class Repair:
    """Damage repaired on the way in: at `line`, in `record` ("the item “Title” that starts
    at line 40"), `what` was read as WordPress reads it."""

    line: int
    what: str
    record: str


class WXRReader:
    """Iterate over the records of the export at `source` (a path or a binary file)."""

    def __init__(self, source):
        self.source = source
        self.channel = Channel()
        self.repairs = []  # Repair, in file order
        self._repairer = Repairer()
        self._repairs_noted = 0

    def __iter__(self):
        try:
            yield from self._records()
        except ET.ParseError as error:
            line, column = error.position
            reason = str(error).split(": line ")[0]
            raise WXRError(
                f"The file is not valid XML at line {line}, column {column + 1} ({reason}). "
                "It may be cut short or damaged: export it again from WordPress, or repair "
                "it (for example with xmllint --recover) and import it again."
            ) from error

    def _records(self):
        depth = 0
        channel = None
        seen_root = False
        limits = _Limits()
        for event, element, line in self._events():
            if event == "start":
                depth += 1
                limits.opened(element, depth, line)
                if depth == 1:
                    seen_root = True
                    if element.tag != "rss":
                        raise WXRError(
                            f"This is not a WordPress export: the document is <{element.tag}>, "
                            f"not <rss> (line {line})."
                        )
                elif depth == 2 and element.tag == "channel":
                    channel = element
                continue
            limits.closed(element, depth, line)
            depth -= 1
            if depth != 2 or channel is None:
                continue
            self._note_repairs(through=line, record=limits.where())
            record = self._record(element)
            # Cleared once read: memory stays bounded by the largest single item.
            channel.clear()
            if record is not None:
                yield record
        self._note_repairs(through=float("inf"), record="the channel")
        if not seen_root:
            raise WXRError("The file is empty: there is nothing to import.")
        if not self.channel.wxr_version:
            raise WXRError(
                "This is not a WordPress export: it has no <wp:wxr_version>. Export the blog "
                "from WordPress with Tools → Export."
            )

    def _events(self):
        """("start" or "end", element, line) for the file's elements. The parser is fed a
        line at a time (at most 64 KiB), so each event knows the line it happened on."""
        parser = ET.XMLPullParser(events=("start", "end"))
        opened = not hasattr(self.source, "read")
        source = open(self.source, "rb") if opened else self.source  # noqa: SIM115
        line = 1
        try:
            while chunk := source.readline(64 * 1024):
                repaired = self._repairer.feed(chunk)
                parser.feed(repaired)
                for event, element in parser.read_events():
                    yield event, element, line
                line += repaired.count(b"\n")
            parser.feed(self._repairer.close())
            parser.close()
            for event, element in parser.read_events():
                yield event, element, line
        finally:
            if opened:
                source.close()

    def _note_repairs(self, through, record):
        """The repairs made up to line `through` were in `record`."""
        found = self._repairer.repairs
        while self._repairs_noted < len(found) and found[self._repairs_noted][0] <= through:
            line, what = found[self._repairs_noted]
            self.repairs.append(Repair(line, what, record))
            self._repairs_noted += 1

    def _record(self, element):
        name = local_name(element.tag)
        text = (element.text or "").strip()
        if name == "item":
            return self._item(element)
        if name == "wp:author":
            values = _children(element)
            return Author(
                id=_int(values.get("wp:author_id")),
                login=values.get("wp:author_login", ""),
                email=values.get("wp:author_email", ""),
                display_name=values.get("wp:author_display_name", ""),
                first_name=values.get("wp:author_first_name", ""),
                last_name=values.get("wp:author_last_name", ""),
            )
        if name == "wp:category":
            values = _children(element)
            return Term(
                kind="category",
                id=_int(values.get("wp:term_id")),
                slug=values.get("wp:category_nicename", ""),
                name=values.get("wp:cat_name", ""),
                description=values.get("wp:category_description", ""),
            )
        if name == "wp:tag":
            values = _children(element)
            return Term(
                kind="post_tag",
                id=_int(values.get("wp:term_id")),
                slug=values.get("wp:tag_slug", ""),
                name=values.get("wp:tag_name", ""),
                description=values.get("wp:tag_description", ""),
            )
        if name == "wp:wxr_version":
            version = text
            if version not in SUPPORTED_VERSIONS:
                raise WXRError(
                    f"This export says it is WXR {version or '(no version)'}; this importer "
                    f"reads WXR {', '.join(SUPPORTED_VERSIONS)}."
                )
            self.channel.wxr_version = version
        elif name in ("title", "link", "description"):
            setattr(self.channel, name, text)
        elif name in ("wp:base_site_url", "wp:base_blog_url"):
            setattr(self.channel, name[3:], text.rstrip("/"))
        return None

    def _item(self, element):
        item = Item(id=0)
        for child in element:
            name = local_name(child.tag)
            value = child.text or ""
            if name == "category":
                item.terms.append(
                    (child.get("domain", "category"), child.get("nicename", ""), value.strip())
                )
            elif name == "wp:postmeta":
                meta = _children(child, strip=False)
                item.meta[meta.get("wp:meta_key", "").strip()] = meta.get("wp:meta_value", "")
            elif name == "wp:comment":
                item.comments.append(_comment(child))
            elif name in _ITEM_FIELDS:
                attribute, convert = _ITEM_FIELDS[name]
                setattr(item, attribute, convert(value))
        return item


# rss > channel > item > wp:comment > wp:commentmeta > wp:meta_key is the deepest WordPress
# goes; anything much deeper is not an export (200,000 nested elements once imported as an
# empty post).
MAX_DEPTH = 8
# The longest text one field may hold: far above any post WordPress can edit, low enough
# that a damaged or hostile file is refused rather than stored.
MAX_FIELD_CHARS = 16_000_000


class _Limits:
    """Refuses, with the item and the line, what the reader would otherwise take silently:
    elements nested deeper than MAX_DEPTH, a text field holding elements (read as empty),
    and a field longer than MAX_FIELD_CHARS."""

    def __init__(self):
        self.record_line = 0
        self.record_name = ""
        self.title = ""

    def opened(self, element, depth, line):
        if depth == 3:
            self.record_line, self.record_name, self.title = line, local_name(element.tag), ""
        elif depth > MAX_DEPTH:
            raise WXRError(
                f"{self._where()}: at line {line}, elements are nested more than {MAX_DEPTH} "
                "levels deep, which a WordPress export never does."
            )

    def closed(self, element, depth, line):
        if depth < 4:
            return
        name = local_name(element.tag)
        if name in _TEXT_FIELDS and len(element):
            raise WXRError(
                f"{self._where()}: <{name}>, which ends at line {line}, holds XML elements "
                "where WordPress writes text (HTML in an export is inside <![CDATA[…]]>)."
            )
        length = len(element.text or "")
        if length > MAX_FIELD_CHARS:
            raise WXRError(
                f"{self._where()}: <{name}>, which ends at line {line}, holds {length:,} "
                f"characters; one field may hold at most {MAX_FIELD_CHARS:,}."
            )
        if depth == 4 and self.record_name == "item" and name == "title":
            self.title = " ".join((element.text or "").split())[:80]

    def where(self):
        """The record being read, in words: "the item “Title” that starts at line 40"."""
        if self.record_name != "item":
            return f"the <{self.record_name}> that starts at line {self.record_line}"
        title = f" “{self.title}”" if self.title else ""
        return f"the item{title} that starts at line {self.record_line}"

    def _where(self):
        where = self.where()
        return where[0].upper() + where[1:]


def _comment(element):
    values = _children(element, strip=False)
    get = lambda key: values.get(f"wp:comment_{key}", "")  # noqa: E731
    return Comment(
        id=_int(get("id")) or 0,
        author=get("author").strip(),
        author_email=get("author_email").strip(),
        author_url=get("author_url").strip(),
        author_ip=get("author_IP").strip(),
        date=get("date").strip(),
        date_gmt=get("date_gmt").strip(),
        content=get("content"),
        approved=get("approved").strip() or "1",
        type=get("type").strip(),
        parent=_int(get("parent")) or 0,
        user_id=_int(get("user_id")) or 0,
    )


def _children(element, strip=True):
    """The text of each child element, by normalized name."""
    values = {}
    for child in element:
        value = child.text or ""
        values[local_name(child.tag)] = value.strip() if strip else value
    return values


def _int(value):
    try:
        return int(str(value).strip())
    except (TypeError, ValueError):
        return None


def _text(value):
    return value


def _stripped(value):
    return value.strip()


def _flag(value):
    return value.strip() == "1"


def _number(value):
    return _int(value) or 0


_ITEM_FIELDS = {
    "title": ("title", _stripped),
    "link": ("link", _stripped),
    "dc:creator": ("creator", _stripped),
    "content:encoded": ("content", _text),
    "excerpt:encoded": ("excerpt", _text),
    "wp:post_id": ("id", _number),
    "wp:post_date": ("post_date", _stripped),
    "wp:post_date_gmt": ("post_date_gmt", _stripped),
    "wp:comment_status": ("comment_status", _stripped),
    "wp:post_name": ("post_name", _stripped),
    "wp:status": ("status", _stripped),
    "wp:post_type": ("post_type", _stripped),
    "wp:post_parent": ("post_parent", _number),
    "wp:menu_order": ("menu_order", _number),
    "wp:is_sticky": ("is_sticky", _flag),
    "wp:post_password": ("password", _stripped),
    "wp:attachment_url": ("attachment_url", _stripped),
}

# Elements read as text: one that holds elements instead would be read as empty.
_TEXT_FIELDS = frozenset(
    {
        *_ITEM_FIELDS, "category", "wp:meta_key", "wp:meta_value",
        *(f"wp:comment_{key}" for key in (
            "id", "author", "author_email", "author_url", "author_IP", "date", "date_gmt",
            "content", "approved", "type", "parent", "user_id",
        )),
        "wp:author_id", "wp:author_login", "wp:author_email", "wp:author_display_name",
        "wp:author_first_name", "wp:author_last_name", "wp:term_id", "wp:category_nicename",
        "wp:cat_name", "wp:category_description", "wp:tag_slug", "wp:tag_name",
        "wp:tag_description",
    }
)  # fmt: skip
