import re

from django.conf import settings

from comments.screening.submission import Action, Signal
from comments.screening.text import domain_of, links

# Link shorteners hide where a link goes; readers link to the page itself.
SHORTENERS = frozenset(
    "bit.ly bitly.com adf.ly goo.gl tinyurl.com ow.ly is.gd t.co cutt.ly shorturl.at "
    "rebrand.ly buff.ly tiny.cc v.gd rb.gy shorte.st bc.vc ouo.io linktr.ee".split()
)
# "adf.ly / KlD3Y": a shortener written with spaces, so that it is no link to a filter.
_SPACED_SHORTENER = re.compile(
    r"\b(" + "|".join(re.escape(s) for s in sorted(SHORTENERS)) + r")\s*/\s*\w{3,}", re.I
)


class Links:
    """N or more links (default 2) hold the comment for a moderator, as WordPress does. A
    link through a shortener (written as a link or spaced out) is held too, and is one
    kind of evidence that the comment is spam."""

    def __call__(self, submission):
        found = links(submission.body)
        if submission.author_url:
            found.append(submission.author_url)
        if any(domain_of(url) in SHORTENERS for url in found) or _SPACED_SHORTENER.search(
            submission.body
        ):
            return Signal.evidence("a shortened link",
                                   settings.BROADSHEET_SCREENING_SHORTENER_SCORE,
                                   held_reason="it contains a shortened link")  # fmt: skip
        limit = settings.BROADSHEET_SCREENING_MAX_LINKS
        count = len(links(submission.body))
        if limit and count >= limit:
            return Signal(
                f"{count} links",
                action=Action.HOLD,
                held_reason=f"it contains {count} links",
            )
        return None
