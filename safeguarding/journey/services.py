"""Writes to a child's statutory journey: record a step, correct a recorded fact.

Every write checks the entry rules (rules.py) with a message a worker can act on, saves, writes its audit
event and rebuilds the child's deadlines, all in one transaction. Permissions are the views' job
(policies.py); services trust their caller on who, never on what.
"""

from __future__ import annotations

import datetime

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import IntegrityError, models, transaction

from safeguarding.audit.services import Action, audit_record
from safeguarding.core.locks import for_update
from safeguarding.people.identifiers import normalise_postcode
from safeguarding.people.models import FamilyMember, Person

from . import clocks, codes, rules
from .deadlines import deadlines_refresh
from .models import (
    Assessment,
    ChildProtectionPlan,
    Correction,
    CourtHearing,
    LookedAfterEpisode,
    MissingEpisode,
    PreProceedingsMeeting,
    Section47Enquiry,
    Visit,
)
from .steps import CORRECTABLE_FIELDS, STEPS_BY_SLUG, Step

EMPTY = (None, "", [])


def child_family_id(child: Person):
    """The family a child's statutory events are audited against: their one current family, if one."""
    family_ids = list(
        FamilyMember.objects.filter(person=child, left_on__isnull=True).values_list("family_id", flat=True)[
            :2
        ]
    )
    return family_ids[0] if len(family_ids) == 1 else None


def _derive(record, *, actor, created: bool) -> None:
    """Values the worker does not type: they follow from what they did type, by statute or by rule."""
    if isinstance(record, Section47Enquiry) and record.strategy_discussion_date:
        # CIN census InitialCPCtarget: 15 working days from the strategy discussion.
        record.icpc_target = clocks.icpc_due(record.strategy_discussion_date)
    if isinstance(record, ChildProtectionPlan) and created and record.initial_category:
        record.latest_category = record.initial_category
    if isinstance(record, Visit) and created and record.visited_by_id is None:
        record.visited_by = actor
    factors = getattr(record, "factors", None)
    if (
        isinstance(record, Assessment)
        and isinstance(factors, list)
        and all(isinstance(c, str) for c in factors)
    ):
        # One order (the DfE's list) and no repeats, so the return, the display and "has anything changed"
        # agree however the form sent them. Unknown codes stay, at the end, for the rules to refuse.
        order = {code: position for position, code in enumerate(codes.ASSESSMENT_FACTORS)}
        record.factors = sorted(dict.fromkeys(factors), key=lambda code: order.get(code, len(order)))
    if isinstance(record, LookedAfterEpisode):
        if record.placement_type == codes.PlacementType.P1 and not record.placement_provider:
            # Placed with parents: the provider is the parents (PR0, SSDA903 rule 550 keeps PR0 for P1). A
            # worker may still choose the council's or another council's provision where that arranged it.
            record.placement_provider = codes.PlacementProvider.PARENTS
        record.placement_postcode = normalise_postcode(record.placement_postcode)


def _save(record, fields: tuple[str, ...] | None = None) -> None:
    """Save a record whose entry rules have been checked.

    The database's constraints (one open record per child, ends after starts) back the rules: full_clean
    leaves them to the database, because the rules already gave the worker a message they can act on,
    where Django's own constraint message ("Constraint ... is violated") is not.
    """
    record.full_clean(validate_constraints=False)
    try:
        with transaction.atomic():
            record.save()
    except IntegrityError:
        # Two workers recording at once can both pass the rules; the database's one-open-record
        # constraints decide, and the loser gets the same message the rules would have given.
        if fields is None:
            rules.check(record)
        else:
            _check(record, fields)
        raise ValidationError(
            "This record changed while you were working on it. Check the journey and try again."
        ) from None


def _check(record, fields: tuple[str, ...]) -> None:
    """The entry rules, with each message on a field the worker is giving, else above the form."""
    try:
        rules.check(record)
    except ValidationError as error:
        raise _on_fields(error, fields) from None


def _on_fields(error: ValidationError, fields) -> ValidationError:
    if not hasattr(error, "error_dict"):
        return error
    placed: dict[str, list[str]] = {}
    for field, messages in error.message_dict.items():
        placed.setdefault(field if field in fields else NON_FIELD_ERRORS, []).extend(messages)
    return ValidationError(placed)


# What to say when a field the step needs is empty, where "Enter the ..." or "Select the ..." would not read.
MISSING_MESSAGES: dict[str, str] = {
    "child_seen": "Select whether the child was seen",
    "initial_category": "Select the category of abuse",
    "latest_category": "Select the new category of abuse",
    "end_reason": "Select why the plan ended",
    "closure_reason": "Select the reason the referral closed",
    "reason_ceased": "Select the reason the child stopped being looked after",
    "reason_new_episode": "Select the reason for the new episode",
    "outcome": "Select the decision",
    "final_order": "Select the final order",
    "participation": "Select how the child took part in the review",
    "court": "Enter the court",
}
KIND_MESSAGES: dict[type[models.Model], str] = {
    PreProceedingsMeeting: "Select the kind of meeting",
    CourtHearing: "Select the kind of hearing",
    MissingEpisode: "Select whether the child was missing or away without authorisation",
}


def _missing_message(record, field: str) -> str:
    model = type(record)
    if field == "kind" and model in KIND_MESSAGES:
        return KIND_MESSAGES[model]
    if field in MISSING_MESSAGES:
        return MISSING_MESSAGES[field]
    model_field = model._meta.get_field(field)
    verb = "Select" if model_field.choices else "Enter"
    return f"{verb} the {rules.label(model, field)}"


def _empty_value(model_field):
    if model_field.null:
        return None
    if model_field.has_default():
        # No factors yet, not seen alone, not no-further-action.
        return model_field.get_default()
    if isinstance(model_field, models.CharField):
        return ""
    return None


def _recorded(value) -> bool:
    return value not in EMPTY and value is not False


def _apply(record, fields, values: dict, *, keep_recorded_dates: bool = False) -> dict[str, str]:
    """Set the given values on the record, as the fields' types; return {field: message} for any that
    cannot be. With keep_recorded_dates, a date already recorded is kept: an empty answer leaves it, and a
    different one is refused, because changing a recorded statutory date is a correction, with a reason."""
    errors: dict[str, str] = {}
    for field in fields:
        if field not in values:
            continue
        model_field = record._meta.get_field(field)
        value = values[field]
        if value in EMPTY:
            value = _empty_value(model_field)
        else:
            try:
                value = model_field.to_python(value)
            except ValidationError as error:
                errors[field] = error.messages[0]
                continue
        current = getattr(record, field)
        if keep_recorded_dates and isinstance(current, datetime.date) and value != current:
            if value is None:
                continue
            errors[field] = (
                f"The {rules.label(type(record), field)} is already recorded as "
                f"{displayed_value(record, field)}. To change it, correct the record"
            )
            continue
        setattr(record, field, value)
    return errors


def _missing(record, fields, required=()) -> dict[str, str]:
    """Fields the step needs (its own required ones, and any the model cannot store empty) left empty."""
    return {
        field: _missing_message(record, field)
        for field in fields
        if (field in required or not record._meta.get_field(field).blank) and getattr(record, field) in EMPTY
    }


def _end_open_looked_after_episode(record: LookedAfterEpisode, *, actor) -> LookedAfterEpisode | None:
    """SSDA903: a change of placement or legal status ends the open episode the same day (reason ceased
    X1) and starts a new one; the worker records only the new episode."""
    if not isinstance(record, LookedAfterEpisode) or record.end_date is not None:
        return None
    current = (
        for_update(LookedAfterEpisode.objects)
        .filter(child_id=record.child_id, end_date__isnull=True)
        .exclude(pk=record.pk)
        .first()
    )
    if current is None:
        return None
    current.end_date = record.start_date
    current.reason_ceased = codes.ReasonCeased.NEW_EPISODE
    _save(current)
    return current


@transaction.atomic
def journey_record(*, actor, child: Person, step: str | Step, values: dict, request=None):
    """Record one step of the child's journey (see steps.py) and return the record created or completed."""
    spec = step if isinstance(step, Step) else STEPS_BY_SLUG[step]
    if spec.mode == "complete":
        found = spec.find(child)
        if found is None:
            raise ValidationError(spec.needs)
        record = for_update(type(found).objects).get(pk=found.pk)
        created = False
    else:
        record = spec.model(child=child, recorded_by=actor)
        if spec.parent_field:
            parent = spec.find(child)
            if parent is None:
                raise ValidationError(spec.needs)
            setattr(record, spec.parent_field, parent)
        created = True
    # Completing a record fills in what is still to happen; what is recorded already stays as it was.
    errors = _apply(record, spec.fields, values, keep_recorded_dates=not created)
    errors = _missing(record, spec.fields, spec.required) | errors
    if errors:
        raise ValidationError(errors)
    if spec.one_of and not any(_recorded(getattr(record, field)) for field in spec.one_of):
        raise ValidationError({spec.one_of[0]: spec.one_of_message})
    _derive(record, actor=actor, created=created)
    _check(record, spec.fields)
    ended = _end_open_looked_after_episode(record, actor=actor) if created else None
    _save(record, spec.fields)
    family_id = child_family_id(child)
    audit_record(
        actor=actor,
        action=Action.CREATE if created else Action.CHANGE,
        obj=record,
        family_id=family_id,
        people=[child.pk],
        request=request,
        detail={"step": spec.slug, "child": str(child.pk), "values": _displayed(record, spec.fields)},
    )
    if ended is not None:
        audit_record(
            actor=actor,
            action=Action.CHANGE,
            obj=ended,
            family_id=family_id,
            people=[child.pk],
            request=request,
            detail={"step": spec.slug, "child": str(child.pk), "ended_by_new_episode": str(record.pk)},
        )
    deadlines_refresh([child.pk])
    return record


@transaction.atomic
def journey_correct(*, actor, record, values: dict, reason: str, request=None):
    """Correct a recorded fact. The old and new values and the reason are kept (Correction) and audited."""
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": "Enter why you are correcting this record"})
    fields = CORRECTABLE_FIELDS[type(record)]
    record = for_update(type(record).objects).get(pk=record.pk)
    old = {field.attname: getattr(record, field.attname) for field in record._meta.concrete_fields}
    before = _displayed(record, fields)
    errors = _apply(record, fields, values)
    errors = _missing(record, [field for field in fields if field in values]) | errors
    if errors:
        raise ValidationError(errors)
    _derive(record, actor=actor, created=False)
    after = _displayed(record, fields)
    changes = {field: [before[field], after[field]] for field in fields if before[field] != after[field]}
    if not changes:
        raise ValidationError("You have not changed anything. Change a value, or go back.")

    linked = _linked_corrections(record, old)
    # A record whose date must move first, so that the corrected one agrees with it when it is checked
    # (the episode that ended X1 before this one's corrected start), is saved first; one that follows the
    # corrected record (a plan that starts at a corrected conference) is saved after it. Every record is
    # checked once all are saved, inside this transaction: any message undoes the lot.
    for other, _changes, first in linked:
        if first:
            _save(other, ())
    _check(record, fields)
    _save(record, fields)
    for other, _changes, first in linked:
        if not first:
            _save(other, ())
    for other, _changes, _first in linked:
        _check(other, ())

    family_id = child_family_id(record.child)
    _correction_record(record, changes, reason=reason, actor=actor, family_id=family_id, request=request)
    for other, other_changes, _first in linked:
        _correction_record(
            other,
            other_changes,
            reason=reason,
            actor=actor,
            family_id=family_id,
            request=request,
            follows=record,
        )
    deadlines_refresh([record.child_id])
    return record


def _correction_record(record, changes, *, reason, actor, family_id, request, follows=None) -> None:
    Correction.objects.create(
        child_id=record.child_id,
        record_type=record._meta.model_name,
        record_id=record.pk,
        changes=changes,
        reason=reason,
        corrected_by=actor,
    )
    detail = {"child": str(record.child_id), "changes": changes, "reason": reason}
    if follows is not None:
        detail["follows_correction_of"] = f"{follows._meta.model_name} {follows.pk}"
    audit_record(
        actor=actor,
        action=Action.CORRECT,
        obj=record,
        family_id=family_id,
        people=[record.child_id],
        request=request,
        detail=detail,
    )


def _linked_corrections(record, old: dict) -> list[tuple[object, dict, bool]]:
    """Facts that follow from the one corrected and so move with it, each kept as a correction of its own.

    - A child protection plan starts on the day of the initial conference (Working Together 2023): a
      corrected conference date moves the plan that started at it.
    - SSDA903: an episode that ended with X1 ends the day the next one starts. A corrected start moves the
      previous episode's end; a corrected X1 end moves the next episode's start.

    Returns (record, {field: [before, after]}, save_first) with the new values already set.
    """
    moves: list[tuple[object, str, object, bool]] = []
    if isinstance(record, Section47Enquiry):
        old_icpc = old["icpc_date"]
        if old_icpc and record.icpc_date and record.icpc_date != old_icpc:
            shared = (
                Section47Enquiry.objects.filter(child_id=record.child_id, icpc_date=old_icpc)
                .exclude(pk=record.pk)
                .exists()
            )
            if not shared:
                plans = for_update(ChildProtectionPlan.objects).filter(
                    child_id=record.child_id, start_date=old_icpc
                )
                moves += [(plan, "start_date", record.icpc_date, False) for plan in plans]
    if isinstance(record, LookedAfterEpisode):
        episodes = (
            for_update(LookedAfterEpisode.objects).filter(child_id=record.child_id).exclude(pk=record.pk)
        )
        if record.start_date != old["start_date"]:
            previous = episodes.filter(
                reason_ceased=codes.ReasonCeased.NEW_EPISODE, end_date=old["start_date"]
            )
            moves += [(episode, "end_date", record.start_date, True) for episode in previous]
        if (
            old["reason_ceased"] == codes.ReasonCeased.NEW_EPISODE
            and record.reason_ceased == codes.ReasonCeased.NEW_EPISODE
            and record.end_date
            and record.end_date != old["end_date"]
        ):
            following = episodes.filter(start_date=old["end_date"])
            moves += [(episode, "start_date", record.end_date, True) for episode in following]
    linked = []
    for other, field, value, first in moves:
        before = displayed_value(other, field)
        setattr(other, field, value)
        linked.append((other, {field: [before, displayed_value(other, field)]}, first))
    return linked


def displayed_value(record, field: str) -> str:
    """How a recorded value reads to a person: dates in words, codes with their meaning, Yes or No."""
    value = getattr(record, field)
    model_field = record._meta.get_field(field)
    if value in EMPTY:
        return ""
    if isinstance(value, bool):
        return "Yes" if value else "No"
    if isinstance(value, datetime.date):
        return f"{value:%-d %B %Y}"
    if field == "factors":
        return ", ".join(f"{code} {codes.ASSESSMENT_FACTORS.get(code, '')}".strip() for code in value)
    if model_field.choices:
        return str(dict(model_field.flatchoices).get(value, value))
    return str(value)


def _displayed(record, fields) -> dict[str, str]:
    return {field: displayed_value(record, field) for field in fields}
