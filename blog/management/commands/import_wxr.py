"""Import a WordPress export (Tools → Export → All content) into the blog.

    python manage.py import_wxr EXPORT.xml [--dry-run] [--map-author wpname=username]
                                           [--uploads DIR] [--pingbacks]

Posts, pages, authors, categories, tags and comments (threads and statuses kept) go in,
in one transaction: a damaged file stops with its line number and leaves nothing behind.
Running it again adds only what is new. Old addresses redirect to the new ones. The README
section "Moving in from WordPress" says what becomes what.
"""

from django.contrib.auth import get_user_model
from django.core.management import BaseCommand, CommandError

from blog.wxr.importer import WordPressImport
from blog.wxr.reader import WXRError


class Command(BaseCommand):
    help = "Import a WordPress export file (WXR 1.1 or 1.2): posts, pages, comments, terms."

    def add_arguments(self, parser):
        parser.add_argument("export", help="The WXR file WordPress exported.")
        parser.add_argument(
            "--dry-run", action="store_true",
            help="Read the file and say what would be imported; write nothing.",
        )  # fmt: skip
        parser.add_argument(
            "--map-author", action="append", default=[], metavar="WPLOGIN=USERNAME",
            help="Give a WordPress author's posts to an existing user (repeatable). "
            "Unmapped authors become inactive users, or the existing user of that name.",
        )  # fmt: skip
        parser.add_argument(
            "--uploads", metavar="DIR",
            help="The old site's wp-content/uploads folder: files the posts use are copied "
            "to MEDIA_ROOT/uploads/ and the posts point at the copies.",
        )  # fmt: skip
        parser.add_argument(
            "--pingbacks", action="store_true",
            help="Import pingbacks and trackbacks as comments (their text starts with "
            "“Pingback:” or “Trackback:”). Skipped by default.",
        )  # fmt: skip
        parser.add_argument(
            "--progress-every", type=int, default=1000, metavar="N",
            help="Report progress every N items (0: never).",
        )  # fmt: skip

    def handle(self, *args, export, dry_run, map_author, uploads, pingbacks, progress_every,
               verbosity, **options):  # fmt: skip
        importer = WordPressImport(
            dry_run=dry_run,
            author_map=self._author_map(map_author),
            uploads=self._uploads(uploads),
            pingbacks=pingbacks,
            say=self.stdout.write if verbosity else (lambda line: None),
            list_titles=dry_run or verbosity >= 2,
            progress_every=progress_every,
        )
        try:
            counts = importer.run(export)
        except FileNotFoundError as error:
            raise CommandError(f"No such file: {export}") from error
        except WXRError as error:
            raise CommandError(f"{export}: {error} Nothing was imported.") from error
        seconds = counts.pop("seconds")
        if not verbosity:
            return
        heading = "Would import" if dry_run else "Imported"
        self.stdout.write(self.style.SUCCESS(f"{heading} in {seconds:.1f} s:"))
        for label, count in sorted(counts.items()):
            self.stdout.write(f"  {label}: {count:,}")
        if dry_run:
            self.stdout.write("Dry run: nothing was written.")

    def _author_map(self, pairs):
        mapping = {}
        User = get_user_model()
        for pair in pairs:
            wordpress_login, _, username = pair.partition("=")
            if not wordpress_login or not username:
                raise CommandError(f"--map-author takes WPLOGIN=USERNAME, not “{pair}”.")
            if not User.objects.filter(username=username).exists():
                raise CommandError(f"--map-author {pair}: there is no user “{username}” here.")
            mapping[wordpress_login] = username
        return mapping

    def _uploads(self, folder):
        from pathlib import Path

        from django.conf import settings

        if folder is None:
            return None
        if not Path(folder).is_dir():
            raise CommandError(f"--uploads {folder}: no such folder.")
        if not settings.MEDIA_ROOT or not settings.MEDIA_URL:
            raise CommandError("--uploads needs MEDIA_ROOT and MEDIA_URL in the settings.")
        return folder
