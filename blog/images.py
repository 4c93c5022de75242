"""Uploaded images: checked, cleaned and resized once, at upload, then placed in posts.

The admin checks an upload with Pillow (`check_upload`), stores it upright and without camera
metadata (`clean_original`), then writes narrower copies beside it (`make_variants`). In a
post, the Markdown `![alt text](image:42)` becomes an <img> whose srcset lists every copy, so
the reader's browser fetches the one that fits (`ImageEmbeds`, used by `render_markdown`).
"""

import io
import re
from dataclasses import dataclass
from pathlib import PurePosixPath
from urllib.parse import urljoin
from xml.etree import ElementTree

import PIL.Image
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.template.defaultfilters import filesizeformat
from markdown.extensions import Extension
from markdown.treeprocessors import Treeprocessor
from PIL import ImageOps, UnidentifiedImageError

# What browsers show, and how each format is written back. Nothing else is accepted.
ENCODING = {
    "JPEG": {"quality": 85, "optimize": True, "progressive": True},
    "PNG": {"optimize": True},
    "GIF": {"optimize": True},
    "WEBP": {"quality": 85},
}
# Re-encoding a JPEG original to drop its metadata: a little better than the variants.
ORIGINAL_QUALITY = 90

# How wide an image is drawn in the post column (site.css: --measure, 42rem at 18px).
SIZES = "(max-width: 756px) 100vw, 756px"

# Info keys that say who took a photo, where and with what; the file is re-encoded without them.
_METADATA = {"exif", "xmp", "XML:com.adobe.xmp", "comment", "photoshop"}


@dataclass(frozen=True)
class Rendition:
    """One stored copy of an image: the original or one of its narrower variants."""

    name: str
    width: int
    height: int

    @property
    def url(self):
        return default_storage.url(self.name)

    @property
    def absolute_url(self):
        """The URL with the blog's address in front, for pages shared elsewhere."""
        return absolute_url(self.url)


def absolute_url(url):
    """`url` as seen from outside: object storage URLs already are; local ones get the site."""
    return urljoin(settings.BROADSHEET_SITE_URL.rstrip("/") + "/", url)


def check_upload(upload):
    """Raise ValidationError, worded for the author, unless `upload` is an image we can serve.

    Django's ImageField has already run Pillow's quick `verify()`; a file cut short in the
    middle passes that, so the whole image is decoded here, after its size is checked."""
    limit = settings.BROADSHEET_IMAGE_MAX_BYTES
    if upload.size > limit:
        raise ValidationError(
            f"This file is {filesizeformat(upload.size)}; an image may be at most "
            f"{filesizeformat(limit)}. Export it smaller and upload it again.",
            code="too_large",
        )
    upload.seek(0)
    try:
        with PIL.Image.open(upload) as picture:
            if picture.format not in ENCODING:
                raise ValidationError(
                    f"This is a {picture.format} image; upload a JPEG, PNG, GIF or WebP file.",
                    code="format",
                )
            _check_pixels(*picture.size)
            picture.load()
    except PIL.Image.DecompressionBombError as error:
        raise ValidationError(_too_many_pixels_message(), code="too_many_pixels") from error
    except UnidentifiedImageError as error:
        raise ValidationError(
            "This file is not an image. Upload a JPEG, PNG, GIF or WebP file.", code="invalid"
        ) from error
    except (OSError, SyntaxError, ValueError, EOFError) as error:
        raise ValidationError(
            "This image is damaged or incomplete: it could not be read to the end. "
            "Open it in an image editor, save it again and upload the new file.",
            code="damaged",
        ) from error
    finally:
        upload.seek(0)


def _check_pixels(width, height):
    if width * height > settings.BROADSHEET_IMAGE_MAX_PIXELS:
        raise ValidationError(
            f"This image is {width} × {height} pixels. {_too_many_pixels_message()}",
            code="too_many_pixels",
        )


def _too_many_pixels_message():
    megapixels = settings.BROADSHEET_IMAGE_MAX_PIXELS / 1_000_000
    return f"Images may have at most {megapixels:g} megapixels; resize it and upload it again."


def clean_original(upload):
    """The upload as it will be stored: turned upright and without camera metadata (GPS
    position, camera, comments). An image that carries none is kept byte for byte."""
    upload.seek(0)
    with PIL.Image.open(upload) as picture:
        if _is_animated(picture) or not _carries_metadata(picture):
            upload.seek(0)
            return upload
        icc_profile = picture.info.get("icc_profile")
        data = _encode(
            ImageOps.exif_transpose(picture), picture.format, icc_profile,
            quality=ORIGINAL_QUALITY,
        )  # fmt: skip
    return SimpleUploadedFile(upload.name, data, content_type=upload.content_type)


def make_variants(stored):
    """Write the narrower copies of a stored image (the widths in
    BROADSHEET_IMAGE_WIDTHS below its own width, same format) and describe them for
    `Image.variants`. Animated images are served as they are."""
    with stored.open("rb"), PIL.Image.open(stored) as picture:
        if _is_animated(picture):
            return []
        image_format = picture.format
        icc_profile = picture.info.get("icc_profile")
        upright = _resizable(ImageOps.exif_transpose(picture))
    path = PurePosixPath(stored.name)
    variants = []
    for width in sorted(set(settings.BROADSHEET_IMAGE_WIDTHS)):
        if width >= upright.width:
            break
        height = max(1, round(upright.height * width / upright.width))
        resized = upright.resize((width, height), PIL.Image.Resampling.LANCZOS)
        data = _encode(resized, image_format, icc_profile)
        name = default_storage.save(
            str(path.with_name(f"{path.stem}-{width}w{path.suffix}")), ContentFile(data)
        )
        variants.append({"width": width, "height": height, "name": name})
    return variants


def rerender_posts_showing(image):
    """Render again the posts and pages that place `image`, so they show its new file, alt
    text or caption (their HTML is rendered on save, never per request). Returns how many."""
    from blog.models import Page, Post  # blog.models renders Markdown through this module.

    count = 0
    for model in (Post, Page):
        # "image:4" also finds "image:42"; rendering that post again changes nothing.
        for item in model.objects.filter(body__contains=f"image:{image.pk}"):
            item.save(update_fields=["body_html", "summary"])
            count += 1
    return count


def _is_animated(picture):
    return getattr(picture, "is_animated", False)


def _carries_metadata(picture):
    return bool(_METADATA & picture.info.keys()) or bool(getattr(picture, "text", None))


def _resizable(picture):
    """Palette and odd modes resize badly; work in RGB(A), or grey when the image is grey."""
    if picture.mode in {"RGB", "RGBA", "L", "LA", "CMYK"} and "transparency" not in picture.info:
        return picture
    has_alpha = "transparency" in picture.info or picture.mode in {"PA", "RGBa", "La"}
    return picture.convert("RGBA" if has_alpha else "RGB")


def _encode(picture, image_format, icc_profile=None, **options):
    """`picture` written in `image_format` with nothing but its pixels and colour profile."""
    if image_format == "JPEG" and picture.mode not in {"RGB", "L", "CMYK"}:
        picture = picture.convert("RGB")
    picture.info = {}  # Pillow copies comments and the like from here into the new file.
    options = {**ENCODING[image_format], **options}
    if icc_profile:
        options["icc_profile"] = icc_profile
    buffer = io.BytesIO()
    picture.save(buffer, image_format, **options)
    return buffer.getvalue()


# --- Placing images in posts --------------------------------------------------------------

# `image:` and the Image's id; longer numbers than a database id cannot name an image.
_REFERENCE = re.compile(r"image:(\d{1,18})\Z")


class ImageEmbeds(Extension):
    """Markdown extension: `![alt text](image:42)` places uploaded image 42.

    The <img> gets every stored copy in srcset, its width and height (so the page does not
    jump while it loads) and loading="lazy"; the alt text is the Markdown's, else the
    image's own. An image alone in its paragraph, with a caption, becomes a <figure>. An
    unknown id becomes a visible note rather than a broken image."""

    def extendMarkdown(self, md):
        # After the inline patterns (20) have made the <img> elements.
        md.treeprocessors.register(_PlaceImages(md), "broadsheet_images", 15)


class _PlaceImages(Treeprocessor):
    def run(self, root):
        from blog.models import Image  # blog.models renders Markdown through this module.

        embeds = [img for img in root.iter("img") if img.get("src", "").startswith("image:")]
        if not embeds:
            return
        references = {img: _REFERENCE.match(img.get("src")) for img in embeds}
        ids = {int(match[1]) for match in references.values() if match}
        found = Image.objects.in_bulk(ids) if ids else {}
        parents = {child: parent for parent in root.iter() for child in parent}
        for img, match in references.items():
            image = found.get(int(match[1])) if match else None
            if image is None:
                _note_missing(img)
            else:
                _place(img, image, parents.get(img))


def _place(img, image, parent):
    alt = img.get("alt") or image.alt_text
    title = img.get("title")
    img.attrib.clear()
    img.attrib.update(
        {
            "src": image.src,
            "srcset": image.srcset,
            "sizes": SIZES,
            "width": str(image.width),
            "height": str(image.height),
            "alt": alt,
            "loading": "lazy",
        }
    )
    if title:
        img.set("title", title)
    alone = (
        parent is not None
        and parent.tag == "p"
        and len(parent) == 1
        and not (parent.text or "").strip()
        and not (img.tail or "").strip()
    )
    if image.caption and alone:
        parent.tag = "figure"
        parent.text = img.tail = None
        ElementTree.SubElement(parent, "figcaption").text = image.caption


def _note_missing(img):
    reference = img.get("src")
    img.attrib.clear()
    img.tag = "mark"
    img.text = f"[{reference} is not an uploaded image]"
