"""Entry rules for the child's statutory journey (rules.check): each rule refuses with its exact message, and
the nearest allowed case passes, so a rule that is too strict fails here as well as one that is missing."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.utils import timezone

from safeguarding.journey import codes, rules
from safeguarding.journey.models import (
    Assessment,
    CareProceedings,
    ChildInNeedPlan,
    ChildProtectionPlan,
    CoreGroupMeeting,
    CourtHearing,
    EpisodeOfNeed,
    LookedAfterReview,
    MissingEpisode,
    PreProceedings,
    PreProceedingsMeeting,
    ReviewConference,
    Section47Enquiry,
    Visit,
)

from .factories import (
    AssessmentFactory,
    CareProceedingsFactory,
    ChildFactory,
    ChildInNeedPlanFactory,
    CourtHearingFactory,
    EpisodeOfNeedFactory,
    LookedAfterEpisodeFactory,
    LookedAfterReviewFactory,
    PreProceedingsFactory,
    PreProceedingsMeetingFactory,
    ReviewConferenceFactory,
    Section47EnquiryFactory,
    plan_at_conference,
)

pytestmark = pytest.mark.django_db

d = datetime.date
ALL = NON_FIELD_ERRORS


def refused(record) -> dict[str, list[str]]:
    with pytest.raises(ValidationError) as caught:
        rules.check(record)
    return caught.value.message_dict


@pytest.fixture
def child():
    return ChildFactory(first_name="Sam", last_name="Testchild", date_of_birth=d(2015, 6, 1))


@pytest.fixture
def episode(child):
    return EpisodeOfNeedFactory(child=child, referral_date=d(2025, 3, 3))


# ---- General: dates against today and the child's life -----------------------------------------------------


def tomorrow():
    return timezone.localdate() + datetime.timedelta(days=1)


@pytest.mark.parametrize(
    ("build", "field", "message"),
    [
        (
            lambda c: EpisodeOfNeed(child=c, referral_date=tomorrow(), referral_source="6"),
            "referral_date",
            "The referral date must be today or in the past",
        ),
        (
            lambda c: Visit(child=c, date=tomorrow(), child_seen=True),
            "date",
            "The date of the visit must be today or in the past",
        ),
        (
            lambda c: MissingEpisode(child=c, kind="M", start_date=tomorrow()),
            "start_date",
            "The start date must be today or in the past",
        ),
        (
            lambda c: PreProceedings(child=c, legal_planning_meeting_date=tomorrow()),
            "legal_planning_meeting_date",
            "The date of the legal planning meeting must be today or in the past",
        ),
    ],
)
def test_a_statutory_date_cannot_be_in_the_future(child, build, field, message):
    assert refused(build(child)) == {field: [message]}


def test_today_is_allowed(child):
    rules.check(Visit(child=child, date=timezone.localdate(), child_seen=True))


def test_the_icpc_target_worked_out_by_the_service_may_be_in_the_future(episode):
    today = timezone.localdate()
    rules.check(
        Section47Enquiry(
            child=episode.child,
            episode=episode,
            strategy_discussion_date=today,
            start_date=today,
            icpc_target=today + datetime.timedelta(days=21),
        )
    )


@pytest.mark.parametrize(
    ("build", "field", "what"),
    [
        (
            lambda c: LookedAfterEpisodeFactory.build(child=c, start_date=d(2015, 5, 31)),
            "start_date",
            "episode's start date",
        ),
        (
            lambda c: CareProceedingsFactory.build(child=c, application_date=d(2015, 5, 1)),
            "application_date",
            "application date",
        ),
        (lambda c: LookedAfterReviewFactory.build(child=c, date=d(2015, 1, 1)), "date", "date of the review"),
    ],
)
def test_nothing_but_pre_birth_work_is_before_the_date_of_birth(child, build, field, what):
    assert refused(build(child))[field] == [
        f"The {what} must be on or after Sam Testchild's date of birth, 1 June 2015"
    ]


def test_pre_birth_work_may_be_before_the_date_of_birth():
    child = ChildFactory(date_of_birth=d(2025, 5, 20))
    episode = EpisodeOfNeedFactory(child=child, referral_date=d(2025, 1, 6), contact_date=d(2025, 1, 6))
    rules.check(Assessment(child=child, episode=episode, start_date=d(2025, 1, 7)))
    Section47EnquiryFactory(episode=episode, strategy_discussion_date=d(2025, 1, 13), icpc_date=d(2025, 2, 3))
    rules.check(
        ChildProtectionPlan(child=child, episode=episode, start_date=d(2025, 2, 3), initial_category="NEG")
    )
    rules.check(PreProceedings(child=child, legal_planning_meeting_date=d(2025, 3, 3)))


def test_an_unborn_child_may_have_a_referral_and_a_child_protection_plan():
    child = ChildFactory(
        date_of_birth=None, expected_date_of_birth=timezone.localdate() + datetime.timedelta(days=60)
    )
    episode = EpisodeOfNeedFactory(child=child, referral_date=d(2025, 3, 3))
    Section47EnquiryFactory(episode=episode, icpc_date=d(2025, 3, 20))
    rules.check(
        ChildProtectionPlan(child=child, episode=episode, start_date=d(2025, 3, 20), initial_category="NEG")
    )


def test_an_unborn_child_cannot_be_looked_after():
    child = ChildFactory(
        first_name="Baby", last_name="Testchild", date_of_birth=None, expected_date_of_birth=d(2027, 1, 10)
    )
    assert refused(LookedAfterEpisodeFactory.build(child=child, start_date=d(2025, 3, 12))) == {
        ALL: [
            "Record Baby Testchild's date of birth first: a looked-after episode can only be recorded for a "
            "child who has been born"
        ]
    }


def test_a_visit_before_birth_cannot_see_the_child_and_the_date_is_questioned_first():
    child = ChildFactory(date_of_birth=d(2025, 5, 20))
    assert refused(Visit(child=child, date=d(2025, 5, 1), child_seen=True)) == {
        "date": [
            f"The date of the visit must be on or after {child.full_name}'s date of birth, 20 May 2025, "
            "if the child was seen"
        ],
        "child_seen": ["A visit before the child was born cannot see the child: select No"],
    }
    # Pre-birth work: a visit to the expectant parent, the child not seen, is recorded.
    rules.check(Visit(child=child, date=d(2025, 5, 1), child_seen=False))


def test_nothing_happens_to_a_child_after_their_death_but_their_records_close(child):
    child.date_of_death = d(2025, 6, 1)
    child.save()
    assert refused(Visit(child=child, date=d(2025, 6, 2), child_seen=False)) == {
        "date": ["The date of the visit must be on or before Sam Testchild's date of death, 1 June 2025"]
    }
    episode = EpisodeOfNeedFactory(child=child, referral_date=d(2025, 3, 3))
    episode.closure_date, episode.closure_reason = d(2025, 6, 10), codes.ClosureReason.DIED
    rules.check(episode)


# ---- Referral (episode of need) ----------------------------------------------------------------------------


def test_the_contact_is_on_or_before_the_referral(child):
    record = EpisodeOfNeedFactory.build(child=child, contact_date=d(2025, 3, 4), referral_date=d(2025, 3, 3))
    assert refused(record) == {
        "contact_date": ["The contact date must be on or before the referral date, 3 March 2025"]
    }
    record.contact_date = d(2025, 3, 3)
    rules.check(record)


def test_one_open_referral_per_child(episode):
    record = EpisodeOfNeedFactory.build(child=episode.child, referral_date=d(2025, 4, 1))
    assert refused(record) == {
        ALL: [
            "Sam Testchild already has an open referral from 3 March 2025. Close it before recording a new "
            "one."
        ]
    }


def test_a_new_referral_starts_on_or_after_the_previous_closure(child):
    EpisodeOfNeedFactory(
        child=child, referral_date=d(2025, 1, 6), closure_date=d(2025, 2, 3), closure_reason="RC7"
    )
    record = EpisodeOfNeedFactory.build(child=child, referral_date=d(2025, 2, 2))
    assert refused(record) == {
        "referral_date": [
            "The referral date must be on or after 3 February 2025, when the referral from 6 January 2025 "
            "closed: a child's referrals cannot overlap"
        ]
    }
    record.referral_date = d(2025, 2, 3)  # the same day is allowed
    rules.check(record)


def test_a_corrected_closure_cannot_overlap_the_next_referral(child):
    first = EpisodeOfNeedFactory(
        child=child, referral_date=d(2025, 1, 6), closure_date=d(2025, 2, 3), closure_reason="RC7"
    )
    EpisodeOfNeedFactory(child=child, referral_date=d(2025, 3, 3))
    first.closure_date = d(2025, 3, 10)
    assert refused(first) == {
        "closure_date": [
            "The closure date must be on or before 3 March 2025, when the next referral started: a child's "
            "referrals cannot overlap"
        ]
    }


def test_the_closure_is_on_or_after_the_referral(episode):
    episode.closure_date, episode.closure_reason = d(2025, 3, 2), "RC7"
    assert refused(episode) == {
        "closure_date": ["The closure date must be on or after the referral date, 3 March 2025"]
    }


def test_the_closure_is_on_or_after_everything_recorded_in_the_referral(episode):
    AssessmentFactory(episode=episode, start_date=d(2025, 3, 4), authorised_on=d(2025, 4, 1), factors=["21"])
    episode.closure_date, episode.closure_reason = d(2025, 3, 31), "RC8"
    assert refused(episode) == {
        "closure_date": [
            "The closure date must be on or after 1 April 2025, when the assessment was authorised"
        ]
    }
    episode.closure_date = d(2025, 4, 1)
    rules.check(episode)


def test_a_corrected_referral_date_is_on_or_before_the_first_event(episode):
    AssessmentFactory(episode=episode, start_date=d(2025, 3, 4))
    episode.referral_date = d(2025, 3, 5)
    assert refused(episode) == {
        "referral_date": ["The referral date must be on or before 4 March 2025, when the assessment started"]
    }


@pytest.mark.parametrize(
    ("closure_date", "closure_reason", "expected"),
    [
        (d(2025, 4, 1), "", {"closure_reason": ["Select the reason the referral closed"]}),
        (None, "RC7", {"closure_date": ["Enter the date the referral closed"]}),
    ],
)
def test_the_closure_date_and_reason_go_together(episode, closure_date, closure_reason, expected):
    episode.closure_date, episode.closure_reason = closure_date, closure_reason
    assert refused(episode) == expected


@pytest.mark.parametrize(
    ("make_open", "message"),
    [
        (
            lambda e: plan_at_conference(e, d(2025, 3, 20)),
            "End the child protection plan before closing the referral",
        ),
        (
            lambda e: ChildInNeedPlanFactory(episode=e, start_date=d(2025, 3, 20)),
            "End the child in need plan before closing the referral",
        ),
        (
            lambda e: Section47EnquiryFactory(episode=e, strategy_discussion_date=d(2025, 3, 4)),
            "Record the outcome of the section 47 enquiry before closing the referral: the date of the "
            "initial child protection conference, or that no conference is needed",
        ),
        (
            lambda e: AssessmentFactory(episode=e, start_date=d(2025, 3, 4)),
            "Record the authorisation of the assessment started 4 March 2025 before closing the referral",
        ),
    ],
)
def test_a_referral_cannot_close_with_work_open(episode, make_open, message):
    make_open(episode)
    episode.closure_date, episode.closure_reason = d(2025, 5, 1), "RC7"
    assert refused(episode) == {ALL: [message]}


@pytest.mark.parametrize("reason", ["RC8", "RC9"])
def test_closed_after_assessment_needs_an_assessment(episode, reason):
    episode.closure_date, episode.closure_reason = d(2025, 4, 1), reason
    assert refused(episode) == {
        "closure_reason": [
            f"Closure reason {reason} means the referral closed after an assessment, but no assessment is "
            "recorded: record the assessment first, or choose another reason"
        ]
    }
    AssessmentFactory(episode=episode, start_date=d(2025, 3, 4), authorised_on=d(2025, 3, 28), factors=["21"])
    rules.check(episode)


@pytest.mark.parametrize(
    ("build", "noun"),
    [
        (lambda e: Assessment(child=e.child, episode=e, start_date=d(2025, 3, 4)), "an assessment"),
        (
            lambda e: Section47Enquiry(
                child=e.child,
                episode=e,
                strategy_discussion_date=d(2025, 3, 4),
                start_date=d(2025, 3, 4),
                icpc_target=d(2025, 3, 25),
            ),
            "a section 47 enquiry",
        ),
        (
            lambda e: ChildInNeedPlan(child=e.child, episode=e, start_date=d(2025, 3, 4)),
            "a child in need plan",
        ),
    ],
)
def test_nothing_is_recorded_against_a_no_further_action_referral(child, build, noun):
    episode = EpisodeOfNeedFactory(child=child, referral_date=d(2025, 3, 3), no_further_action=True)
    assert refused(build(episode)) == {
        ALL: [
            "The referral from 3 March 2025 was recorded as no further action: correct that decision before "
            f"recording {noun}"
        ]
    }


def test_a_referral_with_work_cannot_be_corrected_to_no_further_action(episode):
    AssessmentFactory(episode=episode, start_date=d(2025, 3, 4))
    episode.no_further_action = True
    assert refused(episode) == {
        "no_further_action": [
            "This referral cannot be no further action: an assessment is recorded against it"
        ]
    }


# ---- Assessment --------------------------------------------------------------------------------------------


def test_an_assessment_starts_on_or_after_the_referral(episode):
    record = Assessment(child=episode.child, episode=episode, start_date=d(2025, 3, 2))
    assert refused(record) == {
        "start_date": ["The assessment's start date must be on or after the referral date, 3 March 2025"]
    }
    record.start_date = d(2025, 3, 3)
    rules.check(record)


def test_an_assessment_is_on_or_before_the_closure_of_a_closed_referral(child):
    episode = EpisodeOfNeedFactory(
        child=child, referral_date=d(2025, 3, 3), closure_date=d(2025, 4, 1), closure_reason="RC8"
    )
    record = Assessment(
        child=child, episode=episode, start_date=d(2025, 3, 4), authorised_on=d(2025, 4, 2), factors=["21"]
    )
    assert refused(record) == {
        "authorised_on": [
            "The authorisation date must be on or before 1 April 2025, when the referral closed"
        ]
    }


def test_authorisation_is_on_or_after_the_start(episode):
    record = Assessment(
        child=episode.child,
        episode=episode,
        start_date=d(2025, 3, 10),
        authorised_on=d(2025, 3, 7),
        factors=["21"],
    )
    assert refused(record) == {
        "authorised_on": [
            "The authorisation date must be on or after the assessment's start date, 10 March 2025"
        ]
    }


@pytest.mark.parametrize(
    ("factors", "message"),
    [
        ([], "Select the factors identified at the assessment, or 'No factors identified'"),
        (["21", "3B"], "Select either 'No factors identified' or the factors identified, not both"),
        (["3B", "99"], "99 is not a factor code: choose factors on the list"),
        (["3D", "4D"], "3D, 4D are not factor codes: choose factors on the list"),
    ],
)
def test_an_authorised_assessment_has_valid_factors(episode, factors, message):
    record = Assessment(
        child=episode.child,
        episode=episode,
        start_date=d(2025, 3, 4),
        authorised_on=d(2025, 4, 1),
        factors=factors,
    )
    assert refused(record) == {"factors": [message]}


@pytest.mark.parametrize("factors", [["21"], ["3B", "4B"], ["1B", "2B", "3B", "4B", "16A"]])
def test_valid_factors_pass(episode, factors):
    rules.check(
        Assessment(
            child=episode.child,
            episode=episode,
            start_date=d(2025, 3, 4),
            authorised_on=d(2025, 4, 1),
            factors=factors,
        )
    )


def test_a_draft_assessment_may_have_factors_or_none(episode):
    rules.check(Assessment(child=episode.child, episode=episode, start_date=d(2025, 3, 4), factors=[]))
    rules.check(Assessment(child=episode.child, episode=episode, start_date=d(2025, 3, 4), factors=["3B"]))


# ---- Section 47 enquiry ------------------------------------------------------------------------------------


def s47(episode, **values):
    values.setdefault("strategy_discussion_date", d(2025, 3, 5))
    values.setdefault("start_date", values["strategy_discussion_date"])
    return Section47Enquiry(child=episode.child, episode=episode, icpc_target=d(2025, 3, 26), **values)


@pytest.mark.parametrize(
    ("values", "expected"),
    [
        (
            {"strategy_discussion_date": d(2025, 3, 2)},
            {
                "strategy_discussion_date": [
                    "The strategy discussion date must be on or after the referral date, 3 March 2025"
                ]
            },
        ),
        (
            {"strategy_discussion_date": d(2025, 3, 5), "start_date": d(2025, 3, 4)},
            {
                "start_date": [
                    "The section 47 enquiry must start on or after the strategy discussion, 5 March 2025"
                ]
            },
        ),
        (
            {
                "icpc_date": d(2025, 3, 4),
                "strategy_discussion_date": d(2025, 3, 4),
                "start_date": d(2025, 3, 5),
            },
            {
                "icpc_date": [
                    "The initial child protection conference must be on or after the start of the section "
                    "47 enquiry, 5 March 2025"
                ]
            },
        ),
        (
            {"icpc_date": d(2025, 3, 20), "icpc_not_required": True},
            {
                "icpc_not_required": [
                    "Enter the date of the initial child protection conference or select that no conference "
                    "is needed, not both"
                ]
            },
        ),
    ],
)
def test_section_47_dates_follow_each_other(episode, values, expected):
    assert refused(s47(episode, **values)) == expected


def test_one_open_section_47_enquiry_in_a_referral_at_a_time(episode):
    Section47EnquiryFactory(episode=episode, strategy_discussion_date=d(2025, 3, 4))
    assert refused(s47(episode)) == {
        ALL: [
            "There is already an open section 47 enquiry from 4 March 2025: record its initial conference, "
            "or that no conference is needed, first"
        ]
    }
    rules.check(s47(episode, icpc_not_required=True))


def test_a_conference_a_plan_started_at_cannot_be_removed(episode):
    plan_at_conference(episode, d(2025, 3, 20))
    enquiry = Section47Enquiry.objects.get(episode=episode)
    enquiry.icpc_date = None
    assert refused(enquiry) == {
        "icpc_date": [
            "A child protection plan started at this conference on 20 March 2025, so the conference date "
            "cannot be removed"
        ]
    }


# ---- Child protection plan ---------------------------------------------------------------------------------


def cp(episode, start, **values):
    return ChildProtectionPlan(
        child=episode.child,
        episode=episode,
        start_date=start,
        initial_category="NEG",
        latest_category="NEG",
        **values,
    )


def test_a_plan_starts_on_the_day_of_an_initial_conference(episode):
    Section47EnquiryFactory(episode=episode, icpc_date=d(2025, 3, 20))
    assert refused(cp(episode, d(2025, 3, 21))) == {
        "start_date": [
            "Record the initial child protection conference first: a child protection plan starts on the "
            "day of the initial conference, and none is recorded on 21 March 2025. If the child moved here "
            "on another council's plan, answer yes to the transfer-in conference question"
        ]
    }
    rules.check(cp(episode, d(2025, 3, 20)))


def test_a_plan_transferred_in_from_another_council_starts_at_its_transfer_in_conference(episode):
    # Working Together 2023: the initial conference was the other council's; this council holds a
    # transfer-in conference, and no section 47 enquiry of its own.
    rules.check(cp(episode, d(2025, 3, 21), started_at_transfer_in=True))


def test_a_plan_cannot_start_and_end_on_the_same_day(episode):
    Section47EnquiryFactory(episode=episode, icpc_date=d(2025, 3, 20))
    record = cp(episode, d(2025, 3, 20), end_date=d(2025, 3, 20), end_reason="other")
    assert refused(record) == {
        "end_date": [
            "The plan's end date must be after its start date, 20 March 2025: a child protection plan "
            "cannot start and end on the same day"
        ]
    }
    record.end_date = d(2025, 3, 21)
    rules.check(record)


@pytest.mark.parametrize(
    ("end_date", "end_reason", "expected"),
    [
        (d(2025, 6, 1), "", {"end_reason": ["Select why the plan ended"]}),
        (None, "no_longer_needed", {"end_date": ["Enter the date the plan ended"]}),
    ],
)
def test_a_plan_end_date_and_reason_go_together(episode, end_date, end_reason, expected):
    Section47EnquiryFactory(episode=episode, icpc_date=d(2025, 3, 20))
    assert refused(cp(episode, d(2025, 3, 20), end_date=end_date, end_reason=end_reason)) == expected


def test_one_open_child_protection_plan_per_child(episode):
    plan_at_conference(episode, d(2025, 3, 20))
    Section47EnquiryFactory(episode=episode, icpc_date=d(2025, 4, 20), icpc_not_required=False)
    assert refused(cp(episode, d(2025, 4, 20))) == {
        ALL: [
            "Sam Testchild already has an open child protection plan from 20 March 2025. End it before "
            "starting a new one."
        ]
    }


def test_plans_do_not_overlap_earlier_plans(episode):
    plan_at_conference(episode, d(2025, 3, 20), end_date=d(2025, 6, 2), end_reason="no_longer_needed")
    Section47EnquiryFactory(episode=episode, icpc_date=d(2025, 5, 1))
    assert refused(cp(episode, d(2025, 5, 1))) == {
        "start_date": [
            "The plan's start date must be on or after 2 June 2025, when the child protection plan from 20 "
            "March 2025 ended: a child's child protection plans cannot overlap"
        ]
    }


def test_a_child_protection_plan_cannot_start_while_a_child_in_need_plan_is_open(episode):
    ChildInNeedPlanFactory(episode=episode, start_date=d(2025, 3, 10))
    Section47EnquiryFactory(episode=episode, icpc_date=d(2025, 4, 1))
    assert refused(cp(episode, d(2025, 4, 1))) == {
        ALL: [
            "End the child in need plan first (on or before 1 April 2025): a child in need plan cannot "
            "overlap a child protection plan"
        ]
    }


def test_a_child_in_need_plan_may_end_the_day_a_child_protection_plan_starts(episode):
    ChildInNeedPlanFactory(episode=episode, start_date=d(2025, 3, 10), end_date=d(2025, 4, 1))
    Section47EnquiryFactory(episode=episode, icpc_date=d(2025, 4, 1))
    rules.check(cp(episode, d(2025, 4, 1)))


def test_a_child_protection_plan_ends_on_or_before_a_later_child_in_need_plan_starts(episode):
    plan = plan_at_conference(episode, d(2025, 3, 20))
    ChildInNeedPlanFactory(episode=episode, start_date=d(2025, 6, 2))
    plan.end_date, plan.end_reason = d(2025, 6, 3), "step_down_cin"
    assert refused(plan) == {
        "end_date": [
            "The plan's end date must be on or before 2 June 2025, when the child in need plan started: a "
            "child in need plan cannot overlap a child protection plan"
        ]
    }
    plan.end_date = d(2025, 6, 2)  # the usual step-down: the same day
    rules.check(plan)


def test_a_plan_ends_on_or_after_its_last_review(episode):
    plan = plan_at_conference(episode, d(2025, 3, 20))
    ReviewConferenceFactory(plan=plan, date=d(2025, 6, 16))
    plan.end_date, plan.end_reason = d(2025, 6, 13), "no_longer_needed"
    assert refused(plan) == {
        "end_date": [
            "The plan's end date must be on or after 16 June 2025, the date of its last review conference"
        ]
    }


# ---- Review conference and core group ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("day", "message"),
    [
        (
            d(2025, 3, 20),
            "The review conference must be after the start of the plan, 20 March 2025: the plan starts at "
            "the initial conference",
        ),
        (d(2025, 9, 2), "The review conference must be on or before the end of the plan, 1 September 2025"),
    ],
)
def test_a_review_conference_is_within_the_plan(episode, day, message):
    plan = plan_at_conference(episode, d(2025, 3, 20), end_date=d(2025, 9, 1), end_reason="no_longer_needed")
    assert refused(ReviewConference(child=episode.child, plan=plan, date=day)) == {"date": [message]}
    rules.check(ReviewConference(child=episode.child, plan=plan, date=d(2025, 9, 1)))


def test_not_two_review_conferences_on_the_same_day(episode):
    plan = plan_at_conference(episode, d(2025, 3, 20))
    ReviewConferenceFactory(plan=plan, date=d(2025, 6, 16))
    assert refused(ReviewConference(child=episode.child, plan=plan, date=d(2025, 6, 16))) == {
        "date": ["A review conference on 16 June 2025 is already recorded for this plan"]
    }


@pytest.mark.parametrize(
    ("day", "message"),
    [
        (d(2025, 3, 19), "The core group meeting must be on or after the start of the plan, 20 March 2025"),
        (d(2025, 9, 2), "The core group meeting must be on or before the end of the plan, 1 September 2025"),
    ],
)
def test_a_core_group_is_within_the_plan(episode, day, message):
    plan = plan_at_conference(episode, d(2025, 3, 20), end_date=d(2025, 9, 1), end_reason="no_longer_needed")
    assert refused(CoreGroupMeeting(child=episode.child, plan=plan, date=day)) == {"date": [message]}
    rules.check(CoreGroupMeeting(child=episode.child, plan=plan, date=d(2025, 3, 20)))


# ---- Child in need plan ------------------------------------------------------------------------------------


def cin(episode, start, **values):
    return ChildInNeedPlan(child=episode.child, episode=episode, start_date=start, **values)


def test_a_child_in_need_plan_starts_on_or_after_the_referral(episode):
    assert refused(cin(episode, d(2025, 3, 2))) == {
        "start_date": ["The plan's start date must be on or after the referral date, 3 March 2025"]
    }


def test_a_child_in_need_plan_ends_on_or_after_it_starts(episode):
    assert refused(cin(episode, d(2025, 4, 1), end_date=d(2025, 3, 31))) == {
        "end_date": ["The plan's end date must be on or after its start date, 1 April 2025"]
    }


def test_one_open_child_in_need_plan_per_child(episode):
    ChildInNeedPlanFactory(episode=episode, start_date=d(2025, 3, 10))
    assert refused(cin(episode, d(2025, 4, 1))) == {
        ALL: [
            "Sam Testchild already has an open child in need plan from 10 March 2025. End it before "
            "starting a new one."
        ]
    }


def test_child_in_need_plans_do_not_overlap(episode):
    ChildInNeedPlanFactory(episode=episode, start_date=d(2025, 3, 10), end_date=d(2025, 5, 1))
    assert refused(cin(episode, d(2025, 4, 1))) == {
        "start_date": [
            "The plan's start date must be on or after 1 May 2025, when the child in need plan from 10 "
            "March 2025 ended: a child's child in need plans cannot overlap"
        ]
    }
    rules.check(cin(episode, d(2025, 5, 1)))


def test_a_child_in_need_plan_cannot_start_while_a_child_protection_plan_is_open(episode):
    plan_at_conference(episode, d(2025, 3, 20))
    assert refused(cin(episode, d(2025, 6, 2))) == {
        ALL: [
            "End the child protection plan first (on or before 2 June 2025): a child in need plan cannot "
            "overlap a child protection plan"
        ]
    }


def test_a_child_in_need_plan_starts_on_or_after_the_child_protection_plan_ends(episode):
    plan_at_conference(episode, d(2025, 3, 20), end_date=d(2025, 6, 2), end_reason="step_down_cin")
    assert refused(cin(episode, d(2025, 6, 1))) == {
        "start_date": [
            "The plan's start date must be on or after 2 June 2025, when the child protection plan ended: a "
            "child in need plan cannot overlap a child protection plan"
        ]
    }
    rules.check(cin(episode, d(2025, 6, 2)))  # step-down on the day the plan ends


def test_a_child_in_need_plan_ends_on_or_before_a_later_child_protection_plan_starts(episode):
    plan_at_conference(episode, d(2025, 6, 2))
    assert refused(cin(episode, d(2025, 3, 10), end_date=d(2025, 6, 3))) == {
        "end_date": [
            "The plan's end date must be on or before 2 June 2025, when the child protection plan started: "
            "a child in need plan cannot overlap a child protection plan"
        ]
    }
    rules.check(cin(episode, d(2025, 3, 10), end_date=d(2025, 6, 2)))


# ---- Visit -------------------------------------------------------------------------------------------------


def test_a_child_cannot_be_seen_alone_without_being_seen(child):
    assert refused(Visit(child=child, date=d(2025, 3, 10), child_seen=False, seen_alone=True)) == {
        "seen_alone": ["A child cannot be seen alone if they were not seen"]
    }
    rules.check(Visit(child=child, date=d(2025, 3, 10), child_seen=True, seen_alone=True))


# ---- Pre-proceedings ---------------------------------------------------------------------------------------


def plo(child, **values):
    values.setdefault("legal_planning_meeting_date", d(2025, 1, 6))
    return PreProceedings(child=child, **values)


@pytest.mark.parametrize(
    ("values", "expected"),
    [
        (
            {"letter_before_proceedings_date": d(2025, 1, 3)},
            {
                "letter_before_proceedings_date": [
                    "The letter before proceedings must be on or after the legal planning meeting, 6 "
                    "January 2025"
                ]
            },
        ),
        (
            {"fgdm_offered_date": d(2025, 1, 10), "fgdm_held_date": d(2025, 1, 9)},
            {
                "fgdm_held_date": [
                    "Family group decision making must be held on or after it was offered, 10 January 2025"
                ]
            },
        ),
        (
            {"fgdm_held_date": d(2025, 1, 9)},
            {
                "fgdm_offered_date": [
                    "Enter the date family group decision making was offered: it was held, so it was offered"
                ]
            },
        ),
        (
            {
                "letter_before_proceedings_date": d(2025, 1, 10),
                "decision_date": d(2025, 1, 9),
                "outcome": "issue",
            },
            {
                "decision_date": [
                    "The date of the decision must be on or after the letter before proceedings, 10 January "
                    "2025"
                ]
            },
        ),
        (
            {"decision_date": d(2025, 1, 5), "outcome": "step_down"},
            {
                "decision_date": [
                    "The date of the decision must be on or after the legal planning meeting, 6 January 2025"
                ]
            },
        ),
        ({"decision_date": d(2025, 3, 3)}, {"outcome": ["Select the decision"]}),
        ({"outcome": "issue"}, {"decision_date": ["Enter the date of the decision"]}),
    ],
)
def test_pre_proceedings_dates_and_decision(child, values, expected):
    assert refused(plo(child, **values)) == expected


def test_one_open_pre_proceedings_per_child(child):
    PreProceedingsFactory(child=child, legal_planning_meeting_date=d(2025, 1, 6))
    assert refused(plo(child, legal_planning_meeting_date=d(2025, 2, 3))) == {
        ALL: [
            "Sam Testchild is already in pre-proceedings, from 6 January 2025. Record the decision on those "
            "before starting again."
        ]
    }


@pytest.mark.parametrize(
    ("pre", "day", "message"),
    [
        (
            {"letter_before_proceedings_date": d(2025, 1, 10)},
            d(2025, 1, 9),
            "The meeting must be on or after the letter before proceedings, 10 January 2025: the meeting "
            "follows the letter",
        ),
        ({}, d(2025, 1, 5), "The meeting must be on or after the legal planning meeting, 6 January 2025"),
        (
            {"decision_date": d(2025, 3, 3), "outcome": "step_down"},
            d(2025, 3, 4),
            "The meeting must be on or before the pre-proceedings decision, 3 March 2025",
        ),
    ],
)
def test_a_pre_proceedings_meeting_follows_the_letter(child, pre, day, message):
    parent = PreProceedingsFactory(child=child, legal_planning_meeting_date=d(2025, 1, 6), **pre)
    meeting = PreProceedingsMeeting(child=child, pre_proceedings=parent, kind="initial", date=day)
    assert refused(meeting) == {"date": [message]}


def test_a_pre_proceedings_meeting_without_a_letter_may_follow_the_legal_planning_meeting(child):
    parent = PreProceedingsFactory(child=child, legal_planning_meeting_date=d(2025, 1, 6))
    rules.check(
        PreProceedingsMeeting(child=child, pre_proceedings=parent, kind="initial", date=d(2025, 1, 6))
    )


def test_a_corrected_letter_cannot_follow_a_meeting(child):
    parent = PreProceedingsFactory(child=child, letter_before_proceedings_date=d(2025, 1, 10))
    PreProceedingsMeetingFactory(pre_proceedings=parent, date=d(2025, 1, 20))
    parent.letter_before_proceedings_date = d(2025, 1, 21)
    assert refused(parent) == {
        "letter_before_proceedings_date": [
            "The letter before proceedings must be on or before 20 January 2025, the date of the first "
            "pre-proceedings meeting: the meetings follow the letter"
        ]
    }


# ---- Care proceedings and hearings -------------------------------------------------------------------------


def court(child, **values):
    values.setdefault("application_date", d(2025, 3, 10))
    return CareProceedings(child=child, court="Synthetic Family Court", **values)


@pytest.mark.parametrize(
    ("values", "expected"),
    [
        (
            {"final_order_date": d(2025, 3, 9), "final_order": "care_order"},
            {
                "final_order_date": [
                    "The date of the final order must be on or after the application date, 10 March 2025"
                ]
            },
        ),
        ({"final_order_date": d(2025, 8, 25)}, {"final_order": ["Select the final order"]}),
        ({"final_order": "care_order"}, {"final_order_date": ["Enter the date of the final order"]}),
    ],
)
def test_care_proceedings_final_order(child, values, expected):
    assert refused(court(child, **values)) == expected


def test_one_open_set_of_care_proceedings_per_child(child):
    CareProceedingsFactory(child=child, application_date=d(2025, 3, 10))
    assert refused(court(child, application_date=d(2025, 4, 1))) == {
        ALL: [
            "Sam Testchild already has care proceedings issued on 10 March 2025. Record the final order "
            "before recording a new application."
        ]
    }


def test_the_final_order_is_on_or_after_the_last_hearing(child):
    proceedings = CareProceedingsFactory(child=child)
    CourtHearingFactory(proceedings=proceedings, date=d(2025, 8, 20))
    proceedings.final_order_date, proceedings.final_order = d(2025, 8, 19), "care_order"
    assert refused(proceedings) == {
        "final_order_date": [
            "The date of the final order must be on or after 20 August 2025, the date of the last hearing"
        ]
    }


@pytest.mark.parametrize(
    ("day", "message"),
    [
        (d(2025, 3, 9), "The hearing must be on or after the application date, 10 March 2025"),
        (d(2025, 8, 26), "The hearing must be on or before the final order, 25 August 2025"),
    ],
)
def test_a_hearing_is_within_the_proceedings(child, day, message):
    proceedings = CareProceedingsFactory(
        child=child,
        application_date=d(2025, 3, 10),
        final_order_date=d(2025, 8, 25),
        final_order="care_order",
    )
    assert refused(CourtHearing(child=child, proceedings=proceedings, kind="final", date=day)) == {
        "date": [message]
    }
    rules.check(CourtHearing(child=child, proceedings=proceedings, kind="final", date=d(2025, 8, 25)))


# ---- Looked-after episodes (SSDA903) -----------------------------------------------------------------------


def lac(child, **values):
    return LookedAfterEpisodeFactory.build(child=child, **values)


def test_an_episode_ends_on_or_after_it_starts(child):
    assert refused(lac(child, start_date=d(2025, 3, 12), end_date=d(2025, 3, 11), reason_ceased="E4A")) == {
        "end_date": ["The episode's end date must be on or after its start date, 12 March 2025"]
    }


@pytest.mark.parametrize(
    ("values", "expected"),
    [
        (
            {"end_date": d(2025, 8, 25)},
            {"reason_ceased": ["Select the reason the child stopped being looked after"]},
        ),
        ({"reason_ceased": "E4A"}, {"end_date": ["Enter the date the child stopped being looked after"]}),
    ],
)
def test_the_end_date_and_reason_ceased_go_together(child, values, expected):
    assert refused(lac(child, **values)) == expected


def test_a_worker_ending_care_cannot_choose_x1(child):
    episode = LookedAfterEpisodeFactory(child=child, start_date=d(2025, 3, 12))
    episode.end_date, episode.reason_ceased = d(2025, 8, 25), "X1"
    assert refused(episode) == {
        "reason_ceased": [
            "X1 is only for an episode that ends because a new one starts the same day. To record a change "
            "of placement or legal status, record a new looked-after episode instead"
        ]
    }
    episode.reason_ceased = "E4A"
    rules.check(episode)


def test_a_new_episode_while_looked_after_is_not_s(child):
    LookedAfterEpisodeFactory(child=child, start_date=d(2025, 3, 12))
    assert refused(lac(child, start_date=d(2025, 5, 1), reason_new_episode="S")) == {
        "reason_new_episode": [
            "The child is already looked after: choose the reason for the new episode, such as a change of "
            "placement"
        ]
    }
    rules.check(lac(child, start_date=d(2025, 5, 1), reason_new_episode="P"))
    rules.check(lac(child, start_date=d(2025, 3, 12), reason_new_episode="L"))  # a same-day change


def test_a_first_episode_is_s(child):
    assert refused(lac(child, reason_new_episode="P")) == {
        "reason_new_episode": [
            "The child is not looked after now, so the reason for a new episode is S, started to be looked "
            "after"
        ]
    }


def test_a_new_episode_starts_on_or_after_the_current_one(child):
    LookedAfterEpisodeFactory(child=child, start_date=d(2025, 3, 12))
    assert refused(lac(child, start_date=d(2025, 3, 11), reason_new_episode="P")) == {
        "start_date": [
            "The new episode must start on or after 12 March 2025, when the current episode started"
        ]
    }


def test_a_new_period_of_care_starts_on_or_after_the_last_one_ended(child):
    LookedAfterEpisodeFactory(
        child=child, start_date=d(2025, 3, 12), end_date=d(2025, 5, 1), reason_ceased="E4A"
    )
    assert refused(lac(child, start_date=d(2025, 4, 30))) == {
        "start_date": [
            "The episode's start date must be on or after 1 May 2025, when the episode from 12 March 2025 "
            "ended: a child's looked-after episodes cannot overlap"
        ]
    }
    rules.check(lac(child, start_date=d(2025, 5, 2)))


def test_an_episode_ended_by_the_next_one_keeps_x1(child):
    first = LookedAfterEpisodeFactory(
        child=child, start_date=d(2025, 3, 12), end_date=d(2025, 5, 1), reason_ceased="X1"
    )
    LookedAfterEpisodeFactory(child=child, start_date=d(2025, 5, 1), reason_new_episode="P")
    first.reason_ceased = "E4A"
    assert refused(first) == {
        "reason_ceased": [
            "The episode from 1 May 2025 continues this one the same day, so this episode ends with X1, a "
            "new episode the same day"
        ]
    }


@pytest.mark.parametrize(
    ("place", "provider", "message"),
    [
        ("U6", "", "Select the placement provider"),
        ("T1", "PR1", "Leave the placement provider blank: placement type T1 has no provider"),
        ("Z1", "PR4", "Leave the placement provider blank: placement type Z1 has no provider"),
        (
            "U6",
            "PR0",
            "PR0, parents or others with parental responsibility, is only for placement type P1, placed "
            "with parents",
        ),
        (
            "P1",
            "PR4",
            "Placement type P1, placed with parents, cannot have provider PR4: choose PR0, parents or "
            "others with parental responsibility",
        ),
    ],
)
def test_the_placement_provider_fits_the_placement(child, place, provider, message):
    assert refused(lac(child, placement_type=place, placement_provider=provider)) == {
        "placement_provider": [message]
    }


@pytest.mark.parametrize(
    ("place", "provider"),
    [("T1", ""), ("Z1", ""), ("P1", "PR0"), ("P1", ""), ("P1", "PR1"), ("Z11", ""), ("K2", "PR4")],
)
def test_placement_providers_that_fit(child, place, provider):
    rules.check(lac(child, placement_type=place, placement_provider=provider))


@pytest.mark.parametrize("postcode", ["DB1 1AA", "db11aa", "DB12 3AB", "DB1A 1AA"])
def test_a_placement_postcode_looks_like_a_postcode(child, postcode):
    rules.check(lac(child, placement_postcode=postcode))


@pytest.mark.parametrize("postcode", ["12345", "NOT A CODE", "DB1 1A"])
def test_a_placement_postcode_that_is_not_one_is_refused(child, postcode):
    assert refused(lac(child, placement_postcode=postcode)) == {
        "placement_postcode": ["Enter a real postcode, for example LS1 4AP"]
    }


def test_a_looked_after_review_is_of_a_child_in_care(child):
    LookedAfterEpisodeFactory(
        child=child, start_date=d(2025, 3, 12), end_date=d(2025, 8, 25), reason_ceased="E4A"
    )
    assert refused(LookedAfterReview(child=child, date=d(2025, 8, 26), participation="PN1")) == {
        "date": [
            "Sam Testchild was not looked after on 26 August 2025: a looked-after review is for a child in "
            "care. Check the date, or record the looked-after episode first"
        ]
    }
    rules.check(LookedAfterReview(child=child, date=d(2025, 8, 25), participation="PN1"))


def short_break(child, *, ceased: str):
    """One short break, 3 to 7 March 2025, of a series recorded break by break (SSDA903 V3)."""
    return LookedAfterEpisodeFactory(
        child=child,
        start_date=d(2025, 3, 3),
        end_date=d(2025, 3, 7),
        reason_ceased=ceased,
        legal_status="V3",
        placement_type="U6",
        placement_provider="PR1",
    )


def test_a_child_on_short_breaks_is_reviewed_at_home_between_breaks_until_the_arrangement_ends(child):
    # Care Planning Regulations 2010, reg 48: the series is reviewed as one arrangement, usually while the
    # child is at home. It stands until a break ends otherwise than by going home, or a year passes
    # without a break (short_breaks.py).
    short_break(child, ceased="E4A")
    rules.check(LookedAfterReview(child=child, date=d(2025, 5, 28), participation="PN1"))
    rules.check(LookedAfterReview(child=child, date=d(2026, 3, 7), participation="PN1"))
    assert set(refused(LookedAfterReview(child=child, date=d(2026, 3, 8), participation="PN1"))) == {"date"}


def test_a_review_after_short_breaks_ended_is_not_of_a_child_on_them(child):
    short_break(child, ceased="E8")
    assert set(refused(LookedAfterReview(child=child, date=d(2025, 5, 28), participation="PN1"))) == {"date"}


def test_correcting_a_short_break_keeps_a_review_held_between_breaks(child):
    episode = short_break(child, ceased="E4A")
    LookedAfterReviewFactory(child=child, date=d(2025, 5, 28))
    episode.placement_type = "U3"
    rules.check(episode)


def test_a_corrected_episode_does_not_leave_a_review_outside_care(child):
    episode = LookedAfterEpisodeFactory(
        child=child, start_date=d(2025, 3, 12), end_date=d(2025, 8, 25), reason_ceased="E4A"
    )
    LookedAfterReviewFactory(child=child, date=d(2025, 8, 1))
    episode.end_date = d(2025, 7, 31)
    assert refused(episode) == {
        ALL: [
            "The looked-after review on 1 August 2025 would fall outside Sam Testchild's looked-after "
            "episodes: check the episode's dates"
        ]
    }


def test_a_missing_episode_ends_on_or_after_it_starts(child):
    record = MissingEpisode(child=child, kind="M", start_date=d(2025, 6, 2), end_date=d(2025, 6, 1))
    assert refused(record) == {"end_date": ["The end date must be on or after the start date, 2 June 2025"]}
    record.end_date = d(2025, 6, 2)
    rules.check(record)


def test_every_kind_of_record_a_step_writes_has_rules():
    from safeguarding.journey.steps import STEPS

    assert {step.model for step in STEPS} <= set(rules._RULES)
