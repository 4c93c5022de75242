"""Feeds: RSS and Atom for the blog, each category and each tag; comments for the blog and
each post. Parsed as XML and by a feed reader's parser (feedparser)."""

from xml.etree import ElementTree

import feedparser
import pytest

from blog.models import Post, SiteIdentity
from comments.models import Comment
from tests.filing import file_post

pytestmark = pytest.mark.django_db

ATOM = "{http://www.w3.org/2005/Atom}"


def read_feed(client, address):
    """The feed at `address`, checked to be well-formed XML, as feedparser reads it."""
    response = client.get(address)
    assert response.status_code == 200, address
    ElementTree.fromstring(response.content)  # raises on anything but well-formed XML
    feed = feedparser.parse(response.content)
    assert not feed.bozo, feed.get("bozo_exception")
    return response, feed


def entry_titles(feed):
    return [entry.title for entry in feed.entries]


@pytest.mark.parametrize(
    ("address", "content_type", "version"),
    [("/feed/", "application/rss+xml", "rss20"), ("/feed/atom/", "application/atom+xml", "atom10")],
)
def test_site_feed_lists_the_newest_posts_in_full(client, make_post, address, content_type,
                                                  version):  # fmt: skip
    make_post("Older", days_ago=2, body="The *older* story.")
    newer = make_post("Newer", days_ago=1, body="The **newer** story.")

    response, feed = read_feed(client, address)

    assert response["Content-Type"].startswith(content_type)
    assert feed.version == version
    assert feed.feed.title == "Broadsheet"
    assert feed.feed.link == "http://testserver/"
    assert entry_titles(feed) == ["Newer", "Older"]
    first = feed.entries[0]
    assert first.link == f"http://testserver{newer.get_absolute_url()}"
    assert "<strong>newer</strong>" in first.summary
    assert first.author == "Wren Writer"
    assert first.published_parsed[:3] == newer.publish_at.timetuple()[:3]


def test_feed_leaves_out_drafts_scheduled_posts_and_posts_kept_off_home(client, make_post):
    make_post("Live")
    make_post("Draft", status=Post.Status.DRAFT)
    make_post("Scheduled", days_ago=-1)
    make_post("Housekeeping", show_on_home=False)

    for address in ("/feed/", "/feed/atom/"):
        _, feed = read_feed(client, address)
        assert entry_titles(feed) == ["Live"]


def test_feed_carries_the_newest_posts_up_to_the_feed_length(client, make_post, settings):
    settings.BROADSHEET_FEED_LENGTH = 5
    for day in range(8):
        make_post(f"Day {day}", days_ago=day)

    _, feed = read_feed(client, "/feed/")

    assert entry_titles(feed) == [f"Day {day}" for day in range(5)]


def test_feed_names_each_posts_categories_and_tags(client, make_post):
    file_post(make_post("Budget"), ["Council"], ["roads"])

    _, feed = read_feed(client, "/feed/atom/")

    assert {tag.term for tag in feed.entries[0].tags} == {"Council", "roads"}


def test_titles_with_markup_characters_stay_well_formed(client, make_post):
    make_post("Tom & Jerry <b>say</b> “hi” ]]>")

    for address in ("/feed/", "/feed/atom/"):
        _, feed = read_feed(client, address)
        assert entry_titles(feed) == ["Tom & Jerry <b>say</b> “hi” ]]>"]


def test_feed_is_named_after_the_site(client, make_post):
    site = SiteIdentity.load()
    site.title, site.tagline = "The Parish Pump", "Local politics, read closely"
    site.save()
    make_post()

    _, rss = read_feed(client, "/feed/")
    _, atom = read_feed(client, "/feed/atom/")

    assert rss.feed.title == atom.feed.title == "The Parish Pump"
    assert rss.feed.subtitle == atom.feed.subtitle == "Local politics, read closely"


def test_category_and_tag_feeds_carry_only_their_posts(client, make_post):
    file_post(make_post("Budget", days_ago=1), ["Council"], ["money"])
    file_post(make_post("Turnout"), ["Elections"], ["votes"])
    file_post(make_post("Council housekeeping", show_on_home=False), ["Council"], ["money"])

    for address in ("/category/council/feed/", "/category/council/feed/atom/"):
        _, feed = read_feed(client, address)
        assert entry_titles(feed) == ["Budget"]
        assert feed.feed.title == "Broadsheet: Council"
        assert feed.feed.link == "http://testserver/category/council/"
    for address in ("/tag/votes/feed/", "/tag/votes/feed/atom/"):
        _, feed = read_feed(client, address)
        assert entry_titles(feed) == ["Turnout"]
        assert feed.feed.title == "Broadsheet: posts tagged “votes”"


@pytest.mark.parametrize(
    "address",
    ["/category/nothing/feed/", "/tag/nothing/feed/atom/", "/category/drafts/feed/",
     "/tag/drafts/feed/", "/2024/03/no-such-post/feed/"],
)  # fmt: skip
def test_feed_of_something_unpublished_or_unknown_is_404(client, make_post, address):
    file_post(make_post(status=Post.Status.DRAFT), ["Drafts"], ["drafts"])

    assert client.get(address).status_code == 404


@pytest.fixture
def conversation(make_post):
    post = make_post("Budget day", slug="budget-day")
    other = make_post("Turnout", slug="turnout")
    draft = make_post("Draft", status=Post.Status.DRAFT)
    said = {
        "approved": Comment.objects.create(
            post=post, author_name="Priya", author_email="priya@example.net",
            author_url="https://priya.example.net/", ip_address="203.0.113.7",
            body="The road fund cut worries me.", status=Comment.Status.APPROVED,
        ),
        "other": Comment.objects.create(
            post=other, author_name="Tom", author_email="tom@example.net",
            ip_address="203.0.113.8", body="Polling stations moved.",
            status=Comment.Status.APPROVED,
        ),
        "pending": Comment.objects.create(
            post=post, author_name="Newcomer", author_email="new@example.net",
            ip_address="203.0.113.9", body="Waiting for a moderator.",
        ),
        "spam": Comment.objects.create(
            post=post, author_name="Cheap pills", author_email="spam@example.net",
            body="Buy now.", status=Comment.Status.SPAM,
        ),
        "on a draft": Comment.objects.create(
            post=draft, author_name="Early bird", body="First!", status=Comment.Status.APPROVED,
        ),
    }  # fmt: skip
    return post, said


@pytest.mark.parametrize("address", ["/comments/feed/", "/comments/feed/atom/"])
def test_comments_feed_lists_approved_comments_on_published_posts(client, conversation, address):
    response, feed = read_feed(client, address)

    assert sorted(entry_titles(feed)) == ["Priya on “Budget day”", "Tom on “Turnout”"]
    priya = next(entry for entry in feed.entries if entry.title.startswith("Priya"))
    approved = conversation[1]["approved"]
    assert priya.link == f"http://testserver/comments/{approved.pk}/"
    assert client.get(priya.link)["Location"].endswith(f"/budget-day/#comment-{approved.pk}")
    assert "<p>The road fund cut worries me.</p>" in priya.summary
    assert priya.author == "Priya"
    text = response.content.decode()
    for hidden in ("Newcomer", "Cheap pills", "Early bird", "Waiting for a moderator"):
        assert hidden not in text


@pytest.mark.parametrize("suffix", ["feed/", "feed/atom/"])
def test_post_comments_feed_lists_that_posts_approved_comments(client, conversation, suffix):
    post, _ = conversation

    response, feed = read_feed(client, post.get_absolute_url() + suffix)

    assert entry_titles(feed) == ["Priya on “Budget day”"]
    assert feed.feed.title == "Comments on “Budget day”"
    assert feed.feed.link == f"http://testserver{post.get_absolute_url()}"


@pytest.mark.parametrize(
    "address", ["/comments/feed/", "/comments/feed/atom/", "{post}feed/", "{post}feed/atom/"]
)
def test_comment_feeds_never_show_emails_or_ip_addresses(client, conversation, address):
    post, _ = conversation

    text = client.get(address.format(post=post.get_absolute_url())).content.decode()

    assert "@example.net" not in text
    assert "203.0.113." not in text


def test_every_page_announces_the_site_feeds(client, make_post):
    post = make_post()

    for address in ("/", post.get_absolute_url(), "/archives/", "/search/", "/nowhere/"):
        page = client.get(address).content.decode()
        head = page[: page.index("</head>")]
        assert '<link rel="alternate" type="application/rss+xml"' in head
        assert 'href="/feed/"' in head and 'href="/feed/atom/"' in head


def test_post_page_announces_its_comments_feed(client, make_post):
    post = make_post("Budget day")

    page = client.get(post.get_absolute_url()).content.decode()

    assert (
        '<link rel="alternate" type="application/rss+xml" title="Comments on “Budget day” (RSS)" '
        f'href="{post.get_absolute_url()}feed/">'
    ) in page


@pytest.fixture
def busy_blog(make_post):
    SiteIdentity.load()
    posts = [
        file_post(make_post(days_ago=day), ["Council", "National"], ["budget", "roads"])
        for day in range(25)
    ]
    for post in posts[:5]:
        for n in range(5):
            Comment.objects.create(post=post, author_name=f"Reader {n}", body="Agreed.",
                                   status=Comment.Status.APPROVED)  # fmt: skip
    return posts


@pytest.mark.parametrize(
    ("address", "queries"),
    [
        # The posts with their authors, their categories, their tags.
        ("/feed/", 3),
        ("/feed/atom/", 3),
        # The category (or tag), then as above.
        ("/category/council/feed/", 4),
        ("/tag/roads/feed/atom/", 4),
        # The comments with their posts.
        ("/comments/feed/", 1),
        # The post, its comments.
        ("{post}feed/", 2),
    ],
)
def test_feed_query_counts(client, busy_blog, address, queries, django_assert_num_queries):
    address = address.format(post=busy_blog[0].get_absolute_url())
    client.get(address)
    with django_assert_num_queries(queries):
        response = client.get(address)
    assert response.status_code == 200


def test_a_title_with_a_control_character_keeps_the_feeds_readable(client, make_post):
    post = make_post("Budget\x0c day\x00", body="Text with a form feed\x0c here.")
    response = client.get("/feed/")
    assert response.status_code == 200
    assert "Budget day" in response.content.decode()
    assert post.title == "Budget day"
