"""Links for the rows of a page, each URL name reversed once.

A page that links each of its rows (a person, an event, an allocation) to the same kind of page reversed
the URL for every row: a few dozen reversals were a noticeable part of the family page's time, though the
rows' links differ only in their ids. `RowUrls` reverses a URL name the first time it is asked for it and
then puts the ids into the same text.

An instance lives for one request (or less): nothing is kept between requests, so a URL conf or script
prefix that differs between requests is always honoured.
"""

from __future__ import annotations

import uuid

from django.urls import reverse

# Ids whose text in a URL is their str(): the family, person and record ids the pages link by.
_ID_TYPES = (uuid.UUID, int)


class RowUrls:
    """`urls(name, *ids)` is `reverse(name, args=ids)`, reversing each name once.

    The first call's URL is split around each id's text; later calls join the parts with their own ids.
    Anything the split could get wrong (an id that is not a uuid or int, the same id twice, an id's text
    found more than once in the URL) is reversed in full every time instead."""

    def __init__(self):
        self._parts: dict[tuple, tuple[str, ...] | None] = {}

    def __call__(self, name: str, *ids) -> str:
        if not all(type(i) in _ID_TYPES for i in ids):
            return reverse(name, args=ids)
        # Keyed on the ids' types too: a uuid's text is never taken to fit where an int was reversed.
        key = (name, *(type(i) for i in ids))
        if key not in self._parts:
            url = reverse(name, args=ids)
            self._parts[key] = _split(url, [str(i) for i in ids])
            return url
        parts = self._parts[key]
        if parts is None:
            return reverse(name, args=ids)
        pieces = [parts[0]]
        for n, value in enumerate(ids):
            pieces.append(str(value))
            pieces.append(parts[n + 1])
        return "".join(pieces)


def _split(url: str, texts: list[str]) -> tuple[str, ...] | None:
    """The URL's text around each id's text, in order, or None where that would be ambiguous."""
    if len(set(texts)) != len(texts) or any(url.count(text) != 1 for text in texts):
        return None
    parts = []
    rest = url
    for text in texts:
        before, found, rest = rest.partition(text)
        if not found:
            # The ids appear in another order than they were given: not a shape to rebuild.
            return None
        parts.append(before)
    parts.append(rest)
    return tuple(parts)
