"""Recording and correcting a reading of an adult's readiness to change. Each write is audited, naming the
family and the adult, in the same transaction."""

from __future__ import annotations

import datetime
import uuid

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from safeguarding.audit.services import Action, audit_record
from safeguarding.core.locks import for_update
from safeguarding.people.models import FamilyMember
from safeguarding.workbook.drafts import check_version, draft_discard

from .models import RULER_MAX, RULER_MIN, Behaviour, ReadinessCorrection, ReadinessRecord, Stage
from .policies import ReadinessAccess

# Draft record types (workbook.drafts): a new reading (its draft id is per family and adult) and a
# correction of a saved one (the reading's id).
NEW_DRAFT_TYPE = "readiness"
CORRECT_DRAFT_TYPE = "readiness-correct"
TEXT_FIELDS = ("in_their_words",)
WORDS_LIMIT = 10000
OTHER_LIMIT = 100
REASON_LIMIT = 500


def _validate(
    *,
    adult_in_family,
    behaviour,
    behaviour_other,
    importance,
    confidence,
    stage,
    in_their_words,
    recorded_on,
    today,
) -> dict:
    """The reading's values, cleaned, or a ValidationError naming each field a worker must put right."""
    errors: dict[str, str] = {}
    other = (behaviour_other or "").strip()
    if behaviour not in Behaviour.values:
        errors["behaviour"] = "Select the behaviour the reading is about"
    elif behaviour == Behaviour.OTHER and not other:
        errors["behaviour_other"] = "Enter the behaviour the reading is about"
    elif len(other) > OTHER_LIMIT:
        errors["behaviour_other"] = f"The behaviour must be {OTHER_LIMIT} characters or fewer"
    if behaviour != Behaviour.OTHER:
        other = ""
    for name, value, what in (
        ("importance", importance, "importance"),
        ("confidence", confidence, "confidence"),
    ):
        if isinstance(value, bool) or not isinstance(value, int) or not RULER_MIN <= value <= RULER_MAX:
            errors[name] = f"Enter the adult's {what} as a whole number from 0 to 10"
    if stage not in Stage.values:
        errors["stage"] = "Select the adult's stage of change"
    words = (in_their_words or "").strip()
    if not words:
        errors["in_their_words"] = "Enter what the adult said, in their own words"
    elif len(words) > WORDS_LIMIT:
        errors["in_their_words"] = f"What they said must be {WORDS_LIMIT:,} characters or fewer"
    if not isinstance(recorded_on, datetime.date):
        errors["recorded_on"] = "Enter the date of the conversation"
    elif recorded_on > today:
        errors["recorded_on"] = "The date of the conversation must be today or in the past"
    if not adult_in_family:
        errors["adult"] = "The reading must be about an adult in the family now"
    if errors:
        raise ValidationError(errors)
    return {
        "behaviour": behaviour,
        "behaviour_other": other,
        "importance": importance,
        "confidence": confidence,
        "stage": stage,
        "in_their_words": words,
        "recorded_on": recorded_on,
    }


def _is_current_adult(family, adult) -> bool:
    return FamilyMember.objects.filter(
        family=family, person=adult, member_type=FamilyMember.MemberType.ADULT, left_on__isnull=True
    ).exists()


def readiness_record(
    *,
    actor,
    family,
    adult,
    behaviour,
    behaviour_other,
    importance,
    confidence,
    stage,
    in_their_words,
    recorded_on,
    today: datetime.date | None = None,
    request=None,
) -> ReadinessRecord:
    """Record one reading of the adult's readiness to change one behaviour."""
    today = today or timezone.localdate()
    if not ReadinessAccess(actor, family).can_record(adult.pk):
        raise PermissionDenied("You may not record readiness for this adult")
    values = _validate(
        adult_in_family=_is_current_adult(family, adult),
        behaviour=behaviour,
        behaviour_other=behaviour_other,
        importance=importance,
        confidence=confidence,
        stage=stage,
        in_their_words=in_their_words,
        recorded_on=recorded_on,
        today=today,
    )
    with transaction.atomic():
        record = ReadinessRecord.objects.create(family=family, adult=adult, recorded_by=actor, **values)
        audit_record(
            actor=actor,
            action=Action.CREATE,
            obj=record,
            family_id=family.pk,
            families=[family.pk],
            people=[adult.pk],
            request=request,
            # The rulers and stage are the adult's special-category data: the audit log names what was
            # recorded, not what it said.
            detail={"readiness": "recorded", "recorded_on": recorded_on.isoformat()},
        )
        draft_discard(actor=actor, record_type=NEW_DRAFT_TYPE, record_id=new_draft_id(family.pk, adult.pk))
    return record


def new_draft_id(family_id, adult_id):
    """The id a new reading's draft is kept under, the same every time (a worker has one reading in hand
    per adult at a time)."""
    return uuid.uuid5(uuid.NAMESPACE_URL, f"readiness/new/{family_id}/{adult_id}")


def readiness_correct(
    *,
    actor,
    record: ReadinessRecord,
    version,
    behaviour,
    behaviour_other,
    importance,
    confidence,
    stage,
    in_their_words,
    recorded_on,
    reason,
    today: datetime.date | None = None,
    request=None,
) -> ReadinessRecord:
    """Correct a reading, keeping what it said before with the reason. A correction that started from an
    older version than the one saved now is refused (workbook.drafts.VersionConflict) with both texts."""
    today = today or timezone.localdate()
    family = record.family
    if not ReadinessAccess(actor, family).can_record(record.adult_id):
        raise PermissionDenied("You may not correct readiness for this adult")
    try:
        values = _validate(
            adult_in_family=True,  # a correction is of what was recorded, even after the adult left
            behaviour=behaviour,
            behaviour_other=behaviour_other,
            importance=importance,
            confidence=confidence,
            stage=stage,
            in_their_words=in_their_words,
            recorded_on=recorded_on,
            today=today,
        )
        errors = {}
    except ValidationError as error:
        errors = dict(error.message_dict)
        values = None
    reason = (reason or "").strip()
    if not reason:
        errors["reason"] = ["Enter why you are correcting the reading"]
    elif len(reason) > REASON_LIMIT:
        errors["reason"] = [f"The reason must be {REASON_LIMIT} characters or fewer"]
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        current = for_update(ReadinessRecord.objects).get(pk=record.pk)
        check_version(
            current,
            version,
            theirs={"in_their_words": current.in_their_words},
            yours={"in_their_words": values["in_their_words"]},
        )
        ReadinessCorrection.objects.create(
            record=current,
            version=current.version,
            behaviour=current.behaviour,
            behaviour_other=current.behaviour_other,
            importance=current.importance,
            confidence=current.confidence,
            stage=current.stage,
            in_their_words=current.in_their_words,
            recorded_on=current.recorded_on,
            reason=reason,
            corrected_by=actor,
        )
        for name, value in values.items():
            setattr(current, name, value)
        current.version += 1
        current.save()
        audit_record(
            actor=actor,
            action=Action.CORRECT,
            obj=current,
            family_id=family.pk,
            families=[family.pk],
            people=[current.adult_id],
            request=request,
            detail={"readiness": "corrected", "version": current.version},
        )
        draft_discard(actor=actor, record_type=CORRECT_DRAFT_TYPE, record_id=current.pk)
    return current
