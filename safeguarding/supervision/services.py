"""The only writers of group supervision: schedule, record, actions, sign-off, addenda.

Each validates with a message the user can act on, saves, audits (naming the family and the children the
record is about) and brings the supervision's tasks up to date (work.supervision_tasks_refresh), in one
transaction.

Sign-off happens exactly once, even when two people press it at the same moment: the supervision row is
locked (core.locks.for_update) and its status read again inside the transaction, so the second press waits
for the first and then finds it signed off. The Workbook's cycle closes under the same lock
(workbook.services.workbooks.cycle_close), so its chapters lock once and the next cycle opens once.
"""

from __future__ import annotations

import datetime

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from safeguarding.accounts.models import User
from safeguarding.accounts.policies import is_active_staff, team_manager_of
from safeguarding.audit.services import Action, audit_record
from safeguarding.core.locks import for_update
from safeguarding.people.models import FamilyMember
from safeguarding.workbook.drafts import check_version
from safeguarding.workbook.services.workbooks import cycle_close, workbook_ensure

from .models import (
    Attendance,
    ChildRiskAnalysis,
    Decision,
    GroupSupervision,
    SupervisionAction,
    SupervisionAddendum,
)
from .policies import SupervisionAccess
from .work import supervision_tasks_refresh

RECORD_DRAFT_TYPE = "supervision"
RECORD_TEXT_FIELDS = ("family_views", "hypotheses")
ANALYSIS_TEXT_FIELDS = ("worried_about", "working_well", "needs_to_happen", "reasoning")
ANALYSIS_FIELDS = (*ANALYSIS_TEXT_FIELDS, "safety_judgement")


def interval() -> datetime.timedelta:
    return datetime.timedelta(days=settings.GROUP_SUPERVISION_INTERVAL_DAYS)


def children_of(family) -> list:
    """The family's current children, in the order the family page lists them."""
    return [
        m.person
        for m in FamilyMember.objects.filter(family=family, left_on__isnull=True, member_type="child")
        .select_related("person")
        .order_by("person__date_of_birth", "person__first_name", "person_id")
    ]


def _child_ids(family) -> list[str]:
    return [
        str(pk)
        for pk in FamilyMember.objects.filter(
            family=family, left_on__isnull=True, member_type="child"
        ).values_list("person_id", flat=True)
    ]


def _audit(actor, supervision, action, request, **detail):
    family = supervision.family
    audit_record(
        actor=actor,
        action=action,
        obj=supervision,
        family_id=family.pk,
        families=[family.pk],
        people=_child_ids(family),
        request=request,
        detail={"supervision": str(supervision.pk), **detail},
    )


def _check_staff(users, field: str) -> list[User]:
    users = list(users)
    for user in users:
        if not is_active_staff(user):
            raise ValidationError({field: f"{user.display_name} can no longer sign in, so cannot be invited"})
    return users


def _check_date(scheduled_for, today):
    if scheduled_for is None:
        raise ValidationError({"scheduled_for": "Enter the date of the group supervision"})
    if scheduled_for < today:
        raise ValidationError({"scheduled_for": "The date of the group supervision must be today or later"})


# ---- scheduling --------------------------------------------------------------------------------------------


@transaction.atomic
def supervision_schedule(
    *,
    actor,
    family,
    scheduled_for: datetime.date,
    chair: User | None = None,
    invitees=(),
    today: datetime.date,
    request=None,
) -> GroupSupervision:
    """Schedule the family's next group supervision (its managers). The chair is the family's team manager
    unless they name a deputy; the invitation list is the current allocations plus `invitees`."""
    if not SupervisionAccess(actor, family).can_schedule:
        raise ValidationError("Only the family's team manager or a service manager can schedule supervision")
    _check_date(scheduled_for, today)
    if (
        GroupSupervision.objects.filter(family=family)
        .exclude(status=GroupSupervision.Status.SIGNED_OFF)
        .exists()
    ):
        raise ValidationError(
            {"scheduled_for": "This family already has a group supervision booked. Reschedule that one"}
        )
    chair = chair or team_manager_of(family.team_id) or actor
    _check_staff([chair], "chair")
    invitees = _check_staff(invitees, "invitees")
    _workbook, cycle = workbook_ensure(family=family, actor=actor, today=today)
    supervision = GroupSupervision.objects.create(
        family=family, cycle=cycle, scheduled_for=scheduled_for, chair=chair
    )
    supervision.invitees.set(invitees)
    _audit(actor, supervision, Action.CREATE, request, scheduled_for=str(scheduled_for), chair=chair.pk)
    supervision_tasks_refresh([family.pk])
    return supervision


def _locked(supervision) -> GroupSupervision:
    return for_update(GroupSupervision.objects).select_related("family").get(pk=supervision.pk)


@transaction.atomic
def supervision_reschedule(
    *,
    actor,
    supervision: GroupSupervision,
    scheduled_for: datetime.date,
    chair: User | None = None,
    invitees=None,
    today: datetime.date,
    request=None,
) -> GroupSupervision:
    supervision = _locked(supervision)
    if not SupervisionAccess(actor, supervision.family).can_reschedule(supervision):
        raise ValidationError("This supervision has been signed off, so it cannot be moved")
    _check_date(scheduled_for, today)
    before = supervision.scheduled_for
    supervision.scheduled_for = scheduled_for
    if chair is not None:
        supervision.chair = _check_staff([chair], "chair")[0]
    supervision.save()
    if invitees is not None:
        supervision.invitees.set(_check_staff(invitees, "invitees"))
    _audit(
        actor,
        supervision,
        Action.CHANGE,
        request,
        rescheduled_from=str(before),
        scheduled_for=str(scheduled_for),
        chair=supervision.chair_id,
    )
    supervision_tasks_refresh([supervision.family_id])
    return supervision


# ---- the meeting record ------------------------------------------------------------------------------------


def last_signed_off(family, *, before: GroupSupervision | None = None) -> GroupSupervision | None:
    signed = GroupSupervision.objects.filter(family=family, status=GroupSupervision.Status.SIGNED_OFF)
    if before is not None:
        signed = signed.exclude(pk=before.pk).filter(scheduled_for__lte=before.scheduled_for)
    return signed.order_by("-scheduled_for", "-signed_off_at").first()


def analyses_to_start_from(supervision: GroupSupervision, children) -> dict:
    """{child id: {field: value}}: the supervision's own analyses once saved; the first time, the last
    signed-off supervision's, for the chair to edit rather than a blank page."""
    saved = {a.child_id: a for a in supervision.analyses.all()}
    if not saved and supervision.status == GroupSupervision.Status.SCHEDULED:
        previous = last_signed_off(supervision.family, before=supervision)
        if previous is not None:
            saved = {a.child_id: a for a in previous.analyses.all()}
    return {
        child.pk: {field: getattr(saved[child.pk], field) for field in ANALYSIS_FIELDS}
        if child.pk in saved
        else {field: None if field == "safety_judgement" else "" for field in ANALYSIS_FIELDS}
        for child in children
    }


def invited_people(supervision: GroupSupervision, current_allocations) -> list[User]:
    """Everyone invited: the chair, the current allocations, then the extra invitees, each once."""
    people: dict = {supervision.chair_id: supervision.chair}
    for allocation in current_allocations:
        people.setdefault(allocation.worker_id, allocation.worker)
    for user in supervision.invitees.all():
        people.setdefault(user.pk, user)
    return list(people.values())


@transaction.atomic
def supervision_record(
    *,
    actor,
    supervision: GroupSupervision,
    attendance: dict,
    family_views: str,
    hypotheses: str,
    decisions: list[str],
    decision_other: str = "",
    analyses: dict,
    actions: list[dict] = (),
    base_version,
    invited_ids,
    today: datetime.date,
    request=None,
) -> GroupSupervision:
    """The chair saves the meeting record: attendance, the family's views, a risk analysis per child,
    hypotheses, decisions and new actions. Refused once signed off, and refused (VersionConflict, both
    texts kept) when it started from an older version."""
    supervision = _locked(supervision)
    family = supervision.family
    if not SupervisionAccess(actor, family).can_record(supervision):
        raise ValidationError("Only the chair can record this supervision, and only before it is signed off")
    if supervision.scheduled_for > today:
        raise ValidationError(
            f"The supervision is booked for {supervision.scheduled_for:%-d %B %Y}. "
            "Record it on or after that day"
        )
    yours = {"family_views": family_views, "hypotheses": hypotheses}
    check_version(
        supervision,
        base_version,
        theirs={f: getattr(supervision, f) for f in RECORD_TEXT_FIELDS},
        yours=yours,
        saved_by=supervision.recorded_by.display_name if supervision.recorded_by else "",
    )
    invited_ids = {str(pk) for pk in invited_ids}
    attendance = {str(k): v for k, v in attendance.items() if str(k) in invited_ids}
    if not attendance or any(v not in Attendance.values for v in attendance.values()):
        raise ValidationError({"attendance": "Select whether each person attended"})
    attended = {k for k, v in attendance.items() if v == Attendance.ATTENDED}
    if not attended:
        raise ValidationError({"attendance": "Select at least one person who attended"})
    decisions = [d for d in dict.fromkeys(decisions) if d in Decision.values]
    decision_other = (decision_other or "").strip()
    if Decision.OTHER in decisions and not decision_other:
        raise ValidationError({"decision_other": "Describe the other decision"})
    children = {str(c): c for c in _child_ids(family)}
    for child_id, values in analyses.items():
        judgement = values.get("safety_judgement")
        if judgement is not None and not 0 <= int(judgement) <= 10:
            raise ValidationError({f"child-{child_id}-safety_judgement": "Enter a judgement from 0 to 10"})
    for index, action in enumerate(actions):
        if str(action["owner"].pk) not in attended:
            raise ValidationError(
                {f"action-{index}-owner": "Select an owner for the action from the people who attended"}
            )
        if action["due_date"] < supervision.scheduled_for:
            raise ValidationError(
                {f"action-{index}-due_date": "The action's due date must be on or after the supervision"}
            )

    supervision.attendance = attendance
    supervision.family_views = family_views
    supervision.hypotheses = hypotheses
    supervision.decisions = decisions
    supervision.decision_other = decision_other if Decision.OTHER in decisions else ""
    supervision.recorded_by = actor
    supervision.status = GroupSupervision.Status.RECORDED
    supervision.version += 1
    supervision.save()
    existing = {str(a.child_id): a for a in ChildRiskAnalysis.objects.filter(supervision=supervision)}
    for child_id, values in analyses.items():
        if str(child_id) not in children:
            continue  # a child who has left the family since the form was opened
        analysis = existing.get(str(child_id)) or ChildRiskAnalysis(
            supervision=supervision, child_id=child_id
        )
        for field in ANALYSIS_FIELDS:
            setattr(
                analysis, field, values.get(field) if field == "safety_judgement" else values.get(field, "")
            )
        analysis.save()
    created = [
        SupervisionAction.objects.create(
            supervision=supervision, text=a["text"], owner=a["owner"], due_date=a["due_date"]
        )
        for a in actions
    ]
    _audit(
        actor,
        supervision,
        Action.CHANGE,
        request,
        recorded=True,
        attended=sorted(attended),
        decisions=decisions,
        analyses=len(analyses),
        actions_added=len(created),
    )
    supervision_tasks_refresh([family.pk])
    return supervision


# ---- sign-off ----------------------------------------------------------------------------------------------


@transaction.atomic
def supervision_sign_off(
    *, actor, supervision: GroupSupervision, today: datetime.date, request=None
) -> tuple[GroupSupervision, GroupSupervision]:
    """Sign the record off: it becomes read-only, the Workbook's cycle closes (its chapters lock) and the
    next opens, and the next supervision is scheduled at the council's interval. Exactly once."""
    supervision = _locked(supervision)
    family = supervision.family
    if supervision.is_signed_off:
        raise ValidationError("This supervision has already been signed off")
    if not SupervisionAccess(actor, family).can_sign_off(supervision):
        if supervision.status == GroupSupervision.Status.SCHEDULED:
            raise ValidationError("Record the meeting before signing it off")
        raise ValidationError("Only the chair can sign off this supervision")
    if supervision.scheduled_for > today:
        raise ValidationError("A supervision can be signed off on or after the day it took place")
    _workbook, cycle = workbook_ensure(family=family, actor=actor, today=today)
    closed, next_cycle = cycle_close(
        actor=actor,
        family=family,
        closed_on=max(supervision.scheduled_for, cycle.started_on),
        note=f"Group supervision on {supervision.scheduled_for:%-d %B %Y}",
        today=today,
        request=request,
    )
    supervision.status = GroupSupervision.Status.SIGNED_OFF
    supervision.signed_off_at = timezone.now()
    supervision.signed_off_by = actor
    supervision.cycle = closed
    supervision.save()
    following = GroupSupervision.objects.create(
        family=family,
        cycle=next_cycle,
        scheduled_for=max(supervision.scheduled_for + interval(), today),
        chair=supervision.chair,
    )
    following.invitees.set(supervision.invitees.all())
    _audit(
        actor,
        supervision,
        Action.CHANGE,
        request,
        signed_off=True,
        cycle_closed=closed.number,
        next_supervision=str(following.scheduled_for),
    )
    supervision_tasks_refresh([family.pk])
    return supervision, following


# ---- actions -----------------------------------------------------------------------------------------------


@transaction.atomic
def supervision_action_done(
    *,
    actor,
    action: SupervisionAction,
    outcome: str,
    done_on: datetime.date,
    today: datetime.date,
    request=None,
) -> SupervisionAction:
    action = for_update(SupervisionAction.objects).select_related("supervision__family").get(pk=action.pk)
    supervision = action.supervision
    if action.is_done:
        raise ValidationError("This action has already been marked done")
    if not SupervisionAccess(actor, supervision.family).can_mark_done(action, supervision):
        raise ValidationError("Only the action's owner or the chair can mark it done")
    outcome = (outcome or "").strip()
    if not outcome:
        raise ValidationError({"outcome": "Enter what came of the action"})
    if done_on is None:
        raise ValidationError({"done_on": "Enter the date the action was done"})
    if done_on > today:
        raise ValidationError({"done_on": "The date the action was done must be today or in the past"})
    action.done_on = done_on
    action.done_by = actor
    action.outcome = outcome
    action.save()
    _audit(actor, supervision, Action.CHANGE, request, action_done=str(action.pk), done_on=str(done_on))
    supervision_tasks_refresh([supervision.family_id])
    return action


# ---- addenda -----------------------------------------------------------------------------------------------


@transaction.atomic
def supervision_addendum_add(
    *, actor, supervision: GroupSupervision, text: str, reason: str, request=None
) -> SupervisionAddendum:
    """A change to a signed-off record, with why: the original stays as it was signed off."""
    supervision = _locked(supervision)
    if not supervision.is_signed_off:
        raise ValidationError("Change the record itself until it is signed off")
    if not SupervisionAccess(actor, supervision.family).can_add_addendum(supervision):
        raise ValidationError("Only the chair or the family's managers can add to a signed-off record")
    text, reason = (text or "").strip(), (reason or "").strip()
    if not text:
        raise ValidationError({"text": "Enter the addendum"})
    if not reason:
        raise ValidationError({"reason": "Enter why you are adding to the record after it was signed off"})
    addendum = SupervisionAddendum.objects.create(
        supervision=supervision, text=text, reason=reason[:500], written_by=actor
    )
    _audit(actor, supervision, Action.CHANGE, request, addendum=str(addendum.pk))
    return addendum
