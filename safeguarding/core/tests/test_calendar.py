"""The England and Wales working-day calendar that every statutory clock counts on.

Three independent things are checked against one another: the bundled list of bank holidays (GOV.UK's facts,
one-offs included), the standing statutory rules the calendar falls back to for other years (with its own
Easter algorithm), and the reference below, which is written differently on purpose (a hand-checked Easter
table, a day-by-day loop) so that a mistake in the calendar cannot be repeated here and cancel out.
"""

from __future__ import annotations

import datetime
import io
import json
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.core.management import CommandError, call_command
from hypothesis import given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from safeguarding.core import calendar
from safeguarding.core.calendar import (
    add_months,
    add_working_days,
    bank_holidays,
    bank_holidays_by_standing_rules,
    bank_holidays_covered_years,
    easter_sunday,
    is_bank_holiday,
    is_working_day,
    next_working_day_on_or_after,
    subtract_working_days,
    working_days_between,
)
from safeguarding.core.management.commands import bank_holidays_update

D = datetime.date
ONE_DAY = datetime.timedelta(days=1)

# Easter Day, hand-checked against published tables; 2018 to 2028 are the years the bundled file covers.
EASTER = {
    2016: D(2016, 3, 27),
    2017: D(2017, 4, 16),
    2018: D(2018, 4, 1),
    2019: D(2019, 4, 21),
    2020: D(2020, 4, 12),
    2021: D(2021, 4, 4),
    2022: D(2022, 4, 17),
    2023: D(2023, 4, 9),
    2024: D(2024, 3, 31),
    2025: D(2025, 4, 20),
    2026: D(2026, 4, 5),
    2027: D(2027, 3, 28),
    2028: D(2028, 4, 16),
    2029: D(2029, 4, 1),
    2030: D(2030, 4, 21),
    2031: D(2031, 4, 13),
    2032: D(2032, 3, 28),
    2033: D(2033, 4, 17),
    2034: D(2034, 4, 9),
    2035: D(2035, 3, 25),
    2036: D(2036, 4, 13),
    2037: D(2037, 4, 5),
}
# The years whose bank holidays were changed by proclamation: VE day 2020; the Platinum Jubilee and the
# state funeral of Queen Elizabeth II in 2022; the coronation of King Charles III in 2023.
ONE_OFF_YEARS = {2020, 2022, 2023}

FILE_DATES = st.dates(D(2018, 1, 1), D(2028, 12, 31))
# Beyond the file, where the calendar falls back to the standing rules.
LATER_DATES = st.dates(D(2030, 1, 1), D(2035, 12, 31))
DATES = st.one_of(FILE_DATES, LATER_DATES)
COUNTS = st.integers(min_value=0, max_value=300)


# ---- The reference: the file read directly, and the standing rules written another way -------------------


def _file_holidays() -> set[datetime.date]:
    with calendar.BUNDLED_FILE.open(encoding="utf-8") as handle:
        return {D.fromisoformat(event["date"]) for event in json.load(handle)["events"]}


FILE_HOLIDAYS = _file_holidays()


def _days_of_month(year: int, month: int) -> list[datetime.date]:
    day, days = D(year, month, 1), []
    while day.month == month:
        days.append(day)
        day += ONE_DAY
    return days


def _mondays(year: int, month: int) -> list[datetime.date]:
    return [day for day in _days_of_month(year, month) if day.weekday() == 0]


def reference_rule_holidays(year: int) -> set[datetime.date]:
    new_year = {0: 1, 1: 1, 2: 1, 3: 1, 4: 1, 5: 3, 6: 2}[D(year, 1, 1).weekday()]
    # Christmas Day and Boxing Day by the weekday of 25 December, as GOV.UK lists the substitute days.
    christmas = {4: (25, 28), 5: (27, 28), 6: (26, 27)}.get(D(year, 12, 25).weekday(), (25, 26))
    return {
        D(year, 1, new_year),
        EASTER[year] - 2 * ONE_DAY,
        EASTER[year] + ONE_DAY,
        _mondays(year, 5)[0],
        _mondays(year, 5)[-1],
        _mondays(year, 8)[-1],
        *(D(year, 12, day) for day in christmas),
    }


def reference_is_working_day(day: datetime.date) -> bool:
    holidays = FILE_HOLIDAYS if 2018 <= day.year <= 2028 else reference_rule_holidays(day.year)
    return day.weekday() < 5 and day not in holidays


def reference_add(day: datetime.date, n: int) -> datetime.date:
    while n:
        day += ONE_DAY
        n -= reference_is_working_day(day)
    return day


def reference_subtract(day: datetime.date, n: int) -> datetime.date:
    while n:
        day -= ONE_DAY
        n -= reference_is_working_day(day)
    return day


def reference_between(start: datetime.date, end: datetime.date) -> int:
    count, day = 0, start
    while day < end:
        day += ONE_DAY
        count += reference_is_working_day(day)
    return count


def last_working_day_on_or_before(day: datetime.date) -> datetime.date:
    while not reference_is_working_day(day):
        day -= ONE_DAY
    return day


# ---- The bundled file ------------------------------------------------------------------------------------


def test_the_bundled_file_covers_2018_to_2028():
    assert bank_holidays_covered_years() == range(2018, 2029)
    assert bank_holidays() == frozenset(FILE_HOLIDAYS)
    for year in range(2018, 2029):
        in_year = [day for day in FILE_HOLIDAYS if day.year == year]
        assert len(in_year) >= 8, year
        assert all(day.weekday() < 5 for day in in_year), year


@pytest.mark.parametrize(
    "day",
    [
        D(2020, 5, 8),  # Early May bank holiday moved to Friday for the 75th anniversary of VE day
        D(2022, 6, 2),  # Spring bank holiday moved to Thursday for the Platinum Jubilee
        D(2022, 6, 3),  # Platinum Jubilee bank holiday
        D(2022, 9, 19),  # State funeral of Queen Elizabeth II
        D(2023, 5, 8),  # Coronation of King Charles III
        D(2020, 12, 28),  # Boxing Day (Saturday) substitute
        D(2021, 12, 27),  # Christmas Day (Saturday) substitute
        D(2021, 12, 28),  # Boxing Day (Sunday) substitute
        D(2022, 1, 3),  # New Year's Day (Saturday) substitute
        D(2022, 12, 26),  # Boxing Day, Monday
        D(2022, 12, 27),  # Christmas Day (Sunday) substitute
        D(2023, 1, 2),  # New Year's Day (Sunday) substitute
        D(2026, 12, 28),  # Boxing Day (Saturday) substitute
        D(2027, 12, 27),
        D(2027, 12, 28),
        D(2028, 1, 3),
    ],
)
def test_one_off_and_substitute_days_are_bank_holidays(day):
    assert is_bank_holiday(day)
    assert not is_working_day(day)


@pytest.mark.parametrize(
    "day",
    [
        D(2020, 5, 4),  # the usual early May Monday, moved to 8 May that year
        D(2022, 5, 30),  # the usual spring Monday, moved to 2 June that year
        D(2021, 12, 29),
        D(2025, 12, 24),  # Christmas Eve is a working day
        D(2025, 12, 31),
        D(2026, 4, 2),  # Maundy Thursday
    ],
)
def test_days_that_are_not_bank_holidays(day):
    assert not is_bank_holiday(day)
    assert is_working_day(day)


@pytest.mark.parametrize("year", sorted(EASTER))
def test_easter_by_the_anonymous_gregorian_algorithm(year):
    assert easter_sunday(year) == EASTER[year]


@pytest.mark.parametrize(
    "year, easter",
    [(1818, D(1818, 3, 22)), (2285, D(2285, 3, 22)), (1943, D(1943, 4, 25)), (2038, D(2038, 4, 25))],
)
def test_easter_at_its_earliest_and_latest(year, easter):
    assert easter_sunday(year) == easter


@pytest.mark.parametrize("year", [y for y in range(2018, 2029) if y not in ONE_OFF_YEARS])
def test_the_standing_rules_agree_with_the_file_in_every_ordinary_year(year):
    from_file = {day for day in FILE_HOLIDAYS if day.year == year}
    assert bank_holidays_by_standing_rules(year) == from_file
    assert reference_rule_holidays(year) == from_file


@pytest.mark.parametrize(
    "year, only_in_file, only_by_rule",
    [
        (2020, {D(2020, 5, 8)}, {D(2020, 5, 4)}),
        (2022, {D(2022, 6, 2), D(2022, 6, 3), D(2022, 9, 19)}, {D(2022, 5, 30)}),
        (2023, {D(2023, 5, 8)}, set()),
    ],
)
def test_the_one_off_years_differ_from_the_rules_by_exactly_the_proclamations(
    year, only_in_file, only_by_rule
):
    from_file = {day for day in FILE_HOLIDAYS if day.year == year}
    by_rule = bank_holidays_by_standing_rules(year)
    assert from_file - by_rule == only_in_file
    assert by_rule - from_file == only_by_rule


@pytest.mark.parametrize(
    "year, expected",
    [
        (
            2030,
            [(1, 1), (4, 19), (4, 22), (5, 6), (5, 27), (8, 26), (12, 25), (12, 26)],
        ),
        # Christmas on a Saturday: Monday 27 and Tuesday 28. New Year 2033 is a Saturday too.
        (
            2032,
            [(1, 1), (3, 26), (3, 29), (5, 3), (5, 31), (8, 30), (12, 27), (12, 28)],
        ),
        # New Year's Day on a Saturday (Monday 3); Christmas on a Sunday: Boxing Day Monday 26, Christmas
        # Day Tuesday 27.
        (
            2033,
            [(1, 3), (4, 15), (4, 18), (5, 2), (5, 30), (8, 29), (12, 26), (12, 27)],
        ),
        # New Year's Day on a Sunday (Monday 2).
        (
            2034,
            [(1, 2), (4, 7), (4, 10), (5, 1), (5, 29), (8, 28), (12, 25), (12, 26)],
        ),
    ],
)
def test_beyond_the_file_the_standing_rules_apply(year, expected):
    assert year not in bank_holidays_covered_years()
    days = {D(year, month, day) for month, day in expected}
    assert bank_holidays_by_standing_rules(year) == days
    holidays_found = {
        day for month in range(1, 13) for day in _days_of_month(year, month) if is_bank_holiday(day)
    }
    assert holidays_found == days


@given(st.integers(min_value=2017, max_value=2037))
def test_the_standing_rules_agree_with_the_reference_rules(year):
    assert bank_holidays_by_standing_rules(year) == reference_rule_holidays(year)


@given(st.integers(min_value=1900, max_value=2400))
def test_the_standing_rules_always_give_eight_weekday_holidays(year):
    holidays = bank_holidays_by_standing_rules(year)
    assert len(holidays) == 8
    assert all(day.weekday() < 5 and day.year == year for day in holidays)
    assert easter_sunday(year).weekday() == 6


# ---- Working days: examples ------------------------------------------------------------------------------


def test_add_working_days_examples():
    # Friday 19 December 2025 + 1: Christmas Day and Boxing Day are Thursday and Friday, so Monday 22.
    assert add_working_days(D(2025, 12, 19), 1) == D(2025, 12, 22)
    # Wednesday 24 December 2025 + 1: over Christmas, Boxing Day and the weekend to Monday 29.
    assert add_working_days(D(2025, 12, 24), 1) == D(2025, 12, 29)
    # Thursday 2 April 2026 + 1: over Good Friday, the weekend and Easter Monday to Tuesday 7.
    assert add_working_days(D(2026, 4, 2), 1) == D(2026, 4, 7)
    # From a Saturday, the Monday after is day 1.
    assert add_working_days(D(2025, 3, 8), 1) == D(2025, 3, 10)
    # From a bank holiday itself (Good Friday 2025), the next working day is day 1.
    assert add_working_days(D(2025, 4, 18), 1) == D(2025, 4, 22)
    assert add_working_days(D(2025, 3, 3), 5) == D(2025, 3, 10)
    assert add_working_days(D(2025, 3, 8), 0) == D(2025, 3, 8)


def test_subtract_working_days_examples():
    assert subtract_working_days(D(2025, 12, 29), 1) == D(2025, 12, 24)
    assert subtract_working_days(D(2026, 4, 7), 1) == D(2026, 4, 2)
    assert subtract_working_days(D(2025, 3, 10), 5) == D(2025, 3, 3)
    # From a Sunday, the Friday before is one working day back.
    assert subtract_working_days(D(2025, 3, 9), 1) == D(2025, 3, 7)
    assert subtract_working_days(D(2025, 3, 9), 0) == D(2025, 3, 9)


def test_working_days_between_examples():
    assert working_days_between(D(2025, 12, 19), D(2026, 1, 2)) == 7  # 22, 23, 24, 29, 30, 31 Dec; 2 Jan
    assert working_days_between(D(2025, 12, 24), D(2025, 12, 28)) == 0
    assert working_days_between(D(2025, 3, 3), D(2025, 3, 3)) == 0
    assert working_days_between(D(2025, 3, 10), D(2025, 3, 3)) == 0


def test_next_working_day_on_or_after_examples():
    assert next_working_day_on_or_after(D(2025, 12, 24)) == D(2025, 12, 24)
    assert next_working_day_on_or_after(D(2025, 12, 25)) == D(2025, 12, 29)
    assert next_working_day_on_or_after(D(2025, 3, 8)) == D(2025, 3, 10)


@pytest.mark.parametrize("function", [add_working_days, subtract_working_days])
def test_a_negative_number_of_working_days_is_refused(function):
    with pytest.raises(ValueError, match="negative"):
        function(D(2025, 3, 3), -1)


def test_many_working_days_on_is_quick():
    # Seeding a demo council calls this about 100,000 times; a day-by-day loop would take seconds.
    start = D(2019, 1, 1)
    for offset in range(20_000):
        add_working_days(start + datetime.timedelta(days=offset % 2900), 1 + offset % 300)


# ---- Working days: properties ----------------------------------------------------------------------------


@hypothesis_settings(max_examples=400)
@given(DATES, COUNTS)
def test_add_working_days_agrees_with_a_day_by_day_loop(day, n):
    assert add_working_days(day, n) == reference_add(day, n)


@hypothesis_settings(max_examples=400)
@given(DATES, COUNTS)
def test_subtract_working_days_agrees_with_a_day_by_day_loop(day, n):
    assert subtract_working_days(day, n) == reference_subtract(day, n)


@given(DATES, st.integers(min_value=1, max_value=300))
def test_add_working_days_lands_on_a_working_day(day, n):
    result = add_working_days(day, n)
    assert result.weekday() < 5
    assert not is_bank_holiday(result)
    assert is_working_day(result)
    assert reference_is_working_day(result)


@given(DATES, st.integers(min_value=1, max_value=300))
def test_subtract_working_days_lands_on_a_working_day(day, n):
    assert reference_is_working_day(subtract_working_days(day, n))


@given(DATES, COUNTS, COUNTS)
def test_add_working_days_is_strictly_increasing_in_n(day, n, m):
    if n < m:
        assert add_working_days(day, n) < add_working_days(day, m)
    elif n == m:
        assert add_working_days(day, n) == add_working_days(day, m)


@given(DATES, COUNTS)
def test_add_working_days_never_goes_back(day, n):
    assert add_working_days(day, n) >= day
    assert subtract_working_days(day, n) <= day


@given(DATES, COUNTS)
def test_counting_forward_then_back_returns_to_the_last_working_day_on_or_before(day, n):
    # The exact law: for n >= 1, n working days on and n back gives the last working day on or before the
    # start, which is the start itself when it is a working day. For n == 0 both are the identity.
    there_and_back = subtract_working_days(add_working_days(day, n), n)
    if n == 0:
        assert there_and_back == day
    else:
        assert there_and_back == last_working_day_on_or_before(day)
        if reference_is_working_day(day):
            assert there_and_back == day


@given(DATES, st.integers(min_value=1, max_value=300))
def test_counting_back_then_forward_returns_to_the_next_working_day_on_or_after(day, n):
    assert add_working_days(subtract_working_days(day, n), n) == next_working_day_on_or_after(day)


@given(DATES, COUNTS)
def test_working_days_between_counts_what_add_working_days_added(day, n):
    assert working_days_between(day, add_working_days(day, n)) == n
    # Counting back, [start, day) holds n working days; (start, day] drops the start and takes in the day.
    back = subtract_working_days(day, n)
    assert working_days_between(back, day) == (0 if n == 0 else n - 1 + is_working_day(day))


@given(DATES, st.integers(min_value=-400, max_value=400))
def test_working_days_between_agrees_with_a_day_by_day_count(start, offset):
    end = start + datetime.timedelta(days=offset)
    assert working_days_between(start, end) == reference_between(start, end)


@given(DATES, DATES, DATES)
def test_working_days_between_adds_up(a, b, c):
    a, b, c = sorted((a, b, c))
    assert working_days_between(a, b) + working_days_between(b, c) == working_days_between(a, c)


@given(DATES)
def test_next_working_day_on_or_after_is_the_first_working_day_from_the_day(day):
    result = next_working_day_on_or_after(day)
    assert result >= day
    assert reference_is_working_day(result)
    assert working_days_between(day - ONE_DAY, result - ONE_DAY) == 0


@given(DATES)
def test_is_working_day_agrees_with_the_reference(day):
    assert is_working_day(day) == reference_is_working_day(day)


# ---- Calendar months -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "day, months, expected",
    [
        (D(2025, 1, 31), 1, D(2025, 2, 28)),
        (D(2024, 1, 31), 1, D(2024, 2, 29)),  # leap year
        (D(2025, 11, 30), 3, D(2026, 2, 28)),
        (D(2023, 11, 30), 3, D(2024, 2, 29)),
        (D(2025, 8, 31), 6, D(2026, 2, 28)),
        (D(2025, 3, 31), 1, D(2025, 4, 30)),
        (D(2025, 12, 15), 1, D(2026, 1, 15)),
        (D(2025, 3, 15), 0, D(2025, 3, 15)),
        (D(2025, 3, 31), -1, D(2025, 2, 28)),
        (D(2025, 1, 15), -1, D(2024, 12, 15)),
        (D(2024, 2, 29), 12, D(2025, 2, 28)),
        (D(2025, 1, 10), 24, D(2027, 1, 10)),
    ],
)
def test_add_months(day, months, expected):
    assert add_months(day, months) == expected


@given(st.dates(D(1900, 1, 1), D(2300, 12, 31)), st.integers(min_value=-600, max_value=600))
def test_add_months_moves_the_month_and_keeps_the_day_where_it_can(day, months):
    result = add_months(day, months)
    assert (result.year * 12 + result.month) - (day.year * 12 + day.month) == months
    if result.day != day.day:
        # Clamped: only ever to the last day of a shorter month.
        assert result.day < day.day
        assert (result + ONE_DAY).month != result.month


# ---- Another council's file through the BANK_HOLIDAYS_FILE setting -----------------------------------------


@pytest.fixture
def fresh_calendar():
    calendar.clear_cache()
    yield
    calendar.clear_cache()


def _write_division(path: Path, dates: list[datetime.date]) -> Path:
    events = [{"title": f"Holiday {day.isoformat()}", "date": day.isoformat()} for day in dates]
    path.write_text(json.dumps({"division": "england-and-wales", "events": events}), encoding="utf-8")
    return path


# 2031 by the standing rules, and a made-up proclamation: Monday 3 March 2031.
HOLIDAYS_2031 = sorted(reference_rule_holidays(2031) | {D(2031, 3, 3)})


def test_the_setting_points_the_calendar_at_another_file(settings, tmp_path, fresh_calendar):
    assert not is_bank_holiday(D(2031, 3, 3))  # loads and caches the bundled file first
    settings.BANK_HOLIDAYS_FILE = str(_write_division(tmp_path / "newer.json", HOLIDAYS_2031))
    calendar.clear_cache()

    assert bank_holidays() == frozenset(HOLIDAYS_2031)
    assert bank_holidays_covered_years() == range(2031, 2032)
    assert is_bank_holiday(D(2031, 3, 3))
    assert add_working_days(D(2031, 2, 28), 1) == D(2031, 3, 4)
    # Years outside the new file fall back to the rules, so the one-offs of 2022 are no longer known.
    assert is_bank_holiday(D(2025, 12, 25))
    assert not is_bank_holiday(D(2022, 9, 19))


def test_changing_the_setting_forgets_the_cached_file(settings, tmp_path, fresh_calendar):
    assert bank_holidays_covered_years() == range(2018, 2029)
    settings.BANK_HOLIDAYS_FILE = str(_write_division(tmp_path / "newer.json", HOLIDAYS_2031))
    assert bank_holidays_covered_years() == range(2031, 2032)  # no clear_cache(): the setting change did it
    settings.BANK_HOLIDAYS_FILE = str(calendar.BUNDLED_FILE)
    assert bank_holidays_covered_years() == range(2018, 2029)


def test_the_whole_gov_uk_file_works_through_the_setting(settings, tmp_path, fresh_calendar):
    division = {
        "division": "england-and-wales",
        "events": [{"title": "x", "date": d.isoformat()} for d in HOLIDAYS_2031],
    }
    scotland = {"division": "scotland", "events": [{"title": "St Andrew’s Day", "date": "2031-12-01"}]}
    path = tmp_path / "bank-holidays.json"
    path.write_text(json.dumps({"england-and-wales": division, "scotland": scotland}), encoding="utf-8")
    settings.BANK_HOLIDAYS_FILE = str(path)
    assert bank_holidays() == frozenset(HOLIDAYS_2031)


def test_a_missing_or_broken_file_stops_the_calendar_rather_than_guessing(settings, tmp_path, fresh_calendar):
    settings.BANK_HOLIDAYS_FILE = str(tmp_path / "nowhere.json")
    with pytest.raises(ImproperlyConfigured, match="nowhere.json"):
        bank_holidays()
    settings.BANK_HOLIDAYS_FILE = str(_write_division(tmp_path / "short.json", HOLIDAYS_2031[:5]))
    with pytest.raises(ImproperlyConfigured, match="2031 has 5 bank holidays"):
        is_working_day(D(2031, 1, 2))


# ---- manage.py bank_holidays_update ------------------------------------------------------------------------


def _events(dates) -> list[dict]:
    return [
        {"title": f"Holiday {day.isoformat()}", "date": day.isoformat(), "notes": "", "bunting": True}
        for day in dates
    ]


def _update(source: Path, output: Path) -> str:
    out = io.StringIO()
    call_command(bank_holidays_update.Command(), str(source), "--output", str(output), stdout=out)
    return out.getvalue()


def test_update_takes_the_whole_gov_uk_file_and_keeps_england_and_wales(tmp_path, settings, fresh_calendar):
    gov_uk = {
        "england-and-wales": {"division": "england-and-wales", "events": _events(reversed(HOLIDAYS_2031))},
        "scotland": {"division": "scotland", "events": _events([D(2031, 12, 1)])},
        "northern-ireland": {"division": "northern-ireland", "events": _events([D(2031, 3, 17)])},
    }
    source, output = tmp_path / "bank-holidays.json", tmp_path / "bundled.json"
    source.write_text(json.dumps(gov_uk), encoding="utf-8")

    message = _update(source, output)

    assert "Wrote 9 England and Wales bank holidays for 2031 to 2031" in message
    written = json.loads(output.read_text(encoding="utf-8"))
    assert written["division"] == "england-and-wales"
    assert written["source"] == "https://www.gov.uk/bank-holidays.json"
    # Sorted by date, every field GOV.UK gave kept; nothing from Scotland or Northern Ireland.
    assert written["events"] == _events(HOLIDAYS_2031)
    settings.BANK_HOLIDAYS_FILE = str(output)
    assert bank_holidays() == frozenset(HOLIDAYS_2031)


def test_update_takes_a_single_division_file(tmp_path):
    source, output = tmp_path / "england-and-wales.json", tmp_path / "bundled.json"
    source.write_text(
        json.dumps({"division": "england-and-wales", "events": _events(HOLIDAYS_2031)}), "utf-8"
    )
    _update(source, output)
    assert json.loads(output.read_text(encoding="utf-8"))["events"] == _events(HOLIDAYS_2031)


def test_the_bundled_file_is_exactly_what_the_update_writes(tmp_path):
    # The bundled file passes the command's checks, and is already in its canonical form.
    output = tmp_path / "bundled.json"
    message = _update(calendar.BUNDLED_FILE, output)
    assert "for 2018 to 2028" in message
    assert output.read_bytes() == calendar.BUNDLED_FILE.read_bytes()


def test_update_writes_to_the_bundled_file_by_default_and_says_why():
    command = bank_holidays_update.Command()
    options = command.create_parser("manage.py", "bank_holidays_update").parse_args(["downloaded.json"])
    assert options.output == calendar.BUNDLED_FILE
    assert "bundled so that nothing is fetched from the network at run time" in " ".join(command.help.split())


def _division(events) -> str:
    return json.dumps({"division": "england-and-wales", "events": events})


GOOD_2031 = _events(HOLIDAYS_2031)
COMPLETE_2030_AND_2032 = _events(sorted(reference_rule_holidays(2030) | reference_rule_holidays(2032)))


@pytest.mark.parametrize(
    "content, message",
    [
        ("<html>Service unavailable</html>", r"is not JSON \(line 1, column 1"),
        ("[]", "not a JSON object"),
        (
            json.dumps({"scotland": {"division": "scotland", "events": GOOD_2031}}),
            'neither an "england-and-wales"',
        ),
        (json.dumps({"division": "scotland", "events": GOOD_2031}), 'for the division "scotland"'),
        (json.dumps({"england-and-wales": []}), '"england-and-wales" is not a JSON object'),
        (_division([]), 'no list of "events"'),
        (_division({"2031-01-01": "New Year"}), 'no list of "events"'),
        (_division([*GOOD_2031, "2031-03-04"]), "event 10 is not a JSON object"),
        (_division([*GOOD_2031, {"date": "2031-03-04"}]), "has no title"),
        (_division([*GOOD_2031, {"title": "Extra", "date": "2031-02-30"}]), "'2031-02-30', not a date"),
        (_division([*GOOD_2031, {"title": "Extra", "date": "04/03/2031"}]), "'04/03/2031', not a date"),
        (_division([*GOOD_2031, {"title": "Extra", "date": "2031-W10-2"}]), "'2031-W10-2', not a date"),
        (_division([*GOOD_2031, {"title": "Extra", "date": 20310304}]), "20310304, not a date"),
        (
            _division([*GOOD_2031, {"title": "Extra", "date": "2031-03-01"}]),
            "Saturday 2031-03-01 falls at a weekend",
        ),
        (_division([*GOOD_2031, {"title": "Again", "date": "2031-03-03"}]), "2031-03-03 is listed twice"),
        (_division(GOOD_2031[:5]), "2031 has 5 bank holidays"),
        (_division(COMPLETE_2030_AND_2032), "2031 has 0 bank holidays"),
    ],
)
def test_update_refuses_a_bad_file_and_leaves_the_old_one(tmp_path, content, message):
    source, output = tmp_path / "downloaded.json", tmp_path / "bundled.json"
    source.write_text(content, encoding="utf-8")
    output.write_text("the old list", encoding="utf-8")
    with pytest.raises(CommandError, match=message):
        _update(source, output)
    assert output.read_text(encoding="utf-8") == "the old list"
    assert sorted(path.name for path in tmp_path.iterdir()) == ["bundled.json", "downloaded.json"]


def test_update_refuses_a_missing_file(tmp_path):
    with pytest.raises(CommandError, match="No such file: .*missing.json"):
        _update(tmp_path / "missing.json", tmp_path / "bundled.json")
    assert not (tmp_path / "bundled.json").exists()


def test_update_refuses_a_file_that_is_not_text(tmp_path):
    source = tmp_path / "bank-holidays.json"
    source.write_bytes(b"\xff\xfe\x00\x81")
    with pytest.raises(CommandError, match="not a text file"):
        _update(source, tmp_path / "bundled.json")
