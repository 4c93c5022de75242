"""Filing posts in categories and tags, for the tests that read them back."""

from django.utils.text import slugify

from blog.models import Category, Tag


def category(name, **fields):
    return Category.objects.get_or_create(name=name, defaults={"slug": slugify(name), **fields})[0]


def tag(name):
    return Tag.objects.get_or_create(name=name, defaults={"slug": slugify(name)})[0]


def file_post(post, categories=(), tags=()):
    """File `post` in the named categories and tags (created when missing); returns it."""
    post.categories.add(*(category(name) for name in categories))
    post.tags.add(*(tag(name) for name in tags))
    post.refresh_search_document()  # as the admin does once it has set the tags
    return post
