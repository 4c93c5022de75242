"""Date archives: /<year>/, /<year>/<month>/ and the archive index at /archives/."""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone

from blog.models import Post, SiteIdentity

pytestmark = pytest.mark.django_db

UTC = ZoneInfo("UTC")


def on(year, month, day, hour=9):
    return datetime(year, month, day, hour, tzinfo=UTC)


def titles_on(response):
    return [post.title for post in response.context["posts"]]


@pytest.fixture
def two_years(make_post):
    make_post("Spring budget", publish_at=on(2024, 3, 5))
    make_post("March letters", publish_at=on(2024, 3, 20))
    make_post("April floods", publish_at=on(2024, 4, 2))
    make_post("Old news", publish_at=on(2023, 11, 1))
    make_post("Unfinished draft", publish_at=on(2024, 3, 10), status=Post.Status.DRAFT)


def test_year_archive_lists_that_years_published_posts_newest_first(client, two_years):
    response = client.get("/2024/")

    assert response.status_code == 200
    assert titles_on(response) == ["April floods", "March letters", "Spring budget"]
    page = response.content.decode()
    assert "Posts from 2024" in page
    assert "Old news" not in page
    assert "Unfinished draft" not in page


def test_year_archive_lists_its_months_with_post_counts(client, two_years):
    page = client.get("/2024/").content.decode()

    assert '<a href="/2024/04/">April</a> <span class="count">(1)</span>' in page
    assert '<a href="/2024/03/">March</a> <span class="count">(2)</span>' in page
    assert "November" not in page


def test_month_archive_lives_at_a_two_digit_month(client, two_years):
    response = client.get("/2024/03/")

    assert response.status_code == 200
    assert titles_on(response) == ["March letters", "Spring budget"]
    assert "Posts from March 2024" in response.content.decode()
    assert client.get("/2024/3/").status_code == 404


def test_scheduled_posts_stay_out_of_the_archives_until_their_time(client, make_post, clock):
    post = make_post("Next week's post", publish_at=timezone.now() + timedelta(days=7))
    month_archive = post.get_absolute_url().rsplit("/", 2)[0] + "/"  # /yyyy/mm/

    assert client.get(month_archive).status_code == 404
    clock.advance(days=8)
    assert titles_on(client.get(month_archive)) == ["Next week's post"]


@pytest.mark.parametrize(
    "address", ["/2022/", "/2024/05/", "/2024/13/", "/2024/00/", "/0999/", "/99999/", "/2024/3/"]
)
def test_archive_with_no_published_posts_is_the_styled_404(client, two_years, address):
    response = client.get(address)

    assert response.status_code == 404
    assert "Page not found" in response.content.decode()
    assert 'class="site-header"' in response.content.decode()


def test_a_year_of_drafts_only_is_a_404(client, make_post):
    make_post("Draft", publish_at=on(2021, 6, 1), status=Post.Status.DRAFT)

    assert client.get("/2021/").status_code == 404
    assert client.get("/2021/06/").status_code == 404


def test_archives_paginate_ten_a_page(client, make_post):
    for day in range(1, 24):
        make_post(f"March {day}", publish_at=on(2024, 3, day))

    first = client.get("/2024/03/")
    third = client.get("/2024/03/", {"page": 3})

    assert titles_on(first) == [f"March {day}" for day in range(23, 13, -1)]
    assert titles_on(third) == ["March 3", "March 2", "March 1"]
    assert 'href="/2024/03/?page=2"' in first.content.decode()
    assert "Page 3 of 3" in third.content.decode()
    assert client.get("/2024/03/", {"page": 4}).status_code == 404
    assert client.get("/2024/03/", {"page": "x"}).status_code == 404


def test_posts_kept_off_the_home_page_are_still_in_their_archives(client, make_post):
    make_post("Housekeeping", publish_at=on(2024, 3, 5), show_on_home=False)

    assert "Housekeeping" not in client.get("/").content.decode()
    assert titles_on(client.get("/2024/03/")) == ["Housekeeping"]


def test_months_follow_the_blogs_time_zone(client, make_post, settings):
    settings.TIME_ZONE = "Europe/Paris"
    # 22:30 UTC on 31 March is already April in Paris.
    post = make_post("Midnight post", publish_at=datetime(2024, 3, 31, 22, 30, tzinfo=UTC))

    assert post.get_absolute_url().startswith("/2024/04/")
    assert titles_on(client.get("/2024/04/")) == ["Midnight post"]
    assert client.get("/2024/03/").status_code == 404


def test_archive_index_lists_every_month_with_its_post_count(client, two_years):
    response = client.get("/archives/")

    page = response.content.decode()
    assert response.status_code == 200
    assert "<title>Archives — Broadsheet</title>" in page
    assert '<a class="archive-year" href="/2024/">2024</a>' in page
    assert '<a class="archive-year" href="/2023/">2023</a>' in page
    assert '<a href="/2024/03/">March</a> <span class="count">(2)</span>' in page
    assert '<a href="/2023/11/">November</a> <span class="count">(1)</span>' in page
    assert page.index("/2024/04/") < page.index("/2024/03/") < page.index("/2023/11/")


def test_archive_index_is_linked_from_every_page(client, two_years):
    assert '<a href="/archives/"' in client.get("/").content.decode()


def test_empty_blog_archive_index_says_so(client, db):
    assert "Nothing has been published yet." in client.get("/archives/").content.decode()


@pytest.fixture
def busy_year(make_post):
    SiteIdentity.load()
    for day in range(1, 26):
        make_post(publish_at=on(2024, 1 + day % 12, day))
    return 2024


def test_year_archive_query_count(client, busy_year, django_assert_num_queries):
    client.get("/2024/")
    # Months with counts, the paginator's count, the page of posts with their authors,
    # their categories, their tags.
    with django_assert_num_queries(5):
        client.get("/2024/")


def test_month_archive_query_count(client, busy_year, django_assert_num_queries):
    client.get("/2024/03/")
    # The paginator's count, the posts with their authors, categories, tags.
    with django_assert_num_queries(4):
        client.get("/2024/03/")


def test_archive_index_query_count(client, busy_year, django_assert_num_queries):
    client.get("/archives/")
    # Months with counts, categories with counts, tags with counts.
    with django_assert_num_queries(3):
        client.get("/archives/")
