"""Searching the published posts: title, body, excerpt and tags.

On PostgreSQL, full-text search: word stems in the blog's language, results ranked (title
first, then excerpt and tags, then body) and a snippet of the body with the matches marked.
Each post's document is stored on it, with a GIN index (Post.search_document), and kept up
to date when the post, its tags or a tag's name change.
On SQLite, a simpler search that is still correct: every word must appear somewhere in the
post, newest first, with a snippet around the first match.

Whatever the reader types is text to look for, never markup: snippets are escaped piece by
piece and only our own <mark> tags are added.
"""

import re
import unicodedata
from dataclasses import dataclass

from django.conf import settings
from django.db import connection
from django.db.models import Case, Exists, F, IntegerField, OuterRef, Q, Value, When
from django.utils.html import escape, format_html
from django.utils.safestring import mark_safe

from blog.html import plain_text
from blog.models import Post, Tag

# Longer queries are cut here: nobody types more, and it bounds the work a query costs.
MAX_QUERY_LENGTH = 200
# The SQLite search turns each word into a handful of LIKE clauses; keep that bounded.
MAX_WORDS = 10
SNIPPET_LENGTH = 240

# Markers PostgreSQL puts around matches in a headline: characters from Unicode's private
# use area, which no post is written in, so they can be found again after escaping.
_START, _STOP = "\ue000", "\ue001"
_MARKED = re.compile(f"{_START}(.*?){_STOP}", re.S)
_WORD = re.compile(r"\w", re.U)


@dataclass
class Hit:
    """A post found by a search, with a snippet (safe HTML) showing where it matched."""

    post: Post
    snippet: str


def clean_query(raw):
    """The reader's query as plain text: control characters (NUL bytes among them) become
    spaces, runs of spaces one, and it is cut to MAX_QUERY_LENGTH characters."""
    text = "".join(
        " " if unicodedata.category(char).startswith("C") else char
        for char in raw[: MAX_QUERY_LENGTH * 2]
    )
    return " ".join(text.split())[:MAX_QUERY_LENGTH].strip()


def has_words(query):
    """Whether there is anything to search for: at least one letter or digit."""
    return bool(_WORD.search(query))


def matching_posts(query):
    """Published posts matching `query` (cleaned), best first, ready to paginate."""
    posts = (
        Post.objects.published()
        .with_comment_counts()
        .select_related("author", "featured_image")
        .prefetch_related("categories", "tags")
    )
    if connection.vendor == "postgresql":
        return _postgresql_search(posts, query)
    return _simple_search(posts, query)


def hits(posts, query):
    """A Hit for each post of one page of results."""
    pattern = _words_pattern(query)
    found = []
    for post in posts:
        headline = getattr(post, "headline", None)
        if headline and _START in headline:
            snippet = _from_headline(headline)
        else:
            snippet = _snippet(_plain_text(post.body_html), pattern) or _highlight(
                post.summary, pattern
            )
        found.append(Hit(post, snippet))
    return found


def _postgresql_search(posts, query):
    from django.contrib.postgres.search import SearchHeadline, SearchQuery, SearchRank

    config = settings.BROADSHEET_SEARCH_CONFIG
    search_query = SearchQuery(query, search_type="websearch", config=config)
    # Each post's document is stored and indexed (Post.search_document), not built here.
    return (
        posts.filter(search_document=search_query)
        .annotate(
            rank=SearchRank(F("search_document"), search_query),
            headline=SearchHeadline(
                "body_html",
                search_query,
                config=config,
                start_sel=_START,
                stop_sel=_STOP,
                max_words=40,
                min_words=20,
                max_fragments=2,
                fragment_delimiter=" … ",
            ),
        )
        .order_by("-rank", "-publish_at", "-id")
    )


def _simple_search(posts, query):
    words = _words(query)
    if not words:
        return posts.none()
    for word in words:
        tagged = Tag.objects.filter(posts=OuterRef("pk"), name__icontains=word)
        posts = posts.filter(
            Q(title__icontains=word)
            | Q(excerpt__icontains=word)
            | Q(body__icontains=word)
            | Exists(tagged)
        )
    in_title = Q()
    for word in words:
        in_title &= Q(title__icontains=word)
    title_match = Case(When(in_title, then=Value(1)), default=Value(0), output_field=IntegerField())
    return posts.annotate(title_match=title_match).order_by("-title_match", "-publish_at", "-id")


def _words(query):
    """The words of a query, without the quotes and punctuation around them."""
    words = []
    for token in query.split():
        word = token.strip("\"'“”‘’.,;:!?()[]{}<>-+*/\\|")
        if word and has_words(word) and word.casefold() not in {w.casefold() for w in words}:
            words.append(word)
    return words[:MAX_WORDS]


def _words_pattern(query):
    words = sorted(_words(query), key=len, reverse=True)
    if not words:
        return None
    return re.compile("(" + "|".join(re.escape(word) for word in words) + ")", re.I)


def _plain_text(body_html):
    return " ".join(plain_text(body_html).split())


def _snippet(text, pattern):
    """About SNIPPET_LENGTH characters of `text` around its first match, or "" if none."""
    match = pattern.search(text) if pattern else None
    if match is None:
        return ""
    start = max(0, match.start() - SNIPPET_LENGTH // 3)
    end = min(len(text), start + SNIPPET_LENGTH)
    # Cut at spaces, not in the middle of words.
    if start > 0:
        start = text.find(" ", start, match.start()) + 1 or start
    if end < len(text):
        space = text.rfind(" ", match.end(), end)
        end = space if space > 0 else end
    window = text[start:end]
    return mark_safe(
        ("… " if start > 0 else "")
        + _highlight(window, pattern)
        + (" …" if end < len(text) else "")
    )


def _highlight(text, pattern):
    """`text` escaped, with every match of `pattern` in a <mark>."""
    if pattern is None:
        return escape(text)
    pieces = pattern.split(text)  # the matches are at the odd positions
    return mark_safe(
        "".join(
            format_html("<mark>{}</mark>", piece) if index % 2 else escape(piece)
            for index, piece in enumerate(pieces)
        )
    )


def _from_headline(headline):
    """PostgreSQL's headline of the body HTML, as plain text with its matches marked."""
    text = " ".join(plain_text(headline).split())
    pieces = _MARKED.split(text)  # the marked words are at the odd positions
    return mark_safe(
        "".join(
            format_html("<mark>{}</mark>", piece.replace(_START, "").replace(_STOP, ""))
            if index % 2
            else escape(piece.replace(_START, "").replace(_STOP, ""))
            for index, piece in enumerate(pieces)
        )
    )
