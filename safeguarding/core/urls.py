"""Links for the rows of a page, each URL name reversed once.

A page that links each of its rows (a person, an event, an allocation) to the same kind of page reversed
the URL for every row: a few dozen reversals were a noticeable part of the family page's time, though the
rows' links differ only in their ids. `RowUrls` reverses a URL name the first time it is asked for it and
then puts each row's ids into the same text.

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

    The first call for a name reverses it with stand-in ids whose text cannot occur anywhere else in a
    path (uuids and integers no record has), splits the URL around them, and every call joins the parts
    with its own ids: a uuid or an integer in a path is written as its str(), so each link is exactly what
    reverse() gives. An id of another kind (text) is reversed in full, and checked by the URL's converter."""

    def __init__(self):
        self._parts: dict[tuple, tuple[str, ...] | None] = {}

    def __call__(self, name: str, *ids) -> str:
        if not all(type(i) in _ID_TYPES for i in ids):
            return reverse(name, args=ids)
        # Keyed on the ids' types too: the stand-ins must pass the same converters as the ids.
        key = (name, *(type(i) for i in ids))
        parts = self._parts.get(key, False)
        if parts is False:
            stand_ins = [_stand_in(type(i), n) for n, i in enumerate(ids)]
            parts = self._parts[key] = _split(reverse(name, args=stand_ins), [str(s) for s in stand_ins])
        if parts is None:
            return reverse(name, args=ids)
        pieces = [parts[0]]
        for n, value in enumerate(ids):
            pieces.append(str(value))
            pieces.append(parts[n + 1])
        return "".join(pieces)


def _stand_in(kind: type, n: int):
    # uuids of the form 00000000-0000-0000-0000-00000000000n, and integers no table reaches.
    return uuid.UUID(int=n + 1) if kind is uuid.UUID else 987_654_321_000 + n


def _split(url: str, texts: list[str]) -> tuple[str, ...] | None:
    """The URL's text around each stand-in's text, in order, or None where a stand-in is not found once."""
    if any(url.count(text) != 1 for text in texts):
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
