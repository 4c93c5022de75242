import django.core.validators
from django.core.exceptions import ValidationError
from django.db import migrations, models

_validate = django.core.validators.URLValidator(schemes=["http", "https"])


def drop_websites_that_are_not_http(apps, schema_editor):
    """A website stored before the http(s) rule (an import took javascript: links) is dropped."""
    Comment = apps.get_model("comments", "Comment")
    bad = []
    for pk, url in Comment.objects.exclude(author_url="").values_list("pk", "author_url").iterator():
        try:
            _validate(url)
        except ValidationError:
            bad.append(pk)
    for start in range(0, len(bad), 500):
        Comment.objects.filter(pk__in=bad[start : start + 500]).update(author_url="")


class Migration(migrations.Migration):

    dependencies = [
        ('comments', '0011_outgoing_email'),
    ]

    operations = [
        migrations.AlterField(
            model_name='comment',
            name='author_url',
            field=models.URLField(blank=True, validators=[django.core.validators.URLValidator(message='That does not look like a web address (try https://…).', schemes=['http', 'https'])], verbose_name='website'),
        ),
        migrations.RunPython(drop_websites_that_are_not_http, migrations.RunPython.noop),
    ]
