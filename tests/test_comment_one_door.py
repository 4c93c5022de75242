"""One door for every comment: the form, an import and the demo create comments through
`Comment.objects.create_from`, with one cleaning; and the page links a commenter's name only
to an http(s) address, whatever is stored."""

from io import StringIO

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.urls import reverse

from blog.models import LegacyRedirect, Post
from comments.models import Comment
from tests.commenting import comment_html, dangers, posted_comment, sent_back, text
from tests.wxr_files import OLD_BLOG

pytestmark = pytest.mark.django_db

PRIYA_URL = "<wp:comment_author_url>https://priya.example.net/</wp:comment_author_url>"
HOSTILE_URLS = [
    "javascript:alert(document.cookie)",
    "JaVaScRiPt:alert(1)",
    " javascript:alert(1)",
    "data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==",
    "vbscript:msgbox(1)",
    "ftp://files.example.net/",
    "https://exa mple.net/",
]


def import_with(tmp_path, *replacements):
    text_ = OLD_BLOG.read_text()
    for old, new in replacements:
        assert old in text_
        text_ = text_.replace(old, new)
    export = tmp_path / "export.xml"
    export.write_text(text_)
    out = StringIO()
    call_command("import_wxr", str(export), stdout=out)
    return out.getvalue()


@pytest.mark.parametrize("url", HOSTILE_URLS)
def test_an_imported_website_that_is_not_http_is_dropped_and_never_linked(client, tmp_path, url):
    output = import_with(tmp_path, (PRIYA_URL, f"<wp:comment_author_url><![CDATA[{url}]]>"
                                                "</wp:comment_author_url>"))  # fmt: skip

    priya = Comment.objects.get(wordpress_id=1001)
    page = client.get(priya.post.get_absolute_url())
    assert priya.author_url == ""
    assert dangers(comment_html(page, priya)) == []
    assert '<span class="comment-author">Priya N.</span>' in comment_html(page, priya)
    assert "comment websites dropped (not an http or https address): 1" in output


def test_an_imported_email_that_is_not_an_address_is_dropped(tmp_path):
    import_with(tmp_path, ("<![CDATA[priya@example.net]]></wp:comment_author_email>\n"
                           "\t\t\t<wp:comment_author_url>https://priya",
                           "<![CDATA[priya@example.net\"><script>]]></wp:comment_author_email>\n"
                           "\t\t\t<wp:comment_author_url>https://priya"))  # fmt: skip

    assert Comment.objects.get(wordpress_id=1001).author_email == ""


def test_an_imported_http_website_is_kept_and_linked(client, tmp_path):
    import_with(tmp_path)

    priya = Comment.objects.get(wordpress_id=1001)
    page = client.get(priya.post.get_absolute_url())
    assert '<a href="https://priya.example.net/" rel="nofollow ugc noopener">Priya N.</a>' in (
        comment_html(page, priya)
    )


@pytest.mark.parametrize("stored", HOSTILE_URLS)
def test_a_stored_website_that_is_not_http_is_never_a_link(client, make_post, stored):
    """Defence in depth: rows written before the rule, or by hand, are shown safely too."""
    post = make_post()
    comment = Comment.objects.create_from(
        post=post, body="Hello.", author_name="Mallory", status=Comment.Status.APPROVED
    )
    comment.author_url = stored  # past the door, as a shell or an old row might
    comment.save()

    page = client.get(post.get_absolute_url())
    feed = client.get(reverse("comments:feed"))

    assert dangers(comment_html(page, comment)) == []
    assert '<span class="comment-author">Mallory</span>' in comment_html(page, comment)
    assert stored.strip() not in text(feed)


@pytest.mark.parametrize("url", ["javascript:alert(1)", "ftp://files.example.net/", "data:,x"])
def test_the_form_refuses_a_website_that_is_not_http_and_keeps_the_text(
    make_post, write_comment, url
):
    post = make_post()

    response = write_comment(post, "My considered view.", author_url=url, follow=True)

    sent_back(response)
    assert "That does not look like a web address (try https://…)." in text(response)
    assert "My considered view." in text(response)
    assert not Comment.objects.exists()


def test_a_website_without_a_scheme_is_taken_as_https(make_post, write_comment, regulars):
    post = make_post()

    comment = posted_comment(write_comment(post, "Hello.", author_url="example.net/me"))

    assert comment.author_url == "https://example.net/me"


def test_names_and_browser_names_lose_control_characters(make_post, write_comment, regulars):
    post = make_post()

    response = write_comment(
        post, "Hello\x07 there.", author_name="Ada\u202e\x1b[31m",
        meta={"HTTP_USER_AGENT": "Agent\x00/1.0"},
    )  # fmt: skip

    comment = posted_comment(response)
    assert comment.author_name == "Ada[31m"
    assert comment.body == "Hello there."
    assert comment.user_agent == "Agent/1.0"


def test_a_reply_to_a_comment_on_another_post_is_refused_at_the_door(make_post):
    first, second = make_post(), make_post()
    there = Comment.objects.create_from(post=first, body="There.")

    with pytest.raises(ValidationError):
        Comment.objects.create_from(post=second, body="Here.", parent=there)
    with pytest.raises(ValidationError):
        Comment.objects.create_from(post=second, body=" \x00 ")
    assert Comment.objects.count() == 1


def test_the_admin_corrects_comments_but_does_not_write_them(client, editor, make_post):
    post = make_post()
    comment = Comment.objects.create_from(post=post, body="Hi.", author_name="Ada",
                                          status=Comment.Status.APPROVED)  # fmt: skip
    client.force_login(editor)
    change = reverse("admin:comments_comment_change", args=[comment.pk])

    refused = client.post(change, {
        "status": "approved", "body": "Hi.", "author_name": "Ada", "author_email": "",
        "author_url": "ftp://files.example.net/",  # URLField takes it; the comment does not
    })  # fmt: skip

    assert client.get(reverse("admin:comments_comment_add")).status_code == 403
    assert refused.status_code == 200  # the form again, with the error
    assert "Enter a valid URL." in text(refused)
    comment.refresh_from_db()
    assert comment.author_url == ""


def test_the_demo_comments_come_through_the_same_door():
    call_command("demo", stdout=StringIO())

    comments = Comment.objects.all()
    assert comments.count() > 5
    assert all(comment.body_html and comment.depth == (comment.parent.depth + 1
               if comment.parent else 0) for comment in comments)  # fmt: skip


# --- Other imported values that land in an attribute -------------------------------------


def test_an_imported_slug_with_a_line_break_is_made_plain(client, tmp_path):
    output = import_with(tmp_path, (
        "<wp:post_name><![CDATA[the-pothole-on-mill-lane]]>",
        "<wp:post_name><![CDATA[the-pothole-on-mill-lane%0A]]>",
    ))  # fmt: skip

    post = Post.objects.get(wordpress_id=101)
    assert post.slug == "the-pothole-on-mill-lane"
    assert client.get(post.get_absolute_url()).status_code == 200
    assert client.get("/").status_code == 200
    assert "Slug changed" in output


def test_an_old_address_with_a_nul_byte_gets_no_redirect(tmp_path):
    output = import_with(tmp_path, (
        "<link>https://old.example.org/2019/03/the-pothole-on-mill-lane/</link>",
        "<link>https://old.example.org/2019/03/the%00pothole/</link>",
    ))  # fmt: skip

    assert not LegacyRedirect.objects.filter(old_path__contains="pothole").exists()
    assert "old addresses with control characters (no redirect): 1" in output


def test_imported_bodies_run_no_script(tmp_path):
    import_with(tmp_path, ('The council says the pothole on Mill Lane is "scheduled".',
                           '<img src="javascript:alert(1)" onerror="alert(2)">'
                           '<a href="data:text/html,x">x</a><a href=" javascript:alert(3)">y</a>'
                           '<img src="x" srcset="javascript:alert(4) 2x">'))  # fmt: skip

    post = Post.objects.get(wordpress_id=101)
    # Posts may show images; what they may not do is run script.
    assert [found for found in dangers(post.body_html) if found != "<img>"] == []


@pytest.mark.parametrize("target", ["javascript:alert(1)", "//evil.example/", "/\\evil.example",
                                    "/a\nSet-Cookie: x=1"])  # fmt: skip
def test_a_legacy_redirect_leads_only_to_this_site_or_an_http_address(client, editor, target):
    client.force_login(editor)

    refused = client.post(reverse("admin:blog_legacyredirect_add"),
                          {"old_path": "/old/", "post": "", "page": "", "url": target})
    LegacyRedirect.objects.create(old_path="/stored/", url=target)  # written by hand
    client.logout()

    assert "Give a path on this site" in text(refused)
    assert not LegacyRedirect.objects.filter(old_path="/old/").exists()
    assert client.get("/stored/").status_code == 404
