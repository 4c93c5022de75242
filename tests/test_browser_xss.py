"""A corpus of XSS payloads (tests/data/xss_payloads.txt) sent in through every door text
comes in by, then read back in headless Chromium: no alert, confirm or prompt is called, and
no page holds a script link or an event-handler attribute.

The doors: (a) the comment form (name, website and text, sent through the real view, then
approved so every reader sees them); (b) an author's Markdown (title, body, excerpt and
description of posts saved through the model, as the admin saves them); (c) a WordPress
export imported with `import_wxr` (titles, bodies, excerpts, comment names, websites and
texts). The pages read back: the post pages, the home page, the archives, search results
and the post and comment feeds, the feeds shown as HTML the way a feed reader shows them
(with no Content-Security-Policy to help).

The payloads are our own, written after the kinds of attack described in:
- the OWASP Cross Site Scripting Prevention and XSS Filter Evasion cheat sheets
  (https://cheatsheetseries.owasp.org/): script schemes hidden by case, entities,
  whitespace and control characters; event handlers on every kind of element; attribute,
  style and tag breakouts; character-set tricks;
- PortSwigger's Cross-site scripting cheat sheet
  (https://portswigger.net/web-security/cross-site-scripting/cheat-sheet): handlers that
  fire with no user action (autofocus, ontoggle, onbegin, onpageshow), SVG and MathML
  vectors, polyglots;
- the HTML5 Security Cheatsheet (https://html5sec.org/) and Heiderich et al., "mXSS
  Attacks" (CCS 2013): markup a sanitizer and a browser parse differently (noscript,
  foreign content, comments, CDATA), srcdoc, base and meta refresh;
- the Markdown and WordPress formats themselves: link and image syntax with script
  schemes, reference links, titles that close their attribute, shortcodes.

Every browser page gets hooks on alert/confirm/prompt before any of its code runs; the mouse
crosses the page and the keyboard tabs through it, for payloads that wait for a reader.
"""

import html
import re
from pathlib import Path
from xml.etree import ElementTree

import pytest
from django.core.management import call_command
from django.urls import reverse

from blog.models import Post
from comments.models import Comment
from tests.browser import BROWSER_TEST_MARKS
from tests.commenting import comment_url, reader_form

pytestmark = BROWSER_TEST_MARKS

CORPUS = Path(__file__).parent / "data" / "xss_payloads.txt"
SPECIAL = {"{TAB}": "\t", "{LF}": "\n", "{CR}": "\r", "{FF}": "\f", "{NUL}": "\0"}


def load_payloads():
    payloads = []
    for line in CORPUS.read_text(encoding="utf-8").splitlines():
        if not line.strip() or line.startswith("# "):
            continue
        for written, character in SPECIAL.items():
            line = line.replace(written, character)
        payloads.append(line)
    return payloads


PAYLOADS = load_payloads()

# Recorded in every frame before the page's own code runs.
HOOK_DIALOGS = """
window.__scriptRan = [];
for (const name of ["alert", "confirm", "prompt", "print"]) {
  window[name] = (...args) => { window.__scriptRan.push(`${name}(${args.join(",")})`); };
}
"""

# What could run script in the document: event-handler attributes, script schemes in any
# attribute that takes a URL, srcdoc, meta refreshes, and script elements not our own.
SCAN_DOM = r"""
() => {
  const urlAttributes = new Set([
    "href", "xlink:href", "src", "srcset", "action", "formaction", "background", "poster",
    "data", "cite", "codebase", "dynsrc", "lowsrc", "ping", "longdesc", "usemap", "manifest",
    "icon", "classid", "archive", "to", "values", "from", "by",
  ]);
  const scriptScheme = /^(javascript|data|vbscript):/i;
  const found = [];
  for (const element of document.querySelectorAll("*")) {
    const tag = element.tagName.toLowerCase();
    for (const name of element.getAttributeNames()) {
      const value = element.getAttribute(name);
      const lower = name.toLowerCase();
      const squeezed = value.replace(/[\x00-\x20]/g, "");
      if (lower.startsWith("on")) found.push(`<${tag} ${name}=${value}>`);
      else if (lower === "srcdoc") found.push(`<${tag} srcdoc>`);
      else if (urlAttributes.has(lower) &&
               squeezed.split(/[;,]/).some((part) => scriptScheme.test(part)))
        found.push(`<${tag} ${name}=${value}>`);
    }
    if (tag === "meta" && /refresh/i.test(element.getAttribute("http-equiv") || ""))
      found.push(`<meta refresh ${element.getAttribute("content")}>`);
    if (tag === "script") {
      const ours = (element.getAttribute("src") || "").startsWith("/static/")
        || element.getAttribute("type") === "application/ld+json";
      if (!ours) found.push(`<script>${element.textContent.slice(0, 60)}`);
    }
    if (["iframe", "object", "embed", "base", "frame", "frameset"].includes(tag))
      found.push(`<${tag}>`);
  }
  return found;
}
"""


class Reader:
    """One browser page that reads addresses and remembers what could have run script."""

    def __init__(self, page, base_url):
        self.page, self.base_url = page, base_url
        self.ran, self.dangers, self.pages = [], [], 0
        page.add_init_script(HOOK_DIALOGS)
        # A dialog that got past the hooks (a frame they missed) is recorded and closed.
        page.on("dialog", lambda dialog: (self.ran.append(f"dialog {dialog.message}"),
                                          dialog.dismiss()))  # fmt: skip

    def read(self, address):
        self.page.goto(address)
        self._look(address)

    def read_html(self, address, document, headers=None):
        """Show `document` as if the server had sent it at `address` (for pages a test
        client fetched: a refused form, a feed laid out as a feed reader lays it out)."""
        url = self.base_url + address

        def fulfil(route):
            route.fulfill(status=200, headers=headers or {}, content_type="text/html",
                          body=document)  # fmt: skip

        self.page.route(url, fulfil)
        self.page.goto(url)
        self.page.unroute(url)
        self._look(address)

    def _look(self, address):
        page = self.page
        page.wait_for_load_state("load")
        # Handlers that need a reader: hover everywhere, focus what takes focus.
        for x, y in ((5, 5), (400, 300), (800, 600)):
            page.mouse.move(x, y)
        for _ in range(3):
            page.keyboard.press("Tab")
        page.wait_for_timeout(100)  # error events of broken images and media, animations
        for frame in page.frames:
            calls = frame.evaluate("window.__scriptRan || []")
            self.ran += [f"{address}: {call}" for call in calls]
            self.dangers += [f"{address}: {danger}" for danger in frame.evaluate(SCAN_DOM)]
        self.pages += 1

    def assert_nothing_ran(self):
        assert self.pages
        assert self.ran == []
        assert self.dangers == []


@pytest.fixture
def reader_page(open_page, live_server):
    return lambda: Reader(open_page(), live_server.url)


@pytest.fixture
def everything_on_one_page(settings):
    """Every payload of a channel on a handful of pages: long pages, not many of them."""
    settings.BROADSHEET_POSTS_PER_PAGE = 1000
    settings.BROADSHEET_COMMENTS_PER_PAGE = 1000
    settings.BROADSHEET_FEED_LENGTH = 1000
    settings.BROADSHEET_PAGE_CACHE_SECONDS = 0
    settings.BROADSHEET_SCREENING_FLOOD_PER_MINUTE = 0


@pytest.fixture
def report(capsys):
    def say(channel, counts):
        with capsys.disabled():
            figures = ", ".join(f"{count} {what}" for what, count in counts.items())
            print(f"\nXSS corpus, {channel}: {figures}")

    return say


def chunks(items, size):
    return [items[i : i + size] for i in range(0, len(items), size)]


def feed_as_html(xml, expect_entries=True):
    """An RSS or Atom feed laid out as a feed reader shows it: titles and names as text,
    links as links, the entries' HTML as HTML."""
    atom = "{http://www.w3.org/2005/Atom}"
    root = ElementTree.fromstring(xml)
    parts = []
    for entry in root.iter("item"):
        parts.append(_entry(entry.findtext("title"), entry.findtext("link"), "", "",
                            entry.findtext("description")))  # fmt: skip
    for entry in root.iter(f"{atom}entry"):
        link = entry.find(f"{atom}link")
        parts.append(_entry(
            entry.findtext(f"{atom}title"), link.get("href") if link is not None else "",
            entry.findtext(f"{atom}author/{atom}name") or "",
            entry.findtext(f"{atom}author/{atom}uri") or "",
            entry.findtext(f"{atom}summary") or entry.findtext(f"{atom}content"),
        ))  # fmt: skip
    assert parts or not expect_entries, "an empty feed"
    return "<!DOCTYPE html><title>Feed</title>" + "".join(parts)


def _entry(title, link, author, author_url, content):
    esc = html.escape
    return (f'<article><h2><a href="{esc(link or "")}">{esc(title or "")}</a></h2>'
            f'<p><a href="{esc(author_url)}">{esc(author)}</a></p>{content or ""}</article>')


def read_posts(reader, posts, client):
    """Every post's page, the home page, the archives, search results and the feeds."""
    for post in posts:
        reader.read(post.get_absolute_url())
    for address in ("/", "/archives/", "/search/?q=alert"):
        reader.read(address)
    has_comments = Comment.objects.approved().exists()
    for feed in ("blog:feed", "blog:atom_feed", "comments:feed", "comments:atom_feed"):
        address = reverse(feed)
        expect = has_comments or feed.startswith("blog:")
        reader.read_html(address, feed_as_html(client.get(address).content, expect))


def form_errors(response):
    form = response.context and response.context.get("form")
    return form.errors if form is not None else {}


def send_comment(client, post, payload, fields):
    """The answer to the comment form: a redirect to the comment, or the page the form was
    sent back to (opened, as a browser follows the redirect to #respond)."""
    response = client.post(comment_url(post), reader_form(post, payload, **fields))
    if response.status_code == 302 and response["Location"].endswith("#respond"):
        return client.get(response["Location"])
    return response


def test_comment_form(reader_page, client, make_post, everything_on_one_page, report):
    posts = [make_post(f"Open thread {n}") for n in range(1, 4)]
    counts = {"payloads": len(PAYLOADS), "comments stored": 0, "websites refused": 0,
              "comments refused": 0}  # fmt: skip
    refused_forms = []
    for n, payload in enumerate(PAYLOADS):
        post = posts[n % len(posts)]
        fields = {"author_name": payload[:100], "author_email": f"reader{n}@example.net",
                  "author_url": payload[:200]}  # fmt: skip
        response = send_comment(client, post, payload, fields)
        if "author_url" in form_errors(response):  # the form again: not a web address
            refused_forms.append((f"/refused-{n}/", response))
            counts["websites refused"] += 1
            fields["author_url"] = ""
            response = send_comment(client, post, payload, fields)
        if response.status_code == 302:
            counts["comments stored"] += 1
        else:
            counts["comments refused"] += 1
            refused_forms.append((f"/refused-again-{n}/", response))
    Comment.objects.filter(post__in=posts).moderate(Comment.Status.APPROVED)
    counts["comments approved"] = Comment.objects.approved().filter(post__in=posts).count()
    report("comment form (name, website, text)", counts)
    assert counts["comments approved"] == counts["comments stored"] >= 200

    reader = reader_page()
    for post in posts:
        reader.read(post.get_absolute_url())
    reader.read("/")
    for feed in ("comments:feed", "comments:atom_feed"):
        address = reverse(feed)
        reader.read_html(address, feed_as_html(client.get(address).content))
    # The form given back with the reader's text in it, as the blog showed it.
    for address, response in refused_forms[:: max(1, len(refused_forms) // 40)]:
        reader.read_html(address, response.content, headers=dict(response.headers))
    report("comment form, pages read", {"pages": reader.pages})
    reader.assert_nothing_ran()


def test_authors_markdown(reader_page, client, make_post, everything_on_one_page, report):
    # Every payload as a whole title, excerpt and description, and in bodies 20 at a time.
    titled = [
        make_post(payload.strip()[:300] or "Blank", body=f"Titled {n}.", excerpt=payload,
                  meta_description=payload[:300])  # fmt: skip
        for n, payload in enumerate(PAYLOADS)
    ]
    bodies = [
        make_post(f"Payloads, part {n}", body="\n\n".join(part), excerpt="\n\n".join(part))
        for n, part in enumerate(chunks(PAYLOADS, 20), start=1)
    ]
    report("Markdown", {"payloads": len(PAYLOADS), "posts titled with one": len(titled),
                        "posts holding them in body and excerpt": len(bodies)})  # fmt: skip

    reader = reader_page()
    read_posts(reader, bodies + titled[::7], client)
    report("Markdown, pages read", {"pages": reader.pages})
    reader.assert_nothing_ran()


def cdata(text):
    return "<![CDATA[" + text.replace("]]>", "]]]]><![CDATA[>") + "]]>"


# Characters XML 1.0 cannot hold: a WordPress export never has them.
NOT_IN_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f]")


def write_export(path, payloads):
    items = []
    for n, payload in enumerate(payloads, start=1):
        items.append(_item(n, title=payload, body=f"Imported post {n}.", excerpt=payload))
    comment_id = 0
    for n, part in enumerate(chunks(payloads, 20), start=len(payloads) + 1):
        comments = []
        for payload in part:
            comment_id += 1
            comments.append(
                f"<wp:comment><wp:comment_id>{comment_id}</wp:comment_id>"
                f"<wp:comment_author>{cdata(payload)}</wp:comment_author>"
                f"<wp:comment_author_email>r{comment_id}@example.net</wp:comment_author_email>"
                f"<wp:comment_author_url>{html.escape(payload)}</wp:comment_author_url>"
                "<wp:comment_author_IP>192.0.2.1</wp:comment_author_IP>"
                "<wp:comment_date_gmt>2020-05-01 10:00:00</wp:comment_date_gmt>"
                f"<wp:comment_content>{cdata(payload)}</wp:comment_content>"
                "<wp:comment_approved>1</wp:comment_approved><wp:comment_type>comment"
                "</wp:comment_type><wp:comment_parent>0</wp:comment_parent></wp:comment>"
            )
        items.append(_item(n, title=f"Imported payloads, part {n}", body="\n\n".join(part),
                           excerpt="\n\n".join(part), comments="".join(comments)))  # fmt: skip
    path.write_text(
        '<?xml version="1.0" encoding="UTF-8" ?>\n<rss version="2.0"'
        ' xmlns:excerpt="http://wordpress.org/export/1.2/excerpt/"'
        ' xmlns:content="http://purl.org/rss/1.0/modules/content/"'
        ' xmlns:dc="http://purl.org/dc/elements/1.1/"'
        ' xmlns:wp="http://wordpress.org/export/1.2/"><channel><title>Old blog</title>'
        "<link>https://old.example.org</link><wp:wxr_version>1.2</wp:wxr_version>"
        "<wp:base_site_url>https://old.example.org</wp:base_site_url>"
        "<wp:author><wp:author_login>writer</wp:author_login>"
        "<wp:author_email>writer@example.org</wp:author_email></wp:author>"
        + "".join(items) + "</channel></rss>\n",
        encoding="utf-8",
    )  # fmt: skip


def _item(n, title, body, excerpt, comments=""):
    return (
        f"<item><title>{html.escape(title)}</title>"
        f"<link>https://old.example.org/?p={n}</link><dc:creator>writer</dc:creator>"
        f"<content:encoded>{cdata(body)}</content:encoded>"
        f"<excerpt:encoded>{cdata(excerpt)}</excerpt:encoded>"
        f"<wp:post_id>{n}</wp:post_id><wp:post_date_gmt>2020-05-01 09:00:00</wp:post_date_gmt>"
        f"<wp:comment_status>open</wp:comment_status><wp:post_name>imported-{n}</wp:post_name>"
        f"<wp:status>publish</wp:status><wp:post_type>post</wp:post_type>{comments}</item>"
    )


def test_wordpress_import(reader_page, client, author, tmp_path, everything_on_one_page,
                          report):  # fmt: skip
    payloads = [p for p in PAYLOADS if not NOT_IN_XML.search(p)]
    export = tmp_path / "export.xml"
    write_export(export, payloads)
    call_command("import_wxr", str(export), "--map-author", "writer=writer", verbosity=0)

    imported = Post.objects.filter(wordpress_id__isnull=False)
    comments = Comment.objects.approved().filter(post__in=imported)
    report("WordPress import", {
        "payloads": len(payloads), "left out (characters XML cannot hold)":
        len(PAYLOADS) - len(payloads), "posts": imported.count(),
        "comments": comments.count(),
        "comment websites kept": comments.exclude(author_url="").count(),
    })  # fmt: skip
    assert imported.count() == len(payloads) + len(chunks(payloads, 20))
    assert comments.count() == len(payloads)

    reader = reader_page()
    with_comments = list(imported.filter(wordpress_id__gt=len(payloads)))
    titled = list(imported.filter(wordpress_id__lte=len(payloads)).order_by("wordpress_id"))
    read_posts(reader, with_comments + titled[::7], client)
    report("WordPress import, pages read", {"pages": reader.pages})
    reader.assert_nothing_ran()
