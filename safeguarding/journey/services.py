"""Writes to a child's statutory journey: record a step, correct a recorded fact.

Every write checks the entry rules (rules.py) with a message a worker can act on, saves, writes its audit
event and rebuilds the child's deadlines, all in one transaction. Permissions are the views' job
(policies.py); services trust their caller on who, never on what.
"""

from __future__ import annotations

import datetime

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from safeguarding.audit.services import Action, audit_record
from safeguarding.people.models import FamilyMember, Person

from . import clocks, codes, rules
from .deadlines import deadlines_refresh
from .models import ChildProtectionPlan, Correction, LookedAfterEpisode, Section47Enquiry, Visit
from .steps import CORRECTABLE_FIELDS, STEPS_BY_SLUG, Step

EMPTY = (None, "", [])


def child_family_id(child: Person):
    """The family a child's statutory events are audited against: their one current family, if one."""
    family_ids = list(
        FamilyMember.objects.filter(person=child, left_on__isnull=True).values_list("family_id", flat=True)[:2]
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


def _save(record) -> None:
    record.full_clean()
    try:
        with transaction.atomic():
            record.save()
    except IntegrityError:
        # Two workers recording at once can both pass the rules; the database's one-open-record
        # constraints decide, and the loser gets the same message the rules would have given.
        rules.check(record)
        raise ValidationError("This record changed while you were working on it. Check the journey and try again.")


def _end_open_looked_after_episode(record: LookedAfterEpisode, *, actor) -> LookedAfterEpisode | None:
    """SSDA903: a change of placement or legal status ends the open episode the same day (reason ceased
    X1) and starts a new one; the worker records only the new episode."""
    if not isinstance(record, LookedAfterEpisode) or record.end_date is not None:
        return None
    current = (
        LookedAfterEpisode.objects.select_for_update()
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
        record = type(found).objects.select_for_update().get(pk=found.pk)
        created = False
    else:
        record = spec.model(child=child, recorded_by=actor)
        if spec.parent_field:
            parent = spec.find(child)
            if parent is None:
                raise ValidationError(spec.needs)
            setattr(record, spec.parent_field, parent)
        created = True
    missing = {
        field: f"Enter {spec.model._meta.get_field(field).verbose_name}"
        for field in spec.required
        if values.get(field) in EMPTY
    }
    if missing:
        raise ValidationError(missing)
    for field in spec.fields:
        if field in values:
            setattr(record, field, values[field] if values[field] is not None or _nullable(record, field) else "")
    _derive(record, actor=actor, created=created)
    rules.check(record)
    ended = _end_open_looked_after_episode(record, actor=actor) if created else None
    _save(record)
    family_id = child_family_id(child)
    audit_record(
        actor=actor,
        action=Action.CREATE if created else Action.CHANGE,
        obj=record,
        family_id=family_id,
        request=request,
        detail={"step": spec.slug, "child": str(child.pk), "values": _displayed(record, spec.fields)},
    )
    if ended is not None:
        audit_record(
            actor=actor,
            action=Action.CHANGE,
            obj=ended,
            family_id=family_id,
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
    record = type(record).objects.select_for_update().get(pk=record.pk)
    before = _displayed(record, fields)
    for field in fields:
        if field in values:
            setattr(record, field, values[field] if values[field] is not None or _nullable(record, field) else "")
    _derive(record, actor=actor, created=False)
    after = _displayed(record, fields)
    changes = {field: [before[field], after[field]] for field in fields if before[field] != after[field]}
    if not changes:
        raise ValidationError("You have not changed anything. Change a value, or go back.")
    rules.check(record)
    _save(record)
    Correction.objects.create(
        child_id=record.child_id,
        record_type=record._meta.model_name,
        record_id=record.pk,
        changes=changes,
        reason=reason,
        corrected_by=actor,
    )
    audit_record(
        actor=actor,
        action=Action.CORRECT,
        obj=record,
        family_id=child_family_id(record.child),
        request=request,
        detail={"child": str(record.child_id), "changes": changes, "reason": reason},
    )
    deadlines_refresh([record.child_id])
    return record


def _nullable(record, field: str) -> bool:
    return record._meta.get_field(field).null


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
