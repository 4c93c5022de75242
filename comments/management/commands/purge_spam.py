"""Delete spam older than BROADSHEET_SPAM_RETENTION_DAYS (default 15). Safe to run from cron:
it deletes in small batches and does nothing when there is nothing to delete."""

from datetime import timedelta

from django.conf import settings
from django.core.management import BaseCommand
from django.utils import timezone

from comments.models import Comment

BATCH = 500


class Command(BaseCommand):
    help = "Delete comments marked as spam more than N days ago (default from settings)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--days",
            type=int,
            default=None,
            help="Keep spam younger than this many days (default: BROADSHEET_SPAM_RETENTION_DAYS).",
        )
        parser.add_argument("--dry-run", action="store_true", help="Count, delete nothing.")

    def handle(self, *args, days=None, dry_run=False, **options):
        days = settings.BROADSHEET_SPAM_RETENTION_DAYS if days is None else days
        cutoff = timezone.now() - timedelta(days=days)
        stale = Comment.objects.filter(status=Comment.Status.SPAM, submitted_at__lt=cutoff)
        if dry_run:
            self.stdout.write(f"{stale.count()} spam comments older than {days} days.")
            return
        deleted = 0
        while ids := list(stale.values_list("pk", flat=True)[:BATCH]):
            Comment.objects.filter(pk__in=ids).delete()  # their replies stay, at the top level
            deleted += len(ids)
        self.stdout.write(f"Deleted {deleted} spam comments older than {days} days.")
