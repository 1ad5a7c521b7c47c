"""The council's own outcome figures, each definition on small built data (synthetic children only).

Dates are fixed: the DfE year 2024-25 (1 April 2024 to 31 March 2025) and the months around it. Expected
values are counted by hand from the records each test builds.
"""

from __future__ import annotations

import datetime
import json
import uuid

import pytest
from django.test import override_settings

from safeguarding.accounts.models import User
from safeguarding.accounts.tests.factories import TeamFactory, UserFactory
from safeguarding.allocation.models import CaseRole
from safeguarding.allocation.tests.factories import AllocationFactory
from safeguarding.core.calendar import add_working_days
from safeguarding.journey import clocks, codes
from safeguarding.journey.models import ChildProtectionPlan
from safeguarding.journey.tests.factories import (
    AssessmentFactory,
    CareProceedingsFactory,
    ChildFactory,
    ChildInNeedPlanFactory,
    ChildProtectionPlanFactory,
    EpisodeOfNeedFactory,
    LookedAfterEpisodeFactory,
    Section47EnquiryFactory,
    VisitFactory,
)
from safeguarding.outcomes.figures import (
    MONTHLY_TABLE_DEFINITIONS,
    OwnFigures,
    Scope,
    dfe_year,
    dfe_year_of,
    measures,
    month,
    months,
    periods_of_care,
    rate_per_10k,
    snapshot,
)
from safeguarding.people.tests.factories import FamilyFactory, FamilyMemberFactory, PersonFactory

d = datetime.date
YEAR = dfe_year(2025)  # 1 April 2024 to 31 March 2025
MARCH_31 = d(2025, 3, 31)
V2, V3, V4 = codes.LegalStatus.S20, "V3", "V4"


def figures(scope: Scope | None = None) -> OwnFigures:
    return OwnFigures(scope or Scope.council())


def by_key(found) -> dict:
    return {figure.key: figure for figure in found}


# ---- Periods ----------------------------------------------------------------------------------------------


def test_the_dfe_year_runs_from_1_april_to_31_march_and_is_named_by_both_years():
    assert (YEAR.start, YEAR.end, YEAR.label) == (d(2024, 4, 1), d(2025, 3, 31), "2024-25")
    assert dfe_year_of(d(2025, 3, 31)) == YEAR
    assert dfe_year_of(d(2025, 4, 1)) == dfe_year(2026)


def test_months_cover_every_calendar_month_between_two_days_with_their_last_day():
    found = months(d(2024, 1, 15), d(2024, 3, 2))
    assert [(m.start, m.end) for m in found] == [
        (d(2024, 1, 1), d(2024, 1, 31)),
        (d(2024, 2, 1), d(2024, 2, 29)),  # a leap year
        (d(2024, 3, 1), d(2024, 3, 31)),
    ]


def test_a_rate_is_per_10000_children_and_absent_without_a_population():
    assert rate_per_10k(45, 30_000) == pytest.approx(15.0)
    assert rate_per_10k(45, None) is None


# ---- Periods of care (pure) -------------------------------------------------------------------------------


def test_short_break_episodes_are_not_periods_of_care():
    child = uuid.uuid4()
    assert (
        periods_of_care([(child, d(2024, 5, 1), d(2024, 5, 3), V3), (child, d(2024, 6, 1), None, V4)]) == []
    )


def test_episodes_that_follow_on_the_same_day_are_one_period_and_a_gap_starts_another():
    child = uuid.uuid4()
    found = periods_of_care(
        [
            (child, d(2024, 5, 1), d(2024, 7, 1), V2),
            # A change of placement: the new episode starts the day the last one ended (SSDA903 X1).
            (child, d(2024, 7, 1), d(2024, 9, 30), codes.LegalStatus.ICO),
            # Back home on 30 September, looked after again on 2 October: a new period.
            (child, d(2024, 10, 2), None, codes.LegalStatus.ICO),
        ]
    )
    assert [(p.start, p.end) for p in found] == [(d(2024, 5, 1), d(2024, 9, 30)), (d(2024, 10, 2), None)]


def test_a_child_moving_from_short_breaks_into_full_care_starts_a_period_of_care_that_day():
    child = uuid.uuid4()
    found = periods_of_care([(child, d(2024, 1, 5), d(2024, 6, 1), V3), (child, d(2024, 6, 1), None, V2)])
    assert [(p.start, p.end) for p in found] == [(d(2024, 6, 1), None)]


# ---- Looked after -----------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_a_short_break_episode_is_neither_a_start_nor_looked_after_at_31_march():
    LookedAfterEpisodeFactory(start_date=d(2025, 1, 10), legal_status=V3)
    LookedAfterEpisodeFactory(start_date=d(2025, 1, 10), legal_status=V2)
    found = by_key(figures().headline(YEAR, population=20_000))
    assert found["started_looked_after"].value == 1
    assert found["looked_after_at"].value == 1
    assert found["looked_after_at"].start == found["looked_after_at"].end == MARCH_31
    # 1 child of 20,000: 0.5 per 10,000.
    assert found["looked_after_at"].rate == pytest.approx(0.5)


@pytest.mark.django_db
def test_a_child_starting_care_twice_in_a_year_is_counted_once_in_the_starts():
    child = ChildFactory()
    LookedAfterEpisodeFactory(
        child=child, start_date=d(2024, 5, 1), end_date=d(2024, 6, 1), reason_ceased="E41"
    )
    LookedAfterEpisodeFactory(child=child, start_date=d(2024, 9, 1), end_date=None)
    own = figures()
    assert own.started_looked_after(YEAR) == 1
    assert own.started_looked_after(month(2024, 5)) == 1
    assert own.started_looked_after(month(2024, 9)) == 1
    assert own.started_looked_after(month(2024, 6)) == 0


@pytest.mark.django_db
def test_a_period_of_care_ending_on_31_march_is_not_looked_after_at_31_march():
    LookedAfterEpisodeFactory(start_date=d(2024, 10, 1), end_date=MARCH_31, reason_ceased="E41")
    LookedAfterEpisodeFactory(start_date=d(2024, 10, 1), end_date=d(2025, 4, 1), reason_ceased="E41")
    assert figures().looked_after_at(MARCH_31) == 1


# ---- Child protection -------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_a_plan_ending_on_31_march_is_not_open_at_31_march_and_one_ending_the_next_day_is():
    ChildProtectionPlanFactory(start_date=d(2024, 11, 4), end_date=MARCH_31)
    ChildProtectionPlanFactory(start_date=d(2024, 11, 4), end_date=d(2025, 4, 1))
    ChildProtectionPlanFactory(start_date=MARCH_31)  # started that day: open on it
    ChildProtectionPlanFactory(start_date=d(2025, 4, 1))  # not yet started
    found = by_key(figures().headline(YEAR))
    assert found["cp_plans_at"].value == 2
    assert found["cp_plans_started"].value == 3
    assert "ending that day is not counted" in found["cp_plans_at"].definition


@pytest.mark.django_db
def test_second_or_subsequent_plans_are_a_share_of_the_plans_started_in_the_year():
    child = ChildFactory()
    # Her first plan was years ago; the second starts in the year.
    earlier = EpisodeOfNeedFactory(child=child, referral_date=d(2021, 1, 4), closure_date=d(2021, 9, 1))
    ChildProtectionPlanFactory(episode=earlier, start_date=d(2021, 2, 1), end_date=d(2021, 9, 1))
    ChildProtectionPlanFactory(
        episode__child=child, start_date=d(2024, 6, 3), episode__referral_date=d(2024, 5, 1)
    )
    ChildProtectionPlanFactory(start_date=d(2024, 7, 1))  # another child's first plan
    found = by_key(figures().headline(YEAR))["second_cp_plans"]
    assert (found.numerator, found.denominator, found.value) == (1, 2, 0.5)


@pytest.mark.django_db
def test_a_plan_open_at_31_march_counts_as_lasting_two_years_from_its_second_anniversary():
    ChildProtectionPlanFactory(start_date=d(2023, 3, 31))  # exactly 2 years on 31 March 2025
    ChildProtectionPlanFactory(start_date=d(2023, 4, 1))  # a day short
    ChildProtectionPlanFactory(start_date=d(2022, 1, 1), end_date=d(2025, 3, 1))  # long, but ended
    found = by_key(figures().headline(YEAR))["cp_plans_two_years"]
    assert (found.numerator, found.denominator) == (1, 2)


# ---- Referrals and children in need -----------------------------------------------------------------------


@pytest.mark.django_db
def test_a_child_referred_twice_is_two_referrals_and_the_second_a_re_referral_within_12_months():
    child = ChildFactory()
    EpisodeOfNeedFactory(child=child, referral_date=d(2024, 5, 10), closure_date=d(2024, 6, 1))
    EpisodeOfNeedFactory(child=child, referral_date=d(2025, 5, 10))  # exactly 12 months on: within
    other = ChildFactory()
    EpisodeOfNeedFactory(child=other, referral_date=d(2023, 5, 9), closure_date=d(2023, 6, 1))
    EpisodeOfNeedFactory(
        child=other, referral_date=d(2024, 5, 10), closure_date=d(2024, 7, 1)
    )  # 12 months + 1 day
    own = figures()
    assert own.referrals(YEAR) == 2
    assert own.re_referrals(YEAR) == (0, 2)  # the first child's first referral, the other's second
    assert own.re_referrals(dfe_year(2026)) == (1, 1)


@pytest.mark.django_db
def test_an_unborn_child_referred_is_a_referral_and_a_child_in_need_at_31_march():
    unborn = PersonFactory(date_of_birth=None, expected_date_of_birth=d(2025, 6, 1))
    EpisodeOfNeedFactory(child=unborn, referral_date=d(2025, 2, 3))
    EpisodeOfNeedFactory(referral_date=d(2024, 12, 2), closure_date=MARCH_31)  # closed that day
    found = by_key(figures().headline(YEAR, population=10_000))
    assert found["referrals"].value == 2
    assert found["children_in_need_at"].value == 1
    assert found["children_in_need_at"].rate == pytest.approx(1.0)


@pytest.mark.django_db
def test_care_proceedings_applications_are_counted_in_the_period_they_were_issued():
    CareProceedingsFactory(application_date=d(2024, 4, 1))
    CareProceedingsFactory(application_date=MARCH_31)
    CareProceedingsFactory(application_date=d(2025, 4, 1))
    assert figures().care_applications(YEAR) == 2
    assert figures().care_applications(month(2025, 4)) == 1


# ---- Scope ------------------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_a_teams_figures_leave_out_another_teams_children():
    ours, theirs = TeamFactory(), TeamFactory()
    ours_child = FamilyMemberFactory(family=FamilyFactory(team=ours)).person
    their_child = FamilyMemberFactory(family=FamilyFactory(team=theirs)).person
    # A child who has left her family (the case closed) still counts for the team that held her.
    left = FamilyMemberFactory(family=FamilyFactory(team=ours), left_on=d(2025, 1, 1)).person
    for child in (ours_child, their_child, left):
        ChildProtectionPlanFactory(episode__child=child, start_date=d(2024, 6, 3))
    team = Scope.team(ours)
    assert figures(team).cp_plans_started(YEAR) == 2
    assert by_key(figures(team).headline(YEAR))["cp_plans_started"].scope == ours.name
    assert figures(Scope.council()).cp_plans_started(YEAR) == 3


@pytest.mark.django_db
def test_a_child_who_moved_to_another_teams_family_counts_for_the_new_team_only():
    old, new = TeamFactory(), TeamFactory()
    child = ChildFactory()
    FamilyMemberFactory(family=FamilyFactory(team=old), person=child, left_on=d(2024, 1, 1))
    FamilyMemberFactory(family=FamilyFactory(team=new), person=child)
    EpisodeOfNeedFactory(child=child, referral_date=d(2024, 8, 1))
    assert figures(Scope.team(old)).referrals(YEAR) == 0
    assert figures(Scope.team(new)).referrals(YEAR) == 1


# ---- Durations and step-downs -----------------------------------------------------------------------------


@pytest.mark.django_db
def test_days_in_care_and_on_plans_count_what_ended_in_the_period():
    LookedAfterEpisodeFactory(start_date=d(2024, 3, 1), end_date=d(2024, 4, 30), reason_ceased="E41")  # 60
    LookedAfterEpisodeFactory(start_date=d(2024, 5, 1), end_date=d(2024, 5, 11), reason_ceased="E41")  # 10
    LookedAfterEpisodeFactory(start_date=d(2024, 5, 1), end_date=d(2024, 5, 31), reason_ceased="E41")  # 30
    LookedAfterEpisodeFactory(start_date=d(2024, 5, 1))  # still looked after: not counted
    ChildProtectionPlanFactory(start_date=d(2024, 4, 1), end_date=d(2024, 10, 1))  # 183 days
    found = figures().days_in_care(YEAR)
    assert (found.count, found.mean_days, found.median_days) == (3, pytest.approx(100 / 3), 30.0)
    plans = figures().days_on_cp_plans(YEAR)
    assert (plans.count, plans.median_days) == (1, 183.0)
    assert json.dumps(found.as_dict())


@pytest.mark.django_db
def test_step_downs_from_cp_to_cin_plans_and_from_cin_plans_to_closure():
    step = ChildProtectionPlan.EndReason.STEP_DOWN_CIN
    ChildProtectionPlanFactory(start_date=d(2024, 4, 1), end_date=d(2024, 9, 2), end_reason=step)
    ChildProtectionPlanFactory(
        start_date=d(2024, 4, 1),
        end_date=d(2024, 9, 2),
        end_reason=ChildProtectionPlan.EndReason.LOOKED_AFTER,
    )
    closed = EpisodeOfNeedFactory(referral_date=d(2024, 4, 1), closure_date=d(2024, 10, 7))
    ChildInNeedPlanFactory(episode=closed, start_date=d(2024, 5, 1), end_date=d(2024, 10, 7))
    escalated = EpisodeOfNeedFactory(referral_date=d(2024, 4, 1), closure_date=d(2025, 2, 3))
    ChildInNeedPlanFactory(episode=escalated, start_date=d(2024, 5, 1), end_date=d(2024, 10, 7))
    ChildProtectionPlanFactory(episode=escalated, start_date=d(2024, 10, 7), end_date=d(2025, 2, 3))
    still_open = EpisodeOfNeedFactory(referral_date=d(2024, 4, 1))
    ChildInNeedPlanFactory(episode=still_open, start_date=d(2024, 5, 1), end_date=d(2024, 10, 7))
    own = figures()
    cp = own.cp_step_downs(YEAR)
    assert (cp.numerator, cp.denominator) == (1, 3)  # the escalated child's plan ended in the year too
    cin = own.cin_step_downs_to_closure(YEAR)
    assert (cin.numerator, cin.denominator) == (1, 3)


# ---- Timeliness -------------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_assessments_authorised_by_the_45th_working_day_are_in_time_and_the_day_after_is_not():
    referral = d(2024, 9, 2)
    due = clocks.assessment_due(referral)
    AssessmentFactory(episode__referral_date=referral, authorised_on=due)
    AssessmentFactory(episode__referral_date=referral, authorised_on=add_working_days(due, 1))
    AssessmentFactory(episode__referral_date=referral)  # not yet authorised: not counted
    found = figures().assessments_in_time(YEAR)
    assert (found.numerator, found.denominator, found.value) == (1, 2, 0.5)


@pytest.mark.django_db
def test_a_second_assessment_in_an_episode_runs_from_its_own_start():
    episode = EpisodeOfNeedFactory(referral_date=d(2024, 4, 1))
    AssessmentFactory(episode=episode, start_date=d(2024, 4, 1), authorised_on=d(2024, 5, 1))
    later = d(2024, 11, 4)
    AssessmentFactory(episode=episode, start_date=later, authorised_on=clocks.assessment_due(later))
    found = figures().assessments_in_time(YEAR)
    assert (found.numerator, found.denominator) == (2, 2)


@pytest.mark.django_db
def test_initial_conferences_are_in_time_on_or_before_their_target():
    strategy = d(2024, 9, 2)
    target = clocks.icpc_due(strategy)
    Section47EnquiryFactory(strategy_discussion_date=strategy, icpc_date=target)
    Section47EnquiryFactory(strategy_discussion_date=strategy, icpc_date=target + datetime.timedelta(days=1))
    Section47EnquiryFactory(strategy_discussion_date=strategy, icpc_not_required=True)
    found = figures().icpcs_in_time(YEAR)
    assert (found.numerator, found.denominator) == (1, 2)


@pytest.mark.django_db
@override_settings(CP_VISIT_WORKING_DAYS=10, CIN_VISIT_WORKING_DAYS=20)
def test_visits_on_time_follow_the_local_standard_from_the_plans_start_and_each_visit():
    # Monday 2 September 2024; no bank holidays until Christmas.
    start = d(2024, 9, 2)
    visited = ChildProtectionPlanFactory(start_date=start, end_date=d(2024, 10, 14))
    first_due = add_working_days(start, 10)  # Monday 16 September
    VisitFactory(child=visited.child, date=first_due)  # on the day: in time
    second_due = add_working_days(first_due, 10)  # Monday 30 September
    VisitFactory(child=visited.child, date=second_due + datetime.timedelta(days=1))  # a day late
    VisitFactory(child=visited.child, date=d(2024, 10, 2), child_seen=False, seen_alone=False)  # not seen
    # The third is due 10 working days after the late visit (Tuesday 15 October), after the plan ended.
    own = figures()
    september, october = month(2024, 9), month(2024, 10)
    assert (own.visits_in_time(september).numerator, own.visits_in_time(september).denominator) == (1, 2)
    assert own.plans_visits_not_met(september) == (1, 1)
    assert own.plans_visits_not_met(october) == (0, 1)
    # A CIN plan never visited misses a visit every 20 working days from its start.
    ChildInNeedPlanFactory(start_date=d(2024, 9, 2), end_date=d(2024, 12, 2))
    own = figures()
    assert own.plans_visits_not_met(october) == (1, 2)


# ---- Caseload ---------------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_caseload_is_families_held_by_qualified_social_workers_per_social_worker_on_the_day():
    team = TeamFactory()
    ada, ben = UserFactory(team=team), UserFactory(team=team)
    helper = UserFactory(team=team, role=User.Role.FAMILY_SUPPORT_WORKER)
    day = d(2025, 3, 31)
    on = {"start_date": d(2024, 1, 1)}
    for _ in range(3):
        AllocationFactory(
            family=FamilyFactory(team=team), worker=ada, case_role=CaseRole.LEAD_SOCIAL_WORKER, **on
        )
    AllocationFactory(family=FamilyFactory(team=team), worker=ben, **on)
    AllocationFactory(
        family=FamilyFactory(team=team), worker=helper, case_role=CaseRole.FAMILY_SUPPORT_WORKER, **on
    )
    # Ended on the day: not open on it.
    AllocationFactory(family=FamilyFactory(team=team), worker=ben, start_date=d(2024, 1, 1), end_date=day)
    found = figures().caseload(day)
    assert (found.numerator, found.denominator, found.value) == (4, 2, 2.0)
    assert figures(Scope.team(TeamFactory())).caseload(day).value is None


# ---- The headline, the measures and the monthly table -----------------------------------------------------


@pytest.mark.django_db
def test_every_headline_figure_says_what_it_counts_and_serialises_to_json():
    found = figures().headline(YEAR, population=50_000)
    assert {f.key for f in found} >= {
        "started_looked_after",
        "looked_after_at",
        "cp_plans_at",
        "cp_plans_started",
        "care_applications",
        "children_in_need_at",
        "referrals",
        "re_referrals",
        "second_cp_plans",
        "cp_plans_two_years",
    }
    for figure in found:
        assert figure.definition and figure.label
        json.dumps(figure.as_dict())
    assert json.dumps(measures(Scope.council(), YEAR))


@pytest.mark.django_db
def test_the_monthly_table_has_a_row_a_month_with_the_trial_indicators():
    LookedAfterEpisodeFactory(start_date=d(2024, 5, 20))
    ChildProtectionPlanFactory(start_date=d(2024, 5, 6), episode__referral_date=d(2024, 4, 29))
    ChildInNeedPlanFactory(start_date=d(2024, 6, 3), episode__referral_date=d(2024, 6, 3))
    rows = figures().monthly_table(months(d(2024, 4, 1), d(2024, 6, 30)), population=10_000)
    assert [r["label"] for r in rows] == ["April 2024", "May 2024", "June 2024"]
    april, may, june = rows
    assert (april["referrals"], may["referrals"], june["referrals"]) == (1, 0, 1)
    assert (april["looked_after_at_month_end"], may["looked_after_at_month_end"]) == (0, 1)
    assert may["looked_after_rate"] == pytest.approx(1.0)
    assert (may["started_looked_after"], june["started_looked_after"]) == (1, 0)
    assert (may["cp_plans_started"], may["cp_plans_open"], june["cp_plans_open"]) == (1, 1, 1)
    assert (june["cin_plans_started"], june["cin_plans_open"]) == (1, 1)
    assert set(MONTHLY_TABLE_DEFINITIONS) <= set(april)
    assert json.dumps(rows)


@pytest.mark.django_db
def test_three_years_of_months_take_a_fixed_number_of_queries(django_assert_max_num_queries):
    for n in range(5):
        child = ChildFactory()
        episode = EpisodeOfNeedFactory(child=child, referral_date=d(2023, 4 + n, 3))
        ChildProtectionPlanFactory(episode=episode, start_date=d(2023, 5 + n, 1))
        VisitFactory(child=child, date=d(2023, 5 + n, 8))
        LookedAfterEpisodeFactory(child=child, start_date=d(2024, 1 + n, 8))
    own = figures(Scope.team(TeamFactory()))
    with django_assert_max_num_queries(12):
        own.monthly_table(months(d(2022, 4, 1), d(2025, 3, 31)), population=40_000)
        for year in (2023, 2024, 2025):
            own.headline(dfe_year(year))
            measures(own.scope, dfe_year(year), figures=own)
    with django_assert_max_num_queries(12):
        found = snapshot(Scope.council(), first_month=d(2022, 4, 1), as_of=d(2025, 4, 1))
    assert len(found["monthly"]) == 36 and len(found["years"]) == 3


@pytest.mark.django_db
def test_a_manager_can_see_which_children_make_up_a_count_each_once():
    child = ChildFactory()
    EpisodeOfNeedFactory(child=child, referral_date=d(2024, 5, 10), closure_date=d(2024, 6, 1))
    EpisodeOfNeedFactory(child=child, referral_date=d(2024, 9, 2))
    short_breaks = LookedAfterEpisodeFactory(start_date=d(2024, 6, 1), legal_status=V3).child
    in_care = LookedAfterEpisodeFactory(start_date=d(2024, 6, 1)).child
    own = figures()
    assert own.referrals(YEAR) == 2
    assert own.children_behind("referrals", YEAR) == {child.pk}
    assert own.children_behind("children_in_need_at", YEAR) == {child.pk}
    assert own.children_behind("looked_after_at", YEAR) == {in_care.pk}
    assert short_breaks.pk not in own.children_behind("started_looked_after", YEAR)
    with pytest.raises(ValueError):
        own.children_behind("re_referrals", YEAR)


@pytest.mark.django_db
def test_a_snapshot_holds_only_complete_months_years_and_cohorts_as_json():
    EpisodeOfNeedFactory(referral_date=d(2023, 4, 3))
    found = snapshot(Scope.council(), first_month=d(2023, 4, 1), as_of=d(2025, 4, 15), population=30_000)
    # April 2023 to March 2025: the month of as_of is not over.
    assert (found["monthly"][0]["month"], found["monthly"][-1]["month"]) == ("2023-04-01", "2025-03-01")
    assert [y["label"] for y in found["years"]] == ["2023-24", "2024-25"]
    # Cohorts complete by 15 April 2025: September 2023 (30 September + 18 months = 30 March 2025) is the
    # last; October's (30 April 2025) is not.
    assert [c["month"] for c in found["cohorts"]] == [f"2023-{m:02d}-01" for m in range(4, 10)]
    assert found["cohorts"][0]["referred"] == 1
    assert json.loads(json.dumps(found))["as_of"] == "2025-04-15"


@pytest.mark.django_db
def test_a_figure_resting_on_fewer_than_10_is_flagged_unstable():
    for n in range(10):
        EpisodeOfNeedFactory(referral_date=d(2024, 5, 1 + n))
    found = by_key(figures().headline(YEAR))
    assert found["referrals"].as_dict()["unstable"] is False  # 10 referrals
    assert found["re_referrals"].unstable is False  # a share of 10
    assert found["cp_plans_at"].unstable is True  # 0
    assert found["second_cp_plans"].unstable is True  # a share of no plans at all: no figure
    assert found["second_cp_plans"].value is None


@pytest.mark.django_db
def test_factors_identified_are_counted_once_per_episode_from_assessments_completed_in_the_year():
    """The DfE's table C3: episodes whose assessment was completed in the year, each factor once per
    episode; an assessment finding "no factors" (21) is not an episode with factors."""
    twice = EpisodeOfNeedFactory(referral_date=d(2024, 5, 1))
    AssessmentFactory(
        episode=twice,
        child=twice.child,
        start_date=d(2024, 5, 2),
        authorised_on=d(2024, 6, 1),
        factors=["3B", "4B"],
    )
    AssessmentFactory(
        episode=twice,
        child=twice.child,
        start_date=d(2024, 9, 2),
        authorised_on=d(2024, 10, 1),
        factors=["3B"],
    )
    other = EpisodeOfNeedFactory(referral_date=d(2024, 7, 1))
    AssessmentFactory(
        episode=other,
        child=other.child,
        start_date=d(2024, 7, 2),
        authorised_on=d(2024, 8, 1),
        factors=["1B"],
    )
    nothing = EpisodeOfNeedFactory(referral_date=d(2024, 7, 1))
    AssessmentFactory(
        episode=nothing,
        child=nothing.child,
        start_date=d(2024, 7, 2),
        authorised_on=d(2024, 8, 1),
        factors=["21"],
    )
    later = EpisodeOfNeedFactory(referral_date=d(2025, 3, 1))
    AssessmentFactory(
        episode=later,
        child=later.child,
        start_date=d(2025, 3, 2),
        authorised_on=d(2025, 4, 1),
        factors=["3B"],
    )
    found = figures().factors_identified(YEAR)
    assert found == {"episodes": 2, "codes": {"3B": 1, "4B": 1, "1B": 1}}
