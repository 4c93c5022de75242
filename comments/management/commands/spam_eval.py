"""Measure the screening pipeline on labeled comments, cold and trained.

    manage.py spam_eval FILE.jsonl [--folds 10] [--train TRAIN.jsonl] [--json]

Every record goes through the real pipeline as a new comment on one post, inside a
transaction that is rolled back: the blog's own comments and training are untouched.
`cold` is a new blog (the rule checks alone); `trained` is stratified k-fold
cross-validation with the classifier trained on the other folds as moderators' decisions
train it, or, with --train, trained on that file as a bootstrap from elsewhere (which may
hold comments but marks none spam until moderators here have trained it enough).
"""

import json

from django.core.management import BaseCommand, CommandError

from comments.screening.evaluation import evaluate, read_labeled_file

ROWS = [
    ("precision", "precision (spam)"),
    ("recall", "recall (spam)"),
    ("f1", "F1 (spam)"),
    ("ham_spam_rate", "ham marked spam"),
    ("ham_held_rate", "ham held"),
    ("spam_held_rate", "spam held"),
    ("spam_published_rate", "spam published"),
    ("ham_classifier_spam_rate", "ham the classifier scored spam"),
]


class Command(BaseCommand):
    help = "Run labeled comments (JSONL) through the screening pipeline and report how it did."

    def add_arguments(self, parser):
        parser.add_argument("file", help="labeled comments, one JSON object a line")
        parser.add_argument("--folds", type=int, default=10, help="cross-validation folds")
        parser.add_argument(
            "--train", metavar="TRAIN.jsonl",
            help="train on this file instead (as outside training), test on every record",
        )  # fmt: skip
        parser.add_argument("--json", action="store_true", help="print one line of JSON")

    def handle(self, *args, **options):
        if options["folds"] < 2:
            raise CommandError("--folds must be 2 or more.")
        records = self.read(options["file"])
        if not records:
            raise CommandError(f"No labeled records in {options['file']}.")
        training = self.read(options["train"]) if options["train"] else None
        result = evaluate(records, folds=options["folds"], training=training)
        if options["json"]:
            self.stdout.write(json.dumps(result))
        else:
            self.print_table(result, options)

    def read(self, path):
        return read_labeled_file(path, self.stderr)

    def print_table(self, result, options):
        trained = f"trained on {options['train']}" if options["train"] else (
            f"trained, {options['folds']}-fold"
        )  # fmt: skip
        cold = result["cold"]
        self.stdout.write(
            f"{result['records']} records ({cold['spam']} spam, {cold['ham']} ham) "
            f"in {result['seconds']} s\n"
        )
        self.stdout.write(f"{'':32}{'cold':>10}  {trained}")
        for key, label in ROWS:
            self.stdout.write(f"{label:32}{cold[key]:>10.3f}  {result['trained'][key]:>10.3f}")
