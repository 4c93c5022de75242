"""Every kind of page is valid HTML by the Nu HTML Checker: no errors (warnings aside).
`make check-html` runs this file alone."""

import pytest
from django.urls import reverse

from blog.models import Category, DonationLink, Page, Tag
from comments.models import Comment
from tests.commenting import reader_form, text
from tests.html_check import html_errors

pytestmark = pytest.mark.django_db


@pytest.fixture
def blog(make_post, author, regulars):
    """A post with a thread (a reply, the author's answer, a link), filed and findable."""
    DonationLink.objects.create(label="Buy me a coffee", url="https://example.org/coffee")
    Page.objects.create(title="About", slug="about", body="Who writes here.", author=author,
                        status=Page.Status.PUBLISHED, menu_order=1)  # fmt: skip
    post = make_post(
        "Budget day",
        body="The budget, *line by line*.\n\n> A quotation.\n\n- one\n- two",
        excerpt="What the budget does.",
    )
    post.categories.add(Category.objects.create(name="Money", slug="money"))
    post.tags.add(Tag.objects.create(name="budget", slug="budget"))
    first = Comment.objects.create(
        post=post, author_name="Ada", author_email="ada@example.org",
        author_url="https://ada.example.org/", status=Comment.Status.APPROVED,
        body="A fair point, see <a href=\"https://example.org/\">this</a>.",
    )  # fmt: skip
    Comment.objects.create(
        post=post, parent=first, author_name="The author", author_email="a@example.org",
        user=author, status=Comment.Status.APPROVED, body="Thank you.\n\nTwo paragraphs.",
    )  # fmt: skip
    return post


def test_the_pages_readers_see_are_valid_html(client, blog, make_post, write_comment, tmp_path):
    post = blog
    sent_back = write_comment(post, "My view.", author_email="ada at example.org", follow=True)
    assert sent_back.redirect_chain
    closed = make_post("Closed", comments_open=False)
    refused = client.post(reverse("comments:post", args=[closed.pk]), reader_form(closed, "Hi"))
    pages = {
        "home": client.get("/"),
        "post-with-comments": client.get(post.get_absolute_url()),
        "post-after-a-form-error": sent_back,
        "reply-form": client.get(
            f"{post.get_absolute_url()}?replytocom={post.comments.first().pk}"
        ),
        "closed-post-refusing-a-comment": refused,
        "archives": client.get(reverse("blog:archives")),
        "month": client.get(
            reverse("blog:month", args=[post.publish_at.year, post.publish_at.month])
        ),
        "category": client.get(reverse("blog:category", args=["money"])),
        "tag": client.get(reverse("blog:tag", args=["budget"])),
        "search": client.get(reverse("blog:search"), {"q": "budget"}),
        "search-without-results": client.get(reverse("blog:search"), {"q": "zebra"}),
        "page": client.get("/about/"),
        "privacy": client.get(reverse("comments:privacy")),
        "not-found": client.get("/no-such-page/"),
    }
    for name, response in pages.items():
        assert response["Content-Type"].startswith("text/html"), name

    errors = html_errors({name: text(response) for name, response in pages.items()}, tmp_path)

    assert errors == []
