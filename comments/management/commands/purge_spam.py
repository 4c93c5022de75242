"""Delete spam older than BROADSHEET_SPAM_RETENTION_DAYS (default 15). Safe to run from cron:
it deletes in small batches and does nothing when there is nothing to delete. The web
process runs it too, with the other retention jobs (`manage.py housekeeping`)."""

from django.conf import settings
from django.core.management import BaseCommand

from comments.models import Comment


class Command(BaseCommand):
    help = "Delete comments marked as spam more than N days ago (default from settings)."
    days_setting = "BROADSHEET_SPAM_RETENTION_DAYS"
    what = "spam comments"
    done = "Deleted"

    def stale(self, days):
        return Comment.objects.spam_to_purge(days)

    def act(self, stale):
        return stale.delete_in_batches()

    def add_arguments(self, parser):
        parser.add_argument(
            "--days",
            type=int,
            default=None,
            help=f"Keep those younger than this many days (default: {self.days_setting}).",
        )
        parser.add_argument("--dry-run", action="store_true", help="Count, change nothing.")

    def handle(self, *args, days=None, dry_run=False, **options):
        days = getattr(settings, self.days_setting) if days is None else days
        stale = self.stale(days)
        if dry_run:
            self.stdout.write(f"{stale.count()} {self.what} older than {days} days.")
            return
        self.stdout.write(f"{self.done} {self.act(stale)} {self.what} older than {days} days.")
