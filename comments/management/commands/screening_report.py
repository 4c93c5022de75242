"""How often moderators overruled each screening check.

    manage.py screening_report [--days 30]

For the comments screened in the last N days: how many verdicts each check pushed toward,
and how many of those a moderator reversed: spam rescued (to approved or back to pending),
approvals withdrawn (to spam or back to pending), and holds approved. A check that is
overruled often is the one to loosen, or to drop.
"""

from collections import Counter
from datetime import timedelta

from django.core.management import BaseCommand, CommandError
from django.utils import timezone

from comments.models import Comment

Status = Comment.Status
# (verdict, status a moderator moved it to) → what the reversal is called.
REVERSALS = {
    ("spam", Status.APPROVED): "spam rescued",
    ("spam", Status.PENDING): "spam rescued",
    ("approve", Status.SPAM): "approval withdrawn",
    ("approve", Status.PENDING): "approval withdrawn",
    ("hold", Status.APPROVED): "hold approved",
}
COLUMNS = ("spam rescued", "approval withdrawn", "hold approved")


def overruled(since):
    """{check: Counter of verdicts and reversals} for comments submitted since `since`."""
    report = {}
    comments = Comment.objects.filter(submitted_at__gte=since).exclude(verdict="")
    rows = comments.values_list("verdict", "verdict_checks", "status", "status_changed_by")
    for verdict, checks, status, moderator in rows.iterator(chunk_size=2000):
        reversal = REVERSALS.get((verdict, status)) if moderator else None
        for check in checks or ():
            counts = report.setdefault(check, Counter())
            counts["verdicts"] += 1
            if reversal:
                counts[reversal] += 1
                counts["overruled"] += 1
    return report


class Command(BaseCommand):
    help = "Count, per screening check, the verdicts moderators reversed in the last N days."

    def add_arguments(self, parser):
        parser.add_argument("--days", type=int, default=30)

    def handle(self, *args, **options):
        if options["days"] < 1:
            raise CommandError("--days must be 1 or more.")
        report = overruled(timezone.now() - timedelta(days=options["days"]))
        if not report:
            self.stdout.write(f"No screened comments in the last {options['days']} days.")
            return
        self.stdout.write(f"Screening checks overruled by moderators, last {options['days']} days")
        header = f"{'check':14}{'verdicts':>10}{'overruled':>11}" + "".join(
            f"{title:>20}" for title in COLUMNS
        )
        self.stdout.write(header)
        for check, counts in sorted(report.items(), key=lambda item: -item[1]["overruled"]):
            self.stdout.write(
                f"{check:14}{counts['verdicts']:>10}{counts['overruled']:>11}"
                + "".join(f"{counts[title]:>20}" for title in COLUMNS)
            )
