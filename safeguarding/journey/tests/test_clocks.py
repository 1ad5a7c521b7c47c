"""The statutory clocks, against dates worked out by hand on a paper calendar.

Every expected date below was counted by hand (the working days are listed beside the awkward ones), never
computed with the code under test: a clock that is a day out would otherwise agree with itself.
England and Wales bank holidays met on the way: Good Friday 18 April and Easter Monday 21 April 2025;
summer bank holiday 25 August 2025; Christmas Day and Boxing Day Thursday 25 and Friday 26 December 2025,
New Year's Day Thursday 1 January 2026; Good Friday 3 April and Easter Monday 6 April 2026; spring bank
holiday 25 May 2026; Boxing Day (a Saturday) substituted on Monday 28 December 2026.
"""

from __future__ import annotations

import datetime

import pytest
from hypothesis import given
from hypothesis import strategies as st

from safeguarding.core.calendar import is_working_day, working_days_between
from safeguarding.journey import clocks

D = datetime.date


@pytest.mark.parametrize(
    "contact, expected",
    [
        (D(2025, 3, 4), D(2025, 3, 5)),  # Tuesday to Wednesday
        (D(2025, 3, 7), D(2025, 3, 10)),  # Friday to Monday
        (D(2025, 3, 8), D(2025, 3, 10)),  # received on a Saturday: Monday
        (D(2025, 4, 17), D(2025, 4, 22)),  # Maundy Thursday: over Good Friday and Easter Monday
        (D(2025, 12, 24), D(2025, 12, 29)),  # Christmas Eve: over Christmas, Boxing Day and the weekend
        (D(2025, 12, 31), D(2026, 1, 2)),  # over New Year's Day
        (D(2026, 12, 24), D(2026, 12, 29)),  # over Christmas (Friday) and the Boxing Day substitute (Monday)
        (D(2021, 12, 24), D(2021, 12, 29)),  # Christmas and Boxing Day both substituted: Mon 27, Tue 28
        (D(2020, 5, 7), D(2020, 5, 11)),  # VE day, Friday 8 May 2020
        (D(2020, 5, 1), D(2020, 5, 4)),  # ... when Monday 4 May was an ordinary working day
        (D(2022, 6, 1), D(2022, 6, 6)),  # Platinum Jubilee: Thursday 2 and Friday 3 June 2022
        (D(2022, 9, 16), D(2022, 9, 20)),  # state funeral, Monday 19 September 2022
        (D(2023, 5, 5), D(2023, 5, 9)),  # coronation, Monday 8 May 2023
    ],
)
def test_referral_decision_due_in_1_working_day(contact, expected):
    assert clocks.referral_decision_due(contact) == expected


@pytest.mark.parametrize(
    "referral, expected",
    [
        # Thursday 20 November 2025. Working days: Nov 21, 24-28 (6); Dec 1-5 (11), 8-12 (16), 15-19 (21),
        # 22-24 (24), 29-31 (27); Jan 2 (28), 5-9 (33), 12-16 (38), 19-23 (43), Mon 26 (44), Tue 27 (45).
        # Nine weeks would be Thursday 22 January; the three bank holidays push it three working days on.
        (D(2025, 11, 20), D(2026, 1, 27)),
        # Monday 3 March 2025: nine weeks on would be Monday 5 May, itself the early May bank holiday, and
        # Good Friday and Easter Monday fall on the way. Mar 4-7 (4), 10-14 (9), 17-21 (14), 24-28 (19),
        # Mar 31-Apr 4 (24), Apr 7-11 (29), 14-17 (33), 22-25 (37), Apr 28-May 2 (42), May 6-8 (45).
        (D(2025, 3, 3), D(2025, 5, 8)),
        # Wednesday 1 October 2025: no bank holiday until Christmas. Nine weeks on: Wednesday 3 December.
        (D(2025, 10, 1), D(2025, 12, 3)),
    ],
)
def test_assessment_due_in_45_working_days(referral, expected):
    assert clocks.assessment_due(referral) == expected


@pytest.mark.parametrize(
    "strategy_discussion, expected",
    [
        # Wednesday 25 March 2026. Mar 26, 27, 30, 31, Apr 1, 2 (6); Good Friday 3 and Easter Monday 6 April
        # skipped; Apr 7-10 (10), 13-17 (15). Three weeks would be Wednesday 15 April.
        (D(2026, 3, 25), D(2026, 4, 17)),
        # Tuesday 2 December 2025. Dec 3-5 (3), 8-12 (8), 15-19 (13), 22 (14), 23 (15).
        (D(2025, 12, 2), D(2025, 12, 23)),
        # Wednesday 10 December 2025. Dec 11, 12 (2), 15-19 (7), 22-24 (10), 29-31 (13), Jan 2 (14), 5 (15).
        (D(2025, 12, 10), D(2026, 1, 5)),
    ],
)
def test_icpc_due_in_15_working_days_of_the_strategy_discussion(strategy_discussion, expected):
    assert clocks.icpc_due(strategy_discussion) == expected


@pytest.mark.parametrize(
    "icpc, expected",
    [
        (D(2024, 6, 3), D(2024, 6, 17)),  # Monday to Monday two weeks on: no bank holiday
        # Thursday 18 December 2025. Dec 19, 22, 23, 24 (4), 29, 30, 31 (7), Jan 2 (8), 5 (9), 6 (10).
        (D(2025, 12, 18), D(2026, 1, 6)),
        # Wednesday 20 May 2026. May 21, 22 (2), spring bank holiday 25 skipped, 26-29 (6), Jun 1-4 (10).
        (D(2026, 5, 20), D(2026, 6, 4)),
    ],
)
def test_first_core_group_due_in_10_working_days_of_the_icpc(icpc, expected):
    assert clocks.first_core_group_due(icpc) == expected


@pytest.mark.parametrize(
    "last_core_group, expected",
    [
        (D(2025, 3, 15), D(2025, 4, 15)),
        (D(2025, 1, 31), D(2025, 2, 28)),
        (D(2024, 1, 31), D(2024, 2, 29)),  # leap year
        (D(2025, 12, 31), D(2026, 1, 31)),
        (D(2025, 5, 31), D(2025, 6, 30)),
    ],
)
def test_next_core_group_due_a_calendar_month_on(last_core_group, expected):
    assert clocks.next_core_group_due(last_core_group) == expected


@pytest.mark.parametrize(
    "icpc, expected",
    [
        (D(2025, 1, 15), D(2025, 4, 15)),
        (D(2025, 11, 30), D(2026, 2, 28)),  # no 30 February: the end of February, never 2 March
        (D(2023, 11, 30), D(2024, 2, 29)),  # leap year
        (D(2025, 10, 31), D(2026, 1, 31)),
        (D(2025, 12, 31), D(2026, 3, 31)),
        (D(2026, 3, 31), D(2026, 6, 30)),
    ],
)
def test_first_review_conference_due_in_3_months_of_the_icpc(icpc, expected):
    assert clocks.first_review_conference_due(icpc) == expected


@pytest.mark.parametrize(
    "last_review, expected",
    [
        (D(2025, 3, 10), D(2025, 9, 10)),
        (D(2025, 8, 31), D(2026, 2, 28)),
        (D(2023, 8, 31), D(2024, 2, 29)),  # leap year
        (D(2025, 9, 30), D(2026, 3, 30)),
        (D(2025, 12, 31), D(2026, 6, 30)),
    ],
)
def test_next_review_conference_due_in_6_months(last_review, expected):
    assert clocks.next_review_conference_due(last_review) == expected


@pytest.mark.parametrize(
    "last_visit, every, expected",
    [
        # Child protection, every 10 working days. Monday 22 December 2025: Dec 23, 24 (2), 29, 30, 31 (5),
        # Jan 2 (6), 5, 6, 7, 8 (10).
        (D(2025, 12, 22), 10, D(2026, 1, 8)),
        # Monday 14 April 2025: Apr 15-17 (3), Good Friday and Easter Monday skipped, 22-25 (7), 28-30 (10).
        (D(2025, 4, 14), 10, D(2025, 4, 30)),
        # Child in need, every 20 working days. Monday 3 March 2025: four weeks on, no bank holiday.
        (D(2025, 3, 3), 20, D(2025, 3, 31)),
        # Plan started on a Saturday (23 August 2025): summer bank holiday Monday 25 skipped, Aug 26-29 (4),
        # Sep 1-5 (9), Sep 8 (10).
        (D(2025, 8, 23), 10, D(2025, 9, 8)),
    ],
)
def test_next_visit_due_by_the_local_standard(last_visit, every, expected):
    assert clocks.next_visit_due(last_visit, every_working_days=every) == expected


@pytest.mark.parametrize("every", [0, -10])
def test_next_visit_due_needs_a_standard_of_at_least_a_day(every):
    with pytest.raises(ValueError, match="at least 1 working day"):
        clocks.next_visit_due(D(2025, 3, 3), every_working_days=every)


def test_next_visit_due_takes_the_standard_by_name_only():
    with pytest.raises(TypeError):
        clocks.next_visit_due(D(2025, 3, 3), 10)  # type: ignore[misc]


@pytest.mark.parametrize(
    "placement_start, expected",
    [
        (D(2025, 3, 3), D(2025, 3, 10)),
        (D(2025, 12, 24), D(2025, 12, 31)),  # calendar days: Christmas does not stop the clock
        (D(2024, 2, 26), D(2024, 3, 4)),  # leap year: 26 Feb + 7 = 4 March (29 February counted)
        (D(2025, 2, 26), D(2025, 3, 5)),
    ],
)
def test_looked_after_first_visit_due_within_a_week_of_the_placement(placement_start, expected):
    assert clocks.looked_after_first_visit_due(placement_start) == expected


@pytest.mark.parametrize(
    "last_visit, first_year, long_term, expected",
    [
        (D(2025, 1, 10), True, False, D(2025, 2, 21)),  # six weeks: 42 days
        (D(2025, 1, 10), True, True, D(2025, 2, 21)),  # long-term, but in the placement's first year
        (D(2025, 1, 10), False, False, D(2025, 2, 21)),  # after the first year, not long-term
        (D(2025, 1, 10), False, True, D(2025, 4, 10)),  # after the first year, long-term: three months
        (D(2025, 11, 30), False, True, D(2026, 2, 28)),
        (D(2025, 12, 1), True, False, D(2026, 1, 12)),  # over Christmas: calendar days all the same
    ],
)
def test_looked_after_next_visit_due(last_visit, first_year, long_term, expected):
    result = clocks.looked_after_next_visit_due(
        last_visit, first_year=first_year, long_term_placement=long_term
    )
    assert result == expected


def test_looked_after_next_visit_is_six_weeks_unless_said_otherwise():
    assert clocks.looked_after_next_visit_due(D(2025, 1, 10), first_year=False) == D(2025, 2, 21)


@pytest.mark.parametrize(
    "care_order_made, expected",
    [
        (D(2026, 3, 2), D(2026, 3, 9)),
        (D(2025, 12, 24), D(2025, 12, 31)),  # calendar days: Christmas does not stop the clock
        (D(2024, 2, 26), D(2024, 3, 4)),  # leap year: 29 February counted
    ],
)
def test_a_care_order_made_for_a_child_living_with_parents_needs_a_visit_within_a_week_reg_28_5(
    care_order_made, expected
):
    assert clocks.looked_after_care_order_at_home_visit_due(care_order_made) == expected


@pytest.mark.parametrize(
    "last_visit, first_review_held, expected",
    [
        # Reg 28(4)(a): at least once a week until the first review.
        (D(2026, 3, 2), False, D(2026, 3, 9)),
        (D(2025, 12, 24), False, D(2025, 12, 31)),  # calendar days: Christmas does not stop the clock
        # Reg 28(4)(b): then at intervals of not more than four weeks (28 days).
        (D(2026, 3, 2), True, D(2026, 3, 30)),
        (D(2024, 2, 5), True, D(2024, 3, 4)),  # leap year: 5 February + 28 days, over 29 February
        (D(2025, 12, 22), True, D(2026, 1, 19)),
    ],
)
def test_a_child_at_home_on_an_interim_care_order_is_visited_weekly_then_4_weekly_reg_28_4(
    last_visit, first_review_held, expected
):
    result = clocks.looked_after_interim_order_at_home_next_visit_due(
        last_visit, first_review_held=first_review_held
    )
    assert result == expected


@pytest.mark.parametrize(
    "became_looked_after, expected",
    [
        # Monday 15 December 2025. Dec 16-19 (4), 22-24 (7), 29-31 (10), Jan 2 (11), 5-9 (16), 12-15 (20).
        (D(2025, 12, 15), D(2026, 1, 15)),
        # Saturday 23 August 2025. Summer bank holiday 25 skipped; Aug 26-29 (4), Sep 1-5 (9), 8-12 (14),
        # 15-19 (19), Mon 22 (20).
        (D(2025, 8, 23), D(2025, 9, 22)),
        (D(2025, 6, 2), D(2025, 6, 30)),  # four weeks on, no bank holiday
    ],
)
def test_looked_after_first_review_due_in_20_working_days(became_looked_after, expected):
    assert clocks.looked_after_first_review_due(became_looked_after) == expected


@pytest.mark.parametrize(
    "first_review, expected",
    [
        (D(2025, 6, 15), D(2025, 9, 15)),
        (D(2025, 11, 30), D(2026, 2, 28)),
        (D(2023, 11, 30), D(2024, 2, 29)),
    ],
)
def test_looked_after_second_review_due_in_3_months(first_review, expected):
    assert clocks.looked_after_second_review_due(first_review) == expected


@pytest.mark.parametrize(
    "last_review, expected",
    [
        (D(2025, 6, 15), D(2025, 12, 15)),
        (D(2024, 8, 31), D(2025, 2, 28)),
        (D(2023, 8, 29), D(2024, 2, 29)),
        (D(2025, 3, 31), D(2025, 9, 30)),
    ],
)
def test_looked_after_next_review_due_in_6_months(last_review, expected):
    assert clocks.looked_after_next_review_due(last_review) == expected


@pytest.mark.parametrize(
    "first_short_break, expected",
    [
        # Reg 48: three calendar months, where another looked-after child's first review is 20 working
        # days on (Monday 2 March 2026 would give Monday 30 March).
        (D(2026, 3, 2), D(2026, 6, 2)),
        (D(2025, 11, 30), D(2026, 2, 28)),  # no 30 February: the end of February, never 2 March
        (D(2023, 11, 30), D(2024, 2, 29)),  # leap year
        (D(2026, 3, 31), D(2026, 6, 30)),
    ],
)
def test_a_child_on_short_breaks_is_first_reviewed_within_3_months_of_the_first_break_reg_48(
    first_short_break, expected
):
    assert clocks.short_breaks_first_review_due(first_short_break) == expected


@pytest.mark.parametrize(
    "last_review, expected",
    [
        # Reg 48: every review after the first is within six months of the one before (no 3-month second).
        (D(2026, 3, 10), D(2026, 9, 10)),
        (D(2025, 8, 31), D(2026, 2, 28)),
        (D(2023, 8, 31), D(2024, 2, 29)),  # leap year
    ],
)
def test_a_child_on_short_breaks_is_reviewed_again_within_6_months_reg_48(last_review, expected):
    assert clocks.short_breaks_next_review_due(last_review) == expected


@pytest.mark.parametrize(
    "issued, expected",
    [
        # Issued Monday 6 January 2025: day 1 is the issue day, so the 182nd day is Sunday 6 July 2025
        # (25 days to the end of January, then 28, 31, 30, 31, 30 = 175, then 6 in July = 181 after issue).
        (D(2025, 1, 6), D(2025, 7, 6)),
        # Wednesday 20 December 2023, over 29 February 2024: Tuesday 18 June 2024.
        (D(2023, 12, 20), D(2024, 6, 18)),
        # Friday 4 July 2025: Thursday 1 January 2026 (a bank holiday does not move a court timetable).
        (D(2025, 7, 4), D(2026, 1, 1)),
        # Thursday 3 July 2025: Wednesday 31 December 2025.
        (D(2025, 7, 3), D(2025, 12, 31)),
    ],
)
def test_proceedings_due_on_the_last_day_of_26_weeks_beginning_with_issue(issued, expected):
    assert clocks.proceedings_due(issued) == expected
    # The last day of a 26-week period that begins on the issue day is the weekday before the issue's.
    assert (expected.weekday() + 1) % 7 == issued.weekday()


# ---- Properties: the working-day clocks land on working days and count exactly ----------------------------

WORKING_DAY_CLOCKS = [
    (clocks.referral_decision_due, 1),
    (clocks.assessment_due, 45),
    (clocks.icpc_due, 15),
    (clocks.first_core_group_due, 10),
    (clocks.looked_after_first_review_due, 20),
]


@pytest.mark.parametrize("clock, working_days", WORKING_DAY_CLOCKS)
@given(start=st.dates(datetime.date(2018, 1, 1), datetime.date(2035, 12, 31)))
def test_working_day_clocks_land_on_a_working_day_exactly_their_count_on(clock, working_days, start):
    due = clock(start)
    assert is_working_day(due)
    assert working_days_between(start, due) == working_days
    # And not a day later than needed: the working day before it is one short.
    assert working_days_between(start, due - datetime.timedelta(days=1)) == working_days - 1


@given(
    start=st.dates(datetime.date(2018, 1, 1), datetime.date(2035, 12, 31)),
    every=st.integers(min_value=1, max_value=60),
)
def test_next_visit_due_lands_on_a_working_day(start, every):
    due = clocks.next_visit_due(start, every_working_days=every)
    assert is_working_day(due)
    assert working_days_between(start, due) == every


MONTH_CLOCKS = [
    (clocks.next_core_group_due, 1),
    (clocks.first_review_conference_due, 3),
    (clocks.next_review_conference_due, 6),
    (clocks.looked_after_second_review_due, 3),
    (clocks.looked_after_next_review_due, 6),
    (clocks.short_breaks_first_review_due, 3),
    (clocks.short_breaks_next_review_due, 6),
]


@pytest.mark.parametrize("clock, months", MONTH_CLOCKS)
@given(start=st.dates(datetime.date(2018, 1, 1), datetime.date(2035, 12, 31)))
def test_month_clocks_are_never_later_than_the_same_day_months_on(clock, months, start):
    due = clock(start)
    assert (due.year * 12 + due.month) - (start.year * 12 + start.month) == months
    assert due.day <= start.day
