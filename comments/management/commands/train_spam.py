"""Bootstrap the classifier from labeled comments collected elsewhere.

    manage.py train_spam FILE.jsonl

The file has one JSON object a line, as `spam_eval` reads it. This counts as outside
training: the classifier may hold comments on its strength, but it marks none spam until
this blog's moderators have trained it on BROADSHEET_CLASSIFIER_MIN_OWN_TRAINING
comments of each class.
"""

from django.conf import settings
from django.core.management import BaseCommand, CommandError
from django.db import transaction

from comments.screening import bayes
from comments.screening.evaluation import read_labeled_file, train_from


class Command(BaseCommand):
    help = "Train the spam classifier on a labeled JSONL file (outside training)."

    def add_arguments(self, parser):
        parser.add_argument("file", help="labeled comments, one JSON object a line")

    def handle(self, *args, **options):
        path = options["file"]
        records = read_labeled_file(path, self.stderr)
        if not records:
            raise CommandError(f"No labeled records in {path}.")
        with transaction.atomic():
            spam, ham = train_from(records, own=False)
        totals = bayes.totals()
        self.stdout.write(
            f"Trained on {spam} spam and {ham} ham from {path}. The classifier now knows "
            f"{totals.spam} spam and {totals.ham} ham, of which this blog's own: "
            f"{totals.own_spam} spam, {totals.own_ham} ham."
        )
        minimum = settings.BROADSHEET_CLASSIFIER_MIN_OWN_TRAINING
        if totals.own_spam < minimum or totals.own_ham < minimum:
            self.stdout.write(
                f"Until moderators here have marked {minimum} comments of each kind, it holds "
                "comments it suspects but marks none spam."
            )
