"""A child's chronology: the dated events of their case, newest first, from every part of the system.

Each capability adds its own events by registering a provider in its AppConfig.ready() (the statutory
journey's is journey/chronology.py; the workbook's significant events and group supervision decisions
will add theirs):

    @chronology.register(kinds={"significant-event": "Significant events"})
    def significant_events(child_ids, kinds, limit):
        ...  # yield ChronologyEvent(...) for these children

A provider is called with the children's ids, the kinds asked for (None: all of its kinds) and `limit`
(None: all; else the provider may return only its newest `limit` events, which is all the page needs).
It must cost a fixed number of queries for any number of children: the family page and the family
chronology ask for every child of a family at once.
"""

from __future__ import annotations

import dataclasses
import datetime
import uuid
from collections.abc import Callable, Iterable, Sequence


@dataclasses.dataclass(frozen=True)
class ChronologyEvent:
    date: datetime.date
    # The filter the event belongs to (a key of kinds()), and its label.
    kind: str
    kind_label: str
    title: str
    detail: str = ""
    child_id: uuid.UUID | None = None
    child_name: str = ""
    # Where to read the record the event comes from, if anywhere.
    link: str = ""
    # Orders events of one day: higher is later in the day's story (a plan starts at its conference).
    order: int = 0
    # Breaks the last ties, so that paging through a chronology never repeats or skips an event.
    key: str = ""

    def sort_key(self):
        return (self.date, self.order, self.key)


Provider = Callable[[Sequence, "frozenset[str] | None", "int | None"], Iterable[ChronologyEvent]]


@dataclasses.dataclass(frozen=True)
class _Registration:
    provider: Provider
    kinds: dict[str, str]


_REGISTRY: list[_Registration] = []
# Who the children are is the register's (people) to say: it registers how to name them, in one query.
_NAME_RESOLVERS: list[Callable[[set], dict]] = []


def register_name_resolver(resolver: Callable[[set], dict]) -> None:
    _NAME_RESOLVERS[:] = [resolver]


def register(provider: Provider | None = None, *, kinds: dict[str, str]):
    """Add a provider of events of these kinds ({slug: label}); usable as a decorator."""

    def add(func: Provider) -> Provider:
        overlap = set(kinds) & set(all_kinds())
        if overlap:
            raise ValueError(f"chronology kinds already registered: {sorted(overlap)}")
        _REGISTRY.append(_Registration(func, dict(kinds)))
        return func

    return add(provider) if provider is not None else add


def unregister(provider: Provider) -> None:
    _REGISTRY[:] = [r for r in _REGISTRY if r.provider is not provider]


def all_kinds() -> dict[str, str]:
    """Every kind of event, in the order the filter lists them."""
    return {slug: label for registration in _REGISTRY for slug, label in registration.kinds.items()}


def child_chronology(
    child_ids: Iterable,
    kinds: Iterable[str] | None = None,
    *,
    limit: int | None = None,
    offset: int = 0,
    names: dict | None = None,
) -> list[ChronologyEvent]:
    """The children's events, newest first: all kinds, or only `kinds`; events offset..offset+limit.

    `names` ({child_id: name}) saves the query for the children's names where the caller has them."""
    child_ids = list(child_ids)
    if not child_ids:
        return []
    wanted = None if kinds is None else frozenset(kinds)
    needed = None if limit is None else offset + limit
    events: list[ChronologyEvent] = []
    for registration in _REGISTRY:
        asked = None if wanted is None else wanted & set(registration.kinds)
        if asked is not None and not asked:
            continue
        events.extend(
            event
            for event in registration.provider(child_ids, asked, needed)
            if wanted is None or event.kind in wanted
        )
    events.sort(key=ChronologyEvent.sort_key, reverse=True)
    events = events[offset:needed]
    if names is None and _NAME_RESOLVERS:
        names = _NAME_RESOLVERS[0]({e.child_id for e in events if e.child_id})
    names = names or {}
    return [dataclasses.replace(e, child_name=names.get(e.child_id, "")) for e in events]


# --- the statutory journey's events ---------------------------------------------------------------------
