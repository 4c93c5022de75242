"""On PostgreSQL, compare classifier tokens byte by byte (collation "C").

Tokens are looked up by equality only, never sorted for people, and the database's
language-aware collation makes each index comparison slower for no benefit. SQLite
already compares bytes."""

from django.db import migrations

TABLE = "comments_tokencount"


def use_c_collation(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(
            f'ALTER TABLE {TABLE} ALTER COLUMN token TYPE varchar(120) COLLATE "C"'
        )


def use_default_collation(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(
            f'ALTER TABLE {TABLE} ALTER COLUMN token TYPE varchar(120) COLLATE "default"'
        )


class Migration(migrations.Migration):
    dependencies = [("comments", "0007_comment_ip_index")]

    operations = [migrations.RunPython(use_c_collation, use_default_collation)]
