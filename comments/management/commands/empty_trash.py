"""Delete comments moved to the trash more than BROADSHEET_TRASH_RETENTION_DAYS ago
(default 30, as WordPress does). Safe to run from cron, like purge_spam."""

from comments.management.commands import purge_spam
from comments.models import Comment


class Command(purge_spam.Command):
    help = "Delete comments in the trash submitted more than N days ago (default from settings)."
    days_setting = "BROADSHEET_TRASH_RETENTION_DAYS"
    what = "comments in the trash"

    def stale(self, days):
        return Comment.objects.trash_to_empty(days)
