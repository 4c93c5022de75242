"""`manage.py import_wxr`: a WordPress blog moves in with its posts, pages and comments."""

from datetime import UTC, datetime
from io import StringIO

import pytest
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command

from blog.models import Category, LegacyRedirect, Page, Post, Tag
from comments.models import Comment
from tests.wxr_files import OLD_BLOG, OLDER_BLOG

pytestmark = pytest.mark.django_db


def import_wxr(path, *args):
    out = StringIO()
    call_command("import_wxr", str(path), *args, stdout=out)
    return out.getvalue()


def everything():
    """What the blog holds, as counts, to compare before and after."""
    return {
        "posts": Post.objects.count(),
        "pages": Page.objects.count(),
        "comments": Comment.objects.count(),
        "categories": Category.objects.count(),
        "tags": Tag.objects.count(),
        "users": get_user_model().objects.count(),
        "redirects": LegacyRedirect.objects.count(),
    }


def test_posts_keep_title_slug_date_status_and_filing():
    import_wxr(OLD_BLOG)

    post = Post.objects.get(wordpress_id=101)
    assert post.title == "The pothole on Mill Lane"
    assert post.slug == "the-pothole-on-mill-lane"
    assert post.publish_at == datetime(2019, 3, 14, 9, 30, tzinfo=UTC)  # wp:post_date_gmt
    assert post.status == Post.Status.PUBLISHED and post.is_published
    assert post.sticky and post.comments_open
    assert post.excerpt == 'The pothole has been "scheduled" since October.'
    assert sorted(c.name for c in post.categories.all()) == ["Council", "Roads & Transport"]
    assert sorted(t.name for t in post.tags.all()) == ["Mill Lane", "Potholes"]
    assert post.get_absolute_url() == "/2019/03/the-pothole-on-mill-lane/"


def test_statuses_map_to_draft_and_scheduled():
    import_wxr(OLD_BLOG)

    status = dict(Post.objects.values_list("wordpress_id", "status"))
    assert status[102] == Post.Status.DRAFT  # draft
    assert status[103] == Post.Status.DRAFT  # pending review
    assert status[107] == Post.Status.DRAFT  # private: visible to its author and editors only
    scheduled = Post.objects.get(wordpress_id=104)
    assert scheduled.is_scheduled
    assert scheduled.publish_at == datetime(2099, 1, 1, 8, 0, tzinfo=UTC)
    assert not Post.objects.filter(wordpress_id=109).exists()  # WordPress's trash


def test_a_date_without_gmt_is_read_in_the_blogs_time_zone(settings):
    settings.TIME_ZONE = "Europe/Paris"

    import_wxr(OLD_BLOG)

    draft = Post.objects.get(wordpress_id=102)  # post_date 18:00, post_date_gmt 0000-00-00
    assert draft.publish_at == datetime(2020, 1, 5, 17, 0, tzinfo=UTC)


def test_authors_are_created_inactive_unless_mapped(author):
    import_wxr(OLD_BLOG, "--map-author", f"marguerite={author.username}")

    assert Post.objects.get(wordpress_id=101).author == author
    guest = Post.objects.get(wordpress_id=103).author
    assert guest.username == "guestwriter" and guest.email == "guest@example.org"
    assert not guest.is_active and not guest.has_usable_password()


def test_mapping_to_a_user_who_does_not_exist_is_refused():
    with pytest.raises(CommandError, match="no user “nobody”"):
        import_wxr(OLD_BLOG, "--map-author", "marguerite=nobody")

    assert Post.objects.count() == 0


def test_unicode_and_overlong_titles(capsys):
    output = import_wxr(OLD_BLOG)

    unicode_post = Post.objects.get(wordpress_id=105)
    assert unicode_post.title == "Привет, мир — café & “quotes”"
    # Our addresses take ASCII slugs; the importer says so, and the old address redirects.
    assert unicode_post.slug == "cafe-quotes"
    assert "Slug changed: “привет-мир” → “cafe-quotes”" in output
    long_post = Post.objects.get(wordpress_id=106)
    assert len(long_post.title) == 300 and long_post.title.endswith("…")
    assert long_post.title.startswith("A title that goes on and on: the minutes")
    assert Tag.objects.get(name="Été").slug == "ete"


def test_bodies_get_wordpress_paragraphs_and_stay_sanitized():
    import_wxr(OLD_BLOG)

    html = Post.objects.get(wordpress_id=101).body_html
    assert '<p>The council says the pothole on Mill Lane is "scheduled".<br>\nIt has' in html
    assert "<p>This line was indented in the editor; it is still prose, not code.</p>" in html
    assert "<li>It is <strong>two feet</strong> wide &amp; growing.</li>" in html
    assert '<pre>report   = "HW/2024/118"\n    page = 14\n</pre>' in html
    assert "<p>Numbers like 3 * 4 * 5 and names like snake_case_name stay as written.</p>" in html
    assert "<figcaption>The pothole, with a boot for scale</figcaption>" in html
    assert 'src="https://old.example.org/wp-content/uploads/2019/03/pothole.jpg"' in html
    assert "class=" not in html  # the sanitizer's allow-list applies as to any post
    assert '<p>[gallery ids="301,302"]</p>' in html  # a shortcode we cannot render stays visible
    assert "A stray CDATA end ]]&gt; in the text, and an entity: caf&eacute;." in html


def test_comments_keep_their_threads_statuses_and_details():
    import_wxr(OLD_BLOG)

    comments = Comment.objects.filter(post__wordpress_id=101).order_by("submitted_at")
    drawn = [
        (c.wordpress_id, c.parent.wordpress_id if c.parent else None, c.depth, c.status)
        for c in comments
    ]
    assert drawn == [
        # id   parent  depth status
        (1001, None,   0,    "approved"),
        (1002, 1001,   1,    "approved"),
        (1003, 1002,   2,    "approved"),  # came before its parent in the file
        (1004, None,   0,    "spam"),
        (1005, 1001,   1,    "pending"),
        (1006, None,   0,    "trash"),
    ]  # fmt: skip
    first = comments[0]
    assert first.author_name == "Priya N." and first.author_email == "priya@example.net"
    assert first.author_url == "https://priya.example.net/"
    assert first.ip_address == "192.0.2.10"
    assert first.submitted_at == datetime(2019, 3, 14, 11, 0, tzinfo=UTC)
    assert first.body_html == "<p>Same on our street.</p>\n<p>Reported it in <em>January</em>.</p>"
    assert comments.get(wordpress_id=1002).user.username == "marguerite"
    assert comments.get(wordpress_id=1002).ip_address == "2001:db8::1"
    assert comments.get(wordpress_id=1005).ip_address is None  # "not an address"


def test_imported_comments_send_no_mail_and_are_not_screened(mailoutbox):
    import_wxr(OLD_BLOG)

    assert mailoutbox == []
    assert set(Comment.objects.values_list("verdict", flat=True)) == {""}


def test_pingbacks_are_skipped_unless_asked_for():
    output = import_wxr(OLD_BLOG)
    assert "skipped pingbacks: 1" in output
    assert not Comment.objects.filter(wordpress_id=1007).exists()

    import_wxr(OLD_BLOG, "--pingbacks")
    pingback = Comment.objects.get(wordpress_id=1007)
    assert pingback.body.startswith("Pingback: ")
    assert pingback.author_url == "https://another.example.net/2019/03/potholes/"


def test_pages_are_imported_with_their_order():
    import_wxr(OLD_BLOG)

    about, contact = Page.objects.get(wordpress_id=201), Page.objects.get(wordpress_id=202)
    assert about.slug == "about-the-pump" and about.status == Page.Status.PUBLISHED
    assert "<h2>Who writes this</h2>" in about.body_html
    assert about.show_in_menu and not contact.show_in_menu  # a sub-page
    assert contact.menu_order == 2


def test_running_it_twice_creates_nothing_twice():
    import_wxr(OLD_BLOG)
    first = everything()

    output = import_wxr(OLD_BLOG)

    assert everything() == first
    assert "posts existing: 8" in output and "comments existing: 6" in output


def test_a_second_run_adds_only_comments_that_are_new(tmp_path):
    import_wxr(OLD_BLOG)
    later = OLD_BLOG.read_text().replace(
        "<wp:comment_id>1006</wp:comment_id>", "<wp:comment_id>1099</wp:comment_id>"
    )
    (tmp_path / "later.xml").write_text(later)

    import_wxr(tmp_path / "later.xml")

    assert Comment.objects.filter(post__wordpress_id=101).count() == 7
    assert Post.objects.filter(wordpress_id=101).count() == 1


def test_a_dry_run_lists_what_it_would_import_and_writes_nothing():
    before = everything()

    output = import_wxr(OLD_BLOG, "--dry-run")

    assert everything() == before
    assert "Post: The pothole on Mill Lane (published, 2019-03-14 09:30)" in output
    assert "Post: The 2099 budget, announced early (scheduled, 2099-01-01 08:00)" in output
    assert "Page: About (published)" in output
    assert "posts: 8" in output and "comments: 6" in output and "pages: 2" in output
    assert "Dry run: nothing was written." in output


def test_a_truncated_file_stops_with_the_line_and_imports_nothing(tmp_path):
    text = OLD_BLOG.read_text()
    cut = text.index("<wp:comment_id>1005</wp:comment_id>")  # after two complete items
    broken = tmp_path / "broken.xml"
    broken.write_text(text[:cut])
    last_line = text[:cut].count("\n") + 1

    with pytest.raises(CommandError) as error:
        import_wxr(broken)

    message = str(error.value)
    assert f"not valid XML at line {last_line}" in message
    assert "Nothing was imported." in message
    assert everything() == {key: 0 for key in everything()}


def test_a_tag_that_never_closes_is_reported_with_its_line(tmp_path):
    text = OLD_BLOG.read_text().replace("<title>The Parish Pump</title>", "<title>The Pump</tilte>")
    damaged = tmp_path / "damaged.xml"
    damaged.write_text(text)
    line = text[: text.index("</tilte>")].count("\n") + 1

    with pytest.raises(CommandError, match=f"line {line}, column"):
        import_wxr(damaged)
    assert everything() == {key: 0 for key in everything()}


def test_a_file_that_is_not_a_wordpress_export_is_refused(tmp_path):
    feed = tmp_path / "feed.xml"
    feed.write_text('<?xml version="1.0"?><rss version="2.0"><channel><title>x</title>'
                    "</channel></rss>")  # fmt: skip

    with pytest.raises(CommandError, match="not a WordPress export"):
        import_wxr(feed)


def test_wxr_1_1_imports_too():
    import_wxr(OLDER_BLOG)

    post = Post.objects.get(wordpress_id=12)
    assert post.title == "Runner beans & the frost"
    assert post.publish_at == datetime(2012, 5, 19, 17, 15, tzinfo=UTC)
    assert post.body_html == (
        "<p>Planted out too early.<br>\nLost half of them.</p>\n<p>Next year: wait for June.</p>"
    )
    assert [c.name for c in post.categories.all()] == ["Beans"]
    assert post.comments.get().body == "Fleece helps."


def test_uploads_are_copied_and_only_copied_files_are_rewritten(tmp_path, settings):
    uploads, media = tmp_path / "uploads", tmp_path / "media"
    (uploads / "2019" / "03").mkdir(parents=True)
    (uploads / "2019" / "03" / "pothole.jpg").write_bytes(b"\xff\xd8 not really a jpeg")
    settings.MEDIA_ROOT, settings.MEDIA_URL = str(media), "/media/"
    text = OLD_BLOG.read_text().replace(
        "[gallery ids", '<img src="https://old.example.org/wp-content/uploads/2019/03/gone.jpg">['
    )
    export = tmp_path / "export.xml"
    export.write_text(text)

    output = import_wxr(export, "--uploads", str(uploads))

    assert (media / "uploads" / "2019" / "03" / "pothole.jpg").read_bytes().startswith(b"\xff")
    html = Post.objects.get(wordpress_id=101).body_html
    assert 'src="/media/uploads/2019/03/pothole.jpg"' in html
    assert 'src="https://old.example.org/wp-content/uploads/2019/03/gone.jpg"' in html
    assert "uploads copied: 1" in output and "uploads missing: 1" in output


def test_progress_is_reported_on_long_imports():
    output = import_wxr(OLD_BLOG, "--progress-every", "5")

    assert "… 5 items read: 5 posts, 0 pages, 6 comments" in output


def test_block_editor_bodies_are_kept_as_written(tmp_path):
    """WordPress shows block-editor content without its paragraph rules; so do we."""
    blocks = (
        "<!-- wp:paragraph -->\n<p>One paragraph\nwith a soft break.</p>\n<!-- /wp:paragraph -->"
        '\n\n<!-- wp:image -->\n<figure><img src="/a.jpg" alt="A"/><figcaption>A</figcaption>'
        "</figure>\n<!-- /wp:image -->"
    )
    text = OLD_BLOG.read_text().replace("The 42 no longer stops at the church.", blocks)
    (tmp_path / "blocks.xml").write_text(text)

    import_wxr(tmp_path / "blocks.xml")

    html = Post.objects.get(wordpress_id=108).body_html
    assert "<p>One paragraph\nwith a soft break.</p>" in html
    assert '<figure><img src="/a.jpg" alt="A"><figcaption>A</figcaption></figure>' in html


def test_a_password_protected_post_becomes_a_draft(tmp_path):
    text = OLD_BLOG.read_text().replace(
        "<wp:post_name><![CDATA[bus-timetable-changes]]></wp:post_name>",
        "<wp:post_name><![CDATA[bus-timetable-changes]]></wp:post_name>"
        "<wp:post_password><![CDATA[secret]]></wp:post_password>",
    )
    (tmp_path / "protected.xml").write_text(text)

    output = import_wxr(tmp_path / "protected.xml")

    assert Post.objects.get(wordpress_id=108).status == Post.Status.DRAFT
    assert "Password-protected, imported as a draft: Bus timetable changes" in output
