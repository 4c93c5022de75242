"""Versions of a post: kept on every save in the admin, listed, compared and restored."""

from datetime import timedelta

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Permission
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from blog.models import Category, Post, PostRevision, Tag

pytestmark = pytest.mark.django_db


def post_form(post=None, **overrides):
    """The post's change form as the admin would send it, with `overrides`."""
    category, _ = Category.objects.get_or_create(name="Politics", slug="politics")
    publish_at = timezone.localtime(post.publish_at if post else timezone.now())
    data = {
        "title": post.title if post else "Budget day",
        "slug": post.slug if post else "budget-day",
        "body": post.body if post else "First line.\n\nSecond line.",
        "excerpt": post.excerpt if post else "",
        "status": post.status if post else "published",
        "publish_at_0": publish_at.strftime("%Y-%m-%d"),
        "publish_at_1": publish_at.strftime("%H:%M:%S"),
        "author": post.author_id if post else overrides.pop("author").pk,
        "comments_open": "on",
        "show_on_home": "on",
        "categories": [c.pk for c in post.categories.all()] if post else [category.pk],
        "tags": [t.pk for t in post.tags.all()] if post else [],
        "meta_description": post.meta_description if post else "",
    }
    data.update(overrides)
    return data


def save(client, post, **changes):
    response = client.post(
        reverse("admin:blog_post_change", args=[post.pk]), post_form(post, **changes)
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    post.refresh_from_db()
    return post


@pytest.fixture
def post(client, editor):
    """A post written in the admin by the editor, who stays logged in."""
    client.force_login(editor)
    response = client.post(reverse("admin:blog_post_add"), post_form(author=editor))
    assert response.status_code == 302, response.content.decode()[:3000]
    return Post.objects.get(slug="budget-day")


def versions_url(post):
    return reverse("admin:blog_post_versions", args=[post.pk])


def version_url(revision):
    return reverse("admin:blog_post_version", args=[revision.post_id, revision.pk])


def restore_url(revision):
    return reverse("admin:blog_post_restore", args=[revision.post_id, revision.pk])


def test_each_save_in_the_admin_keeps_a_version_with_who_saved_it(client, editor, post):
    assert [r.body for r in post.revisions.all()] == ["First line.\n\nSecond line."]

    save(client, post, body="First line.\n\nA better second line.")

    latest, first = post.revisions.all()
    assert latest.body == "First line.\n\nA better second line."
    assert latest.saved_by == editor
    assert first.body == "First line.\n\nSecond line."


def test_saving_without_a_change_keeps_no_new_version(client, post):
    save(client, post)

    assert post.revisions.count() == 1


def test_a_version_keeps_categories_tags_and_sharing_fields(client, post):
    economy = Tag.objects.create(name="Economy", slug="economy")

    save(client, post, tags=[economy.pk], meta_description="What the budget means.")

    latest = post.revisions.first()
    assert list(latest.tags.all()) == [economy]
    assert [c.name for c in latest.categories.all()] == ["Politics"]
    assert latest.meta_description == "What the budget means."


def test_the_change_page_links_to_the_history_of_versions(client, editor, post):
    save(client, post, title="Budget day, revised")

    change_page = client.get(reverse("admin:blog_post_change", args=[post.pk])).content.decode()
    listing = client.get(versions_url(post)).content.decode()

    assert f'href="{versions_url(post)}">History of versions</a>' in change_page
    assert listing.count("editor") >= 2  # who saved each version
    assert "Budget day, revised" in listing and "Budget day</td>" in listing
    for revision in post.revisions.all():
        assert version_url(revision) in listing


def test_a_version_shows_its_fields_and_what_changed_since_escaped(client, post):
    save(client, post, body="First line.\n\nSecond line <script>alert(1)</script>.")
    first = post.revisions.last()

    page = client.get(version_url(first)).content.decode()

    assert "Budget day" in page and "Politics" in page
    assert "<del>" in page and "Second line.</del>" in page
    assert "Second line &lt;script&gt;alert(1)&lt;/script&gt;.</ins>" in page
    assert "<script>alert(1)" not in page
    assert "Restore this version" in page


def test_restoring_a_version_brings_back_its_body_and_keeps_a_new_version(
    client, editor, post
):
    save(client, post, title="Budget day (draft 2)", body="Something else entirely.")
    first = post.revisions.last()

    response = client.post(restore_url(first), follow=True)

    post.refresh_from_db()
    assert response.redirect_chain[-1][0] == reverse("admin:blog_post_change", args=[post.pk])
    assert "Restored the version of" in response.content.decode()
    assert post.title == "Budget day"
    assert post.body == "First line.\n\nSecond line."
    assert "<p>Second line.</p>" in post.body_html  # rendered again on save
    assert post.revisions.count() == 3
    newest = post.revisions.first()
    assert newest.body == first.body and newest.saved_by == editor
    assert "<p>Second line.</p>" in client.get(post.get_absolute_url()).content.decode()


def test_restore_is_a_post_with_a_csrf_token(editor, post):
    first = post.revisions.first()
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(editor)

    assert browser.get(restore_url(first)).status_code == 405
    assert browser.post(restore_url(first)).status_code == 403


def test_moderators_can_neither_see_nor_restore_versions(client, moderator, post):
    first = post.revisions.first()
    client.force_login(moderator)

    assert client.get(versions_url(post)).status_code == 403
    assert client.get(version_url(first)).status_code == 403
    assert client.post(restore_url(first)).status_code == 403
    assert client.get(reverse("admin:blog_post_change", args=[post.pk])).status_code == 403
    assert post.revisions.count() == 1


def test_someone_who_may_only_view_posts_sees_versions_but_cannot_restore(client, post):
    viewer = get_user_model().objects.create_user("viewer", password="viewer pass 12",
                                                  is_staff=True)  # fmt: skip
    viewer.user_permissions.add(Permission.objects.get(codename="view_post"))
    first = post.revisions.first()
    client.force_login(viewer)

    assert client.get(versions_url(post)).status_code == 200
    assert "Restore this version" not in client.get(version_url(first)).content.decode()
    assert client.post(restore_url(first)).status_code == 403


def test_a_change_made_outside_the_admin_is_kept_before_the_next_save(client, editor, make_post):
    imported = make_post("Imported", body="As it came from the old blog.")
    imported.categories.add(Category.objects.create(name="Archive", slug="archive"))
    client.force_login(editor)

    save(client, imported, body="Tidied up.")

    latest, before = imported.revisions.all()
    assert before.body == "As it came from the old blog." and before.saved_by is None
    assert latest.body == "Tidied up." and latest.saved_by == editor
    listing = client.get(versions_url(imported)).content.decode()
    assert "outside the admin" in listing


def test_restore_refuses_an_address_another_post_has_taken(client, post, make_post):
    save(client, post, slug="budget-day-2025")
    first = post.revisions.last()
    make_post("Someone else's budget day", slug="budget-day")

    response = client.post(restore_url(first), follow=True)

    post.refresh_from_db()
    assert "Another post now uses the address" in response.content.decode()
    assert post.slug == "budget-day-2025"


def test_the_publish_action_keeps_a_version(client, post):
    save(client, post, status="draft")

    client.post(
        reverse("admin:blog_post_changelist"),
        {"action": "publish", "_selected_action": [post.pk]},
    )

    assert post.revisions.first().status == Post.Status.PUBLISHED
    assert PostRevision.objects.filter(post=post).count() == 3


@pytest.fixture
def published_after_a_scheduled_draft(client, post):
    """The post was once a draft planned for next week, with other words; it is live now."""
    today = timezone.localtime()
    next_week = today + timedelta(days=7)
    save(client, post, status="draft", body="Early words.",
         publish_at_0=next_week.strftime("%Y-%m-%d"), publish_at_1="09:00:00")  # fmt: skip
    planned = post.revisions.first()
    save(client, post, status="published", body="Final words.",
         publish_at_0=today.strftime("%Y-%m-%d"), publish_at_1="00:00:00")  # fmt: skip
    return planned


def test_restoring_a_version_keeps_the_posts_own_status_and_publish_date_and_says_so(
    client, post, published_after_a_scheduled_draft
):
    live_since = post.publish_at
    page = client.get(version_url(published_after_a_scheduled_draft)).content.decode()
    assert "Also restore its status and publish date: Draft" in page
    assert "(the post is Published now)" in page

    response = client.post(restore_url(published_after_a_scheduled_draft), follow=True)

    post.refresh_from_db()
    assert post.body == "Early words."
    assert (post.status, post.publish_at) == (Post.Status.PUBLISHED, live_since)
    assert "It kept its own status and publish date: Published." in text(response)
    assert "Early words." in text(Client().get(post.get_absolute_url()))


def test_restoring_a_version_with_its_status_ticked_brings_back_its_status_and_date_too(
    client, post, published_after_a_scheduled_draft
):
    planned = published_after_a_scheduled_draft

    response = client.post(restore_url(planned), {"with_publishing": "on"}, follow=True)

    post.refresh_from_db()
    assert post.body == "Early words."
    assert (post.status, post.publish_at) == (Post.Status.DRAFT, planned.publish_at)
    assert "Its status and publish date are the version&#x27;s: Draft." in text(response)
    assert Client().get(post.get_absolute_url()).status_code == 404


def test_a_version_in_the_posts_own_status_and_date_offers_no_status_to_restore(client, post):
    save(client, post, body="Second thoughts.")

    page = client.get(version_url(post.revisions.last())).content.decode()

    assert "Restore this version" in page
    assert "Also restore its status" not in page


def text(response):
    return response.content.decode()
