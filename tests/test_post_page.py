import importlib
from datetime import timedelta

import pytest
from django.apps import apps
from django.urls import reverse
from django.utils import timezone

from blog.models import DonationLink, Post, SiteIdentity

pytestmark = pytest.mark.django_db


def test_post_lives_at_year_month_slug(client, make_post):
    post = make_post(
        "Budget day", slug="budget-day", body="The *whole* story.",
        publish_at=timezone.now().replace(year=2024, month=3, day=5),
    )

    assert post.get_absolute_url() == "/2024/03/budget-day/"
    page = client.get("/2024/03/budget-day/").content.decode()

    assert "<h1 class=\"post-title\">Budget day</h1>" in page
    assert "<em>whole</em>" in page
    assert "Wren Writer" in page
    assert "5 March 2024" in page


def test_wrong_year_or_month_redirects_to_the_permanent_address(client, make_post):
    make_post(slug="moved", publish_at=timezone.now().replace(year=2024, month=3, day=5))

    response = client.get("/2023/11/moved/")

    assert response.status_code == 301
    assert response["Location"] == "/2024/03/moved/"


def test_unknown_slug_is_404(client, db):
    assert client.get("/2024/03/nothing-here/").status_code == 404


def neighbours(client, post):
    """The addresses the post's Previous and Next links lead to."""
    response = client.get(post.get_absolute_url())
    found = response.context["previous_post"], response.context["next_post"]
    return tuple(link and link.get_absolute_url() for link in found)


def addresses(*posts):
    return tuple(post and post.get_absolute_url() for post in posts)


def test_previous_and_next_name_the_neighbouring_posts(client, make_post):
    first = make_post("First", days_ago=3)
    second = make_post("Second", days_ago=2)
    third = make_post("Third", days_ago=1)

    assert neighbours(client, first) == addresses(None, second)
    assert neighbours(client, second) == addresses(first, third)
    assert neighbours(client, third) == addresses(second, None)

    page = client.get(second.get_absolute_url()).content.decode()
    assert "Previous</span> First" in page
    assert "Next</span> Third" in page


def test_no_previous_or_next_link_at_the_ends(client, make_post):
    only = make_post("Alone")

    page = client.get(only.get_absolute_url()).content.decode()

    assert 'rel="prev"' not in page
    assert 'rel="next"' not in page


def test_drafts_and_future_posts_are_never_neighbours(client, make_post):
    first = make_post("First", days_ago=4)
    make_post("Draft between", days_ago=3, status=Post.Status.DRAFT)
    second = make_post("Second", days_ago=2)
    make_post("Scheduled", days_ago=-1)

    assert neighbours(client, first) == addresses(None, second)
    assert neighbours(client, second) == addresses(first, None)


def test_a_scheduled_post_becomes_the_next_one_when_its_time_comes(client, make_post, clock):
    first = make_post("First", days_ago=1)
    scheduled = make_post("Scheduled", days_ago=-1)
    assert neighbours(client, first) == addresses(None, None)

    clock.advance(days=2)
    assert neighbours(client, first) == addresses(None, scheduled)


def test_posts_with_the_same_publish_time_order_stably_by_id(client, make_post):
    moment = timezone.now() - timedelta(days=1)
    a = make_post("A", publish_at=moment)
    b = make_post("B", publish_at=moment)
    c = make_post("C", publish_at=moment)

    assert neighbours(client, a) == addresses(None, b)
    assert neighbours(client, b) == addresses(a, c)
    assert neighbours(client, c) == addresses(b, None)
    home_titles = [p.title for p in client.get("/").context["posts"]]
    assert home_titles == ["C", "B", "A"]


def test_scheduled_post_goes_live_when_its_time_passes(client, make_post, clock):
    post = make_post("Tomorrow's news", publish_at=timezone.now() + timedelta(hours=2))

    assert client.get(post.get_absolute_url()).status_code == 404
    assert "Tomorrow's news" not in client.get("/").content.decode()

    clock.advance(hours=3)

    assert client.get(post.get_absolute_url()).status_code == 200
    assert "Tomorrow&#x27;s news" in client.get("/").content.decode()


def test_author_can_preview_a_draft(client, make_post, author):
    draft = make_post("Work in progress", status=Post.Status.DRAFT)
    client.force_login(author)

    response = client.get(draft.get_absolute_url())

    assert response.status_code == 200
    assert "Draft preview" in response.content.decode()


def test_draft_is_404_for_readers_and_other_users(client, make_post, reader):
    draft = make_post("Work in progress", status=Post.Status.DRAFT)

    assert client.get(draft.get_absolute_url()).status_code == 404
    client.force_login(reader)
    assert client.get(draft.get_absolute_url()).status_code == 404


def test_donation_block_lists_active_links_under_the_appeal(client, make_post):
    post = make_post()
    DonationLink.objects.create(label="Buy me a coffee", url="https://example.org/c", order=2)
    DonationLink.objects.create(label="Monthly support", url="https://example.org/m", order=1)
    DonationLink.objects.create(label="Old link", url="https://example.org/o", active=False)
    identity = SiteIdentity.load()
    identity.donation_appeal = "Reading is free; writing is not."
    identity.save()

    page = client.get(post.get_absolute_url()).content.decode()

    assert "Reading is free; writing is not." in page
    assert page.index("Monthly support") < page.index("Buy me a coffee")
    assert "Old link" not in page


def test_no_donation_block_without_active_links(client, make_post):
    post = make_post()
    DonationLink.objects.create(label="Old link", url="https://example.org/o", active=False)

    page = client.get(post.get_absolute_url()).content.decode()

    assert "Support this blog" not in page
    assert 'class="donations"' not in page


def test_site_identity_edits_show_without_a_deploy(client, make_post):
    post = make_post()
    client.get(post.get_absolute_url())  # warm the cache
    identity = SiteIdentity.load()
    identity.footer_text = "Printed on recycled electrons."
    identity.save()

    assert "Printed on recycled electrons." in client.get(post.get_absolute_url()).content.decode()


def test_excerpt_is_derived_from_the_body_when_empty(make_post):
    post = make_post(body="First sentence here. " + "More words follow. " * 80)
    written = make_post(body="Body text.", excerpt="A hand-written summary.")

    assert post.summary.startswith("First sentence here.")
    assert post.summary.endswith("…")
    assert written.summary == "A hand-written summary."


def test_an_excerpt_from_the_body_keeps_the_quoted_passage(make_post, client):
    post = make_post(
        body="As the minister put it on Tuesday,\n\n<blockquote>the budget is balanced\n"
        "and fair,</blockquote>\n\nwhich it is not.\n\n## What is in it\n\n- A cut\n- A rise\n\n"
        "> The committee did not vote.\n\nLines end  \nwith breaks."
    )

    expected = (
        "As the minister put it on Tuesday, the budget is balanced and fair, which it is not. "
        "The committee did not vote. Lines end with breaks."
    )
    assert post.summary == expected  # headings and lists stay out, as before
    assert expected in client.get("/").content.decode()


def test_excerpt_shows_typographic_quotes_as_characters(client, make_post):
    make_post("Quotes", body='The council\'s "review" -- of *everything*.')

    page = client.get("/").content.decode()

    assert "The council’s “review” – of everything." in page
    assert "&amp;rsquo;" not in page and "&amp;ldquo;" not in page


def test_page_title_names_the_post_and_the_blog(client, make_post):
    post = make_post("Flood defences")

    page = client.get(post.get_absolute_url()).content.decode()

    assert "<title>Flood defences — Broadsheet</title>" in page
    assert reverse("blog:home") in page


def test_summaries_stored_before_are_derived_again_by_the_data_migration(make_post):
    quoted = make_post(body="He said\n\n<blockquote>no,</blockquote>\n\ntwice.")
    written = make_post(body="He said\n\n<blockquote>no.</blockquote>", excerpt="Mine.")
    Post.objects.filter(pk=quoted.pk).update(summary="He said twice.")  # as stored before
    migration = importlib.import_module("blog.migrations.0007_summaries_keep_quotations")

    migration.summarize_again(apps, schema_editor=None)

    assert Post.objects.get(pk=quoted.pk).summary == "He said no, twice."
    assert Post.objects.get(pk=written.pk).summary == "Mine."
