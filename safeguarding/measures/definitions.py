"""Instruments as data: one versioned definition per questionnaire, validated when it is loaded (issue #11).

A definition is a JSON document (the shipped ones are in `instruments/`; a council loads its own with
`manage.py measures_load FILE`). It says everything scoring needs, so adding an instrument or a licensed
wording is a file, not code:

- `code`, `version` (a whole number; a record keeps the version it was scored by), `name`, `title`,
  `purpose`, `period` (the time the questions ask about);
- `for`: "adult", "child" or "any" (who it may be administered to);
- `wording`: "own_labels" (item texts are short labels in our own words, for the worker reading from the
  official form) or "licensed" (the definition carries the official wording under the council's licence);
- `source` (the published scoring it follows) and `licence` {"text", "required", "held"}: an instrument
  whose licence is required and not held cannot be administered (settings.MEASURES_LICENCES_HELD also
  says a licence is held, without editing the definition);
- `higher_is`: "worse" or "better" (which way a change is an improvement);
- `options` (the default responses, each with its `score`), `items` (numbered from 1, each with a
  `label`, optionally its own `options`, `reverse`: scored from the other end, `risk`: a risk item);
- `missing`: {"prorate_up_to": n}: with up to n items unanswered the total is pro-rated (the mean of the
  answered items times the number of items); with more, the form is not scored and says why;
- `bands` (from, to, label, covering the whole range) or `bands_by_sex` ({"M": [...], "F": [...],
  "unknown_uses": "F"}) where the published thresholds differ for men and women;
- `subscales` (code, label, items), `change` (reliable change and caseness, with their source), and
  `alerts`: "safety_check" (an item scored above a value) or "marac" (a total at or above a count, or
  police call-outs in the last months; the practitioner's judgement always may refer).

`parse(data, origin)` returns an Instrument or raises DefinitionError naming the file and each field that is
wrong. Nothing here touches the database: `instruments.py` finds the definitions in force.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

SHIPPED_DIR = Path(__file__).resolve().parent / "instruments"

CODE_RE = re.compile(r"^[a-z0-9][a-z0-9-]{0,29}$")
WORDING = ("own_labels", "licensed")
FOR = ("adult", "child", "any")
HIGHER_IS = ("worse", "better")
SEXES = ("M", "F")
ALERT_KINDS = ("safety_check", "marac")
LABEL_LIMIT = 200
TEXT_LIMIT = 2000


class DefinitionError(ValueError):
    """A definition that cannot be used, with every problem found: `problems` is [(field, message)]."""

    def __init__(self, origin: str, problems: list[tuple[str, str]]):
        self.origin = origin
        self.problems = problems
        lines = "\n".join(f"  {where}: {message}" for where, message in problems)
        super().__init__(f"{origin}: the instrument definition is not valid:\n{lines}")


@dataclass(frozen=True)
class Option:
    label: str
    score: int


@dataclass(frozen=True)
class Item:
    number: int
    label: str
    options: tuple[Option, ...]
    reverse: bool = False
    risk: bool = False

    def score_of(self, choice: int) -> int:
        """The score of the option at position `choice` (as the form lists them). A reverse-scored item's
        options score from the other end: its first option scores what the last would."""
        if self.reverse:
            return self.options[len(self.options) - 1 - choice].score
        return self.options[choice].score

    @property
    def min_score(self) -> int:
        return min(o.score for o in self.options)

    @property
    def max_score(self) -> int:
        return max(o.score for o in self.options)


@dataclass(frozen=True)
class Band:
    start: int  # "from" in the file
    end: int  # "to", inclusive
    label: str


@dataclass(frozen=True)
class Subscale:
    code: str
    label: str
    items: tuple[int, ...]


@dataclass(frozen=True)
class Change:
    """How much change is more than measurement error, and the cut-off between a clinical case and not."""

    reliable_points: Decimal
    caseness_at_least: Decimal | None
    source: str


@dataclass(frozen=True)
class Alert:
    kind: str  # "safety_check" or "marac"
    reason: str
    item: int | None = None
    score_above: int | None = None
    total_at_least: int | None = None
    police_callouts_at_least: int | None = None
    months: int | None = None


@dataclass(frozen=True)
class Instrument:
    code: str
    version: int
    name: str
    title: str
    purpose: str
    period: str
    audience: str  # "for"
    wording: str
    source: str
    licence_text: str
    licence_required: bool
    licence_held: bool
    higher_is: str
    items: tuple[Item, ...]
    prorate_up_to: int
    bands: tuple[Band, ...] = ()
    bands_by_sex: dict = field(default_factory=dict)  # "M"/"F" -> tuple[Band, ...]
    unknown_sex_uses: str = ""
    subscales: tuple[Subscale, ...] = ()
    change: Change | None = None
    alerts: tuple[Alert, ...] = ()
    origin: str = ""

    @property
    def min_score(self) -> int:
        return sum(i.min_score for i in self.items)

    @property
    def max_score(self) -> int:
        return sum(i.max_score for i in self.items)

    @property
    def sex_specific(self) -> bool:
        return bool(self.bands_by_sex)

    def bands_for(self, sex: str | None) -> tuple[Band, ...]:
        """The bands that apply to someone of this sex ("M", "F", anything else: not recorded)."""
        if not self.bands_by_sex:
            return self.bands
        return self.bands_by_sex.get(sex) or self.bands_by_sex[self.unknown_sex_uses]

    def item(self, number: int) -> Item:
        return self.items[number - 1]

    @property
    def risk_items(self) -> tuple[Item, ...]:
        return tuple(i for i in self.items if i.risk)

    @property
    def key(self) -> tuple[str, int]:
        return (self.code, self.version)


# ---- parsing ---------------------------------------------------------------------------------------------


class _Problems:
    def __init__(self):
        self.found: list[tuple[str, str]] = []

    def add(self, where: str, message: str) -> None:
        self.found.append((where, message))


def _text(data, name, problems, *, where=None, limit=LABEL_LIMIT, required=True) -> str:
    where = where or name
    value = data.get(name, "") if isinstance(data, dict) else ""
    if value is None:
        value = ""
    if not isinstance(value, str):
        problems.add(where, "must be text")
        return ""
    value = value.strip()
    if required and not value:
        problems.add(where, "is missing")
    elif len(value) > limit:
        problems.add(where, f"must be {limit} characters or fewer")
    return value


def _int(value, where, problems, *, minimum=None, maximum=None) -> int | None:
    if isinstance(value, bool) or not isinstance(value, int):
        problems.add(where, "must be a whole number")
        return None
    if minimum is not None and value < minimum:
        problems.add(where, f"must be {minimum} or more")
        return None
    if maximum is not None and value > maximum:
        problems.add(where, f"must be {maximum} or less")
        return None
    return value


def _number(value, where, problems) -> Decimal | None:
    if isinstance(value, bool) or not isinstance(value, int | float):
        problems.add(where, "must be a number")
        return None
    if value < 0:
        problems.add(where, "must be 0 or more")
        return None
    return Decimal(str(value))


def _options(raw, where, problems) -> tuple[Option, ...]:
    if not isinstance(raw, list) or len(raw) < 2:
        problems.add(where, "must be a list of at least two responses")
        return ()
    options = []
    for index, entry in enumerate(raw):
        here = f"{where}[{index}]"
        if not isinstance(entry, dict):
            problems.add(here, "must be an object with a label and a score")
            continue
        label = _text(entry, "label", problems, where=f"{here}.label")
        score = _int(entry.get("score"), f"{here}.score", problems, minimum=0, maximum=100)
        if label and score is not None:
            options.append(Option(label, score))
    labels = [o.label.casefold() for o in options]
    if len(set(labels)) != len(labels):
        problems.add(where, "has two responses with the same label")
    return tuple(options)


def _bands(raw, where, problems, low, high) -> tuple[Band, ...]:
    if not isinstance(raw, list) or not raw:
        problems.add(where, "must be a list of bands covering the whole range")
        return ()
    bands = []
    for index, entry in enumerate(raw):
        here = f"{where}[{index}]"
        if not isinstance(entry, dict):
            problems.add(here, "must be an object with from, to and label")
            continue
        start = _int(entry.get("from"), f"{here}.from", problems, minimum=0)
        end = _int(entry.get("to"), f"{here}.to", problems, minimum=0)
        label = _text(entry, "label", problems, where=f"{here}.label")
        if start is None or end is None or not label:
            continue
        if end < start:
            problems.add(here, f"ends ({end}) before it starts ({start})")
            continue
        bands.append(Band(start, end, label))
    if len(bands) != len(raw) or low is None:
        return tuple(bands)
    # Contiguous, in order, from the lowest possible total to the highest: every total has one band.
    expected = low
    for index, band in enumerate(bands):
        if band.start != expected:
            problems.add(f"{where}[{index}].from", f"must be {expected} (the bands must follow on, in order)")
            return tuple(bands)
        expected = band.end + 1
    if bands[-1].end != high:
        problems.add(f"{where}[{len(bands) - 1}].to", f"must be {high}, the highest possible total")
    return tuple(bands)


def _alerts(raw, problems, items) -> tuple[Alert, ...]:
    if raw is None:
        return ()
    if not isinstance(raw, list):
        problems.add("alerts", "must be a list")
        return ()
    alerts = []
    for index, entry in enumerate(raw):
        here = f"alerts[{index}]"
        if not isinstance(entry, dict):
            problems.add(here, "must be an object")
            continue
        kind = entry.get("kind")
        reason = _text(entry, "reason", problems, where=f"{here}.reason", limit=TEXT_LIMIT)
        if kind == "safety_check":
            number = _int(entry.get("item"), f"{here}.item", problems, minimum=1, maximum=len(items) or 1)
            above = _int(entry.get("score_above"), f"{here}.score_above", problems, minimum=0)
            if number is not None and number <= len(items) and not items[number - 1].risk:
                problems.add(f"{here}.item", f"item {number} must be marked as a risk item (risk: true)")
            alerts.append(Alert(kind, reason, item=number, score_above=above))
        elif kind == "marac":
            total = entry.get("total_at_least")
            total = None if total is None else _int(total, f"{here}.total_at_least", problems, minimum=1)
            callouts = entry.get("police_callouts_at_least")
            callouts = (
                None
                if callouts is None
                else _int(callouts, f"{here}.police_callouts_at_least", problems, minimum=1)
            )
            months = entry.get("months")
            if callouts is not None:
                months = _int(months, f"{here}.months", problems, minimum=1, maximum=120)
            alerts.append(
                Alert(kind, reason, total_at_least=total, police_callouts_at_least=callouts, months=months)
            )
        else:
            problems.add(f"{here}.kind", f"must be one of {', '.join(ALERT_KINDS)}")
    return tuple(alerts)


def parse(data, origin: str = "definition") -> Instrument:
    """The Instrument a definition describes, or DefinitionError listing every problem (file and field)."""
    problems = _Problems()
    if not isinstance(data, dict):
        raise DefinitionError(origin, [("(top level)", "must be a JSON object")])
    code = _text(data, "code", problems, limit=30)
    if code and not CODE_RE.match(code):
        problems.add(
            "code",
            "must be lower-case letters, digits and hyphens, up to 30, starting with a letter or digit",
        )
    version = _int(data.get("version"), "version", problems, minimum=1, maximum=10_000)
    name = _text(data, "name", problems, limit=40)
    title = _text(data, "title", problems)
    purpose = _text(data, "purpose", problems, limit=TEXT_LIMIT)
    period = _text(data, "period", problems, required=False)
    source = _text(data, "source", problems, limit=TEXT_LIMIT)
    audience = data.get("for", "adult")
    if audience not in FOR:
        problems.add("for", f"must be one of {', '.join(FOR)}")
    wording = data.get("wording")
    if wording not in WORDING:
        problems.add("wording", f"must be one of {', '.join(WORDING)}")
    higher_is = data.get("higher_is", "worse")
    if higher_is not in HIGHER_IS:
        problems.add("higher_is", f"must be one of {', '.join(HIGHER_IS)}")
    licence = data.get("licence")
    if not isinstance(licence, dict):
        problems.add("licence", "must say the licence terms (text, required, held)")
        licence = {}
    licence_text = _text(licence, "text", problems, where="licence.text", limit=TEXT_LIMIT)
    required, held = licence.get("required", False), licence.get("held", False)
    if not isinstance(required, bool):
        problems.add("licence.required", "must be true or false")
    if not isinstance(held, bool):
        problems.add("licence.held", "must be true or false")
    if wording == "licensed" and required is True and held is not True:
        problems.add("wording", "official wording needs the licence to be held (licence.held: true)")

    default_options = _options(data["options"], "options", problems) if "options" in data else ()
    raw_items = data.get("items")
    items: list[Item] = []
    if not isinstance(raw_items, list) or not raw_items:
        problems.add("items", "must be a list of at least one item")
        raw_items = []
    for index, entry in enumerate(raw_items):
        here = f"items[{index}]"
        if not isinstance(entry, dict):
            problems.add(here, "must be an object")
            continue
        number = entry.get("number")
        if number != index + 1:
            problems.add(f"{here}.number", f"must be {index + 1} (items are numbered from 1, in order)")
        label = _text(entry, "label", problems, where=f"{here}.label")
        options = _options(entry["options"], f"{here}.options", problems) if "options" in entry else ()
        options = options or default_options
        if not options and "options" not in entry:
            problems.add(f"{here}.options", "missing, and the definition has no default options")
        reverse, risk = entry.get("reverse", False), entry.get("risk", False)
        for flag, value in (("reverse", reverse), ("risk", risk)):
            if not isinstance(value, bool):
                problems.add(f"{here}.{flag}", "must be true or false")
        items.append(Item(index + 1, label, options, bool(reverse is True), bool(risk is True)))

    missing = data.get("missing", {"prorate_up_to": 0})
    prorate = 0
    if not isinstance(missing, dict):
        problems.add("missing", "must be an object with prorate_up_to")
    else:
        prorate = _int(missing.get("prorate_up_to", 0), "missing.prorate_up_to", problems, minimum=0) or 0
        if items and prorate >= len(items):
            problems.add("missing.prorate_up_to", "must leave at least one item that has to be answered")

    complete = items and all(i.options for i in items)
    low = sum(i.min_score for i in items) if complete else None
    high = sum(i.max_score for i in items) if complete else None
    bands: tuple[Band, ...] = ()
    by_sex: dict = {}
    unknown_uses = ""
    if "bands_by_sex" in data:
        raw = data["bands_by_sex"]
        if "bands" in data:
            problems.add("bands", "give bands or bands_by_sex, not both")
        if not isinstance(raw, dict):
            problems.add("bands_by_sex", "must be an object with M, F and unknown_uses")
        else:
            for sex in SEXES:
                by_sex[sex] = _bands(raw.get(sex), f"bands_by_sex.{sex}", problems, low, high)
            unknown_uses = raw.get("unknown_uses")
            if unknown_uses not in SEXES:
                problems.add(
                    "bands_by_sex.unknown_uses",
                    "must say whose thresholds apply when sex is not recorded (M or F)",
                )
    else:
        bands = _bands(data.get("bands"), "bands", problems, low, high)

    subscales = []
    raw_subscales = data.get("subscales", [])
    if not isinstance(raw_subscales, list):
        problems.add("subscales", "must be a list")
        raw_subscales = []
    for index, entry in enumerate(raw_subscales):
        here = f"subscales[{index}]"
        if not isinstance(entry, dict):
            problems.add(here, "must be an object")
            continue
        sub_code = _text(entry, "code", problems, where=f"{here}.code", limit=30)
        sub_label = _text(entry, "label", problems, where=f"{here}.label")
        numbers = entry.get("items")
        if (
            not isinstance(numbers, list)
            or not numbers
            or not all(
                isinstance(n, int) and not isinstance(n, bool) and 1 <= n <= len(items) for n in numbers
            )
        ):
            problems.add(f"{here}.items", f"must list item numbers from 1 to {len(items)}")
            continue
        subscales.append(Subscale(sub_code, sub_label, tuple(numbers)))

    change = None
    if data.get("change") is not None:
        raw = data["change"]
        if not isinstance(raw, dict):
            problems.add("change", "must be an object")
        else:
            points = _number(raw.get("reliable_points"), "change.reliable_points", problems)
            caseness = raw.get("caseness_at_least")
            caseness = None if caseness is None else _number(caseness, "change.caseness_at_least", problems)
            change_source = _text(raw, "source", problems, where="change.source", limit=TEXT_LIMIT)
            if points is not None:
                change = Change(points, caseness, change_source)

    alerts = _alerts(data.get("alerts"), problems, items)
    if problems.found:
        raise DefinitionError(origin, problems.found)
    return Instrument(
        code=code,
        version=version,
        name=name,
        title=title,
        purpose=purpose,
        period=period,
        audience=audience,
        wording=wording,
        source=source,
        licence_text=licence_text,
        licence_required=required,
        licence_held=held,
        higher_is=higher_is,
        items=tuple(items),
        prorate_up_to=prorate,
        bands=bands,
        bands_by_sex=by_sex,
        unknown_sex_uses=unknown_uses or "",
        subscales=tuple(subscales),
        change=change,
        alerts=alerts,
        origin=origin,
    )


def load_file(path: Path | str) -> tuple[Instrument, dict]:
    """Read and parse one definition file: (the instrument, the JSON as read)."""
    path = Path(path)
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise DefinitionError(str(path), [("(file)", "not found")]) from None
    except (UnicodeDecodeError, json.JSONDecodeError) as error:
        raise DefinitionError(str(path), [("(file)", f"is not valid JSON in UTF-8: {error}")]) from None
    return parse(data, path.name), data


def shipped() -> list[Instrument]:
    """The definitions that come with the system, one file each, in file-name order."""
    return [load_file(path)[0] for path in sorted(SHIPPED_DIR.glob("*.json"))]
