"""The hash chain that makes the audit log tamper-evident (ADR 0011).

Each event's hash is sha256(previous event's hash + a canonical serialisation of the event's own
fields). Changing any stored field of any event, or removing an event from the middle of the log, breaks
the chain at that point, and `manage.py audit_verify` names the first broken link.

The serialisation is a contract with every event already written: changing it (a field added, a format
changed) needs a new chain version and a migration, never an edit here.
"""

from __future__ import annotations

import datetime
import hashlib
import ipaddress
import json
import uuid
from typing import Any

from django.core.serializers.json import DjangoJSONEncoder

# The "previous hash" of the very first event.
GENESIS = "0" * 64

# The key of the PostgreSQL advisory lock that serialises audit writes. Arbitrary, but used for nothing
# else: advisory locks are shared by everything that connects to the database.
ADVISORY_LOCK_KEY = 0x5AFE_A0D1_7000_0001


def normalise_ip(value: str | None) -> str | None:
    """The address as PostgreSQL's inet type and Python both print it, so the hash survives the round
    trip (an IPv6 address has many spellings). Anything that is not an address is not recorded."""
    if not value:
        return None
    try:
        return str(ipaddress.ip_address(str(value).strip()))
    except ValueError:
        return None


def _plain(value: Any) -> Any:
    # Floats are kept as text: PostgreSQL's jsonb prints some of them differently from Python (1e20 comes
    # back as an integer), which would look like tampering.
    if isinstance(value, float):
        return repr(value)
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    return value


def normalise_detail(detail: dict | None) -> dict:
    """The detail exactly as it will read back from either database: UUIDs, dates and times as text."""
    return _plain(json.loads(json.dumps(detail or {}, cls=DjangoJSONEncoder)))


def canonical(
    *,
    id: int,
    occurred_at: datetime.datetime,
    actor_id: int | None,
    actor_username: str,
    action: str,
    object_type: str,
    object_id: str,
    family_id: uuid.UUID | str | None,
    ip_address: str | None,
    detail: dict,
) -> str:
    """One line of JSON, keys sorted, times in UTC with microseconds: the same bytes on every machine."""
    return json.dumps(
        {
            "id": id,
            "occurred_at": occurred_at.astimezone(datetime.UTC).isoformat(timespec="microseconds"),
            "actor_id": actor_id,
            "actor_username": actor_username,
            "action": action,
            "object_type": object_type,
            "object_id": object_id,
            "family_id": str(family_id) if family_id else None,
            "ip_address": ip_address,
            "detail": detail,
        },
        sort_keys=True,
        separators=(",", ":"),
        ensure_ascii=False,
    )


def event_hash(previous_hash: str, **fields) -> str:
    return hashlib.sha256((previous_hash + canonical(**fields)).encode()).hexdigest()


# The fields `event_hash` reads, in the order `audit_verify` fetches them.
CHAINED_FIELDS = (
    "id",
    "occurred_at",
    "actor_id",
    "actor_username",
    "action",
    "object_type",
    "object_id",
    "family_id",
    "ip_address",
    "detail",
)


def hash_of(event, previous_hash: str) -> str:
    """The hash an event (a model instance, or a historical one in a migration) should carry."""
    return event_hash(previous_hash, **{name: getattr(event, name) for name in CHAINED_FIELDS})
