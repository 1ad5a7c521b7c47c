"""Recording and correcting a child's statutory journey through the services, end to end on the database:
realistic journeys through every step, what a step finds and refuses, corrections with their history, the
audit trail, and the database constraints behind the rules."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError

from safeguarding.accounts.tests.factories import UserFactory
from safeguarding.audit.models import AuditEvent
from safeguarding.journey import rules, services
from safeguarding.journey.models import (
    Assessment,
    CareProceedings,
    ChildInNeedPlan,
    ChildProtectionPlan,
    CoreGroupMeeting,
    Correction,
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
from safeguarding.journey.steps import STEPS, STEPS_BY_SLUG
from safeguarding.people.tests.factories import FamilyFactory, FamilyMemberFactory

from .factories import (
    AssessmentFactory,
    ChildFactory,
    ChildInNeedPlanFactory,
    EpisodeOfNeedFactory,
    LookedAfterEpisodeFactory,
    PreProceedingsFactory,
    Section47EnquiryFactory,
    plan_at_conference,
)

pytestmark = pytest.mark.django_db

d = datetime.date
ALL = NON_FIELD_ERRORS

# Referral to closure through child protection and a step-down to a child in need plan.
CHILD_PROTECTION_JOURNEY = [
    (
        "referral",
        {
            "contact_date": d(2025, 3, 3),
            "referral_date": d(2025, 3, 3),
            "referral_source": "6",
            "primary_need": "N1",
            "no_further_action": False,
        },
    ),
    ("assessment", {"start_date": d(2025, 3, 4)}),
    ("assessment-authorisation", {"authorised_on": d(2025, 3, 5), "factors": ["4B", "3B"]}),
    ("strategy-discussion", {"strategy_discussion_date": d(2025, 3, 5), "start_date": d(2025, 3, 5)}),
    ("initial-conference", {"icpc_date": d(2025, 3, 24), "icpc_not_required": False}),
    ("cp-plan", {"start_date": d(2025, 3, 24), "initial_category": "NEG"}),
    ("core-group", {"date": d(2025, 4, 1)}),
    ("review-conference", {"date": d(2025, 6, 16)}),
    ("cp-plan-category", {"latest_category": "EMO"}),
    ("cp-plan-end", {"end_date": d(2025, 9, 15), "end_reason": "step_down_cin"}),
    ("cin-plan", {"start_date": d(2025, 9, 15)}),
    ("visit", {"date": d(2025, 9, 22), "child_seen": True, "seen_alone": True}),
    ("cin-plan-end", {"end_date": d(2025, 12, 15)}),
    ("closure", {"closure_date": d(2025, 12, 15), "closure_reason": "RC7"}),
]

# Pre-proceedings to a final order, through care: a change of placement, a review, a missing episode and
# a return home.
COURT_JOURNEY = [
    (
        "pre-proceedings",
        {
            "legal_planning_meeting_date": d(2025, 1, 6),
            "letter_before_proceedings_date": d(2025, 1, 10),
            "fgdm_offered_date": d(2025, 1, 10),
        },
    ),
    ("pre-proceedings-meeting", {"kind": "initial", "date": d(2025, 1, 20)}),
    (
        "pre-proceedings-decision",
        {"fgdm_held_date": d(2025, 2, 3), "decision_date": d(2025, 3, 3), "outcome": "issue"},
    ),
    (
        "care-proceedings",
        {"application_date": d(2025, 3, 10), "court": "Synthetic Family Court", "case_number": "ZZ25C00001"},
    ),
    ("hearing", {"kind": "interim", "date": d(2025, 3, 12)}),
    (
        "looked-after",
        {
            "start_date": d(2025, 3, 12),
            "reason_new_episode": "S",
            "legal_status": "C1",
            "category_of_need": "N1",
            "placement_type": "U6",
            "placement_provider": "PR1",
            "placement_postcode": "db1 1aa",
        },
    ),
    ("looked-after-review", {"date": d(2025, 4, 8), "participation": "PN1"}),
    (
        "looked-after",
        {
            "start_date": d(2025, 5, 1),
            "reason_new_episode": "P",
            "legal_status": "C1",
            "category_of_need": "N1",
            "placement_type": "U3",
            "placement_provider": "PR1",
        },
    ),
    ("missing", {"kind": "M", "start_date": d(2025, 6, 1), "end_date": d(2025, 6, 2)}),
    ("hearing", {"kind": "final", "date": d(2025, 8, 25)}),
    ("final-order", {"final_order_date": d(2025, 8, 25), "final_order": "supervision_order"}),
    ("looked-after-end", {"end_date": d(2025, 8, 25), "reason_ceased": "E4A"}),
]


@pytest.fixture
def family():
    return FamilyFactory()


@pytest.fixture
def worker(family):
    return UserFactory(team=family.team)


@pytest.fixture
def child(family):
    person = ChildFactory(first_name="Sam", last_name="Testchild")
    FamilyMemberFactory(family=family, person=person)
    return person


def record(worker, child, step, **values):
    return services.journey_record(actor=worker, child=child, step=step, values=values)


def walk(worker, child, journey) -> list:
    return [record(worker, child, step, **values) for step, values in journey]


def refused(call, *args, **kwargs) -> dict[str, list[str]]:
    with pytest.raises(ValidationError) as caught:
        call(*args, **kwargs)
    error = caught.value
    return error.message_dict if hasattr(error, "error_dict") else {ALL: error.messages}


# ---- Journeys through every step ---------------------------------------------------------------------------


def test_the_two_journeys_use_every_step():
    used = {step for step, _values in CHILD_PROTECTION_JOURNEY + COURT_JOURNEY}
    assert used == set(STEPS_BY_SLUG)


def test_a_child_protection_journey_from_referral_to_closure(worker, child):
    (
        referral,
        assessment,
        authorised,
        enquiry,
        conference,
        plan,
        core_group,
        review,
        recategorised,
        ended_plan,
        cin_plan,
        visit,
        ended_cin_plan,
        closure,
    ) = walk(worker, child, CHILD_PROTECTION_JOURNEY)

    # Completing steps found the open record they complete.
    assert authorised.pk == assessment.pk
    assert conference.pk == enquiry.pk
    assert recategorised.pk == ended_plan.pk == plan.pk
    assert ended_cin_plan.pk == cin_plan.pk
    assert closure.pk == referral.pk
    # ... and created steps attached to the open parent.
    assert (
        assessment.episode_id == enquiry.episode_id == plan.episode_id == cin_plan.episode_id == referral.pk
    )
    assert core_group.plan_id == review.plan_id == plan.pk

    assessment.refresh_from_db()
    assert assessment.authorised_on == d(2025, 3, 5)
    assert assessment.factors == ["3B", "4B"]  # the DfE's order
    enquiry.refresh_from_db()
    # CIN census InitialCPCtarget: 15 working days from the strategy discussion on Wednesday 5 March.
    assert enquiry.icpc_target == d(2025, 3, 26)
    assert enquiry.icpc_date == d(2025, 3, 24)
    plan.refresh_from_db()
    assert (plan.initial_category, plan.latest_category) == ("NEG", "EMO")
    assert (plan.end_date, plan.end_reason) == (d(2025, 9, 15), "step_down_cin")
    assert visit.visited_by == worker and visit.recorded_by == worker
    referral.refresh_from_db()
    assert (referral.closure_date, referral.closure_reason) == (d(2025, 12, 15), "RC7")
    for model in (EpisodeOfNeed, Assessment, Section47Enquiry, ChildProtectionPlan, ChildInNeedPlan, Visit):
        assert model.objects.filter(child=child).count() == 1, model
    assert CoreGroupMeeting.objects.count() == ReviewConference.objects.count() == 1


def test_a_court_and_looked_after_journey(worker, child):
    (
        pre,
        meeting,
        decided,
        proceedings,
        first_hearing,
        first_episode,
        review,
        second_episode,
        missing,
        final_hearing,
        ordered,
        ended,
    ) = walk(worker, child, COURT_JOURNEY)

    assert meeting.pre_proceedings_id == pre.pk
    assert decided.pk == pre.pk
    pre.refresh_from_db()
    # The decision step kept the letter recorded at the start, and added what it gave.
    assert pre.letter_before_proceedings_date == d(2025, 1, 10)
    assert (pre.fgdm_held_date, pre.decision_date, pre.outcome) == (d(2025, 2, 3), d(2025, 3, 3), "issue")
    assert first_hearing.proceedings_id == final_hearing.proceedings_id == proceedings.pk
    assert ordered.pk == proceedings.pk

    # SSDA903: the change of placement ended the first episode the same day with X1.
    first_episode.refresh_from_db()
    assert (first_episode.end_date, first_episode.reason_ceased) == (d(2025, 5, 1), "X1")
    assert first_episode.placement_postcode == "DB1 1AA"
    assert ended.pk == second_episode.pk
    second_episode.refresh_from_db()
    assert (second_episode.end_date, second_episode.reason_ceased) == (d(2025, 8, 25), "E4A")
    assert not LookedAfterEpisode.objects.filter(child=child, end_date__isnull=True).exists()
    assert review.date == d(2025, 4, 8) and missing.end_date == d(2025, 6, 2)
    for model in (PreProceedings, PreProceedingsMeeting, CareProceedings, LookedAfterReview, MissingEpisode):
        assert model.objects.filter(child=child).count() == 1, model
    assert CourtHearing.objects.filter(child=child).count() == 2

    ended_by_new = AuditEvent.objects.get(object_id=str(first_episode.pk), action=AuditEvent.Action.CHANGE)
    assert ended_by_new.detail["ended_by_new_episode"] == str(second_episode.pk)


def test_every_write_is_audited_against_the_childs_family(worker, child, family):
    records = walk(worker, child, CHILD_PROTECTION_JOURNEY)
    events = list(AuditEvent.objects.filter(detail__child=str(child.pk)).order_by("id"))
    assert [event.detail["step"] for event in events] == [step for step, _values in CHILD_PROTECTION_JOURNEY]
    assert {event.family_id for event in events} == {family.pk}
    assert {event.actor_id for event in events} == {worker.pk}
    for event, created, (step, _values) in zip(events, records, CHILD_PROTECTION_JOURNEY, strict=True):
        expected = (
            AuditEvent.Action.CREATE if STEPS_BY_SLUG[step].mode == "create" else AuditEvent.Action.CHANGE
        )
        assert (event.action, event.object_id, event.object_type) == (
            expected,
            str(created.pk),
            created._meta.model_name,
        )
    assert events[0].detail["values"]["referral_date"] == "3 March 2025"


def test_a_child_in_two_families_is_audited_without_a_family(worker, child):
    FamilyMemberFactory(person=child)
    record(worker, child, "visit", date=d(2025, 3, 10), child_seen=True)
    assert AuditEvent.objects.get(detail__step="visit").family_id is None


# ---- What a step finds and refuses -------------------------------------------------------------------------


@pytest.mark.parametrize("step", [step for step in STEPS if step.needs], ids=lambda step: step.slug)
def test_a_step_without_its_prerequisite_says_what_to_record_first(worker, child, step):
    assert refused(record, worker, child, step.slug) == {ALL: [step.needs]}


def test_authorisation_finds_the_assessment_waiting_for_it(worker, child):
    episode = EpisodeOfNeedFactory(child=child)
    AssessmentFactory(episode=episode, start_date=d(2025, 3, 4), authorised_on=d(2025, 3, 20), factors=["21"])
    waiting = AssessmentFactory(episode=episode, start_date=d(2025, 3, 21))
    authorised = record(
        worker, child, "assessment-authorisation", authorised_on=d(2025, 4, 1), factors=["1B"]
    )
    assert authorised.pk == waiting.pk


def test_ending_a_plan_finds_the_open_one(worker, child):
    episode = EpisodeOfNeedFactory(child=child)
    ChildInNeedPlanFactory(episode=episode, start_date=d(2025, 3, 4), end_date=d(2025, 4, 1))
    open_plan = ChildInNeedPlanFactory(episode=episode, start_date=d(2025, 4, 1))
    assert record(worker, child, "cin-plan-end", end_date=d(2025, 5, 1)).pk == open_plan.pk


def test_a_section_47_enquiry_in_a_closed_referral_is_not_waiting_for_a_conference(worker, child):
    closed = EpisodeOfNeedFactory(
        child=child, referral_date=d(2025, 1, 6), closure_date=d(2025, 2, 3), closure_reason="RC7"
    )
    Section47EnquiryFactory(episode=closed)
    EpisodeOfNeedFactory(child=child, referral_date=d(2025, 3, 3))
    assert refused(record, worker, child, "initial-conference", icpc_date=d(2025, 3, 20)) == {
        ALL: ["There is no section 47 enquiry waiting for a conference"]
    }


@pytest.mark.parametrize(
    ("step", "values", "expected"),
    [
        ("referral", {"referral_date": d(2025, 3, 3)}, {"referral_source": ["Select the referral source"]}),
        ("visit", {"date": d(2025, 3, 3)}, {"child_seen": ["Select whether the child was seen"]}),
        (
            "looked-after",
            {"start_date": d(2025, 3, 12), "reason_new_episode": "S", "legal_status": "C1"},
            {
                "category_of_need": ["Select the category of need"],
                "placement_type": ["Select the placement type"],
            },
        ),
        (
            "pre-proceedings",
            {},
            {"legal_planning_meeting_date": ["Enter the date of the legal planning meeting"]},
        ),
    ],
)
def test_a_step_asks_for_what_it_needs(worker, child, step, values, expected):
    assert refused(record, worker, child, step, **values) == expected


def test_ending_a_plan_needs_its_date_and_reason(worker, child):
    plan_at_conference(EpisodeOfNeedFactory(child=child), d(2025, 3, 20))
    assert refused(record, worker, child, "cp-plan-end", end_date=d(2025, 6, 2)) == {
        "end_reason": ["Select why the plan ended"]
    }
    assert refused(record, worker, child, "cp-plan-end", end_reason="no_longer_needed") == {
        "end_date": ["Enter the plan's end date"]
    }


def test_the_initial_conference_step_needs_a_date_or_that_none_is_needed(worker, child):
    Section47EnquiryFactory(episode=EpisodeOfNeedFactory(child=child))
    assert refused(record, worker, child, "initial-conference", icpc_not_required=False) == {
        "icpc_date": [
            "Enter the date of the initial child protection conference, or select that no conference is "
            "needed"
        ]
    }
    enquiry = record(worker, child, "initial-conference", icpc_not_required=True)
    assert enquiry.icpc_not_required and enquiry.icpc_date is None


def test_completing_a_record_keeps_the_dates_already_recorded(worker, child):
    PreProceedingsFactory(child=child, letter_before_proceedings_date=d(2025, 1, 10))
    assert refused(
        record,
        worker,
        child,
        "pre-proceedings-decision",
        letter_before_proceedings_date=d(2025, 1, 11),
        decision_date=d(2025, 3, 3),
        outcome="issue",
    ) == {
        "letter_before_proceedings_date": [
            "The date of the letter before proceedings is already recorded as 10 January 2025. To change "
            "it, correct the record"
        ]
    }
    decided = record(
        worker,
        child,
        "pre-proceedings-decision",
        letter_before_proceedings_date=None,
        decision_date=d(2025, 3, 3),
        outcome="issue",
    )
    decided.refresh_from_db()
    assert decided.letter_before_proceedings_date == d(2025, 1, 10)


def test_rule_messages_reach_the_worker_through_a_step(worker, child):
    assert refused(
        record,
        worker,
        child,
        "referral",
        contact_date=d(2025, 3, 4),
        referral_date=d(2025, 3, 3),
        referral_source="6",
    ) == {"contact_date": ["The contact date must be on or before the referral date, 3 March 2025"]}
    assert not EpisodeOfNeed.objects.exists()


def test_a_message_about_a_field_the_step_does_not_show_is_shown_above_the_form(worker, child):
    # An episode imported with a postcode that is not one: ending care says what is wrong rather than
    # pointing at a field the worker cannot see.
    LookedAfterEpisodeFactory(child=child, placement_postcode="NOWHERE")
    assert refused(
        record, worker, child, "looked-after-end", end_date=d(2025, 8, 25), reason_ceased="E4A"
    ) == {ALL: ["Enter a real postcode, for example LS1 4AP"]}


def test_a_placement_with_parents_is_provided_by_the_parents(worker, child):
    episode = record(
        worker,
        child,
        "looked-after",
        start_date=d(2025, 3, 12),
        reason_new_episode="S",
        legal_status="C2",
        category_of_need="N1",
        placement_type="P1",
        placement_provider="",
    )
    episode.refresh_from_db()
    assert episode.placement_provider == "PR0"


def test_factors_are_stored_once_each_in_the_dfe_order(worker, child):
    AssessmentFactory(episode=EpisodeOfNeedFactory(child=child), start_date=d(2025, 3, 4))
    assessment = record(
        worker,
        child,
        "assessment-authorisation",
        authorised_on=d(2025, 4, 1),
        factors=["4B", "16A", "3B", "4B"],
    )
    assessment.refresh_from_db()
    assert assessment.factors == ["3B", "4B", "16A"]


# ---- Corrections -------------------------------------------------------------------------------------------


def test_a_correction_keeps_the_history_and_is_audited(worker, child, family):
    referral = record(worker, child, "referral", referral_date=d(2025, 3, 3), referral_source="6")
    corrected = services.journey_correct(
        actor=worker,
        record=referral,
        values={"referral_date": d(2025, 3, 4), "referral_source": "2A"},
        reason="The school's referral came in the day after the police contact",
    )
    corrected.refresh_from_db()
    assert (corrected.referral_date, corrected.referral_source) == (d(2025, 3, 4), "2A")
    correction = Correction.objects.get()
    assert correction.changes == {
        "referral_date": ["3 March 2025", "4 March 2025"],
        "referral_source": ["Police", "Schools"],
    }
    assert (correction.record_type, correction.record_id, correction.child_id, correction.corrected_by) == (
        "episodeofneed",
        referral.pk,
        child.pk,
        worker,
    )
    assert correction.reason == "The school's referral came in the day after the police contact"
    event = AuditEvent.objects.get(action=AuditEvent.Action.CORRECT)
    assert (event.object_id, event.family_id, event.actor_id) == (str(referral.pk), family.pk, worker.pk)
    assert event.detail["changes"] == correction.changes
    assert event.detail["reason"] == correction.reason


@pytest.mark.parametrize("reason", ["", "   ", None])
def test_a_correction_needs_a_reason(worker, child, reason):
    referral = record(worker, child, "referral", referral_date=d(2025, 3, 3), referral_source="6")
    assert refused(
        services.journey_correct,
        actor=worker,
        record=referral,
        values={"referral_date": d(2025, 3, 4)},
        reason=reason,
    ) == {"reason": ["Enter why you are correcting this record"]}
    referral.refresh_from_db()
    assert referral.referral_date == d(2025, 3, 3)
    assert not Correction.objects.exists()


def test_a_correction_must_change_something(worker, child):
    referral = record(worker, child, "referral", referral_date=d(2025, 3, 3), referral_source="6")
    assert refused(
        services.journey_correct,
        actor=worker,
        record=referral,
        values={"referral_date": d(2025, 3, 3), "referral_source": "6"},
        reason="Checking",
    ) == {ALL: ["You have not changed anything. Change a value, or go back."]}
    assert not AuditEvent.objects.filter(action=AuditEvent.Action.CORRECT).exists()


def test_reordering_factors_is_not_a_change(worker, child):
    assessment = AssessmentFactory(
        episode=EpisodeOfNeedFactory(child=child), authorised_on=d(2025, 4, 1), factors=["3B", "4B"]
    )
    assert refused(
        services.journey_correct,
        actor=worker,
        record=assessment,
        values={"factors": ["4B", "3B"]},
        reason="Tidy",
    ) == {ALL: ["You have not changed anything. Change a value, or go back."]}


def test_a_correction_is_checked_against_the_rules(worker, child):
    visit = record(worker, child, "visit", date=d(2025, 3, 10), child_seen=True, seen_alone=True)
    assert refused(
        services.journey_correct, actor=worker, record=visit, values={"child_seen": False}, reason="Not seen"
    ) == {"seen_alone": ["A child cannot be seen alone if they were not seen"]}
    assert not Correction.objects.exists()


def test_a_correction_cannot_empty_a_required_date(worker, child):
    visit = record(worker, child, "visit", date=d(2025, 3, 10), child_seen=True)
    assert refused(
        services.journey_correct, actor=worker, record=visit, values={"date": None}, reason="Wrong"
    ) == {"date": ["Enter the date of the visit"]}


def test_correcting_the_strategy_discussion_moves_the_conference_target(worker, child):
    walk(worker, child, CHILD_PROTECTION_JOURNEY[:1])
    enquiry = record(
        worker, child, "strategy-discussion", strategy_discussion_date=d(2025, 3, 5), start_date=d(2025, 3, 5)
    )
    services.journey_correct(
        actor=worker, record=enquiry, values={"strategy_discussion_date": d(2025, 3, 4)}, reason="Typo"
    )
    enquiry.refresh_from_db()
    assert enquiry.icpc_target == d(2025, 3, 25)


def test_correcting_the_conference_date_moves_the_plan_that_started_at_it(worker, child):
    referral, _assessment, _authorised, enquiry, _conference, plan, *_rest = walk(
        worker, child, CHILD_PROTECTION_JOURNEY[:7]
    )
    services.journey_correct(
        actor=worker,
        record=enquiry,
        values={"icpc_date": d(2025, 3, 25)},
        reason="Conference was on the 25th",
    )
    plan.refresh_from_db()
    assert plan.start_date == d(2025, 3, 25)
    corrections = {c.record_type: c for c in Correction.objects.all()}
    assert corrections["section47enquiry"].changes == {"icpc_date": ["24 March 2025", "25 March 2025"]}
    assert corrections["childprotectionplan"].changes == {"start_date": ["24 March 2025", "25 March 2025"]}
    assert corrections["childprotectionplan"].reason == "Conference was on the 25th"
    followed = AuditEvent.objects.get(action=AuditEvent.Action.CORRECT, object_id=str(plan.pk))
    assert followed.detail["follows_correction_of"] == f"section47enquiry {enquiry.pk}"


def test_a_moved_conference_cannot_leave_the_plan_ending_before_it_starts(worker, child):
    episode = EpisodeOfNeedFactory(child=child)
    plan_at_conference(episode, d(2025, 3, 20), end_date=d(2025, 3, 21), end_reason="other")
    enquiry = Section47Enquiry.objects.get(child=child)
    assert refused(
        services.journey_correct,
        actor=worker,
        record=enquiry,
        values={"icpc_date": d(2025, 3, 21)},
        reason="Typo",
    ) == {
        ALL: [
            "The plan's end date must be after its start date, 21 March 2025: a child protection plan "
            "cannot start and end on the same day"
        ]
    }
    enquiry.refresh_from_db()
    assert enquiry.icpc_date == d(2025, 3, 20)
    assert ChildProtectionPlan.objects.get().start_date == d(2025, 3, 20)


def test_correcting_a_new_episode_start_moves_the_end_of_the_one_it_replaced(worker, child):
    *_before, first, _review, second, _missing, _hearing, _order, _ended = walk(worker, child, COURT_JOURNEY)
    services.journey_correct(
        actor=worker, record=second, values={"start_date": d(2025, 5, 2)}, reason="The move was on the 2nd"
    )
    first.refresh_from_db()
    second.refresh_from_db()
    assert (first.end_date, first.reason_ceased, second.start_date) == (d(2025, 5, 2), "X1", d(2025, 5, 2))
    assert Correction.objects.get(record_id=first.pk).changes == {"end_date": ["1 May 2025", "2 May 2025"]}


# ---- The database behind the rules -------------------------------------------------------------------------


def test_the_database_refuses_a_second_open_plan_with_the_rules_message(child):
    episode = EpisodeOfNeedFactory(child=child)
    plan_at_conference(episode, d(2025, 3, 20))
    Section47EnquiryFactory(episode=episode, icpc_date=d(2025, 4, 20))
    second = ChildProtectionPlan(
        child=child, episode=episode, start_date=d(2025, 4, 20), initial_category="NEG", latest_category="NEG"
    )
    # As if a second worker had passed the rules before the first plan was saved.
    assert refused(services._save, second) == {
        ALL: [
            "Sam Testchild already has an open child protection plan from 20 March 2025. End it before "
            "starting a new one."
        ]
    }
    assert ChildProtectionPlan.objects.filter(child=child, end_date__isnull=True).count() == 1


def test_a_conflict_the_rules_cannot_explain_asks_the_worker_to_check_and_try_again(child, monkeypatch):
    EpisodeOfNeedFactory(child=child)
    second = EpisodeOfNeedFactory.build(child=child, referral_date=d(2025, 4, 1))
    monkeypatch.setattr(rules, "check", lambda record: None)
    assert refused(services._save, second) == {
        ALL: ["This record changed while you were working on it. Check the journey and try again."]
    }
    assert EpisodeOfNeed.objects.filter(child=child).count() == 1
