"""Reads of measures: one adult's measures per instrument (a chart with its bands and a table), one result
with the change since the time before, and the family page's flag of open alerts. Each costs a fixed
number of queries whatever the number of measures, and shows a withheld adult's measures to nobody."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Prefetch

from safeguarding.core.charts import BLUE, Chart, line_chart, trend
from safeguarding.people.models import FamilyMember

from .change import Change, compare, is_case
from .definitions import Instrument
from .models import Measure, MeasureAlert, MeasureCorrection


@dataclass
class MeasureRow:
    measure: Measure
    instrument: Instrument | None
    # Against the last scored measure of the same instrument before it (None: the first, or not scored).
    change: Change | None = None
    case: bool | None = None
    previous: Measure | None = None

    @property
    def total_text(self) -> str:
        return _number(self.measure.total)


def _number(value) -> str:
    if value is None:
        return ""
    return f"{Decimal(value).normalize():f}"


@dataclass
class InstrumentHistory:
    code: str
    name: str
    title: str
    instrument: Instrument | None
    rows: list[MeasureRow]
    chart: Chart | None = None
    slug: str = ""
    bands: tuple = field(default=())

    @property
    def latest(self) -> MeasureRow:
        return self.rows[-1]


def _step(span: float) -> int:
    """A tick every 1, 2, 5, 10 or 20 points: about five ticks up the axis."""
    for step in (1, 2, 5, 10, 20):
        if span / step <= 8:
            return step
    return 50


def _chart(history: InstrumentHistory, adult_name: str) -> Chart | None:
    instrument = history.instrument
    scored = [r for r in history.rows if r.measure.total is not None]
    if instrument is None or not scored:
        return None
    bands = instrument.bands_for(scored[-1].measure.scored_as or None)
    first, last = scored[0].measure, scored[-1].measure
    if len(scored) > 1:
        span = (
            f"{len(scored)} scores from {first.administered_on:%-d %B %Y} to {last.administered_on:%-d %B %Y}"
        )
        moved = f"The total {trend(first.total, last.total, show=_number)}"
    else:
        span = f"1 score, on {first.administered_on:%-d %B %Y}"
        moved = f"The total was {_number(last.total)}"
    named = ", ".join(f"{b.label} {b.start} to {b.end}" for b in bands)
    description = (
        f"{span}. {moved}; latest band: {last.band}. Shaded bands, lowest score first: {named}. "
        "The table beside the chart lists every score."
    )
    low, high = instrument.min_score, instrument.max_score
    step = _step(high - low)
    return line_chart(
        title=f"{instrument.name}: {adult_name}'s total score, {low} to {high}",
        description=description,
        dates=[r.measure.administered_on for r in scored],
        series=[("Total", BLUE, "", "circle", [r.measure.total for r in scored])],
        y_min=low,
        y_max=high,
        y_step=step,
        bands=[(b.start, b.end, b.label) for b in bands],
        show_key=False,
    )


def _with_changes(rows: list[MeasureRow]) -> None:
    before = None
    for row in rows:
        if row.instrument is not None and row.measure.total is not None:
            row.case = is_case(row.instrument, row.measure.total)
            if before is not None:
                row.change = compare(row.instrument, before.total, row.measure.total)
            before = row.measure


def measures_history(*, family, person, disclosure, found: dict) -> dict:
    """The person's measures in the family, per instrument (in the order first used), oldest first, each
    with its change and a chart; or, for a viewer who may not see them, withheld (and nothing read).
    Three queries: the measures, their corrections and their alerts (`found` is instruments.every())."""
    shown = disclosure.for_record(Measure.sensitivity, person.pk)
    if not shown.visible:
        return {"disclosure": shown, "withheld": True, "instruments": [], "count": 0, "open_alerts": []}
    measures = list(
        Measure.objects.filter(family=family, person=person)
        .select_related("recorded_by")
        .prefetch_related(
            Prefetch(
                "corrections",
                queryset=MeasureCorrection.objects.select_related("corrected_by").order_by("created_at"),
            ),
            Prefetch(
                "alerts",
                queryset=MeasureAlert.objects.select_related("owner", "closed_by").order_by("created_at"),
            ),
        )
        .order_by("administered_on", "created_at")
    )
    groups: dict[str, list[MeasureRow]] = {}
    for measure in measures:
        instrument = found.get((measure.instrument, measure.instrument_version))
        groups.setdefault(measure.instrument, []).append(MeasureRow(measure, instrument))
    histories = []
    for number, (code, rows) in enumerate(groups.items(), start=1):
        _with_changes(rows)
        latest = rows[-1].instrument or next((r.instrument for r in rows if r.instrument), None)
        history = InstrumentHistory(
            code=code,
            name=latest.name if latest else code,
            title=latest.title if latest else "",
            instrument=latest,
            rows=rows,
            slug=f"instrument-{number}",
        )
        history.chart = _chart(history, person.full_name)
        histories.append(history)
    open_alerts = [a for m in measures for a in m.alerts.all() if a.closed_on is None]
    return {
        "disclosure": shown,
        "withheld": False,
        "instruments": histories,
        "count": len(measures),
        "open_alerts": open_alerts,
    }


def measure_result(measure: Measure, found: dict) -> MeasureRow:
    """One measure with the change since the last scored measure of the same instrument before it. One
    query (the one before)."""
    instrument = found.get((measure.instrument, measure.instrument_version))
    row = MeasureRow(measure, instrument)
    if instrument is None or measure.total is None:
        return row
    row.case = is_case(instrument, measure.total)
    before = (
        Measure.objects.filter(
            family_id=measure.family_id,
            person_id=measure.person_id,
            instrument=measure.instrument,
            total__isnull=False,
        )
        .exclude(pk=measure.pk)
        .filter(administered_on__lte=measure.administered_on)
        .order_by("-administered_on", "-created_at")
        .only("pk", "total", "administered_on", "created_at")
    )
    previous = next(
        (
            m
            for m in before
            if (m.administered_on, m.created_at) < (measure.administered_on, measure.created_at)
        ),
        None,
    )
    if previous is not None:
        row.change = compare(instrument, previous.total, measure.total)
        row.previous = previous
    return row


def family_alerts(access, family) -> dict | None:
    """The family page's flag: each open alert from a measure, with its owner and due date; the kind and
    reason only to those who may see the adult's measures. One query. None when nothing is open."""
    alerts = list(
        MeasureAlert.objects.filter(family=family, closed_on__isnull=True)
        .select_related("person", "owner")
        .order_by("due_on", "created_at")
    )
    if not alerts:
        return None
    entries = [{"alert": a, "disclosure": access.for_adult(a.person_id)} for a in alerts]
    return {"family": family, "entries": entries}


@dataclass
class PackRow:
    """One adult's latest scored questionnaire of one instrument for the group supervision pack, with the
    change since the last supervision; or, withheld, one row for the adult that names no questionnaire
    (which ones an adult has done is itself special-category) and says who to ask."""

    adult: object
    withheld: bool = False
    ask: str = ""
    history: InstrumentHistory | None = None
    since_row: MeasureRow | None = None  # the latest scored before the last supervision
    change: Change | None = None
    # No score since the last supervision: the latest is from before it.
    nothing_since: bool = False

    @property
    def latest(self) -> MeasureRow | None:
        return self.history.latest if self.history else None


def pack_rows(*, family, disclosure, since, found: dict) -> list[PackRow]:
    """The family's current adults' latest scores, one row per adult and instrument with a scored measure,
    for the group supervision pack: the band and the change since the last supervision (`since`; with no
    supervision before, since the score before), judged by the instrument's published criterion. Two
    queries, whatever the number of adults and measures (`found` is instruments.every())."""
    adults = [
        m.person
        for m in FamilyMember.objects.filter(family=family, member_type="adult", left_on__isnull=True)
        .select_related("person")
        .order_by("person__date_of_birth", "person__last_name", "person__first_name")
    ]
    by_adult = _scored_by_adult(family, adults)
    rows = []
    for adult in adults:
        groups = by_adult.get(adult.pk)
        if not groups:
            continue
        shown = disclosure.for_record(Measure.sensitivity, adult.pk)
        if not shown.visible:
            rows.append(PackRow(adult=adult, withheld=True, ask=shown.ask))
            continue
        for code, group in groups.items():
            history_rows = [MeasureRow(m, found.get((m.instrument, m.instrument_version))) for m in group]
            latest = history_rows[-1]
            instrument = latest.instrument
            history = InstrumentHistory(
                code=code,
                name=instrument.name if instrument else code,
                title=instrument.title if instrument else "",
                instrument=instrument,
                rows=history_rows,
            )
            if since is None:
                before = history_rows[-2] if len(history_rows) > 1 else None
            else:
                earlier = [r for r in history_rows[:-1] if r.measure.administered_on < since]
                before = earlier[-1] if earlier else None
            stale = since is not None and latest.measure.administered_on < since
            change = None
            if before is not None and not stale and instrument is not None:
                change = compare(instrument, before.measure.total, latest.measure.total)
            rows.append(
                PackRow(
                    adult=adult,
                    history=history,
                    since_row=None if stale else before,
                    change=change,
                    nothing_since=stale,
                )
            )
    return rows


def _scored_by_adult(family, adults) -> dict:
    """adult's id -> instrument code -> their scored measures in the family, oldest first. One query."""
    measures = (
        Measure.objects.filter(family=family, person_id__in=[a.pk for a in adults], total__isnull=False)
        .only(
            "pk",
            "person_id",
            "instrument",
            "instrument_version",
            "administered_on",
            "created_at",
            "total",
            "band",
            "scored_as",
        )
        .order_by("administered_on", "created_at")
    )
    by_adult: dict = {}
    for measure in measures:
        by_adult.setdefault(measure.person_id, {}).setdefault(measure.instrument, []).append(measure)
    return by_adult


def assessment_lines(*, family, adults, disclosure, found: dict) -> list[tuple]:
    """For an assessment to quote: (adult, lines, withheld disclosure or None) per adult with a scored
    questionnaire. Each line is one instrument: the first and latest scores with their bands and dates,
    and the change between them by the instrument's published criterion. Two queries."""
    by_adult = _scored_by_adult(family, adults)
    quoted = []
    for adult in adults:
        groups = by_adult.get(adult.pk)
        if not groups:
            continue
        shown = disclosure.for_record(Measure.sensitivity, adult.pk)
        if not shown.visible:
            quoted.append((adult, [], shown))
            continue
        lines = []
        for code, group in groups.items():
            first, latest = group[0], group[-1]
            instrument = found.get((latest.instrument, latest.instrument_version))
            name = instrument.name if instrument else code
            latest_text = f"{_number(latest.total)} ({latest.band}) on {latest.administered_on:%-d %B %Y}"
            if len(group) == 1:
                lines.append(f"{name}: {latest_text}.")
                continue
            line = (
                f"{name}: {_number(first.total)} ({first.band}) on {first.administered_on:%-d %B %Y}; "
                f"latest {latest_text}; {len(group)} scores"
            )
            if instrument is not None:
                line += f". {compare(instrument, first.total, latest.total).summary} since the first"
            lines.append(line + ".")
        quoted.append((adult, lines, None))
    return quoted
