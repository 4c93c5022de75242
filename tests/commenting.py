"""Writing comments as a reader does, and reading what the post page shows back."""

import re
from html.parser import HTMLParser

from django.urls import reverse

from comments.models import Comment
from tests.screening import valid_token

# Writers who have had a comment approved before (see the `regulars` fixture), and one who
# has not.
ADA = {"author_name": "Ada", "author_email": "ada@example.org"}
BOB = {"author_name": "Bob", "author_email": "bob@example.org"}
CY = {"author_name": "Cy", "author_email": "cy@example.org"}
NEWCOMER = {"author_name": "Nell", "author_email": "nell@example.net"}


def reader_form(post, body, **fields):
    """What the comment form sends after a minute of typing (a form sent faster than a
    person types is screened as a bot's). Ada writes unless told otherwise."""
    data = {
        **ADA,
        "author_url": "",
        "body": body,
        "token": valid_token(post),
        "website_confirm": "",
    }
    data.update(fields)
    return data


def comment_url(post):
    return reverse("comments:post", args=[post.pk])


def posted_comment(response):
    """The comment a successful post redirected to (…/#comment-<id>)."""
    path, _, anchor = response["Location"].partition("#comment-")
    assert anchor, f"not a redirect to a comment: {response['Location']}"
    return Comment.objects.get(pk=int(anchor))


def text(response):
    return response.content.decode()


VOID_TAGS = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "wbr"}


class _Page(HTMLParser):
    """Reads the comment thread and the comment form off a page.

    Assumes what our templates produce: well-formed HTML with closed elements."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.stack = []  # (tag, classes, what its text is collected into)
        self.comments = []
        self.form = {}
        self.in_form = False
        self.textarea = None

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        classes = set((attributes.get("class") or "").split())
        if tag == "form" and attributes.get("id") == "comment-form":
            self.in_form = True
        if self.in_form and tag == "input":
            name, kind = attributes.get("name"), attributes.get("type")
            if kind == "checkbox":
                self.form[name] = "checked" in attributes
            elif name:
                self.form[name] = attributes.get("value") or ""
        if self.in_form and tag == "textarea":
            self.textarea = attributes.get("name")
            self.form[self.textarea] = ""
        if tag in VOID_TAGS:
            return
        into = None
        if tag == "li" and "comment" in classes:
            level = sum(1 for t, c, _ in self.stack if t == "ol" and "children" in c)
            comment = {"level": level, "number": "", "author": "", "body": "", "notes": []}
            self.comments.append(comment)
        elif self.comments:
            comment = self.comments[-1]
            field = {"comment-number": "number", "comment-author": "author",
                     "comment-body": "body", "author-badge": "badge",
                     "held-notice": "held"}  # fmt: skip
            for css_class, key in field.items():
                if css_class in classes:
                    comment.setdefault(key, "")
                    into = (comment, key)
        self.stack.append((tag, classes, into))

    def handle_endtag(self, tag):
        if tag == "form":
            self.in_form = False
        if tag == "textarea" and self.textarea:
            # A browser drops the newline right after <textarea>, as Django's widget writes it.
            self.form[self.textarea] = self.form[self.textarea].removeprefix("\n")
            self.textarea = None
        if tag in VOID_TAGS:
            return
        while self.stack:
            if self.stack.pop()[0] == tag:
                break

    def handle_data(self, data):
        if self.textarea:
            self.form[self.textarea] += data
        for _, _, into in reversed(self.stack):
            if into:
                comment, key = into
                comment[key] += data
                break


def _read(response):
    page = _Page()
    page.feed(response.content.decode())
    page.close()
    return page


def _squash(value):
    return re.sub(r"\s+", " ", value).strip()


def outline(response):
    """The comment thread as a reader sees it, one line per comment, four spaces of indent
    per level of nesting (counted in <ol class="children"> lists):

        #1 Ada: First!
            #2 Bob [Author]: Thanks.
            (awaiting moderation) Nell: Me too.
    """
    lines = []
    for comment in _read(response).comments:
        label = _squash(comment["number"]) or (
            "(awaiting moderation)" if "Your comment is awaiting moderation" in
            comment.get("held", "") else "(no number)"
        )  # fmt: skip
        badge = f" [{_squash(comment['badge'])}]" if "badge" in comment else ""
        author, body = _squash(comment["author"]), _squash(comment["body"])
        lines.append(f"{'    ' * comment['level']}{label} {author}{badge}: {body}")
    return lines


def form_fields(response):
    """The values in the comment form on the page, as a browser would send them back
    (checkboxes as True/False)."""
    return _read(response).form


def comment_html(response, comment):
    """The HTML of one comment on the page, without its replies."""
    page = response.content.decode()
    start = page.index(f'id="li-comment-{comment.pk}"')
    return page[page.rindex("<li", 0, start) : page.index("</article>", start)]


def comment_body(response, comment):
    """The rendered body of one comment, as it is in the page."""
    html = comment_html(response, comment)
    start = html.index('<div class="comment-body">') + len('<div class="comment-body">')
    return html[start : html.index("</div>", start)]


def comment_section(response):
    """The comment section of a post page: the thread and the form."""
    page = response.content.decode()
    start = page.index('<section class="comments"')
    return page[start : page.index("</section>", start)]


SAFE_SCHEMES = {"http", "https", "mailto"}
UNSAFE_ELEMENTS = {
    "script", "style", "iframe", "frame", "object", "embed", "svg", "math", "img", "base",
    "link", "meta",
}  # fmt: skip
URL_ATTRIBUTES = {"href", "src", "action", "formaction", "xlink:href", "background", "poster"}


class _Dangers(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.found = []

    def handle_starttag(self, tag, attrs):
        if tag in UNSAFE_ELEMENTS:
            self.found.append(f"<{tag}>")
        for name, value in attrs:
            if name.startswith("on") or name == "style":
                self.found.append(f"<{tag} {name}=…>")
            # Browsers ignore whitespace and control characters inside a scheme.
            squeezed = re.sub(r"[\x00-\x20]", "", value or "")
            scheme = re.match(r"([a-z][a-z0-9+.-]*):", squeezed, re.I)
            if name in URL_ATTRIBUTES and scheme and scheme[1].lower() not in SAFE_SCHEMES:
                self.found.append(f"<{tag} {name}={value!r}>")


def dangers(html):
    """What in `html` could run script: script-like elements, event-handler and style
    attributes, and URLs with a scheme other than http, https or mailto."""
    parser = _Dangers()
    parser.feed(html)
    parser.close()
    return parser.found


def sent_back(response):
    """The post page a refused comment form was sent back to (write with follow=True):
    reached by a redirect to the form, …#respond, at an address that can be reloaded."""
    assert response.redirect_chain, f"not sent back: {response.status_code}"
    address, status = response.redirect_chain[-1]
    assert status == 302 and address.endswith("#respond"), response.redirect_chain
    assert response.status_code == 200
    return response
