"""Each post's full-text search document, stored and indexed on PostgreSQL.

The column exists on every database (SQLite stores nothing in it); the GIN index and the
documents of the posts already written only on PostgreSQL.
"""

import django.contrib.postgres.indexes
import django.contrib.postgres.search
from django.conf import settings
from django.contrib.postgres.aggregates import StringAgg
from django.contrib.postgres.search import SearchVector
from django.db import migrations
from django.db.models import OuterRef, Subquery, TextField, Value
from django.db.models.functions import Coalesce


class AddIndexOnPostgreSQL(migrations.AddIndex):
    """The index is in the models' state everywhere, in the database only on PostgreSQL."""

    def database_forwards(self, app_label, schema_editor, from_state, to_state):
        if schema_editor.connection.vendor == "postgresql":
            super().database_forwards(app_label, schema_editor, from_state, to_state)

    def database_backwards(self, app_label, schema_editor, from_state, to_state):
        if schema_editor.connection.vendor == "postgresql":
            super().database_backwards(app_label, schema_editor, from_state, to_state)


def store_documents(apps, schema_editor):
    """The documents of the posts written before (as blog.models.search_document builds
    them, frozen here as of this migration)."""
    if schema_editor.connection.vendor != "postgresql":
        return
    Post = apps.get_model("blog", "Post")
    config = settings.BROADSHEET_SEARCH_CONFIG
    tag_names = Subquery(
        Post.tags.through.objects.filter(post=OuterRef("pk"))
        .order_by()
        .values("post")
        .annotate(names=StringAgg("tag__name", " "))
        .values("names")
    )
    Post.objects.using(schema_editor.connection.alias).update(
        search_document=SearchVector("title", weight="A", config=config)
        + SearchVector("excerpt", weight="B", config=config)
        + SearchVector(
            Coalesce(tag_names, Value(""), output_field=TextField()), weight="B", config=config
        )
        + SearchVector("body_html", weight="C", config=config)
    )


class Migration(migrations.Migration):

    dependencies = [
        ("blog", "0004_revision_keeps_filing_and_sharing"),
    ]

    operations = [
        migrations.AddField(
            model_name="post",
            name="search_document",
            field=django.contrib.postgres.search.SearchVectorField(editable=False, null=True),
        ),
        AddIndexOnPostgreSQL(
            model_name="post",
            index=django.contrib.postgres.indexes.GinIndex(
                fields=["search_document"], name="blog_post_search_document"
            ),
        ),
        migrations.RunPython(store_documents, migrations.RunPython.noop),
    ]
