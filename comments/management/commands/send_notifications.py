"""Send the emails waiting in the outbox: new ones a request could not send, and failed ones
whose wait is over (a minute after the first failure, doubling, at most six hours). Then
delete sent and given-up emails older than BROADSHEET_EMAIL_RETENTION_DAYS. Safe to run from
cron every few minutes, on several nodes at once: each email is claimed before it is sent."""

from django.conf import settings
from django.core.management import BaseCommand

from comments import outbox
from comments.models import OutgoingEmail


class Command(BaseCommand):
    help = "Send the comment emails that are due, retrying failed ones with backoff."

    def add_arguments(self, parser):
        parser.add_argument(
            "--now",
            action="store_true",
            help="Retry every unsent email now, without waiting (after fixing the mail server).",
        )

    def handle(self, *args, now=False, **options):
        if now:
            OutgoingEmail.objects.retry_now()
        sent = failed = 0
        while True:
            delivery = outbox.deliver()
            sent += delivery.sent
            failed += delivery.failed
            if delivery.server_failed or not (delivery.sent or delivery.failed):
                break
        waiting = OutgoingEmail.objects.filter(status=OutgoingEmail.Status.QUEUED).count()
        days = settings.BROADSHEET_EMAIL_RETENTION_DAYS
        deleted, _ = OutgoingEmail.objects.settled_before(days).delete()
        self.stdout.write(
            f"Sent {sent} emails, {failed} failed; {waiting} wait for a retry. "
            f"Deleted {deleted} sent or given-up emails older than {days} days."
        )
