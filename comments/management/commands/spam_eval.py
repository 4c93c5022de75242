"""Measure the screening pipeline on labeled comments, cold and trained.

    manage.py spam_eval FILE.jsonl [--folds 10 | --group-by FIELD | --train TRAIN.jsonl [--own]]
                                   [--json]

Every record goes through the real pipeline as a new comment on one post, inside a
transaction that is rolled back: the blog's own comments and training are untouched.
`cold` is a new blog (the rule checks alone); `trained` is stratified k-fold
cross-validation with the classifier trained on the other folds as moderators' decisions
train it; or, with --group-by, leave-one-group-out (trained on every group but one, that
one screened, for each group: the figure that says how it does on comments it has never
seen the like of); or, with --train, trained on that file as a bootstrap from elsewhere
(which may hold comments but marks none spam until moderators here have trained it
enough), or with --own as if that file were this blog's own decisions.
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
        parser.add_argument(
            "--own", action="store_true",
            help="with --train: count that file as this blog's own moderators' decisions",
        )  # fmt: skip
        parser.add_argument(
            "--group-by", metavar="FIELD",
            help="leave one group out at a time: groups are the values of this field",
        )  # fmt: skip
        parser.add_argument("--json", action="store_true", help="print one line of JSON")

    def handle(self, *args, **options):
        if options["folds"] < 2:
            raise CommandError("--folds must be 2 or more.")
        if options["own"] and not options["train"]:
            raise CommandError("--own goes with --train.")
        if options["group_by"] and options["train"]:
            raise CommandError("Use --group-by or --train, not both.")
        records = read_labeled_file(options["file"], self.stderr, options["group_by"])
        if not records:
            raise CommandError(f"No labeled records in {options['file']}.")
        if options["group_by"] and len({record.group for record in records}) < 2:
            raise CommandError(f"--group-by {options['group_by']}: fewer than two groups.")
        training = read_labeled_file(options["train"], self.stderr) if options["train"] else None
        result = evaluate(
            records, folds=options["folds"], training=training, own=options["own"],
            by_group=bool(options["group_by"]),
        )  # fmt: skip
        if options["json"]:
            self.stdout.write(json.dumps(result))
        else:
            self.print_table(result, options)

    def print_table(self, result, options):
        if options["train"]:
            trained = f"trained on {options['train']}" + (" as own" if options["own"] else "")
        elif options["group_by"]:
            trained = f"trained, leave one {options['group_by']} out"
        else:
            trained = f"trained, {options['folds']}-fold"
        cold = result["cold"]
        self.stdout.write(
            f"{result['records']} records ({cold['spam']} spam, {cold['ham']} ham) "
            f"in {result['seconds']} s\n"
        )
        self.stdout.write(f"{'':32}{'cold':>10}  {trained}")
        for key, label in ROWS:
            self.stdout.write(f"{label:32}{cold[key]:>10.3f}  {result['trained'][key]:>10.3f}")
        if "groups" in result:
            self.print_groups(result["groups"], options["group_by"])

    def print_groups(self, groups, field):
        """Each group screened by a classifier that never saw it."""
        columns = [("spam_published_rate", "spam publ."), ("ham_spam_rate", "ham spam"),
                   ("ham_held_rate", "ham held"), ("f1", "F1")]  # fmt: skip
        self.stdout.write(f"\n{field:24}{'spam':>6}{'ham':>6}"
                          + "".join(f"{title:>12}" for _, title in columns))  # fmt: skip
        for name, figures in groups.items():
            self.stdout.write(
                f"{name[:24]:24}{figures['spam']:>6}{figures['ham']:>6}"
                + "".join(f"{figures[key]:>12.3f}" for key, _ in columns)
            )
