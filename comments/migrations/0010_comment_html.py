from django.db import migrations, models


def render_articles(apps, schema_editor):
    """Render every stored comment's article once, as saving it now would."""
    from comments.markup import store_articles_again

    store_articles_again(apps.get_model("comments", "Comment").objects.all())


class Migration(migrations.Migration):
    dependencies = [
        ("comments", "0009_replies_outlive_their_parent"),
    ]

    operations = [
        migrations.AddField(
            model_name="comment",
            name="html",
            field=models.TextField(default="", editable=False),
        ),
        migrations.RunPython(render_articles, migrations.RunPython.noop),
    ]
