import re

from django.conf import settings

from comments.screening.submission import Signal
from comments.screening.text import links

# Words that name a trade, not a person: in a writer's name they say "advert".
_TRADE = re.compile(
    r"\b(?:cheap|buy|best|top|online|shop|store|deals?|discount|sale|services?|support|"
    r"seo|marketing|agency|loans?|casino|betting|pharmacy|pills|essays?|writing|repair|"
    r"plumbing|escort|dating|crypto|forex|followers|likes|insurance|lawyers?|attorney|"
    r"solutions|consulting|company|ltd|inc|llc)\b",
    re.I,
)
_DOMAIN_LIKE = re.compile(r"\b[\w-]+\.(?:com|net|org|info|biz|co|io|in|ru|xyz|online|shop)\b", re.I)


class Name:
    """The writer's name is a link, a domain, or a trade ("Best Printer Support", "cheap
    essays") rather than a person's: one kind of evidence that the comment is an advert."""

    def __call__(self, submission):
        name = submission.author_name
        if links(name) or _DOMAIN_LIKE.search(name):
            what = "a link"
        elif len(_TRADE.findall(name)) >= 2:  # one could be a surname: "Sam Best"
            what = "a trade, not a person"
        else:
            return None
        return Signal.evidence(f"the name is {what}", settings.BROADSHEET_SCREENING_NAME_SCORE,
                               held_reason="the name looks like a business's")  # fmt: skip
