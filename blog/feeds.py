"""Feeds of posts, in RSS 2.0 and Atom: the whole blog, and one for each category and tag.

Feeds carry the posts that go on the home page (`Post.objects.listed()`), in full.
"""

from django.conf import settings
from django.contrib.syndication.views import Feed
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed

from blog.models import Category, Post, SiteIdentity, Tag


def author_name(user):
    return user.get_full_name() or user.get_username()


class LatestPostsFeed(Feed):
    """The newest posts of the blog."""

    def title(self, obj=None):
        return SiteIdentity.load().title

    def description(self, obj=None):
        site = SiteIdentity.load()
        return site.tagline or f"The latest posts of {site.title}"

    def subtitle(self, obj=None):  # Atom's name for the description
        return self.description(obj)

    def link(self, obj=None):
        return reverse("blog:home")

    def posts(self, obj):
        return Post.objects.listed()

    def items(self, obj=None):
        return (
            self.posts(obj)
            .select_related("author")
            .prefetch_related("categories", "tags")[: settings.BROADSHEET_FEED_LENGTH]
        )

    def item_title(self, post):
        return post.title

    def item_description(self, post):
        return post.body_html  # sanitized when the post was saved

    def item_pubdate(self, post):
        return post.publish_at

    def item_updateddate(self, post):
        return post.updated_at

    def item_author_name(self, post):
        return author_name(post.author)

    def item_categories(self, post):
        return [term.name for term in (*post.categories.all(), *post.tags.all())]


class LatestPostsAtomFeed(LatestPostsFeed):
    feed_type = Atom1Feed


class CategoryFeed(LatestPostsFeed):
    """The newest posts filed in one category."""

    model = Category

    def get_object(self, request, slug):
        # Like its page, the feed of a category with nothing published is not there.
        return get_object_or_404(self.model.objects.with_published_posts(), slug=slug)

    def title(self, term):
        return f"{SiteIdentity.load().title}: {term.name}"

    def description(self, term):
        return f"Posts in {term.name}, from {SiteIdentity.load().title}"

    def link(self, term):
        return term.get_absolute_url()

    def posts(self, term):
        return term.posts.listed()


class CategoryAtomFeed(CategoryFeed):
    feed_type = Atom1Feed


class TagFeed(CategoryFeed):
    """The newest posts with one tag."""

    model = Tag

    def title(self, term):
        return f"{SiteIdentity.load().title}: posts tagged “{term.name}”"

    def description(self, term):
        return f"Posts tagged “{term.name}”, from {SiteIdentity.load().title}"


class TagAtomFeed(TagFeed):
    feed_type = Atom1Feed
