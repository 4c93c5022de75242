"""Commenters' emails are stored lowercased from now on; lowercase the ones already stored."""

from django.db import migrations
from django.db.models.functions import Lower


def lowercase_emails(apps, schema_editor):
    apps.get_model("comments", "Comment").objects.update(author_email=Lower("author_email"))


class Migration(migrations.Migration):
    dependencies = [("comments", "0005_classifier_token_totals")]

    operations = [migrations.RunPython(lowercase_emails, migrations.RunPython.noop)]
