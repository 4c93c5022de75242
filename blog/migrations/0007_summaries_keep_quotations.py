from django.db import migrations


def summarize_again(apps, schema_editor):
    """Summaries derived from a body before quoted passages counted as prose: derived
    again, as saving each post (without an excerpt of its own) or page now would."""
    from blog.html import summarize

    Post, Page = apps.get_model("blog", "Post"), apps.get_model("blog", "Page")
    for rows in (Post.objects.filter(excerpt=""), Page.objects.all()):
        changed = []
        for item in rows.only("pk", "body_html").order_by("pk").iterator(chunk_size=500):
            item.summary = summarize(item.body_html)
            changed.append(item)
        rows.model.objects.bulk_update(changed, ["summary"], batch_size=500)


class Migration(migrations.Migration):
    dependencies = [
        ("blog", "0006_siteidentity_contact_email"),
    ]

    operations = [
        migrations.RunPython(summarize_again, migrations.RunPython.noop),
    ]
