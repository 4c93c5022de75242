"""Export the blog as a WordPress export file (WXR 1.2), so it can move anywhere.

    python manage.py export_wxr OUT.xml

WordPress reads the file with Tools → Import → WordPress; Broadsheet reads it with
`manage.py import_wxr`. Posts, pages, authors, categories, tags and every comment (with
its thread and status) are in it. "-" writes to standard output.
"""

import sys

from django.core.management import BaseCommand

from blog.wxr.exporter import export


class Command(BaseCommand):
    help = "Write the blog as a WordPress export file (WXR 1.2)."

    def add_arguments(self, parser):
        parser.add_argument("out", help="Where to write the file (- for standard output).")

    def handle(self, *args, out, **options):
        if out == "-":
            export(sys.stdout)
            return
        with open(out, "w", encoding="utf-8") as stream:
            counts = export(stream)
        summary = ", ".join(f"{count:,} {label}" for label, count in counts.items())
        self.stdout.write(self.style.SUCCESS(f"Wrote {out}: {summary or 'an empty blog'}."))
