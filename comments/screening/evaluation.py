"""Measuring the screening on labeled comments: reading labeled JSONL files and running
every record through the real pipeline, cold and trained (`manage.py spam_eval`).

A labeled file has one JSON object a line: {"author", "email", "url", "body", "label":
"spam"|"ham"}, optionally "ip", "user_agent" and "date"; other keys are ignored, except the
one named to group records by (`--group-by video`).
"""

import json
import random
import time
import uuid
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.test.utils import override_settings
from django.utils import timezone

from comments.screening import bayes
from comments.screening.checks.timestamp import make_form_token
from comments.screening.pipeline import screen
from comments.screening.submission import Action, Submission

LABELS = (bayes.SPAM, bayes.HAM)
# The flood check's counts go to a private cache during an evaluation, emptied before each
# record: records must not flood each other, nor touch the blog's real rate limits.
EVALUATION_CACHE = "spam-evaluation"


@dataclass(frozen=True)
class Labeled:
    """One labeled comment read from a file; reads like a message to bayes.tokens()."""

    line: int
    label: str
    author_name: str
    author_email: str
    author_url: str
    body: str
    ip_address: str | None = None
    user_agent: str = ""
    group: str = ""  # the value of the field records are grouped by, if any

    def submission(self, post, form_token):
        return Submission(
            post=post,
            author_name=self.author_name,
            author_email=self.author_email,
            author_url=self.author_url,
            body=self.body,
            ip_address=self.ip_address,
            user_agent=self.user_agent,
            form_token=form_token,
        )


def read_labeled(lines, group_by=None):
    """Parse labeled JSONL lines into (records, problems); a problem is (line number,
    what is wrong) for a line that was skipped. Blank lines are ignored. With `group_by`,
    each record's group is the value of that field (a record without it: a problem)."""
    records, problems = [], []
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        try:
            record = json.loads(line)
        except json.JSONDecodeError as error:
            problems.append((number, f"not valid JSON ({error.msg})"))
            continue
        if not isinstance(record, dict):
            problems.append((number, "not a JSON object"))
            continue
        label = record.get("label")
        if label not in LABELS:
            problems.append((number, f'label must be "spam" or "ham", not {label!r}'))
            continue
        fields = {key: record.get(key) or "" for key in ("author", "email", "url", "body")}
        if not all(isinstance(value, str) for value in fields.values()):
            problems.append((number, "author, email, url and body must be strings"))
            continue
        if not fields["body"].strip():
            problems.append((number, "no body"))
            continue
        group = record.get(group_by) if group_by else ""
        if group_by and group in (None, ""):
            problems.append((number, f"no {group_by!r} to group by"))
            continue
        records.append(
            Labeled(
                line=number,
                label=label,
                author_name=fields["author"],
                author_email=fields["email"],
                author_url=fields["url"],
                body=fields["body"],
                ip_address=_ip(record.get("ip")),
                user_agent=str(record.get("user_agent") or "")[:500],
                group=str(group),
            )
        )
    return records, problems


def read_labeled_file(path, stderr, group_by=None):
    """The records of a labeled JSONL file, for the management commands: each skipped line
    is reported on `stderr` with its number; an unreadable file is a CommandError."""
    from django.core.management import CommandError

    try:
        with open(path, encoding="utf-8") as lines:
            records, problems = read_labeled(lines, group_by)
    except OSError as error:
        raise CommandError(f"Cannot read {path}: {error.strerror}.") from error
    for number, problem in problems:
        stderr.write(f"{path}, line {number}: {problem}; skipped.")
    return records


def _ip(value):
    import ipaddress

    try:
        return str(ipaddress.ip_address(value)) if value else None
    except ValueError:
        return None


def train_from(records, *, own):
    """Train the classifier on labeled records, in bulk; returns (spam, ham) counts."""
    trained = {}
    for label in LABELS:
        trained[label] = bayes.train([r for r in records if r.label == label], label, own=own)
    return trained[bayes.SPAM], trained[bayes.HAM]


def evaluate(records, *, folds=10, training=None, own=False, by_group=False, seed=0):
    """Screen every record through the real pipeline, on a blog with no comments, rules or
    training (cold), and trained, in one of three ways:

    - by stratified k-fold cross-validation, as moderators' decisions would train it;
    - with `by_group`, leaving one group out at a time (train on every other group, screen
      that one): how it does on comments unlike those it learned from, say under a video
      it never saw, which is what a blog new to it looks like;
    - given `training` records, trained on those: as a bootstrap from elsewhere (outside
      training, which never marks spam), or with `own` as if they were this blog's own
      decisions.

    Everything happens inside a transaction that is rolled back, each fold in its own
    savepoint: nothing leaks between folds or into the blog's data. Run it on a copy of
    the database, not a busy production one: it holds the comment tables while it runs."""
    started = time.monotonic()
    result = {}
    with isolated_blog() as post:
        cold = _screen_each(records, post)
        if training is not None:
            train_from(training, own=own)
            trained = _screen_each(records, post)
        elif by_group:
            groups = _groups(records)
            trained = _held_out(records, post, list(groups.values()))
            result["groups"] = {
                name: summary([records[i] for i in indexes], [trained[i] for i in indexes])
                for name, indexes in groups.items()
            }
        else:
            trained = _held_out(records, post, _stratified_folds(records, folds, seed))
    return {
        "cold": summary(records, cold),
        "trained": summary(records, trained),
        "records": len(records),
        "seconds": round(time.monotonic() - started, 2),
        **result,
    }


@contextmanager
def isolated_blog():
    """A blog as new, inside a transaction that is rolled back on the way out: no comments,
    screening rules or classifier training, one published post to comment on (yielded),
    and the flood check counting in a private cache."""
    caches = {**settings.CACHES, EVALUATION_CACHE: {
        "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
        "LOCATION": EVALUATION_CACHE,
    }}  # fmt: skip
    from comments.models import ScreeningRule

    with override_settings(CACHES=caches, BROADSHEET_SCREENING_CACHE=EVALUATION_CACHE):
        try:
            with transaction.atomic():
                yield _empty_blog_with_one_post()
                transaction.set_rollback(True)
        finally:
            # The cache saw the emptied lists and the evaluation's training, which the
            # rollback has just undone.
            ScreeningRule.forget_cached()
            bayes.forget_totals()


def _held_out(records, post, folds):
    """Screen each fold (a list of record indexes) with the classifier trained on every
    other record, as moderators' decisions train it. Trains on everything once, then for
    each fold takes its records back out (in a savepoint), screens them, and rolls back:
    the same counts as training on the other folds, at a fraction of the cost."""
    token_sets = [bayes.tokens(record) for record in records]
    for label in LABELS:
        same = [found for found, r in zip(token_sets, records, strict=True) if r.label == label]
        bayes.train_tokens(same, label, own=True)
    verdicts = [None] * len(records)
    for fold in folds:
        with transaction.atomic():
            for label in LABELS:
                held_out = [token_sets[i] for i in fold if records[i].label == label]
                bayes.train_tokens(held_out, label, own=True, untrain=True)
            for i, verdict in zip(fold, _screen_each([records[i] for i in fold], post),
                                  strict=True):  # fmt: skip
                verdicts[i] = verdict
            transaction.set_rollback(True)
    return verdicts


def _groups(records):
    """{group: [record indexes]}, groups in the order they first appear."""
    groups = {}
    for i, record in enumerate(records):
        groups.setdefault(record.group, []).append(i)
    return groups


def _stratified_folds(records, folds, seed):
    """`folds` lists of record indexes, each with its share of spam and of ham."""
    order = list(range(len(records)))
    random.Random(seed).shuffle(order)
    buckets = [[] for _ in range(max(2, folds))]
    for label in LABELS:
        same = [i for i in order if records[i].label == label]
        for n, i in enumerate(same):
            buckets[n % len(buckets)].append(i)
    return [bucket for bucket in buckets if bucket]


def _screen_each(records, post):
    return [verdict for verdict, _ in screen_timed(records, post)]


def screen_timed(records, post):
    """Screen each record as a new comment on `post`: (verdict, seconds) pairs, with the
    flood check's counts emptied before each record."""
    from django.core.cache import caches

    cache = caches[EVALUATION_CACHE]
    # Rendered a minute ago: the timestamp check sees a reader who took their time.
    token = make_form_token(post, now=time.time() - 60)
    for record in records:
        cache.clear()
        submission = record.submission(post, token)
        started = time.perf_counter()
        verdict = screen(submission)
        yield verdict, time.perf_counter() - started


def _empty_blog_with_one_post():
    """Inside the evaluation's transaction: a blog as new (no comments, screening rules or
    classifier training) with one published post to comment on."""
    from django.contrib.auth import get_user_model

    from blog.models import Post
    from comments.models import Comment, ScreeningRule

    Comment.objects.all().delete()
    ScreeningRule.objects.all().delete()
    bayes.forget_everything()
    name = f"spam-evaluation-{uuid.uuid4().hex[:8]}"
    author = get_user_model().objects.create(username=name)
    return Post.objects.create(
        title="Spam evaluation",
        slug=name,
        body="A post to comment on.",
        author=author,
        status=Post.Status.PUBLISHED,
        publish_at=timezone.now() - timedelta(hours=1),
    )


def summary(records, verdicts):
    """Precision, recall and F1 of the spam class (caught = a spam or reject verdict), and
    what happened to each class: ham caught, ham held, spam published."""
    caught_actions = (Action.SPAM, Action.REJECT)
    counts = {(label, kind): 0 for label in LABELS for kind in ("caught", "held", "published")}
    ham_scored_spam = 0
    cutoff = settings.BROADSHEET_CLASSIFIER_SPAM_CUTOFF
    for record, verdict in zip(records, verdicts, strict=True):
        kind = (
            "caught" if verdict.action in caught_actions
            else "held" if verdict.action == Action.HOLD
            else "published"
        )  # fmt: skip
        counts[record.label, kind] += 1
        score = verdict.classifier_score
        if record.label == bayes.HAM and score is not None and score >= cutoff:
            ham_scored_spam += 1
    spam = sum(1 for r in records if r.label == bayes.SPAM)
    ham = len(records) - spam
    true_positives = counts[bayes.SPAM, "caught"]
    caught = true_positives + counts[bayes.HAM, "caught"]
    precision = true_positives / caught if caught else 0.0
    recall = true_positives / spam if spam else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return {
        "precision": round(precision, 4),
        "recall": round(recall, 4),
        "f1": round(f1, 4),
        "ham_spam_rate": _rate(counts[bayes.HAM, "caught"], ham),
        "ham_held_rate": _rate(counts[bayes.HAM, "held"], ham),
        "spam_published_rate": _rate(counts[bayes.SPAM, "published"], spam),
        "spam_held_rate": _rate(counts[bayes.SPAM, "held"], spam),
        # Ham the classifier scored as spam: while it is still learning the blog it holds
        # these instead of marking them spam; this says how many that saved.
        "ham_classifier_spam_rate": _rate(ham_scored_spam, ham),
        "spam": spam,
        "ham": ham,
    }


def _rate(part, whole):
    return round(part / whole, 4) if whole else 0.0
