import pytest
from django.urls import reverse

from blog.models import Post

pytestmark = pytest.mark.django_db


def titles_on(response):
    return [post.title for post in response.context["posts"]]


def test_home_lists_newest_published_posts_first(client, make_post):
    make_post("Oldest", days_ago=3)
    make_post("Newest", days_ago=1)
    make_post("Middle", days_ago=2)
    make_post("Draft", status=Post.Status.DRAFT)
    make_post("Scheduled", days_ago=-2)

    response = client.get(reverse("blog:home"))

    assert response.status_code == 200
    assert titles_on(response) == ["Newest", "Middle", "Oldest"]
    assert b"Draft" not in response.content
    assert b"Scheduled" not in response.content


def test_home_shows_title_date_author_and_excerpt(client, make_post):
    make_post("Council budget", body="The committee met on Monday. " * 100, days_ago=1)

    page = client.get(reverse("blog:home")).content.decode()

    assert "Council budget" in page
    assert "Wren Writer" in page
    assert "The committee met on Monday." in page
    assert page.count("The committee met on Monday.") < 20  # an excerpt, not the body
    assert "<time" in page


def test_home_shows_site_title_and_tagline(client, make_post):
    from blog.models import SiteIdentity

    identity = SiteIdentity.load()
    identity.title = "The Parish Pump"
    identity.tagline = "Local politics, read closely"
    identity.save()

    page = client.get(reverse("blog:home")).content.decode()

    assert "The Parish Pump" in page
    assert "Local politics, read closely" in page


def test_home_paginates_ten_a_page_with_older_and_newer_links(client, make_post):
    for day in range(1, 24):
        make_post(f"Day {day}", days_ago=day)

    first = client.get(reverse("blog:home"))
    second = client.get(reverse("blog:home"), {"page": 2})
    third = client.get(reverse("blog:home"), {"page": 3})

    assert titles_on(first) == [f"Day {d}" for d in range(1, 11)]
    assert titles_on(second) == [f"Day {d}" for d in range(11, 21)]
    assert titles_on(third) == ["Day 21", "Day 22", "Day 23"]
    assert "Older posts" in first.content.decode()
    assert "Newer posts" not in first.content.decode()
    assert "Older posts" in second.content.decode() and "Newer posts" in second.content.decode()
    assert "Older posts" not in third.content.decode()


@pytest.mark.parametrize("page", ["0", "4", "-1", "abc", "1.5", "99999999999999999999", "%00"])
def test_bad_or_out_of_range_page_is_the_styled_404(client, make_post, page):
    for day in range(1, 24):
        make_post(days_ago=day)

    response = client.get(reverse("blog:home"), {"page": page})

    assert response.status_code == 404
    assert "Page not found" in response.content.decode()
    assert 'class="site-header"' in response.content.decode()


def test_empty_blog_home_says_so(client, db):
    response = client.get(reverse("blog:home"))

    assert response.status_code == 200
    assert "Nothing has been published yet." in response.content.decode()


def test_featured_posts_come_first_and_say_so(client, make_post):
    make_post("Newest", days_ago=1)
    make_post("Featured from last month", days_ago=30, sticky=True)
    make_post("Middle", days_ago=2)

    response = client.get(reverse("blog:home"))

    assert titles_on(response) == ["Featured from last month", "Newest", "Middle"]
    page = response.content.decode()
    assert page.count('<p class="featured-label">Featured</p>') == 1
    assert page.index("Featured</p>") < page.index("Featured from last month")


def test_featured_posts_stay_first_only_on_the_first_page(client, make_post):
    make_post("Featured", days_ago=40, sticky=True)
    for day in range(1, 15):
        make_post(f"Day {day}", days_ago=day)

    first = client.get(reverse("blog:home"))
    second = client.get(reverse("blog:home"), {"page": 2})

    assert titles_on(first)[0] == "Featured"
    assert "Featured" not in titles_on(second)


def test_post_kept_off_the_home_page_is_still_published_at_its_address(client, make_post):
    kept = make_post("Housekeeping", show_on_home=False)
    make_post("Listed")

    assert titles_on(client.get(reverse("blog:home"))) == ["Listed"]
    assert client.get(kept.get_absolute_url()).status_code == 200
    assert "Housekeeping" not in client.get("/feed/").content.decode()


def test_home_shows_each_posts_reading_time(client, make_post):
    make_post("Long read", body="word " * 1150)
    make_post("Short note", body="Just a line.")

    page = client.get(reverse("blog:home")).content.decode()

    assert '<span class="post-length">5 min read</span>' in page
    assert '<span class="post-length">1 min read</span>' in page


def test_post_page_shows_word_count_and_reading_time(client, make_post):
    post = make_post("Long read", body="word " * 1150)

    page = client.get(post.get_absolute_url()).content.decode()

    assert '<span class="post-length">1150 words, 5 min read</span>' in page
