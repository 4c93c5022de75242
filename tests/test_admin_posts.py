from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format

from blog.models import Post

pytestmark = pytest.mark.django_db


def add_form_data(author, **overrides):
    from blog.models import Category

    category, _ = Category.objects.get_or_create(name="Politics", slug="politics")
    now = timezone.localtime()
    data = {
        "title": "Written in the admin",
        "slug": "written-in-the-admin",
        "body": "A paragraph with <b>bold</b> and <script>alert(1)</script>.",
        "excerpt": "",
        "status": "published",
        "publish_at_0": now.strftime("%Y-%m-%d"),
        "publish_at_1": now.strftime("%H:%M:%S"),
        "author": author.pk,
        "comments_open": "on",
        "show_on_home": "on",
        "categories": [category.pk],
    }
    data.update(overrides)
    return data


def test_author_creates_and_publishes_a_post_through_the_admin(client, editor):
    client.force_login(editor)

    response = client.post(reverse("admin:blog_post_add"), add_form_data(editor))

    assert response.status_code == 302, response.content.decode()[:2000]
    post = Post.objects.get(slug="written-in-the-admin")
    assert post.author == editor
    assert "<script" not in post.body_html and "<b>bold</b>" in post.body_html
    page = client.get("/")
    assert "Written in the admin" in page.content.decode()
    client.logout()
    assert client.get(post.get_absolute_url()).status_code == 200


def test_admin_saves_a_draft_that_readers_cannot_see(client, editor):
    client.force_login(editor)

    client.post(reverse("admin:blog_post_add"), add_form_data(editor, status="draft"))
    post = Post.objects.get(slug="written-in-the-admin")

    assert client.get(post.get_absolute_url()).status_code == 200  # preview for the author
    client.logout()
    assert client.get(post.get_absolute_url()).status_code == 404


def test_admin_refuses_a_duplicate_slug(client, editor, make_post):
    make_post(slug="taken")
    client.force_login(editor)

    response = client.post(reverse("admin:blog_post_add"), add_form_data(editor, slug="taken"))

    assert response.status_code == 200
    assert "Post with this Slug already exists." in response.content.decode()


def test_admin_post_list_searches_and_filters(client, editor, make_post):
    make_post("Budget analysis")
    make_post("Flood defences", status=Post.Status.DRAFT)
    client.force_login(editor)

    found = client.get(reverse("admin:blog_post_changelist"), {"q": "budget"}).content.decode()
    drafts = client.get(
        reverse("admin:blog_post_changelist"), {"status__exact": "draft"}
    ).content.decode()

    assert "Budget analysis" in found and "Flood defences" not in found
    assert "Flood defences" in drafts and "Budget analysis" not in drafts


def test_view_on_site_link_opens_a_draft_preview(client, editor, make_post):
    draft = make_post("Unfinished", status=Post.Status.DRAFT, author=editor)
    client.force_login(editor)

    change_page = client.get(reverse("admin:blog_post_change", args=[draft.pk])).content.decode()
    assert "View on site" in change_page
    response = client.get(
        reverse("admin:view_on_site", args=[_post_ct(), draft.pk]), follow=True
    )

    assert response.status_code == 200
    assert "Unfinished" in response.content.decode()


def _post_ct():
    from django.contrib.contenttypes.models import ContentType

    return ContentType.objects.get_for_model(Post).pk


def test_site_identity_is_editable_in_the_admin(client, editor):
    client.force_login(editor)

    opened = client.get(reverse("admin:blog_siteidentity_changelist"), follow=True)
    form_url = opened.redirect_chain[-1][0]
    client.post(
        form_url,
        {"title": "New name", "tagline": "New line", "footer_text": "", "donation_appeal": "x"},
    )

    assert "Broadsheet" in opened.content.decode()  # the defaults, ready to edit
    assert "New name" in client.get("/").content.decode()


def test_post_list_says_scheduled_with_the_date_for_a_post_whose_time_has_not_come(
    client, editor, make_post
):
    make_post("Live already")
    make_post("Tomorrow's news", publish_at=timezone.now() + timedelta(days=1))
    make_post("Still a draft", status=Post.Status.DRAFT)
    client.force_login(editor)

    listing = client.get(reverse("admin:blog_post_changelist")).content.decode()

    rows = {title: _row_of(listing, title) for title in
            ("Live already", "Tomorrow&#x27;s news", "Still a draft")}  # fmt: skip
    tomorrow = date_format(timezone.localtime() + timedelta(days=1), "DATETIME_FORMAT")[:8]
    assert "Scheduled for" in rows["Tomorrow&#x27;s news"]
    assert tomorrow in rows["Tomorrow&#x27;s news"]
    assert "Published" in rows["Live already"] and "Scheduled" not in rows["Live already"]
    assert "Draft" in rows["Still a draft"] and "Scheduled" not in rows["Still a draft"]


def test_post_list_filters_drafts_scheduled_and_live_posts(client, editor, make_post):
    make_post("Live already")
    make_post("Tomorrow's news", publish_at=timezone.now() + timedelta(days=1))
    make_post("Still a draft", status=Post.Status.DRAFT)
    client.force_login(editor)

    def listed(choice):
        page = client.get(reverse("admin:blog_post_changelist"), {"publishing": choice})
        return {t for t in ("Live already", "Tomorrow", "Still a draft")
                if f">{t}" in page.content.decode()}  # fmt: skip

    assert listed("scheduled") == {"Tomorrow"}
    assert listed("live") == {"Live already"}
    assert listed("draft") == {"Still a draft"}


def _row_of(listing, title):
    start = listing.index(f">{title}</a>")
    return listing[start : listing.index("</tr>", start)]
