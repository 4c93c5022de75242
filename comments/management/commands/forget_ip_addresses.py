"""Clear the IP address and browser user agent of comments submitted more than
BROADSHEET_IP_RETENTION_DAYS ago (default 30); name, website and text stay. Safe to run
from cron, like purge_spam."""

from comments.management.commands import purge_spam
from comments.models import Comment


class Command(purge_spam.Command):
    help = "Clear the IP address and browser of comments older than N days (default: settings)."
    days_setting = "BROADSHEET_IP_RETENTION_DAYS"
    what = "comments' IP addresses and browsers"
    done = "Cleared"

    def stale(self, days):
        return Comment.objects.addresses_to_forget(days)

    def act(self, stale):
        return stale.forget_addresses()
