"""Template tags for the blog's pages: absolute addresses, pagination links, JSON-LD."""

import json

from django import template
from django.utils import timezone
from django.utils.html import format_html
from django.utils.safestring import mark_safe

register = template.Library()

# In a <script>, "</script>" or "<!--" inside a string would end or confuse the element;
# the same escapes as Django's json_script make every title safe there.
_SCRIPT_ESCAPES = {ord("<"): "\\u003C", ord(">"): "\\u003E", ord("&"): "\\u0026"}


@register.filter
def time_datetime(moment):
    """`moment` for a <time datetime>: whole seconds, as HTML takes no microseconds."""
    return timezone.localtime(moment).replace(microsecond=0).isoformat()


@register.simple_tag(takes_context=True)
def absolute_url(context, path=None):
    """`path` (or the current page's) as a full address, for canonical and shared links."""
    request = context["request"]
    return request.build_absolute_uri(path if path is not None else request.path)


@register.simple_tag(takes_context=True)
def page_url(context, number):
    """The address of page `number` of the current list, keeping the other parameters
    (the search words); page 1 is the list's own address, without ?page=1."""
    request = context["request"]
    params = request.GET.copy()
    params.pop("page", None)
    if number != 1:
        params["page"] = number
    query = params.urlencode()
    return f"{request.path}?{query}" if query else request.path


@register.simple_tag(takes_context=True)
def post_json_ld(context, post):
    """A <script type="application/ld+json"> describing `post` as a schema.org BlogPosting."""
    url = absolute_url(context, post.get_absolute_url())
    author = post.author.get_full_name() or post.author.get_username()
    data = {
        "@context": "https://schema.org",
        "@type": "BlogPosting",
        "headline": post.title,
        "description": post.meta_description or post.summary,
        "url": url,
        "mainEntityOfPage": {"@type": "WebPage", "@id": url},
        "datePublished": post.publish_at.isoformat(timespec="seconds"),
        "dateModified": post.updated_at.isoformat(timespec="seconds"),
        "author": {"@type": "Person", "name": author},
        "publisher": {"@type": "Organization", "name": context["site"].title},
        "wordCount": post.word_count,
        "articleSection": [category.name for category in post.categories.all()],
        "keywords": [tag.name for tag in post.tags.all()],
    }
    if post.featured_image_id:
        data["image"] = post.featured_image.for_sharing.absolute_url
    payload = json.dumps(data, ensure_ascii=False)
    return format_html(
        '<script type="application/ld+json">{}</script>',
        mark_safe(payload.translate(_SCRIPT_ESCAPES)),  # escaped for a script just above
    )
