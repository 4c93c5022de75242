"""Run every retention job once: purge_spam, empty_trash, forget_ip_addresses, the deletion
of the outbox's old emails and of expired sessions (comments/housekeeping.py). The web
process runs it by itself at most once an hour; from cron, e.g. `17 * * * * cd /srv/broadsheet &&
.venv/bin/python manage.py housekeeping`, with BROADSHEET_HOUSEKEEPING_IN_WEB=false."""

from django.core.management import BaseCommand

from comments import housekeeping


class Command(BaseCommand):
    help = (
        "Apply the retention periods: old spam, trash, IP addresses, sent emails and expired "
        "sessions go."
    )

    def handle(self, *args, **options):
        for line in housekeeping.run():
            self.stdout.write(line)
