"""Images: uploaded and checked in the admin, resized once, placed in posts with Markdown."""

import io
import re

import pytest
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from PIL import Image as Picture

from blog.models import Category, Image, Post

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("without_page_cache")]

ORIENTATION, CAMERA_MAKE = 0x0112, 0x010F


def picture_file(name="harbour.jpg", size=(2000, 1000), image_format="JPEG", exif=None):
    """A real image made with Pillow, as the browser would upload it."""
    picture = Picture.linear_gradient("L").resize(size).convert("RGB")
    buffer = io.BytesIO()
    options = {"exif": exif.tobytes()} if exif is not None else {}
    picture.save(buffer, image_format, **options)
    content_type = {"JPEG": "image/jpeg", "PNG": "image/png"}[image_format]
    return SimpleUploadedFile(name, buffer.getvalue(), content_type=content_type)


def upload(client, file, alt_text="Boats in the harbour at dawn", caption=""):
    return client.post(
        reverse("admin:blog_image_add"),
        {"file": file, "alt_text": alt_text, "caption": caption},
    )


@pytest.fixture
def admin_client(client, editor):
    client.force_login(editor)
    return client


@pytest.fixture
def uploaded(admin_client):
    """Upload an image through the admin and return it."""

    def make(**fields):
        file = fields.pop("file", None) or picture_file()
        response = upload(admin_client, file, **fields)
        assert response.status_code == 302, response.content.decode()[:3000]
        return Image.objects.get()

    return make


def post_form(editor, **overrides):
    category, _ = Category.objects.get_or_create(name="Harbour", slug="harbour")
    now = timezone.localtime()
    return {
        "title": "Morning at the harbour",
        "slug": "morning-at-the-harbour",
        "body": "The boats came in.",
        "excerpt": "",
        "status": "published",
        "publish_at_0": now.strftime("%Y-%m-%d"),
        "publish_at_1": (now - timezone.timedelta(minutes=5)).strftime("%H:%M:%S"),
        "author": editor.pk,
        "comments_open": "on",
        "show_on_home": "on",
        "categories": [category.pk],
        **overrides,
    }


def write_post(client, editor, **fields):
    response = client.post(reverse("admin:blog_post_add"), post_form(editor, **fields))
    assert response.status_code == 302, response.content.decode()[:3000]
    return Post.objects.get(slug=fields.get("slug", "morning-at-the-harbour"))


def stored_picture(name):
    with default_storage.open(name) as file:
        picture = Picture.open(file)
        picture.load()
        return picture


# --- Uploading --------------------------------------------------------------------------------


def test_an_upload_gets_narrower_copies_made_once_in_its_own_format(uploaded, media_root):
    image = uploaded()

    assert (image.width, image.height) == (2000, 1000)
    assert [v["width"] for v in image.variants] == [480, 960, 1600]
    for variant in image.variants:
        copy = stored_picture(variant["name"])
        assert copy.format == "JPEG"
        assert copy.size == (variant["width"], variant["height"])
        assert variant["height"] == variant["width"] // 2
        assert (media_root / variant["name"]).exists()  # the test's folder, not media/


def test_no_copy_is_made_wider_than_the_original(uploaded):
    image = uploaded(file=picture_file("chart.png", size=(700, 350), image_format="PNG"))

    assert [v["width"] for v in image.variants] == [480]
    assert stored_picture(image.variants[0]["name"]).format == "PNG"


def test_a_photo_is_stored_upright_and_without_camera_metadata(uploaded):
    exif = Picture.Exif()
    exif[ORIENTATION] = 6  # the camera was held sideways: turn 90° clockwise to show
    exif[CAMERA_MAKE] = "Pocket Camera"

    image = uploaded(file=picture_file(size=(1200, 600), exif=exif))

    assert (image.width, image.height) == (600, 1200)
    original = stored_picture(image.file.name)
    assert original.size == (600, 1200)
    assert not original.getexif()
    assert [(v["width"], v["height"]) for v in image.variants] == [(480, 960)]
    assert not stored_picture(image.variants[0]["name"]).getexif()


def test_a_text_file_renamed_to_jpg_is_refused(admin_client):
    fake = SimpleUploadedFile("holiday.jpg", b"Just some text.", content_type="image/jpeg")

    response = upload(admin_client, fake)

    assert response.status_code == 200
    assert "Upload a valid image" in response.content.decode()
    assert not Image.objects.exists()


def test_an_image_cut_short_is_refused(admin_client):
    whole = picture_file().read()
    truncated = SimpleUploadedFile("cut.jpg", whole[: len(whole) // 2], content_type="image/jpeg")

    response = upload(admin_client, truncated)

    assert response.status_code == 200
    assert "This image is damaged or incomplete" in response.content.decode()
    assert not Image.objects.exists()


def test_an_image_over_the_size_limit_is_refused(admin_client, settings):
    settings.BROADSHEET_IMAGE_MAX_BYTES = 1024

    response = upload(admin_client, picture_file())

    assert response.status_code == 200
    assert "an image may be at most 1.0\xa0KB" in response.content.decode()
    assert not Image.objects.exists()


def test_an_image_with_too_many_pixels_is_refused(admin_client, settings):
    settings.BROADSHEET_IMAGE_MAX_PIXELS = 1_000_000

    response = upload(admin_client, picture_file(size=(2000, 1000)))

    page = response.content.decode()
    assert "This image is 2000 × 1000 pixels" in page
    assert "at most 1 megapixels" in page
    assert not Image.objects.exists()


def test_alt_text_is_required(admin_client):
    response = upload(admin_client, picture_file(), alt_text="")

    assert response.status_code == 200
    assert "This field is required." in response.content.decode()
    assert not Image.objects.exists()


def test_the_image_page_shows_the_markdown_to_place_it(admin_client, uploaded):
    image = uploaded()

    page = admin_client.get(reverse("admin:blog_image_change", args=[image.pk])).content.decode()

    assert f"![Boats in the harbour at dawn](image:{image.pk})" in page


def test_uploaded_files_are_served_and_cached_for_a_year(client, uploaded):
    image = uploaded()

    response = client.get(image.file.url)

    assert response.status_code == 200
    assert response["Content-Type"] == "image/jpeg"
    assert "max-age=31536000" in response["Cache-Control"]
    assert client.get("/media/images/no-such-file.jpg").status_code == 404


# --- Placing images in posts --------------------------------------------------------------


def img_tags(html):
    return re.findall(r"<img [^>]*>", html)


def test_a_post_places_an_image_that_serves_the_copy_that_fits(admin_client, editor, uploaded):
    image = uploaded()

    post = write_post(admin_client, editor, body=f"Dawn:\n\n![Three boats](image:{image.pk})")
    page = admin_client.get(post.get_absolute_url()).content.decode()

    [img] = img_tags(page)
    urls = [default_storage.url(v["name"]) for v in image.variants]
    srcset = f"{urls[0]} 480w, {urls[1]} 960w, {urls[2]} 1600w, {image.file.url} 2000w"
    assert f'srcset="{srcset}"' in img
    assert f'src="{urls[1]}"' in img
    assert 'sizes="(max-width: 756px) 100vw, 756px"' in img
    assert 'width="2000"' in img and 'height="1000"' in img
    assert 'loading="lazy"' in img
    assert 'alt="Three boats"' in img


def test_the_image_own_alt_text_is_used_when_the_markdown_gives_none(
    admin_client, editor, uploaded
):
    image = uploaded()

    post = write_post(admin_client, editor, body=f"![](image:{image.pk})")

    assert 'alt="Boats in the harbour at dawn"' in post.body_html


def test_an_image_with_a_caption_alone_in_its_paragraph_becomes_a_figure(
    admin_client, editor, uploaded
):
    image = uploaded(caption="The fleet returns, 6 a.m.")

    post = write_post(admin_client, editor, body=f"![Boats](image:{image.pk})\n\nThen rain.")

    assert re.search(
        r"<figure><img [^>]+><figcaption>The fleet returns, 6 a.m.</figcaption>\s*</figure>",
        post.body_html,
    )
    inline = write_post(admin_client, editor, slug="inline", body=f"See ![x](image:{image.pk}).")
    assert "<figure>" not in inline.body_html


def test_an_unknown_image_shows_a_visible_note_not_an_error(admin_client, editor):
    post = write_post(
        admin_client, editor,
        body="![Gone](image:424242)\n\n![Nonsense](image:99999999999999999999999)",
    )  # fmt: skip

    response = admin_client.get(post.get_absolute_url())

    assert response.status_code == 200
    page = response.content.decode()
    assert "<mark>[image:424242 is not an uploaded image]</mark>" in page
    assert "is not an uploaded image" in page.split("424242", 1)[1]
    assert not img_tags(page)


def test_changing_an_image_caption_updates_the_posts_that_show_it(
    admin_client, editor, uploaded
):
    image = uploaded(caption="Old caption")
    post = write_post(admin_client, editor, body=f"![Boats](image:{image.pk})")

    admin_client.post(
        reverse("admin:blog_image_change", args=[image.pk]),
        {"alt_text": image.alt_text, "caption": "New caption"},
    )

    post.refresh_from_db()
    assert "New caption" in post.body_html and "Old caption" not in post.body_html


# --- Featured images --------------------------------------------------------------------------


def test_a_featured_image_shows_on_the_home_page_and_the_post_page(
    admin_client, editor, uploaded
):
    image = uploaded(caption="Fleet")
    post = write_post(admin_client, editor, featured_image=image.pk)

    home = admin_client.get("/").content.decode()
    page = admin_client.get(post.get_absolute_url()).content.decode()

    [home_img] = img_tags(home)
    assert f'srcset="{image.srcset}"' in home_img
    assert 'width="2000" height="1000"' in home_img and 'loading="lazy"' in home_img
    [page_img] = img_tags(page)
    assert 'alt="Boats in the harbour at dawn"' in page_img
    assert 'loading="lazy"' not in page_img  # the first thing a reader sees
    assert '<meta property="og:image"' in page


def test_the_sharing_copy_is_about_1200_pixels_wide_with_a_full_address(uploaded, settings):
    settings.BROADSHEET_SITE_URL = "https://blog.example.org"
    image = uploaded()

    shared = image.for_sharing

    assert (shared.width, shared.height) == (1600, 800)
    assert shared.absolute_url.startswith("https://blog.example.org/media/images/")
    assert image.best_variant(3000).width == 2000  # nothing wider: the original
    assert image.best_variant(100).width == 480


def test_featured_images_add_no_query_to_the_home_page_or_the_post_page(
    client, make_post, uploaded
):
    image = uploaded()
    plain = [make_post(days_ago=day) for day in range(3)]
    client.logout()

    def queries(path):
        client.get(path)  # warm the site identity cache
        with CaptureQueriesContext(connection) as captured:
            client.get(path)
        return len(captured)

    before = queries("/"), queries(plain[1].get_absolute_url())
    Post.objects.update(featured_image=image)
    after = queries("/"), queries(plain[1].get_absolute_url())

    assert after == before
