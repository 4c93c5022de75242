import html
import re

from django.conf import settings

from comments.screening.submission import Signal

# A phone number as spam leaves it: an international +number, or a national one starting
# with 0; view counts and years ("1.000.000.000 views", "2015") are not.
_PHONE = re.compile(r"(?<![\w.+])(?:\+\d[\d\s-]{9,16}\d|0\d(?:[\s-]?\d){8,10})(?![\w.])")
# Ways of being reached off the blog: messaging apps and their short links, or an
# invitation to write or call.
_HANDLE = re.compile(
    r"\b(?:whats\s?app|telegram|wa\.me/|t\.me/|viber|wechat|kik\s?(?:me|:)|snap(?:chat)?\s?:"
    r"|skype\s?:|(?:call|text|whatsapp|dm|contact)\s+(?:me|us)\s+(?:at|on|via)\b)",
    re.I,
)


class Contact:
    """A phone number or a messaging handle in the comment or the name: a way to be reached
    off the blog, which readers rarely leave and spammers nearly always want. One kind of
    evidence: held, and spam if another check agrees."""

    def __call__(self, submission):
        text = html.unescape(f"{submission.author_name}\n{submission.body}")
        found = "a phone number" if _PHONE.search(text) else (
            "a messaging handle" if _HANDLE.search(text) else ""
        )  # fmt: skip
        if not found:
            return None
        return Signal.evidence(f"contact details: {found}",
                               settings.BROADSHEET_SCREENING_CONTACT_SCORE,
                               held_reason="it contains contact details")  # fmt: skip
