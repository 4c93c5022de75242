"""Time the screening of new comments against a classifier trained on ~100,000 tokens.

    manage.py bench_screening [--tokens 100000] [--comments 2000]

Builds the trained state inside a transaction that is rolled back (the blog's own data is
untouched), screens varied comments through the real pipeline (Akismet left out: it is a
network call), and prints the median and 99th-percentile time per comment and the rate.
"""

import random
import statistics

from django.conf import settings
from django.core.management import BaseCommand
from django.db import connection
from django.test.utils import override_settings

from comments.models import TokenCount
from comments.screening import bayes
from comments.screening.evaluation import Labeled, isolated_blog, screen_timed

SPAMMY = "cheap pills casino bonus free click here visit now offer win loans crypto seo".split()


class Command(BaseCommand):
    help = "Benchmark screening one comment with ~100,000 trained tokens: p50, p99, rate."

    def add_arguments(self, parser):
        parser.add_argument("--tokens", type=int, default=100_000)
        parser.add_argument("--comments", type=int, default=2000)
        parser.add_argument("--seed", type=int, default=1)

    def handle(self, *args, **options):
        rng = random.Random(options["seed"])
        # A vocabulary large enough that word pairs give about the tokens asked for.
        vocabulary = [_word(rng) for _ in range(max(1000, options["tokens"] // 5))]
        checks = [path for path in settings.BROADSHEET_SCREENING_CHECKS if "akismet" not in path]
        with override_settings(BROADSHEET_SCREENING_CHECKS=checks), isolated_blog() as post:
            trained = _build_trained_state(rng, vocabulary, options["tokens"])
            tokens = TokenCount.objects.count()
            comments = [_comment(rng, vocabulary, spam=rng.random() < 0.5)
                        for _ in range(options["comments"])]  # fmt: skip
            list(screen_timed(comments[:50], post))  # warm up connections and caches
            timings = [seconds for _, seconds in screen_timed(comments, post)]
        timings.sort()
        p50 = statistics.median(timings) * 1000
        p99 = timings[min(len(timings) - 1, int(len(timings) * 0.99))] * 1000
        self.stdout.write(
            f"Trained on {trained} comments ({tokens} tokens); screened {len(timings)}.\n"
            f"p50 {p50:.2f} ms   p99 {p99:.2f} ms   {len(timings) / sum(timings):.0f} comments/s"
        )


def _build_trained_state(rng, vocabulary, wanted_tokens):
    """Counts as a blog that has trained on enough comments to know `wanted_tokens` tokens.

    Written in one pass, as the table stands after training and the database's routine
    upkeep (on PostgreSQL, training row by row inside this rolled-back transaction would
    leave every row's old versions behind and measure them instead)."""
    from collections import Counter

    from comments.models import ClassifierState

    counts = {bayes.SPAM: Counter(), bayes.HAM: Counter()}
    messages = Counter()
    while len(counts[bayes.SPAM].keys() | counts[bayes.HAM].keys()) < wanted_tokens:
        comment = _comment(rng, vocabulary, spam=messages.total() % 2 == 0)
        counts[comment.label].update(bayes.tokens(comment))
        messages[comment.label] += 1
    spam, ham = counts[bayes.SPAM], counts[bayes.HAM]
    TokenCount.objects.bulk_create(
        (TokenCount(token=token, spam=spam[token], ham=ham[token]) for token in spam | ham),
        batch_size=bayes.BATCH,
    )
    ClassifierState.objects.create(
        spam=messages[bayes.SPAM], ham=messages[bayes.HAM],
        own_spam=messages[bayes.SPAM], own_ham=messages[bayes.HAM],
        spam_tokens=spam.total(), ham_tokens=ham.total(),
    )  # fmt: skip
    bayes.forget_totals()
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(f"ANALYZE {TokenCount._meta.db_table}")
    return messages.total()


def _word(rng):
    return "".join(rng.choice("abcdefghijklmnopqrstuvwxyz") for _ in range(rng.randint(3, 9)))


def _comment(rng, vocabulary, spam):
    """A comment of 5 to 120 words; spam mixes in spammy words, links and a shop's name."""
    words = rng.choices(vocabulary, k=rng.randint(5, 120))
    name = f"{rng.choice(vocabulary).title()} {rng.choice(vocabulary).title()}"
    url = ""
    if spam:
        words += rng.choices(SPAMMY, k=rng.randint(1, 6))
        rng.shuffle(words)
        if rng.random() < 0.4:
            words.append(f"https://{rng.choice(vocabulary)}.example/{rng.choice(vocabulary)}")
        name = f"{rng.choice(SPAMMY).title()} {rng.choice(vocabulary).title()}"
        url = f"https://{rng.choice(vocabulary)}.example" if rng.random() < 0.5 else ""
    return Labeled(
        line=0,
        label=bayes.SPAM if spam else bayes.HAM,
        author_name=name,
        author_email=f"{rng.choice(vocabulary)}@{rng.choice(vocabulary)}.example",
        author_url=url,
        body=" ".join(words).capitalize() + ".",
        ip_address=f"198.51.{rng.randint(0, 255)}.{rng.randint(1, 254)}",
    )
