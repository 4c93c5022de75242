"""Ids that come from a request: query strings, form fields, cookies.

Every id a stranger can send is read by `parse_id`, so none reaches `int()` or the database
unchecked: `str.isdigit` and `int` accept "²", "①" and "١٢", which are not ids.
"""

import re

# A PostgreSQL bigint has 19 digits; 18 keep every id in range without counting.
MAX_ID_DIGITS = 18
_ID = re.compile(rf"[0-9]{{1,{MAX_ID_DIGITS}}}")


def parse_id(value):
    """The positive integer `value` spells in ASCII digits, or None for anything else."""
    if not isinstance(value, str) or not _ID.fullmatch(value):
        return None
    return int(value) or None
