"""sitemap.xml: every address a search engine should know, with when it last changed.

Each section returns a list, so the sitemap view pages through it without a count query:
one query per section.
"""

from django.contrib.sitemaps import Sitemap
from django.db.models import Max
from django.urls import reverse

from blog.models import Category, Page, Post, Tag


class HomeSitemap(Sitemap):
    priority = 1.0
    changefreq = "daily"

    def items(self):
        latest = Post.objects.listed().aggregate(latest=Max("updated_at"))["latest"]
        return [("blog:home", latest)] if latest else []

    def location(self, item):
        return reverse(item[0])

    def lastmod(self, item):
        return item[1]


class PostSitemap(Sitemap):
    priority = 0.8

    def items(self):
        return list(Post.objects.published().only("slug", "publish_at", "updated_at"))

    def lastmod(self, post):
        return post.updated_at


class PageSitemap(Sitemap):
    priority = 0.5

    def items(self):
        return list(Page.objects.published().only("slug", "updated_at"))

    def lastmod(self, page):
        return page.updated_at


class CategorySitemap(Sitemap):
    priority = 0.4
    model = Category

    def items(self):
        return list(self.model.objects.with_published_posts().only("slug"))

    def lastmod(self, term):
        return term.last_updated


class TagSitemap(CategorySitemap):
    priority = 0.3
    model = Tag


class ArchiveSitemap(Sitemap):
    """Year and month archives, each as fresh as the latest change to one of its posts."""

    priority = 0.3

    def items(self):
        months = list(Post.objects.published().months())
        years = {}
        for month in months:
            year = month["month"].year
            years[year] = max(years.get(year, month["last_updated"]), month["last_updated"])
        return [
            *((reverse("blog:year", args=[year]), updated) for year, updated in years.items()),
            *(
                (reverse("blog:month", args=[m["month"].year, m["month"].month]), m["last_updated"])
                for m in months
            ),
        ]

    def location(self, item):
        return item[0]

    def lastmod(self, item):
        return item[1]


SITEMAPS = {
    "home": HomeSitemap,
    "posts": PostSitemap,
    "pages": PageSitemap,
    "categories": CategorySitemap,
    "tags": TagSitemap,
    "archives": ArchiveSitemap,
}
