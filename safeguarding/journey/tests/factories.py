"""factory_boy factories for a child's statutory journey. Synthetic data only.

They write records directly, without the entry rules, to set up a journey for a test; a test of a rule then
builds the record under test (`Factory.build(...)`) and checks it. Dates default to a working week in
March 2025, well after the default child's birth (1 June 2015) and safely in the past.

    child = ChildFactory()
    episode = EpisodeOfNeedFactory(child=child)
    plan = plan_at_conference(episode, datetime.date(2025, 3, 24))   # the ICPC, then the plan
"""

from __future__ import annotations

import datetime

import factory
from factory.django import DjangoModelFactory

from safeguarding.journey import clocks, codes
from safeguarding.journey.models import (
    Assessment,
    CareProceedings,
    ChildInNeedPlan,
    ChildProtectionPlan,
    CoreGroupMeeting,
    CourtHearing,
    EpisodeOfNeed,
    LookedAfterEpisode,
    LookedAfterReview,
    MissingEpisode,
    PreProceedings,
    PreProceedingsMeeting,
    ReviewConference,
    Section47Enquiry,
    Visit,
)
from safeguarding.people.tests.factories import PersonFactory

BORN = datetime.date(2015, 6, 1)
REFERRAL = datetime.date(2025, 3, 3)


class ChildFactory(PersonFactory):
    date_of_birth = BORN


class EpisodeOfNeedFactory(DjangoModelFactory):
    class Meta:
        model = EpisodeOfNeed

    child = factory.SubFactory(ChildFactory)
    referral_date = REFERRAL
    referral_source = codes.ReferralSource.POLICE
    primary_need = codes.PrimaryNeed.ABUSE_NEGLECT


class _InEpisode(DjangoModelFactory):
    class Meta:
        abstract = True

    episode = factory.SubFactory(EpisodeOfNeedFactory)
    child = factory.SelfAttribute("episode.child")


class AssessmentFactory(_InEpisode):
    class Meta:
        model = Assessment

    start_date = factory.SelfAttribute("episode.referral_date")


class Section47EnquiryFactory(_InEpisode):
    class Meta:
        model = Section47Enquiry

    strategy_discussion_date = factory.SelfAttribute("episode.referral_date")
    start_date = factory.SelfAttribute("strategy_discussion_date")
    icpc_target = factory.LazyAttribute(lambda o: clocks.icpc_due(o.strategy_discussion_date))


class ChildProtectionPlanFactory(_InEpisode):
    class Meta:
        model = ChildProtectionPlan

    start_date = factory.SelfAttribute("episode.referral_date")
    initial_category = codes.AbuseCategory.NEGLECT
    latest_category = factory.SelfAttribute("initial_category")


class ChildInNeedPlanFactory(_InEpisode):
    class Meta:
        model = ChildInNeedPlan

    start_date = factory.SelfAttribute("episode.referral_date")


class _OnPlan(DjangoModelFactory):
    class Meta:
        abstract = True

    plan = factory.SubFactory(ChildProtectionPlanFactory)
    child = factory.SelfAttribute("plan.child")


class ReviewConferenceFactory(_OnPlan):
    class Meta:
        model = ReviewConference

    date = factory.LazyAttribute(lambda o: o.plan.start_date + datetime.timedelta(days=90))


class CoreGroupMeetingFactory(_OnPlan):
    class Meta:
        model = CoreGroupMeeting

    date = factory.LazyAttribute(lambda o: o.plan.start_date + datetime.timedelta(days=7))


class VisitFactory(DjangoModelFactory):
    class Meta:
        model = Visit

    child = factory.SubFactory(ChildFactory)
    date = REFERRAL
    child_seen = True


class PreProceedingsFactory(DjangoModelFactory):
    class Meta:
        model = PreProceedings

    child = factory.SubFactory(ChildFactory)
    legal_planning_meeting_date = datetime.date(2025, 1, 6)


class PreProceedingsMeetingFactory(DjangoModelFactory):
    class Meta:
        model = PreProceedingsMeeting

    pre_proceedings = factory.SubFactory(PreProceedingsFactory)
    child = factory.SelfAttribute("pre_proceedings.child")
    kind = PreProceedingsMeeting.Kind.INITIAL
    date = factory.LazyAttribute(
        lambda o: o.pre_proceedings.legal_planning_meeting_date + datetime.timedelta(days=14)
    )


class CareProceedingsFactory(DjangoModelFactory):
    class Meta:
        model = CareProceedings

    child = factory.SubFactory(ChildFactory)
    application_date = datetime.date(2025, 3, 10)
    court = "Synthetic Family Court"


class CourtHearingFactory(DjangoModelFactory):
    class Meta:
        model = CourtHearing

    proceedings = factory.SubFactory(CareProceedingsFactory)
    child = factory.SelfAttribute("proceedings.child")
    kind = codes.HearingKind.CMH
    date = factory.LazyAttribute(lambda o: o.proceedings.application_date + datetime.timedelta(days=2))


class LookedAfterEpisodeFactory(DjangoModelFactory):
    class Meta:
        model = LookedAfterEpisode

    child = factory.SubFactory(ChildFactory)
    start_date = datetime.date(2025, 3, 12)
    reason_new_episode = codes.ReasonNewEpisode.STARTED
    legal_status = codes.LegalStatus.ICO
    category_of_need = codes.CategoryOfNeed.ABUSE_NEGLECT
    placement_type = codes.PlacementType.U6
    placement_provider = codes.PlacementProvider.OWN


class LookedAfterReviewFactory(DjangoModelFactory):
    class Meta:
        model = LookedAfterReview

    child = factory.SubFactory(ChildFactory)
    date = datetime.date(2025, 4, 8)
    participation = codes.ReviewParticipation.SPOKE


class MissingEpisodeFactory(DjangoModelFactory):
    class Meta:
        model = MissingEpisode

    child = factory.SubFactory(ChildFactory)
    kind = codes.MissingKind.MISSING
    start_date = datetime.date(2025, 6, 1)


def plan_at_conference(episode: EpisodeOfNeed, day: datetime.date, **plan) -> ChildProtectionPlan:
    """A section 47 enquiry whose initial conference was on `day`, and the plan that started there."""
    Section47EnquiryFactory(
        episode=episode,
        strategy_discussion_date=min(day, max(episode.referral_date, day - datetime.timedelta(days=14))),
        start_date=min(day, max(episode.referral_date, day - datetime.timedelta(days=14))),
        icpc_date=day,
    )
    return ChildProtectionPlanFactory(episode=episode, start_date=day, **plan)
