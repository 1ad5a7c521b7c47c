"""Sessions and significant events: what a worker did with the family, and what happened that matters.

Family Safeguarding records "significant information and summarise[s] activity" rather than every contact
(issue #9), so a session is one entry however many of the family took part. A session in person that the
children attended, recorded by a worker who visits children, is also each child's statutory visit: the
home visit that saw four children is typed once, and the four children's visit clocks (child protection,
child in need, looked after) move from that one entry.
"""

from __future__ import annotations

import datetime
import uuid

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import transaction
from django.utils import timezone

from safeguarding.allocation.models import ADULT_PRACTITIONER_CASE_ROLES, Allocation
from safeguarding.audit.services import Action, audit_record
from safeguarding.journey.policies import journey_can_record
from safeguarding.journey.services import journey_record
from safeguarding.people.models import FamilyMember

from ..models import ModuleWork, ParentingModule, Session, SessionParticipant, SignificantEvent
from ..selectors.assessments import module_work_id
from .workbooks import workbook_ensure

# Sessions where the worker is with the children in person, as a statutory visit requires (Working
# Together 2023: the child is seen; reg 28 of the Care Planning Regulations 2010: the child is visited
# wherever they are living, and seen). Phone and video calls never make a visit; a group session is not a
# visit to the child either.
IN_PERSON_KINDS = frozenset({Session.Kind.HOME_VISIT, Session.Kind.OFFICE, Session.Kind.SCHOOL_VISIT})

ADULT_SPECIAL = "adult_special"
ORDINARY = "ordinary"
NOTE_MAX_LENGTH = Session._meta.get_field("note").max_length


def _day(value: datetime.date) -> str:
    return f"{value:%-d %B %Y}"


def _current_members(family, person_ids) -> tuple[list[FamilyMember], bool]:
    """The family's current members among these ids, children first (eldest first), then adults; and
    whether every id was one of them."""
    wanted = set()
    valid = True
    for person_id in person_ids or ():
        try:
            wanted.add(str(uuid.UUID(str(person_id))))
        except (TypeError, ValueError, AttributeError):
            valid = False  # not an id at all: a crafted request
    members = list(
        FamilyMember.objects.filter(family=family, left_on__isnull=True, person_id__in=wanted)
        .select_related("person")
        .order_by("member_type", "person__date_of_birth", "person__first_name")
    )
    found = {str(m.person_id) for m in members}
    return members, valid and found == wanted


def _dates_against_people(date, members, field: str, what: str) -> dict[str, list[str]]:
    """A session happened to people who were alive: not before a participant's birth, not after their
    death. An unborn child cannot take part (work before a birth is with the expectant parents)."""
    errors: list[str] = []
    for member in members:
        person = member.person
        name = person.full_name
        if person.is_unborn:
            errors.append(f"{name} is not born yet: record the {what} with the adults who took part")
        elif person.date_of_birth and date < person.date_of_birth:
            errors.append(
                f"The date of the {what} must be on or after {name}'s date of birth, "
                f"{_day(person.date_of_birth)}"
            )
        elif person.date_of_death and date > person.date_of_death:
            errors.append(
                f"The date of the {what} must be on or before {name}'s date of death, "
                f"{_day(person.date_of_death)}"
            )
    return {field: errors} if errors else {}


def _case_role(actor, family) -> str:
    allocation = Allocation.objects.current().filter(family=family, worker_id=actor.pk).first()
    return allocation.case_role if allocation else ""


def _module(module) -> ParentingModule | None:
    if module in (None, ""):
        return None
    if isinstance(module, ParentingModule):
        return ParentingModule.objects.filter(pk=module.pk, active=True).first()
    try:
        return ParentingModule.objects.filter(pk=module, active=True).first()
    except (ValueError, ValidationError):
        return None


@transaction.atomic
def session_record(
    *,
    actor,
    family,
    date: datetime.date | None,
    kind: str,
    participant_ids,
    seen_alone_ids=(),
    module=None,
    note: str = "",
    today: datetime.date,
    request=None,
) -> Session:
    """Record one session with the family, and the children's statutory visits it makes.

    An in-person session (home visit, office, school or nursery visit) that children attended, recorded by
    a worker who may record visits on their journeys, records each child's visit through the journey
    (seen, and seen alone where ticked), linked on the child's participant row, so the visit clocks move.
    If the journey refuses one child's visit, nothing is saved: a session that made some of its visits and
    not others would leave a child's clock saying the visit did not happen.

    A session about adults only, recorded by one of their own practitioners (domestic abuse, drugs and
    alcohol, mental health, offending), is special-category data about them: its note is `adult_special`.

    Returns the session, with `visits_recorded`: the children whose statutory visits it recorded."""
    errors: dict[str, list[str]] = {}

    def refuse(field, message):
        errors.setdefault(field, []).append(message)

    if kind not in Session.Kind.values:
        refuse("kind", "Select the type of session")
    if date is None:
        refuse("date", "Enter the date of the session")
    elif date > today:
        refuse("date", "The date of the session must be today or in the past")
    members, all_current = _current_members(family, participant_ids)
    if not participant_ids:
        refuse("participants", "Select who took part")
    elif not all_current:
        refuse("participants", "Select only people who are in the family now")
    children = [m.person for m in members if m.member_type == FamilyMember.MemberType.CHILD]
    adults = [m.person for m in members if m.member_type == FamilyMember.MemberType.ADULT]
    child_ids = {str(c.pk) for c in children}
    alone = {str(pk) for pk in seen_alone_ids or ()}
    if not alone <= child_ids:
        refuse("seen_alone", "Select seen alone only for children who took part")
    elif alone and kind == Session.Kind.PHONE:
        refuse("seen_alone", "A child cannot be seen on a phone call: do not select seen alone")
    chosen_module = _module(module)
    if module not in (None, "") and chosen_module is None:
        refuse("module", "Select a module from the list")
    elif chosen_module is not None and not adults:
        refuse("module", "A module is worked on with parents: select the adults who took part, or no module")
    note = (note or "").strip()
    if len(note) > NOTE_MAX_LENGTH:
        refuse("note", f"The note must be {NOTE_MAX_LENGTH} characters or fewer")
    if date is not None and date <= today:
        for field, messages in _dates_against_people(date, members, "date", "session").items():
            for message in messages:
                refuse(field, message)
    if errors:
        raise ValidationError(errors)

    workbook_ensure(family=family, actor=actor, today=today)
    case_role = _case_role(actor, family)
    sensitivity = ADULT_SPECIAL if case_role in ADULT_PRACTITIONER_CASE_ROLES and not children else ORDINARY
    session = Session(
        family=family,
        date=date,
        kind=kind,
        module=chosen_module,
        note=note,
        recorded_by=actor,
        case_role=case_role,
        sensitivity=sensitivity,
    )
    session.full_clean()
    session.save()

    visits: dict = {}
    if kind in IN_PERSON_KINDS:
        for child in children:
            # The journey decides who records a child's visits (social workers, managers, family support
            # workers; never a partner agency, never through emergency access): the session makes a visit
            # only where the same worker could have recorded it on the child's journey.
            if not journey_can_record(actor, child, "visit"):
                continue
            values = {"date": date, "child_seen": True, "seen_alone": str(child.pk) in alone}
            try:
                visits[child.pk] = journey_record(
                    actor=actor, child=child, step="visit", values=values, request=request
                )
            except ValidationError as error:
                reasons = " ".join(_sentence(m) for m in error.messages)
                raise ValidationError(
                    {
                        NON_FIELD_ERRORS: [
                            f"{child.full_name}'s visit could not be recorded, so the session was not saved. "
                            f"{reasons}"
                        ]
                    }
                ) from None

    SessionParticipant.objects.bulk_create(
        [
            SessionParticipant(
                session=session,
                person=person,
                seen_alone=str(person.pk) in alone,
                visit=visits.get(person.pk),
            )
            for person in [*children, *adults]
        ]
    )

    started = []
    if chosen_module is not None:
        started = _module_work_start(family=family, module=chosen_module, parents=adults)

    audit_record(
        actor=actor,
        action=Action.CREATE,
        obj=session,
        family_id=family.pk,
        families=[family.pk],
        people=[p.pk for p in [*children, *adults]],
        request=request,
        detail={
            "kind": kind,
            "date": str(date),
            "participants": [str(p.pk) for p in [*children, *adults]],
            "seen_alone": sorted(alone),
            "visits": {str(child_id): str(visit.pk) for child_id, visit in visits.items()},
            "module": chosen_module.name if chosen_module else "",
            "module_work_started": [str(pk) for pk in started],
            "sensitivity": sensitivity,
        },
    )
    session.visits_recorded = [c for c in children if c.pk in visits]
    return session


def _sentence(message: str) -> str:
    message = str(message).strip()
    return message if message.endswith(".") else f"{message}."


def _module_work_start(*, family, module, parents) -> list:
    """Each parent's work on the module: made if it is new, and moved from not started to in progress.

    Only the state moves, by a conditional update: the texts (what was covered, reflections, analysis) are
    the module work's own page's, with its version check, and a session never overwrites them."""
    existing = {
        w.parent_id: w for w in ModuleWork.objects.filter(family=family, module=module, parent__in=parents)
    }
    new = [
        ModuleWork(
            pk=module_work_id(family.pk, parent.pk, module.pk),
            family=family,
            parent=parent,
            module=module,
            state=ModuleWork.State.IN_PROGRESS,
        )
        for parent in parents
        if parent.pk not in existing
    ]
    ModuleWork.objects.bulk_create(new)
    moved = [w.parent_id for w in existing.values() if w.state == ModuleWork.State.NOT_STARTED]
    if moved:
        ModuleWork.objects.filter(
            family=family, module=module, parent_id__in=moved, state=ModuleWork.State.NOT_STARTED
        ).update(state=ModuleWork.State.IN_PROGRESS)
    return [w.parent_id for w in new] + moved


# ---- Significant events -------------------------------------------------------------------------------


@transaction.atomic
def significant_event_record(
    *,
    actor,
    family,
    date: datetime.date | None,
    kind: str,
    what_happened: str,
    impact: str,
    impact_on_child: str = "",
    person_ids,
    today: datetime.date | None = None,
    request=None,
) -> SignificantEvent:
    """Flag a significant event in one step: what happened, when, to whom, and what it means for the
    children. It reaches each named child's chronology (an event about the adults only reaches every child
    in the family now: a police call-out at the parents' home is part of every child's story)."""
    today = today or timezone.localdate()
    errors: dict[str, list[str]] = {}

    def refuse(field, message):
        errors.setdefault(field, []).append(message)

    if kind not in SignificantEvent.Kind.values:
        refuse("kind", "Select what kind of event it was")
    # No check against the people's births: what happens before a birth (domestic abuse in pregnancy) is
    # part of the unborn child's story and belongs in their chronology.
    if date is None:
        refuse("date", "Enter the date of the event")
    elif date > today:
        refuse("date", "The date of the event must be today or in the past")
    what_happened = (what_happened or "").strip()
    impact_on_child = (impact_on_child or "").strip()
    if not what_happened:
        refuse("what_happened", "Enter what happened")
    for field, value, label in (
        ("what_happened", what_happened, "What happened"),
        ("impact_on_child", impact_on_child, "The impact on the children"),
    ):
        limit = SignificantEvent._meta.get_field(field).max_length
        if len(value) > limit:
            refuse(field, f"{label} must be {limit} characters or fewer")
    if impact not in SignificantEvent.Impact.values:
        refuse("impact", "Select the impact on the children")
    members, all_current = _current_members(family, person_ids)
    if not person_ids:
        refuse("people", "Select who the event involved")
    elif not all_current:
        refuse("people", "Select only people who are in the family now")
    if errors:
        raise ValidationError(errors)

    workbook_ensure(family=family, actor=actor, today=today)
    event = SignificantEvent(
        family=family,
        date=date,
        kind=kind,
        what_happened=what_happened,
        impact=impact,
        impact_on_child=impact_on_child,
        recorded_by=actor,
    )
    event.full_clean()
    event.save()
    people = [m.person for m in members]
    event.people.set(people)
    audit_record(
        actor=actor,
        action=Action.CREATE,
        obj=event,
        family_id=family.pk,
        families=[family.pk],
        people=[p.pk for p in people],
        request=request,
        detail={
            "kind": kind,
            "date": str(date),
            "impact": impact,
            "people": [str(p.pk) for p in people],
        },
    )
    return event
