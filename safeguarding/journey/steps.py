"""The steps a worker records on a child's statutory journey, in the order they usually happen.

A step either creates a record (a referral, a visit, a review conference) or completes an open one (the
conference date on a section 47 enquiry, the end of a plan, the closure of the episode). Each names the
fields the worker gives; the record it attaches to is found from the child's open records, so a worker
never picks "which episode" by hand and a step cannot attach to a closed record.

Views, forms, services and the browser tests all work from this one list.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.db import models

from . import models as journey
from .short_breaks import Arrangement


def _open(model, end_field: str, **extra) -> Callable:
    # The latest by the model's own ordering (its start date): ordering by a UUID key would pick at random.
    def find(child):
        return model.objects.filter(child=child, **{f"{end_field}__isnull": True}, **extra).last()

    return find


def _open_episode(child):
    return journey.EpisodeOfNeed.objects.filter(child=child, closure_date__isnull=True).first()


def _open_cp_plan(child):
    return journey.ChildProtectionPlan.objects.filter(child=child, end_date__isnull=True).first()


def _unauthorised_assessment(child):
    return (
        journey.Assessment.objects.filter(
            child=child, episode__closure_date__isnull=True, authorised_on__isnull=True
        )
        .order_by("-start_date")
        .first()
    )


def _open_section47(child):
    return (
        journey.Section47Enquiry.objects.filter(
            child=child, episode__closure_date__isnull=True, icpc_date__isnull=True, icpc_not_required=False
        )
        .order_by("-start_date")
        .first()
    )


class NoFurtherActionReferral:
    """Stands, among a child's open records (records.open_records), for an open referral whose decision was
    no further action: rules._within_episode refuses any work on it until the decision is corrected."""


# Work that belongs to a referral, which the rules refuse on a referral decided "no further action".
_NOT_ON_NFA = (NoFurtherActionReferral,)


@dataclass(frozen=True)
class Step:
    slug: str
    # The page heading and button: "Record a referral".
    title: str
    # The group on the child's journey page.
    section: str
    model: type[models.Model]
    # Fields the worker gives, in form order.
    fields: tuple[str, ...]
    # Fields that must be given for this step even though the model allows them to be empty
    # (ending a plan needs its end date).
    required: tuple[str, ...] = ()
    # "create": a new record, attached to `parent_field` = find(child) if `parent_field` is set.
    # "complete": fills in `fields` on the open record find(child).
    mode: str = "create"
    find: Callable | None = None
    parent_field: str | None = None
    # Said when find(child) finds nothing: what to record first.
    needs: str = ""
    # At least one of these must be given (a conference date, or that no conference is needed), and what
    # to say when none is.
    one_of: tuple[str, ...] = ()
    one_of_message: str = ""
    # A new record ends the open one of its kind instead of waiting for it to end: SSDA903 starts a new
    # looked-after episode at each change of placement or legal status (services end the open one, X1).
    replaces_open: bool = False
    # What else the child's records must say for the step to be suggested, written next to the step so the
    # journey page agrees with the rules (rules.py) without asking the database again: kinds of record of
    # which one must be open (besides the one the step completes or attaches to; a kind may be
    # short_breaks.Arrangement, a series of short breaks standing between breaks), and kinds of record
    # that must not be open because the rules refuse the step while one is.
    needs_one_open_of: tuple[type, ...] = ()
    refused_while_open: tuple[type, ...] = ()

    @property
    def needs_open(self) -> type[models.Model] | None:
        """The kind of record that must be open for the step to follow from the child's records: the one it
        completes, or the one it attaches to; None for a step that needs nothing open (a visit)."""
        if self.find is None:
            return None
        if self.mode == "complete":
            return self.model
        return self.model._meta.get_field(self.parent_field).related_model


STEPS: tuple[Step, ...] = (
    Step(
        "referral",
        "Record a referral",
        "Referral and assessment",
        journey.EpisodeOfNeed,
        ("contact_date", "referral_date", "referral_source", "primary_need", "no_further_action"),
    ),
    Step(
        "assessment",
        "Start an assessment",
        "Referral and assessment",
        journey.Assessment,
        ("start_date",),
        find=_open_episode,
        parent_field="episode",
        needs="Record a referral first: an assessment belongs to an open referral",
        refused_while_open=_NOT_ON_NFA,
    ),
    Step(
        "assessment-authorisation",
        "Record the assessment's authorisation",
        "Referral and assessment",
        journey.Assessment,
        ("authorised_on", "factors"),
        required=("authorised_on",),
        mode="complete",
        find=_unauthorised_assessment,
        needs="There is no assessment waiting for authorisation",
    ),
    Step(
        "strategy-discussion",
        "Record a strategy discussion and section 47 enquiry",
        "Child protection",
        journey.Section47Enquiry,
        ("strategy_discussion_date", "start_date"),
        find=_open_episode,
        parent_field="episode",
        needs="Record a referral first: a section 47 enquiry belongs to an open referral",
        refused_while_open=_NOT_ON_NFA,
    ),
    Step(
        "initial-conference",
        "Record the initial child protection conference",
        "Child protection",
        journey.Section47Enquiry,
        ("icpc_date", "icpc_not_required"),
        mode="complete",
        find=_open_section47,
        needs="There is no section 47 enquiry waiting for a conference",
        one_of=("icpc_date", "icpc_not_required"),
        one_of_message=(
            "Enter the date of the initial child protection conference, "
            "or select that no conference is needed"
        ),
    ),
    Step(
        "cp-plan",
        "Start a child protection plan",
        "Child protection",
        journey.ChildProtectionPlan,
        ("start_date", "initial_category", "started_at_transfer_in"),
        find=_open_episode,
        parent_field="episode",
        needs="Record a referral first: a child protection plan belongs to an open referral",
        # rules._cin_and_cp_do_not_overlap: a step-up ends the child in need plan first.
        refused_while_open=(journey.ChildInNeedPlan, *_NOT_ON_NFA),
    ),
    Step(
        "review-conference",
        "Record a review conference",
        "Child protection",
        journey.ReviewConference,
        ("date",),
        find=_open_cp_plan,
        parent_field="plan",
        needs="There is no open child protection plan",
    ),
    Step(
        "core-group",
        "Record a core group meeting",
        "Child protection",
        journey.CoreGroupMeeting,
        ("date",),
        find=_open_cp_plan,
        parent_field="plan",
        needs="There is no open child protection plan",
    ),
    Step(
        "cp-plan-category",
        "Change the category of abuse",
        "Child protection",
        journey.ChildProtectionPlan,
        ("latest_category",),
        required=("latest_category",),
        mode="complete",
        find=_open_cp_plan,
        needs="There is no open child protection plan",
    ),
    Step(
        "cp-plan-end",
        "End the child protection plan",
        "Child protection",
        journey.ChildProtectionPlan,
        ("end_date", "end_reason"),
        required=("end_date", "end_reason"),
        mode="complete",
        find=_open_cp_plan,
        needs="There is no open child protection plan",
    ),
    Step(
        "cin-plan",
        "Start a child in need plan",
        "Child in need",
        journey.ChildInNeedPlan,
        ("start_date",),
        find=_open_episode,
        parent_field="episode",
        needs="Record a referral first: a child in need plan belongs to an open referral",
        # rules._cin_and_cp_do_not_overlap: a step-down starts the plan when the protection plan ends.
        refused_while_open=(journey.ChildProtectionPlan, *_NOT_ON_NFA),
    ),
    Step(
        "cin-plan-end",
        "End the child in need plan",
        "Child in need",
        journey.ChildInNeedPlan,
        ("end_date",),
        required=("end_date",),
        mode="complete",
        find=_open(journey.ChildInNeedPlan, "end_date"),
        needs="There is no open child in need plan",
    ),
    Step(
        "visit",
        "Record a visit",
        "Visits",
        journey.Visit,
        ("date", "child_seen", "seen_alone"),
    ),
    Step(
        "pre-proceedings",
        "Start pre-proceedings",
        "Pre-proceedings and court",
        journey.PreProceedings,
        (
            "legal_planning_meeting_date",
            "letter_before_proceedings_date",
            "fgdm_offered_date",
            "fgdm_held_date",
        ),
    ),
    Step(
        "pre-proceedings-meeting",
        "Record a pre-proceedings meeting",
        "Pre-proceedings and court",
        journey.PreProceedingsMeeting,
        ("kind", "date"),
        find=_open(journey.PreProceedings, "decision_date"),
        parent_field="pre_proceedings",
        needs="Start pre-proceedings first",
    ),
    Step(
        "pre-proceedings-decision",
        "Record the pre-proceedings decision",
        "Pre-proceedings and court",
        journey.PreProceedings,
        ("letter_before_proceedings_date", "fgdm_offered_date", "fgdm_held_date", "decision_date", "outcome"),
        required=("decision_date", "outcome"),
        mode="complete",
        find=_open(journey.PreProceedings, "decision_date"),
        needs="There are no open pre-proceedings",
    ),
    Step(
        "care-proceedings",
        "Record an application for care proceedings",
        "Pre-proceedings and court",
        journey.CareProceedings,
        ("application_date", "court", "case_number"),
    ),
    Step(
        "hearing",
        "Record a court hearing",
        "Pre-proceedings and court",
        journey.CourtHearing,
        ("kind", "date"),
        find=_open(journey.CareProceedings, "final_order_date"),
        parent_field="proceedings",
        needs="There are no open care proceedings",
    ),
    Step(
        "final-order",
        "Record the final order",
        "Pre-proceedings and court",
        journey.CareProceedings,
        ("final_order_date", "final_order"),
        required=("final_order_date", "final_order"),
        mode="complete",
        find=_open(journey.CareProceedings, "final_order_date"),
        needs="There are no open care proceedings",
    ),
    Step(
        "looked-after",
        "Record a looked-after episode",
        "Looked after",
        journey.LookedAfterEpisode,
        (
            "start_date",
            "reason_new_episode",
            "legal_status",
            "category_of_need",
            "placement_type",
            "placement_provider",
            "placement_postcode",
        ),
        replaces_open=True,
    ),
    Step(
        "looked-after-end",
        "Record that the child stopped being looked after",
        "Looked after",
        journey.LookedAfterEpisode,
        ("end_date", "reason_ceased"),
        required=("end_date", "reason_ceased"),
        mode="complete",
        find=_open(journey.LookedAfterEpisode, "end_date"),
        needs="The child is not looked after",
    ),
    Step(
        "looked-after-review",
        "Record a looked-after review",
        "Looked after",
        journey.LookedAfterReview,
        ("date", "participation"),
        # rules._looked_after_review: a review is of a child in care, or on short breaks (reg 48).
        needs_one_open_of=(journey.LookedAfterEpisode, Arrangement),
    ),
    Step(
        "missing",
        "Record a missing episode",
        "Looked after",
        journey.MissingEpisode,
        ("kind", "start_date", "end_date"),
        # The SSDA903 missing table: a child missing from, or away without authorisation from, a placement.
        needs_one_open_of=(journey.LookedAfterEpisode,),
    ),
    Step(
        "closure",
        "Close the referral",
        "Referral and assessment",
        journey.EpisodeOfNeed,
        ("closure_date", "closure_reason"),
        required=("closure_date", "closure_reason"),
        mode="complete",
        find=_open_episode,
        needs="There is no open referral to close",
        # rules._episode: a referral closes after its plans end, its section 47 enquiry has its outcome and
        # its assessments are authorised.
        refused_while_open=(
            journey.ChildProtectionPlan,
            journey.ChildInNeedPlan,
            journey.Section47Enquiry,
            journey.Assessment,
        ),
    ),
)

STEPS_BY_SLUG: dict[str, Step] = {step.slug: step for step in STEPS}

# The fields a correction may change on each kind of record: everything a worker gave for it.
CORRECTABLE_FIELDS: dict[type[models.Model], tuple[str, ...]] = {}
for _step in STEPS:
    _known = CORRECTABLE_FIELDS.setdefault(_step.model, ())
    CORRECTABLE_FIELDS[_step.model] = _known + tuple(f for f in _step.fields if f not in _known)
