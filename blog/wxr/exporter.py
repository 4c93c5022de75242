"""Write the blog out as WXR 1.2, the file WordPress's importer (Tools → Import) reads.

Everything goes: authors, categories, tags, posts and pages with their dates, statuses and
terms, and every comment with its thread and status. Bodies are exported as the HTML
readers see, written so that WordPress displays them the same way (`wordpress_content`);
the Markdown source rides along in a hidden custom field that a Broadsheet import prefers.
The file is written as a stream, one post at a time.
"""

import re
from collections import Counter
from datetime import UTC
from email.utils import format_datetime

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db.models import Max, Q
from django.utils import timezone

from blog.models import Category, Page, Post, SiteIdentity, Tag
from blog.wxr.autop import protect_line_breaks
from blog.wxr.importer import MARKDOWN_META_KEY
from comments.models import Comment

WXR_VERSION = "1.2"
# What WordPress calls our statuses.
COMMENT_APPROVED = {
    Comment.Status.APPROVED: "1",
    Comment.Status.PENDING: "0",
    Comment.Status.SPAM: "spam",
    Comment.Status.TRASH: "trash",
}

_HEADER = """<?xml version="1.0" encoding="UTF-8" ?>
<!-- A WordPress eXtended RSS (WXR) file written by Broadsheet: import it into WordPress
     with Tools > Import > WordPress, or into Broadsheet with manage.py import_wxr. -->
<rss version="2.0"
	xmlns:excerpt="http://wordpress.org/export/1.2/excerpt/"
	xmlns:content="http://purl.org/rss/1.0/modules/content/"
	xmlns:wfw="http://wellformedweb.org/CommentAPI/"
	xmlns:dc="http://purl.org/dc/elements/1.1/"
	xmlns:wp="http://wordpress.org/export/1.2/"
>
<channel>
"""
# Characters XML 1.0 does not allow, even in CDATA.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def cdata(text):
    """`text` as CDATA; a "]]>" inside is split across two sections, as WordPress does."""
    text = _NOT_XML.sub("", str(text or ""))
    return "<![CDATA[" + text.replace("]]>", "]]]]><![CDATA[>") + "]]>"


def escape(text):
    text = _NOT_XML.sub("", str(text or ""))
    return (
        text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace('"', "&quot;")
    )


def export(out):
    """Write the whole blog to the text stream `out`; returns the counts of what was written."""
    return _Export(out).run()


class _Export:
    def __init__(self, out):
        self.out = out
        self.site = settings.BROADSHEET_SITE_URL.rstrip("/")
        self.counts = Counter()
        # WordPress IDs are unique across posts and pages (one table). Imported objects
        # keep theirs, so old ?p= links survive a second move; the others are numbered
        # after the highest, posts first, then pages.
        wordpress_ids = [
            Post.objects.aggregate(m=Max("wordpress_id"))["m"] or 0,
            Page.objects.aggregate(m=Max("wordpress_id"))["m"] or 0,
        ]
        self.post_offset = max(wordpress_ids)
        self.page_offset = self.post_offset + (Post.objects.aggregate(m=Max("pk"))["m"] or 0)
        self.comment_offset = Comment.objects.aggregate(m=Max("wordpress_id"))["m"] or 0
        self.term_offset = max(
            Category.objects.aggregate(m=Max("wordpress_id"))["m"] or 0,
            Tag.objects.aggregate(m=Max("wordpress_id"))["m"] or 0,
        )
        self.tag_offset = self.term_offset + (Category.objects.aggregate(m=Max("pk"))["m"] or 0)

    def write(self, text):
        self.out.write(text)

    def run(self):
        identity = SiteIdentity.load()
        self.write(_HEADER)
        self.write(f"\t<title>{escape(identity.title)}</title>\n")
        self.write(f"\t<link>{escape(self.site)}</link>\n")
        self.write(f"\t<description>{escape(identity.tagline)}</description>\n")
        self.write(f"\t<pubDate>{format_datetime(timezone.now().astimezone(UTC))}</pubDate>\n")
        self.write(f"\t<language>{escape(settings.LANGUAGE_CODE)}</language>\n")
        self.write(f"\t<wp:wxr_version>{WXR_VERSION}</wp:wxr_version>\n")
        self.write(f"\t<wp:base_site_url>{escape(self.site)}</wp:base_site_url>\n")
        self.write(f"\t<wp:base_blog_url>{escape(self.site)}</wp:base_blog_url>\n\n")
        self._authors()
        self._terms()
        self.write("\t<generator>Broadsheet</generator>\n\n")
        posts = Post.objects.select_related("author").prefetch_related("categories", "tags")
        for post in posts.order_by("publish_at", "id").iterator(chunk_size=200):
            self._post(post)
        for page in Page.objects.select_related("author").order_by("id").iterator():
            self._page(page)
        self.write("</channel>\n</rss>\n")
        return self.counts

    def _authors(self):
        has_written = Q(posts__isnull=False) | Q(pages__isnull=False)
        for user in get_user_model().objects.filter(has_written).distinct().order_by("pk"):
            display_name = user.get_full_name() or user.get_username()
            self.write(
                "\t<wp:author>"
                f"<wp:author_id>{user.pk}</wp:author_id>"
                f"<wp:author_login>{cdata(user.get_username())}</wp:author_login>"
                f"<wp:author_email>{cdata(user.email)}</wp:author_email>"
                f"<wp:author_display_name>{cdata(display_name)}</wp:author_display_name>"
                f"<wp:author_first_name>{cdata(user.first_name)}</wp:author_first_name>"
                f"<wp:author_last_name>{cdata(user.last_name)}</wp:author_last_name>"
                "</wp:author>\n"
            )
            self.counts["authors"] += 1

    def _terms(self):
        for category in Category.objects.order_by("pk"):
            term_id = category.wordpress_id or self.term_offset + category.pk
            self.write(
                "\t<wp:category>"
                f"<wp:term_id>{term_id}</wp:term_id>"
                f"<wp:category_nicename>{cdata(category.slug)}</wp:category_nicename>"
                "<wp:category_parent><![CDATA[]]></wp:category_parent>"
                f"<wp:cat_name>{cdata(category.name)}</wp:cat_name>"
                f"<wp:category_description>{cdata(category.description)}"
                "</wp:category_description>"
                "</wp:category>\n"
            )
            self.counts["categories"] += 1
        for tag in Tag.objects.order_by("pk"):
            self.write(
                "\t<wp:tag>"
                f"<wp:term_id>{tag.wordpress_id or self.tag_offset + tag.pk}</wp:term_id>"
                f"<wp:tag_slug>{cdata(tag.slug)}</wp:tag_slug>"
                f"<wp:tag_name>{cdata(tag.name)}</wp:tag_name>"
                "</wp:tag>\n"
            )
            self.counts["tags"] += 1

    def _post(self, post):
        wordpress_id = post.wordpress_id or self.post_offset + post.pk
        if post.is_scheduled:
            status = "future"
        else:
            status = "publish" if post.status == Post.Status.PUBLISHED else "draft"
        terms = [("category", c) for c in post.categories.all()]
        terms += [("post_tag", t) for t in post.tags.all()]
        self._item(
            post, wordpress_id, post_type="post", status=status, when=post.publish_at,
            excerpt=post.excerpt, comments_open=post.comments_open, sticky=post.sticky,
            terms=terms,
        )  # fmt: skip
        self._comments(post)
        self.write("\t</item>\n")
        self.counts["posts"] += 1

    def _page(self, page):
        wordpress_id = page.wordpress_id or self.page_offset + page.pk
        status = "publish" if page.status == Page.Status.PUBLISHED else "draft"
        self._item(
            page, wordpress_id, post_type="page", status=status, when=page.created_at,
            menu_order=page.menu_order,
        )  # fmt: skip
        self.write("\t</item>\n")
        self.counts["pages"] += 1

    def _item(self, obj, wordpress_id, *, post_type, status, when, excerpt="",
              comments_open=False, sticky=False, menu_order=0, terms=()):  # fmt: skip
        local, gmt = _dates(when)
        modified_local, modified_gmt = _dates(obj.updated_at)
        self.write(
            "\t<item>\n"
            f"\t\t<title>{cdata(obj.title)}</title>\n"
            f"\t\t<link>{escape(self.site + obj.get_absolute_url())}</link>\n"
            f"\t\t<pubDate>{format_datetime(when.astimezone(UTC))}</pubDate>\n"
            f"\t\t<dc:creator>{cdata(obj.author.get_username())}</dc:creator>\n"
            f'\t\t<guid isPermaLink="false">{escape(self.site)}/?p={wordpress_id}</guid>\n'
            "\t\t<description></description>\n"
            f"\t\t<content:encoded>{cdata(wordpress_content(obj.body_html))}</content:encoded>\n"
            f"\t\t<excerpt:encoded>{cdata(excerpt)}</excerpt:encoded>\n"
            f"\t\t<wp:post_id>{wordpress_id}</wp:post_id>\n"
            f"\t\t<wp:post_date>{cdata(local)}</wp:post_date>\n"
            f"\t\t<wp:post_date_gmt>{cdata(gmt)}</wp:post_date_gmt>\n"
            f"\t\t<wp:post_modified>{cdata(modified_local)}</wp:post_modified>\n"
            f"\t\t<wp:post_modified_gmt>{cdata(modified_gmt)}</wp:post_modified_gmt>\n"
            f"\t\t<wp:comment_status>{cdata('open' if comments_open else 'closed')}"
            "</wp:comment_status>\n"
            "\t\t<wp:ping_status><![CDATA[closed]]></wp:ping_status>\n"
            f"\t\t<wp:post_name>{cdata(obj.slug)}</wp:post_name>\n"
            f"\t\t<wp:status>{cdata(status)}</wp:status>\n"
            "\t\t<wp:post_parent>0</wp:post_parent>\n"
            f"\t\t<wp:menu_order>{menu_order}</wp:menu_order>\n"
            f"\t\t<wp:post_type>{cdata(post_type)}</wp:post_type>\n"
            "\t\t<wp:post_password><![CDATA[]]></wp:post_password>\n"
            f"\t\t<wp:is_sticky>{int(sticky)}</wp:is_sticky>\n"
        )
        for domain, term in terms:
            self.write(
                f'\t\t<category domain="{domain}" nicename="{escape(term.slug)}">'
                f"{cdata(term.name)}</category>\n"
            )
        self.write(
            "\t\t<wp:postmeta>\n"
            f"\t\t\t<wp:meta_key>{cdata(MARKDOWN_META_KEY)}</wp:meta_key>\n"
            f"\t\t\t<wp:meta_value>{cdata(obj.body)}</wp:meta_value>\n"
            "\t\t</wp:postmeta>\n"
        )

    def _comments(self, post):
        comments = list(Comment.objects.filter(post=post).order_by("submitted_at", "id"))
        exported_ids = {c.pk: c.wordpress_id or self.comment_offset + c.pk for c in comments}
        for comment in comments:
            local, gmt = _dates(comment.submitted_at)
            self.write(
                "\t\t<wp:comment>\n"
                f"\t\t\t<wp:comment_id>{exported_ids[comment.pk]}</wp:comment_id>\n"
                f"\t\t\t<wp:comment_author>{cdata(comment.author_name)}</wp:comment_author>\n"
                f"\t\t\t<wp:comment_author_email>{cdata(comment.author_email)}"
                "</wp:comment_author_email>\n"
                f"\t\t\t<wp:comment_author_url>{escape(comment.author_url)}"
                "</wp:comment_author_url>\n"
                f"\t\t\t<wp:comment_author_IP>{cdata(comment.ip_address or '')}"
                "</wp:comment_author_IP>\n"
                f"\t\t\t<wp:comment_date>{cdata(local)}</wp:comment_date>\n"
                f"\t\t\t<wp:comment_date_gmt>{cdata(gmt)}</wp:comment_date_gmt>\n"
                f"\t\t\t<wp:comment_content>{cdata(comment.body)}</wp:comment_content>\n"
                f"\t\t\t<wp:comment_approved>{cdata(COMMENT_APPROVED[comment.status])}"
                "</wp:comment_approved>\n"
                "\t\t\t<wp:comment_type><![CDATA[comment]]></wp:comment_type>\n"
                f"\t\t\t<wp:comment_parent>{exported_ids.get(comment.parent_id, 0)}"
                "</wp:comment_parent>\n"
                f"\t\t\t<wp:comment_user_id>{comment.user_id or 0}</wp:comment_user_id>\n"
                "\t\t</wp:comment>\n"
            )
            self.counts["comments"] += 1


def wordpress_content(html):
    """Our rendered HTML as a WordPress body that displays the same.

    In one Custom HTML block: WordPress 5 and later show block content as it is, without
    its paragraph rules (which would, for one, leave a stray </p> inside a <figure>).
    Older versions ignore the block comments and apply autop, so soft line breaks, which
    autop would turn into <br />, are made spaces first."""
    return f"<!-- wp:html -->\n{protect_line_breaks(html)}\n<!-- /wp:html -->"


def _dates(moment):
    """(local, GMT) in WordPress's "Y-m-d H:i:s" form; local is the blog's time zone."""
    local = timezone.localtime(moment, timezone.get_default_timezone())
    return f"{local:%Y-%m-%d %H:%M:%S}", f"{moment.astimezone(UTC):%Y-%m-%d %H:%M:%S}"
