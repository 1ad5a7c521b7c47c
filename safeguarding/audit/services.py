"""Writing audit events. Callers pass the request (for who and from where) or the actor directly."""

from __future__ import annotations

import uuid
from typing import Any

from .models import AuditEvent

Action = AuditEvent.Action


def client_address(request) -> str | None:
    """The address the request came from. Behind the council's load balancer REMOTE_ADDR is the balancer;
    production sets the trusted proxy header and we take the last hop it added."""
    if request is None:
        return None
    return request.META.get("REMOTE_ADDR") or None


def audit_record(
    *,
    actor,
    action: str,
    obj: Any = None,
    family_id: uuid.UUID | None = None,
    request=None,
    detail: dict | None = None,
) -> AuditEvent:
    """Append one audit event. Call inside the same transaction as the write it describes."""
    if action not in Action.values:
        raise ValueError(f"Unknown audit action {action!r}")
    actor = actor if (actor is not None and getattr(actor, "is_authenticated", False)) else None
    event = AuditEvent(
        actor=actor,
        actor_username=actor.get_username() if actor else "",
        action=action,
        object_type=obj._meta.model_name if obj is not None else "",
        object_id=str(obj.pk) if obj is not None else "",
        family_id=family_id,
        ip_address=client_address(request),
        detail=detail or {},
    )
    event.save()
    return event


def audit_record_many(events: list[AuditEvent]) -> None:
    """Append several events in one statement (a page that shows many records logs each one)."""
    AuditEvent.objects.bulk_create(events)
