"""Load demo content: an author, a dozen posts, donation links and the site identity.

Idempotent: running it again updates nothing that exists and creates nothing twice.
"""

from datetime import timedelta

from django.contrib.auth import get_user_model
from django.core.management import BaseCommand
from django.db import transaction
from django.utils import timezone

from blog.models import DonationLink, Post, SiteIdentity
from comments.models import Comment

DEMO_AUTHOR = {"username": "author", "password": "broadsheet-demo"}

# (slug, title, days ago, Markdown body). Invented commentary for a blog that does not exist.
DEMO_POSTS = [
    (
        "the-budget-nobody-read",
        "The budget nobody read",
        1,
        """The finance committee published four hundred pages on Friday evening and voted on
Monday morning. I read them over the weekend so that you would not have to.

## What is in it

Three things matter more than the rest:

1. The road maintenance fund is cut by a fifth, while the new bypass keeps every penny.
2. Library opening hours are "reviewed", which in council language means *shortened*.
3. A consultancy line of 2.4 million appears with no description at all.

> A budget is a moral document before it is an accounting one.

I asked the committee's press office what the consultancy line pays for. I will publish the
answer, or the silence, next week.""",
    ),
    (
        "why-turnout-fell",
        "Why turnout fell, and why the usual explanation is wrong",
        4,
        """Every commentator has the same story this week: voters are tired, cynical and
disengaged. The ward-level numbers say something more specific.

Turnout fell hardest in the three wards where polling stations moved. In the wards where
nothing changed, it barely moved at all. Apathy does not usually follow a bus route.

The fix is dull and cheap: keep polling stations where people expect them, and post a letter
when they move. Dull and cheap fixes rarely make the papers, which is why this blog exists.""",
    ),
    (
        "a-letter-from-a-reader",
        "A letter from a reader about the hospital car park",
        7,
        """A reader who works night shifts wrote to me about the new parking charges at the
general hospital. With her permission, the short version:

*Staff who start at 10 pm now pay the visitor rate because the staff permit only covers
"core hours". Core hours end at 8 pm.*

The trust says the policy is under review. I have asked when the review started, who is
conducting it, and when it will finish.""",
    ),
    (
        "reading-the-planning-register",
        "How to read the planning register in ten minutes",
        11,
        """Every application in this district is public, and almost nobody looks. Here is how
I do it each Monday:

- Search by ward, not by street; addresses are often entered wrongly.
- Sort by *received*, not *decided*: the news is in what is about to happen.
- Open the consultation responses first. Objections from the highways team tend to decide
  things.

If you find something odd, send it in. Several of this year's best stories started as a
reader's screenshot.""",
    ),
    (
        "the-minister-and-the-spreadsheet",
        "The minister and the spreadsheet",
        15,
        """The minister said on Sunday that waiting lists have "fallen in every region". The
department's own spreadsheet, published quietly on Tuesday, has two regions where they rose.

This is not a scandal. It is a habit: a claim made before the figures are out, and a
correction that never comes. Habits are worth naming, so I keep a list. This is entry
number fourteen.""",
    ),
    (
        "what-the-by-election-tells-us",
        "What the by-election tells us (less than you think)",
        20,
        """One seat, low turnout, a popular local candidate. Every party will read the result
as proof of whatever it believed on Wednesday.

What it does tell us: the postal vote share rose again, to nearly half of all ballots. Any
campaign still built around polling day is campaigning for the smaller half.""",
    ),
    (
        "bus-franchising-explained",
        "Bus franchising, explained without the jargon",
        26,
        """Franchising means the council decides routes, fares and timetables, and pays
operators to run them. Today operators decide, and the council subsidises the routes they
drop.

Both models can work. The question for this county is narrower: who carries the risk when
fewer people ride than expected? Under franchising, we do. That is worth knowing before the
consultation closes on the 30th.""",
    ),
    (
        "on-anonymous-sources",
        "On anonymous sources, and when I use them",
        33,
        """Readers have asked how I decide to quote someone who will not be named. My rules:

1. I know who they are, and I can say why they are in a position to know.
2. Anything they say that can be checked, I check with a second source or a document.
3. They may not attack anyone personally under cover of anonymity.

When I break one of these rules, I will say so in the post.""",
    ),
    (
        "the-school-meals-vote",
        "The school meals vote, line by line",
        41,
        """Seventeen councillors voted for the extension of free school meals, twelve against,
two abstained. The full list is at the end of this post, because names matter more than
totals.

The cost is about 38 pence per resident per week. The cost of not doing it lands on schools,
who already run breakfast clubs out of their own budgets.""",
    ),
    (
        "a-year-of-this-blog",
        "A year of this blog",
        52,
        """Twelve months, a hundred and four posts, and more comments than I expected, most of
them better informed than I was.

Thank you to everyone who reads, corrects and argues. And thank you, especially, to the
readers who chip in each month: it is the only reason this is still free to read.""",
    ),
    (
        "flood-defences-delayed-again",
        "Flood defences delayed again",
        64,
        """The river wall scheme, first promised six years ago, is delayed for the third time.
The agency blames ground surveys; the contractor blames the agency's design changes.

Meanwhile the insurance premiums on Mill Lane have doubled. I will keep asking for the
revised timetable until someone publishes one.""",
    ),
    (
        "welcome",
        "Welcome to the new home of this blog",
        80,
        """After years on the old platform, this blog now runs on its own software: faster
pages, no trackers, and comments that are screened for spam without sending your words to
anyone else.

Nothing else changes. Same writer, same stubbornness, same invitation to tell me where I am
wrong. Old links keep working.""",
    ),
]

# slug → (categories, tags)
DEMO_FILING = {
    "the-budget-nobody-read": (["Council"], ["budget", "roads", "libraries"]),
    "why-turnout-fell": (["Elections"], ["turnout", "polling stations"]),
    "a-letter-from-a-reader": (["Health", "Letters"], ["hospital", "parking"]),
    "reading-the-planning-register": (["Council"], ["planning", "how to"]),
    "the-minister-and-the-spreadsheet": (["National"], ["waiting lists", "statistics"]),
    "what-the-by-election-tells-us": (["Elections"], ["by-election", "postal votes"]),
    "bus-franchising-explained": (["Transport"], ["buses", "consultation"]),
    "on-anonymous-sources": (["About this blog"], ["sources", "how to"]),
    "the-school-meals-vote": (["Council"], ["schools", "votes"]),
    "a-year-of-this-blog": (["About this blog"], ["anniversary"]),
    "flood-defences-delayed-again": (["Environment"], ["flooding", "roads"]),
    "welcome": (["About this blog"], []),
}

DEMO_PAGES = [
    ("about", "About", 0,
     """This blog is written by one person who reads council papers so that other people do not
have to. It started as a newsletter for neighbours and grew from there.

Corrections are welcome and published. Write to the address at the foot of any email from the
blog, or leave a comment under the post concerned."""),
    ("corrections", "Corrections policy", 1,
     """When a post gets something wrong, the error is corrected in the post, with a note at the
end saying what changed and when. Nothing is silently rewritten."""),
]

DEMO_DRAFT = (
    "draft-council-tax-explainer",
    "Draft: council tax bands, an explainer",
    """Notes for a future post. Only the author sees this draft until it is published.""",
)

DEMO_MODERATOR = {"username": "moderator", "password": "broadsheet-moderator"}

# A conversation under the newest post: (key, parent key, name, email, status, minutes after
# publishing, body). "AUTHOR" comments are written by the logged-in post author.
DEMO_CONVERSATION = [
    ("roads", None, "Priya N.", "priya@example.net", "approved", 45,
     "The road fund cut is the part that worries me. Our street has had the same pothole since "
     "the spring, and the council's own report calls it \"urgent\"."),
    ("roads-1", "roads", "AUTHOR", "", "approved", 70,
     "Priya, do you have the report's reference number? I would like to quote it next week."),
    ("roads-2", "roads-1", "Priya N.", "priya@example.net", "approved", 95,
     "It is HW/2024/118, page 14. Photos here: https://example.net/pothole-photos"),
    ("roads-3", "roads-2", "Tom Okafor", "tom@example.net", "approved", 130,
     "Same on Mill Lane. Reported it twice.\n\n"
     "The second time they said it was <em>scheduled</em>."),
    ("roads-4", "roads-3", "Priya N.", "priya@example.net", "approved", 150,
     "Scheduled for when, is the question."),
    ("library", None, "Gareth", "gareth@example.org", "approved", 200,
     "On the library hours: the branch on Station Road already closes at 5 on Thursdays. "
     "\"Reviewed\" will mean closed on Thursdays altogether."),
    ("library-1", "library", "Helen Marsh", "helen@example.org", "approved", 260,
     "I volunteer there. Nobody has told the staff anything yet."),
    ("consult", None, "A. Reader", "first.timer@example.com", "pending", 300,
     "Who is the consultancy? Somebody must have signed the contract. (This comment waits for "
     "a moderator: it is the writer's first.)"),
]

DEMO_DONATION_LINKS = [
    ("Donate once", "https://example.org/donate", "Any amount, any time.", 0),
    ("Become a monthly supporter", "https://example.org/support", "Keeps this blog free.", 1),
    ("Subscribe by email", "https://example.org/subscribe", "One email a week, no spam.", 2),
]


class Command(BaseCommand):
    help = "Load demo content (idempotent): an author, posts, a draft and donation links."

    @transaction.atomic
    def handle(self, *args, **options):
        author = self.demo_author()
        SiteIdentity.objects.get_or_create(pk=1)  # the defaults, editable in the admin
        now = timezone.now()
        created = 0
        for slug, title, days_ago, body in DEMO_POSTS:
            _, was_created = Post.objects.get_or_create(
                slug=slug,
                defaults={
                    "title": title,
                    "body": body,
                    "author": author,
                    "status": Post.Status.PUBLISHED,
                    "publish_at": (now - timedelta(days=days_ago)).replace(
                        hour=9, minute=30, second=0, microsecond=0
                    ),
                },
            )
            created += was_created
        self.file_posts()
        self.demo_pages(author)
        slug, title, body = DEMO_DRAFT
        _, was_created = Post.objects.get_or_create(
            slug=slug, defaults={"title": title, "body": body, "author": author}
        )
        created += was_created
        for label, url, description, order in DEMO_DONATION_LINKS:
            DonationLink.objects.get_or_create(
                label=label, defaults={"url": url, "description": description, "order": order}
            )
        comments = self.demo_comments(author)
        self.demo_moderator()
        self.stdout.write(f"Demo content ready ({created} new posts, {comments} new comments).")

    def file_posts(self):
        """Categories and tags for the demo posts (only for posts that have none yet)."""
        from django.utils.text import slugify

        from blog.models import Category, Tag

        for slug, (categories, tags) in DEMO_FILING.items():
            post = Post.objects.get(slug=slug)
            if post.categories.exists():
                continue
            post.categories.set(
                Category.objects.get_or_create(slug=slugify(name), defaults={"name": name})[0]
                for name in categories
            )
            post.tags.set(
                Tag.objects.get_or_create(slug=slugify(name), defaults={"name": name})[0]
                for name in tags
            )
            post.refresh_search_document()

    def demo_pages(self, author):
        from blog.models import Page

        for slug, title, order, body in DEMO_PAGES:
            Page.objects.get_or_create(
                slug=slug,
                defaults={"title": title, "body": body, "author": author, "menu_order": order,
                          "status": Page.Status.PUBLISHED},
            )  # fmt: skip

    def demo_comments(self, author):
        """A threaded conversation under the newest post, at several depths."""
        post = Post.objects.get(slug=DEMO_POSTS[0][0])
        if post.comments.exists():
            return 0
        saved = {}
        for key, parent, name, email, status, minutes, body in DEMO_CONVERSATION:
            by_author = name == "AUTHOR"
            comment = Comment.objects.create_from(
                post=post,
                parent=saved.get(parent),
                author_name=author.get_full_name() if by_author else name,
                author_email=author.email if by_author else email,
                user=author if by_author else None,
                body=body,
                status=status,
                submitted_at=post.publish_at + timedelta(minutes=minutes),
                ip_address="192.0.2.10",
                verdict="approve" if status == "approved" else "hold",
                reasons=["demo content" if status == "approved" else "first comment here"],
                held_reasons=[] if status == "approved" else ["it is your first comment here"],
                announced=True,
            )
            saved[key] = comment
        return len(saved)

    def demo_moderator(self):
        from django.contrib.auth.models import Group

        User = get_user_model()
        moderator, created = User.objects.get_or_create(
            username=DEMO_MODERATOR["username"],
            defaults={"email": "moderator@example.org", "is_staff": True},
        )
        if created:
            moderator.set_password(DEMO_MODERATOR["password"])
            moderator.save()
            moderator.groups.add(Group.objects.get(name="Moderators"))

    def demo_author(self):
        User = get_user_model()
        author, created = User.objects.get_or_create(
            username=DEMO_AUTHOR["username"],
            defaults={
                "first_name": "Alex",
                "last_name": "Marlow",
                "email": "author@example.org",
                "is_staff": True,
                "is_superuser": True,
            },
        )
        if created:
            author.set_password(DEMO_AUTHOR["password"])
            author.save()
        return author
