"""Writes for emergency access and for the basis of sharing an adult's information. Each is audited in
the same transaction."""

from __future__ import annotations

import datetime

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from safeguarding.audit.services import Action, audit_record

from .models import EmergencyAccess, SharingBasis


def emergency_access_hours() -> int:
    return int(getattr(settings, "EMERGENCY_ACCESS_HOURS", 4))


@transaction.atomic
def emergency_access_start(*, actor, family, reason: str, request=None) -> EmergencyAccess:
    """Open a family the worker is not allocated to, for a few hours, on a stated reason."""
    reason = reason.strip()
    if len(reason) < 10:
        raise ValidationError(
            {"reason": "Give the reason in a sentence, so a manager can understand it later"}
        )
    now = timezone.now()
    grant = EmergencyAccess(
        worker=actor,
        family=family,
        reason=reason,
        started_at=now,
        expires_at=now + datetime.timedelta(hours=emergency_access_hours()),
    )
    grant.full_clean()
    grant.save()
    audit_record(
        actor=actor,
        action=Action.BREAK_GLASS,
        obj=grant,
        family_id=family.pk,
        request=request,
        detail={"reason": reason, "expires_at": grant.expires_at.isoformat()},
    )
    return grant


@transaction.atomic
def sharing_basis_record(
    *,
    actor,
    family,
    person,
    basis: str,
    scope: str = SharingBasis.Scope.LEAD_AND_MANAGERS,
    explanation: str = "",
    request=None,
) -> SharingBasis:
    record = SharingBasis(
        person=person, basis=basis, scope=scope, explanation=explanation.strip(), recorded_by=actor
    )
    record.full_clean()
    record.save()
    audit_record(
        actor=actor,
        action=Action.CREATE,
        obj=record,
        family_id=family.pk,
        people=[person.pk],
        request=request,
        detail={"person": str(person.pk), "basis": basis, "scope": scope},
    )
    return record


@transaction.atomic
def sharing_basis_withdraw(*, actor, family, sharing_basis: SharingBasis, request=None) -> SharingBasis:
    """Withdraw a basis (for example the adult withdraws consent). From now on their detail is restricted
    again to their own practitioners, unless another basis stands."""
    if sharing_basis.withdrawn_on is not None:
        raise ValidationError("This basis has already been withdrawn")
    sharing_basis.withdrawn_on = timezone.localdate()
    sharing_basis.withdrawn_by = actor
    sharing_basis.save(update_fields=["withdrawn_on", "withdrawn_by", "updated_at"])
    audit_record(
        actor=actor,
        action=Action.CHANGE,
        obj=sharing_basis,
        family_id=family.pk,
        people=[sharing_basis.person_id],
        request=request,
        detail={"person": str(sharing_basis.person_id), "withdrawn": True},
    )
    return sharing_basis
