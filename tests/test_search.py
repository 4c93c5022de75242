"""Search at /search/?q=: published posts by title, body, excerpt and tags, with snippets.

Full-text search on PostgreSQL, a simpler word search on SQLite; the rules a reader sees
hold on both.
"""

import pytest
from django.db import connection

from blog.models import Post, SiteIdentity
from tests.filing import file_post

pytestmark = pytest.mark.django_db

on_postgresql = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="full-text search is PostgreSQL's"
)


def search(client, query, **params):
    return client.get("/search/", {"q": query, **params})


def titles_found(response):
    return [hit.post.title for hit in response.context["hits"]]


@pytest.mark.parametrize(
    "fields",
    [
        {"title": "Flooding on Mill Lane"},
        {"body": "The river wall is delayed again, and the flooding insurance doubled."},
        {"excerpt": "Why the flooding maps are wrong."},
    ],
    ids=["title", "body", "excerpt"],
)
def test_search_finds_a_post_by_its_title_body_or_excerpt(client, make_post, fields):
    fields = {"title": "A post", **fields}
    make_post(fields.pop("title"), **fields)
    make_post("Something else", body="Nothing to see.")

    response = search(client, "flooding")

    assert response.status_code == 200
    assert len(response.context["hits"]) == 1
    assert "1 post found." in response.content.decode()


def test_search_finds_a_post_by_its_tag(client, make_post):
    file_post(make_post("Road works", body="Cones everywhere."), ["Council"], ["potholes"])
    make_post("Something else", body="Nothing to see.")

    assert titles_found(search(client, "potholes")) == ["Road works"]


def test_search_needs_every_word(client, make_post):
    make_post("Council budget", body="Money.")
    make_post("Council meeting", body="Minutes.")

    assert titles_found(search(client, "council budget")) == ["Council budget"]


def test_search_never_shows_drafts_or_scheduled_posts(client, make_post):
    make_post("Flood draft", status=Post.Status.DRAFT)
    make_post("Flood tomorrow", days_ago=-1)
    make_post("Flood today")

    assert titles_found(search(client, "flood")) == ["Flood today"]


def test_search_finds_posts_kept_off_the_home_page(client, make_post):
    make_post("Flood housekeeping", show_on_home=False)

    assert titles_found(search(client, "flood")) == ["Flood housekeeping"]


def test_title_matches_come_before_body_matches(client, make_post):
    make_post("Weekly notes", body="A word on the bypass, and more.", days_ago=1)
    make_post("The bypass", body="Roads.", days_ago=20)

    assert titles_found(search(client, "bypass")) == ["The bypass", "Weekly notes"]


def test_search_shows_a_snippet_with_the_match_highlighted(client, make_post):
    body = " ".join(["Filler words before."] * 40 + ["The consultancy line is 2.4 million."]
                    + ["Filler words after."] * 40)  # fmt: skip
    make_post("Council budget", body=body)

    page = search(client, "consultancy").content.decode()

    assert "<mark>consultancy</mark>" in page
    assert "line is 2.4 million" in page


def test_snippet_shows_the_posts_text_not_its_markup(client, make_post):
    make_post("Roads", body="The **bypass** keeps [every penny](https://example.org/fund) & more.")

    page = search(client, "bypass").content.decode()
    snippet = page[page.index('class="post-excerpt"') :]
    snippet = snippet[: snippet.index("</p>")]

    assert "<mark>bypass</mark>" in snippet
    assert "every penny" in snippet
    assert "https://example.org/fund" not in snippet
    assert "<strong>" not in snippet and "**" not in snippet
    assert "&amp; more" in snippet


def test_html_in_a_post_shows_as_text_in_its_snippet(client, make_post):
    make_post("Markup", body="Write `<script>alert(1)</script>` to test a form for markup.")

    page = search(client, "markup").content.decode()

    assert "<script>alert(1)</script>" not in page
    assert "&lt;script&gt;" in page


@pytest.mark.parametrize(
    "query",
    [
        "<script>alert(1)</script>",
        '"><img src=x onerror=alert(1)>',
        "'; DROP TABLE blog_post; --",
        "1' OR '1'='1",
        "flood\x00ing",
        "\x00\x00\x00",
        "x" * 10_000,
        "flood " * 500,
        "!!! ??? ...",
        "%",
        "_",
        "\\",
        "& | ! ( ) : *",
        '"unclosed quote',
        "-",
        "or",
        "   ",
        "日本語",
        "\u202e\u200b",
    ],
)
def test_any_query_gets_a_friendly_page(client, make_post, query):
    make_post("Flooding again", body="The river rose.")

    response = search(client, query)

    page = response.content.decode()
    assert response.status_code == 200
    assert 'action="/search/"' in page
    assert "<script>alert(1)</script>" not in page
    assert "<img src=x" not in page
    assert Post.objects.count() == 1


def test_query_is_shown_escaped(client, make_post):
    page = search(client, "<b>flood</b>").content.decode()

    assert "Search results for “&lt;b&gt;flood&lt;/b&gt;”" in page
    assert "<b>flood</b>" not in page


def test_punctuation_only_query_says_there_is_nothing_to_look_for(client, make_post):
    make_post("Flooding again")

    page = search(client, "!!! ...").content.decode()

    assert "try a word with letters or numbers" in page


def test_empty_search_invites_a_query(client, db):
    response = client.get("/search/")

    assert response.status_code == 200
    assert "<title>Search — Broadsheet</title>" in response.content.decode()
    assert "Type a word or two" in response.content.decode()


def test_no_match_says_so_and_suggests_the_archives(client, make_post):
    make_post("Flooding again")

    page = search(client, "zeppelin").content.decode()

    assert "No post matches “zeppelin”" in page
    assert 'href="/archives/"' in page


def test_search_results_paginate_and_keep_the_query(client, make_post):
    for day in range(1, 14):
        make_post(f"Flood report {day}", days_ago=day)

    first = search(client, "flood report")
    second = search(client, "flood report", page=2)

    assert len(first.context["hits"]) == 10
    assert len(second.context["hits"]) == 3
    assert 'href="/search/?q=flood+report&amp;page=2"' in first.content.decode()
    assert 'href="/search/?q=flood+report"' in second.content.decode()
    assert "13 posts found." in first.content.decode()


@pytest.mark.parametrize("page", ["0", "9", "abc", "99999999999999999999"])
def test_bad_page_of_results_is_the_styled_404(client, make_post, page):
    make_post("Flood report")

    response = search(client, "flood", page=page)

    assert response.status_code == 404
    assert 'class="site-header"' in response.content.decode()


def test_search_results_page_is_kept_out_of_search_engines(client, db):
    assert '<meta name="robots" content="noindex">' in search(client, "x").content.decode()


def test_every_page_has_a_search_box_in_its_header(client, make_post):
    post = make_post()

    for address in ("/", post.get_absolute_url(), "/archives/"):
        page = client.get(address).content.decode()
        header = page[page.index('<header class="site-header">') : page.index("</header>")]
        assert '<form class="site-search" role="search" action="/search/" method="get">' in header
        assert 'name="q"' in header


@on_postgresql
def test_postgresql_search_matches_other_forms_of_a_word(client, make_post):
    make_post("The councillors met", body="Three councils merged their budgets.")

    response = search(client, "council budget")

    assert titles_found(response) == ["The councillors met"]
    assert "<mark>budgets</mark>" in response.content.decode()


@on_postgresql
def test_postgresql_search_understands_quotes_and_minus(client, make_post):
    make_post("Bus franchising", body="The bus routes and the fares.")
    make_post("Bus shelters", body="New shelters on every route.")

    assert titles_found(search(client, '"bus franchising"')) == ["Bus franchising"]
    assert titles_found(search(client, "bus -shelters")) == ["Bus franchising"]


@pytest.fixture
def many_matches(make_post):
    SiteIdentity.load()
    for day in range(25):
        file_post(make_post(f"Flood report {day}", days_ago=day), ["Council"], ["flooding"])


def test_search_page_query_count(client, many_matches, django_assert_num_queries):
    search(client, "flood report")
    # The count of results, the page of results with their authors (and, on PostgreSQL,
    # rank and snippet), their categories, their tags.
    with django_assert_num_queries(4):
        response = search(client, "flood report", page=2)
    assert len(response.context["hits"]) == 10


def test_empty_search_runs_no_query(client, many_matches, django_assert_num_queries):
    client.get("/search/")
    with django_assert_num_queries(0):
        client.get("/search/", {"q": "  !!! "})
