"""Exports as people really have them: damaged in ways WordPress's own importer reads past
(a "]]>" inside CDATA, a bare "&" in a URL) go in, and the output says where; a file cut
short, or one that is not an export at all, is still refused with its line."""

from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from blog.models import Post, SiteIdentity
from comments.models import Comment

pytestmark = pytest.mark.django_db

EXPORT = """<?xml version="1.0" encoding="UTF-8" ?>
<rss version="2.0"
	xmlns:excerpt="http://wordpress.org/export/1.2/excerpt/"
	xmlns:content="http://purl.org/rss/1.0/modules/content/"
	xmlns:dc="http://purl.org/dc/elements/1.1/"
	xmlns:wp="http://wordpress.org/export/1.2/">
<channel>
	<title>Allotment Diaries</title>
	<link>https://plots.example.org</link>
	<wp:wxr_version>1.2</wp:wxr_version>
	<wp:base_site_url>https://plots.example.org</wp:base_site_url>
	<wp:author><wp:author_login><![CDATA[gardener]]></wp:author_login></wp:author>
	<item>
		<title><![CDATA[Slugs versus the lettuces]]></title>
		<link>https://plots.example.org/slugs-versus-the-lettuces/</link>
		<dc:creator><![CDATA[gardener]]></dc:creator>
		<content:encoded><![CDATA[Beer traps work.

The shell script I use to count them ends with a[b[1]]> 0 test.]]></content:encoded>
		<excerpt:encoded><![CDATA[]]></excerpt:encoded>
		<wp:post_id>11</wp:post_id>
		<wp:post_date><![CDATA[2016-05-02 07:00:00]]></wp:post_date>
		<wp:post_date_gmt><![CDATA[2016-05-02 06:00:00]]></wp:post_date_gmt>
		<wp:comment_status><![CDATA[open]]></wp:comment_status>
		<wp:post_name><![CDATA[slugs-versus-the-lettuces]]></wp:post_name>
		<wp:status><![CDATA[publish]]></wp:status>
		<wp:post_type><![CDATA[post]]></wp:post_type>
		<wp:comment>
			<wp:comment_id>501</wp:comment_id>
			<wp:comment_author><![CDATA[Tom]]></wp:comment_author>
			<wp:comment_author_url>https://tom.example.net/?plot=7&amp;row=2</wp:comment_author_url>
			<wp:comment_date_gmt><![CDATA[2016-05-03 10:00:00]]></wp:comment_date_gmt>
			<wp:comment_content><![CDATA[Copper tape, every time.]]></wp:comment_content>
			<wp:comment_approved><![CDATA[1]]></wp:comment_approved>
			<wp:comment_parent>0</wp:comment_parent>
		</wp:comment>
	</item>
	<item>
		<title><![CDATA[Seed swap photos]]></title>
		<link>https://plots.example.org/?p=12&amp;preview=true</link>
		<dc:creator><![CDATA[gardener]]></dc:creator>
		<content:encoded><![CDATA[Forty people came.]]></content:encoded>
		<wp:post_id>12</wp:post_id>
		<wp:post_date_gmt><![CDATA[2016-06-10 12:00:00]]></wp:post_date_gmt>
		<wp:post_name><![CDATA[seed-swap-photos]]></wp:post_name>
		<wp:status><![CDATA[publish]]></wp:status>
		<wp:post_type><![CDATA[post]]></wp:post_type>
	</item>
	<item>
		<title><![CDATA[swap-table.jpg]]></title>
		<wp:post_id>13</wp:post_id>
		<wp:post_parent>12</wp:post_parent>
		<wp:status><![CDATA[inherit]]></wp:status>
		<wp:post_type><![CDATA[attachment]]></wp:post_type>
		<wp:attachment_url>https://plots.example.org/wp-content/uploads/swap-table.jpg?w=640&amp;h=480</wp:attachment_url>
	</item>
</channel>
</rss>
"""
# The same export as today's WordPress writes it: well-formed.
WELL_FORMED = EXPORT.replace("a[b[1]]> 0", "a[b[1]]]]><![CDATA[> 0")
# The body's line as WordPress's importer reads it from the damaged file.
SHELL_LINE = "The shell script I use to count them ends with a[b[1]]> 0 test."


def written(tmp_path, text, name="export.xml"):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def import_wxr(path):
    out = StringIO()
    call_command("import_wxr", str(path), stdout=out)
    return out.getvalue()


def import_refused(path):
    with pytest.raises(CommandError) as refused:
        import_wxr(path)
    return str(refused.value)


def line_of(text, fragment):
    return text[: text.index(fragment)].count("\n") + 1


def test_the_well_formed_export_imports_without_repairs(tmp_path):
    output = import_wxr(written(tmp_path, WELL_FORMED))

    assert "Repaired" not in output
    assert SHELL_LINE.replace(">", "&gt;") in Post.objects.get(wordpress_id=11).body_html


def test_a_cdata_end_inside_a_body_is_read_as_text_as_wordpress_does(tmp_path):
    # Older WordPress versions wrote bodies into CDATA as they were.
    output = import_wxr(written(tmp_path, EXPORT))

    post = Post.objects.get(wordpress_id=11)
    assert SHELL_LINE.replace(">", "&gt;") in post.body_html
    assert "<p>Beer traps work.</p>" in post.body_html
    line = line_of(EXPORT, "a[b[1]]>")
    item_line = line_of(EXPORT, "<item>")
    assert (
        f"Repaired, as WordPress reads it: the item “Slugs versus the lettuces” that starts "
        f"at line {item_line}: a “]]>” inside a CDATA section (line {line})."
    ) in output
    assert "records repaired (damaged but readable): 1" in output
    assert Comment.objects.get(wordpress_id=501).body == "Copper tape, every time."


def test_bare_ampersands_in_urls_are_read_as_written(tmp_path):
    # An export edited by a tool that unescaped its URLs.
    text = EXPORT.replace("&amp;row=2", "&row=2").replace("&amp;preview", "&preview")
    text = text.replace("&amp;h=480", "&h=480")

    output = import_wxr(written(tmp_path, text))

    comment = Comment.objects.get(wordpress_id=501)
    assert comment.author_url == "https://tom.example.net/?plot=7&row=2"
    assert Post.objects.get(wordpress_id=12).title == "Seed swap photos"
    ampersand = "an “&” not written as “&amp;”"
    assert (
        f"the item “Slugs versus the lettuces” that starts at line {line_of(text, '<item>')}: "
        f"a “]]>” inside a CDATA section (line {line_of(text, 'a[b[1]]>')}); "
        f"{ampersand} (line {line_of(text, '&row=2')})."
    ) in output
    seed_swap = line_of(text, "<title><![CDATA[Seed") - 1
    assert (
        f"the item “Seed swap photos” that starts at line {seed_swap}: "
        f"{ampersand} (line {line_of(text, '&preview')})."
    ) in output
    attachment = line_of(text, "<title><![CDATA[swap-table") - 1
    assert (
        f"the item “swap-table.jpg” that starts at line {attachment}: "
        f"{ampersand} (line {line_of(text, '&h=480')})."
    ) in output
    assert "records repaired (damaged but readable): 3" in output


def test_a_bare_ampersand_in_the_blog_title_is_read_as_written(tmp_path):
    text = EXPORT.replace("<title>Allotment Diaries</title>", "<title>Fish & Chips</title>")

    output = import_wxr(written(tmp_path, text))

    assert "the <title> that starts at line 8: an “&” not written as “&amp;” (line 8)" in output
    assert Post.objects.count() == 2
    assert SiteIdentity.objects.get().title == "Fish & Chips"


def test_a_file_cut_short_is_refused_with_its_line(tmp_path):
    cut = EXPORT[: EXPORT.index("Copper tape")]
    path = written(tmp_path, cut)

    message = import_refused(path)

    assert f"not valid XML at line {cut.count(chr(10)) + 1}" in message
    assert "Nothing was imported." in message
    assert not Post.objects.exists() and not Comment.objects.exists()


def test_a_file_cut_short_inside_a_damaged_body_is_refused_too(tmp_path):
    cut = EXPORT[: EXPORT.index("0 test.") + 3]
    path = written(tmp_path, cut)

    message = import_refused(path)

    assert f"not valid XML at line {cut.count(chr(10)) + 1}" in message
    assert not Post.objects.exists()


def test_a_web_page_is_refused_as_not_an_export_with_its_line(tmp_path):
    page = (
        "<!DOCTYPE html>\n<html lang='en'>\n<head><meta charset='utf-8'><title>Plots &amp; "
        "beds</title></head>\n<body><p>Saved from the browser&nbsp;&mdash; not an export."
        "<br></p></body>\n</html>\n"
    )
    path = written(tmp_path, page, "export.html")

    message = import_refused(path)

    assert "This is not a WordPress export: the document is <html>, not <rss> (line 2)." in message
    assert not Post.objects.exists()


def test_a_one_line_web_page_is_refused_as_not_an_export(tmp_path):
    page = "<html><head><meta charset=utf-8><title>x</title></head><body><br></body></html>"

    message = import_refused(written(tmp_path, page, "export.html"))

    assert "the document is <html>, not <rss> (line 1)" in message


def test_entities_a_file_declares_are_never_expanded(tmp_path):
    # A billion laughs and an external entity (XXE): both stay unexpanded text.
    secret = tmp_path / "secret.txt"
    secret.write_text("the server's secret")
    declarations = (
        '<!DOCTYPE rss [\n<!ENTITY lol "lol">\n'
        '<!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">\n'
        '<!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">\n'
        f'<!ENTITY xxe SYSTEM "file://{secret}">\n]>\n'
    )
    text = WELL_FORMED.replace("<rss ", declarations + "<rss ", 1)
    text = text.replace(
        "<title><![CDATA[Seed swap photos]]></title>", "<title>Seed &lol3; swap &xxe;</title>"
    )

    import_wxr(written(tmp_path, text))

    title = Post.objects.get(wordpress_id=12).title
    assert "secret" not in title and "lollol" not in title
    assert title == "Seed &lol3; swap &xxe;"
