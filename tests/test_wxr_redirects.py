"""Old WordPress addresses answer with a 301 to where the post or page lives now."""

import pytest
from django.core.management import call_command

from blog.models import LegacyRedirect, Page, Post
from tests.wxr_files import OLD_BLOG

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("without_page_cache")]


@pytest.fixture
def imported():
    call_command("import_wxr", str(OLD_BLOG), verbosity=0)


def test_plain_post_links_redirect_to_the_post(client, imported):
    response = client.get("/?p=101")

    assert response.status_code == 301
    assert response["Location"] == "/2019/03/the-pothole-on-mill-lane/"


def test_plain_links_work_on_any_path(client, imported):
    response = client.get("/index.php?p=108")

    assert response.status_code == 301
    assert response["Location"] == Post.objects.get(wordpress_id=108).get_absolute_url()


def test_plain_page_links_redirect_to_the_page(client, imported):
    response = client.get("/?page_id=201")

    assert response.status_code == 301
    assert response["Location"] == "/about-the-pump/"
    assert client.get(response["Location"]).status_code == 200


def test_plain_links_to_drafts_or_unknown_ids_are_not_answered(client, imported):
    assert client.get("/?p=102").status_code == 200  # a draft: the home page, as if no ?p
    assert client.get("/?p=999999").status_code == 200
    assert client.get("/?p=not-a-number").status_code == 200


def test_an_old_permalink_that_differs_redirects(client, imported):
    response = client.get("/archives/108")

    assert response.status_code == 301
    assert response["Location"] == "/2021/04/bus-timetable-changes/"


def test_a_changed_slug_keeps_its_old_address(client, imported):
    post = Post.objects.get(wordpress_id=105)

    response = client.get("/2020/06/привет-мир/")

    assert response.status_code == 301
    assert response["Location"] == post.get_absolute_url() == "/2020/06/cafe-quotes/"
    assert client.get(response["Location"]).status_code == 200


def test_an_old_sub_page_address_redirects_to_the_page(client, imported):
    response = client.get("/about-the-pump/contact/")

    assert response.status_code == 301
    assert response["Location"] == Page.objects.get(wordpress_id=202).get_absolute_url()


def test_the_old_address_is_found_with_or_without_its_slash(client, imported):
    response = client.get("/archives/108/")

    assert response.status_code == 301
    assert response["Location"] == "/2021/04/bus-timetable-changes/"


def test_a_redirect_to_a_post_that_is_no_longer_public_is_a_404(client, imported):
    Post.objects.filter(wordpress_id=108).update(status=Post.Status.DRAFT)

    assert client.get("/archives/108").status_code == 404


def test_a_redirect_follows_its_post_when_the_slug_changes(client, imported):
    post = Post.objects.get(wordpress_id=108)
    post.slug = "the-42-bus"
    post.save()

    assert client.get("/archives/108")["Location"] == "/2021/04/the-42-bus/"


def test_a_redirect_can_point_at_any_url(client, db):
    LegacyRedirect.objects.create(old_path="/feed/rdf/", url="/feed/")

    response = client.get("/feed/rdf/")

    assert response.status_code == 301 and response["Location"] == "/feed/"


def test_normal_pages_cost_no_redirect_query(client, imported, django_assert_num_queries):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as queries:
        assert client.get("/2019/03/the-pothole-on-mill-lane/").status_code == 200

    assert not [q for q in queries if "legacyredirect" in q["sql"].lower()]
