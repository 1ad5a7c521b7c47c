"""Writing audit events. Callers pass the request (for who and from where) or the actor directly.

Every event takes the next place in the hash chain (chain.py). Working out that place means reading the
last event's hash and issuing the next id, so two writers must never do it at the same time: each write
holds the chain lock from reading the previous event until its transaction ends (see `_chain_head`).
"""

from __future__ import annotations

import uuid
from typing import Any

from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone

from . import chain
from .models import AuditEvent

Action = AuditEvent.Action


def client_address(request) -> str | None:
    """The address the request came from.

    Behind the council's load balancers REMOTE_ADDR is the nearest balancer. With TRUSTED_PROXY_COUNT = N
    (the number of proxies the council runs in front of the app), the client is the address N places from
    the right of X-Forwarded-For: entries further left were written by the client and can be forged.
    """
    if request is None:
        return None
    proxies = int(getattr(settings, "TRUSTED_PROXY_COUNT", 0))
    if proxies > 0:
        hops = [h.strip() for h in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if h.strip()]
        if len(hops) >= proxies:
            return chain.normalise_ip(hops[-proxies])
    return chain.normalise_ip(request.META.get("REMOTE_ADDR"))


def _chain_head(count: int) -> tuple[str, list[int]]:
    """Take the chain lock, then read the last event's hash and issue the next `count` ids: one query.

    The lock lasts until the outermost transaction ends (commit or rollback, not the end of a savepoint),
    so a service's event keeps its place until the service commits.
    - PostgreSQL: audit_event_chain_head() (migration 0005) takes a transaction-scoped advisory lock and
      reads after it, in a statement of its own, so that it sees what the previous holder committed.
    - SQLite: the settings open every transaction with BEGIN IMMEDIATE, which takes the database's one
      write lock before the first read: the transaction we are in already serialises writers. The next id
      is past sqlite_sequence, which remembers the ids of removed rows, so the id of a removed last event
      is never reused (that would hide the removal).
    """
    table = connection.ops.quote_name(AuditEvent._meta.db_table)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SELECT * FROM audit_event_chain_head(%s, %s)", [chain.ADVISORY_LOCK_KEY, count])
            previous, ids = cursor.fetchone()
            return previous or chain.GENESIS, sorted(ids)
        cursor.execute(
            f"SELECT (SELECT hash FROM {table} ORDER BY id DESC LIMIT 1), MAX("  # noqa: S608 - our own table
            "COALESCE((SELECT seq FROM sqlite_sequence WHERE name = %s), 0), "
            f"COALESCE((SELECT MAX(id) FROM {table}), 0))",
            [AuditEvent._meta.db_table],
        )
        previous, highest = cursor.fetchone()
        return previous or chain.GENESIS, list(range(highest + 1, highest + count + 1))


def _chain(events: list[AuditEvent]) -> None:
    """Give each event its id, time and hash, in order, after the last event already written."""
    previous, ids = _chain_head(len(events))
    now = timezone.now()
    for event, event_id in zip(events, ids, strict=True):
        event.id = event_id
        event.occurred_at = now
        event.ip_address = chain.normalise_ip(event.ip_address)
        event.detail = chain.normalise_detail(event.detail)
        event.previous_hash = previous
        event.hash = chain.hash_of(event, previous)
        previous = event.hash


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
    # Its own atomic block, so that the lock spans reading the previous hash and inserting, even when
    # the caller is not in a transaction (a page view). Inside a caller's transaction the lock lasts until
    # the caller commits, and no savepoint is made: if the event cannot be written, the caller's write
    # must not be either.
    with transaction.atomic(savepoint=False):
        _chain([event])
        event.save(force_insert=True)
    return event


def audit_record_many(events: list[AuditEvent]) -> list[AuditEvent]:
    """Append several events in one statement (a page that shows many records logs each one).

    Pass unsaved AuditEvents with actor, action, object and detail set; ids, times and hashes are given
    here, in list order.
    """
    events = list(events)
    if not events:
        return events
    for event in events:
        if event.action not in Action.values:
            raise ValueError(f"Unknown audit action {event.action!r}")
    with transaction.atomic(savepoint=False):
        _chain(events)
        AuditEvent.objects.bulk_create(events)
    return events
