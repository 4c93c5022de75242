"""Inserting an image while writing: the post form lists the uploaded images with their
thumbnails and alt text, finds older ones by their words, and uploads another in a popup."""

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Permission
from django.urls import reverse

from blog.models import Image, Post
from tests.test_images import picture_file, upload

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("without_page_cache")]


@pytest.fixture
def harbour_images(client, editor):
    """Two images uploaded through the admin, the editor still logged in."""
    client.force_login(editor)
    for alt_text, caption in [("Boats in the harbour at dawn", ""),
                              ("The lighthouse <in fog>", "Taken from the pier")]:  # fmt: skip
        response = upload(client, picture_file(size=(1200, 800)), alt_text, caption)
        assert response.status_code == 302, response.content.decode()[:2000]
    return {image.alt_text: image for image in Image.objects.all()}


def picker(page):
    html = page.content.decode()
    start = html.index('<div class="image-picker"')
    return html[start : html.index("</ul>", start)]


@pytest.mark.parametrize("form", ["new post", "post", "new page"])
def test_post_and_page_forms_list_the_images_with_thumbnails_alt_text_and_insert_buttons(
    client, harbour_images, make_post, form
):
    address = {
        "new post": lambda: reverse("admin:blog_post_add"),
        "post": lambda: reverse("admin:blog_post_change", args=[make_post().pk]),
        "new page": lambda: reverse("admin:blog_page_add"),
    }[form]()

    shown = picker(client.get(address))

    assert 'data-body="id_body"' in shown
    for image in harbour_images.values():
        thumbnail = image.best_variant(128)
        assert f'<img src="{thumbnail.url}" width="64"' in shown
        assert thumbnail.width < image.width  # a small copy, not the original
    dawn = harbour_images["Boats in the harbour at dawn"]
    assert f'data-markdown="![Boats in the harbour at dawn](image:{dawn.pk})"' in shown
    assert "Insert “Boats in the harbour at dawn” at the cursor" in shown
    fog = harbour_images["The lighthouse <in fog>"]
    assert "The lighthouse &lt;in fog&gt;" in shown and "<in fog>" not in shown
    assert f"(image:{fog.pk})" in shown
    assert shown.index("The lighthouse") < shown.index("Boats in the harbour")  # newest first


def test_the_upload_link_opens_the_image_form_as_the_admins_popup(client, harbour_images):
    form = client.get(reverse("admin:blog_post_add")).content.decode()

    upload_link = f'href="{reverse("admin:blog_image_add")}?_to_field=id&amp;_popup=1"'
    assert upload_link in form
    assert 'id="add_id_body_images"' in form and 'data-popup="yes"' in form
    assert '<input type="hidden" id="id_body_images"' in form  # where the popup answers
    assert "js/image-picker.js" in form
    popup = client.get(reverse("admin:blog_image_add"), {"_to_field": "id", "_popup": "1"})
    assert popup.status_code == 200 and 'name="_popup"' in popup.content.decode()


def test_an_upload_from_the_popup_answers_the_post_form_and_joins_the_list(
    client, harbour_images
):
    response = client.post(
        reverse("admin:blog_image_add") + "?_to_field=id&_popup=1",
        {"file": picture_file("market.jpg"), "alt_text": "Market stalls", "caption": "",
         "_popup": "1", "_to_field": "id"},
    )  # fmt: skip

    market = Image.objects.get(alt_text="Market stalls")
    assert "popup_response.js" in response.content.decode()
    assert f"&quot;value&quot;: &quot;{market.pk}&quot;" in response.content.decode()
    choices = client.get(reverse("admin:blog_post_image_choices")).content.decode()
    assert f"![Market stalls](image:{market.pk})" in choices
    assert choices.index("Market stalls") < choices.index("Boats in the harbour")


def test_the_picker_finds_images_by_alt_text_or_caption(client, harbour_images):
    def found(query):
        choices = client.get(reverse("admin:blog_post_image_choices"), {"q": query})
        return [alt for alt in harbour_images if alt.replace("<", "&lt;")[:14] in
                choices.content.decode()]  # fmt: skip

    assert found("dawn") == ["Boats in the harbour at dawn"]
    assert found("PIER") == ["The lighthouse <in fog>"]
    assert found("camel") == []
    empty = client.get(reverse("admin:blog_post_image_choices"), {"q": "camel"})
    assert "No image’s alt text or caption has “camel” in it." in empty.content.decode()
    assert found("da\x00wn") == ["Boats in the harbour at dawn"]  # a NUL is dropped, no error


def test_the_inserted_markdown_places_the_image_in_the_post(client, editor, harbour_images):
    dawn = harbour_images["Boats in the harbour at dawn"]
    choices = client.get(reverse("admin:blog_post_image_choices")).content.decode()
    markdown = f"![Boats in the harbour at dawn](image:{dawn.pk})"
    assert f'data-markdown="{markdown}"' in choices

    post = Post.objects.create(title="Harbour", slug="harbour", author=editor,
                               body=f"Morning.\n\n{markdown}\n")  # fmt: skip

    assert f'src="{dawn.src}"' in post.body_html
    assert 'alt="Boats in the harbour at dawn"' in post.body_html


def post_form_for_staff_who_may(client, *codenames):
    """The new-post form as a staff member with only these permissions sees it."""
    writer = get_user_model().objects.create_user("columnist", is_staff=True)
    writer.user_permissions.add(*Permission.objects.filter(codename__in=codenames))
    client.force_login(writer)
    return client.get(reverse("admin:blog_post_add")).content.decode()


def test_someone_who_may_write_posts_but_not_see_images_gets_no_picker(client):
    form = post_form_for_staff_who_may(client, "view_post", "change_post", "add_post")

    assert 'name="body"' in form and "image-picker" not in form
    assert client.get(reverse("admin:blog_post_image_choices")).status_code == 403


def test_someone_who_may_see_images_but_not_upload_gets_no_upload_link(client):
    form = post_form_for_staff_who_may(client, "add_post", "view_image")

    assert "image-picker" in form and "Upload an image" not in form
