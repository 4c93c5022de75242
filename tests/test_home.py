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
