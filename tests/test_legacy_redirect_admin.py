import pytest
from django.urls import reverse

from blog.models import LegacyRedirect

pytestmark = pytest.mark.django_db


def test_author_adds_an_old_address_in_the_admin_and_it_redirects(client, editor, make_post):
    post = make_post(slug="new-home")
    client.force_login(editor)

    response = client.post(
        reverse("admin:blog_legacyredirect_add"),
        {"old_path": "/2014/03/old-slug/", "post": post.pk, "page": "", "url": ""},
    )

    assert response.status_code == 302
    assert LegacyRedirect.objects.get().post == post
    client.logout()
    moved = client.get("/2014/03/old-slug/")
    assert moved.status_code == 301
    assert moved["Location"] == post.get_absolute_url()
