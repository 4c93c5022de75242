"""Markup a screen reader or a validator relies on: every field described by what the page
really shows (help text, errors), and machine-readable times that HTML accepts."""

import re
from html.parser import HTMLParser

import pytest
from django.urls import reverse

from blog.models import Category, Tag
from comments.models import Comment
from tests.commenting import text

pytestmark = pytest.mark.django_db

# A valid global date and time string (HTML): at most three decimals of a second.
HTML_DATETIME = re.compile(
    r"\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(:\d{2}(\.\d{1,3})?)?(Z|[+-]\d{2}:?\d{2})"
)


class _Markup(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.ids = set()
        self.described = {}  # element id or name → the ids it points to
        self.datetimes = []
        self.invalid = set()

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        if attributes.get("id"):
            self.ids.add(attributes["id"])
        who = attributes.get("id") or attributes.get("name") or tag
        if attributes.get("aria-describedby"):
            self.described[who] = attributes["aria-describedby"].split()
        if attributes.get("aria-invalid") == "true":
            self.invalid.add(who)
        if tag == "time":
            self.datetimes.append(attributes.get("datetime", ""))


def markup(response):
    parsed = _Markup()
    parsed.feed(text(response))
    parsed.close()
    return parsed


@pytest.fixture
def site(make_post, regulars):
    post = make_post("Budget day", body="The budget, line by line.")
    post.categories.add(Category.objects.create(name="Money", slug="money"))
    post.tags.add(Tag.objects.create(name="budget", slug="budget"))
    for n in range(3):
        Comment.objects.create(
            post=post, author_name=f"Reader {n}", author_email=f"r{n}@example.org",
            body=f"Comment {n}.", status=Comment.Status.APPROVED,
        )  # fmt: skip
    return post


def sent_back_page(client, post, write_comment, **fields):
    response = write_comment(post, "My view of the budget.", follow=True, **fields)
    assert response.redirect_chain[-1][0].endswith("#respond")
    return response


def test_the_email_help_text_is_shown_and_describes_the_field(client, site):
    page = markup(client.get(site.get_absolute_url()))

    assert "Never shown. Used for reply notifications" in text(client.get(site.get_absolute_url()))
    assert page.described["id_author_email"] == ["id_author_email_helptext"]
    assert "id_author_email_helptext" in page.ids


def test_each_error_is_linked_to_its_field_by_the_id_the_page_uses(client, site, write_comment):
    response = sent_back_page(
        client, site, write_comment, author_email="ada at example.org", author_name=""
    )
    page = markup(response)

    assert page.invalid == {"id_author_email", "id_author_name"}
    assert page.described["id_author_email"] == [
        "id_author_email_helptext", "id_author_email_error",
    ]  # fmt: skip
    assert page.described["id_author_name"] == ["id_author_name_error"]
    for pointed in page.described.values():
        assert set(pointed) <= page.ids


def test_every_time_on_every_page_is_a_valid_html_datetime(client, site, write_comment):
    pages = [
        client.get(reverse("blog:home")),
        client.get(site.get_absolute_url()),
        client.get(reverse("blog:archives")),
        client.get(reverse("blog:search"), {"q": "budget"}),
        client.get(reverse("blog:category", args=["money"])),
        client.get(reverse("blog:tag", args=["budget"])),
        client.get(reverse("blog:month", args=[site.publish_at.year, site.publish_at.month])),
        sent_back_page(client, site, write_comment, author_email="ada at example.org"),
    ]

    times = [value for page in pages for value in markup(page).datetimes]
    assert len(times) >= 10  # the posts' dates and the comments'
    assert [value for value in times if not HTML_DATETIME.fullmatch(value)] == []
