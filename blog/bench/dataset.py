"""The benchmark's blog: a thousand posts, and three posts whose threads went viral.

Random but repeatable (a seeded generator): the same scale and seed give the same blog.
Written with `bulk_create` (comments a thread level at a time), after `post_as_saved` and
`comment_as_saved` have given each row what the model's `save()` derives before the insert;
`Comment.store_articles` then renders what it derives after. Rendering is most of the cost
of writing, so texts come from a pool and each is rendered once.
"""

import random
from dataclasses import dataclass
from datetime import timedelta
from functools import lru_cache

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.text import slugify

from blog.html import count_words, render_markdown, summarize
from blog.models import Category, DonationLink, Page, Post, SiteIdentity, Tag
from comments.markup import render_comment
from comments.models import Comment

WORDS = """
the council budget minister vote election party turnout policy public money report committee
housing rents transport buses roads schools hospital waiting list figures spreadsheet promise
question answer reader letter week year month office press statement consultation plan review
cut fund tax rate local national government opposition member seat ward district county
campaign poll result majority minority debate motion amendment law court ruling judge inquiry
evidence document source record data claim fact check correction decision meeting agenda
minutes officer chief executive contract company consultancy cost price wage worker union
strike pension benefit family child parent teacher nurse doctor patient river flood wall
bridge station library park police crime safety street town city village people voters
because however although still never always often rarely quietly openly again already
""".split()
TERMS = sorted(set(WORDS))  # distinct words, for the names of categories and tags
FIRST_NAMES = """Ada Bea Cal Dina Eli Fay Gus Hana Ivo Jan Kit Lou Mae Ned Ora Pim Quin Rosa
Sol Tess Uma Vic Wen Xan Yara Zed""".split()
LAST_NAMES = """Abbott Baker Carter Dunn Ellis Frost Grant Hale Irwin Jones Keller Lowe Moss
Nash Owens Price Quill Reyes Shaw Tate Usher Vance Webb Young""".split()
BROWSER = "Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0"

# The posts whose pages the benchmark reads, by comment count.
THREAD_SIZES = (14, 500, 5000)


@dataclass(frozen=True)
class Blog:
    """Addresses of what was built."""

    post_urls: dict  # comment count -> the post's address
    post_ids: dict  # comment count -> the post's id
    commented_post_id: int  # a post without comments, for the comment writers
    commented_post_url: str

    @property
    def pages(self):
        """(name, path) of each page the benchmark loads."""
        posts = [(f"post, {count:,} comments", url) for count, url in self.post_urls.items()]
        return [("home", reverse("blog:home")), *posts, ("posts feed", reverse("blog:feed"))]


def build(posts=1000, thread_sizes=THREAD_SIZES, seed=1):
    """Write the blog into the (empty, migrated) default database and say where things are."""
    if posts <= len(thread_sizes):
        raise ValueError(f"At least {len(thread_sizes) + 1} posts: one is left for comments.")
    rng = random.Random(seed)
    with transaction.atomic():
        author = get_user_model().objects.create_user(
            "bench-author", "author@bench.invalid", first_name="Bea", last_name="Baker",
            is_staff=True,
        )  # fmt: skip
        SiteIdentity(title="The Bench Gazette").save()
        for order, label in enumerate(["Donate", "Subscribe"]):
            DonationLink.objects.create(label=label, url="https://example.org/support",
                                        order=order)  # fmt: skip
        for order, title in enumerate(["About", "Corrections", "Contact"]):
            Page.objects.create(title=title, slug=slugify(title), author=author,
                                body=_paragraphs(rng, 3), status=Page.Status.PUBLISHED,
                                menu_order=order)  # fmt: skip
        written = _posts(rng, author, posts)
        # The newest posts take the comments: the ones a spike sends readers to.
        commented, *threaded = written[: 1 + len(thread_sizes)]
        for post, size in zip(threaded, thread_sizes, strict=True):
            write_thread(rng, post, size)
    return Blog(
        post_urls={size: post.get_absolute_url()
                   for post, size in zip(threaded, thread_sizes, strict=True)},
        post_ids={size: post.pk for post, size in zip(threaded, thread_sizes, strict=True)},
        commented_post_id=commented.pk,
        commented_post_url=commented.get_absolute_url(),
    )  # fmt: skip


def _posts(rng, author, count):
    """`count` published posts, one a day back from yesterday, filed in categories and
    tags; newest first."""
    categories = Category.objects.bulk_create(
        Category(name=name.title(), slug=name) for name in rng.sample(TERMS, 8)
    )
    tags = Tag.objects.bulk_create(Tag(name=name, slug=name) for name in rng.sample(TERMS, 40))
    now = timezone.now()
    bodies = [_post_body(rng) for _ in range(min(count, 100))]
    posts = []
    for n in range(count):
        title = _sentence(rng, 4, 10).rstrip(".")
        post = Post(
            title=title, slug=f"{slugify(title)[:80]}-{n}", author=author,
            body=rng.choice(bodies), status=Post.Status.PUBLISHED,
            publish_at=now - timedelta(days=n + 1, minutes=rng.randint(0, 600)),
        )  # fmt: skip
        posts.append(post_as_saved(post))
    Post.objects.bulk_create(posts)
    Post.categories.through.objects.bulk_create(
        Post.categories.through(post=post, category=category)
        for post in posts
        for category in rng.sample(categories, rng.randint(1, 2))
    )
    Post.tags.through.objects.bulk_create(
        Post.tags.through(post=post, tag=tag) for post in posts for tag in rng.sample(tags, 3)
    )
    # What saving a post and setting its tags store for search (on PostgreSQL).
    Post.objects.filter(pk__in=[post.pk for post in posts]).refresh_search_documents()
    return posts


# Threads up to this size are written as conversations that fit on one comment page (at most
# BROADSHEET_COMMENTS_PER_PAGE top-level comments): the 500-comment post is measured whole,
# on one page; the 5,000-comment one is paged.
ONE_PAGE_THREAD = 500


def write_thread(rng, post, size):
    """`size` approved comments under `post` over three days: about a third are replies,
    nested as the comment form nests them, of the lengths readers write. A thread of up to
    ONE_PAGE_THREAD comments keeps to one comment page: once it has a page of top-level
    comments, the rest are replies."""
    writers = [_writer(rng, n) for n in range(max(10, size // 4))]
    deepest = settings.BROADSHEET_COMMENT_MAX_DEPTH - 1
    texts = [comment_text(rng) for _ in range(min(size, 1000))]
    start = post.publish_at + timedelta(minutes=5)
    comments = []
    max_roots = settings.BROADSHEET_COMMENTS_PER_PAGE if size <= ONE_PAGE_THREAD else 0
    roots = 0
    for n in range(size):
        parent = None
        if comments and (rng.random() < 0.35 or (max_roots and roots >= max_roots)):
            parent = rng.choice(comments[-30:])  # readers answer what is near the bottom
            if parent.depth >= deepest:  # as the form does: beside it, at that level
                parent = parent.parent
        comment = Comment(
            post=post, parent=parent, status=Comment.Status.APPROVED,
            body=rng.choice(texts), ip_address=f"198.51.100.{rng.randint(1, 254)}",
            user_agent=BROWSER, submitted_at=start + timedelta(seconds=n * 259_200 // size),
            verdict="approve", score=-6.0, reasons=["approved comments from this email"],
            announced=True, **rng.choice(writers),
        )  # fmt: skip
        comments.append(comment_as_saved(comment))
        roots += parent is None
    for depth in range(deepest + 1):
        level = Comment.objects.bulk_create(c for c in comments if c.depth == depth)
        # What save() renders once there is an id; a few hundred rows an update go faster.
        for start in range(0, len(level), 500):
            Comment.store_articles(level[start : start + 500], post.author_id)
    return comments


def post_as_saved(post):
    """Give `post` what `Post.save()` derives on write, for `bulk_create`.

    (tests/test_bench.py saves such rows again and checks that nothing changes.)"""
    post.body_html, post.summary, post.word_count = _rendered_post(post.body, post.excerpt)
    return post


def comment_as_saved(comment):
    """Give `comment` what `Comment.save()` derives on write, for `bulk_create`."""
    comment.author_email = comment.author_email.strip().lower()
    comment.body_html = _rendered_comment(comment.body)
    comment.depth = comment.parent.depth + 1 if comment.parent else 0
    return comment


@lru_cache(maxsize=128)
def _rendered_post(body, excerpt):
    html = render_markdown(body)
    return html, summarize(excerpt or html), count_words(html)


_rendered_comment = lru_cache(maxsize=1024)(render_comment)


def _writer(rng, n):
    first, last = rng.choice(FIRST_NAMES), rng.choice(LAST_NAMES)
    return {
        "author_name": f"{first} {last}",
        "author_email": f"{first}.{last}{n}@example.net",
        "author_url": f"https://{last.lower()}{n}.example.org/" if rng.random() < 0.2 else "",
    }


def comment_text(rng, serial=None):
    """A reader's comment: mostly a paragraph or two, some one-liners, some long replies,
    now and then a link or a quotation. With `serial`, no two are the same."""
    kind = rng.random()
    if kind < 0.3:
        text = _sentence(rng, 6, 25)
    elif kind < 0.8:
        text = _paragraphs(rng, rng.randint(1, 2))
    else:
        text = _paragraphs(rng, rng.randint(3, 5))
    if rng.random() < 0.1:
        text += f"\n\nSee https://example.org/{rng.choice(WORDS)}/{rng.randint(1, 999)}"
    if rng.random() < 0.05:
        text = f"<blockquote>{_sentence(rng, 8, 20)}</blockquote>\n\n{text}"
    if serial is not None:
        text += f"\n\n(Reader number {serial}.)"
    return text


def _post_body(rng):
    """Markdown of 400 to 900 words: paragraphs, a heading, a list, a quotation, links."""
    parts = [_paragraphs(rng, 2), f"## {_sentence(rng, 3, 7).rstrip('.')}", _paragraphs(rng, 2)]
    parts.append("\n".join(f"- {_sentence(rng, 5, 14)}" for _ in range(rng.randint(3, 5))))
    parts.append(f"> {_sentence(rng, 10, 25)}")
    parts.append(_paragraphs(rng, rng.randint(2, 5)))
    parts.append(f"More in [the {rng.choice(WORDS)} report](https://example.org/report).")
    return "\n\n".join(parts)


def _paragraphs(rng, count):
    return "\n\n".join(
        " ".join(_sentence(rng, 8, 25) for _ in range(rng.randint(2, 6))) for _ in range(count)
    )


def _sentence(rng, shortest, longest):
    words = rng.choices(WORDS, k=rng.randint(shortest, longest))
    return " ".join(words).capitalize() + "."
