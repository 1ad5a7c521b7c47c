"""What the outcome pages show, read from the kept figures (models.OutcomeSnapshot) and the DfE's published
ones (published.py): tables first, each chart drawn from the same rows as the table beside it."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from django.conf import settings

from safeguarding.core.charts import BLACK, BLUE, line_chart

from . import published
from .figures import DEFINITIONS, SMALL_NUMBER

GREY = "#505a5f"

# The three figures a council adopting Family Safeguarding is judged by (issue #12 item 1), by month.
HEADLINE_MONTHLY = [
    ("started_looked_after", "Children starting to be looked after", "started_looked_after"),
    ("cp_plans_open", "Children on child protection plans at the month end", "cp_plans_at"),
    ("cp_plans_started", "Child protection plans started", "cp_plans_started"),
    ("care_applications", "Children subject to care proceedings applications", "care_applications"),
]
# Our figure for the DfE's published measure of the same name, where our records can give it.
OWN_FOR_PUBLISHED = {
    "cla_at31_rate": ("looked_after_at", "rate"),
    "cla_at31_count": ("looked_after_at", "value"),
    "cla_started_rate": ("started_looked_after", "rate"),
    "cla_started_count": ("started_looked_after", "value"),
    "cp_at31_rate": ("cp_plans_at", "rate"),
    "cp_at31_count": ("cp_plans_at", "value"),
    "cp_started_count": ("cp_plans_started", "value"),
    "cp_started_rate": ("cp_plans_started", "rate"),
    "cin_at31_rate": ("children_in_need_at", "rate"),
    "cin_at31_count": ("children_in_need_at", "value"),
    "referrals_count": ("referrals", "value"),
    "referrals_rate": ("referrals", "rate"),
    "rereferrals_pct": ("re_referrals", "percent"),
    "cp_subsequent_pct": ("second_cp_plans", "percent"),
    "cp_2years_pct": ("cp_plans_two_years", "percent"),
}


def started_on() -> datetime.date | None:
    """The day the council started Family Safeguarding (settings.FAMILY_SAFEGUARDING_STARTED), or None."""
    value = settings.FAMILY_SAFEGUARDING_STARTED
    if not value:
        return None
    if isinstance(value, datetime.date):
        return value
    try:
        return datetime.date.fromisoformat(str(value))
    except ValueError:
        return None


def number(value, places: int = 0) -> str:
    """A figure as the tables show it: thousands separated; "not available" for None."""
    if value is None:
        return "Not available"
    if places == 0 and float(value).is_integer():
        return f"{int(value):,}"
    return f"{float(value):,.{places}f}"


@dataclass
class Cell:
    text: str
    value: float | None = None
    unstable: bool = False
    # The drill-down (figure key, period) for a manager; None when the figure has none.
    drill: tuple[str, str] | None = None


@dataclass
class MonthlySeries:
    key: str
    label: str
    definition: str
    rows: list[tuple[str, str, Cell, Cell | None]]  # (iso month, label, count, rate)
    chart: object = None
    slug: str = ""


def _mark(dates: list[datetime.date]):
    started = started_on()
    if started is None or not dates or not (dates[0] <= started <= dates[-1] + datetime.timedelta(days=31)):
        return ()
    return ((started, "Family Safeguarding started"),)


def monthly_series(snapshot, *, population_shown: bool) -> list[MonthlySeries]:
    """The headline figures month by month, each with its table rows and a chart of the same numbers."""
    payload = snapshot.payload
    months = payload.get("monthly", [])
    population = payload.get("population") if population_shown else None
    found = []
    for number_, (column, label, definition_key) in enumerate(HEADLINE_MONTHLY, start=1):
        rows = []
        for row in months:
            count = row.get(column)
            rate = count / population * 10_000 if population and count is not None else None
            rows.append(
                (
                    row["month"],
                    row["label"],
                    Cell(
                        number(count),
                        count,
                        count is not None and count < SMALL_NUMBER,
                        (definition_key, row["month"][:7]),
                    ),
                    Cell(number(rate, 1), rate) if population else None,
                )
            )
        dates = [datetime.date.fromisoformat(r["month"]) for r in months]
        values = [r.get(column) for r in months]
        chart = None
        if dates and any(v is not None for v in values):
            top = max(v for v in values if v is not None) or 1
            step = _nice_step(top)
            chart = line_chart(
                title=f"{label}, by month",
                description=_describe(label, months, values),
                dates=dates,
                series=[(label, BLUE, "", "circle", values)],
                y_min=0,
                y_max=step * -(-top // step),
                y_step=step,
                show_key=False,
                marks=_mark(dates),
            )
        found.append(
            MonthlySeries(
                column, label, DEFINITIONS[definition_key][1], rows, chart, slug=f"monthly-{number_}"
            )
        )
    return found


def _nice_step(top: float) -> float:
    for step in (1, 2, 5, 10, 20, 25, 50, 100, 200, 250, 500, 1000, 2000, 5000):
        if top / step <= 6:
            return step
    return 10_000


def _describe(label: str, months: list[dict], values: list) -> str:
    known = [(m["label"], v) for m, v in zip(months, values, strict=True) if v is not None]
    if not known:
        return f"{label}: no figures."
    (first_label, first), (last_label, last) = known[0], known[-1]
    started = started_on()
    text = f"{label} from {first_label} ({number(first)}) to {last_label} ({number(last)})."
    if started:
        text += f" Family Safeguarding started on {started:%-d %B %Y}, marked on the chart."
    return text + " The table gives every month."


@dataclass
class YearRow:
    key: str
    label: str
    definition: str
    cells: list[Cell] = field(default_factory=list)


def yearly_rows(snapshot) -> tuple[list[str], list[YearRow]]:
    """The headline figures of each complete DfE year: (year labels, rows of cells)."""
    years = snapshot.payload.get("years", [])
    labels = [y["label"] for y in years]
    rows: dict[str, YearRow] = {}
    for year in years:
        for figure in year["headline"]:
            share = figure["denominator"] is not None
            row = rows.setdefault(
                figure["key"],
                YearRow(figure["key"], figure["label"], figure["definition"]),
            )
            if share:
                value = figure["value"]
                text = (
                    f"{value * 100:.1f}% ({figure['numerator']:,} of {figure['denominator']:,})"
                    if value is not None
                    else "None to count"
                )
                row.cells.append(Cell(text, value, figure["unstable"]))
            else:
                text = number(figure["value"])
                if figure.get("rate") is not None:
                    text += f" ({figure['rate']:.1f} per 10,000)"
                row.cells.append(
                    Cell(text, figure["value"], figure["unstable"], (figure["key"], year["end"][:4] + "-y"))
                )
    return labels, list(rows.values())


# The DfE's factor measures (published.MEASURES, "factor_...") and the CIN census codes they count.
FACTOR_CODES = {
    "factor_domestic_abuse_parent": "3B",
    "factor_domestic_abuse_child": "3A",
    "factor_domestic_abuse_person": "3C",
    "factor_mental_health_parent": "4B",
    "factor_mental_health_child": "4A",
    "factor_mental_health_person": "4C",
    "factor_alcohol_parent": "1B",
    "factor_alcohol_child": "1A",
    "factor_alcohol_person": "1C",
    "factor_drugs_parent": "2B",
    "factor_drugs_child": "2A",
    "factor_drugs_person": "2C",
    "factor_learning_disability_parent": "5B",
    "factor_neglect": "16A",
    "factor_emotional_abuse": "17A",
}


def _own_factor(snapshot, measure_code: str) -> dict[int, float | None]:
    """Our own share of episodes with a factor (or the episodes with any, for the count), by DfE year."""
    found = {}
    for year in snapshot.payload.get("years", []):
        factors = year.get("factors")
        if factors is None:  # figures kept before factors were counted: not available until refreshed
            continue
        ending, episodes = int(year["end"][:4]), factors["episodes"]
        if measure_code == "assessments_with_factors_count":
            found[ending] = episodes
        else:
            count = factors["codes"].get(FACTOR_CODES[measure_code], 0)
            found[ending] = round(count / episodes * 100, 1) if episodes else None
    return found


def own_published_equivalent(snapshot, measure_code: str) -> dict[int, float | None]:
    """Our own figure for a published measure, by DfE year (2025: the year to 31 March 2025)."""
    if snapshot is not None and (
        measure_code in FACTOR_CODES or measure_code == "assessments_with_factors_count"
    ):
        return _own_factor(snapshot, measure_code)
    wanted = OWN_FOR_PUBLISHED.get(measure_code)
    if wanted is None or snapshot is None:
        return {}
    key, part = wanted
    found = {}
    for year in snapshot.payload.get("years", []):
        ending = int(year["end"][:4])
        figure = next((f for f in year["headline"] if f["key"] == key), None)
        if figure is None:
            continue
        if part == "percent":
            found[ending] = figure["value"] * 100 if figure["value"] is not None else None
        else:
            found[ending] = figure.get(part)
    return found


@dataclass
class ComparisonView:
    measure: published.Measure
    rows: list
    own: dict
    chart: object

    @property
    def lines(self) -> list[tuple[object, str]]:
        """Each published year with our own figure for it as the table shows it."""
        found = []
        rows = list(self.rows)
        last = rows[-1].year if rows else 0
        # Our own figures for years the DfE has not published yet come after the published ones.
        for year in sorted(y for y in self.own if y > last):
            rows.append(
                published.ComparisonRow(
                    year=year,
                    council=None,
                    council_marker="the DfE has not published this year yet",
                    neighbours=None,
                    neighbours_with_value=0,
                    neighbours_total=rows[-1].neighbours_total if rows else 0,
                    method=self.measure.comparator,
                    region=None,
                    region_code="",
                    england=None,
                )
            )
        for row in rows:
            if not self.own:
                text = "Not counted here"
            elif row.year not in self.own:
                text = "No records for that year"
            elif self.own[row.year] is None:
                text = "Not available"
            else:
                text = number(self.own[row.year], 1)
            found.append((row, text))
        return found


def comparison_view(measure_code: str, snapshot, rows: list) -> ComparisonView:
    """One published measure for the council beside its neighbours, region and England, each year, and our
    own figure for the same years; a chart of the council against its neighbours and England over the same
    years (a before-and-after always beside the neighbours' trend). `rows`: the measure's comparison rows
    (published.comparisons, read once for this and the overview)."""
    measure = published.MEASURES_BY_CODE[measure_code]
    own = own_published_equivalent(snapshot, measure_code)
    chart = None
    if len(rows) >= 2:
        values = [v for r in rows for v in (r.council, r.neighbours, r.england) if v is not None]
        if values:
            top = max(values) or 1
            step = _nice_step(top)
            dates = [datetime.date(r.year, 3, 31) for r in rows]
            chart = line_chart(
                title=f"{measure.label}: the council, its statistical neighbours and England, by year",
                description=(
                    f"{measure.label} for each year to 31 March from {rows[0].year} to {rows[-1].year}: "
                    f"the council, the {measure.comparator} of its neighbours, and England. The table below "
                    "gives every figure."
                ),
                dates=dates,
                series=[
                    ("This council (published)", BLUE, "", "circle", [r.council for r in rows]),
                    (
                        f"Neighbours ({measure.comparator})",
                        BLACK,
                        "8 4",
                        "square",
                        [r.neighbours for r in rows],
                    ),
                    (
                        "England",
                        GREY,
                        "2 4",
                        "circle",
                        [r.england if measure.comparator != "sum" else None for r in rows],
                    ),
                ],
                y_min=0,
                y_max=step * -(-top // step),
                y_step=step,
                marks=_mark(dates),
            )
    return ComparisonView(measure, rows, own, chart)


def overview_rows(every: dict) -> list[tuple[published.Measure, object]]:
    """Every published measure's latest year for the council: (measure, comparison row or None), from
    published.comparisons for every measure."""
    return [(m, every[m.code][-1] if every[m.code] else None) for m in published.MEASURES]


def cohort_chart(cohorts: list[dict]):
    """The share of each complete referral-month cohort looked after within 18 months, per cent."""
    if not cohorts:
        return None
    dates = [datetime.date.fromisoformat(c["month"]) for c in cohorts]
    values = [c["share"] * 100 if c["share"] is not None else None for c in cohorts]
    known = [v for v in values if v is not None]
    top = max(known) if known else 10
    step = _nice_step(top or 1)
    return line_chart(
        title="Children looked after within 18 months of their referral, per cent, by referral month",
        description=(
            f"For each month's referrals from {cohorts[0]['label']} to {cohorts[-1]['label']}, the share "
            "of the children who became looked after within 18 months. The table gives each month's share "
            "and the "
            "number of children referred."
        ),
        dates=dates,
        series=[("Looked after within 18 months", BLUE, "", "circle", values)],
        y_min=0,
        y_max=step * -(-top // step) if top else step,
        y_step=step,
        show_key=False,
        marks=_mark(dates),
    )


MEASURE_ROWS = [
    ("days_in_care", "Days in care (periods of care that ended)", "durations"),
    ("days_on_cp_plans", "Days on child protection plans (plans that ended)", "durations"),
    ("days_on_cin_plans", "Days on child in need plans (plans that ended)", "durations"),
    ("cp_step_downs", "Child protection plans stepped down to a child in need plan", "share"),
    ("cin_step_downs_to_closure", "Child in need plans ended with the case closed", "share"),
    ("re_referrals", "Re-referrals within 12 months", "share"),
    ("assessments_in_time", "Assessments completed within 45 working days", "share"),
    ("icpcs_in_time", "Initial conferences within 15 working days of the strategy discussion", "share"),
    ("visits_in_time", "Statutory visits made on time", "share"),
    ("caseload", "Families per social worker at the year end", "value"),
]


def _measure_text(kind: str, found: dict | None) -> Cell:
    if not found:
        return Cell("Not available")
    if kind == "durations":
        if not found.get("count"):
            return Cell("None ended")
        median, mean = number(found["median_days"]), number(found["mean_days"], 0)
        text = f"median {median} days, mean {mean} ({found['count']:,} ended)"
        return Cell(text, found["median_days"], found["count"] < SMALL_NUMBER)
    if kind == "share":
        value = found.get("value")
        if value is None:
            return Cell("None to count")
        text = f"{value * 100:.1f}% ({found['numerator']:,} of {found['denominator']:,})"
        return Cell(text, value, found.get("unstable", False))
    value = found.get("value")
    return Cell(number(value, 1), value)


def measure_rows(snapshot) -> tuple[list[str], list[tuple[str, str, list[Cell]]]]:
    """The model's evaluation measures for each complete DfE year: (year labels, rows)."""
    years = snapshot.payload.get("years", [])
    rows = []
    for key, label, kind in MEASURE_ROWS:
        cells = [_measure_text(kind, y.get("measures", {}).get(key)) for y in years]
        definition = next(
            (y["measures"][key].get("definition", "") for y in years if y.get("measures", {}).get(key)), ""
        )
        rows.append((label, definition, cells))
    return [y["label"] for y in years], rows


# The monthly indicator table's columns as the page and its CSV name them.
MONTHLY_LABELS = {
    "looked_after_at_month_end": "Looked after at month end",
    "looked_after_rate": "Looked after per 10,000",
    "started_looked_after": "Newly looked after",
    "cin_plans_started": "CIN plans started",
    "cin_plans_open": "CIN plans open",
    "cp_plans_started": "CP plans started",
    "cp_plans_open": "CP plans open",
    "referrals": "New referrals",
    "care_applications": "Care proceedings applications",
    "cases_per_social_worker": "Cases per social worker",
    "plans_visits_not_met": "Plans whose visits were not met",
    "plans_open": "Plans open in the month",
    "plans_visits_not_met_share": "Share of plans whose visits were not met",
}
