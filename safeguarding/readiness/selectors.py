"""Reads of readiness: one adult's history per behaviour, and the family's latest readings for the family
page and the group supervision pack. Each costs a fixed number of queries whatever the number of adults,
behaviours and readings, and shows a withheld adult's readings to nobody (policies.py)."""

from __future__ import annotations

import datetime
import functools
from dataclasses import dataclass, field

from django.db import connection
from django.db.models import FilteredRelation, Prefetch, Q

from safeguarding.core.compiled import CompiledQuery, as_date, as_uuid, compile_for_ids
from safeguarding.people.models import FamilyMember, Person

from . import chart
from .models import ReadinessCorrection, ReadinessRecord, Stage


@dataclass(frozen=True)
class RulerReading:
    """One reading as the pages show it."""

    recorded_on: datetime.date
    importance: int
    confidence: int
    stage_label: str
    in_their_words: str
    stage: str = ""
    recorded_by: str = ""
    record_id: object = None
    version: int = 1
    corrections: tuple = ()  # ReadinessCorrection rows, oldest first

    @classmethod
    def of(cls, record: ReadinessRecord, *, corrections=()) -> RulerReading:
        return cls(
            recorded_on=record.recorded_on,
            importance=record.importance,
            confidence=record.confidence,
            stage_label=str(Stage(record.stage).label),
            in_their_words=record.in_their_words,
            stage=record.stage,
            recorded_by=record.recorded_by.display_name if record.recorded_by_id else "",
            record_id=record.pk,
            version=record.version,
            corrections=tuple(corrections),
        )


def _signed(change: int | None) -> str:
    if change is None:
        return ""
    if change == 0:
        return "no change"
    return f"+{change}" if change > 0 else f"\u2212{-change}"


@dataclass(frozen=True)
class ReadinessRow:
    """One adult's latest reading of one behaviour, with the change since the last supervision.

    Withheld (the viewer may not see this adult's special-category data): one row for the adult, with
    `behaviour_label` empty and `latest` None, since which behaviours they are working on is itself
    special-category; `ask` says who to ask."""

    adult: Person
    behaviour_label: str
    latest: RulerReading | None
    previous: RulerReading | None
    importance_change: int | None
    confidence_change: int | None
    withheld: bool
    ask: str
    # No reading since `since`: the latest is from before the last supervision.
    no_reading_since: bool = False
    # Every reading of the behaviour, oldest first, with its chart (the pack shows it over the cycles).
    history: BehaviourHistory | None = None

    @property
    def importance_change_text(self) -> str:
        return _signed(self.importance_change)

    @property
    def confidence_change_text(self) -> str:
        return _signed(self.confidence_change)


def _records(family, adult_ids) -> list[ReadinessRecord]:
    return list(
        ReadinessRecord.objects.filter(family=family, adult_id__in=adult_ids)
        .select_related("recorded_by")
        .order_by("recorded_on", "created_at")
    )


def _by_behaviour(records) -> list[tuple[str, list[ReadinessRecord]]]:
    """(label, readings oldest first) per behaviour, in the order each was first recorded."""
    groups: dict = {}
    for record in records:
        groups.setdefault(record.behaviour_key, []).append(record)
    return [(readings[-1].behaviour_label, readings) for readings in groups.values()]


def _row(adult, label, readings, since, *, slug: str = "") -> ReadinessRow:
    """One behaviour's row; with `slug` (the pack), its history and chart too (not for the family page's
    panel, which shows the latest reading only)."""
    latest = readings[-1]
    previous = None
    stale = since is not None and latest.recorded_on < since
    if since is None:
        previous = readings[-2] if len(readings) > 1 else None
    elif not stale:
        before = [r for r in readings[:-1] if r.recorded_on < since]
        previous = before[-1] if before else None
    return ReadinessRow(
        adult=adult,
        behaviour_label=label,
        latest=RulerReading.of(latest),
        previous=RulerReading.of(previous) if previous else None,
        importance_change=latest.importance - previous.importance if previous else None,
        confidence_change=latest.confidence - previous.confidence if previous else None,
        withheld=False,
        ask="",
        no_reading_since=stale,
        history=_history(adult, label, [RulerReading.of(r) for r in readings], slug) if slug else None,
    )


def _history(adult, label, readings, slug) -> BehaviourHistory:
    return BehaviourHistory(
        label=label, readings=readings, chart=chart.ruler_chart(label, adult.full_name, readings), slug=slug
    )


def pack_rows(*, family, disclosure, since: datetime.date | None, adults=None) -> list[ReadinessRow]:
    """The family's current adults' latest readings, one row per adult and behaviour with any reading, for
    the group supervision pack and the family page. `previous` is the latest reading before `since` (the
    last supervision), for "change since last time"; with no `since`, the reading before the latest.
    Two queries, whatever the number of adults, behaviours and readings (the disclosure is the caller's);
    one when the caller passes `adults` (family.current_adults(), which the pack reads once for both
    readiness and measures)."""
    if adults is None:
        adults = family.current_adults()
    records = _records(family, [a.pk for a in adults])
    by_adult: dict = {}
    for record in records:
        by_adult.setdefault(record.adult_id, []).append(record)
    rows = []
    for adult in adults:
        readings = by_adult.get(adult.pk)
        if not readings:
            continue
        shown = disclosure.for_record(ReadinessRecord.sensitivity, adult.pk)
        if not shown.visible:
            rows.append(ReadinessRow(adult, "", None, None, None, None, withheld=True, ask=shown.ask))
            continue
        for label, group in _by_behaviour(readings):
            rows.append(_row(adult, label, group, since, slug=f"readiness-{len(rows) + 1}"))
    return rows


@dataclass
class BehaviourHistory:
    label: str
    readings: list[RulerReading]
    chart: chart.Chart = field(default=None)
    slug: str = ""


def readiness_history(*, user, family, adult, disclosure) -> dict:
    """One adult's readings in the family, per behaviour, oldest to newest, each with its chart; or, for a
    viewer who may not see them, withheld and who to ask (and nothing read). Two queries."""
    shown = disclosure.for_record(ReadinessRecord.sensitivity, adult.pk)
    if not shown.visible:
        return {"disclosure": shown, "withheld": True, "behaviours": [], "readings": 0}
    records = list(
        ReadinessRecord.objects.filter(family=family, adult=adult)
        .select_related("recorded_by")
        .prefetch_related(
            Prefetch(
                "corrections",
                queryset=ReadinessCorrection.objects.select_related("corrected_by").order_by("created_at"),
            )
        )
        .order_by("recorded_on", "created_at")
    )
    behaviours = []
    for number, (label, group) in enumerate(_by_behaviour(records), start=1):
        readings = [RulerReading.of(r, corrections=r.corrections.all()) for r in group]
        behaviours.append(_history(adult, label, readings, f"behaviour-{number}"))
    return {"disclosure": shown, "withheld": False, "behaviours": behaviours, "readings": len(records)}


# The columns the family page's panel reads of each adult and reading (one query, family_panel).
_PANEL_ADULT = ("pk", "first_name", "last_name")
_PANEL_READING = (
    "id",
    "behaviour",
    "behaviour_other",
    "importance",
    "confidence",
    "stage",
    "in_their_words",
    "recorded_on",
)


@functools.lru_cache(maxsize=4)
def _compiled_panel(vendor: str) -> CompiledQuery:
    """The panel's query compiled once (core.compiled) and run with each family's id: building its
    filtered join through the ORM was most of the panel's time on every family page."""

    def build(ids):
        return (
            Person.objects.filter(
                memberships__family_id=ids[0],
                memberships__member_type=FamilyMember.MemberType.ADULT,
                memberships__left_on__isnull=True,
            )
            .annotate(
                reading=FilteredRelation(
                    "readiness_records", condition=Q(readiness_records__family_id=ids[0])
                )
            )
            .order_by(
                "date_of_birth",
                "last_name",
                "first_name",
                "pk",
                "reading__recorded_on",
                "reading__created_at",
            )
            .values_list(*_PANEL_ADULT, *(f"reading__{name}" for name in _PANEL_READING))
        )

    return compile_for_ids(build, 1)


def family_panel(access, family) -> dict:
    """The family page's readiness panel: each current adult with their latest reading per behaviour (or
    Restricted), and where to see and record more. One query: the family's current adults, each joined to
    their readings in this family (none for an adult with none), since the family page counts every query."""
    _columns, found = _compiled_panel(connection.vendor).run([family.pk])
    adults: dict = {}
    readings: dict = {}
    for row in found:
        adult_values, reading_values = list(row[: len(_PANEL_ADULT)]), list(row[len(_PANEL_ADULT) :])
        # Read as the database gives them (core.compiled): the ids and the day as the ORM would have.
        adult_values[0] = pk = as_uuid(adult_values[0])
        reading_values[0] = as_uuid(reading_values[0])
        reading_values[-1] = as_date(reading_values[-1])
        if pk not in adults:
            adults[pk] = Person(**dict(zip(_PANEL_ADULT, adult_values, strict=True)))
            readings[pk] = []
        if reading_values[0] is not None:
            readings[pk].append(
                ReadinessRecord(
                    family=family, adult_id=pk, **dict(zip(_PANEL_READING, reading_values, strict=True))
                )
            )
    entries = []
    for pk, adult in adults.items():
        shown = access.for_adult(pk)
        rows = []
        if shown.visible:
            rows = [_row(adult, label, group, None) for label, group in _by_behaviour(readings[pk])]
        entries.append(
            {"adult": adult, "disclosure": shown, "rows": rows, "can_record": access.can_record(pk)}
        )
    return {"family": family, "entries": entries}
