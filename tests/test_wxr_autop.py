"""WordPress's paragraph rules, as the importer applies them to stored post bodies."""

import pytest

from blog.html import render_markdown, sanitize
from blog.wxr.autop import autop, protect_line_breaks
from blog.wxr.importer import markdown_safe
from blog.wxr.shortcodes import render_captions


def test_blank_lines_make_paragraphs():
    assert autop("One.\n\nTwo.") == "<p>One.</p>\n<p>Two.</p>\n"


def test_a_single_line_break_is_a_br():
    assert autop("Line one\nline two") == "<p>Line one<br />\nline two</p>\n"


def test_block_elements_are_not_wrapped_and_get_no_br():
    html = autop("Intro\n<ul>\n<li>one</li>\n<li>two</li>\n</ul>\nAfter")

    assert html == "<p>Intro</p>\n<ul>\n<li>one</li>\n<li>two</li>\n</ul>\n<p>After</p>\n"


def test_pre_is_kept_byte_for_byte():
    code = "<pre>x = 1\n\n    y = 2\n</pre>"

    assert code in autop("Before\n" + code + "\nAfter")
    assert "<br" not in autop(code)


def test_line_breaks_inside_a_tag_are_not_text_line_breaks():
    assert autop('A <a\nhref="/x">link</a>.') == '<p>A <a\nhref="/x">link</a>.</p>\n'


def test_a_quote_gets_its_paragraph_inside():
    assert (
        autop("<blockquote>Said so.</blockquote>") == "<blockquote><p>Said so.</p></blockquote>\n"
    )


def test_two_brs_are_a_paragraph_break():
    assert autop("one<br /><br />two") == "<p>one</p>\n<p>two</p>\n"


def test_empty_body_stays_empty():
    assert autop(" \n\n ") == ""


def test_captions_become_figures_and_other_shortcodes_stay_visible():
    html = render_captions(
        autop('[caption id="a1" width="300"]<img src="/a.jpg" alt="A" /> The caption[/caption]'
              '\n\n[gallery ids="1,2"]')
    )  # fmt: skip

    assert (
        '<figure><img src="/a.jpg" alt="A" /><figcaption>The caption</figcaption></figure>' in html
    )
    assert '<p>[gallery ids="1,2"]</p>' in html


WORDPRESS_BODIES = [
    "    An indented first line.\n    And an indented second.",
    "1. Not a list\n# Not a heading\n* not * emphasis _nor_ this [nor](http://a.example) `this`",
    "A table:\n<table><tr><td>1</td><td>2</td></tr></table>\nAfter.",
    "<h2>Heading</h2>\nText straight after, with a < b & c > d.",
    "<div>Inside a div\n\nand a second paragraph</div>",
    "<pre>\n  indented code\n\n*stars*\n</pre>",
]


@pytest.mark.parametrize("body", WORDPRESS_BODIES)
def test_a_stored_import_renders_exactly_as_its_html(db, body):
    html = autop(body)

    stored = markdown_safe(html)

    assert " ".join(render_markdown(stored).split()) == " ".join(sanitize(html).split())


def test_our_html_survives_wordpress_autop_unchanged(db):
    html = render_markdown("Soft\nbreak *here*.\n\n- a\n- b\n\n```\ncode\n\nmore\n```")

    exported = protect_line_breaks(html)

    assert autop(exported) == exported + "\n"
    assert "<br" not in exported
    assert "<pre><code>code\n\nmore\n</code></pre>" in exported
