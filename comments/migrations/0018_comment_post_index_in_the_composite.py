"""A comment's post has no index of its own: the index on (post, status, submitted_at)
serves every lookup by post. With both, PostgreSQL chose the narrower one whenever its
statistics were behind a post whose comments poured in, and then read every held or spam
comment of that post to find its approved ones."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("blog", "0007_summaries_keep_quotations"),
        ("comments", "0017_comment_rows_kept_whole"),
    ]

    operations = [
        migrations.AlterField(
            model_name="comment",
            name="post",
            field=models.ForeignKey(
                db_index=False,
                on_delete=django.db.models.deletion.CASCADE,
                related_name="comments",
                to="blog.post",
            ),
        ),
    ]
