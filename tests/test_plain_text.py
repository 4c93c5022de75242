"""Plain text taken from HTML (excerpts, word counts, search snippets, imported titles) is
what a browser would show, whatever the HTML: "<![" once crashed an import and the admin."""

from io import StringIO

import pytest
from django.core.management import call_command
from django.urls import reverse
from hypothesis import given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from blog.html import plain_text
from blog.models import Post
from tests.test_admin_posts import add_form_data
from tests.wxr_files import OLD_BLOG

pytestmark = pytest.mark.django_db

MARKED_SECTIONS = [
    "<![x]> The vote is on <b>Tuesday</b>.",
    "<![ ]> The vote is on <b>Tuesday</b>.",
    "<![CDATA[The vote]]> is on <b>Tuesday</b>.",
    "<![if !supportLists]>1.<![endif]> The vote is on <b>Tuesday</b>.",
]


@pytest.mark.parametrize("excerpt", MARKED_SECTIONS)
def test_an_excerpt_starting_with_a_marked_section_saves_in_the_admin(client, editor, excerpt):
    client.force_login(editor)

    response = client.post(reverse("admin:blog_post_add"), add_form_data(editor, excerpt=excerpt))

    assert response.status_code == 302
    post = Post.objects.get(slug="written-in-the-admin")
    assert "is on Tuesday." in post.summary
    assert "<![" not in client.get("/").content.decode().split("<main", 1)[1]


def test_an_import_with_marked_sections_in_titles_and_excerpts_goes_in(tmp_path):
    text = OLD_BLOG.read_text()
    text = text.replace("<![CDATA[The pothole on Mill Lane]]>",
                        "<![CDATA[<![x]>The pothole <i>on</i> Mill Lane]]>")
    text = text.replace('<![CDATA[The pothole has been "scheduled" since October.]]>',
                        "<![CDATA[<![ ]>Scheduled <b>since</b> October.]]>")  # fmt: skip
    export = tmp_path / "marked.xml"
    export.write_text(text)

    call_command("import_wxr", str(export), stdout=StringIO())

    post = Post.objects.get(wordpress_id=101)
    assert post.title == "The pothole on Mill Lane"
    assert post.excerpt == "Scheduled since October."
    assert post.summary == "Scheduled since October."


def test_plain_text_is_what_a_browser_shows():
    assert plain_text("<p>Fish &amp; chips&rsquo;</p><script>alert(1)</script>") == "Fish & chips’"
    assert plain_text("<![CDATA[x]]>Vote<!-- note --> <b>now</b>") == "Vote now"
    assert plain_text("&amp;lt;b&amp;gt;") == "&lt;b&gt;"


@hypothesis_settings(max_examples=300)
@given(st.lists(st.sampled_from(["<", "!", "[", "]", ">", "-", "/", "&", "#", ";", "a", "p",
                                 "x", " ", "CDATA", "if", "script", "=", '"', "'", "?"]),
                max_size=40).map("".join))  # fmt: skip
def test_plain_text_takes_any_markup_without_failing(html):
    assert isinstance(plain_text(html), str)
