"""Error pages keep the site's header and offer a search, so a reader is never stranded."""

import pytest
from django.db import connection
from django.template import loader
from django.test.utils import CaptureQueriesContext
from django.urls import path

from blog.models import Page, SiteIdentity
from config.urls import urlpatterns as site_urlpatterns

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("without_page_cache")]


def boom(request):
    raise RuntimeError("Something broke while showing this page.")


# The site's addresses plus one that fails, for the 500 page.
urlpatterns = [path("boom/", boom), *site_urlpatterns]


def search_form_in(page):
    return '<form class="search-form" role="search" action="/search/" method="get">' in page


def test_404_keeps_the_sites_header_menu_and_offers_a_search(client, author):
    identity = SiteIdentity.load()
    identity.title = "The Parish Pump"
    identity.save()
    Page.objects.create(title="About", slug="about", body="Hi.", author=author,
                        status=Page.Status.PUBLISHED)  # fmt: skip

    response = client.get("/no/such/address/")

    page = response.content.decode()
    assert response.status_code == 404
    assert "<title>Page not found — The Parish Pump</title>" in page
    assert '<header class="site-header">' in page
    assert 'rel="home">The Parish Pump</a>' in page
    assert '<a href="/about/">About</a>' in page
    assert search_form_in(page)
    assert '<label for="error-search-q">' in page
    assert '<meta name="robots" content="noindex">' in page


def test_404_for_a_missing_post_is_the_same_styled_page(client, db):
    response = client.get("/2024/03/nothing-here/")

    assert response.status_code == 404
    assert search_form_in(response.content.decode())


def test_500_page_renders_without_any_context_or_database():
    with CaptureQueriesContext(connection) as queries:
        page = loader.get_template("500.html").render()

    assert len(queries) == 0
    assert "Something went wrong" in page
    assert '<header class="site-header">' in page
    assert '<form class="site-search" role="search" action="/search/" method="get">' in page
    assert '<input type="search" id="site-search-q" name="q"' in page
    assert '<a href="/" rel="home">' in page
    assert "/static/css/site.css" in page


@pytest.mark.urls(__name__)
def test_a_failing_page_shows_the_styled_500(client):
    client.raise_request_exception = False

    response = client.get("/boom/")

    page = response.content.decode()
    assert response.status_code == 500
    assert "Something went wrong" in page
    assert 'action="/search/"' in page
    assert "RuntimeError" not in page
    assert "Something broke" not in page
