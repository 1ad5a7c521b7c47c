"""The one working-day calendar for England and Wales, which every statutory clock counts on.

Working Together to Safeguard Children 2023 sets its timescales in working days (a child and family
assessment within 45 working days of the referral, an initial child protection conference within 15 working
days of the strategy discussion, ...), and a working day there is any day that is not a Saturday, a Sunday or
an England and Wales bank holiday. Every clock in the system must count the same way, so there is exactly
one calendar, and it is this module.

Bank holidays are facts, not a rule: they move by proclamation (VE day 2020, the Platinum Jubilee and the
state funeral in 2022, the coronation in 2023). So the dates come from GOV.UK's published list, bundled with
the code in data/bank-holidays-england-and-wales.json. There is no network at run time, ever: a council
keeps the list current by dropping in a newer GOV.UK file (``manage.py bank_holidays_update``, or pointing
the ``BANK_HOLIDAYS_FILE`` setting at it), never by the server fetching it.

For a year the file does not cover, the standing statutory rules stand in (Banking and Financial Dealings
Act 1971 and the royal proclamations made every year under it): right for every ordinary year, and the
best that can be said for a year nobody has yet proclaimed anything about.
"""

from __future__ import annotations

import bisect
import datetime
import functools
import json
import re
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.core.signals import setting_changed
from django.dispatch import receiver

DIVISION = "england-and-wales"
BUNDLED_FILE = Path(__file__).resolve().parent / "data" / "bank-holidays-england-and-wales.json"
GOV_UK_SOURCE = "https://www.gov.uk/bank-holidays.json"

# England and Wales have eight bank holidays in every year; a year with fewer is a truncated or wrong file.
MIN_EVENTS_PER_YEAR = 8

ISO_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
ONE_DAY = datetime.timedelta(days=1)
SATURDAY, SUNDAY = 5, 6


# ---- The file ---------------------------------------------------------------------------------------------


def england_and_wales_events(data: Any) -> list[dict[str, Any]]:
    """The England and Wales events of a GOV.UK bank holidays file, checked; ValueError says what is wrong.

    Takes either GOV.UK's whole file (one key per division: "england-and-wales", "scotland",
    "northern-ireland") or one division on its own ({"division": ..., "events": [...]}), which is the shape
    of the bundled file. Returns the events sorted by date, each with its date as an ISO string.

    A file is refused if any date is not an ISO date, falls at a weekend (an England and Wales bank holiday
    never does: when Christmas is a Saturday the holiday is the substitute Monday, and that is what GOV.UK
    lists), repeats, or if a year between the first and the last has fewer than eight events: a truncated
    or hand-edited file would otherwise quietly make every clock in that year a day or two early.
    """
    if not isinstance(data, dict):
        raise ValueError("the file is not a JSON object (GOV.UK's file is one, keyed by division)")
    if DIVISION in data:
        division = data[DIVISION]
    elif "events" in data:
        division = data
    else:
        raise ValueError(f'the file has neither an "{DIVISION}" division nor a list of "events"')
    if not isinstance(division, dict):
        raise ValueError(f'"{DIVISION}" is not a JSON object')
    name = division.get("division", DIVISION)
    if name != DIVISION:
        raise ValueError(f'the file is for the division "{name}", not "{DIVISION}"')
    events = division.get("events")
    if not isinstance(events, list) or not events:
        raise ValueError(f'there is no list of "events" for {DIVISION}')

    seen: set[datetime.date] = set()
    checked: list[tuple[datetime.date, dict[str, Any]]] = []
    for position, event in enumerate(events, start=1):
        if not isinstance(event, dict):
            raise ValueError(f"event {position} is not a JSON object")
        title, raw = event.get("title"), event.get("date")
        if not isinstance(title, str) or not title.strip():
            raise ValueError(f"event {position} ({raw!r}) has no title")
        day = _iso_date(raw)
        if day is None:
            raise ValueError(f"event {position} ({title}) has date {raw!r}, not a date as YYYY-MM-DD")
        if day.weekday() >= SATURDAY:
            raise ValueError(
                f"{title} on {day:%A} {day.isoformat()} falls at a weekend; an England and Wales bank "
                "holiday never does (GOV.UK lists the substitute weekday instead)"
            )
        if day in seen:
            raise ValueError(f"{day.isoformat()} is listed twice")
        seen.add(day)
        checked.append((day, {**event, "date": day.isoformat()}))

    per_year: dict[int, int] = {}
    for day in seen:
        per_year[day.year] = per_year.get(day.year, 0) + 1
    for year in range(min(per_year), max(per_year) + 1):
        count = per_year.get(year, 0)
        if count < MIN_EVENTS_PER_YEAR:
            raise ValueError(
                f"{year} has {count} bank holidays; England and Wales have at least {MIN_EVENTS_PER_YEAR} "
                "in every year, so the file is incomplete"
            )
    return [event for _day, event in sorted(checked, key=lambda pair: pair[0])]


def _iso_date(raw: Any) -> datetime.date | None:
    # Exactly YYYY-MM-DD: fromisoformat alone would also take week dates such as 2024-W01-1.
    if not isinstance(raw, str) or not ISO_DATE.fullmatch(raw):
        return None
    try:
        return datetime.date.fromisoformat(raw)
    except ValueError:  # 2023-02-29, 2024-13-01
        return None


def bank_holidays_file() -> Path:
    """The file in use: the ``BANK_HOLIDAYS_FILE`` setting if set, else the one bundled with the code."""
    configured = getattr(settings, "BANK_HOLIDAYS_FILE", None)
    return Path(configured) if configured else BUNDLED_FILE


@functools.cache
def bank_holidays() -> frozenset[datetime.date]:
    """Every England and Wales bank holiday in the file, read once per process (never from the network)."""
    path = bank_holidays_file()
    try:
        with path.open(encoding="utf-8") as handle:
            data = json.load(handle)
        events = england_and_wales_events(data)
    except (OSError, ValueError) as error:
        # A wrong calendar silently moves every deadline, so refuse to run on one rather than guess.
        raise ImproperlyConfigured(f"Cannot use the bank holidays file {path}: {error}") from error
    return frozenset(datetime.date.fromisoformat(event["date"]) for event in events)


def bank_holidays_covered_years() -> range:
    """The years the file lists; outside them, is_bank_holiday falls back to the standing rules."""
    return _covered_years(bank_holidays())


def clear_cache() -> None:
    """Forget the file read and everything worked out from it (after the file or the setting changes)."""
    bank_holidays.cache_clear()
    _covered_years.cache_clear()
    _weekday_holidays.cache_clear()


@receiver(setting_changed)
def _bank_holidays_file_changed(*, setting: str, **kwargs: Any) -> None:
    # override_settings and pytest-django's `settings` fixture send this, so a test never sees a stale file.
    if setting == "BANK_HOLIDAYS_FILE":
        clear_cache()


# The functions below take the frozenset as an argument so that their caches are keyed by the file read:
# after bank_holidays.cache_clear() a new frozenset comes back and nothing stale can be found. A frozenset
# keeps its hash once computed, and a cache hit compares by identity first, so the key costs nothing.


@functools.cache
def _covered_years(holidays: frozenset[datetime.date]) -> range:
    years = {day.year for day in holidays}
    return range(min(years), max(years) + 1)


@functools.cache
def _weekday_holidays(holidays: frozenset[datetime.date], year: int) -> tuple[datetime.date, ...]:
    """The year's bank holidays that fall on a weekday, sorted: what working-day arithmetic subtracts."""
    if year in _covered_years(holidays):
        days: Iterable[datetime.date] = (day for day in holidays if day.year == year)
    else:
        days = bank_holidays_by_standing_rules(year)
    return tuple(sorted(day for day in days if day.weekday() < SATURDAY))


# ---- The standing rules, for years the file does not cover ------------------------------------------------


def easter_sunday(year: int) -> datetime.date:
    """Easter Day in the Gregorian calendar (the anonymous algorithm: Meeus, Jones, Butcher)."""
    a = year % 19
    b, c = divmod(year, 100)
    d, e = divmod(b, 4)
    f = (b + 8) // 25
    g = (b - f + 1) // 3
    h = (19 * a + b - d - g + 15) % 30
    i, k = divmod(c, 4)
    ell = (32 + 2 * e + 2 * i - h - k) % 7
    m = (a + 11 * h + 22 * ell) // 451
    month, day = divmod(h + ell - 7 * m + 114, 31)
    return datetime.date(year, month, day + 1)


def _first_monday(year: int, month: int) -> datetime.date:
    first = datetime.date(year, month, 1)
    return first + datetime.timedelta(days=-first.weekday() % 7)


def _last_monday(year: int, month: int) -> datetime.date:
    last = datetime.date(year, month, _days_in_month(year, month))
    return last - datetime.timedelta(days=last.weekday())


def bank_holidays_by_standing_rules(year: int) -> frozenset[datetime.date]:
    """England and Wales bank holidays as the standing rules give them, with no one-off changes.

    New Year's Day (or the Monday after, if it is at a weekend), Good Friday, Easter Monday, the first and
    last Mondays of May, the last Monday of August, Christmas Day and Boxing Day. When Christmas or Boxing
    Day falls at a weekend the holiday moves to the next weekday not already a holiday, as GOV.UK lists it:
    Christmas on a Saturday gives Monday 27 and Tuesday 28; on a Sunday, Boxing Day stays Monday 26 and
    Christmas moves to Tuesday 27; on a Friday, Boxing Day moves to Monday 28.
    """
    new_year = datetime.date(year, 1, 1)
    if new_year.weekday() >= SATURDAY:
        new_year += datetime.timedelta(days=7 - new_year.weekday())
    easter = easter_sunday(year)
    days = {
        new_year,
        easter - 2 * ONE_DAY,
        easter + ONE_DAY,
        _first_monday(year, 5),
        _last_monday(year, 5),
        _last_monday(year, 8),
    }
    for christmas_or_boxing_day in (datetime.date(year, 12, 25), datetime.date(year, 12, 26)):
        day = christmas_or_boxing_day
        while day.weekday() >= SATURDAY or day in days:
            day += ONE_DAY
        days.add(day)
    return frozenset(days)


# ---- Working days ------------------------------------------------------------------------------------------


def is_bank_holiday(day: datetime.date) -> bool:
    """Whether `day` is an England and Wales bank holiday (from the file, else by the standing rules)."""
    holidays = bank_holidays()
    if day.year in _covered_years(holidays):
        return day in holidays
    return day in bank_holidays_by_standing_rules(day.year)


def is_working_day(day: datetime.date) -> bool:
    """Not a Saturday, a Sunday or a bank holiday: a working day as Working Together 2023 counts them."""
    return day.weekday() < SATURDAY and not is_bank_holiday(day)


def _weekdays_through(day: datetime.date) -> int:
    """Mondays to Fridays from 1 January of year 1 (a Monday) to `day`, inclusive."""
    weeks, extra = divmod(day.toordinal() - 1, 7)
    return weeks * 5 + min(extra + 1, 5)


def _holidays_between(start: datetime.date, end: datetime.date) -> int:
    """Weekday bank holidays h with start < h <= end."""
    if end <= start:
        return 0
    holidays = bank_holidays()
    count = 0
    for year in range(start.year, end.year + 1):
        in_year = _weekday_holidays(holidays, year)
        low = bisect.bisect_right(in_year, start) if year == start.year else 0
        high = bisect.bisect_right(in_year, end) if year == end.year else len(in_year)
        count += high - low
    return count


def _add_weekdays(day: datetime.date, n: int) -> datetime.date:
    """The nth Monday-to-Friday after `day` (n >= 1), by whole weeks: five weekdays in every seven days."""
    weekday = day.weekday()
    if weekday >= SATURDAY:
        # Counting on from a Saturday or a Sunday is counting on from the Friday before.
        day -= datetime.timedelta(days=weekday - 4)
        weekday = 4
    weeks, rest = divmod(n, 5)
    days = 7 * weeks + rest + (2 if weekday + rest > 4 else 0)
    return day + datetime.timedelta(days=days)


def _subtract_weekdays(day: datetime.date, n: int) -> datetime.date:
    """The nth Monday-to-Friday before `day` (n >= 1)."""
    weekday = day.weekday()
    if weekday >= SATURDAY:
        # Counting back from a Saturday or a Sunday is counting back from the Monday after.
        day += datetime.timedelta(days=7 - weekday)
        weekday = 0
    weeks, rest = divmod(n, 5)
    days = 7 * weeks + rest + (2 if weekday - rest < 0 else 0)
    return day - datetime.timedelta(days=days)


def _check_count(n: int) -> None:
    if n < 0:
        raise ValueError(f"a number of working days cannot be negative (got {n})")


def add_working_days(day: datetime.date, n: int) -> datetime.date:
    """The date n working days after `day`; `day` itself is not counted, and n == 0 gives `day` back.

    "Within 45 working days of the referral": the referral day is day 0 and the next working day is day 1,
    so the result is always a working day (for n >= 1) even when `day` is a weekend or a bank holiday.
    Fast for any n: whole weeks first, then one more step for each bank holiday stepped over.
    """
    _check_count(n)
    if n == 0:
        return day
    end = _add_weekdays(day, n)
    skipped = _holidays_between(day, end)
    while skipped:
        # Each holiday in the stretch just covered cost a working day: cover that many more weekdays,
        # and go on until a stretch contains no holiday. The end is then a weekday that is not a holiday.
        further = _add_weekdays(end, skipped)
        skipped = _holidays_between(end, further)
        end = further
    return end


def subtract_working_days(day: datetime.date, n: int) -> datetime.date:
    """The date n working days before `day`: the working day x with exactly n working days in [x, day)."""
    _check_count(n)
    if n == 0:
        return day
    start = _subtract_weekdays(day, n)
    # Holidays h with start <= h < day, i.e. start - 1 < h <= day - 1.
    skipped = _holidays_between(start - ONE_DAY, day - ONE_DAY)
    while skipped:
        further = _subtract_weekdays(start, skipped)
        skipped = _holidays_between(further - ONE_DAY, start - ONE_DAY)
        start = further
    return start


def working_days_between(start: datetime.date, end: datetime.date) -> int:
    """Working days d with start < d <= end (0 if end <= start), so that
    working_days_between(day, add_working_days(day, n)) == n."""
    if end <= start:
        return 0
    return _weekdays_through(end) - _weekdays_through(start) - _holidays_between(start, end)


def next_working_day_on_or_after(day: datetime.date) -> datetime.date:
    """`day` if it is a working day, else the first working day after it."""
    return day if is_working_day(day) else add_working_days(day, 1)


# ---- Calendar months ---------------------------------------------------------------------------------------


def _days_in_month(year: int, month: int) -> int:
    if month == 12:
        return 31
    return (datetime.date(year, month + 1, 1) - datetime.date(year, month, 1)).days


def add_months(day: datetime.date, n: int) -> datetime.date:
    """The same day of the month n calendar months on (n may be negative), clamped to the month's last day.

    31 January + 1 month is 28 February (29 in a leap year): "within 3 months" never runs into the month
    after, so a deadline is never later than the rule allows.
    """
    year, month_index = divmod(day.year * 12 + day.month - 1 + n, 12)
    month = month_index + 1
    return datetime.date(year, month, min(day.day, _days_in_month(year, month)))
