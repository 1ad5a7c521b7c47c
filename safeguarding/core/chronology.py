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

A family's chronology asks for `merge=True`: one thing that happened to several children (the core group
meeting of four siblings on one plan each) is then one entry naming them all, not one per child. Providers
keep giving one event per child's record; the merging is here, for every provider alike.
"""

from __future__ import annotations

import dataclasses
import datetime
import uuid
from collections.abc import Callable, Iterable, Sequence


@dataclasses.dataclass(frozen=True)
class ChildRef:
    """One of the children a merged event concerns, with where to read their record of it."""

    child_id: uuid.UUID
    name: str
    link: str = ""


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
    # Set on an event merged from several children's records (child_name then names them all, and
    # child_id and link are the first child's): each child with the link to their own record.
    children: tuple[ChildRef, ...] = ()

    def sort_key(self):
        return (self.date, self.order, self.key)

    def merge_key(self):
        """Events with the same key for different children are one thing that happened to them all."""
        return (self.date, self.order, self.kind, self.title, self.detail)


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


def _collect(
    child_ids: list, wanted: frozenset | None, needed: int | None
) -> tuple[list[ChronologyEvent], bool]:
    """Every provider's events for the children, newest first, cut to `needed`; and whether that is all
    there is (no provider may have held any back)."""
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
    exhausted = needed is None or len(events) < needed
    return (events if needed is None else events[:needed]), exhausted


def natural_list(words: Sequence[str]) -> str:
    """ "Peter", "Peter and Lindsey", "Peter, Lindsey, Emily and Amber"."""
    words = list(words)
    if len(words) < 2:
        return "".join(words)
    return ", ".join(words[:-1]) + " and " + words[-1]


def child_names(people) -> tuple[dict, dict]:
    """({id: full name}, {id: short name}) for children named together, in the order given.

    The short name is the first name (the known-as name if recorded) where it tells the children apart,
    else the full name: "Core group meeting for Peter, Lindsey and Emily"."""
    people = list(people)
    full = {p.pk: p.full_name for p in people}
    first = {p.pk: (getattr(p, "known_as", "") or p.first_name) for p in people}
    taken: dict[str, int] = {}
    for name in first.values():
        taken[name] = taken.get(name, 0) + 1
    short = {pk: name if taken[name] == 1 else full[pk] for pk, name in first.items()}
    return full, short


def _merge(events: list[ChronologyEvent]) -> list[list[ChronologyEvent]]:
    """Group the events that are one thing happening to several children, each group where its newest
    event was. A group holds one event a child: a child's two identical events stay two entries."""
    groups: list[list[ChronologyEvent]] = []
    open_groups: dict[tuple, list[list[ChronologyEvent]]] = {}
    for event in events:
        if event.child_id is None:
            groups.append([event])
            continue
        candidates = open_groups.setdefault(event.merge_key(), [])
        group = next((g for g in candidates if all(e.child_id != event.child_id for e in g)), None)
        if group is None:
            group = [event]
            candidates.append(group)
            groups.append(group)
        else:
            group.append(event)
    return groups


def _complete(groups, events: list[ChronologyEvent], exhausted: bool, wanted: int) -> bool:
    """Whether the first `wanted` groups have every event they should: a group's events share their date
    and order, so it is complete once an older (date, order) has been read after it."""
    if exhausted:
        return True
    if len(groups) < wanted or not events:
        return False
    last = events[-1]
    newest = groups[wanted - 1][0]
    return (newest.date, newest.order) > (last.date, last.order)


def _merged_entry(
    group: list[ChronologyEvent], names: dict, short_names: dict, rank: dict
) -> ChronologyEvent:
    first = group[0]
    if len(group) == 1:
        return dataclasses.replace(first, child_name=names.get(first.child_id, ""))
    group = sorted(group, key=lambda e: (rank.get(e.child_id, len(rank)), str(e.child_id)))
    children = tuple(
        ChildRef(e.child_id, short_names.get(e.child_id) or names.get(e.child_id, ""), e.link) for e in group
    )
    return dataclasses.replace(
        first,
        child_id=group[0].child_id,
        child_name=natural_list([c.name for c in children]),
        link=group[0].link,
        children=children,
    )


def child_chronology(
    child_ids: Iterable,
    kinds: Iterable[str] | None = None,
    *,
    limit: int | None = None,
    offset: int = 0,
    names: dict | None = None,
    merge: bool = False,
    short_names: dict | None = None,
) -> list[ChronologyEvent]:
    """The children's events, newest first: all kinds, or only `kinds`; events offset..offset+limit.

    `names` ({child_id: name}) saves the query for the children's names where the caller has them.

    `merge`: one entry for the same event (date, kind, title and detail) of several children, naming them
    with `short_names` ({child_id: name}, else `names`) in the order of `names`; offset and limit then
    count entries. Still one query a provider in all but freak cases: it reads enough events for every
    entry on the page to be made of all its children's events (an entry has at most one a child)."""
    child_ids = list(child_ids)
    if not child_ids:
        return []
    wanted = None if kinds is None else frozenset(kinds)
    needed = None if limit is None else offset + limit
    if not merge or len(child_ids) == 1:
        events, _ = _collect(child_ids, wanted, needed)
        groups = [[e] for e in events[offset:needed]]
    else:
        fetch = None if needed is None else (needed + 1) * len(child_ids)
        while True:
            events, exhausted = _collect(child_ids, wanted, fetch)
            groups = _merge(events)
            if fetch is None or _complete(groups, events, exhausted, needed):
                break
            # One day's events of one kind outnumber what was read (many visits to each child on one day):
            # read more rather than show a part of an entry.
            fetch *= 2
        groups = groups[offset:needed]
    if names is None and _NAME_RESOLVERS:
        names = _NAME_RESOLVERS[0]({e.child_id for group in groups for e in group if e.child_id})
    names = names or {}
    rank = {child_id: n for n, child_id in enumerate(names)}
    return [_merged_entry(group, names, short_names or {}, rank) for group in groups]


# --- the statutory journey's events ---------------------------------------------------------------------
