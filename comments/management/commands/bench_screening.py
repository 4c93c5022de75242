"""Time the screening of new comments on a blog with a full spam folder and a classifier
trained on ~100,000 tokens.

    manage.py bench_screening [--spam 100000] [--approved 10000] [--tokens 100000]
                              [--comments 2000]

Seeds the stored comments (spam from many senders and link domains, approved comments from
regular readers) and the trained state inside a transaction that is rolled back (the blog's
own data is untouched), screens varied comments through the real pipeline (Akismet left
out: it is a network call), some of them from the seeded spammers and regulars, and prints
the median and 99th-percentile time per comment and the rate.
"""

import gc
import random
import statistics

from django.conf import settings
from django.core.management import BaseCommand
from django.db import connection
from django.test.utils import override_settings

from comments.models import Comment, LinkedDomain, TokenCount
from comments.screening import bayes
from comments.screening.evaluation import Labeled, isolated_blog, screen_timed

SPAMMY = "cheap pills casino bonus free click here visit now offer win loans crypto seo".split()


class Command(BaseCommand):
    help = "Benchmark screening one comment with ~100,000 trained tokens: p50, p99, rate."

    def add_arguments(self, parser):
        parser.add_argument("--spam", type=int, default=100_000, help="spam comments stored")
        parser.add_argument("--approved", type=int, default=10_000, help="approved comments")
        parser.add_argument("--tokens", type=int, default=100_000)
        parser.add_argument("--comments", type=int, default=2000)
        parser.add_argument("--seed", type=int, default=1)

    def handle(self, *args, **options):
        rng = random.Random(options["seed"])
        # A vocabulary large enough that word pairs give about the tokens asked for.
        vocabulary = [_word(rng) for _ in range(max(1000, options["tokens"] // 5))]
        checks = [path for path in settings.BROADSHEET_SCREENING_CHECKS if "akismet" not in path]
        with override_settings(BROADSHEET_SCREENING_CHECKS=checks), isolated_blog() as post:
            senders = _Senders(rng, vocabulary)
            stored = _store_comments(rng, vocabulary, senders, post, options)
            trained = _build_trained_state(rng, vocabulary, options["tokens"])
            tokens = TokenCount.objects.count()
            comments = [senders.dress(_comment(rng, vocabulary, spam=rng.random() < 0.5))
                        for _ in range(options["comments"])]  # fmt: skip
            list(screen_timed(comments[:50], post))  # warm up connections and caches
            # As in a gunicorn worker (config/gunicorn.py), what lives for the whole run is
            # kept out of the garbage collector's passes.
            gc.collect()
            gc.freeze()
            timings = [seconds for _, seconds in screen_timed(comments, post)]
        timings.sort()
        p50 = statistics.median(timings) * 1000
        p99 = timings[min(len(timings) - 1, int(len(timings) * 0.99))] * 1000
        self.stdout.write(
            f"{stored[Comment.Status.SPAM]} spam and {stored[Comment.Status.APPROVED]} "
            f"approved comments stored ({stored['links']} linked domains).\n"
            f"Trained on {trained} comments ({tokens} tokens); screened {len(timings)}.\n"
            f"p50 {p50:.2f} ms   p99 {p99:.2f} ms   {len(timings) / sum(timings):.0f} comments/s"
        )


class _Senders:
    """The spammers and regular readers of the seeded blog: addresses, IPs and link
    domains that new comments share with stored ones."""

    def __init__(self, rng, vocabulary):
        self.rng = rng
        self.spam_emails = [f"{_word(rng)}{n}@{_word(rng)}.example" for n in range(20_000)]
        self.spam_ips = [f"203.0.{n // 250}.{n % 250 + 1}" for n in range(10_000)]
        self.spam_domains = [f"{_word(rng)}-{n}.example" for n in range(3_000)]
        self.regulars = [f"{_word(rng)}{n}@mail.example" for n in range(2_000)]
        # Readers link to a few popular sites, over and over.
        self.popular = ["wikipedia.org", "github.com", "youtube.com", "bbc.co.uk", "gov.uk"]

    def spam(self, comment):
        return dict(author_email=self.rng.choice(self.spam_emails),
                    ip_address=self.rng.choice(self.spam_ips),
                    author_url=f"https://{self.rng.choice(self.spam_domains)}/"
                    if self.rng.random() < 0.5 else "")  # fmt: skip

    def dress(self, comment):
        """A new comment: a third of them from someone the blog has seen before."""
        from dataclasses import replace

        known = self.rng.random() < 0.33
        if comment.label == bayes.SPAM and known:
            return replace(comment, **self.spam(comment))
        if comment.label == bayes.HAM and known:
            body = comment.body + f" https://{self.rng.choice(self.popular)}/wiki/Page"
            return replace(comment, author_email=self.rng.choice(self.regulars), body=body)
        return comment


def _store_comments(rng, vocabulary, senders, post, options):
    """Spam and approved comments as a busy blog keeps them, created in bulk (which
    stores the body hash and linked domains as save() does)."""
    made = {Comment.Status.SPAM: 0, Comment.Status.APPROVED: 0}
    wanted = {Comment.Status.SPAM: options["spam"], Comment.Status.APPROVED: options["approved"]}
    for status, count in wanted.items():
        for start in range(0, count, 2000):
            batch = []
            for _ in range(min(2000, count - start)):
                spam = status == Comment.Status.SPAM
                labeled = _comment(rng, vocabulary, spam=spam)
                body = labeled.body
                if spam and rng.random() < 0.6:
                    body += f" https://{rng.choice(senders.spam_domains)}/{_word(rng)}"
                elif not spam and rng.random() < 0.2:
                    body += f" https://{rng.choice(senders.popular)}/{_word(rng)}"
                sender = senders.spam(labeled) if spam else {
                    "author_email": rng.choice(senders.regulars), "ip_address": labeled.ip_address,
                    "author_url": "",
                }  # fmt: skip
                batch.append(Comment(post=post, author_name=labeled.author_name, body=body,
                                     status=status, **sender))  # fmt: skip
            Comment.objects.bulk_create(batch, batch_size=bayes.BATCH)
            made[status] += len(batch)
    made["links"] = LinkedDomain.objects.count()
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            for model in (Comment, LinkedDomain):
                cursor.execute(f"ANALYZE {model._meta.db_table}")
    return made


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
