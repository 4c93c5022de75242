"""An import refuses, with the item and the line, what it would otherwise take silently:
elements nested past any WordPress export, a text field holding elements, a field too big."""

from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from blog.models import Post
from blog.wxr.reader import MAX_DEPTH, MAX_FIELD_CHARS
from comments.models import Comment
from tests.wxr_files import OLD_BLOG

pytestmark = pytest.mark.django_db

BODY = '<content:encoded><![CDATA[The council says the pothole on Mill Lane is "scheduled".'


def export_with(tmp_path, old, new):
    text = OLD_BLOG.read_text()
    assert old in text
    text = text.replace(old, new, 1)
    path = tmp_path / "export.xml"
    path.write_text(text)
    return path, text


def line_of(text, fragment):
    return text[: text.index(fragment)].count("\n") + 1


def import_refused(path):
    with pytest.raises(CommandError) as refused:
        call_command("import_wxr", str(path), stdout=StringIO())
    return str(refused.value)


def test_two_hundred_thousand_nested_elements_are_refused_with_the_item_and_line(tmp_path):
    nested = "<b>" * 200_000 + "deep" + "</b>" * 200_000
    path, text = export_with(tmp_path, BODY, f"<content:encoded>{nested}\n<![CDATA[")

    message = import_refused(path)

    assert f"The item “The pothole on Mill Lane” that starts at line {line_of(text, '<item>')}" \
        in message
    assert f"at line {line_of(text, nested)}, elements are nested more than {MAX_DEPTH}" in message
    assert "Nothing was imported." in message
    assert not Post.objects.exists() and not Comment.objects.exists()


def test_a_body_of_elements_instead_of_text_is_refused(tmp_path):
    path, text = export_with(tmp_path, BODY, "<content:encoded><p>Hello</p>\n<![CDATA[")

    message = import_refused(path)

    item_line = line_of(text, "<item>")
    assert f"The item “The pothole on Mill Lane” that starts at line {item_line}" in message
    assert "<content:encoded>, which ends at line" in message
    assert "holds XML elements where WordPress writes text" in message
    assert not Post.objects.exists()


def test_a_comment_field_holding_elements_is_refused(tmp_path):
    path, _ = export_with(
        tmp_path,
        "<wp:comment_author><![CDATA[Priya N.]]></wp:comment_author>",
        "<wp:comment_author><i>Priya</i></wp:comment_author>",
    )

    message = import_refused(path)

    assert "<wp:comment_author>, which ends at line" in message
    assert not Comment.objects.exists()


def test_a_field_longer_than_the_limit_is_refused(tmp_path):
    path, _ = export_with(tmp_path, BODY, BODY + "x" * (MAX_FIELD_CHARS + 1))

    message = import_refused(path)

    assert "<content:encoded>, which ends at line" in message
    assert f"one field may hold at most {MAX_FIELD_CHARS:,}" in message
    assert not Post.objects.exists()


def test_a_real_export_is_within_every_limit():
    call_command("import_wxr", str(OLD_BLOG), stdout=StringIO())

    assert Post.objects.count() == 8
