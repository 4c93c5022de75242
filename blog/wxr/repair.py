"""Repair, on the way in, the damage that real WordPress exports carry and WordPress's own
importer reads past, so that the XML parser can read the rest as usual.

WordPress falls back to reading an export with regular expressions when it is not
well-formed XML; what that reading gets is what a repaired file gives here:

- a "]]>" inside a CDATA section (older WordPress versions wrote bodies as they were):
  the section goes on to the "]]>" that closes the element, and the stray one is text;
- a bare "&" (a link or attachment URL edited by another tool, "Fish & Chips" in a
  title), or an HTML entity XML does not know ("&nbsp;"): read as written;
- a bare "<" in text ("a < b"): read as written.

Nothing else is repaired: a file cut short, or a tag that does not close, is still refused
by the parser with its line. An entity reference other than XML's five and numeric
characters is read as text, never expanded, whatever the file declares.

`Repairer.feed(chunk)` takes the file a line at a time and returns what to give the
parser instead (never more or fewer line breaks, so the parser's line numbers stay the
file's); `Repairer.repairs` lists each repair as (line, what).
"""

import re

# The damage outside CDATA: a CDATA section or a comment starting (to skip over), a "<"
# that starts no markup, an "&" that starts no XML reference, and a "]]>" in text.
_OUTSIDE = re.compile(
    rb"<!\[CDATA\[|<!--|<(?![A-Za-z_/!?])"
    rb"|&(?!(?:amp|lt|gt|quot|apos|#[0-9]{1,7}|#x[0-9a-fA-F]{1,6});)|\]\]>"
)
# The start tag just before a CDATA section: the element the section belongs to.
_START_TAG_BEFORE = re.compile(rb"<([A-Za-z_][\w:.-]*)(?:\s[^<>]*)?>\s*\Z")
_WHITESPACE = b" \t\r\n"
# The longest token the scan must see whole (`&#x10FFFF;`, `<![CDATA[`): a chunk that
# ends mid-line keeps this much back for the next one.
_LONGEST_TOKEN = 16
_CDATA_END = b"]]>"
_CDATA_START = b"<![CDATA["
# What WordPress writes for a "]]>" inside CDATA: the section ends and another begins.
_SPLIT_CDATA_END = b"]]]]><![CDATA[>"

BARE_AMPERSAND = "an “&” not written as “&amp;”"
BARE_LESS_THAN = "a “<” that starts no tag"
STRAY_CDATA_END = "a “]]>” inside a CDATA section"
TEXT_CDATA_END = "a “]]>” in text"


class Repairer:
    def __init__(self):
        self.repairs = []  # (line, what)
        self._line = 1  # the file's line at the start of what is held back
        self._held = b""  # the end of the last chunk, not yet decided
        self._state = "outside"  # or "cdata" or "comment"
        self._element = b""  # the element the open CDATA section belongs to
        self._tail = b""  # the end of what was read before, to find that element

    def feed(self, chunk):
        """What the parser should read instead of `chunk` (bytes)."""
        return self._repair(self._held + chunk, end_of_file=False)

    def close(self):
        """What is left to give the parser at the end of the file."""
        return self._repair(self._held, end_of_file=True)

    def _repair(self, data, end_of_file):
        whole_lines = end_of_file or data.endswith(b"\n")
        # Everything before `settled` can be decided now; after it a token may be cut.
        settled = len(data) if whole_lines else max(len(data) - _LONGEST_TOKEN, 0)
        out, position = [], 0
        while position < settled:
            if self._state == "outside":
                found = _OUTSIDE.search(data, position)
                if found is None or found.start() >= settled:
                    out.append(data[position:settled])
                    position = settled
                    continue
                start, token = found.start(), found.group()
                out.append(data[position:start])
                position = found.end()
                if token == _CDATA_START:
                    self._state = "cdata"
                    before = data[max(start - 300, 0) : start]
                    if start < 300:
                        before = self._tail + before
                    tag = _START_TAG_BEFORE.search(before)
                    self._element = tag.group(1) if tag else b""
                    out.append(token)
                elif token == b"<!--":
                    self._state = "comment"
                    out.append(token)
                elif token == b"<":
                    self._note(data, start, BARE_LESS_THAN)
                    out.append(b"&lt;")
                elif token == b"&":
                    self._note(data, start, BARE_AMPERSAND)
                    out.append(b"&amp;")
                else:
                    self._note(data, start, TEXT_CDATA_END)
                    out.append(b"]]&gt;")
            elif self._state == "comment":
                end = data.find(b"-->", position)
                if end < 0 or end >= settled:
                    out.append(data[position:settled])
                    position = settled
                    continue
                out.append(data[position : end + 3])
                position = end + 3
                self._state = "outside"
            else:
                end = data.find(_CDATA_END, position)
                if end < 0 or end >= settled:
                    # Keep back a "]" or "]]" that may be the start of the end.
                    stop = settled if whole_lines else max(settled - 2, position)
                    out.append(data[position:stop])
                    position = stop
                    break
                closes = self._closes_section(data, end + 3, end_of_file)
                if closes is None:  # the next line decides
                    out.append(data[position:end])
                    position = end
                    break
                if closes:
                    out.append(data[position : end + 3])
                    self._state = "outside"
                else:
                    self._note(data, end, STRAY_CDATA_END)
                    out.append(data[position:end] + _SPLIT_CDATA_END)
                position = end + 3
        held = data[position:]
        repaired = b"".join(out)
        self._line += data.count(b"\n", 0, position)
        self._held = held
        self._tail = (self._tail + data[:position])[-300:]
        return repaired

    def _closes_section(self, data, after, end_of_file):
        """Whether the "]]>" that ends at `after` closes its CDATA section: it does when
        the element's end tag or another CDATA section follows (WordPress's own way of
        writing a "]]>" in a body). None: what follows is not read yet."""
        at = after
        while at < len(data) and data[at] in _WHITESPACE:
            at += 1
        end_tag = b"</" + self._element
        needed = max(len(end_tag) + 1, len(_CDATA_START))
        if len(data) - at < needed:
            if not end_of_file:
                return None
            if at == len(data):
                return True  # the file ends here: the parser says it is cut short
        if data.startswith(_CDATA_START, at):
            return True
        if not self._element:
            return data.startswith(b"</", at)
        return data.startswith(end_tag, at) and data[at + len(end_tag) : at + len(end_tag) + 1] in (
            b">", b" ", b"\t", b"\r", b"\n",
        )  # fmt: skip

    def _note(self, data, position, what):
        self.repairs.append((self._line + data.count(b"\n", 0, position), what))
