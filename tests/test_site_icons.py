"""The blog's own icons, linked from every page and found where browsers look for them,
and a home page that describes itself to search engines."""

import pytest
from django.contrib.staticfiles import finders
from django.urls import reverse
from PIL import Image

from blog.models import SiteIdentity
from tests.commenting import text

pytestmark = pytest.mark.django_db


def test_every_page_links_the_svg_icon_and_the_touch_icon(client, make_post):
    post = make_post("Budget day")

    for address in ("/", post.get_absolute_url(), reverse("blog:archives")):
        page = text(client.get(address))
        assert '<link rel="icon" href="/static/img/favicon.svg" type="image/svg+xml">' in page
        assert '<link rel="apple-touch-icon" href="/static/img/apple-touch-icon.png">' in page


def test_the_icons_are_among_the_static_files_at_the_sizes_browsers_expect():
    assert "<svg" in open(finders.find("img/favicon.svg")).read()
    with Image.open(finders.find("img/apple-touch-icon.png")) as touch:
        assert touch.format == "PNG" and touch.size == (180, 180)
    with Image.open(finders.find("img/favicon.ico")) as icon:
        assert icon.format == "ICO" and (32, 32) in icon.info["sizes"]


def test_favicon_ico_asked_for_directly_leads_to_the_icon(client):
    response = client.get("/favicon.ico")

    assert response.status_code == 302
    assert response["Location"] == "/static/img/favicon.ico"


def test_the_home_page_is_described_by_the_sites_tagline(client, make_post):
    make_post()
    identity = SiteIdentity.load()
    identity.tagline = "Local politics, read closely"
    identity.save()

    page = text(client.get("/"))

    assert '<meta name="description" content="Local politics, read closely">' in page
