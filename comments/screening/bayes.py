"""The classifier's one home: how a comment becomes tokens, how moderators' decisions train
the token counts, and how a new comment is scored against them.

A message is anything with `author_name`, `author_email`, `author_url` and `body` (a
Comment or a Submission). Each token counts once per message. Scoring follows Gary
Robinson's method as SpamBayes uses it: a per-token probability f(w) pulled toward x by a
strength s when the token is rare, then Fisher's chi-square combining of the strongest
tokens into one probability that the message is spam (0 ham-like, 1 spam-like), with a
middle band where the evidence points both ways.

One change from SpamBayes: a token's rate in each class is taken per token trained, not
per message. Comment spam is long and ham is often one line, so per message nearly every
common word ("on", "if you") looks spammy and short ham was marked spam.

Counts live in TokenCount (one row per token) and ClassifierState (message totals; "own"
totals count only this blog's moderated comments, not a bootstrap file).
"""

import heapq
import html
import math
import re
import unicodedata
from collections import Counter
from dataclasses import dataclass
from itertools import islice

from django.db import connection, transaction
from django.db.models import F, Value
from django.db.models.functions import Greatest

from blog import caching
from comments.screening.text import domain_of, email_domain, links, links_and_tags_removed

SPAM = "spam"
HAM = "ham"

# Robinson's f(w): a token seen n times has probability (s*x + n*p) / (s + n).
UNKNOWN_TOKEN_STRENGTH = 1.0  # s
# A token never seen leans slightly to ham: a new word is more often a reader's own.
UNKNOWN_TOKEN_PROBABILITY = 0.45  # x
# Tokens closer to 0.5 than this say nothing and are left out of the combining.
MIN_TOKEN_STRENGTH = 0.1
# The strongest tokens of a message decide it; a long message cannot drown the rest.
MAX_DISCRIMINATORS = 150
# Bounds the work (and the query) for a very long comment: its first words say enough.
MAX_WORDS_PER_MESSAGE = 300
# Letter triples of the first words: they catch misspelt and disguised words
# ("subscrible", "v1agra") that whole-word tokens miss.
MAX_WORDS_FOR_TRIGRAMS = 100
# ...but they are poor evidence that a comment is a reader's: the words of a new reader on a
# new subject are split into triples that each lean a little toward spam, and together they
# held genuine comments. Whether a comment may be published is judged with each triple
# weighing this share of a whole token (one video left out: ham held 28.6% → 19.7% at the
# same share of spam published); whether it is spam, with every token whole.
TRIGRAM_WEIGHT_TO_PUBLISH = 0.3
TOKEN_MAX_LENGTH = 120  # TokenCount.token
# Rows per query when training; well under SQLite's and PostgreSQL's parameter limits.
BATCH = 500


# --- Tokens ---------------------------------------------------------------------------------

_TAG = re.compile(r"<[^>]*>")
_BBCODE_LINK = re.compile(r"\[url[=\]]", re.I)
_INVISIBLE = re.compile("[\u200b-\u200f\u2060\ufeff]")
_WORD = re.compile(r"[^\W_]+(?:['’][^\W_]+)*")
_MONEY = re.compile(r"[$£€¥₹]\s?\d|\d\s?(?:[$£€¥₹]|usd|eur|gbp|dollars?|pounds?|euros?)\b", re.I)
_PHONE = re.compile(r"(?<!\w)\+?\d[\d\s().-]{8,}\d(?!\w)")
_PERCENT = re.compile(r"\d\s?%")
_REPEATED_PUNCTUATION = re.compile(r"([!?$*])\1{2,}")
_SHOUTED = re.compile(r"\b[A-Z]{3,}\b")
_EMOJI = re.compile("[\U0001f000-\U0001faff\u2600-\u27bf]")
_RUN = re.compile(r"[^\W_]+")
_ELONGATED = re.compile(r"([^\W\d_])\1{2,}")
# Words inside a run-together name: "HowToMakeMoney" → how, to, make, money.
_NAME_PART = re.compile(r"[A-Z]?[a-z]+|[A-Z]+(?![a-z])|\d+")


def tokens(message):
    """The set of tokens that describe `message`: its words and word pairs, the domains it
    links to, its writer's name words and email domain, and a few shapes spam has (money,
    phone numbers, shouting, links in the name)."""
    found = set()
    found.update(_body_tokens(message.body or ""))
    found.update(_name_tokens(message.author_name or ""))
    domain = email_domain(message.author_email or "")
    if domain:
        found.add(f"email:{domain}")
        found.update(f"email:.{tld}" for tld in _suffixes(domain))
    if message.author_url:
        site = domain_of(message.author_url)
        if site:
            found.add(f"site:{site}")
            found.update(f"site:.{tld}" for tld in _suffixes(site))
    return {token[:TOKEN_MAX_LENGTH] for token in found}


def _normal(text):
    """Full-width and other compatibility characters folded (ｈｔｔｐ → http), invisible ones
    dropped, and letters repeated for effect shortened (soooo → soo, !!!!! stays a shape)."""
    text = _INVISIBLE.sub("", unicodedata.normalize("NFKC", text))
    return _ELONGATED.sub(r"\1\1", text)


def _body_tokens(body):
    text = _normal(html.unescape(body))
    # Taken before links and markup are cut out: how a link is written says something too.
    trigrams = {
        f"c:{run[i : i + 3]}"
        for run in islice(_RUN.findall(text.lower()), MAX_WORDS_FOR_TRIGRAMS)
        if len(run) > 3
        for i in range(len(run) - 2)
    }
    urls = links(text)
    for url in urls:
        domain = domain_of(url)
        if domain:
            yield f"url:{domain}"
            yield from (f"url:.{suffix}" for suffix in _suffixes(domain))
        for part in re.split(r"[/?=&#._-]+", url.split("://", 1)[-1].split("/", 1)[-1])[:6]:
            if 2 < len(part) < 20 and part.isalpha():
                yield f"path:{part.lower()}"
    yield f"links:{min(len(urls), 3)}"
    if _BBCODE_LINK.search(text):
        yield "shape:bbcode-link"
    if _TAG.search(text.replace("<br />", "").replace("<br>", "")):
        yield "shape:html"
    text = links_and_tags_removed(text)

    if _MONEY.search(text):
        yield "shape:money"
    if _PHONE.search(text):
        yield "shape:phone-number"
    if _PERCENT.search(text):
        yield "shape:percent"
    for mark in _REPEATED_PUNCTUATION.findall(text):
        yield f"shape:{mark * 3}"
    if _EMOJI.search(text):
        yield "shape:emoji"
    for word in _SHOUTED.findall(text):
        yield f"caps:{word.lower()}"
    letters = [c for c in text if c.isalpha()]
    if len(letters) >= 20 and sum(c.isupper() for c in letters) > 0.5 * len(letters):
        yield "shape:shouting"

    words = []
    for raw in islice(_WORD.finditer(text), MAX_WORDS_PER_MESSAGE):
        raw = raw.group()
        word = raw.lower().replace("’", "'")
        if word.isdigit():
            words.append(f"#{len(word)}" if len(word) > 2 else word)
        elif len(word) > 20:
            words.append(f"long:{word[0]}{len(word) // 10}")
        else:
            words.append(word)
    yield f"length:{_size(len(words))}"
    for word in words:
        if len(word) > 1:
            yield word
    yield from trigrams
    # Word pairs catch what single words miss ("check out", "my channel", "click here").
    for first, second in zip(words, words[1:], strict=False):
        yield f"{first} {second}"


def _name_tokens(name):
    name = _normal(name).strip()
    if not name:
        return
    words = [w.lower() for w in _WORD.findall(name)]
    yield from (f"name:{word}" for word in words)
    yield from (f"name:{part.lower()}" for part in _NAME_PART.findall(name) if len(part) > 1)
    yield f"name-words:{min(len(words), 5)}"
    if any(c.isdigit() for c in name):
        yield "name-shape:digits"
    if links(name) or re.search(r"\.\w{2,4}\b", name):
        yield "name-shape:link"
    if len(words) >= 2 and all(word[:1].isupper() for word in _WORD.findall(name)):
        yield "name-shape:capitalised"


def _suffixes(domain):
    """'mail.example.co.uk' → ['uk', 'co.uk', 'example.co.uk']: the parents a token can share
    with other hosts of the same site or country."""
    labels = domain.split(".")
    return [".".join(labels[-n:]) for n in range(1, len(labels))]


def _size(n):
    """A word count as a rough bucket: 0, 1, 2, 4, 8, … (its power of two)."""
    return 0 if n == 0 else 1 << (n.bit_length() - 1)


# --- Scoring --------------------------------------------------------------------------------


def token_probability(spam_count, ham_count, spam_total, ham_total):
    """Robinson's f(w): how spam-like one token is, given in how many messages of each
    class it appeared out of `spam_total` and `ham_total` (tokens trained per class), pulled
    toward the unknown-token probability when it is rare."""
    spam_ratio = spam_count / spam_total if spam_total else 0.0
    ham_ratio = ham_count / ham_total if ham_total else 0.0
    if spam_ratio + ham_ratio == 0:
        return UNKNOWN_TOKEN_PROBABILITY
    p = spam_ratio / (spam_ratio + ham_ratio)
    n = spam_count + ham_count
    s, x = UNKNOWN_TOKEN_STRENGTH, UNKNOWN_TOKEN_PROBABILITY
    return (s * x + n * p) / (s + n)


def combine(probabilities):
    """Fisher's chi-square combining: S says how surely the tokens are spam, H how surely
    ham; their balance (1 + S - H) / 2 is near 1 or 0 when they agree and near 0.5 when the
    message has strong evidence both ways (or none)."""
    strong = [p for p in probabilities if abs(p - 0.5) >= MIN_TOKEN_STRENGTH]
    if len(strong) > MAX_DISCRIMINATORS:  # ties broken by the value: the same set every time
        strong = heapq.nlargest(MAX_DISCRIMINATORS, strong, key=lambda p: (abs(p - 0.5), p))
    if not strong:
        return 0.5
    # fsum: exactly rounded, so the same tokens in any order give the same score.
    spam_log = math.fsum(math.log(1.0 - p) for p in strong)
    ham_log = math.fsum(math.log(p) for p in strong)
    n = len(strong)
    spam_evidence = 1.0 - _chi2_survival(-2.0 * spam_log, 2 * n)
    ham_evidence = 1.0 - _chi2_survival(-2.0 * ham_log, 2 * n)
    return (1.0 + spam_evidence - ham_evidence) / 2.0


def _chi2_survival(chi2, degrees):
    """P(X >= chi2) for a chi-square distribution with an even number of degrees."""
    m = chi2 / 2.0
    term = total = math.exp(-m)
    for i in range(1, degrees // 2):
        term *= m / i
        total += term
    return min(total, 1.0)


@dataclass(frozen=True)
class Totals:
    """How many messages the classifier was trained on, all and this blog's own."""

    spam: int = 0
    ham: int = 0
    own_spam: int = 0
    own_ham: int = 0
    spam_tokens: int = 0
    ham_tokens: int = 0
    generation: int = 0  # ClassifierState.generation: changes with every training


# Training bumps this version; the timeout bounds how long another process can keep an old
# copy when the cache is not shared (local memory).
TOTALS_VERSION = "classifier"
TOTALS_CACHE_SECONDS = 60


def totals():
    """The training totals, read for every comment posted: from the cache until training
    changes them."""
    from comments.models import ClassifierState

    def read():
        fields = ("spam", "ham", "own_spam", "own_ham", "spam_tokens", "ham_tokens", "generation")
        state = ClassifierState.objects.order_by("pk").values(*fields)
        return Totals(**state[0]) if state else Totals()

    return caching.get_or_set(
        "classifier-totals", read, depends_on=[TOTALS_VERSION], timeout=TOTALS_CACHE_SECONDS
    )


def forget_totals():
    """Drop the cached totals now and again once the training is committed (so a copy
    read meanwhile from the last committed state does not outlive it)."""
    caching.bump_on_commit(TOTALS_VERSION)


def spam_probability(message, trained=None):
    """The probability, 0 to 1, that `message` is spam, from the stored counts.

    Two queries: the totals (unless given) and the counts of the message's tokens."""
    return judge(message, trained).probability


# How many tokens an explanation names on each side.
EXPLAINED_TOKENS = 3


@dataclass(frozen=True)
class Judgement:
    """What the classifier makes of a message.

    `probability` (every token whole) says how surely it is spam; `to_publish` is the same
    with letter triples weighed down (TRIGRAM_WEIGHT_TO_PUBLISH), the one to compare with
    the ham cutoff. `pushes` are the tokens that pushed hardest each way, as (token, weight)
    pairs, the weight in log-odds (positive toward spam): the few strongest toward spam
    first, then the strongest toward ham."""

    probability: float
    to_publish: float
    pushes: tuple = ()


def judge(message, trained=None):
    """The classifier's Judgement of `message`, from the stored counts."""
    trained = trained or totals()
    found = _known.probabilities(tokens(message), trained)  # token: (p, p to publish)
    probability = combine(p for p, _ in found.values())
    to_publish = combine(p for _, p in found.values())
    # Letter triples are left out: "c:ick" explains nothing that "click" does not.
    strong = [(token, math.log(p / (1.0 - p))) for token, (p, _) in found.items()
              if abs(p - 0.5) >= MIN_TOKEN_STRENGTH and not token.startswith("c:")]  # fmt: skip
    strong.sort(key=lambda pair: pair[1])
    toward_spam = [pair for pair in reversed(strong[-EXPLAINED_TOKENS:]) if pair[1] > 0]
    toward_ham = [pair for pair in strong[:EXPLAINED_TOKENS] if pair[1] < 0]
    return Judgement(probability, to_publish, tuple(toward_spam + toward_ham))


def explain(pushes):
    """'subscribe +2.1, my channel +1.4, council −1.9': what a moderator reads."""
    return ", ".join(f"{token} {weight:+.1f}".replace("-", "\u2212") for token, weight in pushes)


class _KnownProbabilities:
    """What this process has worked out of the token counts, kept while the training
    generation they were read under (ClassifierState.generation) is the current one: a
    comment asks the database only for the tokens it does not share with recent comments
    (the letter triples and common words are mostly here already), and each token's
    probability is worked out once. Any training, in any process, changes the generation,
    and the next comment here starts afresh. Past MOST tokens the oldest read go."""

    MOST = 30_000  # tokens kept: a few megabytes

    def __init__(self):
        self.generation = None
        self.known = {}  # token: (p, p to publish), or None for a token never trained

    def probabilities(self, found, trained):
        """{token: (p, p to publish)} for each of the tokens `found` ever trained: p is
        Robinson's f(w), and the second is p with a letter triple weighed down
        (TRIGRAM_WEIGHT_TO_PUBLISH)."""
        if trained.generation != self.generation:
            self.generation, self.known = trained.generation, {}
        known = self.known
        result, unknown = {}, []
        for token in found:
            pair = known.get(token, _UNSEEN)
            if pair is _UNSEEN:
                unknown.append(token)
            elif pair is not None:
                result[token] = pair
        if not unknown:
            return result
        read = dict.fromkeys(unknown)
        for token, spam, ham in _counts_of(unknown):
            p = token_probability(spam, ham, trained.spam_tokens, trained.ham_tokens)
            weighed = 0.5 + TRIGRAM_WEIGHT_TO_PUBLISH * (p - 0.5) if token[:2] == "c:" else p
            read[token] = result[token] = (p, weighed)
        known.update(read)
        if len(known) > self.MOST:  # the oldest go, a comment's worth at a time: no pauses
            for token in list(islice(known, len(known) - self.MOST)):
                del known[token]
        return result


_UNSEEN = object()
_known = _KnownProbabilities()


def _counts_of(found):
    """(token, spam, ham) for each of the tokens `found` that was ever trained.

    Plain SQL: the ORM spends as long building an IN query of a few hundred tokens as the
    database spends answering it, and this runs for every comment posted."""
    from comments.models import TokenCount

    if not found:
        return []
    table = connection.ops.quote_name(TokenCount._meta.db_table)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # One string, split by the server: psycopg adapting a list of a few hundred
            # strings, item by item, took as long as the index lookups (bench-screening,
            # the query: p50 0.63 → 0.37 ms). No token holds a line break (_WORD and the
            # other patterns match none); one that somehow did is left unknown.
            joined = "\n".join(token for token in found if "\n" not in token)
            cursor.execute(
                f"SELECT token, spam, ham FROM {table} "
                "WHERE token = ANY(string_to_array(%s, E'\\n'))",
                [joined],
            )
        else:
            placeholders = ", ".join(["%s"] * len(found))
            cursor.execute(
                f"SELECT token, spam, ham FROM {table} WHERE token IN ({placeholders})", found
            )
        return cursor.fetchall()


# --- Training -------------------------------------------------------------------------------


def train(messages, label, *, own, untrain=False):
    """Add `messages` (or, with `untrain`, take them away) to the counts of class `label`.

    In bulk: counts are summed in Python first, then written in a few queries per
    thousand tokens, each an atomic increment so concurrent training never loses a count.
    `own` says whether they are this blog's moderated comments or a bootstrap file."""
    token_sets = [tokens(message) for message in messages]
    return train_tokens(token_sets, label, own=own, untrain=untrain)


def train_tokens(token_sets, label, *, own, untrain=False):
    """`train`, for messages already turned into token sets."""
    from comments.models import ClassifierState, TokenCount, new_generation

    if label not in (SPAM, HAM):
        raise ValueError(f"label must be {SPAM!r} or {HAM!r}, not {label!r}")
    token_sets = list(token_sets)
    if not token_sets:
        return 0
    counts = Counter()
    for found in token_sets:
        counts.update(found)
    sign = -1 if untrain else 1
    with transaction.atomic():
        state = ClassifierState.objects.order_by("pk").first() or ClassifierState.objects.create()
        messages = sign * len(token_sets)
        changes = {
            label: _moved(label, messages),
            f"{label}_tokens": _moved(f"{label}_tokens", sign * counts.total()),
        }
        if own:
            changes[f"own_{label}"] = _moved(f"own_{label}", messages)
        changes["generation"] = new_generation()
        ClassifierState.objects.filter(pk=state.pk).update(**changes)
        forget_totals()
        if not untrain:
            TokenCount.objects.bulk_create(
                [TokenCount(token=token) for token in counts],
                batch_size=BATCH,
                ignore_conflicts=True,
            )
        # Tokens that moved by the same amount are updated together: a handful of
        # distinct amounts cover a whole corpus (most tokens appear once or twice).
        by_amount = {}
        for token, n in counts.items():
            by_amount.setdefault(n, []).append(token)
        for n, group in by_amount.items():
            for start in range(0, len(group), BATCH):
                TokenCount.objects.filter(token__in=group[start : start + BATCH]).update(
                    **{label: _moved(label, sign * n)}
                )
        if untrain:
            moved = list(counts)
            for start in range(0, len(moved), BATCH):
                chunk = moved[start : start + BATCH]
                TokenCount.objects.filter(token__in=chunk, spam=0, ham=0).delete()
    return len(token_sets)


def _moved(field, amount):
    """`field + amount`, never below zero (untraining what was never trained is a no-op)."""
    if amount >= 0:
        return F(field) + amount
    return Greatest(F(field) - (-amount), Value(0))


def forget_everything():
    """Drop every count: the classifier starts again untrained."""
    from comments.models import ClassifierState, TokenCount

    TokenCount.objects.all().delete()
    ClassifierState.objects.all().delete()
    forget_totals()
