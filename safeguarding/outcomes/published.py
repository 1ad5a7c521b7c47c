"""The DfE's published children's social care figures, and the council's statistical neighbours (issue #12
items 2 and 6): how our own code derives a compact table from the DfE's files, how it is shipped and
loaded, and the selectors the outcome pages call.

Contains public sector information licensed under the Open Government Licence v3.0. Source: Department
for Education (children in need, children looked after, statistical neighbours) and the Office for
National Statistics (mid-year population estimates, as republished by the DfE).

Conventions, each from the DfE's own tables and their methodology notes:

- A year is the DfE's `time_period`: 2025 is the year 1 April 2024 to 31 March 2025, and "at 31 March"
  figures are those open on 31 March 2025.
- A rate is per 10,000 children aged 0 to 17. For year T the DfE divides by the ONS mid-year estimate of
  mid-(T-1): the looked-after file's 2025 `population_estimate` for Peterborough (57,621) is the ONS
  file's 2024 estimate. Rates the DfE publishes (children looked after) are shipped as published; rates
  it publishes only in tables we do not hold (children in need, child protection) are derived here the
  same way, count / estimate x 10,000, to one decimal place, and MEASURES says which are derived.
- A figure the DfE does not publish keeps its symbol (c: suppressed to protect confidentiality, x: not
  available, z: not applicable, u: low reliability, low: fewer than 5 ...) as `marker`, with no value:
  it is "not published", never 0. A percentage or rate derived from a suppressed count is not published
  either and carries the count's symbol.
- A council's comparator is its ten statistical neighbours in the DfE 2025 model: the median of those
  that have a value for rates and percentages, the sum for counts, always with how many had a value.
"""

from __future__ import annotations

import csv
import io
import statistics
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

from django.db import connections, transaction

from .models import PublishedArea, PublishedFigure, StatisticalNeighbour

DATA_DIR = Path(__file__).resolve().parent / "data"
FIGURES_FILE = "published_figures.csv"
AREAS_FILE = "areas.csv"
NEIGHBOURS_FILE = "statistical_neighbours_2025.csv"

ATTRIBUTION = (
    "Contains public sector information licensed under the Open Government Licence v3.0. "
    "Source: Department for Education; population: Office for National Statistics mid-year estimates."
)

ENGLAND = "E92000001"
LONDON = "E12000007"
# The DfE's files place London boroughs in Inner or Outer London; the neighbour model and the DfE's
# regional comparisons use the London region, so a borough's region is London.
LONDON_PARTS = {"E13000001", "E13000002"}

RATE, PERCENT, COUNT = "rate", "percent", "count"
LEVEL_LA, LEVEL_REGION, LEVEL_ENGLAND = "la", "region", "england"
LEVELS = {"Local authority": LEVEL_LA, "Regional": LEVEL_REGION, "National": LEVEL_ENGLAND}

POPULATION = "population_0_17"


class PublishedDataError(Exception):
    """A DfE file is missing, unreadable or not of the shape we know; the message names it."""


# -- The sources: the DfE files we read, how we recognise them, and the columns we need ---------------------

KEY_COLUMNS = ("time_period", "geographic_level", "region_code", "old_la_code", "la_name", "new_la_code")


@dataclass(frozen=True)
class Source:
    key: str
    prefix: str  # the DfE's file name starts with this (the years in the name change each release)
    columns: tuple[str, ...]
    title: str


SOURCES = {
    s.key: s
    for s in [
        Source(
            "cla",
            "cla_number_and_rate_per_10k_children",
            ("population_type", "children_count", "rate_per_10000"),
            "Children looked after in England, number and rate per 10,000 children",
        ),
        Source("b1", "b1_children_in_need", ("At31_episodes",), "Children in need, table B1"),
        Source(
            "c1",
            "c1_children_in_need_referrals_and_rereferrals",
            ("referral_count", "rereferral_percent"),
            "Children in need, table C1: referrals and re-referrals",
        ),
        Source(
            "c3",
            "c3_factors_identified_at_end_of_assessment",
            ("Episodes_with_assessment_factor",),
            "Children in need, table C3: factors identified at the end of assessment",
        ),
        Source(
            "d3",
            "d3_cpps_subsequent_plan",
            ("CPP_start", "CPP_subsequent_percent"),
            "Child protection plans, table D3: second or subsequent plans",
        ),
        Source(
            "d5",
            "d5_cpps_at31march_by_duration",
            ("CPP_At31", "2_years_or_more_percent"),
            "Child protection plans, table D5: plans at 31 March by duration",
        ),
        Source(
            "ons",
            "ons_mid-year_population_estimates",
            ("population_estimate",),
            "ONS mid-year population estimates, children aged 0 to 17",
        ),
    ]
}
NEIGHBOUR_PREFIX = "sn_model_2025_wide"


# -- The measures ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Measure:
    """One published figure: `code` (stable, in URLs and CSVs), `label` in plain English, `unit` (rate per
    10,000 children aged 0-17 | percent | count), `counts` (what it counts), `source` (the DfE file and
    column, or how we derive it) and `comparator` ("median" of the ten neighbours, or "sum" for counts)."""

    code: str
    label: str
    unit: str
    counts: str
    source: str
    derived: bool = False
    # How a figure is read from a row: (source key, column, filter on population_type or None).
    column: tuple = field(default=(), compare=False, repr=False)

    @property
    def comparator(self) -> str:
        return "sum" if self.unit == COUNT else "median"


def _factor(code, words, column):
    return Measure(
        f"factor_{code}",
        f"Assessments finding {words}, % of assessments with factors recorded",
        PERCENT,
        f"Episodes of need whose assessment, completed in the year, recorded {words} (DfE factor "
        f"'{column}'), as a percentage of the episodes with any assessment factor recorded.",
        f"c3_factors_identified_at_end_of_assessment: {column} / Episodes_with_assessment_factor x 100, "
        "one decimal place (the DfE publishes the counts)",
        derived=True,
        column=("c3", column, None),
    )


CLA_AT31 = "Children looked after on 31 March each year"
CLA_STARTED = "Children starting to be looked after each year"

MEASURES: list[Measure] = [
    Measure(
        "cla_at31_rate",
        "Children looked after on 31 March, per 10,000 children",
        RATE,
        "Children looked after on 31 March (not those looked after only under an agreed series of short "
        "breaks), per 10,000 children aged 0-17.",
        "cla_number_and_rate_per_10k_children: rate_per_10000 where population_type is "
        f"'{CLA_AT31}' (as published, rounded by the DfE to a whole number)",
        column=("cla", "rate_per_10000", CLA_AT31),
    ),
    Measure(
        "cla_at31_count",
        "Children looked after on 31 March",
        COUNT,
        "Children looked after on 31 March, not counting short breaks.",
        f"cla_number_and_rate_per_10k_children: children_count where population_type is '{CLA_AT31}'",
        column=("cla", "children_count", CLA_AT31),
    ),
    Measure(
        "cla_started_rate",
        "Children starting to be looked after in the year, per 10,000 children",
        RATE,
        "Children who started to be looked after in the year to 31 March (each child once), per 10,000 "
        "children aged 0-17.",
        "cla_number_and_rate_per_10k_children: rate_per_10000 where population_type is "
        f"'{CLA_STARTED}' (as published, whole numbers)",
        column=("cla", "rate_per_10000", CLA_STARTED),
    ),
    Measure(
        "cla_started_count",
        "Children starting to be looked after in the year",
        COUNT,
        "Children who started to be looked after in the year to 31 March.",
        f"cla_number_and_rate_per_10k_children: children_count where population_type is '{CLA_STARTED}'",
        column=("cla", "children_count", CLA_STARTED),
    ),
    Measure(
        "cp_at31_rate",
        "Children on child protection plans on 31 March, per 10,000 children",
        RATE,
        "Children who were the subject of a child protection plan on 31 March, per 10,000 children 0-17.",
        "d5_cpps_at31march_by_duration: CPP_At31 / ONS 0-17 estimate for the mid-year before x 10,000, "
        "one decimal place",
        derived=True,
        column=("d5", "CPP_At31", None),
    ),
    Measure(
        "cp_at31_count",
        "Children on child protection plans on 31 March",
        COUNT,
        "Children who were the subject of a child protection plan on 31 March.",
        "d5_cpps_at31march_by_duration: CPP_At31",
        column=("d5", "CPP_At31", None),
    ),
    Measure(
        "cp_started_rate",
        "Child protection plans started in the year, per 10,000 children",
        RATE,
        "Child protection plans that started in the year to 31 March, per 10,000 children aged 0-17.",
        "d3_cpps_subsequent_plan: CPP_start / ONS 0-17 estimate for the mid-year before x 10,000, "
        "one decimal place",
        derived=True,
        column=("d3", "CPP_start", None),
    ),
    Measure(
        "cp_started_count",
        "Child protection plans started in the year",
        COUNT,
        "Child protection plans that started in the year to 31 March.",
        "d3_cpps_subsequent_plan: CPP_start",
        column=("d3", "CPP_start", None),
    ),
    Measure(
        "cp_subsequent_pct",
        "Child protection plans that were a second or subsequent plan, %",
        PERCENT,
        "Of the plans started in the year, those for a child who had been the subject of a plan before, "
        "at any time.",
        "d3_cpps_subsequent_plan: CPP_subsequent_percent (as published)",
        column=("d3", "CPP_subsequent_percent", None),
    ),
    Measure(
        "cp_2years_pct",
        "Child protection plans on 31 March lasting 2 years or more, %",
        PERCENT,
        "Of the plans open on 31 March, those that had lasted two years or more.",
        "d5_cpps_at31march_by_duration: 2_years_or_more_percent (as published)",
        column=("d5", "2_years_or_more_percent", None),
    ),
    Measure(
        "cin_at31_rate",
        "Children in need on 31 March, per 10,000 children",
        RATE,
        "Children in need (episodes open) on 31 March, per 10,000 children aged 0-17.",
        "b1_children_in_need: At31_episodes / ONS 0-17 estimate for the mid-year before x 10,000, "
        "one decimal place",
        derived=True,
        column=("b1", "At31_episodes", None),
    ),
    Measure(
        "cin_at31_count",
        "Children in need on 31 March",
        COUNT,
        "Children in need on 31 March (a child has at most one open episode).",
        "b1_children_in_need: At31_episodes",
        column=("b1", "At31_episodes", None),
    ),
    Measure(
        "referrals_rate",
        "Referrals in the year, per 10,000 children",
        RATE,
        "Referrals to children's social care completed in the year, per 10,000 children aged 0-17.",
        "c1_children_in_need_referrals_and_rereferrals: referral_count / ONS 0-17 estimate for the "
        "mid-year before x 10,000, one decimal place",
        derived=True,
        column=("c1", "referral_count", None),
    ),
    Measure(
        "referrals_count",
        "Referrals in the year",
        COUNT,
        "Referrals to children's social care in the year to 31 March.",
        "c1_children_in_need_referrals_and_rereferrals: referral_count",
        column=("c1", "referral_count", None),
    ),
    Measure(
        "rereferrals_pct",
        "Re-referrals within 12 months of a previous referral, %",
        PERCENT,
        "Of the referrals in the year, those within 12 months of the child's previous referral.",
        "c1_children_in_need_referrals_and_rereferrals: rereferral_percent (as published)",
        column=("c1", "rereferral_percent", None),
    ),
    Measure(
        "assessments_with_factors_count",
        "Assessments with factors recorded",
        COUNT,
        "Episodes whose assessment completed in the year recorded at least one factor: the denominator of "
        "the factor percentages below.",
        "c3_factors_identified_at_end_of_assessment: Episodes_with_assessment_factor",
        column=("c3", "Episodes_with_assessment_factor", None),
    ),
    _factor(
        "domestic_abuse_parent", "domestic abuse concerning the parent or carer", "Domestic_Abuse_parent"
    ),
    _factor("domestic_abuse_child", "domestic abuse concerning the child", "Domestic_Abuse_child"),
    _factor("domestic_abuse_person", "domestic abuse concerning another person", "Domestic_Abuse_person"),
    _factor("mental_health_parent", "mental ill health of the parent or carer", "Mental_Health_parent"),
    _factor("mental_health_child", "mental ill health of the child", "Mental_Health_child"),
    _factor("mental_health_person", "mental ill health of another person", "Mental_Health_person"),
    _factor("alcohol_parent", "alcohol misuse by the parent or carer", "Alcohol_Misuse_parent"),
    _factor("alcohol_child", "alcohol misuse by the child", "Alcohol_Misuse_child"),
    _factor("alcohol_person", "alcohol misuse by another person", "Alcohol_Misuse_person"),
    _factor("drugs_parent", "drug misuse by the parent or carer", "Drug_Misuse_parent"),
    _factor("drugs_child", "drug misuse by the child", "Drug_Misuse_child"),
    _factor("drugs_person", "drug misuse by another person", "Drug_Misuse_person"),
    _factor(
        "learning_disability_parent",
        "a learning disability of the parent or carer",
        "Learning_Disability_parent",
    ),
    _factor("neglect", "neglect", "Neglect"),
    _factor("emotional_abuse", "emotional abuse", "Emotional_Abuse"),
]
MEASURES_BY_CODE = {m.code: m for m in MEASURES}
FACTOR_DENOMINATOR = "Episodes_with_assessment_factor"


# -- Reading the DfE's files ---------------------------------------------------------------------------


def parse_cell(text: str | None) -> tuple[float | None, str]:
    """A DfE cell as (value, marker): a number is (number, ""); a symbol is (None, symbol); blank is
    (None, "") and means the file holds no figure at all."""
    text = (text or "").strip()
    if not text:
        return None, ""
    try:
        return float(text.replace(",", "")), ""
    except ValueError:
        return None, text[:10]


def find_sources(directory: Path) -> dict[str, Path]:
    """The DfE files in `directory`, by source key (and "sn" for the neighbour model). Raises
    PublishedDataError for a missing directory or two files that could be the same table."""
    directory = Path(directory)
    if not directory.is_dir():
        raise PublishedDataError(f"{directory}: no such directory")
    found: dict[str, Path] = {}
    prefixes = {s.key: s.prefix for s in SOURCES.values()} | {"sn": NEIGHBOUR_PREFIX}
    for path in sorted(directory.glob("*.csv")):
        for key, prefix in prefixes.items():
            if path.name.lower().startswith(prefix.lower()):
                if key in found:
                    raise PublishedDataError(
                        f"{directory}: two files for the same table: {found[key].name} and {path.name}"
                    )
                found[key] = path
    return found


def read_rows(path: Path, columns) -> list[dict]:
    """The rows of a DfE CSV, after checking it has the columns we need."""
    try:
        text = Path(path).read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as error:
        raise PublishedDataError(f"{path}: cannot be read: {error}") from None
    reader = csv.DictReader(io.StringIO(text))
    header = [h.strip() for h in (reader.fieldnames or [])]
    missing = [c for c in columns if c not in header]
    if missing:
        raise PublishedDataError(f"{path}: not the DfE table we expected: no column {', '.join(missing)}")
    reader.fieldnames = header
    rows = []
    for number, row in enumerate(reader, start=2):
        if None in row:
            raise PublishedDataError(f"{path}, line {number}: more cells than the header has columns")
        rows.append(row)
    return rows


@dataclass
class Derived:
    """What our derivation makes of a set of DfE files."""

    figures: dict = field(default_factory=dict)  # (level, code, year, measure) -> (value, marker)
    areas: dict = field(default_factory=dict)  # code -> {level, name, new_code, region_code, year}
    neighbours: list = field(default_factory=list)  # (la_code, rank, neighbour_code, closeness)
    measure_years: set = field(default_factory=set)  # (measure, year) the files hold


def _area(path, number, row) -> tuple[str, str]:
    level = LEVELS.get((row.get("geographic_level") or "").strip())
    if level is None:
        raise PublishedDataError(
            f"{path}, line {number}: geographic_level {row.get('geographic_level')!r} is not one we know"
        )
    if level == LEVEL_ENGLAND:
        return level, ENGLAND
    column = "region_code" if level == LEVEL_REGION else "old_la_code"
    code = (row.get(column) or "").strip()
    if not code:
        raise PublishedDataError(f"{path}, line {number}: a {row['geographic_level']} row with no {column}")
    return level, code


def _year(path, number, row) -> int:
    text = (row.get("time_period") or "").strip()
    if not (text.isdigit() and len(text) == 4):
        raise PublishedDataError(f"{path}, line {number}: time_period {text!r} is not a year like 2025")
    return int(text)


def _rounded(value: float, places: int = 1) -> float:
    # Half away from zero, as the DfE rounds; round() would take 0.25 to 0.2.
    return float(Decimal(repr(value)).quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP))


def derive(paths: dict[str, Path], population: dict | None = None) -> Derived:
    """Derive the compact table from the DfE files in `paths` (from find_sources). `population` gives
    (area code, ONS year) -> estimate for derived rates when the ONS file is not among them."""
    out = Derived()
    rows_by_source = {
        key: read_rows(path, KEY_COLUMNS + SOURCES[key].columns)
        for key, path in paths.items()
        if key in SOURCES
    }

    def note_area(path, number, row, level, code, year):
        if level == LEVEL_LA:
            region = row["region_code"].strip()
            region = LONDON if region in LONDON_PARTS else region
            name, new_code = row["la_name"].strip(), row["new_la_code"].strip()
        elif level == LEVEL_REGION:
            region, name, new_code = "", (row.get("region_name") or "").strip(), code
        else:
            region, name, new_code = "", (row.get("country_name") or "England").strip(), code
        known = out.areas.get(code)
        if name and (known is None or known["year"] <= year):
            out.areas[code] = {
                "level": level,
                "name": name,
                "new_code": new_code,
                "region_code": region,
                "year": year,
            }

    # The population first: every derived rate divides by it.
    pop = dict(population or {})
    for number, row in enumerate(rows_by_source.get("ons", []), start=2):
        level, code = _area(paths["ons"], number, row)
        year = _year(paths["ons"], number, row)
        value, marker = parse_cell(row["population_estimate"])
        pop[(code, year)] = value
        out.figures[(level, code, year, POPULATION)] = (value, marker)
        out.measure_years.add((POPULATION, year))
        note_area(paths["ons"], number, row, level, code, year)

    latest_by_code: dict[str, list[int]] = {}
    for code, year in pop:
        latest_by_code.setdefault(code, []).append(year)

    def population_before(code, year):
        # The DfE's year T divides by the estimate for mid-(T-1); for a year past the latest estimate, the
        # latest (domain.md section 6).
        years = [y for y in latest_by_code.get(code, []) if y <= year - 1 and pop[(code, y)]]
        return pop[(code, max(years))] if years else None

    for key, rows in rows_by_source.items():
        if key == "ons":
            continue
        path = paths[key]
        measures = [m for m in MEASURES if m.column[0] == key]
        for number, row in enumerate(rows, start=2):
            level, code = _area(path, number, row)
            year = _year(path, number, row)
            note_area(path, number, row, level, code, year)
            for measure in measures:
                _source, column, population_type = measure.column
                if population_type is not None and row["population_type"].strip() != population_type:
                    continue
                if column not in row:
                    continue
                # The file holds this measure for this year even where the cell is blank: a reload
                # replaces the whole year, so no figure of an older release survives beside the new one.
                out.measure_years.add((measure.code, year))
                value, marker = parse_cell(row[column])
                if measure.derived and measure.unit == RATE and value is not None:
                    denominator = population_before(code, year)
                    value = _rounded(value / denominator * 10_000) if denominator else None
                    marker = "" if value is not None else "x"
                elif measure.derived and measure.unit == PERCENT and value is not None:
                    denominator, d_marker = parse_cell(row[FACTOR_DENOMINATOR])
                    value = _rounded(value / denominator * 100) if denominator else None
                    marker = "" if value is not None else (d_marker or "x")
                if value is None and not marker:
                    continue
                out.figures[(level, code, year, measure.code)] = (value, marker)

    if "sn" in paths:
        out.neighbours = read_neighbour_model(paths["sn"], out)
    return out


def _closeness(text: str) -> str:
    # The DfE writes "Very Close", "Very close" and "Close " for the same bands.
    return text.strip().capitalize()


def read_neighbour_model(path: Path, out: Derived) -> list[tuple[str, int, str, str]]:
    """The DfE 2025 statistical-neighbour model (wide: SN_1..SN_10 with SN_nP the closeness band), as
    (council, rank, neighbour, closeness) in rank order."""
    columns = ["old_la_code", "la_name", "region_name"] + [f"SN_{n}" for n in range(1, 11)]
    rows = read_rows(path, columns + [f"SN_{n}P" for n in range(1, 11)])
    neighbours = []
    for number, row in enumerate(rows, start=2):
        code = row["old_la_code"].strip()
        if not code.isdigit():
            raise PublishedDataError(f"{path}, line {number}: old_la_code {code!r} is not a council code")
        if code not in out.areas:
            out.areas[code] = {
                "level": LEVEL_LA,
                "name": row["la_name"].strip(),
                "new_code": "",
                "region_code": "",
                "year": 0,
            }
        for rank in range(1, 11):
            neighbour = row[f"SN_{rank}"].strip()
            if neighbour:
                neighbours.append((code, rank, neighbour, _closeness(row[f"SN_{rank}P"])))
    return neighbours


# -- The shipped files ---------------------------------------------------------------------------------

HEADER_NOTE = [
    f"# {ATTRIBUTION}",
    "# Derived by safeguarding/outcomes/published.py (manage.py outcomes_load_published DIR --write-shipped)",
    "# from the DfE's published files; see README.md beside this file. A letter is the DfE's symbol for a",
    "# figure it does not publish (c suppressed, x not available, z not applicable, u low reliability).",
]


def _cell(value, marker) -> str:
    if value is None:
        return marker
    return str(int(value)) if float(value).is_integer() else repr(value)


def write_shipped(derived: Derived, out_dir: Path = DATA_DIR) -> list[Path]:
    """Write the compact table: one row per area and year, one column per measure (wide, so it stays small
    and a new DfE release shows as a readable diff); the areas; the neighbour model."""
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    codes = [POPULATION] + [m.code for m in MEASURES]
    by_area_year: dict[tuple, dict] = {}
    for (level, code, year, measure), cell in derived.figures.items():
        by_area_year.setdefault((level, code, year), {})[measure] = cell
    level_order = {LEVEL_ENGLAND: 0, LEVEL_REGION: 1, LEVEL_LA: 2}
    buffer = io.StringIO()
    buffer.write("\n".join(HEADER_NOTE) + "\n")
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(["level", "area_code", "year", *codes])
    for level, code, year in sorted(by_area_year, key=lambda k: (level_order[k[0]], k[1], k[2])):
        cells = by_area_year[(level, code, year)]
        writer.writerow([level, code, year, *(_cell(*cells[c]) if c in cells else "" for c in codes)])
    figures = out_dir / FIGURES_FILE
    figures.write_text(buffer.getvalue(), encoding="utf-8")

    buffer = io.StringIO()
    buffer.write(f"# {ATTRIBUTION}\n")
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(["code", "level", "name", "new_code", "region_code"])
    for code, area in sorted(derived.areas.items(), key=lambda kv: (level_order[kv[1]["level"]], kv[0])):
        writer.writerow([code, area["level"], area["name"], area["new_code"], area["region_code"]])
    areas = out_dir / AREAS_FILE
    areas.write_text(buffer.getvalue(), encoding="utf-8")

    buffer = io.StringIO()
    buffer.write(
        f"# {ATTRIBUTION}\n# The DfE 2025 statistical-neighbour model, one row per neighbour in rank order.\n"
    )
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(["la_code", "rank", "neighbour_code", "closeness"])
    writer.writerows(derived.neighbours)
    neighbours = out_dir / NEIGHBOURS_FILE
    neighbours.write_text(buffer.getvalue(), encoding="utf-8")
    return [figures, areas, neighbours]


def _data_lines(path: Path):
    with open(path, encoding="utf-8") as handle:
        yield from csv.reader(line for line in handle if not line.startswith("#"))


def read_shipped(data_dir: Path = DATA_DIR) -> Derived:
    """The shipped compact table, as a Derived."""
    data_dir = Path(data_dir)
    out = Derived()
    rows = _data_lines(data_dir / FIGURES_FILE)
    header = next(rows)
    measures = header[3:]
    for row in rows:
        level, code, year = row[0], row[1], int(row[2])
        for measure, text in zip(measures, row[3:], strict=True):
            value, marker = parse_cell(text)
            if value is None and not marker:
                continue
            out.figures[(level, code, year, measure)] = (value, marker)
            out.measure_years.add((measure, year))
    rows = _data_lines(data_dir / AREAS_FILE)
    next(rows)
    for code, level, name, new_code, region_code in rows:
        out.areas[code] = {"level": level, "name": name, "new_code": new_code, "region_code": region_code}
    rows = _data_lines(data_dir / NEIGHBOURS_FILE)
    next(rows)
    out.neighbours = [(la, int(rank), neighbour, closeness) for la, rank, neighbour, closeness in rows]
    return out


def _unit(measure_code: str) -> str:
    measure = MEASURES_BY_CODE.get(measure_code)
    return measure.unit if measure else COUNT


def _insert_figures(figure_model, figures: dict) -> None:
    """Multi-row INSERTs instead of bulk_create: 50,000 model instances would add over a second to every
    build of a test database, and these rows have no defaults, signals or audit to honour."""
    connection = connections[figure_model.objects.db]
    quote = connection.ops.quote_name
    columns = ["level", "area_code", "year", "measure", "value", "marker", "unit"]
    # Only the model's own table and column names, quoted, are formatted in; every value is a parameter.
    head = "INSERT INTO {} ({}) VALUES ".format(  # noqa: S608
        quote(figure_model._meta.db_table),
        ", ".join(quote(figure_model._meta.get_field(c).column) for c in columns),
    )
    one = "(" + ", ".join(["%s"] * len(columns)) + ")"
    rows = [
        (level, code, year, measure, value, marker, _unit(measure))
        for (level, code, year, measure), (value, marker) in figures.items()
    ]
    per_statement = 500  # 3,500 parameters: under SQLite's limit of 32,766
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # COPY: a tenth of the time of INSERTs on PostgreSQL (about 0.3 s instead of 3 s).
            names = ", ".join(quote(figure_model._meta.get_field(c).column) for c in columns)
            copy_sql = f"COPY {quote(figure_model._meta.db_table)} ({names}) FROM STDIN"
            with cursor.cursor.copy(copy_sql) as copy:
                for row in rows:
                    copy.write_row(row)
            return
        for start in range(0, len(rows), per_statement):
            chunk = rows[start : start + per_statement]
            cursor.execute(head + ", ".join([one] * len(chunk)), [cell for row in chunk for cell in row])


def store(derived: Derived, figure_model, area_model, neighbour_model, *, replace_all=False) -> dict:
    """Put a derivation in the database: figures for each (measure, year) it holds replace those stored
    (other years stay), its areas are added or renamed, and a neighbour model replaces the one stored.
    Takes the model classes so the data migration can pass its historical ones. Call in a transaction."""
    if replace_all:
        figure_model.objects.all().delete()
    else:
        years_by_measure: dict[str, set] = {}
        for measure, year in derived.measure_years:
            years_by_measure.setdefault(measure, set()).add(year)
        for measure, years in years_by_measure.items():
            figure_model.objects.filter(measure=measure, year__in=years).delete()
    _insert_figures(figure_model, derived.figures)
    existing = {a.code: a for a in area_model.objects.all()}
    new, changed = [], []
    for code, area in derived.areas.items():
        fields = {k: area[k] for k in ("level", "name", "new_code", "region_code")}
        if code not in existing:
            new.append(area_model(code=code, **fields))
        else:
            record = existing[code]
            if any(getattr(record, k) != v and v for k, v in fields.items()):
                for k, v in fields.items():
                    if v:
                        setattr(record, k, v)
                changed.append(record)
    area_model.objects.bulk_create(new)
    if changed:
        area_model.objects.bulk_update(changed, ["level", "name", "new_code", "region_code"])
    if derived.neighbours:
        neighbour_model.objects.all().delete()
        neighbour_model.objects.bulk_create(
            [
                neighbour_model(la_code=la, rank=rank, neighbour_code=neighbour, closeness=closeness)
                for la, rank, neighbour, closeness in derived.neighbours
            ]
        )
    return {
        "figures": len(derived.figures),
        "years": sorted({year for _m, year in derived.measure_years}),
        "areas": len(new),
        "neighbours": len(derived.neighbours),
    }


def ensure_loaded() -> bool:
    """Load the shipped table if no figure is stored, and say whether it did. The data migration fills a
    fresh install; this is for a database emptied since (a TransactionTestCase or live-server test flushes
    every table between tests, so browser tests call it in their fixtures). One query when loaded."""
    if PublishedFigure.objects.exists():
        return False
    with transaction.atomic():
        store(read_shipped(), PublishedFigure, PublishedArea, StatisticalNeighbour, replace_all=True)
    return True


# -- Selectors -----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ComparisonRow:
    """One published year of a measure for a council. `neighbours` is the median (rates, percentages) or
    sum (counts) over the `neighbours_with_value` of `neighbours_total` neighbours that have a figure;
    None when none has. A `*_marker` is the DfE's symbol when that figure is not published."""

    year: int
    council: float | None
    council_marker: str
    neighbours: float | None
    neighbours_with_value: int
    neighbours_total: int
    method: str
    region: float | None
    region_code: str
    england: float | None


def neighbours(la_code: str) -> list[dict]:
    """The council's ten statistical neighbours in the DfE 2025 model, closest first: rank, code, name,
    closeness (the DfE's band), region (code and name). Two queries."""
    rows = list(
        StatisticalNeighbour.objects.filter(la_code=str(la_code))
        .order_by("rank")
        .values_list("rank", "neighbour_code", "closeness")
    )
    codes = {code for _rank, code, _c in rows}
    areas = {a.code: a for a in PublishedArea.objects.filter(code__in=codes)}
    region_names = dict(
        PublishedArea.objects.filter(code__in={a.region_code for a in areas.values()}).values_list(
            "code", "name"
        )
    )
    result = []
    for rank, code, closeness in rows:
        area = areas.get(code)
        region = area.region_code if area else ""
        result.append(
            {
                "rank": rank,
                "code": code,
                "name": area.name if area else code,
                "closeness": closeness,
                "region_code": region,
                "region": region_names.get(region, ""),
            }
        )
    return result


def comparison(la_code: str, measure_code: str) -> list[ComparisonRow]:
    """Each published year of `measure_code` for the council, its neighbours' comparator (median of those
    with a value for rates and percentages, sum for counts, with how many had one), its region and England,
    oldest year first. Three queries, whatever the number of years."""
    if measure_code not in MEASURES_BY_CODE:
        raise KeyError(f"unknown measure {measure_code!r}")
    return comparisons(la_code, [measure_code])[measure_code]


def comparisons(la_code: str, measure_codes) -> dict[str, list[ComparisonRow]]:
    """comparison() for several measures at once (the overview of every figure): three queries."""
    measures = [MEASURES_BY_CODE[code] for code in measure_codes]
    la_code = str(la_code)
    neighbour_codes = list(
        StatisticalNeighbour.objects.filter(la_code=la_code)
        .order_by("rank")
        .values_list("neighbour_code", flat=True)
    )
    region_code = (
        PublishedArea.objects.filter(code=la_code).values_list("region_code", flat=True).first() or ""
    )
    wanted = {la_code, ENGLAND, region_code, *neighbour_codes} - {""}
    by_measure: dict[str, dict[int, dict[str, tuple]]] = {m.code: {} for m in measures}
    for measure_code, code, year, value, marker in PublishedFigure.objects.filter(
        measure__in=[m.code for m in measures], area_code__in=wanted
    ).values_list("measure", "area_code", "year", "value", "marker"):
        by_measure[measure_code].setdefault(year, {})[code] = (value, marker)
    found = {}
    for measure in measures:
        by_year = by_measure[measure.code]
        rows = []
        for year in sorted(by_year):
            cells = by_year[year]
            values = [cells[c][0] for c in neighbour_codes if c in cells and cells[c][0] is not None]
            if not values:
                comparator = None
            elif measure.comparator == "sum":
                comparator = float(sum(values))
            else:
                comparator = float(statistics.median(values))
            council_value, council_marker = cells.get(la_code, (None, ""))
            rows.append(
                ComparisonRow(
                    year=year,
                    council=council_value,
                    council_marker=council_marker,
                    neighbours=comparator,
                    neighbours_with_value=len(values),
                    neighbours_total=len(neighbour_codes),
                    method=measure.comparator,
                    region=cells.get(region_code, (None, ""))[0],
                    region_code=region_code,
                    england=cells.get(ENGLAND, (None, ""))[0],
                )
            )
        found[measure.code] = rows
    return found


def child_population(la_code: str, year: int) -> int | None:
    """The ONS mid-year estimate of children aged 0-17 in the area for mid-`year` (June of that calendar
    year); for a year after the latest estimate, the latest. None before the first estimate or for an
    unknown code. The DfE's year T (to 31 March T) divides by the estimate for mid-(T-1). One query."""
    found = child_population_estimate(la_code, year)
    return found[0] if found else None


def child_population_estimate(la_code: str, year: int) -> tuple[int, int] | None:
    """child_population with the mid-year of the estimate used: (children, year). One query."""
    row = (
        PublishedFigure.objects.filter(
            area_code=str(la_code), measure=POPULATION, year__lte=year, value__isnull=False
        )
        .order_by("-year")
        .values_list("value", "year")
        .first()
    )
    return (int(row[0]), row[1]) if row is not None else None


def council_name(la_code: str) -> str | None:
    """The council's name as the DfE last published it, or None for a code we do not know."""
    return PublishedArea.objects.filter(code=str(la_code)).values_list("name", flat=True).first()


def years_published(measure_code: str | None = None) -> list[int]:
    """The DfE years (time_period, year to 31 March) with a published figure, for one measure or any."""
    figures = PublishedFigure.objects.exclude(measure=POPULATION)
    if measure_code:
        figures = figures.filter(measure=measure_code)
    return sorted(figures.values_list("year", flat=True).distinct())
