"""Comment markup: plain text with paragraphs and links, a few tags, nothing that runs.

Readers write plain text: blank lines make paragraphs, line breaks are kept, bare addresses
become links; a, em, strong, b, i, blockquote, code, pre, ul, ol and li pass. Every link
gets rel="nofollow ugc noopener" and may only use http, https or mailto."""

import re
from html import unescape

import pytest
from django.test import Client
from django.urls import reverse

from comments.models import Comment
from tests.commenting import (
    comment_body,
    comment_section,
    dangers,
    form_fields,
    outline,
    posted_comment,
    sent_back,
    text,
)

pytestmark = pytest.mark.django_db

REL = 'rel="nofollow ugc noopener"'


@pytest.fixture
def post(make_post, regulars):
    return make_post("Library hours")


@pytest.fixture
def rendered(client, post, write_comment):
    """Post `body` as Ada and return its HTML as shown on the post page."""

    def render(body):
        comment = posted_comment(write_comment(post, body))
        return comment_body(client.get(post.get_absolute_url()), comment)

    return render


def test_blank_lines_make_paragraphs_and_line_breaks_are_kept(rendered):
    html = rendered("Dear editor,\nthe library\ncloses too early.\n\n\nYours, Ada")

    assert html == (
        "<p>Dear editor,<br>\nthe library<br>\ncloses too early.</p>\n<p>Yours, Ada</p>"
    )


def test_line_endings_sent_by_browsers_are_understood(rendered):
    # Browsers send a textarea's line breaks as CR LF.
    assert rendered("One.\r\nTwo.\r\n\r\nThree.") == "<p>One.<br>\nTwo.</p>\n<p>Three.</p>"


def test_bare_urls_become_links(rendered):
    html = rendered("The timetable: https://library.example.org/hours?day=sat")

    assert html == (
        '<p>The timetable: <a href="https://library.example.org/hours?day=sat" '
        f"{REL}>https://library.example.org/hours?day=sat</a></p>"
    )


@pytest.mark.parametrize(
    ("written", "shown"),
    [
        ("<em>really</em>", "<p><em>really</em></p>"),
        ("<strong>now</strong>", "<p><strong>now</strong></p>"),
        ("<b>bold</b>", "<p><b>bold</b></p>"),
        ("<i>aside</i>", "<p><i>aside</i></p>"),
        ("<code>open()</code>", "<p><code>open()</code></p>"),
        ('<a href="https://example.org/">a link</a>',
         f'<p><a href="https://example.org/" {REL}>a link</a></p>'),
        ("<blockquote>Quoted words.</blockquote>",
         "<blockquote><p>Quoted words.</p></blockquote>"),
        ("<pre>x = 1\ny = 2</pre>", "<pre>x = 1\ny = 2</pre>"),
        ("<ul><li>one</li><li>two</li></ul>", "<ul><li>one</li><li>two</li></ul>"),
        ("<ol><li>first</li><li>second</li></ol>", "<ol><li>first</li><li>second</li></ol>"),
    ],
)  # fmt: skip
def test_allowed_tags_pass(rendered, written, shown):
    assert rendered(written) == shown


@pytest.mark.parametrize(
    ("written", "shown"),
    [
        ("<h1>Shouting</h1>", "<p>Shouting</p>"),
        ('<span style="color: red">red</span>', "<p>red</p>"),
        ('<img src="https://example.org/cat.png">Cat', "<p>Cat</p>"),
        ('<p class="x" onclick="go()">para</p>', "<p>para</p>"),
        ('<em title="t" class="c">em</em>', "<p><em>em</em></p>"),
    ],
)
def test_other_tags_and_attributes_are_dropped_keeping_the_words(rendered, written, shown):
    assert rendered(written) == shown


def test_every_link_gets_nofollow_ugc_noopener_whatever_it_said(rendered):
    html = rendered(
        '<a href="https://example.org/" rel="author" target="_blank">mine</a> and www.example.com'
    )

    assert html == (
        f'<p><a href="https://example.org/" {REL}>mine</a> and '
        f'<a href="http://www.example.com" {REL}>www.example.com</a></p>'
    )


@pytest.mark.parametrize(
    "href", ["https://example.org/a", "http://example.org/b", "mailto:ada@example.org"]
)
def test_links_may_use_http_https_and_mailto(rendered, href):
    assert f'<a href="{href}" {REL}>' in rendered(f'<a href="{href}">here</a>')


@pytest.mark.parametrize(
    "href",
    [
        "javascript:alert(1)",
        "JaVaScRiPt:alert(1)",
        " javascript:alert(1)",
        "java&#x09;script:alert(1)",
        "data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==",
        "vbscript:msgbox(1)",
        "ftp://example.org/file",
        "file:///etc/passwd",
    ],
)
def test_links_with_other_schemes_lose_their_address(rendered, href):
    assert rendered(f'<a href="{href}">here</a>') == f"<p><a {REL}>here</a></p>"


def test_a_code_block_keeps_its_blank_lines(rendered):
    code = "def opening_hours():\n    return 9\n\n\nprint(opening_hours())  # https://x.org"

    html = rendered(f"Try this:\n\n<pre>{code}</pre>\n\nIt prints 9.")

    assert html == f"<p>Try this:</p>\n<pre>{code}</pre>\n<p>It prints 9.</p>"


def test_a_quotation_keeps_its_paragraphs(rendered):
    html = rendered("<blockquote>First point.\n\nSecond point.</blockquote>\nMy answer.")

    assert html == (
        "<blockquote><p>First point.</p>\n<p>Second point.</p></blockquote>\n<p>My answer.</p>"
    )


HOSTILE_BODIES = [
    "<script>alert('body')</script>",
    '<img src="x" onerror="alert(1)">',
    '<svg onload="alert(1)"><circle r="5"/></svg>',
    '<a href="javascript:alert(1)">click</a>',
    '<a href="https://example.org/" onmouseover="alert(1)">hover</a>',
    '<b onmouseover="alert(1)">hover</b>',
    '"><script>alert(1)</script>',
    "</div></li></ol><script>alert(1)</script>",
    "<scr<script>ipt>alert(1)</script>",
    '<iframe src="https://evil.example/"></iframe>',
    "<style>body { display: none }</style>",
    '<a href="data:text/html,&lt;script&gt;alert(1)&lt;/script&gt;">data</a>',
    "<pre><script>alert(1)</script></pre>",
]


@pytest.mark.parametrize("hostile", HOSTILE_BODIES)
def test_script_in_a_comment_is_rendered_inert(client, post, write_comment, hostile):
    write_comment(post, f"Marker words. {hostile}")

    section = comment_section(client.get(post.get_absolute_url()))

    assert "Marker words." in section
    assert dangers(section) == []


HOSTILE_NAMES = [
    "<script>alert('name')</script>",
    '" onmouseover="alert(1)',
    "' onfocus='alert(1)' autofocus='",
    '"><img src=x onerror=alert(1)>',
]


@pytest.mark.parametrize("name", HOSTILE_NAMES)
def test_script_in_a_name_is_rendered_inert(client, post, write_comment, name):
    comment = posted_comment(write_comment(post, "Hello.", author_name=name))
    assert comment.status == Comment.Status.APPROVED

    thread = Client().get(post.get_absolute_url())
    reply_form = Client().get(post.get_absolute_url(), {"replytocom": comment.pk})

    for page in (thread, reply_form):
        assert dangers(comment_section(page)) == []
    assert outline(thread) == [f"#1 {name}: Hello."]  # shown as the words typed
    title = re.search(r'<span id="reply-title-text">(.*?)</span>', text(reply_form))[1]
    assert unescape(title) == f"Reply to {name}"


HOSTILE_URLS = [
    'https://example.org/"onmouseover="alert(1)',
    "https://example.org/'><script>alert(1)</script>",
    'https://example.org/"><img src=x onerror=alert(1)>',
    "javascript:alert(1)",
    "JavaScript://example.org/%0Aalert(1)",
    "data:text/html,<script>alert(1)</script>",
]


@pytest.mark.parametrize("url", HOSTILE_URLS)
def test_script_in_a_website_address_is_rendered_inert(client, post, write_comment, url):
    response = write_comment(post, "My site.", author_url=url, follow=True)

    section = comment_section(response)
    assert "My site." in section  # published, or sent back in the form
    assert dangers(section) == []
    saved = Comment.objects.filter(post=post).first()
    if saved:
        assert saved.author_url == url
    else:
        sent_back(response)
        assert form_fields(response)["author_url"] == url


def test_text_sent_back_to_a_closed_post_is_rendered_inert(client, make_post, write_comment):
    post = make_post(comments_open=False)

    response = write_comment(post, "Marker words. </textarea><script>alert(1)</script>")

    assert response.status_code == 403
    section = comment_section(response)
    assert "Marker words." in section
    assert dangers(section) == []


def test_the_page_shows_the_html_made_when_the_comment_was_saved(client, post, write_comment):
    comment = posted_comment(write_comment(post, "Saved *once*, <em>rendered</em> once."))
    # Change the text behind the page's back: reading the page must not render it again.
    Comment.objects.filter(pk=comment.pk).update(body="Something else entirely.")

    html = comment_body(client.get(post.get_absolute_url()), comment)

    assert html == "<p>Saved *once*, <em>rendered</em> once.</p>"


def test_a_comment_edited_in_the_admin_is_rendered_again(client, post, write_comment, moderator):
    comment = posted_comment(write_comment(post, "Teh first version."))
    client.force_login(moderator)

    response = client.post(
        reverse("admin:comments_comment_change", args=[comment.pk]),
        {
            "status": "approved", "body": "The <em>corrected</em> version.",
            "author_name": "Ada", "author_email": "ada@example.org", "author_url": "",
        },
    )  # fmt: skip

    assert response.status_code == 302, text(response)[:3000]
    html = comment_body(Client().get(post.get_absolute_url()), comment)
    assert html == "<p>The <em>corrected</em> version.</p>"
