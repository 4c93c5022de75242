"""The one WordPress shortcode Broadsheet renders on import: [caption], as a <figure>.

Every other shortcode ([gallery], [embed], a plugin's [contact-form]) needs WordPress or
the plugin to mean anything, so it stays in the body as visible text for the author to
replace.
"""

import re

# Run after autop, as WordPress does: a caption on its own line comes wrapped in <p>.
_CAPTION = re.compile(
    r"(<p>\s*)?\[(caption|wp_caption)\b([^\]]*)\](.*?)\[/\2\](?(1)\s*</p>)", re.I | re.S
)
_CAPTION_ATTRIBUTE = re.compile(r"""\bcaption=(["'])(.*?)\1""", re.S)
# The image, optionally inside its link, at the start of the shortcode's content.
_MEDIA = re.compile(r"^\s*((?:<a\b[^>]*>\s*)?<img\b[^>]*>(?:\s*</a>)?)(.*)$", re.I | re.S)


def render_captions(content):
    """Turn [caption]<img …> Text[/caption] into <figure><img …><figcaption>Text</figcaption>."""
    return _CAPTION.sub(_figure, content)


def _figure(match):
    attributes, inner = match.group(3), match.group(4)
    media = _MEDIA.match(inner)
    if media is None:
        return match.group(0)  # not the shape WordPress writes: leave it visible
    image, text = media.group(1), re.sub(r"^(?:<br\s*/?>\s*)+", "", media.group(2).strip())
    if not text:
        # Before WordPress 3.4 the caption was an attribute.
        attribute = _CAPTION_ATTRIBUTE.search(attributes)
        text = attribute.group(2).strip() if attribute else ""
    caption = f"<figcaption>{text}</figcaption>" if text else ""
    return f"<figure>{image}{caption}</figure>"
