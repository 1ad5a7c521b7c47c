"""Reads of measures: one adult's measures per instrument (a chart with its bands and a table), one result
with the change since the time before, and the family page's flag of open alerts. Each costs a fixed
number of queries whatever the number of measures, and shows a withheld adult's measures to nobody."""

from __future__ import annotations

import datetime
import functools
import math
import operator
import uuid
from dataclasses import dataclass, field
from decimal import Decimal

from django.db import connection
from django.db.models import (
    BooleanField,
    Case,
    Count,
    DecimalField,
    F,
    FloatField,
    IntegerField,
    Q,
    Sum,
    Value,
    When,
)
from django.db.models.expressions import CombinedExpression
from django.db.models.lookups import GreaterThan
from django.utils.formats import date_format

from safeguarding.core.charts import BLUE, Chart, line_chart, trend
from safeguarding.core.compiled import CompiledModels, CompiledQuery, compile_for_ids, compile_models
from safeguarding.core.urls import RowUrls
from safeguarding.people.models import Family

from .change import Change, compare, is_case
from .definitions import Instrument
from .instruments import current as instruments_current
from .models import Measure, MeasureAlert, MeasureCourse


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


# What the adult's page and the supervision pack read of each measure (its table, chart and changes): not
# the answers or subscales (JSON, decoded for every measure), nor who recorded it, which neither shows.
_HISTORY_FIELDS = (
    "pk",
    "instrument",
    "instrument_version",
    "administered_on",
    "created_at",
    "total",
    "band",
    "prorated",
    "scored_as",
)


def measures_history(*, family, person, disclosure, found: dict) -> dict:
    """The person's measures in the family, per instrument (in the order first used), oldest first, each
    with its change and a chart; or, for a viewer who may not see them, withheld (and nothing read).
    Two queries: the measures and their open alerts (`found` is instruments.every())."""
    shown = disclosure.for_record(Measure.sensitivity, person.pk)
    if not shown.visible:
        return {"disclosure": shown, "withheld": True, "instruments": [], "count": 0, "open_alerts": []}
    measures = list(
        Measure.objects.filter(family=family, person=person)
        .only(*_HISTORY_FIELDS)
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
    return {
        "disclosure": shown,
        "withheld": False,
        "instruments": histories,
        "count": len(measures),
        "open_alerts": _open_alerts(measures),
    }


def _open_alerts(measures: list[Measure]) -> list[MeasureAlert]:
    """The open alerts these measures raised, with their owners, in the measures' order and then the order
    they were raised. One query, for the open ones only: the page showed only those, and had read every
    alert (and each one's closer) and every correction to pick them out."""
    if not measures:
        return []
    position = {m.pk: n for n, m in enumerate(measures)}
    alerts = (
        MeasureAlert.objects.filter(measure_id__in=list(position), closed_on__isnull=True)
        .select_related("owner")
        .order_by("created_at")
    )
    # A stable sort: alerts of one measure keep the order they were raised in.
    return sorted(alerts, key=lambda a: position[a.measure_id])


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


def pack_rows(*, family, disclosure, since, found: dict, adults=None) -> list[PackRow]:
    """The family's current adults' latest scores, one row per adult and instrument with a scored measure,
    for the group supervision pack: the band and the change since the last supervision (`since`; with no
    supervision before, since the score before), judged by the instrument's published criterion. Two
    queries, whatever the number of adults and measures (`found` is instruments.every()); one when the
    caller passes `adults` (family.current_adults(), which the pack reads once for readiness too)."""
    if adults is None:
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
        .only(*_HISTORY_FIELDS, "person_id")
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


@dataclass(frozen=True)
class _Rule:
    """An instrument's published change criterion (change.compare) as the course figures' SQL tests it,
    each threshold half a tenth under the criterion's tenths: see _compiled_courses."""

    code: str
    worse: bool  # higher_is "worse": a fall is an improvement
    points: Decimal  # the reliable change
    cut: Decimal | None  # the clinical cut-off (None: none)

    @classmethod
    def of(cls, instrument: Instrument) -> _Rule:
        rule = instrument.change
        cut = None if rule.caseness_at_least is None else _below(rule.caseness_at_least)
        return cls(instrument.code, instrument.higher_is == "worse", _below(rule.reliable_points), cut)


def _below(threshold: Decimal) -> Decimal:
    """Half a tenth under the threshold's tenths, rounded up: a whole number of tenths is at least the
    threshold exactly when it is over this."""
    return (math.ceil(threshold * 10) - Decimal("0.5")) / 10


# The course figures' columns after the instrument, as _compiled_courses selects them.
_COURSE_FIGURES = ("adults", "paired", "first", "latest", "improved", "deteriorated", "cases", "recovered")


@functools.lru_cache(maxsize=64)
def _compiled_courses(vendor: str, rules: tuple[_Rule, ...], teams: int | None) -> CompiledQuery:
    """Each instrument's figures from the courses in one grouped query, compiled once (core.compiled) for
    these criteria and this many teams (None: every team).

    Grouped by instrument alone: a row per instrument instead of one per distinct pair of first and latest
    totals (about 3,000 on the large council, each made a Decimal and judged by change.compare in Python),
    and one read of the courses instead of two (a union of those with two or more scored measures and those
    with one). On SQLite it reads measures_course_idx alone, in instrument order, without sorting.

    The criteria are change.compare's, written as SQL: improvement is the fall (or rise, where higher is
    better) from the first total to the latest at least the reliable change; deterioration the other way
    (and not an improvement, which compare tests first); a case is a first total at or above the cut-off
    (below it, where higher is better); recovery an improving case that ends on the other side of it.
    Each is tested as "over half a tenth under the threshold's tenths" (_Rule): totals have one decimal
    place (Measure.total), so a total and a difference of two are whole numbers of tenths; PostgreSQL
    computes them exactly, and SQLite, which keeps a total as the float nearest it, to well within half a
    tenth. So each count is the one compare and is_case give."""

    def over(value, threshold: Decimal) -> Q:
        # SQLite keeps a total as a float and would read a Decimal parameter as text, turning it into a
        # number again on every row: a float there. PostgreSQL compares its exact numerics with the exact
        # threshold (a float would make it convert every total).
        if vendor == "sqlite":
            return Q(GreaterThan(value, Value(float(threshold), output_field=FloatField())))
        return Q(GreaterThan(value, Value(threshold, output_field=DecimalField())))

    improved, deteriorated, cases, recovered = [], [], [], []
    for rule in rules:
        fall = CombinedExpression(F("first_total"), "-", F("latest_total"), output_field=FloatField())
        rise = CombinedExpression(F("latest_total"), "-", F("first_total"), output_field=FloatField())
        better, worse = (fall, rise) if rule.worse else (rise, fall)
        is_rule = Q(instrument=rule.code)
        up = over(better, rule.points)
        improved.append(is_rule & up)
        # compare() tests improvement first: a difference that passes both (a criterion of 0) improves.
        deteriorated.append(is_rule & over(worse, rule.points) & ~up)
        if rule.cut is None:
            continue
        first_over, latest_over = over(F("first_total"), rule.cut), over(F("latest_total"), rule.cut)
        case, ends = (first_over, ~latest_over) if rule.worse else (~first_over, latest_over)
        cases.append(is_rule & case)
        recovered.append(is_rule & up & case & ends)
    paired = Q(scored__gte=2)

    def paired_count(conditions):
        # No instrument with the criterion: nothing to count (and no empty OR for the SQL).
        if not conditions:
            return Value(0, output_field=IntegerField())
        return Count("scored", filter=paired & functools.reduce(operator.or_, conditions))

    def build(ids):
        courses = MeasureCourse.objects.all()
        if teams is not None:
            courses = courses.filter(family__team_id__in=ids)
        return (
            courses.values("instrument")
            .annotate(
                adults=Count("*"),
                # The count (never null), not "*" or the id: a filtered count needs a column, and this
                # one is in measures_course_idx, which holds every column read here.
                paired=Count("scored", filter=paired),
                first=Sum("first_total", filter=paired),
                latest=Sum("latest_total", filter=paired),
                improved=paired_count(improved),
                deteriorated=paired_count(deteriorated),
                cases=paired_count(cases),
                recovered=paired_count(recovered),
            )
            .order_by()
            .values_list("instrument", *_COURSE_FIGURES)
        )

    return compile_for_ids(build, teams or 0)


@dataclass(frozen=True)
class _CourseFigures:
    """One instrument's courses (an adult, an instrument, a family with a scored measure): how many, how
    many with two or more scored measures (paired), the sums of the paired courses' first and latest totals
    in tenths of a point, and how many of the paired changed reliably, started as a case and recovered (0
    where the instrument has no criterion)."""

    adults: int
    paired: int
    first: int
    latest: int
    improved: int
    deteriorated: int
    cases: int
    recovered: int


def _tenths(total) -> int:
    """A sum of one-decimal totals as the database returns it, in tenths: PostgreSQL's is exact; SQLite's
    is a float sum of floats, within far less than half a tenth of the exact sum, so rounding finds it."""
    return 0 if total is None else round(Decimal(str(total)) * 10)


def _course_figures(team_ids, current: list[Instrument]) -> dict[str, _CourseFigures]:
    """instrument code -> its courses' figures, for the families held by `team_ids` (None: every team),
    read from the courses kept as measures are saved (courses.py). One query."""
    rules = tuple(_Rule.of(i) for i in current if i.change is not None)
    teams = None if team_ids is None else len(team_ids)
    _columns, rows = _compiled_courses(connection.vendor, rules, teams).run(team_ids or ())
    return {
        code: _CourseFigures(adults, paired or 0, _tenths(first), _tenths(latest), *(n or 0 for n in counts))
        for code, adults, paired, first, latest, *counts in rows
    }


def _tenths_mean(tenths: int, count: int) -> Decimal:
    """The mean of `count` one-decimal totals whose sum is `tenths` tenths: the same Decimal value as the
    sum of the totals themselves divided by `count` (the sum is exact either way)."""
    return Decimal(tenths).scaleb(-1) / count


def _instrument_outcome(instrument: Instrument, figures: _CourseFigures | None, not_scored: int, number: int):
    """`figures`: the instrument's courses, from _course_figures (None: no scored measure)."""
    figures = figures or _CourseFigures(0, 0, 0, 0, 0, 0, 0, 0)
    paired_count = figures.paired
    outcome = InstrumentOutcome(
        instrument=instrument,
        adults=Tally(figures.adults),
        paired=Tally(paired_count),
        not_scored=Tally(not_scored),
        slug=f"instrument-{number}",
    )
    if paired_count >= SMALL_NUMBER:
        outcome.mean_first = _tenths_mean(figures.first, paired_count)
        outcome.mean_latest = _tenths_mean(figures.latest, paired_count)
        outcome.mean_difference = outcome.mean_latest - outcome.mean_first
    if instrument.change is not None:
        outcome.improvement = Share(figures.improved, paired_count)
        outcome.deterioration = Share(figures.deteriorated, paired_count)
        outcome.no_change = Share(paired_count - figures.improved - figures.deteriorated, paired_count)
        if instrument.change.caseness_at_least is not None:
            outcome.recovery = Share(figures.recovered, figures.cases)
    return outcome


def _team_families(team_ids):
    """The families the teams hold, as a subquery: the databases find a team's measures through the
    family first (measures_instrument_idx leads with the instrument and the family), where a join read
    every DASH checklist in the council on SQLite and looked up each one's family to keep a team's."""
    return Family.objects.filter(team_id__in=team_ids).values("pk")


@functools.lru_cache(maxsize=64)
def _compiled_dash(vendor: str, teams: int | None, code: str, high_at_least: int) -> CompiledQuery:
    """_dash_quarters' query, compiled once (core.compiled) for this many teams (None: every team) and run
    with each request's quarters: building its CASE of twelve quarters through the ORM cost more CPU than
    running it."""

    def build(ids, *days):
        *starts, last = days
        scope = Measure.objects.all()
        if teams is not None:
            scope = scope.filter(family__in=_team_families(ids))
        # The latest quarter first: most checklists are recent, so most rows stop at the first test or two.
        which = Case(
            *[
                When(administered_on__gte=start, then=Value(n))
                for n, start in reversed(list(enumerate(starts)))
            ],
            output_field=IntegerField(),
        )
        high = Case(
            When(total__gte=high_at_least, then=Value(True)),
            default=Value(False),
            output_field=BooleanField(),
        )
        return (
            scope.filter(instrument=code, total__isnull=False, administered_on__gte=starts[0])
            .filter(administered_on__lte=last)
            .annotate(quarter=which, high=high)
            .values("quarter", "high")
            # The day (never null), not the id: the id is not in measures_instrument_idx, and counting it
            # made SQLite read every DASH measure's row, not the index alone.
            .annotate(n=Count("administered_on"))
            .order_by()
            .values_list("quarter", "high", "n")
        )

    return compile_for_ids(build, teams or 0, dates=QUARTERS + 1)


def _dash_quarters(team_ids, dash: Instrument, high_at_least: int, today: datetime.date) -> list[Quarter]:
    """The DASH checklists scored in each of the last 12 quarters and how many were high risk, for the
    families held by `team_ids` (None: every team): one query, counted by quarter and by high risk or not
    (at most 24 rows).

    Each checklist's quarter is worked out once (a CASE on the day) instead of testing it against all
    twelve quarters twice (24 filtered counts: 13 ms of SQLite's CPU on the large council)."""
    quarters = last_quarters(today)
    teams = None if team_ids is None else len(team_ids)
    query = _compiled_dash(connection.vendor, teams, dash.code, high_at_least)
    _columns, rows = query.run(team_ids or (), [start for start, _end in quarters] + [quarters[-1][1]])
    # SQLite gives the high-risk flag as 1 or 0, PostgreSQL as True or False: the same keys here.
    counts = {(n, bool(is_high)): count for n, is_high, count in rows}
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


@functools.lru_cache(maxsize=64)
def _compiled_unscored(vendor: str, teams: int | None) -> CompiledQuery:
    """How many measures of each instrument could not be scored, for this many teams (None: every team):
    compiled once (core.compiled), as the page's other two queries are."""

    def build(ids):
        scope = Measure.objects.all()
        if teams is not None:
            scope = scope.filter(family__in=_team_families(ids))
        return (
            scope.filter(total__isnull=True)
            .values("instrument")
            .annotate(n=Count("*"))  # read from measures_unscored_idx alone (not the id)
            .order_by()
            .values_list("instrument", "n")
        )

    return compile_for_ids(build, teams or 0)


def council_outcomes(*, team_ids, today: datetime.date, found: dict) -> Outcomes:
    """Adults' first and latest scores per instrument, their reliable change and recovery, and the share of
    high-risk DASH checklists per quarter, for the families held by `team_ids` (None: every team).

    Aggregates only: no name, person or family leaves this function. Three queries whatever the number of
    adults and measures (`found` is instruments.every()): first and latest per adult and instrument, the
    unscored measures per instrument, and the DASH quarters."""
    if team_ids is not None and not team_ids:
        # No team: the figures of no family. The compiled queries take at least one team (an empty IN
        # cannot be compiled), and no team has the nil id.
        team_ids = [uuid.UUID(int=0)]
    current = instruments_current(found)
    by_code = _course_figures(team_ids, current)
    teams = None if team_ids is None else len(team_ids)
    unscored = dict(_compiled_unscored(connection.vendor, teams).run(team_ids or ())[1])
    outcomes = []
    for instrument in current:
        if instrument.audience == "child":
            continue
        figures = by_code.get(instrument.code)
        if figures is None and not unscored.get(instrument.code):
            continue
        outcomes.append(
            _instrument_outcome(instrument, figures, unscored.get(instrument.code, 0), len(outcomes) + 1)
        )
    dash = next((i for i in current if i.code == "dash"), None)
    high_at_least = _high_risk_count(dash)
    quarters = _dash_quarters(team_ids, dash, high_at_least, today) if high_at_least is not None else []
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
