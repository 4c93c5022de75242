"""`manage.py export_wxr`: the blog goes back out as WXR 1.2, and comes back in whole."""

import re
import xml.etree.ElementTree as ET
from datetime import UTC, datetime, timedelta
from io import StringIO

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.utils import timezone

from blog.models import Category, LegacyRedirect, Page, Post, Tag
from comments.models import Comment
from tests.wxr_files import OLD_BLOG

pytestmark = pytest.mark.django_db

WP = "{http://wordpress.org/export/1.2/}"
CONTENT = "{http://purl.org/rss/1.0/modules/content/}"


@pytest.fixture
def blog(make_post, author):
    """An imported WordPress blog, plus posts and comments written here since."""
    call_command("import_wxr", str(OLD_BLOG), "--pingbacks", verbosity=0)
    news = Category.objects.create(name="News", slug="news")
    post = make_post(
        "Written here, in Markdown",
        body="Soft\nline *break*.\n\n- one\n- two\n\n```\ncode ]]> here\n```",
        excerpt="Our own excerpt.",
        publish_at=datetime(2024, 6, 1, 12, 0, tzinfo=UTC),
    )
    post.categories.set([news])
    post.tags.set([Tag.objects.create(name="Fresh", slug="fresh")])
    make_post("A scheduled one", publish_at=timezone.now() + timedelta(days=3))
    make_post("A draft of ours", status=Post.Status.DRAFT)
    top = Comment.objects.create(post=post, author_name="Ada", author_email="ada@example.org",
                                 body="First & foremost.", status=Comment.Status.APPROVED,
                                 ip_address="192.0.2.1")  # fmt: skip
    Comment.objects.create(post=post, parent=top, author_name="Bob", body="Replying.",
                           status=Comment.Status.PENDING)  # fmt: skip
    Page.objects.create(title="Colophon", slug="colophon", author=author, body="Made *here*.",
                        status=Page.Status.PUBLISHED)  # fmt: skip
    return post


def export_wxr(path):
    out = StringIO()
    call_command("export_wxr", str(path), stdout=out)
    return out.getvalue()


def snapshot():
    """Everything a round trip must keep, in comparable form. WXR dates are to the second."""

    def second(moment):
        return moment.replace(microsecond=0)

    def thread(post):
        comments = post.comments.order_by("submitted_at", "id")
        key = {c.pk: (c.author_name, second(c.submitted_at)) for c in comments}
        return [
            (c.author_name, c.body, c.status, second(c.submitted_at), c.depth, key.get(c.parent_id))
            for c in comments
        ]

    posts = {
        post.slug: (
            post.title, second(post.publish_at), post.status, post.excerpt, post.body_html,
            post.sticky, post.comments_open,
            sorted(post.categories.values_list("name", flat=True)),
            sorted(post.tags.values_list("name", flat=True)),
            thread(post),
        )
        for post in Post.objects.all()
    }  # fmt: skip
    pages = {page.slug: (page.title, page.status, page.body_html) for page in Page.objects.all()}
    return posts, pages


def empty_the_blog():
    Comment.objects.all().delete()
    LegacyRedirect.objects.all().delete()
    Post.objects.all().delete()
    Page.objects.all().delete()
    Category.objects.all().delete()
    Tag.objects.all().delete()
    get_user_model().objects.all().delete()


def test_the_export_is_wxr_1_2_as_wordpress_reads_it(blog, tmp_path):
    output = export_wxr(tmp_path / "out.xml")
    text = (tmp_path / "out.xml").read_text()

    assert "Wrote" in output and "posts" in output
    assert '<rss version="2.0"' in text
    for prefix in ("excerpt", "content", "wfw", "dc", "wp"):
        assert f"xmlns:{prefix}=" in text
    channel = ET.parse(tmp_path / "out.xml").getroot().find("channel")
    assert channel.findtext(f"{WP}wxr_version") == "1.2"
    assert channel.find(f"{WP}author/{WP}author_login") is not None
    assert {c.findtext(f"{WP}category_nicename") for c in channel.iter(f"{WP}category")} >= {
        "council", "news"
    }  # fmt: skip
    assert {t.findtext(f"{WP}tag_slug") for t in channel.iter(f"{WP}tag")} >= {"fresh"}
    item = next(i for i in channel.iter("item") if i.findtext("title") == blog.title)
    assert item.findtext(f"{WP}post_type") == "post"
    assert item.findtext(f"{WP}status") == "publish"
    assert item.findtext(f"{WP}post_name") == blog.slug
    assert item.findtext(f"{WP}post_date_gmt") == "2024-06-01 12:00:00"
    assert [(c.get("domain"), c.get("nicename")) for c in item.iter("category")] == [
        ("category", "news"), ("post_tag", "fresh"),
    ]  # fmt: skip
    comment = item.find(f"{WP}comment")
    assert comment.findtext(f"{WP}comment_author") == "Ada"
    assert comment.findtext(f"{WP}comment_approved") == "1"
    assert comment.findtext(f"{WP}comment_author_IP") == "192.0.2.1"
    assert comment.findtext(f"{WP}comment_content") == "First & foremost."


def test_bodies_go_out_as_html_that_wordpress_shows_as_it_is(blog, tmp_path):
    export_wxr(tmp_path / "out.xml")
    item = next(i for i in ET.parse(tmp_path / "out.xml").getroot().iter("item")
                if i.findtext("title") == blog.title)  # fmt: skip

    content = item.findtext(f"{CONTENT}encoded")
    assert content.startswith("<!-- wp:html -->\n<p>Soft line <em>break</em>.</p>\n<ul>")
    assert content.endswith("\n<!-- /wp:html -->")


def test_a_cdata_end_in_a_body_is_split_as_wordpress_does(blog, tmp_path):
    export_wxr(tmp_path / "out.xml")
    text = (tmp_path / "out.xml").read_text()

    assert "code ]]]]><![CDATA[> here" in text
    item = next(i for i in ET.parse(tmp_path / "out.xml").getroot().iter("item")
                if i.findtext("title") == blog.title)  # fmt: skip
    assert "code ]]&gt; here" in item.findtext(f"{CONTENT}encoded")


def test_statuses_are_written_in_wordpress_words(blog, tmp_path):
    export_wxr(tmp_path / "out.xml")
    root = ET.parse(tmp_path / "out.xml").getroot()

    status = {i.findtext("title"): i.findtext(f"{WP}status") for i in root.iter("item")}
    assert status["A scheduled one"] == "future"
    assert status["A draft of ours"] == "draft"
    assert status["Colophon"] == "publish"
    approved = {c.findtext(f"{WP}comment_id"): c.findtext(f"{WP}comment_approved")
                for c in root.iter(f"{WP}comment")}  # fmt: skip
    assert approved["1004"] == "spam" and approved["1005"] == "0" and approved["1006"] == "trash"


def test_a_round_trip_keeps_everything(blog, tmp_path):
    before = snapshot()
    export_wxr(tmp_path / "out.xml")
    empty_the_blog()

    call_command("import_wxr", str(tmp_path / "out.xml"), verbosity=0)

    assert snapshot() == before


def test_bodies_survive_wordpress_paragraph_rules(blog, tmp_path):
    """Without our Markdown field (as WordPress would keep it), the HTML alone comes back
    reading the same."""
    before = {p.slug: p.body_html for p in Post.objects.all()}
    export_wxr(tmp_path / "out.xml")
    text = (tmp_path / "out.xml").read_text()
    (tmp_path / "bare.xml").write_text(re.sub(r"<wp:postmeta>.*?</wp:postmeta>", "", text,
                                              flags=re.S))  # fmt: skip
    empty_the_blog()

    call_command("import_wxr", str(tmp_path / "bare.xml"), verbosity=0)

    after = {p.slug: p.body_html for p in Post.objects.all()}
    assert after.keys() == before.keys()
    for slug, html in before.items():
        assert " ".join(after[slug].split()) == " ".join(html.split()), slug
