from django.db import migrations


def render_imported_articles(apps, schema_editor):
    """Imported comments' stored articles get their WordPress id as an anchor, as saving
    them now would."""
    from comments.markup import store_articles_again

    Comment = apps.get_model("comments", "Comment")
    store_articles_again(Comment.objects.filter(wordpress_id__isnull=False))


class Migration(migrations.Migration):
    dependencies = [
        ("comments", "0014_screening_lookups"),
    ]

    operations = [
        migrations.RunPython(render_imported_articles, migrations.RunPython.noop),
    ]
