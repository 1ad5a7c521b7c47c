"""Entry rules for the child's statutory journey: what a recorded fact must agree with before it is saved.

`check(record)` is called by the services with the record's new values set and not yet saved. It reads the
child's other records from the database (excluding this one) and raises a ValidationError with one message
per field, each saying what to do, in the words a social worker uses.

Most rules are the ones the DfE applies when it validates the CIN census and the SSDA903 return; checking
them when a worker records the event, rather than months later when an analyst builds the return, means
the worker who knows the facts fixes them. The rest follow from Working Together to Safeguard Children 2023
(a child protection plan starts at the initial conference) and from the order events happen in.

Periods of the same kind (referrals, plans, looked-after episodes) may touch but not overlap: one ending on
the day the next starts is the normal handover (a step-down from a child protection plan to a child in
need plan, a change of placement).
"""

from __future__ import annotations

import datetime
from collections.abc import Callable, Iterable
from types import SimpleNamespace

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import models
from django.utils import timezone

from safeguarding.people.identifiers import POSTCODE_MESSAGE, postcode_is_valid

from . import codes, short_breaks
from .models import (
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

# How each date reads in a message: "The {label} must be today or in the past".
LABELS: dict[type[models.Model], dict[str, str]] = {
    EpisodeOfNeed: {
        "contact_date": "contact date",
        "referral_date": "referral date",
        "closure_date": "closure date",
    },
    Assessment: {"start_date": "assessment's start date", "authorised_on": "authorisation date"},
    Section47Enquiry: {
        "strategy_discussion_date": "strategy discussion date",
        "start_date": "section 47 enquiry's start date",
        "icpc_date": "date of the initial child protection conference",
    },
    ChildProtectionPlan: {"start_date": "plan's start date", "end_date": "plan's end date"},
    ReviewConference: {"date": "date of the review conference"},
    CoreGroupMeeting: {"date": "date of the core group meeting"},
    ChildInNeedPlan: {"start_date": "plan's start date", "end_date": "plan's end date"},
    Visit: {"date": "date of the visit"},
    PreProceedings: {
        "legal_planning_meeting_date": "date of the legal planning meeting",
        "letter_before_proceedings_date": "date of the letter before proceedings",
        "fgdm_offered_date": "date family group decision making was offered",
        "fgdm_held_date": "date family group decision making was held",
        "decision_date": "date of the decision",
    },
    PreProceedingsMeeting: {"date": "date of the meeting"},
    CareProceedings: {"application_date": "application date", "final_order_date": "date of the final order"},
    CourtHearing: {"date": "date of the hearing"},
    LookedAfterEpisode: {"start_date": "episode's start date", "end_date": "episode's end date"},
    LookedAfterReview: {"date": "date of the review"},
    MissingEpisode: {"start_date": "start date", "end_date": "end date"},
}

# "Record Sam's date of birth first: {noun} can only be recorded for a child who has been born".
NOUNS: dict[type[models.Model], str] = {
    EpisodeOfNeed: "a referral",
    Assessment: "an assessment",
    Section47Enquiry: "a section 47 enquiry",
    ChildProtectionPlan: "a child protection plan",
    ReviewConference: "a review conference",
    CoreGroupMeeting: "a core group meeting",
    ChildInNeedPlan: "a child in need plan",
    Visit: "a visit",
    PreProceedings: "pre-proceedings",
    PreProceedingsMeeting: "a pre-proceedings meeting",
    CareProceedings: "care proceedings",
    CourtHearing: "a court hearing",
    LookedAfterEpisode: "a looked-after episode",
    LookedAfterReview: "a looked-after review",
    MissingEpisode: "a missing episode",
}

# Work that can start before a child is born. Working Together 2023 expects pre-birth referrals,
# assessments, strategy discussions and section 47 enquiries, and pre-birth child protection conferences
# (so plans, their core groups and reviews); the CIN census records them against the expected date of
# birth. Councils also start the Public Law Outline before birth, so that a plan is agreed with the parents
# before the baby arrives. Visits to the expectant parent count towards a pre-birth plan's visiting
# standard, but cannot see the child (see _visit). Care proceedings, care, looked-after reviews and
# missing episodes need a child who has been born: an unborn child cannot be the subject of a care order.
PRE_BIRTH_RECORDS = frozenset(
    {
        EpisodeOfNeed,
        Assessment,
        Section47Enquiry,
        ChildProtectionPlan,
        ReviewConference,
        CoreGroupMeeting,
        ChildInNeedPlan,
        Visit,
        PreProceedings,
        PreProceedingsMeeting,
    }
)

# Dates that close something a child's death may itself close (RC2 closure, E2 care ended), or that finish
# work begun in their lifetime (an assessment authorised, a court's final order): these may fall after the
# date of death. Everything else is an event involving the living child.
ENDING_DATES = frozenset({"closure_date", "end_date", "authorised_on", "decision_date", "final_order_date"})

# Dates the services work out rather than the worker records (a target lies in the future by design).
DERIVED_DATES = frozenset({"icpc_target"})

# SSDA903 rule 178: temporary moves (T0-T4) and other placements (Z1) have no placement provider; every
# other placement has one. The 2026 codes Z11-Z14 are not in that rule yet, so the provider is optional
# for them until the DfE says which they follow.
NO_PROVIDER_PLACEMENTS = frozenset({"T0", "T1", "T2", "T3", "T4", "Z1"})
PROVIDER_OPTIONAL_PLACEMENTS = frozenset({"Z11", "Z12", "Z13", "Z14"})
# SSDA903 rules 529, 530 and 531: a placement with parents (P1) is not provided by another public body, a
# private provider or a voluntary organisation.
NOT_WITH_PARENTS_PROVIDERS = frozenset({"PR3", "PR4", "PR5"})

# A UK postcode's shape, as the people app's address form accepts it.


def check(record) -> None:
    """Raise ValidationError({field: message}) if `record` (with its new values set, unsaved) breaks a rule.

    Messages that no single field on the record can fix (another record is in the way) are non-field
    messages. Only the first message for a field is given: one thing to fix at a time.
    """
    errors = _Errors()
    _dates_against_child(record, errors)
    rules = _RULES.get(type(record))
    if rules is not None:
        rules(record, errors)
    errors.raise_if_any()


def label(model: type[models.Model], field: str) -> str:
    """How a field of a journey record reads in a sentence: "referral date", "plan's end date"."""
    known = LABELS.get(model, {}).get(field)
    if known:
        return known
    return str(model._meta.get_field(field).verbose_name)


class _Errors:
    def __init__(self) -> None:
        self.messages: dict[str, str] = {}

    def add(self, field: str | None, message: str) -> None:
        self.messages.setdefault(field or NON_FIELD_ERRORS, message)

    def raise_if_any(self) -> None:
        if self.messages:
            raise ValidationError({field: [message] for field, message in self.messages.items()})


def _d(day: datetime.date) -> str:
    return f"{day.day} {day:%B %Y}"


def _name(child) -> str:
    return child.full_name or "The child"


def _overlaps(start_a, end_a, start_b, end_b) -> bool:
    """Whether two periods overlap; an open period (end None) has not ended. Touching is not overlapping:
    one ending on the day the other starts is a handover."""
    return (end_b is None or start_a < end_b) and (end_a is None or start_b < end_a)


def _dates(record) -> Iterable[tuple[str, datetime.date]]:
    for field in record._meta.concrete_fields:
        # DateTimeField is a DateField: the timestamps are not statutory dates.
        if type(field) is not models.DateField or field.name in DERIVED_DATES:
            continue
        value = getattr(record, field.name)
        if isinstance(value, datetime.date):
            yield field.name, value


def _dates_against_child(record, errors: _Errors) -> None:
    """Statutory events have happened (no date in the future), and happened to this child: not before
    their birth (unless the work is pre-birth work) and not after their death."""
    model = type(record)
    child = record.child
    name = _name(child)
    today = timezone.localdate()
    pre_birth = model in PRE_BIRTH_RECORDS
    for field, day in _dates(record):
        what = label(model, field)
        if day > today:
            errors.add(field, f"The {what} must be today or in the past")
        if child.date_of_birth and day < child.date_of_birth and not pre_birth:
            errors.add(
                field, f"The {what} must be on or after {name}'s date of birth, {_d(child.date_of_birth)}"
            )
        if child.date_of_death and day > child.date_of_death and field not in ENDING_DATES:
            errors.add(
                field, f"The {what} must be on or before {name}'s date of death, {_d(child.date_of_death)}"
            )
    if child.is_unborn and not pre_birth:
        errors.add(
            None,
            f"Record {name}'s date of birth first: {NOUNS[model]} can only be recorded for a child who has "
            "been born",
        )


def _both_or_neither(record, errors: _Errors, date_field: str, other_field: str, *, enter: str, select: str):
    """An end date and its reason are given together: the census reads an end without a reason (or a reason
    without an end) as an error."""
    has_date = getattr(record, date_field) is not None
    has_other = getattr(record, other_field) not in (None, "")
    if has_date and not has_other:
        errors.add(other_field, select)
    elif has_other and not has_date:
        errors.add(date_field, enter)


def _another(record, **where):
    """Another record of the same kind matching `where` (an open one, usually): the one-at-a-time rules."""
    return type(record).objects.filter(**where).exclude(pk=record.pk).first()


def _one_open_and_no_overlap(
    record,
    errors: _Errors,
    *,
    name: str,
    start: str,
    end: str,
    noun: str,
    ended: str,
    before_new: str,
    rule: str,
) -> None:
    """A period a child has one of at a time (a referral, a plan): no second open one, and no overlap with
    the child's earlier ones. The open one is reported once, by the first rule, not again as an overlap."""
    others = list(type(record).objects.filter(child_id=record.child_id).exclude(pk=record.pk))
    open_other = next((o for o in others if getattr(o, end) is None), None)
    record_is_open = getattr(record, end) is None
    if record_is_open and open_other is not None:
        errors.add(
            None, f"{name} already has an open {noun} from {_d(getattr(open_other, start))}. {before_new}"
        )
    _no_overlap(
        record,
        [o for o in others if o is not open_other or not record_is_open],
        errors,
        start=start,
        end=end,
        noun=noun,
        ended=ended,
        rule=rule,
    )


def _no_overlap(
    record,
    others: Iterable,
    errors: _Errors,
    *,
    start: str,
    end: str,
    noun: str,
    ended: str,
    rule: str,
) -> None:
    """No two periods of the same kind for a child overlap (they may touch). `others` are the child's other
    records of the kind; an open one is the one-open-per-child rule's business, checked by the caller."""
    model = type(record)
    r_start, r_end = getattr(record, start), getattr(record, end)
    if r_start is None:
        return
    start_label, end_label = label(model, start), label(model, end)
    for other in sorted(others, key=lambda o: getattr(o, start)):
        o_start, o_end = getattr(other, start), getattr(other, end)
        if not _overlaps(r_start, r_end, o_start, o_end):
            continue
        if o_end is None and o_start <= r_start:
            errors.add(start, f"This {noun} would overlap the open {noun} from {_d(o_start)}: {rule}")
        elif o_end is not None and (r_end is None or o_start <= r_start):
            errors.add(
                start,
                f"The {start_label} must be on or after {_d(o_end)}, when the {noun} from {_d(o_start)} "
                f"{ended}: {rule}",
            )
        else:
            errors.add(
                end,
                f"The {end_label} must be on or before {_d(o_start)}, when the next {noun} started: {rule}",
            )


# ---- Referral (CIN episode) and what belongs to it ---------------------------------------------------------


def _episode_events(episode_id) -> list[tuple[datetime.date, str]]:
    """Every date recorded against a referral, with what happened then, for the closure rules."""
    events: list[tuple[datetime.date, str]] = []
    for start, authorised in Assessment.objects.filter(episode_id=episode_id).values_list(
        "start_date", "authorised_on"
    ):
        events.append((start, "the assessment started"))
        if authorised:
            events.append((authorised, "the assessment was authorised"))
    for strategy, s47_start, icpc in Section47Enquiry.objects.filter(episode_id=episode_id).values_list(
        "strategy_discussion_date", "start_date", "icpc_date"
    ):
        events.append((strategy, "the strategy discussion was held"))
        events.append((s47_start, "the section 47 enquiry started"))
        if icpc:
            events.append((icpc, "the initial child protection conference was held"))
    for model, what in (
        (ChildProtectionPlan, "child protection plan"),
        (ChildInNeedPlan, "child in need plan"),
    ):
        for plan_start, plan_end in model.objects.filter(episode_id=episode_id).values_list(
            "start_date", "end_date"
        ):
            events.append((plan_start, f"the {what} started"))
            if plan_end:
                events.append((plan_end, f"the {what} ended"))
    for model, what in (
        (ReviewConference, "a review conference was held"),
        (CoreGroupMeeting, "the core group met"),
    ):
        for day in model.objects.filter(plan__episode_id=episode_id).values_list("date", flat=True):
            events.append((day, what))
    return events


def _episode(record: EpisodeOfNeed, errors: _Errors) -> None:
    name = _name(record.child)
    if record.contact_date and record.referral_date and record.contact_date > record.referral_date:
        errors.add(
            "contact_date",
            f"The contact date must be on or before the referral date, {_d(record.referral_date)}",
        )

    # CIN census: a child's episodes do not overlap, and a new referral starts on or after the day the
    # previous one closed (the same day is allowed: a case closed in the morning can be re-referred).
    _one_open_and_no_overlap(
        record,
        errors,
        name=name,
        start="referral_date",
        end="closure_date",
        noun="referral",
        ended="closed",
        before_new="Close it before recording a new one.",
        rule="a child's referrals cannot overlap",
    )

    _both_or_neither(
        record,
        errors,
        "closure_date",
        "closure_reason",
        enter="Enter the date the referral closed",
        select="Select the reason the referral closed",
    )
    if record.referral_date and record.closure_date and record.closure_date < record.referral_date:
        errors.add(
            "closure_date",
            f"The closure date must be on or after the referral date, {_d(record.referral_date)}",
        )

    # RC8 and RC9 are "closed after assessment": the census expects an assessment in the episode.
    if record.closure_reason in (
        codes.ClosureReason.NFA_AFTER_ASSESSMENT,
        codes.ClosureReason.EARLY_HELP_AFTER_ASSESSMENT,
    ):
        if not Assessment.objects.filter(episode_id=record.pk).exists():
            errors.add(
                "closure_reason",
                f"Closure reason {record.closure_reason} means the referral closed after an assessment, but "
                "no assessment is recorded: record the assessment first, or choose another reason",
            )

    if record._state.adding:
        # Nothing can be recorded against a referral that is not saved yet.
        return

    events = _episode_events(record.pk)
    if events and record.referral_date:
        first_day, first_what = min(events)
        if first_day < record.referral_date:
            errors.add(
                "referral_date", f"The referral date must be on or before {_d(first_day)}, when {first_what}"
            )
    if events and record.no_further_action:
        errors.add(
            "no_further_action",
            f"This referral cannot be no further action: {_first_work(record)} is recorded against it",
        )

    if record.closure_date:
        if events:
            last_day, last_what = max(events)
            if last_day > record.closure_date:
                errors.add(
                    "closure_date", f"The closure date must be on or after {_d(last_day)}, when {last_what}"
                )
        # A referral closes after its plans end: the census reads a plan open after its episode's closure as
        # an error, and a child still on a plan still needs the service.
        if ChildProtectionPlan.objects.filter(episode_id=record.pk, end_date__isnull=True).exists():
            errors.add(None, "End the child protection plan before closing the referral")
        elif ChildInNeedPlan.objects.filter(episode_id=record.pk, end_date__isnull=True).exists():
            errors.add(None, "End the child in need plan before closing the referral")
        elif Section47Enquiry.objects.filter(
            episode_id=record.pk, icpc_date__isnull=True, icpc_not_required=False
        ).exists():
            errors.add(
                None,
                "Record the outcome of the section 47 enquiry before closing the referral: the date of the "
                "initial child protection conference, or that no conference is needed",
            )
        else:
            unauthorised = (
                Assessment.objects.filter(episode_id=record.pk, authorised_on__isnull=True)
                .order_by("start_date")
                .first()
            )
            if unauthorised is not None:
                errors.add(
                    None,
                    f"Record the authorisation of the assessment started {_d(unauthorised.start_date)} "
                    "before closing the referral",
                )


def _first_work(episode: EpisodeOfNeed) -> str:
    for model in (Assessment, Section47Enquiry, ChildProtectionPlan, ChildInNeedPlan):
        if model.objects.filter(episode_id=episode.pk).exists():
            return NOUNS[model]
    return "an event"


def _within_episode(record, errors: _Errors, first_field: str) -> None:
    """Work on a referral happens between the referral and its closure, and never on a referral whose
    decision was no further action (the census reads work on an NFA referral as an error)."""
    episode = record.episode
    model = type(record)
    if episode.no_further_action:
        errors.add(
            None,
            f"The referral from {_d(episode.referral_date)} was recorded as no further action: correct that "
            f"decision before recording {NOUNS[model]}",
        )
    first = getattr(record, first_field)
    if first and first < episode.referral_date:
        errors.add(
            first_field,
            f"The {label(model, first_field)} must be on or after the referral date, "
            f"{_d(episode.referral_date)}",
        )
    if episode.closure_date:
        for field, day in _dates(record):
            if day > episode.closure_date:
                errors.add(
                    field,
                    f"The {label(model, field)} must be on or before {_d(episode.closure_date)}, when the "
                    "referral closed",
                )


def _assessment(record: Assessment, errors: _Errors) -> None:
    _within_episode(record, errors, "start_date")
    if record.authorised_on and record.start_date and record.authorised_on < record.start_date:
        errors.add(
            "authorised_on",
            "The authorisation date must be on or after the assessment's start date, "
            f"{_d(record.start_date)}",
        )
    factors = record.factors
    if not isinstance(factors, list) or not all(isinstance(code, str) for code in factors):
        errors.add("factors", "Select the factors from the list")
        return
    unknown = [code for code in factors if code not in codes.ASSESSMENT_FACTORS]
    if unknown:
        errors.add(
            "factors",
            f"{', '.join(unknown)} "
            + ("is not a factor code" if len(unknown) == 1 else "are not factor codes")
            + ": choose factors on the list",
        )
    if codes.NO_FACTORS in factors and len(set(factors)) > 1:
        errors.add("factors", "Select either 'No factors identified' or the factors identified, not both")
    # CIN census: a completed (authorised) assessment has its factors, or 21, "no factors identified". A
    # draft may carry the factors seen so far.
    if record.authorised_on and not factors:
        errors.add("factors", "Select the factors identified at the assessment, or 'No factors identified'")


def _section47(record: Section47Enquiry, errors: _Errors) -> None:
    _within_episode(record, errors, "strategy_discussion_date")
    if (
        record.start_date
        and record.strategy_discussion_date
        and record.start_date < record.strategy_discussion_date
    ):
        errors.add(
            "start_date",
            "The section 47 enquiry must start on or after the strategy discussion, "
            f"{_d(record.strategy_discussion_date)}",
        )
    if record.icpc_date and record.start_date and record.icpc_date < record.start_date:
        errors.add(
            "icpc_date",
            "The initial child protection conference must be on or after the start of the section 47 "
            f"enquiry, {_d(record.start_date)}",
        )
    # CIN census: an enquiry either led to a conference (its date) or did not need one, never both.
    if record.icpc_date and record.icpc_not_required:
        errors.add(
            "icpc_not_required",
            "Enter the date of the initial child protection conference or select that no conference is "
            "needed, not both",
        )
    if record.is_open:
        open_other = _another(
            record, episode_id=record.episode_id, icpc_date__isnull=True, icpc_not_required=False
        )
        if open_other is not None:
            errors.add(
                None,
                f"There is already an open section 47 enquiry from {_d(open_other.start_date)}: record its "
                "initial conference, or that no conference is needed, first",
            )
    if not record._state.adding:
        # A plan starts at its conference; the services move the plan with a corrected conference date, but
        # a conference that a plan started at cannot be removed.
        old_icpc = Section47Enquiry.objects.filter(pk=record.pk).values_list("icpc_date", flat=True).first()
        if (
            old_icpc
            and record.icpc_date is None
            and ChildProtectionPlan.objects.filter(child_id=record.child_id, start_date=old_icpc).exists()
            and not Section47Enquiry.objects.filter(child_id=record.child_id, icpc_date=old_icpc)
            .exclude(pk=record.pk)
            .exists()
        ):
            errors.add(
                "icpc_date",
                f"A child protection plan started at this conference on {_d(old_icpc)}, so the conference "
                "date cannot be removed",
            )


# ---- Plans -------------------------------------------------------------------------------------------------


def _cp_plan(record: ChildProtectionPlan, errors: _Errors) -> None:
    name = _name(record.child)
    _within_episode(record, errors, "start_date")
    # Working Together 2023: a child becomes the subject of a child protection plan at the initial child
    # protection conference, so the plan starts on the day of a conference recorded for the child.
    # A transfer-in plan starts at the transfer-in conference instead: the initial conference was held by
    # the council the child moved from.
    if (
        record.start_date
        and not record.started_at_transfer_in
        and not Section47Enquiry.objects.filter(
            child_id=record.child_id, icpc_date=record.start_date
        ).exists()
    ):
        errors.add(
            "start_date",
            "Record the initial child protection conference first: a child protection plan starts on the "
            f"day of the initial conference, and none is recorded on {_d(record.start_date)}. If the child "
            "moved here on another council's plan, answer yes to the transfer-in conference question",
        )
    # DfE CIN validation: a child protection plan cannot start and end on the same day.
    if record.end_date and record.start_date and record.end_date <= record.start_date:
        errors.add(
            "end_date",
            f"The plan's end date must be after its start date, {_d(record.start_date)}: a child protection "
            "plan cannot start and end on the same day",
        )
    _both_or_neither(
        record,
        errors,
        "end_date",
        "end_reason",
        enter="Enter the date the plan ended",
        select="Select why the plan ended",
    )

    # DfE CIN validation: one open child protection plan at a time.
    _one_open_and_no_overlap(
        record,
        errors,
        name=name,
        start="start_date",
        end="end_date",
        noun="child protection plan",
        ended="ended",
        before_new="End it before starting a new one.",
        rule="a child's child protection plans cannot overlap",
    )
    _cin_and_cp_do_not_overlap(
        cp=record,
        cins=ChildInNeedPlan.objects.filter(child_id=record.child_id),
        errors=errors,
        cp_is_record=True,
    )

    if not record._state.adding:
        for model, what, after in (
            (ReviewConference, "review conference", True),
            (CoreGroupMeeting, "core group meeting", False),
        ):
            days = list(model.objects.filter(plan_id=record.pk).values_list("date", flat=True))
            if not days:
                continue
            first, last = min(days), max(days)
            if record.start_date and (first <= record.start_date if after else first < record.start_date):
                errors.add(
                    "start_date",
                    f"The plan's start date must be {'before' if after else 'on or before'} {_d(first)}, "
                    f"the date of its first {what}",
                )
            if record.end_date and last > record.end_date:
                errors.add(
                    "end_date",
                    f"The plan's end date must be on or after {_d(last)}, the date of its last {what}",
                )


def _cin_plan(record: ChildInNeedPlan, errors: _Errors) -> None:
    name = _name(record.child)
    _within_episode(record, errors, "start_date")
    if record.end_date and record.start_date and record.end_date < record.start_date:
        errors.add(
            "end_date", f"The plan's end date must be on or after its start date, {_d(record.start_date)}"
        )
    _one_open_and_no_overlap(
        record,
        errors,
        name=name,
        start="start_date",
        end="end_date",
        noun="child in need plan",
        ended="ended",
        before_new="End it before starting a new one.",
        rule="a child's child in need plans cannot overlap",
    )
    for cp in ChildProtectionPlan.objects.filter(child_id=record.child_id):
        _cin_and_cp_do_not_overlap(cp=cp, cins=[record], errors=errors, cp_is_record=False)


CIN_CP_RULE = "a child in need plan cannot overlap a child protection plan"


def _cin_and_cp_do_not_overlap(*, cp, cins, errors: _Errors, cp_is_record: bool) -> None:
    """DfE CIN validation: a child in need plan cannot overlap a child protection plan. A step-down (the
    child protection plan ends on the day the child in need plan starts) or a step-up (the other way) is a
    handover, not an overlap. Messages are worded for the record being checked."""
    if cp.start_date is None:
        return
    for cin in cins:
        if cin.start_date is None or not _overlaps(cp.start_date, cp.end_date, cin.start_date, cin.end_date):
            continue
        if cin.start_date <= cp.start_date:
            # The child in need plan came first: it must end by the day the child protection plan starts.
            if cp_is_record:
                if cin.end_date is None:
                    errors.add(
                        None,
                        f"End the child in need plan first (on or before {_d(cp.start_date)}): {CIN_CP_RULE}",
                    )
                else:
                    errors.add(
                        None,
                        f"The child in need plan from {_d(cin.start_date)} ends on {_d(cin.end_date)}, "
                        f"after this plan starts: correct its end date to on or before {_d(cp.start_date)}. "
                        f"{CIN_CP_RULE.capitalize()}",
                    )
            elif cin.end_date is not None:
                errors.add(
                    "end_date",
                    f"The plan's end date must be on or before {_d(cp.start_date)}, when the child "
                    f"protection plan started: {CIN_CP_RULE}",
                )
            else:
                errors.add(
                    "start_date",
                    f"A child protection plan started on {_d(cp.start_date)}, after this plan's start: "
                    f"{CIN_CP_RULE}",
                )
        else:
            # The child protection plan came first: the child in need plan starts when it ends (step-down).
            if not cp_is_record:
                if cp.end_date is None:
                    errors.add(
                        None,
                        f"End the child protection plan first (on or before {_d(cin.start_date)}): "
                        f"{CIN_CP_RULE}",
                    )
                else:
                    errors.add(
                        "start_date",
                        f"The plan's start date must be on or after {_d(cp.end_date)}, when the child "
                        f"protection plan ended: {CIN_CP_RULE}",
                    )
            elif cp.end_date is not None:
                errors.add(
                    "end_date",
                    f"The plan's end date must be on or before {_d(cin.start_date)}, when the child in need "
                    f"plan started: {CIN_CP_RULE}",
                )
            else:
                errors.add(
                    None,
                    f"A child in need plan started on {_d(cin.start_date)}, after this plan's start: "
                    f"{CIN_CP_RULE}",
                )


def _review_conference(record: ReviewConference, errors: _Errors) -> None:
    plan = record.plan
    if record.date and record.date <= plan.start_date:
        errors.add(
            "date",
            f"The review conference must be after the start of the plan, {_d(plan.start_date)}: the plan "
            "starts at the initial conference",
        )
    elif record.date and plan.end_date and record.date > plan.end_date:
        errors.add(
            "date", f"The review conference must be on or before the end of the plan, {_d(plan.end_date)}"
        )
    if (
        record.date
        and ReviewConference.objects.filter(plan_id=record.plan_id, date=record.date)
        .exclude(pk=record.pk)
        .exists()
    ):
        errors.add("date", f"A review conference on {_d(record.date)} is already recorded for this plan")


def _core_group(record: CoreGroupMeeting, errors: _Errors) -> None:
    plan = record.plan
    if record.date and record.date < plan.start_date:
        errors.add(
            "date", f"The core group meeting must be on or after the start of the plan, {_d(plan.start_date)}"
        )
    elif record.date and plan.end_date and record.date > plan.end_date:
        errors.add(
            "date", f"The core group meeting must be on or before the end of the plan, {_d(plan.end_date)}"
        )


def _visit(record: Visit, errors: _Errors) -> None:
    # CIN census and local visiting standards: "seen alone" is a kind of "seen".
    if record.seen_alone and not record.child_seen:
        errors.add("seen_alone", "A child cannot be seen alone if they were not seen")
    child = record.child
    before_birth = child.is_unborn or (
        child.date_of_birth and record.date and record.date < child.date_of_birth
    )
    if record.child_seen and before_birth:
        # Most often the date is mistyped (issue #8): say so on the date first. A visit under a pre-birth
        # plan is recorded with the child not seen, so the answer is named too.
        if child.date_of_birth:
            errors.add(
                "date",
                f"The date of the visit must be on or after {_name(child)}'s date of birth, "
                f"{_d(child.date_of_birth)}, if the child was seen",
            )
        errors.add(
            "child_seen",
            "A visit before the child was born cannot see the child: select No",
        )


# ---- Pre-proceedings and court -----------------------------------------------------------------------------


def _pre_proceedings(record: PreProceedings, errors: _Errors) -> None:
    name = _name(record.child)
    lpm = record.legal_planning_meeting_date
    letter = record.letter_before_proceedings_date
    # Public Law Outline: the legal planning meeting decides to send the letter before proceedings.
    if letter and lpm and letter < lpm:
        errors.add(
            "letter_before_proceedings_date",
            f"The letter before proceedings must be on or after the legal planning meeting, {_d(lpm)}",
        )
    if record.fgdm_held_date and record.fgdm_offered_date is None:
        errors.add(
            "fgdm_offered_date",
            "Enter the date family group decision making was offered: it was held, so it was offered",
        )
    elif record.fgdm_held_date and record.fgdm_held_date < record.fgdm_offered_date:
        errors.add(
            "fgdm_held_date",
            "Family group decision making must be held on or after it was offered, "
            f"{_d(record.fgdm_offered_date)}",
        )
    if record.decision_date:
        if letter and record.decision_date < letter:
            errors.add(
                "decision_date",
                f"The date of the decision must be on or after the letter before proceedings, {_d(letter)}",
            )
        elif lpm and record.decision_date < lpm:
            errors.add(
                "decision_date",
                f"The date of the decision must be on or after the legal planning meeting, {_d(lpm)}",
            )
    _both_or_neither(
        record,
        errors,
        "decision_date",
        "outcome",
        enter="Enter the date of the decision",
        select="Select the decision",
    )
    if record.decision_date is None:
        open_other = _another(record, child_id=record.child_id, decision_date__isnull=True)
        if open_other is not None:
            errors.add(
                None,
                f"{name} is already in pre-proceedings, from {_d(open_other.legal_planning_meeting_date)}. "
                "Record the decision on those before starting again.",
            )
    if not record._state.adding:
        days = list(
            PreProceedingsMeeting.objects.filter(pre_proceedings_id=record.pk).values_list("date", flat=True)
        )
        if days:
            if letter and letter > min(days):
                errors.add(
                    "letter_before_proceedings_date",
                    f"The letter before proceedings must be on or before {_d(min(days))}, the date of the "
                    "first pre-proceedings meeting: the meetings follow the letter",
                )
            if record.decision_date and record.decision_date < max(days):
                errors.add(
                    "decision_date",
                    f"The date of the decision must be on or after {_d(max(days))}, the date of the last "
                    "pre-proceedings meeting",
                )


def _pre_proceedings_meeting(record: PreProceedingsMeeting, errors: _Errors) -> None:
    pre = record.pre_proceedings
    if not record.date:
        return
    # Public Law Outline: the pre-proceedings meeting is held after the letter before proceedings invites
    # the parents (with their solicitor) to it; without a letter yet, after the legal planning meeting.
    if pre.letter_before_proceedings_date and record.date < pre.letter_before_proceedings_date:
        errors.add(
            "date",
            "The meeting must be on or after the letter before proceedings, "
            f"{_d(pre.letter_before_proceedings_date)}: the meeting follows the letter",
        )
    elif record.date < pre.legal_planning_meeting_date:
        errors.add(
            "date",
            "The meeting must be on or after the legal planning meeting, "
            f"{_d(pre.legal_planning_meeting_date)}",
        )
    elif pre.decision_date and record.date > pre.decision_date:
        errors.add(
            "date", f"The meeting must be on or before the pre-proceedings decision, {_d(pre.decision_date)}"
        )


def _care_proceedings(record: CareProceedings, errors: _Errors) -> None:
    name = _name(record.child)
    if (
        record.final_order_date
        and record.application_date
        and record.final_order_date < record.application_date
    ):
        errors.add(
            "final_order_date",
            "The date of the final order must be on or after the application date, "
            f"{_d(record.application_date)}",
        )
    _both_or_neither(
        record,
        errors,
        "final_order_date",
        "final_order",
        enter="Enter the date of the final order",
        select="Select the final order",
    )
    if record.final_order_date is None:
        open_other = _another(record, child_id=record.child_id, final_order_date__isnull=True)
        if open_other is not None:
            errors.add(
                None,
                f"{name} already has care proceedings issued on {_d(open_other.application_date)}. Record "
                "the final order before recording a new application.",
            )
    if not record._state.adding:
        days = list(CourtHearing.objects.filter(proceedings_id=record.pk).values_list("date", flat=True))
        if days and record.application_date and record.application_date > min(days):
            errors.add(
                "application_date",
                f"The application date must be on or before {_d(min(days))}, the date of the first hearing",
            )
        if days and record.final_order_date and record.final_order_date < max(days):
            errors.add(
                "final_order_date",
                f"The date of the final order must be on or after {_d(max(days))}, the date of the last "
                "hearing",
            )


def _court_hearing(record: CourtHearing, errors: _Errors) -> None:
    proceedings = record.proceedings
    if record.date and record.date < proceedings.application_date:
        errors.add(
            "date",
            f"The hearing must be on or after the application date, {_d(proceedings.application_date)}",
        )
    elif record.date and proceedings.final_order_date and record.date > proceedings.final_order_date:
        errors.add(
            "date", f"The hearing must be on or before the final order, {_d(proceedings.final_order_date)}"
        )


# ---- Looked after (SSDA903) --------------------------------------------------------------------------------


def _looked_after_episode(record: LookedAfterEpisode, errors: _Errors) -> None:
    name = _name(record.child)
    start, end = record.start_date, record.end_date
    if end and start and end < start:
        errors.add("end_date", f"The episode's end date must be on or after its start date, {_d(start)}")
    _both_or_neither(
        record,
        errors,
        "end_date",
        "reason_ceased",
        enter="Enter the date the child stopped being looked after",
        select="Select the reason the child stopped being looked after",
    )
    _placement(record, errors)
    if start is None:
        return

    adding = record._state.adding
    others = list(LookedAfterEpisode.objects.filter(child_id=record.child_id).exclude(pk=record.pk))
    open_other = next((o for o in others if o.end_date is None), None)
    # SSDA903: a change of placement or legal status is a new episode, and the services end the open one the
    # same day with X1. So a new open episode replaces the open one rather than competing with it.
    replaced = open_other if (adding and end is None) else None
    periods = [(o, o.start_date, o.end_date) for o in others if o is not replaced]
    if replaced is not None:
        if start < replaced.start_date:
            errors.add(
                "start_date",
                f"The new episode must start on or after {_d(replaced.start_date)}, when the current "
                "episode started",
            )
        else:
            periods.append((replaced, replaced.start_date, start))
    elif end is None and open_other is not None:
        errors.add(None, f"{name} is already looked after, in an episode from {_d(open_other.start_date)}")

    _no_overlap(
        record,
        [
            SimpleNamespace(start_date=o_start, end_date=o_end)
            for other, o_start, o_end in periods
            if not (other is open_other and end is None)
        ],
        errors,
        start="start_date",
        end="end_date",
        noun="episode",
        ended="ended",
        rule="a child's looked-after episodes cannot overlap",
    )

    # The reason for a new episode says whether it starts a period of care (S) or continues one: it continues
    # one when it replaces the open episode, or follows an episode that ended with X1 the same day.
    predecessor = next(
        (o for o in others if o.reason_ceased == codes.ReasonCeased.NEW_EPISODE and o.end_date == start), None
    )
    continues = replaced is not None or predecessor is not None
    reason = record.reason_new_episode
    if continues and reason == codes.ReasonNewEpisode.STARTED:
        if adding:
            message = (
                "The child is already looked after: choose the reason for the new episode, such as a change "
                "of placement"
            )
        else:
            message = (
                f"This episode follows the episode from {_d(predecessor.start_date)} the same day: choose "
                "the reason for the new episode, such as a change of placement"
            )
        errors.add("reason_new_episode", message)
    elif not continues and reason and reason != codes.ReasonNewEpisode.STARTED:
        if adding:
            message = (
                "The child is not looked after now, so the reason for a new episode is S, started to be "
                "looked after"
            )
        else:
            message = (
                "This episode starts a period of care, so its reason for a new episode is S, started to be "
                "looked after"
            )
        errors.add("reason_new_episode", message)

    # X1 (a new episode the same day) is set by the services when a new episode replaces the open one; a
    # worker ending care chooses how it ended.
    successor = next((o for o in others if end is not None and o.start_date == end), None)
    if record.reason_ceased == codes.ReasonCeased.NEW_EPISODE and successor is None:
        errors.add(
            "reason_ceased",
            "X1 is only for an episode that ends because a new one starts the same day. To record a change "
            "of placement or legal status, record a new looked-after episode instead",
        )
    elif (
        record.reason_ceased
        and record.reason_ceased != codes.ReasonCeased.NEW_EPISODE
        and successor is not None
        and successor.reason_new_episode != codes.ReasonNewEpisode.STARTED
    ):
        errors.add(
            "reason_ceased",
            f"The episode from {_d(successor.start_date)} continues this one the same day, so this episode "
            "ends with X1, a new episode the same day",
        )

    if not adding:
        old_start = (
            LookedAfterEpisode.objects.filter(pk=record.pk).values_list("start_date", flat=True).first()
        )
        for other in others:
            if (
                other.reason_ceased == codes.ReasonCeased.NEW_EPISODE
                and other.end_date == old_start
                and other.end_date != start
            ):
                errors.add(
                    "start_date",
                    f"The episode from {_d(other.start_date)} ended on {_d(other.end_date)} with X1, a new "
                    f"episode the same day, so this episode must start on {_d(other.end_date)}",
                )
        # Looked-after reviews are of a child in care: correcting an episode must not leave one outside care.
        covered = [(o_start, o_end) for _o, o_start, o_end in periods] + [(start, end)]
        # And reviews of a child on short breaks, held at home between breaks (reg 48).
        as_corrected = sorted([*others, record], key=lambda e: (e.start_date, e.created_at))
        covered += [(a.first_break, a.lapses_on) for a in short_breaks.arrangements(as_corrected)]
        for day in LookedAfterReview.objects.filter(child_id=record.child_id).values_list("date", flat=True):
            if not any(s <= day and (e is None or day <= e) for s, e in covered):
                errors.add(
                    None,
                    f"The looked-after review on {_d(day)} would fall outside {name}'s looked-after "
                    "episodes: check the episode's dates",
                )
                break


def _placement(record: LookedAfterEpisode, errors: _Errors) -> None:
    place, provider = record.placement_type, record.placement_provider
    if place in NO_PROVIDER_PLACEMENTS:
        if provider:
            errors.add(
                "placement_provider",
                f"Leave the placement provider blank: placement type {place} has no provider",
            )
    elif place == codes.PlacementType.P1:
        # Placed with parents: the services record PR0 (parents or others with parental responsibility)
        # when the worker leaves the provider blank. SSDA903 rules 529 to 531 refuse PR3, PR4 and PR5 here.
        if provider in NOT_WITH_PARENTS_PROVIDERS:
            errors.add(
                "placement_provider",
                f"Placement type P1, placed with parents, cannot have provider {provider}: choose PR0, "
                "parents or others with parental responsibility",
            )
    elif place and place not in PROVIDER_OPTIONAL_PLACEMENTS and not provider:
        errors.add("placement_provider", "Select the placement provider")
    # SSDA903 rule 550: PR0 is only for a placement with parents.
    if provider == codes.PlacementProvider.PARENTS and place and place != codes.PlacementType.P1:
        errors.add(
            "placement_provider",
            "PR0, parents or others with parental responsibility, is only for placement type P1, placed "
            "with parents",
        )
    postcode = record.placement_postcode
    if postcode and not postcode_is_valid(postcode):
        errors.add("placement_postcode", POSTCODE_MESSAGE)


def _looked_after_review(record: LookedAfterReview, errors: _Errors) -> None:
    if not record.date:
        return
    # SSDA903 reviews are of looked-after children (Care Planning Regulations 2010, reg 33).
    # Reg 48: a child on a series of short breaks is reviewed as one arrangement, usually at home between
    # breaks, when no episode is open (short_breaks.py says when the arrangement stands).
    episodes = list(
        LookedAfterEpisode.objects.filter(child_id=record.child_id, start_date__lte=record.date).order_by(
            "start_date", "created_at"
        )
    )
    in_care = any(e.end_date is None or e.end_date >= record.date for e in episodes)
    on_short_breaks = any(a.covers(record.date) for a in short_breaks.arrangements(episodes))
    if not (in_care or on_short_breaks):
        errors.add(
            "date",
            f"{_name(record.child)} was not looked after on {_d(record.date)}: a looked-after review is for "
            "a child in care. Check the date, or record the looked-after episode first",
        )


def _missing_episode(record: MissingEpisode, errors: _Errors) -> None:
    if record.end_date and record.start_date and record.end_date < record.start_date:
        errors.add("end_date", f"The end date must be on or after the start date, {_d(record.start_date)}")


_RULES: dict[type[models.Model], Callable[..., None]] = {
    EpisodeOfNeed: _episode,
    Assessment: _assessment,
    Section47Enquiry: _section47,
    ChildProtectionPlan: _cp_plan,
    ReviewConference: _review_conference,
    CoreGroupMeeting: _core_group,
    ChildInNeedPlan: _cin_plan,
    Visit: _visit,
    PreProceedings: _pre_proceedings,
    PreProceedingsMeeting: _pre_proceedings_meeting,
    CareProceedings: _care_proceedings,
    CourtHearing: _court_hearing,
    LookedAfterEpisode: _looked_after_episode,
    LookedAfterReview: _looked_after_review,
    MissingEpisode: _missing_episode,
}
