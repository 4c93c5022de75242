import html
from functools import lru_cache

from django.conf import settings

from comments.screening.submission import Action, Signal
from comments.screening.text import links_and_tags_removed

# Fewer letters than this say too little for a guess at the language ("lol", "Wow!!").
MIN_LETTERS = 30
# How sure the guess must be before a comment is held for it.
MIN_PROBABILITY = 0.95
# The guess reads this many characters at most: a few sentences tell the language as surely
# as a whole essay, and the work grows with the length (a long comment cost 1 ms).
SAMPLE_CHARACTERS = 400


class Language:
    """A comment in a language other than BROADSHEET_LANGUAGES is held for a moderator
    who can read it, never marked spam: a reader writing in their own language is no
    spammer, but neither the classifier nor the moderators' lists know their words."""

    def warm_up(self):
        if settings.BROADSHEET_LANGUAGES:
            _identifier()

    def __call__(self, submission):
        wanted = settings.BROADSHEET_LANGUAGES
        if not wanted:
            return None
        text = links_and_tags_removed(html.unescape(submission.body))
        if sum(c.isalpha() for c in text) < MIN_LETTERS:
            return None
        language, probability = _identifier().classify(text[:SAMPLE_CHARACTERS])
        if language in wanted or probability < MIN_PROBABILITY:
            return None
        return Signal(
            f"written in another language ({language}, {probability:.2f})",
            action=Action.HOLD,
            held_reason="a moderator who reads its language will look at it",
        )


@lru_cache(maxsize=1)
def _identifier():
    """py3langid's model, which ships in its wheel: loaded once per process."""
    from py3langid.langid import MODEL_FILE, LanguageIdentifier

    return LanguageIdentifier.from_model_file(MODEL_FILE, norm_probs=True)
