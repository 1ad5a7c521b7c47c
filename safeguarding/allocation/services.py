"""Allocating workers to families and ending allocations. History is kept: nothing is deleted."""

from __future__ import annotations

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from safeguarding.audit.services import Action, audit_record
from safeguarding.core.locks import for_update
from safeguarding.people.services import family_create

from .models import Allocation, CaseRole, EndReason


@transaction.atomic
def allocation_create(
    *,
    actor,
    family,
    worker,
    case_role: str,
    start_date: datetime.date | None = None,
    works_with: list | None = None,
    request=None,
) -> Allocation:
    start_date = start_date or timezone.localdate()
    open_allocations = for_update(Allocation.objects).filter(family=family, end_date__isnull=True)
    if open_allocations.filter(worker=worker).exists():
        raise ValidationError(
            {
                "worker": f"{worker.display_name} is already allocated to this family. "
                "End that allocation first."
            }
        )
    if case_role == CaseRole.LEAD_SOCIAL_WORKER:
        if worker.role not in ("social_worker", "team_manager"):
            raise ValidationError({"case_role": "The lead social worker must be a social worker"})
        if open_allocations.filter(case_role=CaseRole.LEAD_SOCIAL_WORKER).exists():
            raise ValidationError(
                {"case_role": "This family already has a lead social worker. End that allocation first."}
            )
    allocation = Allocation(
        family=family, worker=worker, case_role=case_role, start_date=start_date, allocated_by=actor
    )
    allocation.full_clean(validate_constraints=False)
    allocation.save()
    if works_with:
        adult_ids = set(family.members.filter(member_type="adult").values_list("person_id", flat=True))
        if any(person.pk not in adult_ids for person in works_with):
            raise ValidationError({"works_with": "Select adults from this family"})
        allocation.works_with.set(works_with)
    audit_record(
        actor=actor,
        action=Action.ALLOCATE,
        obj=allocation,
        family_id=family.pk,
        request=request,
        detail={
            "worker": worker.get_username(),
            "case_role": case_role,
            "works_with": [str(p.pk) for p in works_with or []],
        },
    )
    return allocation


@transaction.atomic
def allocation_end(
    *,
    actor,
    allocation: Allocation,
    end_date: datetime.date | None = None,
    reason_code: str = EndReason.OTHER,
    reason: str = "",
    request=None,
) -> Allocation:
    """End a worker's allocation, from today or an earlier day, for a reason: one of EndReason's, or Other
    with the reason typed. The worker loses the family's record at once unless their role shows it to them.

    A reason is required: the family's history shows who held the case and why they stopped, and the audit
    event names it, so an allocation ended to cut someone off can be told from one ended as work finished.
    """
    if allocation.end_date is not None:
        raise ValidationError("This allocation has already ended")
    end_date = end_date or timezone.localdate()
    if end_date < allocation.start_date:
        raise ValidationError({"end_date": "End date must be on or after the date the allocation started"})
    if reason_code not in EndReason.values:
        raise ValidationError({"reason_code": "Select why the allocation is ending"})
    reason = reason.strip()
    if reason_code == EndReason.OTHER and not reason:
        raise ValidationError({"reason": "Enter why the allocation is ending"})
    allocation.end_date = end_date
    allocation.end_reason_code = reason_code
    allocation.end_reason = reason if reason_code == EndReason.OTHER else EndReason(reason_code).label
    allocation.ended_by = actor
    allocation.full_clean(validate_constraints=False)
    allocation.save(update_fields=["end_date", "end_reason", "end_reason_code", "ended_by", "updated_at"])
    audit_record(
        actor=actor,
        action=Action.END_ALLOCATION,
        obj=allocation,
        family_id=allocation.family_id,
        request=request,
        detail={
            "worker": allocation.worker.get_username(),
            "reason_code": reason_code,
            "reason": allocation.end_reason,
        },
    )
    return allocation


# The case role given to a worker who opens a family themselves.
CREATOR_CASE_ROLES = {
    "social_worker": "lead_social_worker",
    "family_support_worker": "family_support_worker",
}


@transaction.atomic
def family_open(*, actor, name: str, team, request=None):
    """Create a family and allocate whoever opened it, in one transaction.

    A social worker or family support worker sees only families they are allocated to, so the one who
    opens a family is allocated to it at once: otherwise they would lose the record they just created."""
    family = family_create(actor=actor, name=name, team=team, request=request)
    creator_role = CREATOR_CASE_ROLES.get(getattr(actor, "role", None))
    if creator_role:
        allocation_create(actor=actor, family=family, worker=actor, case_role=creator_role, request=request)
    return family
