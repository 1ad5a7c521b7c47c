"""Significant events in the children's chronology, beside their statutory events (issue #9).

Significant events are flagged so that they reach the child's chronology: the record that the team, a
conference or a court reads to see what has happened in the child's life. An event reaches each child it
names. An event naming only adults (a police call-out to the parents' home, a parent's relapse) reaches
every child who lives in that family now: what happens to the adults around a child is part of the child's
story, and that is the reason the Family Safeguarding model works with the adults.

One query for any number of children (core/chronology.py's rule), each cut to `limit` in the database.
"""

from __future__ import annotations

import functools

from django.db import connection
from django.db.models import Exists, OuterRef

from safeguarding.core.chronology import ChronologyEvent, register
from safeguarding.core.compiled import CompiledQuery, as_date, as_uuid, compile_for_ids
from safeguarding.core.urls import RowUrls
from safeguarding.people.models import FamilyMember

from .models import SignificantEvent

KIND = "significant-event"
KINDS = {KIND: "Significant events"}
# First in its day's story: the call-out comes before the strategy discussion it leads to.
ORDER = 5
DETAIL_LENGTH = 200

_Named = SignificantEvent.people.through


def event_title(event: SignificantEvent) -> str:
    if event.kind == SignificantEvent.Kind.OTHER:
        return "Significant event"
    return event.get_kind_display()


def _first_line(text: str) -> str:
    line = next((line.strip() for line in (text or "").splitlines() if line.strip()), "")
    if len(line) > DETAIL_LENGTH:
        line = line[: DETAIL_LENGTH - 1].rstrip() + "…"
    return line


def event_detail(event: SignificantEvent) -> str:
    """The first line of what happened, and the impact: "High impact: the children's safety changed"."""
    line = _first_line(event.what_happened)
    if line and line[-1] not in ".!?…":
        line += "."
    impact = event.get_impact_display().replace(":", " impact:", 1) if event.impact else ""
    return " ".join(part for part in (line, f"{impact}." if impact else "") if part)


def event_link(event: SignificantEvent, urls: RowUrls | None = None) -> str:
    """The event on its family's list of significant events (the page that holds it, at its anchor).
    `urls` reverses the list's URL once for all the events read (core.urls)."""
    url = (urls or RowUrls())("workbook:significant-events", event.family_id)
    return f"{url}?event={event.pk}#event-{event.pk}"


def _event(event: SignificantEvent, child_id, urls: RowUrls) -> ChronologyEvent:
    return ChronologyEvent(
        date=event.date,
        kind=KIND,
        kind_label=KINDS[KIND],
        title=event_title(event),
        detail=event_detail(event),
        child_id=child_id,
        link=event_link(event, urls),
        order=ORDER,
        key=f"significant-event-{event.pk}",
    )


def _rows(base, child_column: str):
    # No ordering in a branch (the model's own would be refused inside a UNION): the union is ordered.
    return base.order_by().values_list(
        "pk", "date", "created_at", "kind", "what_happened", "impact", "family_id", child_column
    )


@functools.lru_cache(maxsize=64)
def _compiled(vendor: str, children: int, limit: int | None) -> CompiledQuery:
    """The union below for this many children and this limit, compiled once (core.compiled): building and
    compiling it (a nested EXISTS and three subqueries) through the ORM took about a tenth of the family
    page's time, against well under a millisecond to run it."""

    def build(ids):
        rows = _events_query(ids)
        return rows[:limit] if limit is not None else rows

    return compile_for_ids(build, children)


def _events_query(child_ids):
    """The events naming these children, and the events naming no child of their family for the children
    in that family now, newest first: (pk, date, created_at, kind, what_happened, impact, family_id,
    child_id) rows."""
    # Filtering and reading through the same multi-valued relation reuses its join: each row is one event
    # and one of these children.
    naming = _rows(SignificantEvent.objects.filter(people__in=child_ids), "people")
    # The events about adults are looked for in these children's families only, whatever the planner
    # believes of the tables' sizes: a test database's statistics can say "empty" while a test's rows are
    # in it, and a plan that checked every event in the council against every child took seconds.
    families = FamilyMember.objects.filter(
        person__in=child_ids, member_type=FamilyMember.MemberType.CHILD, left_on__isnull=True
    ).values("family_id")
    names_a_child = _Named.objects.filter(
        significantevent_id=OuterRef("pk"),
        person_id__in=FamilyMember.objects.filter(
            family_id=OuterRef(OuterRef("family_id")), member_type=FamilyMember.MemberType.CHILD
        ).values("person_id"),
    )
    about_adults = _rows(
        SignificantEvent.objects.filter(
            family__in=families,
            family__members__person__in=child_ids,
            family__members__member_type=FamilyMember.MemberType.CHILD,
            family__members__left_on__isnull=True,
        ).exclude(Exists(names_a_child)),
        "family__members__person",
    )
    return naming.union(about_adults, all=True).order_by("-date", "-created_at", "-pk")


@register(kinds=KINDS)
def significant_events(child_ids, kinds, limit):
    """One UNION query: the events naming these children, and the events naming no child of their family
    for the children in that family now, newest first, cut to `limit` rows."""
    child_ids = list(child_ids)
    if not child_ids or (kinds is not None and KIND not in kinds):
        return []
    _columns, rows = _compiled(connection.vendor, len(child_ids), limit).run(child_ids)
    events = []
    urls = RowUrls()
    for pk, day, _made, kind, what, impact, family_id, child_id in rows:
        event = SignificantEvent(
            pk=as_uuid(pk),
            date=as_date(day),
            kind=kind,
            what_happened=what,
            impact=impact,
            family_id=as_uuid(family_id),
        )
        events.append(_event(event, as_uuid(child_id), urls))
    return events
