"""What search finds follows every change to a post's words: its text, its tags, a tag's
name. On PostgreSQL each post's search document is stored and indexed (Post.search_document)
and these tests show it kept up to date; on SQLite search reads the columns, and the same
rules hold.
"""

import importlib

import pytest
from django.db import connection
from django.db.models import QuerySet
from django.urls import reverse

from blog import revisions
from blog.models import Post, Tag
from blog.search import matching_posts
from tests.filing import file_post, tag
from tests.test_admin_posts import add_form_data

pytestmark = pytest.mark.django_db

on_postgresql = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="the search document is stored on PostgreSQL"
)


def found(query):
    return [post.title for post in matching_posts(query)]


def test_an_edited_post_is_found_by_its_new_words_only(make_post):
    post = make_post("Bridge repairs", body="The old bridge closes in March.")

    post.body = "The ferry runs instead while the bridge is shut."
    post.save()

    assert found("ferry") == ["Bridge repairs"]
    assert found("March") == []


def test_tags_set_in_the_admin_are_searchable(client, editor, make_post):
    post = make_post("Road works", body="Cones everywhere.")
    potholes = tag("Potholes")
    client.force_login(editor)

    saved = client.post(
        reverse("admin:blog_post_change", args=[post.pk]),
        add_form_data(editor, title="Road works", slug=post.slug, body=post.body,
                      tags=[potholes.pk]),
    )  # fmt: skip

    assert saved.status_code == 302, saved.content.decode()[:2000]
    assert found("potholes") == ["Road works"]


def test_a_renamed_tag_is_found_by_its_new_name(make_post):
    file_post(make_post("Road works", body="Cones everywhere."), tags=["Potholes"])

    renamed = Tag.objects.get(name="Potholes")
    renamed.name = "Resurfacing"
    renamed.save()

    assert found("resurfacing") == ["Road works"]
    assert found("potholes") == []


@pytest.mark.parametrize("how", ["one", "bulk"])
def test_a_deleted_tag_no_longer_finds_its_posts(make_post, how):
    file_post(make_post("Road works", body="Cones everywhere."), tags=["Potholes"])

    if how == "one":
        Tag.objects.get(name="Potholes").delete()
    else:  # the admin's "delete selected"
        Tag.objects.filter(name="Potholes").delete()

    assert found("potholes") == []
    assert found("cones") == ["Road works"]


def test_restoring_a_version_restores_what_its_tags_find(make_post, editor):
    post = file_post(make_post("Road works", body="Cones everywhere."), tags=["Potholes"])
    first = revisions.record(post, by=editor)
    post.tags.set([tag("Resurfacing")])
    post.refresh_search_document()
    revisions.record(post, by=editor)

    revisions.restore(first, by=editor)

    assert found("potholes") == ["Road works"]
    assert found("resurfacing") == []


@on_postgresql
def test_search_matches_the_stored_document_which_its_index_serves(make_post, settings):
    from django.contrib.postgres.search import SearchQuery

    for n in range(60):
        make_post(f"Harbour report {n}", body="Boats, tides and the weather.")
    make_post("Council meeting", body="Minutes of the evening.")
    search_sql = str(matching_posts("council").query)
    match = Post.objects.filter(
        search_document=SearchQuery("council", config=settings.BROADSHEET_SEARCH_CONFIG)
    )
    sql, params = match.query.sql_with_params()

    with connection.cursor() as cursor:
        cursor.execute("ANALYZE blog_post")  # what autovacuum does on a live server
        cursor.execute("SET LOCAL enable_seqscan = off")  # a table this small is read whole
        cursor.execute(f"EXPLAIN {sql}", params)
        plan = "\n".join(row[0] for row in cursor.fetchall())

    assert "to_tsvector" not in search_sql  # no document is built while searching
    assert '"blog_post"."search_document" @@' in search_sql
    assert "Bitmap Index Scan on blog_post_search_document" in plan
    assert [post.title for post in match] == ["Council meeting"]


@on_postgresql
def test_posts_written_before_the_stored_document_get_one_from_the_migration(make_post):
    file_post(make_post("Road works", body="Cones everywhere."), tags=["Potholes"])
    QuerySet.update(Post.objects.all(), search_document=None)  # as the column was added
    assert found("potholes") == []
    migration = importlib.import_module("blog.migrations.0005_post_search_document")

    with connection.schema_editor() as editor:
        migration.store_documents(_Apps(), editor)

    assert found("potholes") == ["Road works"]
    assert found("cones") == ["Road works"]


class _Apps:
    """The app registry a data migration is handed, here the current models."""

    @staticmethod
    def get_model(app_label, model_name):
        from django.apps import apps

        return apps.get_model(app_label, model_name)
