"""The trial's primary outcome: looked after within 18 months of referral, by referral month, at its edges.

The cohort is September 2023 (referrals 1 to 30 September 2023), complete from 30 March 2025 (30
September 2023 + 18 months). A referral on 4 September 2023 has its window to 4 March 2025. Synthetic
children only; expected counts are by hand from the records each test builds.
"""

from __future__ import annotations

import datetime

import pytest

from safeguarding.accounts.tests.factories import TeamFactory
from safeguarding.journey.tests.factories import ChildFactory, EpisodeOfNeedFactory, LookedAfterEpisodeFactory
from safeguarding.outcomes.cohorts import referral_cohorts, window_end
from safeguarding.outcomes.figures import Scope
from safeguarding.people.tests.factories import FamilyFactory, FamilyMemberFactory, PersonFactory

d = datetime.date
REFERRAL = d(2023, 9, 4)
COMPLETE = d(2025, 3, 30)


def september(scope=None, as_of=COMPLETE):
    found = referral_cohorts(scope or Scope.council(), d(2023, 9, 1), as_of)
    return next((c for c in found if c.month == d(2023, 9, 1)), None)


def referred(child=None, day=REFERRAL, **episode):
    return EpisodeOfNeedFactory(child=child or ChildFactory(), referral_date=day, **episode).child


def test_the_window_is_18_calendar_months_clamped_to_a_shorter_month():
    assert window_end(REFERRAL) == d(2025, 3, 4)
    assert window_end(d(2023, 8, 31)) == d(2025, 2, 28)


@pytest.mark.django_db
def test_looked_after_on_the_day_of_referral_and_on_the_last_day_of_the_window_count():
    LookedAfterEpisodeFactory(child=referred(), start_date=REFERRAL)
    LookedAfterEpisodeFactory(child=referred(), start_date=d(2025, 3, 4))
    referred()  # never looked after
    cohort = september()
    assert (cohort.referred, cohort.looked_after_within_18_months) == (3, 2)
    assert cohort.share == pytest.approx(2 / 3)


@pytest.mark.django_db
def test_looked_after_the_day_after_the_window_or_before_the_referral_does_not_count():
    LookedAfterEpisodeFactory(child=referred(), start_date=d(2025, 3, 5))
    before = ChildFactory()
    LookedAfterEpisodeFactory(child=before, start_date=d(2023, 6, 1), end_date=None)
    referred(before)
    cohort = september()
    assert (cohort.referred, cohort.looked_after_within_18_months) == (2, 0)


@pytest.mark.django_db
def test_short_breaks_are_not_becoming_looked_after():
    LookedAfterEpisodeFactory(child=referred(), start_date=d(2023, 10, 2), legal_status="V3")
    assert september().looked_after_within_18_months == 0


@pytest.mark.django_db
def test_a_child_referred_twice_in_the_month_is_one_child_counted_from_the_first_referral():
    child = referred(day=d(2023, 9, 1), closure_date=d(2023, 9, 5))
    referred(child, day=d(2023, 9, 25))
    # Within 18 months of the second referral but not of the first (1 March 2025).
    LookedAfterEpisodeFactory(child=child, start_date=d(2025, 3, 10))
    cohort = september()
    assert (cohort.referred, cohort.looked_after_within_18_months) == (1, 0)


@pytest.mark.django_db
def test_an_unborn_child_referred_counts_from_the_referral():
    unborn = PersonFactory(date_of_birth=None, expected_date_of_birth=d(2023, 11, 20))
    referred(unborn)
    LookedAfterEpisodeFactory(child=unborn, start_date=d(2023, 11, 21))
    cohort = september()
    assert (cohort.referred, cohort.looked_after_within_18_months) == (1, 1)


@pytest.mark.django_db
def test_a_cohort_is_not_shown_until_18_months_after_its_last_day():
    referred(day=d(2023, 9, 30))
    assert september(as_of=d(2025, 3, 29)) is None
    assert september(as_of=COMPLETE).referred == 1
    found = referral_cohorts(Scope.council(), d(2023, 8, 1), COMPLETE)
    assert [c.month for c in found] == [d(2023, 8, 1), d(2023, 9, 1)]
    assert found[0].referred == 0 and found[0].share is None
    assert found[1].as_dict()["complete_from"] == "2025-03-30"


@pytest.mark.django_db
def test_a_teams_cohort_leaves_out_another_teams_children():
    ours = TeamFactory()
    child = FamilyMemberFactory(family=FamilyFactory(team=ours)).person
    referred(child)
    referred()  # a child in no family of ours
    assert september(Scope.team(ours)).referred == 1
    assert september().referred == 2
