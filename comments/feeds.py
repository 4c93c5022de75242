"""Feeds of approved comments: the whole blog's, and one post's.

Only what the post page shows (Comment.PUBLIC_FIELDS): never an email or IP address.
"""

from django.conf import settings
from django.contrib.syndication.views import Feed
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed

from blog.models import Post, SiteIdentity
from comments.markup import linkable_url
from comments.models import Comment


class LatestCommentsFeed(Feed):
    """The newest approved comments on published posts."""

    def title(self, obj=None):
        return f"Comments on {SiteIdentity.load().title}"

    def description(self, obj=None):
        return f"The latest comments on {SiteIdentity.load().title}"

    def subtitle(self, obj=None):  # Atom's name for the description
        return self.description(obj)

    def link(self, obj=None):
        return reverse("blog:home")

    def comments(self, obj):
        return Comment.objects.approved().filter(post__in=Post.objects.published())

    def items(self, obj=None):
        return (
            self.comments(obj)
            .select_related("post")
            .only(*Comment.PUBLIC_FIELDS, "post__title", "post__slug", "post__publish_at")
            .order_by("-submitted_at", "-id")[: settings.BROADSHEET_FEED_LENGTH]
        )

    def item_title(self, comment):
        return f"{comment.author_name or 'Anonymous'} on “{comment.post.title}”"

    def item_description(self, comment):
        return comment.body_html  # sanitized when the comment was saved

    def item_link(self, comment):
        return comment.permalink()

    def item_pubdate(self, comment):
        return comment.submitted_at

    def item_author_name(self, comment):
        return comment.author_name or "Anonymous"

    def item_author_link(self, comment):
        return linkable_url(comment.author_url) or None


class LatestCommentsAtomFeed(LatestCommentsFeed):
    feed_type = Atom1Feed


class PostCommentsFeed(LatestCommentsFeed):
    """The approved comments on one post, at the post's address + feed/ (as on WordPress)."""

    def get_object(self, request, year, month, slug):
        return get_object_or_404(
            Post.objects.published().only("title", "slug", "publish_at"), slug=slug
        )

    def title(self, post):
        return f"Comments on “{post.title}”"

    def description(self, post):
        return f"Comments on “{post.title}”, from {SiteIdentity.load().title}"

    def link(self, post):
        return post.get_absolute_url()

    def comments(self, post):
        return Comment.objects.approved().filter(post=post)


class PostCommentsAtomFeed(PostCommentsFeed):
    feed_type = Atom1Feed
