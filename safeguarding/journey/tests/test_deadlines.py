"""A child's outstanding statutory deadlines: which records start and stop each clock, and the rows kept.

The rule tests build one child's journey in memory from unsaved records (no database): child_deadlines is
pure. Dates are in 2026, whose England and Wales bank holidays in reach are Good Friday 3 April, Easter
Monday 6 April and the early May bank holiday on 4 May. The refresh tests use the database.
"""

from __future__ import annotations

import datetime
import io

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from safeguarding.journey import clocks
from safeguarding.journey.deadlines import ChildJourney, DueDate, child_deadlines, deadlines_refresh
from safeguarding.journey.models import (
    Assessment,
    CareProceedings,
    ChildInNeedPlan,
    ChildProtectionPlan,
    CoreGroupMeeting,
    DeadlineKind,
    EpisodeOfNeed,
    LookedAfterEpisode,
    LookedAfterReview,
    ReviewConference,
    Section47Enquiry,
    Visit,
)
from safeguarding.people.tests.factories import FamilyFactory, FamilyMemberFactory, PersonFactory
from safeguarding.tasks.models import Deadline

Kind = DeadlineKind
d = datetime.date
# A Tuesday, with Easter 2026 and the early May bank holiday within 45 working days of it.
TUESDAY_3_MARCH = d(2026, 3, 3)


def deadlines(journey: ChildJourney, *, cp: int = 10, cin: int = 20) -> list[DueDate]:
    return child_deadlines(journey, cp_visit_working_days=cp, cin_visit_working_days=cin)


def of_kind(journey: ChildJourney, kind: str, **kwargs) -> list[DueDate]:
    return [due for due in deadlines(journey, **kwargs) if due.kind == kind]


def only(journey: ChildJourney, kind: str, **kwargs) -> DueDate:
    found = of_kind(journey, kind, **kwargs)
    assert len(found) == 1, found
    return found[0]


def episode(referral=TUESDAY_3_MARCH, **kwargs) -> EpisodeOfNeed:
    return EpisodeOfNeed(referral_date=referral, referral_source="3A", **kwargs)


def cp_plan(start=TUESDAY_3_MARCH, **kwargs) -> ChildProtectionPlan:
    return ChildProtectionPlan(start_date=start, initial_category="NEG", latest_category="NEG", **kwargs)


def visit(day, seen=True) -> Visit:
    return Visit(date=day, child_seen=seen)


def looked_after(start, reason, placement="U6", end=None) -> LookedAfterEpisode:
    return LookedAfterEpisode(
        start_date=start,
        reason_new_episode=reason,
        legal_status="C2",
        category_of_need="N1",
        placement_type=placement,
        end_date=end,
        reason_ceased="X1" if end else "",
    )


# ---- Nothing recorded ------------------------------------------------------------------------------------


def test_a_child_with_no_records_has_no_deadlines():
    assert deadlines(ChildJourney()) == []


# ---- Assessment ------------------------------------------------------------------------------------------


def test_an_open_referral_needs_an_assessment_within_45_working_days_of_it():
    due = only(ChildJourney(episodes=[episode(d(2026, 3, 3))]), Kind.ASSESSMENT)
    # 45 working days from Tuesday 3 March 2026, stepping over Easter and the early May bank holiday.
    assert due.due_date == d(2026, 5, 8)
    assert due.basis == "45 working days from the referral on 3 March 2026"


def test_the_first_assessment_of_an_episode_runs_from_the_referral_not_its_own_start():
    referral = episode(d(2026, 3, 3))
    started = Assessment(episode=referral, start_date=d(2026, 3, 20))
    due = only(ChildJourney(episodes=[referral], assessments=[started]), Kind.ASSESSMENT)
    assert due.due_date == d(2026, 5, 8)


def test_an_authorised_assessment_stops_the_clock():
    referral = episode()
    done = Assessment(episode=referral, start_date=d(2026, 3, 4), authorised_on=d(2026, 4, 1))
    assert of_kind(ChildJourney(episodes=[referral], assessments=[done]), Kind.ASSESSMENT) == []


def test_a_later_assessment_in_the_same_episode_runs_from_its_own_start():
    referral = episode(d(2025, 1, 6))
    first = Assessment(episode=referral, start_date=d(2025, 1, 7), authorised_on=d(2025, 2, 20))
    again = Assessment(episode=referral, start_date=d(2026, 3, 3))
    due = only(ChildJourney(episodes=[referral], assessments=[again, first]), Kind.ASSESSMENT)
    assert due.due_date == d(2026, 5, 8)
    assert due.basis == "45 working days from the assessment started on 3 March 2026"


@pytest.mark.parametrize(
    "record",
    [
        pytest.param({"no_further_action": True}, id="no further action at referral"),
        pytest.param({"closure_date": d(2026, 3, 10), "closure_reason": "RC7"}, id="closed"),
    ],
)
def test_no_assessment_is_due_on_a_referral_closed_or_decided_no_further_action(record):
    assert of_kind(ChildJourney(episodes=[episode(**record)]), Kind.ASSESSMENT) == []


def test_assessments_of_a_closed_episode_do_not_count_against_a_new_one():
    old = episode(d(2025, 1, 6), closure_date=d(2025, 6, 1), closure_reason="RC7")
    new = episode(d(2026, 3, 3))
    stale = Assessment(episode=old, start_date=d(2025, 1, 7))
    due = only(ChildJourney(episodes=[old, new], assessments=[stale]), Kind.ASSESSMENT)
    assert due.due_date == d(2026, 5, 8)


# ---- Initial child protection conference -----------------------------------------------------------------


def s47(ep, **kwargs) -> Section47Enquiry:
    strategy = kwargs.pop("strategy", d(2026, 3, 3))
    return Section47Enquiry(
        episode=ep,
        strategy_discussion_date=strategy,
        start_date=strategy,
        icpc_target=clocks.icpc_due(strategy),
        **kwargs,
    )


def test_an_open_section_47_enquiry_needs_its_conference_by_the_recorded_target():
    ep = episode()
    enquiry = s47(ep, strategy=d(2026, 3, 3))
    due = only(ChildJourney(episodes=[ep], section47_enquiries=[enquiry]), Kind.ICPC)
    # 15 working days from Tuesday 3 March 2026.
    assert due.due_date == d(2026, 3, 24) == enquiry.icpc_target
    assert due.basis == "15 working days from the strategy discussion on 3 March 2026"


@pytest.mark.parametrize(
    "outcome",
    [
        pytest.param({"icpc_date": d(2026, 3, 20)}, id="held"),
        pytest.param({"icpc_not_required": True}, id="not needed"),
    ],
)
def test_no_conference_is_due_once_held_or_found_not_needed(outcome):
    ep = episode()
    assert of_kind(ChildJourney(episodes=[ep], section47_enquiries=[s47(ep, **outcome)]), Kind.ICPC) == []


def test_no_conference_is_due_for_an_enquiry_on_a_closed_episode():
    ep = episode(closure_date=d(2026, 3, 10), closure_reason="RC7")
    assert of_kind(ChildJourney(episodes=[ep], section47_enquiries=[s47(ep)]), Kind.ICPC) == []


# ---- Child protection plan -------------------------------------------------------------------------------


def test_a_new_plan_needs_its_first_core_group_within_10_working_days_of_the_conference():
    plan = cp_plan(d(2026, 3, 3))
    due = only(ChildJourney(cp_plans=[plan]), Kind.FIRST_CORE_GROUP)
    assert due.due_date == d(2026, 3, 17)
    assert due.basis == "10 working days from the initial conference on 3 March 2026"
    assert of_kind(ChildJourney(cp_plans=[plan]), Kind.CORE_GROUP) == []


def test_after_the_first_core_group_the_next_is_due_within_a_month_of_the_last():
    plan = cp_plan(d(2026, 1, 5))
    meetings = [
        CoreGroupMeeting(plan=plan, date=day) for day in (d(2026, 1, 15), d(2026, 2, 28), d(2026, 1, 30))
    ]
    journey = ChildJourney(cp_plans=[plan], core_groups=meetings)
    assert of_kind(journey, Kind.FIRST_CORE_GROUP) == []
    due = only(journey, Kind.CORE_GROUP)
    assert due.due_date == d(2026, 3, 28)
    assert due.basis == "1 month from the last core group on 28 February 2026"


def test_core_groups_of_an_earlier_plan_do_not_count_for_the_current_one():
    old = cp_plan(d(2025, 1, 6), end_date=d(2025, 9, 1), end_reason="no_longer_needed")
    new = cp_plan(d(2026, 3, 3))
    journey = ChildJourney(cp_plans=[old, new], core_groups=[CoreGroupMeeting(plan=old, date=d(2025, 2, 1))])
    assert only(journey, Kind.FIRST_CORE_GROUP).due_date == d(2026, 3, 17)


def test_the_first_review_conference_is_due_within_3_months_then_every_6_months():
    plan = cp_plan(d(2025, 11, 30))
    first = only(ChildJourney(cp_plans=[plan]), Kind.REVIEW_CONFERENCE)
    # 30 November + 3 months is the end of February, never a day in March.
    assert first.due_date == d(2026, 2, 28)
    assert first.basis == "3 months from the initial conference on 30 November 2025"
    reviews = [ReviewConference(plan=plan, date=d(2026, 2, 20))]
    later = only(ChildJourney(cp_plans=[plan], review_conferences=reviews), Kind.REVIEW_CONFERENCE)
    assert later.due_date == d(2026, 8, 20)
    assert later.basis == "6 months from the last review conference on 20 February 2026"


def test_an_ended_plan_has_no_core_group_review_or_visit_due():
    plan = cp_plan(d(2025, 6, 2), end_date=d(2026, 1, 5), end_reason="no_longer_needed")
    assert deadlines(ChildJourney(cp_plans=[plan])) == []


def test_child_protection_visits_run_from_the_plan_start_before_any_visit():
    due = only(ChildJourney(cp_plans=[cp_plan(d(2026, 3, 3))]), Kind.CP_VISIT)
    assert due.due_date == d(2026, 3, 17)
    assert due.basis == "10 working days from the start of the child protection plan on 3 March 2026"


def test_child_protection_visits_run_from_the_last_visit_where_the_child_was_seen():
    visits = [visit(d(2026, 3, 10)), visit(d(2026, 3, 24)), visit(d(2026, 3, 12))]
    due = only(ChildJourney(cp_plans=[cp_plan(d(2026, 3, 3))], visits=visits), Kind.CP_VISIT)
    # 10 working days from Tuesday 24 March 2026, stepping over Good Friday and Easter Monday.
    assert due.due_date == d(2026, 4, 9)
    assert due.basis == "10 working days from the last visit where the child was seen, on 24 March 2026"


def test_a_visit_where_the_child_was_not_seen_does_not_meet_the_standard():
    visits = [visit(d(2026, 3, 10)), visit(d(2026, 3, 16), seen=False)]
    due = only(ChildJourney(cp_plans=[cp_plan(d(2026, 3, 3))], visits=visits), Kind.CP_VISIT)
    assert due.due_date == clocks.next_visit_due(d(2026, 3, 10), every_working_days=10)


def test_a_visit_before_the_plan_started_does_not_count():
    visits = [visit(d(2026, 3, 2))]
    due = only(ChildJourney(cp_plans=[cp_plan(d(2026, 3, 3))], visits=visits), Kind.CP_VISIT)
    assert due.due_date == d(2026, 3, 17)


def test_the_child_protection_visiting_standard_is_the_councils_setting():
    due = only(ChildJourney(cp_plans=[cp_plan(d(2026, 3, 3))]), Kind.CP_VISIT, cp=5)
    assert due.due_date == d(2026, 3, 10)
    assert due.basis.startswith("5 working days")


# ---- Child in need plan ----------------------------------------------------------------------------------


def test_child_in_need_visits_run_to_the_cin_standard():
    journey = ChildJourney(
        cin_plans=[ChildInNeedPlan(start_date=d(2026, 3, 3))], visits=[visit(d(2026, 3, 5))]
    )
    due = only(journey, Kind.CIN_VISIT)
    assert due.due_date == clocks.next_visit_due(d(2026, 3, 5), every_working_days=20)
    assert due.basis == "20 working days from the last visit where the child was seen, on 5 March 2026"
    assert only(journey, Kind.CIN_VISIT, cin=15).due_date == clocks.next_visit_due(
        d(2026, 3, 5), every_working_days=15
    )


def test_no_cin_visit_is_due_while_a_child_protection_plan_is_open():
    journey = ChildJourney(
        cp_plans=[cp_plan(d(2026, 3, 3))], cin_plans=[ChildInNeedPlan(start_date=d(2026, 3, 3))]
    )
    assert of_kind(journey, Kind.CIN_VISIT) == []
    assert len(of_kind(journey, Kind.CP_VISIT)) == 1


def test_after_a_step_down_visits_follow_the_cin_plan_from_its_start():
    ended = cp_plan(d(2025, 9, 1), end_date=d(2026, 3, 2), end_reason="step_down_cin")
    journey = ChildJourney(
        cp_plans=[ended],
        cin_plans=[ChildInNeedPlan(start_date=d(2026, 3, 3))],
        visits=[visit(d(2026, 2, 27))],  # the last child protection visit, before the CIN plan
    )
    assert of_kind(journey, Kind.CP_VISIT) == []
    assert of_kind(journey, Kind.FIRST_CORE_GROUP) == of_kind(journey, Kind.REVIEW_CONFERENCE) == []
    due = only(journey, Kind.CIN_VISIT)
    assert due.due_date == clocks.next_visit_due(d(2026, 3, 3), every_working_days=20)
    assert due.basis == "20 working days from the start of the child in need plan on 3 March 2026"


def test_an_ended_cin_plan_has_no_visit_due():
    plan = ChildInNeedPlan(start_date=d(2026, 1, 5), end_date=d(2026, 3, 1))
    assert deadlines(ChildJourney(cin_plans=[plan])) == []


# ---- Looked-after children -------------------------------------------------------------------------------


def test_a_child_newly_looked_after_is_visited_within_a_week_and_reviewed_within_20_working_days():
    journey = ChildJourney(looked_after_episodes=[looked_after(d(2026, 3, 3), "S")])
    visit_due = only(journey, Kind.LAC_VISIT)
    assert visit_due.due_date == d(2026, 3, 10)
    assert visit_due.basis == "1 week from the start of the placement on 3 March 2026"
    review_due = only(journey, Kind.LAC_REVIEW)
    assert review_due.due_date == d(2026, 3, 31)
    assert review_due.basis == "20 working days from becoming looked after on 3 March 2026"


def test_a_change_of_placement_needs_a_first_visit_within_a_week_of_the_new_placement():
    episodes = [
        looked_after(d(2026, 1, 5), "S", end=d(2026, 3, 3)),
        looked_after(d(2026, 3, 3), "P"),
    ]
    journey = ChildJourney(looked_after_episodes=episodes, visits=[visit(d(2026, 2, 20))])
    assert only(journey, Kind.LAC_VISIT).due_date == d(2026, 3, 10)
    # The period of care, and so the review clock, still starts at the "S" episode.
    assert (
        only(journey, Kind.LAC_REVIEW).basis == "20 working days from becoming looked after on 5 January 2026"
    )


def test_a_change_of_legal_status_only_is_not_a_new_placement():
    episodes = [
        looked_after(d(2026, 1, 5), "S", end=d(2026, 3, 3)),
        looked_after(d(2026, 3, 3), "L"),
    ]
    journey = ChildJourney(
        looked_after_episodes=episodes, visits=[visit(d(2026, 1, 9)), visit(d(2026, 2, 20))]
    )
    due = only(journey, Kind.LAC_VISIT)
    assert due.due_date == d(2026, 2, 20) + datetime.timedelta(weeks=6)
    assert due.basis == "6 weeks from the last visit where the child was seen, on 20 February 2026"


def test_looked_after_visits_not_seen_do_not_count():
    journey = ChildJourney(
        looked_after_episodes=[looked_after(d(2026, 3, 3), "S")], visits=[visit(d(2026, 3, 6), seen=False)]
    )
    assert only(journey, Kind.LAC_VISIT).due_date == d(2026, 3, 10)


@pytest.mark.parametrize(
    ("placement", "expected"),
    [
        pytest.param("U4", d(2026, 6, 10), id="long-term foster placement: 3 months"),
        pytest.param("U6", d(2026, 3, 10) + datetime.timedelta(weeks=6), id="other placement: 6 weeks"),
    ],
)
def test_after_the_first_year_a_long_term_placement_is_visited_at_least_3_monthly(placement, expected):
    journey = ChildJourney(
        looked_after_episodes=[looked_after(d(2024, 9, 2), "S", placement=placement)],
        visits=[visit(d(2026, 3, 10))],
    )
    assert only(journey, Kind.LAC_VISIT).due_date == expected


def test_in_the_first_year_even_a_long_term_placement_is_visited_6_weekly():
    journey = ChildJourney(
        looked_after_episodes=[looked_after(d(2026, 1, 5), "S", placement="U1")],
        visits=[visit(d(2026, 3, 10))],
    )
    assert only(journey, Kind.LAC_VISIT).due_date == d(2026, 4, 21)


def test_looked_after_reviews_are_20_working_days_then_3_months_then_6_monthly():
    episodes = [looked_after(d(2025, 6, 2), "S")]
    one = [LookedAfterReview(date=d(2025, 6, 25), participation="PN1")]
    two = [*one, LookedAfterReview(date=d(2025, 9, 20), participation="PN1")]
    second = only(ChildJourney(looked_after_episodes=episodes, looked_after_reviews=one), Kind.LAC_REVIEW)
    assert (second.due_date, second.basis) == (
        d(2025, 9, 25),
        "3 months from the first review on 25 June 2025",
    )
    third = only(ChildJourney(looked_after_episodes=episodes, looked_after_reviews=two), Kind.LAC_REVIEW)
    assert (third.due_date, third.basis) == (
        d(2026, 3, 20),
        "6 months from the last review on 20 September 2025",
    )


def test_reviews_from_an_earlier_period_of_care_do_not_count():
    episodes = [
        looked_after(d(2024, 1, 8), "S", end=d(2024, 12, 2)),
        looked_after(d(2026, 3, 3), "S"),
    ]
    old_reviews = [LookedAfterReview(date=day, participation="PN1") for day in (d(2024, 2, 1), d(2024, 5, 1))]
    journey = ChildJourney(looked_after_episodes=episodes, looked_after_reviews=old_reviews)
    assert only(journey, Kind.LAC_REVIEW).due_date == d(2026, 3, 31)


def test_a_child_no_longer_looked_after_has_no_visit_or_review_due():
    ended = looked_after(d(2025, 6, 2), "S", end=d(2026, 2, 1))
    ended.reason_ceased = "E4A"
    assert deadlines(ChildJourney(looked_after_episodes=[ended])) == []


# ---- Looked-after children: the clocks follow the legal status ------------------------------------------
# Monday 2 March 2026 is the usual start. Each row names the regulation of the Care Planning, Placement and
# Case Review (England) Regulations 2010 it checks; rows marked "unchanged" pin the general rule beside it.


def care(start, reason, legal, placement, end=None, ceased="X1") -> LookedAfterEpisode:
    return LookedAfterEpisode(
        start_date=start,
        reason_new_episode=reason,
        legal_status=legal,
        category_of_need="N1",
        placement_type=placement,
        end_date=end,
        reason_ceased=ceased if end else "",
    )


def lac_review(day) -> LookedAfterReview:
    return LookedAfterReview(date=day, participation="PN1")


ON_ICO_AT_HOME = "living with parents on an interim care order"
WEEKLY_ON_ICO_AT_HOME = f"weekly until the first review, {ON_ICO_AT_HOME}"


@pytest.mark.parametrize(
    ("episodes", "visits", "reviews", "due_date", "basis"),
    [
        pytest.param(
            [care(d(2026, 3, 2), "S", "C1", "U6")],
            [visit(d(2026, 3, 10))],
            [],
            d(2026, 4, 21),
            "6 weeks from the last visit where the child was seen, on 10 March 2026",
            id="reg 28(2)(b) unchanged: interim care order in foster care, 6-weekly",
        ),
        pytest.param(
            [care(d(2026, 3, 2), "S", "C1", "P1")],
            [],
            [],
            d(2026, 3, 9),
            "1 week from the start of the placement on 2 March 2026",
            id="reg 28(4)(a): interim care order at home, first visit within a week of placement",
        ),
        pytest.param(
            [care(d(2026, 3, 2), "S", "C1", "P1")],
            [visit(d(2026, 3, 2))],
            [],
            d(2026, 3, 9),
            f"1 week from the last visit where the child was seen, on 2 March 2026: {WEEKLY_ON_ICO_AT_HOME}",
            id="reg 28(4)(a): interim care order at home, a visit on the day of placement, then weekly",
        ),
        pytest.param(
            [care(d(2026, 3, 2), "S", "C1", "P1")],
            [visit(d(2026, 3, 1))],
            [],
            d(2026, 3, 9),
            "1 week from the start of the placement on 2 March 2026",
            id="reg 28(4)(a): a visit the day before the placement does not count",
        ),
        pytest.param(
            [care(d(2026, 3, 2), "S", "C1", "P1")],
            [visit(d(2026, 3, 2)), visit(d(2026, 3, 6), seen=False)],
            [],
            d(2026, 3, 9),
            f"1 week from the last visit where the child was seen, on 2 March 2026: {WEEKLY_ON_ICO_AT_HOME}",
            id="reg 28(4)(a): a visit where the child was not seen does not count",
        ),
        pytest.param(
            [care(d(2026, 3, 2), "S", "C1", "P1")],
            [visit(d(2026, 3, 9)), visit(d(2026, 3, 16)), visit(d(2026, 3, 23))],
            [],
            d(2026, 3, 30),
            f"1 week from the last visit where the child was seen, on 23 March 2026: {WEEKLY_ON_ICO_AT_HOME}",
            id="reg 28(4)(a): still weekly while the first review is not held",
        ),
        pytest.param(
            [care(d(2026, 3, 2), "S", "C1", "P1")],
            [visit(d(2026, 3, 23))],
            [lac_review(d(2026, 3, 23))],
            d(2026, 4, 20),
            f"4 weeks from the last visit where the child was seen, on 23 March 2026: {ON_ICO_AT_HOME}",
            id="reg 28(4)(b): first review held the day of the last visit, then 4-weekly",
        ),
        pytest.param(
            [care(d(2026, 3, 2), "S", "C1", "P1")],
            [visit(d(2026, 3, 23))],
            [lac_review(d(2026, 3, 27))],
            d(2026, 4, 20),
            f"4 weeks from the last visit where the child was seen, on 23 March 2026: {ON_ICO_AT_HOME}",
            id="reg 28(4)(b): first review held after the last visit, 4 weeks from that visit",
        ),
        pytest.param(
            [
                care(d(2025, 7, 1), "S", "V2", "U6", end=d(2025, 9, 1), ceased="E4A"),
                care(d(2026, 3, 2), "S", "C1", "P1"),
            ],
            [visit(d(2026, 3, 9))],
            [lac_review(d(2025, 7, 28))],
            d(2026, 3, 16),
            f"1 week from the last visit where the child was seen, on 9 March 2026: {WEEKLY_ON_ICO_AT_HOME}",
            id="reg 28(4)(a): a review in an earlier period of care is not the first review",
        ),
        pytest.param(
            [care(d(2026, 1, 5), "S", "C1", "P1", end=d(2026, 3, 2)), care(d(2026, 3, 2), "L", "C2", "P1")],
            [visit(d(2026, 2, 27))],
            [lac_review(d(2026, 1, 29))],
            d(2026, 3, 9),
            "1 week from the care order made on 2 March 2026 while living with parents",
            id="reg 28(5)(a): care order made while at home (legal status only), a visit within a week",
        ),
        pytest.param(
            [care(d(2026, 1, 5), "S", "C1", "P1", end=d(2026, 3, 2)), care(d(2026, 3, 2), "L", "C2", "P1")],
            [visit(d(2026, 3, 2))],
            [lac_review(d(2026, 1, 29))],
            d(2026, 4, 13),
            "6 weeks from the last visit where the child was seen, on 2 March 2026",
            id="reg 28(5)(b): a visit on the day of the order, then 6-weekly",
        ),
        pytest.param(
            [care(d(2026, 1, 5), "S", "C1", "U6", end=d(2026, 3, 2)), care(d(2026, 3, 2), "B", "C2", "P1")],
            [visit(d(2026, 2, 27))],
            [],
            d(2026, 3, 9),
            "1 week from the care order made on 2 March 2026 while living with parents",
            id="reg 28(5)(a): moved home on the day the care order was made",
        ),
        pytest.param(
            [care(d(2026, 1, 5), "S", "C2", "U6", end=d(2026, 3, 2)), care(d(2026, 3, 2), "P", "C2", "P1")],
            [visit(d(2026, 2, 20))],
            [],
            d(2026, 3, 9),
            "1 week from the start of the placement on 2 March 2026",
            id="reg 28(2)(a): care order made in foster care, moved home later: a week from the move",
        ),
        pytest.param(
            [care(d(2024, 9, 2), "S", "C2", "P1")],
            [visit(d(2026, 3, 10))],
            [],
            d(2026, 4, 21),
            "6 weeks from the last visit where the child was seen, on 10 March 2026",
            id="reg 28(5)(b): at home on a care order after the first year, still 6-weekly",
        ),
        pytest.param(
            [care(d(2024, 9, 2), "S", "C2", "U4")],
            [visit(d(2026, 3, 10))],
            [],
            d(2026, 6, 10),
            "3 months from the last visit where the child was seen, on 10 March 2026",
            id="reg 28(2)(c)(i) unchanged: long-term foster placement after the first year, 3-monthly",
        ),
    ],
)
def test_looked_after_visits_follow_the_legal_status_and_placement(
    episodes, visits, reviews, due_date, basis
):
    journey = ChildJourney(looked_after_episodes=episodes, visits=visits, looked_after_reviews=reviews)
    due = only(journey, Kind.LAC_VISIT)
    assert (due.due_date, due.basis) == (due_date, basis)


@pytest.mark.parametrize(
    ("episodes", "reviews", "due_date", "basis"),
    [
        pytest.param(
            [care(d(2026, 3, 2), "S", "V2", "U6")],
            [],
            d(2026, 3, 30),
            "20 working days from becoming looked after on 2 March 2026",
            id="reg 33 unchanged: accommodated under section 20 (V2), 20 working days",
        ),
        pytest.param(
            [care(d(2026, 3, 2), "S", "V3", "U6")],
            [],
            d(2026, 6, 2),
            "3 months from the first short break on 2 March 2026",
            id="reg 48: a first short break (V3), 3 months",
        ),
        pytest.param(
            [care(d(2026, 3, 2), "S", "V4", "U6")],
            [],
            d(2026, 6, 2),
            "3 months from the first short break on 2 March 2026",
            id="reg 48: short breaks recorded as an agreement (V4), 3 months",
        ),
        pytest.param(
            [
                care(d(2026, 1, 5), "S", "V3", "U6", end=d(2026, 1, 9), ceased="E4A"),
                care(d(2026, 2, 2), "S", "V3", "U6", end=d(2026, 2, 6), ceased="E4A"),
                care(d(2026, 3, 2), "S", "V3", "U6"),
            ],
            [],
            d(2026, 4, 5),
            "3 months from the first short break on 5 January 2026",
            id="reg 48: each break its own episode, 3 months from the first break of the series",
        ),
        pytest.param(
            [
                care(d(2026, 1, 5), "S", "V3", "U6", end=d(2026, 1, 9), ceased="E4A"),
                care(d(2026, 3, 2), "S", "V3", "U6"),
            ],
            [lac_review(d(2026, 3, 4))],
            d(2026, 9, 4),
            "6 months from the last review on 4 March 2026",
            id="reg 48: after the first review, 6 months (no 3-month second review)",
        ),
        pytest.param(
            [
                care(d(2025, 7, 1), "S", "V2", "U6", end=d(2025, 9, 1), ceased="E4A"),
                care(d(2026, 1, 5), "S", "V3", "U6", end=d(2026, 1, 9), ceased="E4A"),
                care(d(2026, 3, 2), "S", "V3", "U6"),
            ],
            [lac_review(d(2025, 7, 28))],
            d(2026, 4, 5),
            "3 months from the first short break on 5 January 2026",
            id="reg 48: a review before the series of short breaks does not count",
        ),
        pytest.param(
            [
                care(d(2026, 1, 5), "S", "V3", "U6", end=d(2026, 1, 9), ceased="E4A"),
                care(d(2026, 3, 2), "S", "V2", "U6"),
            ],
            [],
            d(2026, 3, 30),
            "20 working days from becoming looked after on 2 March 2026",
            id="reg 33: after short breaks, full-time care under section 20 is a new period, 20 working days",
        ),
    ],
)
def test_looked_after_reviews_follow_the_legal_status(episodes, reviews, due_date, basis):
    journey = ChildJourney(looked_after_episodes=episodes, looked_after_reviews=reviews)
    due = only(journey, Kind.LAC_REVIEW)
    assert (due.due_date, due.basis) == (due_date, basis)


def short_break(start, end, ceased="E4A") -> LookedAfterEpisode:
    """One break of an agreed series of short breaks recorded break by break (SSDA903 V3): each starts with
    reason S (DfE rule 366) and ends when the child goes home."""
    return care(start, "S", "V3", "U6", end=end, ceased=ceased)


@pytest.mark.parametrize(
    ("episodes", "reviews", "due_date", "basis"),
    [
        pytest.param(
            [short_break(d(2026, 1, 5), d(2026, 1, 9))],
            [],
            d(2026, 4, 5),
            "3 months from the first short break on 5 January 2026",
            id="reg 48: at home after the first break, still first reviewed 3 months from its start",
        ),
        pytest.param(
            [short_break(d(2026, 1, 5), d(2026, 1, 9)), short_break(d(2026, 2, 2), d(2026, 2, 6))],
            [],
            d(2026, 4, 5),
            "3 months from the first short break on 5 January 2026",
            id="reg 48: at home after the second break, the clock runs from the first",
        ),
        pytest.param(
            [short_break(d(2026, 1, 5), d(2026, 1, 9)), short_break(d(2026, 2, 2), d(2026, 2, 6))],
            [lac_review(d(2026, 3, 31))],
            d(2026, 9, 30),
            "6 months from the last review on 31 March 2026",
            id="reg 48: reviewed at home between breaks, the next within 6 months",
        ),
        pytest.param(
            [short_break(d(2026, 1, 5), d(2026, 1, 9), ceased="E4B")],
            [lac_review(d(2026, 3, 31)), lac_review(d(2026, 7, 9))],
            d(2027, 1, 9),
            "6 months from the last review on 9 July 2026",
            id="reg 48: a review due on the day the arrangement lapses (a year from the last break) is owed",
        ),
        pytest.param(
            [
                short_break(d(2024, 6, 3), d(2024, 6, 7)),
                short_break(d(2026, 1, 5), d(2026, 1, 9)),
            ],
            [lac_review(d(2024, 8, 1))],
            d(2026, 4, 5),
            "3 months from the first short break on 5 January 2026",
            id="reg 48: breaks restarted after more than 12 months are a new series, first reviewed afresh",
        ),
        pytest.param(
            [
                care(d(2025, 6, 2), "S", "C2", "U6", end=d(2025, 12, 1), ceased="E4A"),
                short_break(d(2026, 1, 5), d(2026, 1, 9)),
            ],
            [lac_review(d(2025, 6, 27))],
            d(2026, 4, 5),
            "3 months from the first short break on 5 January 2026",
            id="reg 48: a review in an earlier period of full-time care does not count",
        ),
    ],
)
def test_a_child_on_short_breaks_stays_on_the_review_clock_between_breaks(episodes, reviews, due_date, basis):
    journey = ChildJourney(looked_after_episodes=episodes, looked_after_reviews=reviews)
    due = only(journey, Kind.LAC_REVIEW)
    assert (due.due_date, due.basis) == (due_date, basis)
    # At home between breaks: no placement, so no reg 28 visit falls due.
    assert of_kind(journey, Kind.LAC_VISIT) == []


@pytest.mark.parametrize(
    ("episodes", "reviews"),
    [
        pytest.param(
            [short_break(d(2026, 1, 5), d(2026, 1, 9), ceased="E8")],
            [],
            id="the last break ended with E8, ceased for any other reason: the arrangement was ended",
        ),
        pytest.param(
            [short_break(d(2026, 1, 5), d(2026, 1, 9), ceased="E3")],
            [],
            id="care taken over by another council (E3)",
        ),
        pytest.param(
            [short_break(d(2026, 1, 5), d(2026, 1, 9))],
            [lac_review(d(2026, 3, 31)), lac_review(d(2026, 7, 10))],
            id="lapsed: the next review (10 January 2027) would fall after 12 months without a break",
        ),
        pytest.param(
            [care(d(2026, 1, 5), "S", "V2", "U6", end=d(2026, 3, 2), ceased="E4A")],
            [],
            id="reg 33: full-time care under section 20 that ended is not a series of short breaks",
        ),
        pytest.param(
            [care(d(2026, 1, 5), "S", "V4", "U6", end=d(2026, 12, 18), ceased="E4A")],
            [],
            id="a V4 agreement's episode is the whole agreement: its end ends the arrangement",
        ),
    ],
)
def test_no_short_breaks_review_is_due_once_the_arrangement_has_ended(episodes, reviews):
    journey = ChildJourney(looked_after_episodes=episodes, looked_after_reviews=reviews)
    assert of_kind(journey, Kind.LAC_REVIEW) == []


# ---- Care proceedings ------------------------------------------------------------------------------------


def test_care_proceedings_are_due_to_finish_26_weeks_from_issue():
    proceedings = CareProceedings(application_date=d(2026, 3, 3), court="Demo Family Court")
    due = only(ChildJourney(care_proceedings=[proceedings]), Kind.PROCEEDINGS)
    # How "26 weeks beginning with the day of issue" counts is clocks.py's business.
    assert due.due_date == clocks.proceedings_due(d(2026, 3, 3))
    assert due.basis == "26 weeks from the application issued on 3 March 2026"


def test_a_final_order_ends_the_proceedings_clock():
    proceedings = CareProceedings(
        application_date=d(2025, 3, 3), court="Demo Family Court", final_order_date=d(2025, 8, 1)
    )
    assert deadlines(ChildJourney(care_proceedings=[proceedings])) == []


# ---- Together --------------------------------------------------------------------------------------------


def test_deadlines_come_soonest_first():
    ep = episode(d(2026, 3, 3))
    journey = ChildJourney(
        episodes=[ep],
        section47_enquiries=[s47(ep, strategy=d(2026, 3, 3))],
        care_proceedings=[CareProceedings(application_date=d(2026, 1, 5), court="Demo Family Court")],
    )
    found = deadlines(journey)
    assert [due.kind for due in found] == [Kind.ICPC, Kind.ASSESSMENT, Kind.PROCEEDINGS]
    assert [due.due_date for due in found] == sorted(due.due_date for due in found)


# ---- deadlines_refresh (database) ------------------------------------------------------------------------


def child_in(family, **person):
    return FamilyMemberFactory(family=family, person=PersonFactory(**person)).person


def record_referral(child, referral=TUESDAY_3_MARCH) -> EpisodeOfNeed:
    return EpisodeOfNeed.objects.create(child=child, referral_date=referral, referral_source="3A")


def record_cp_plan(child, ep, start=TUESDAY_3_MARCH) -> ChildProtectionPlan:
    return ChildProtectionPlan.objects.create(
        child=child, episode=ep, start_date=start, initial_category="NEG", latest_category="NEG"
    )


@pytest.mark.django_db
def test_refresh_writes_each_childs_deadlines_against_their_current_family():
    family = FamilyFactory()
    mia = child_in(family)
    record_referral(mia)
    assert deadlines_refresh([mia.pk]) == 1
    row = Deadline.objects.get(child=mia)
    assert (row.kind, row.due_date, row.family_id) == (Kind.ASSESSMENT, d(2026, 5, 8), family.pk)
    assert row.basis == "45 working days from the referral on 3 March 2026"


@pytest.mark.django_db
def test_refresh_replaces_a_childs_rows_and_leaves_other_childrens_alone():
    family = FamilyFactory()
    mia, leo = child_in(family), child_in(family)
    ep = record_referral(mia)
    record_referral(leo)
    deadlines_refresh([mia.pk, leo.pk])
    leo_rows = set(Deadline.objects.filter(child=leo).values_list("pk", flat=True))

    Assessment.objects.create(child=mia, episode=ep, start_date=d(2026, 3, 4), authorised_on=d(2026, 4, 1))
    record_cp_plan(mia, ep)
    assert deadlines_refresh([str(mia.pk)]) == 3  # ids as text work too (from a URL or a command line)
    assert sorted(Deadline.objects.filter(child=mia).values_list("kind", flat=True)) == sorted(
        [Kind.FIRST_CORE_GROUP, Kind.REVIEW_CONFERENCE, Kind.CP_VISIT]
    )
    assert set(Deadline.objects.filter(child=leo).values_list("pk", flat=True)) == leo_rows


@pytest.mark.django_db
def test_refresh_clears_the_rows_of_a_child_with_nothing_outstanding():
    mia = child_in(FamilyFactory())
    ep = record_referral(mia)
    deadlines_refresh([mia.pk])
    ep.closure_date, ep.closure_reason = d(2026, 3, 20), "RC8"
    ep.save()
    assert deadlines_refresh([mia.pk]) == 0
    assert not Deadline.objects.filter(child=mia).exists()


@pytest.mark.django_db
def test_a_child_in_two_current_families_is_counted_against_the_one_they_joined_last():
    first, second = FamilyFactory(), FamilyFactory()
    mia = FamilyMemberFactory(family=first, joined_on=d(2025, 1, 1)).person
    FamilyMemberFactory(family=second, person=mia, joined_on=d(2026, 1, 1))
    record_referral(mia)
    deadlines_refresh([mia.pk])
    assert Deadline.objects.get(child=mia).family_id == second.pk


@pytest.mark.django_db
def test_a_child_who_joined_two_families_the_same_day_is_counted_against_the_same_one_every_time():
    families = [FamilyFactory(), FamilyFactory()]
    mia = FamilyMemberFactory(family=families[0], joined_on=d(2025, 1, 1)).person
    FamilyMemberFactory(family=families[1], person=mia, joined_on=d(2025, 1, 1))
    record_referral(mia)
    chosen = set()
    for _ in range(3):
        deadlines_refresh([mia.pk])
        chosen.add(Deadline.objects.get(child=mia).family_id)
    assert chosen == {min(families, key=lambda f: str(f.pk)).pk}


@pytest.mark.django_db
def test_a_child_who_left_their_family_keeps_deadlines_but_no_family_answers_for_them():
    family = FamilyFactory()
    mia = child_in(family)
    family.members.filter(person=mia).update(left_on=d(2026, 3, 1))
    record_referral(mia)
    deadlines_refresh([mia.pk])
    assert Deadline.objects.get(child=mia).family_id is None


@pytest.mark.django_db
def test_refresh_costs_the_same_queries_for_one_child_or_many():
    def refresh_queries(children):
        with CaptureQueriesContext(connection) as captured:
            deadlines_refresh([c.pk for c in children])
        return len(captured)

    family = FamilyFactory()
    one = [child_in(family)]
    record_cp_plan(one[0], record_referral(one[0]))
    many = [child_in(family) for _ in range(12)]
    for child in many:
        ep = record_referral(child)
        record_cp_plan(child, ep)
        Visit.objects.create(child=child, date=d(2026, 3, 5), child_seen=True)
    assert refresh_queries(one) == refresh_queries(many)
    assert Deadline.objects.filter(child__in=many, kind=Kind.CP_VISIT).count() == 12


@pytest.mark.django_db
def test_refresh_follows_the_councils_visiting_standard(settings):
    mia = child_in(FamilyFactory())
    record_cp_plan(mia, record_referral(mia))
    deadlines_refresh([mia.pk])
    assert Deadline.objects.get(child=mia, kind=Kind.CP_VISIT).due_date == d(2026, 3, 17)
    settings.CP_VISIT_WORKING_DAYS = 5
    call_command("deadlines_refresh", stdout=io.StringIO())
    assert Deadline.objects.get(child=mia, kind=Kind.CP_VISIT).due_date == d(2026, 3, 10)


@pytest.mark.django_db
def test_the_command_rebuilds_one_child_or_every_child_and_says_how_many():
    family = FamilyFactory()
    mia, leo = child_in(family), child_in(family)
    record_referral(mia)
    record_referral(leo)
    out = io.StringIO()
    call_command("deadlines_refresh", "--child", str(mia.pk), stdout=out)
    assert "Rebuilt the deadlines of 1 child" in out.getvalue()
    assert "1 outstanding" in out.getvalue()
    assert list(Deadline.objects.values_list("child_id", flat=True)) == [mia.pk]

    out = io.StringIO()
    call_command("deadlines_refresh", stdout=out)
    assert "Rebuilt the deadlines of 2 children" in out.getvalue()
    # Both referrals were on 3 March 2026, so their assessments are overdue by the time this runs.
    assert "2 outstanding, 2 overdue today." in out.getvalue()
    assert Deadline.objects.count() == 2


@pytest.mark.django_db
def test_the_command_refuses_an_id_that_is_not_a_person_id():
    with pytest.raises(CommandError, match="Not a person id"):
        call_command("deadlines_refresh", "--child", "mia")


@pytest.mark.django_db
def test_a_refresh_of_most_children_by_id_ranges_writes_what_one_by_one_refreshes_write(monkeypatch):
    from safeguarding.journey import deadlines

    family = FamilyFactory()
    children = [child_in(family) for _ in range(7)]
    for n, child in enumerate(children):
        ep = record_referral(child, d(2026, 1, 5) + datetime.timedelta(days=n))
        if n % 2:
            record_cp_plan(child, ep, start=d(2026, 2, 2) + datetime.timedelta(days=n))
            Visit.objects.create(child=child, date=d(2026, 2, 10), child_seen=n % 3 != 0)

    def rows():
        return set(Deadline.objects.values_list("child_id", "family_id", "kind", "due_date", "basis"))

    for child in children:
        deadlines_refresh([child.pk])
    one_by_one = rows()
    Deadline.objects.all().delete()
    # Chunks of two: seven children, all of everyone, are refreshed as ranges of ids, not lists of them.
    monkeypatch.setattr(deadlines, "CHUNK", 2)
    with CaptureQueriesContext(connection) as captured:
        written = deadlines_refresh([c.pk for c in children])
    assert not any(" IN (" in q["sql"] and "journey_" in q["sql"] for q in captured.captured_queries)
    assert written == len(one_by_one)
    assert rows() == one_by_one
    assert Deadline.objects.filter(created_at__isnull=True).count() == 0


@pytest.mark.django_db
def test_refresh_reads_the_legal_status_so_a_child_at_home_on_an_interim_care_order_is_visited_weekly():
    # Care Planning Regulations 2010, reg 28(4)(a): the rows the refresh loads carry the legal status.
    mia = child_in(FamilyFactory())
    LookedAfterEpisode.objects.create(
        child=mia,
        start_date=d(2026, 3, 2),
        reason_new_episode="S",
        legal_status="C1",
        category_of_need="N1",
        placement_type="P1",
        placement_provider="PR0",
    )
    Visit.objects.create(child=mia, date=d(2026, 3, 2), child_seen=True)
    deadlines_refresh([mia.pk])
    assert Deadline.objects.get(child=mia, kind=Kind.LAC_VISIT).due_date == d(2026, 3, 9)


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("ceased", "review_due"),
    [("E4A", d(2026, 4, 5)), ("E8", None)],
    ids=["the child went home: reviewed between breaks", "E8: the arrangement ended"],
)
def test_refresh_reads_how_a_short_break_ended_so_the_review_clock_runs_between_breaks(ceased, review_due):
    # Care Planning Regulations 2010, reg 48: the rows the refresh loads carry the reason the break ended.
    mia = child_in(FamilyFactory())
    LookedAfterEpisode.objects.create(
        child=mia,
        start_date=d(2026, 1, 5),
        reason_new_episode="S",
        legal_status="V3",
        category_of_need="N2",
        placement_type="U6",
        placement_provider="PR1",
        end_date=d(2026, 1, 9),
        reason_ceased=ceased,
    )
    deadlines_refresh([mia.pk])
    due = Deadline.objects.filter(child=mia, kind=Kind.LAC_REVIEW).values_list("due_date", flat=True)
    assert list(due) == ([review_due] if review_due else [])


@pytest.mark.django_db
def test_refresh_reads_only_the_latest_visit_and_meetings_and_gets_what_the_full_history_gives():
    mia = child_in(FamilyFactory())
    ep = record_referral(mia, d(2025, 1, 6))
    old = record_cp_plan(mia, ep, start=d(2025, 2, 3))
    old.end_date, old.end_reason = d(2025, 9, 1), "step_down_cin"
    old.save()
    plan = record_cp_plan(mia, ep, start=d(2026, 1, 5))
    meetings = [(old, d(2025, 3, 1)), (old, d(2025, 8, 1)), (plan, d(2026, 1, 15)), (plan, d(2026, 2, 12))]
    for for_plan, day in meetings:
        CoreGroupMeeting.objects.create(child=mia, plan=for_plan, date=day)
        ReviewConference.objects.create(child=mia, plan=for_plan, date=day)
    for day, seen in [
        (d(2025, 5, 1), True),
        (d(2026, 2, 20), True),
        (d(2026, 3, 2), False),
        (d(2026, 1, 2), True),
    ]:
        Visit.objects.create(child=mia, date=day, child_seen=seen)
    full = ChildJourney(
        episodes=list(EpisodeOfNeed.objects.filter(child=mia)),
        cp_plans=list(ChildProtectionPlan.objects.filter(child=mia)),
        core_groups=list(CoreGroupMeeting.objects.filter(child=mia)),
        review_conferences=list(ReviewConference.objects.filter(child=mia)),
        visits=list(Visit.objects.filter(child=mia)),
    )
    expected = {(due.kind, due.due_date, due.basis) for due in deadlines(full)}
    assert (
        Kind.CP_VISIT,
        d(2026, 3, 6),
        "10 working days from the last visit where the child was seen, on 20 February 2026",
    ) in expected

    deadlines_refresh([mia.pk])
    assert set(Deadline.objects.filter(child=mia).values_list("kind", "due_date", "basis")) == expected
