"""Finding a date in page text without matching part of another date.

"2 May 2026" is a substring of "12 May 2026", so `f"{d:%-d %B %Y}" in body` can pass on the wrong date,
and whether it does depends on the day the suite runs. These match the whole date only.
"""

from __future__ import annotations

import datetime
import re


def long_date(value: datetime.date) -> str:
    """The GOV.UK long form the templates print: 2 May 2026."""
    return f"{value.day} {value:%B %Y}"


def shows_date(text: str, value: datetime.date, *, before: str = "", after: str = "") -> bool:
    """True if `text` has `value` as a whole date (no digit directly before it), optionally with the
    exact words that should come before or after it."""
    pattern = re.escape(before) + r"(?<!\d)" + re.escape(long_date(value)) + r"(?!\d)" + re.escape(after)
    return re.search(pattern, text) is not None
