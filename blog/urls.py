from django.contrib.sitemaps.views import sitemap
from django.urls import path, register_converter

from blog import feeds, views
from blog.sitemaps import SITEMAPS
from comments.feeds import PostCommentsAtomFeed, PostCommentsFeed


class MonthConverter:
    """Two-digit months, as in WordPress addresses: /2024/03/slug/."""

    regex = "0[1-9]|1[0-2]"

    def to_python(self, value):
        return int(value)

    def to_url(self, value):
        return f"{int(value):02d}"


class YearConverter:
    """Four-digit years for the archives: /2024/."""

    regex = "[1-9][0-9]{3}"

    def to_python(self, value):
        return int(value)

    def to_url(self, value):
        return str(value)


register_converter(MonthConverter, "mm")
register_converter(YearConverter, "yyyy")

app_name = "blog"
urlpatterns = [
    path("", views.home, name="home"),
    path("search/", views.search, name="search"),
    path("archives/", views.archives, name="archives"),
    path("feed/", feeds.LatestPostsFeed(), name="feed"),
    path("feed/atom/", feeds.LatestPostsAtomFeed(), name="atom_feed"),
    path("sitemap.xml", sitemap, {"sitemaps": SITEMAPS}, name="sitemap"),
    path("robots.txt", views.robots_txt, name="robots_txt"),
    path("favicon.ico", views.favicon, name="favicon"),
    path("category/<slug:slug>/", views.category, name="category"),
    path("category/<slug:slug>/feed/", feeds.CategoryFeed(), name="category_feed"),
    path("category/<slug:slug>/feed/atom/", feeds.CategoryAtomFeed(), name="category_atom_feed"),
    path("tag/<slug:slug>/", views.tag, name="tag"),
    path("tag/<slug:slug>/feed/", feeds.TagFeed(), name="tag_feed"),
    path("tag/<slug:slug>/feed/atom/", feeds.TagAtomFeed(), name="tag_atom_feed"),
    path("<yyyy:year>/", views.year_archive, name="year"),
    path("<yyyy:year>/<mm:month>/", views.month_archive, name="month"),
    path("<int:year>/<mm:month>/<slug:slug>/", views.post_detail, name="post"),
    path(
        "<int:year>/<mm:month>/<slug:slug>/comment-page-<int:comment_page>/",
        views.post_detail,
        name="post_comment_page",
    ),
    path("<int:year>/<mm:month>/<slug:slug>/feed/", PostCommentsFeed(), name="post_comments_feed"),
    path(
        "<int:year>/<mm:month>/<slug:slug>/feed/atom/",
        PostCommentsAtomFeed(),
        name="post_comments_atom_feed",
    ),
    # Last, after every other address of the site: standalone pages at /<slug>/.
    path("<slug:slug>/", views.page_detail, name="page"),
]
