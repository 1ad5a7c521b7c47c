"""Reads of measures: one adult's measures per instrument (a chart with its bands and a table), one result
with the change since the time before, and the family page's flag of open alerts. Each costs a fixed
number of queries whatever the number of measures, and shows a withheld adult's measures to nobody."""

from __future__ import annotations

import datetime
import functools
from dataclasses import dataclass, field
from decimal import Decimal

from django.db import connection
from django.db.models import BooleanField, Case, Count, DecimalField, IntegerField, Prefetch, Value, When
from django.utils.formats import date_format

from safeguarding.core.charts import BLUE, Chart, line_chart, trend
from safeguarding.core.compiled import CompiledModels, compile_models
from safeguarding.core.urls import RowUrls

from .change import DETERIORATION, IMPROVEMENT, NO_RELIABLE_CHANGE, Change, compare, is_case
from .definitions import Instrument
from .instruments import current as instruments_current
from .models import Measure, MeasureAlert, MeasureCorrection, MeasureCourse


@dataclass
class MeasureRow:
    measure: Measure
    instrument: Instrument | None
    # Against the last scored measure of the same instrument before it (None: the first, or not scored).
    change: Change | None = None
    case: bool | None = None
    previous: Measure | None = None
    # The adult's page: the result's link and the day as its table writes it, made in the selector.
    url: str = ""
    date_iso: str = ""
    date_text: str = ""

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
    urls = RowUrls()
    for measure in measures:
        instrument = found.get((measure.instrument, measure.instrument_version))
        day = measure.administered_on
        groups.setdefault(measure.instrument, []).append(
            MeasureRow(
                measure,
                instrument,
                url=urls("measures:result", family.pk, person.pk, measure.pk),
                date_iso=day.isoformat(),
                date_text=date_format(day, "j M Y"),
            )
        )
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


@functools.lru_cache(maxsize=4)
def _compiled_alerts(vendor: str) -> CompiledModels:
    """The family page's alerts query compiled once (core.compiled): building and compiling it (two joined
    models' columns) was about 1 ms of every family page, for a query that mostly finds nothing."""
    return compile_models(
        lambda ids: (
            MeasureAlert.objects.filter(family_id=ids[0], closed_on__isnull=True)
            .select_related("person", "owner")
            .order_by("due_on", "created_at")
        ),
        1,
    )


def family_alerts(access, family) -> dict | None:
    """The family page's flag: each open alert from a measure, with its owner and due date; the kind and
    reason only to those who may see the adult's measures. One query. None when nothing is open."""
    alerts = list(_compiled_alerts(connection.vendor).queryset([family.pk]))
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
    adults = family.current_adults()
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


# ---- the council's before and after (issue #11 item 6) ---------------------------------------------------

# A count below this about a team can point to a parent: it is shown as "fewer than 5", and a share or a mean
# worked out from fewer adults (or checklists) is not shown.
SMALL_NUMBER = 5
QUARTERS = 12


@dataclass(frozen=True)
class Tally:
    """A count as the page may show it."""

    value: int

    @property
    def suppressed(self) -> bool:
        return 0 < self.value < SMALL_NUMBER

    @property
    def text(self) -> str:
        return "fewer than 5" if self.suppressed else str(self.value)


@dataclass(frozen=True)
class Share:
    """`part` of `whole` as a percentage, or not shown when `whole` is below the small-number threshold."""

    part: int
    whole: int

    @property
    def shown(self) -> bool:
        return self.whole >= SMALL_NUMBER

    @property
    def percent(self) -> int | None:
        if not self.shown:
            return None
        return round(100 * self.part / self.whole)

    @property
    def text(self) -> str:
        if self.whole == 0:
            return "none to compare"
        if not self.shown:
            return "not shown (fewer than 5 adults)"
        return f"{self.percent}%"


@dataclass
class InstrumentOutcome:
    instrument: Instrument
    adults: Tally  # with at least one scored measure
    paired: Tally  # with two or more: the pairs compared
    not_scored: Tally  # measures left out because they were not scored
    mean_first: Decimal | None = None  # of those with two or more (None: fewer than 5)
    mean_latest: Decimal | None = None
    mean_difference: Decimal | None = None
    improvement: Share | None = None  # None: the instrument has no published criterion
    deterioration: Share | None = None
    no_change: Share | None = None
    recovery: Share | None = None  # of those who started at or above the clinical cut-off
    slug: str = ""

    @property
    def mean_first_text(self) -> str:
        return _mean(self.mean_first)

    @property
    def mean_latest_text(self) -> str:
        return _mean(self.mean_latest)

    @property
    def mean_difference_text(self) -> str:
        if self.mean_difference is None:
            return "not shown (fewer than 5 adults)" if self.paired.value else "none to compare"
        sign = "+" if self.mean_difference > 0 else ""
        return f"{sign}{self.mean_difference:.1f}"


def _mean(value) -> str:
    return "not shown (fewer than 5 adults)" if value is None else f"{value:.1f}"


@dataclass(frozen=True)
class Quarter:
    start: datetime.date
    end: datetime.date  # inclusive
    checklists: Tally
    high: Share  # checklists with 14 or more "yes"

    @property
    def label(self) -> str:
        return f"{self.start:%b} to {self.end:%b %Y}"


@dataclass
class Outcomes:
    instruments: list[InstrumentOutcome]
    quarters: list[Quarter]
    dash: Instrument | None
    high_risk_at_least: int | None
    chart: Chart | None


def _quarter_start(day: datetime.date) -> datetime.date:
    return datetime.date(day.year, 3 * ((day.month - 1) // 3) + 1, 1)


def _add_months(day: datetime.date, months: int) -> datetime.date:
    index = day.year * 12 + day.month - 1 + months
    return datetime.date(index // 12, index % 12 + 1, 1)


def last_quarters(today: datetime.date, count: int = QUARTERS) -> list[tuple[datetime.date, datetime.date]]:
    """The last `count` calendar quarters, oldest first, the one holding `today` last (to its end)."""
    current = _quarter_start(today)
    starts = [_add_months(current, -3 * n) for n in range(count - 1, -1, -1)]
    return [(s, _add_months(s, 3) - datetime.timedelta(days=1)) for s in starts]


def _first_and_latest(team_ids):
    """How many adults (one course per adult, instrument and family with a scored measure) have each
    instrument's pair of first and latest totals, read from the courses kept as measures are saved
    (courses.py): rows (instrument, first, latest, n) for those with two or more scored measures, and
    (instrument, None, None, n) for those with one.

    Grouped in SQL because the figures need only the distinct pairs and how many adults have each: about
    3,000 rows instead of 12,000 courses on the large council, read in index order (measures_course_idx)
    without sorting. Every figure is still worked out in Python from the same Decimal totals (a sum of n
    equal totals is n times the total, exactly), so the page shows exactly what it showed when each course
    was read."""
    courses = MeasureCourse.objects.all()
    if team_ids is not None:
        courses = courses.filter(family__team_id__in=team_ids)
    paired = (
        courses.filter(scored__gte=2)
        .values_list("instrument", "first_total", "latest_total")
        .annotate(n=Count("*"))
        .order_by()
    )
    unpaired = (
        courses.filter(scored__lt=2)
        .values("instrument")
        .annotate(
            first=Value(None, output_field=DecimalField()),
            latest=Value(None, output_field=DecimalField()),
            n=Count("*"),
        )
        .values_list("instrument", "first", "latest", "n")
        .order_by()
    )
    # Read through the cursor, each distinct total made a Decimal once: the ORM's converters per row and
    # column cost more than the query on the large council. str() of the value SQLite returns (an int or
    # the float nearest a one-decimal total) or of PostgreSQL's Decimal is that total's digits, so each
    # Decimal equals the one the ORM would have made.
    sql, params = paired.union(unpaired, all=True).query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        rows = cursor.fetchall()
    totals: dict = {None: None}

    def total(value):
        found = totals.get(value)
        if found is None and value is not None:
            found = totals[value] = Decimal(str(value))
        return found

    return [(code, total(first), total(latest), n) for code, first, latest, n in rows]


def _instrument_outcome(instrument: Instrument, rows: list, not_scored: int, number: int):
    """`rows`: (first, latest, n) for one instrument, from _first_and_latest (None: one scored measure)."""
    pairs = [(first, latest, n) for first, latest, n in rows if first is not None]
    paired_count = sum(n for _, _, n in pairs)
    outcome = InstrumentOutcome(
        instrument=instrument,
        adults=Tally(sum(n for *_, n in rows)),
        paired=Tally(paired_count),
        not_scored=Tally(not_scored),
        slug=f"instrument-{number}",
    )
    if paired_count >= SMALL_NUMBER:
        outcome.mean_first = sum(f * n for f, _, n in pairs) / paired_count
        outcome.mean_latest = sum(latest * n for _, latest, n in pairs) / paired_count
        outcome.mean_difference = outcome.mean_latest - outcome.mean_first
    if instrument.change is not None:
        changes = [(compare(instrument, first, latest), first, n) for first, latest, n in pairs]
        outcome.improvement = Share(sum(n for c, _, n in changes if c.reliable == IMPROVEMENT), paired_count)
        outcome.deterioration = Share(
            sum(n for c, _, n in changes if c.reliable == DETERIORATION), paired_count
        )
        outcome.no_change = Share(
            sum(n for c, _, n in changes if c.reliable == NO_RELIABLE_CHANGE), paired_count
        )
        if instrument.change.caseness_at_least is not None:
            cases = [(c, n) for c, first, n in changes if is_case(instrument, first)]
            outcome.recovery = Share(sum(n for c, n in cases if c.recovered), sum(n for _, n in cases))
    return outcome


def _dash_quarters(scope, dash: Instrument, high_at_least: int, today: datetime.date) -> list[Quarter]:
    """The DASH checklists scored in each of the last 12 quarters and how many were high risk: one query,
    counted by quarter and by high risk or not (at most 24 rows).

    Each checklist's quarter is worked out once (a CASE on the day) instead of testing it against all
    twelve quarters twice (24 filtered counts: 13 ms of SQLite's CPU on the large council)."""
    quarters = last_quarters(today)
    # The latest quarter first: most checklists are recent, so most rows stop at the first test or two.
    which = Case(
        *[
            When(administered_on__gte=start, then=Value(n))
            for n, (start, _end) in reversed(list(enumerate(quarters)))
        ],
        output_field=IntegerField(),
    )
    high = Case(
        When(total__gte=high_at_least, then=Value(True)), default=Value(False), output_field=BooleanField()
    )
    counts: dict[tuple[int, bool], int] = {}
    rows = (
        scope.filter(
            instrument=dash.code,
            total__isnull=False,
            administered_on__gte=quarters[0][0],
            administered_on__lte=quarters[-1][1],
        )
        .annotate(quarter=which, high=high)
        .values("quarter", "high")
        # The day (never null), not the id: the id is not in measures_instrument_idx, and counting it
        # made SQLite read every DASH measure's row, not the index alone.
        .annotate(n=Count("administered_on"))
        .order_by()
        .values_list("quarter", "high", "n")
    )
    for n, is_high, count in rows:
        counts[n, is_high] = count
    result = []
    for n, (start, end) in enumerate(quarters):
        high_count = counts.get((n, True), 0)
        every = high_count + counts.get((n, False), 0)
        result.append(Quarter(start, end, Tally(every), Share(high_count, every)))
    return result


def _dash_chart(quarters: list[Quarter], high_at_least: int) -> Chart | None:
    shown = [q for q in quarters if q.high.shown]
    if not shown:
        return None
    first, last = shown[0], shown[-1]
    description = (
        f"The share of DASH checklists with {high_at_least} or more 'yes' answers in each quarter from "
        f"{quarters[0].label} to {quarters[-1].label}, where 5 or more checklists were completed "
        f"({len(shown)} of {len(quarters)} quarters). From {first.label} to {last.label} it "
        f"{trend(first.high.percent, last.high.percent, show=lambda v: f'{v}%')}. "
        "The table beside the chart lists every quarter."
    )
    return line_chart(
        title="DASH checklists that were high risk, per cent, by quarter",
        description=description,
        dates=[q.start for q in quarters],
        series=[("High risk", BLUE, "", "circle", [q.high.percent for q in quarters])],
        y_min=0,
        y_max=100,
        y_step=20,
        show_key=False,
    )


def council_outcomes(*, team_ids, today: datetime.date, found: dict) -> Outcomes:
    """Adults' first and latest scores per instrument, their reliable change and recovery, and the share of
    high-risk DASH checklists per quarter, for the families held by `team_ids` (None: every team).

    Aggregates only: no name, person or family leaves this function. Three queries whatever the number of
    adults and measures (`found` is instruments.every()): first and latest per adult and instrument, the
    unscored measures per instrument, and the DASH quarters."""
    scope = Measure.objects.all()
    if team_ids is not None:
        scope = scope.filter(family__team_id__in=team_ids)
    by_code: dict[str, list] = {}
    for code, first, latest, n in _first_and_latest(team_ids):
        by_code.setdefault(code, []).append((first, latest, n))
    unscored = dict(
        scope.filter(total__isnull=True)
        .values("instrument")
        .annotate(n=Count("*"))  # read from measures_unscored_idx alone (not the id)
        .order_by()
        .values_list("instrument", "n")
    )
    outcomes = []
    for instrument in instruments_current(found):
        if instrument.audience == "child":
            continue
        rows = by_code.get(instrument.code, [])
        if not rows and not unscored.get(instrument.code):
            continue
        outcomes.append(
            _instrument_outcome(instrument, rows, unscored.get(instrument.code, 0), len(outcomes) + 1)
        )
    dash = next((i for i in instruments_current(found) if i.code == "dash"), None)
    high_at_least = _high_risk_count(dash)
    quarters = _dash_quarters(scope, dash, high_at_least, today) if high_at_least is not None else []
    return Outcomes(
        instruments=outcomes,
        quarters=quarters,
        dash=dash,
        high_risk_at_least=high_at_least,
        chart=_dash_chart(quarters, high_at_least) if quarters else None,
    )


def _high_risk_count(dash: Instrument | None) -> int | None:
    """The DASH's high-risk count: its MARAC alert's 'yes' answers (14), as its definition says."""
    if dash is None:
        return None
    return next((a.total_at_least for a in dash.alerts if a.total_at_least is not None), None)
