from django.db import migrations, models


def render_articles(apps, schema_editor):
    """Render every stored comment's article once, as saving it now would."""
    from comments.markup import render_article

    Comment = apps.get_model("comments", "Comment")
    batch = []
    comments = Comment.objects.select_related("post").order_by("pk")
    for comment in comments.iterator(chunk_size=500):
        comment.html = render_article(comment, comment.post.author_id)
        batch.append(comment)
        if len(batch) == 500:
            Comment.objects.bulk_update(batch, ["html"])
            batch = []
    Comment.objects.bulk_update(batch, ["html"])


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
