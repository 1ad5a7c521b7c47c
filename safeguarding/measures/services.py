"""Recording a measure, correcting one, and closing the alerts they raise. Each write is audited, naming
the family and the person, in the same transaction; an alert becomes a task in the same transaction too
(work.py), so the worker sees the safety check in My tasks as soon as the measure is saved."""

from __future__ import annotations

import datetime

from django.conf import settings
from django.core.exceptions import NON_FIELD_ERRORS, PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from safeguarding.audit.services import Action, audit_record
from safeguarding.core.calendar import add_working_days
from safeguarding.core.locks import for_update
from safeguarding.people.models import FamilyMember
from safeguarding.workbook import drafts
from safeguarding.workbook.models import SignificantEvent

from . import instruments, scoring, work
from .definitions import Instrument
from .models import AlertKind, AnsweredBy, Measure, MeasureAlert, MeasureCorrection
from .policies import MeasuresAccess

REASON_LIMIT = 500
JUDGEMENT_LIMIT = 2000
OUTCOME_LIMIT = 4000


def months_before(day: datetime.date, months: int) -> datetime.date:
    """The same day `months` calendar months earlier (the last day of a shorter month)."""
    month_index = day.year * 12 + day.month - 1 - months
    year, month = divmod(month_index, 12)
    month += 1
    for last in (31, 30, 29, 28):
        try:
            return datetime.date(year, month, min(day.day, last))
        except ValueError:
            continue
    raise ValueError(day)  # pragma: no cover


def police_callouts(*, family, person, on: datetime.date, months: int) -> int:
    """Police call-outs for domestic abuse recorded as significant events naming the adult, or in the family,
    in the `months` up to and including `on` (SafeLives' potential escalation: 3 or more in 12 months)."""
    since = months_before(on, months)
    return (
        SignificantEvent.objects.filter(kind=SignificantEvent.Kind.POLICE_DA, date__gt=since, date__lte=on)
        .filter(Q(family=family) | Q(people=person))
        .values("pk")
        .distinct()
        .count()
    )


def _member_type(family, person) -> str | None:
    return (
        FamilyMember.objects.filter(family=family, person=person, left_on__isnull=True)
        .values_list("member_type", flat=True)
        .first()
    )


def _marac_alert(instrument: Instrument):
    return next((a for a in instrument.alerts if a.kind == "marac"), None)


def _validate(
    *,
    instrument: Instrument,
    administered_on,
    answered_by,
    answers,
    judgement,
    judgement_reason,
    today,
    sex,
):
    """The scored result and cleaned values, or a ValidationError naming each field to put right."""
    errors: dict[str, str] = {}
    if not isinstance(administered_on, datetime.date):
        errors["administered_on"] = "Enter the date the questionnaire was completed"
    elif administered_on > today:
        errors["administered_on"] = "The date the questionnaire was completed must be today or in the past"
    if answered_by not in AnsweredBy.values:
        errors["answered_by"] = "Select who answered the questions"
    result = None
    try:
        result = scoring.score(instrument, answers, sex=sex)
    except scoring.InvalidAnswer as error:
        errors["answers"] = f"{error}: select one of the responses listed"
    else:
        if not any(value is not None for value in answers.values()):
            errors["answers"] = "Record the answer to at least one question"
    reason = (judgement_reason or "").strip()
    if judgement and _marac_alert(instrument) is None:
        errors["judgement"] = f"{instrument.name} has no MARAC referral on professional judgement"
    elif judgement and not reason:
        errors["judgement_reason"] = "Enter why, in your professional judgement, the adult should be referred"
    elif len(reason) > JUDGEMENT_LIMIT:
        errors["judgement_reason"] = f"The reason must be {JUDGEMENT_LIMIT:,} characters or fewer"
    if errors:
        raise ValidationError(errors)
    return result, (reason if judgement else "")


def _score_fields(result: scoring.Result) -> dict:
    return {
        "total": result.total,
        "band": result.band.label if result.band else "",
        "band_index": result.band_index,
        "subscales": [{"code": s.code, "label": s.label, "total": s.total} for s in result.subscales],
        "not_scored_reason": result.not_scored_reason,
        "prorated": result.prorated,
    }


def _alerts_due(instrument, result, measure: Measure, today) -> list[tuple[str, str, datetime.date]]:
    """(kind, reason, due) for each alert the measure raises."""
    due = []
    safety = [a for a in result.alerts if a.kind == "safety_check"]
    if safety:
        due.append((AlertKind.SAFETY_CHECK, " ".join(a.reason for a in safety), today))
    rule = _marac_alert(instrument)
    if rule is not None:
        met = []
        if any(a.kind == "marac" for a in result.alerts):
            met.append(f"{rule.total_at_least} or more 'yes' answers")
        if measure.judgement:
            met.append("the practitioner's professional judgement")
        if (
            rule.police_callouts_at_least is not None
            and measure.police_callouts is not None
            and measure.police_callouts >= rule.police_callouts_at_least
        ):
            met.append(
                f"potential escalation: {measure.police_callouts} police call-outs for domestic abuse in the "
                f"last {rule.months} months"
            )
        if met:
            days = settings.MARAC_REFERRAL_WORKING_DAYS
            due.append(
                (
                    AlertKind.MARAC,
                    f"{rule.reason} Criteria met: {'; '.join(met)}.",
                    add_working_days(today, days),
                )
            )
    return due


def _raise_alerts(*, actor, measure: Measure, instrument, result, today, request) -> list[MeasureAlert]:
    """Create the alerts the measure raises that it has not raised before (one of a kind per measure),
    each audited, and rebuild the family's tasks."""
    raised = []
    existing = set(measure.alerts.values_list("kind", flat=True))
    for kind, reason, due_on in _alerts_due(instrument, result, measure, today):
        if kind in existing:
            continue
        alert = MeasureAlert.objects.create(
            measure=measure,
            family=measure.family,
            person=measure.person,
            kind=kind,
            reason=reason[:1000],
            raised_on=today,
            due_on=due_on,
            owner=actor,
        )
        audit_record(
            actor=actor,
            action=Action.CREATE,
            obj=alert,
            family_id=measure.family_id,
            families=[measure.family_id],
            people=[measure.person_id],
            request=request,
            detail={"measure_alert": kind, "due_on": due_on.isoformat()},
        )
        raised.append(alert)
    if raised:
        work.measure_tasks_refresh([measure.family_id])
    return raised


def measure_record(
    *,
    actor,
    family,
    person,
    instrument: Instrument,
    administered_on,
    answered_by,
    answers: dict,
    judgement: bool = False,
    judgement_reason: str = "",
    today: datetime.date | None = None,
    request=None,
) -> Measure:
    """Record one questionnaire for one person in the family, score it by `instrument` (its version is
    kept), and raise the alerts it meets: a same-day safety check for a risk answer, a MARAC referral for
    a DASH meeting the criteria (the count, professional judgement, or potential escalation counted from
    the police call-outs already recorded)."""
    today = today or timezone.localdate()
    access = MeasuresAccess(actor, family)
    if not access.can_record(person.pk):
        raise PermissionDenied("You may not record measures for this person")
    member_type = _member_type(family, person)
    wanted = {"adult": {"adult"}, "child": {"child"}, "any": {"adult", "child"}}[instrument.audience]
    if member_type not in wanted:
        who = "an adult" if instrument.audience == "adult" else "a child"
        raise ValidationError({"person": f"{instrument.name} is for {who} in the family now"})
    if not instruments.licence_held(instrument):
        raise ValidationError(
            {"instrument": f"{instrument.name} cannot be used until the council holds its licence"}
        )
    sex = person.sex if instrument.sex_specific else None
    result, reason = _validate(
        instrument=instrument,
        administered_on=administered_on,
        answered_by=answered_by,
        answers=answers,
        judgement=judgement,
        judgement_reason=judgement_reason,
        today=today,
        sex=sex,
    )
    rule = _marac_alert(instrument)
    callouts = None
    if rule is not None and rule.police_callouts_at_least is not None:
        callouts = police_callouts(family=family, person=person, on=administered_on, months=rule.months)
    with transaction.atomic():
        measure = Measure.objects.create(
            family=family,
            person=person,
            instrument=instrument.code,
            instrument_version=instrument.version,
            administered_on=administered_on,
            answered_by=answered_by,
            answers={str(n): answers.get(n) for n in range(1, len(instrument.items) + 1)},
            scored_as=(sex if sex in ("M", "F") else instrument.unknown_sex_uses) if sex is not None else "",
            judgement=bool(judgement),
            judgement_reason=reason,
            police_callouts=callouts,
            recorded_by=actor,
            **_score_fields(result),
        )
        audit_record(
            actor=actor,
            action=Action.CREATE,
            obj=measure,
            family_id=family.pk,
            families=[family.pk],
            people=[person.pk],
            request=request,
            # The answers and score are special-category: the log names what was recorded, not what it said.
            detail={"measure": instrument.code, "version": instrument.version},
        )
        _raise_alerts(
            actor=actor, measure=measure, instrument=instrument, result=result, today=today, request=request
        )
    return measure


def measure_correct(
    *,
    actor,
    measure: Measure,
    version,
    administered_on,
    answered_by,
    answers: dict,
    judgement: bool = False,
    judgement_reason: str = "",
    reason: str,
    today: datetime.date | None = None,
    request=None,
) -> Measure:
    """Correct a measure's answers (scored again by the version it was recorded with), keeping what it said
    before with the reason. An alert it raised stays open for its owner to close with an outcome; one it
    now meets is raised. A correction from an older version than the one saved is refused."""
    today = today or timezone.localdate()
    family = measure.family
    if not MeasuresAccess(actor, family).can_record(measure.person_id):
        raise PermissionDenied("You may not correct measures for this person")
    instrument = instruments.every().get((measure.instrument, measure.instrument_version))
    if instrument is None:
        raise ValidationError("This measure's questionnaire definition is no longer available")
    sex = measure.person.sex if instrument.sex_specific else None
    errors: dict = {}
    try:
        result, judged = _validate(
            instrument=instrument,
            administered_on=administered_on,
            answered_by=answered_by,
            answers=answers,
            judgement=judgement,
            judgement_reason=judgement_reason,
            today=today,
            sex=sex,
        )
    except ValidationError as error:
        errors = dict(error.message_dict)
    reason = (reason or "").strip()
    if not reason:
        errors["reason"] = ["Enter why you are correcting the measure"]
    elif len(reason) > REASON_LIMIT:
        errors["reason"] = [f"The reason must be {REASON_LIMIT} characters or fewer"]
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        current = for_update(Measure.objects).get(pk=measure.pk)
        if version != current.version:
            raise ValidationError(
                {
                    NON_FIELD_ERRORS: "Someone else corrected this measure after you opened it. "
                    "Check it, then correct it again"
                }
            )
        MeasureCorrection.objects.create(
            measure=current,
            version=current.version,
            administered_on=current.administered_on,
            answered_by=current.answered_by,
            answers=current.answers,
            total=current.total,
            band=current.band,
            reason=reason,
            corrected_by=actor,
        )
        current.administered_on = administered_on
        current.answered_by = answered_by
        current.answers = {str(n): answers.get(n) for n in range(1, len(instrument.items) + 1)}
        current.judgement = bool(judgement)
        current.judgement_reason = judged
        for name, value in _score_fields(result).items():
            setattr(current, name, value)
        current.version += 1
        current.save()
        audit_record(
            actor=actor,
            action=Action.CORRECT,
            obj=current,
            family_id=family.pk,
            families=[family.pk],
            people=[current.person_id],
            request=request,
            detail={"measure": current.instrument, "version": current.version},
        )
        _raise_alerts(
            actor=actor, measure=current, instrument=instrument, result=result, today=today, request=request
        )
    return current


# The alert's outcome is kept as the worker's draft while it is typed (workbook.drafts; registrations.py).
ALERT_DRAFT_TYPE = "measure-alert"
ALERT_TEXT_FIELDS = ("outcome",)
# A DASH's professional-judgement reason is typed while the adult is still in the room, before the measure
# exists: its draft is keyed on the adult (one unsaved DASH per adult per worker); a correction's, on the
# measure, with the reason for the correction.
JUDGEMENT_DRAFT_TYPE = "measure-judgement"
JUDGEMENT_TEXT_FIELDS = ("judgement_reason",)
CORRECTION_DRAFT_TYPE = "measure-correction"
CORRECTION_TEXT_FIELDS = ("judgement_reason", "reason")


def alert_close(
    *, actor, alert: MeasureAlert, outcome: str, today: datetime.date | None = None, request=None
):
    """Close an alert with what was done (its owner or the family's team manager); its task ends now."""
    today = today or timezone.localdate()
    if not MeasuresAccess(actor, alert.family).can_close(alert):
        raise PermissionDenied("You may not close this alert")
    outcome = (outcome or "").strip()
    if not outcome:
        raise ValidationError({"outcome": "Enter what was done and the outcome"})
    if len(outcome) > OUTCOME_LIMIT:
        raise ValidationError({"outcome": f"The outcome must be {OUTCOME_LIMIT:,} characters or fewer"})
    with transaction.atomic():
        current = for_update(MeasureAlert.objects).get(pk=alert.pk)
        if current.closed_on is not None:
            raise ValidationError({"outcome": "This alert has already been closed"})
        current.closed_on = today
        current.closed_by = actor
        current.outcome = outcome
        current.save()
        audit_record(
            actor=actor,
            action=Action.CHANGE,
            obj=current,
            family_id=current.family_id,
            families=[current.family_id],
            people=[current.person_id],
            request=request,
            detail={"measure_alert": current.kind, "closed": True},
        )
        work.measure_tasks_refresh([current.family_id])
        drafts.draft_discard(actor=actor, record_type=ALERT_DRAFT_TYPE, record_id=current.pk)
    return current
