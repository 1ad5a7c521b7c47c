"""Writing audit events. Callers pass the request (for who and from where) or the actor directly.

Every event takes the next place in the hash chain (chain.py). Working out that place means reading the
last event's hash and issuing the next id, so two writers must never do it at the same time: each write
holds the chain lock from reading the previous event until its transaction ends (see `_chain_head`).
"""

from __future__ import annotations

import functools
import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone

from . import chain
from .models import AuditEvent, AuditEventUnchained, AuditSubject

Action = AuditEvent.Action

# Actions about records. An event of one of these about an object must name the families and people it
# concerns, or it would silently drop out of "who has seen this record" and subject access.
RECORD_ACTIONS = frozenset(
    {
        Action.VIEW,
        Action.CREATE,
        Action.CHANGE,
        Action.CORRECT,
        Action.ALLOCATE,
        Action.END_ALLOCATION,
        Action.EXPORT,
        Action.PRINT,
        Action.BREAK_GLASS,
        Action.SUBJECT_ACCESS,
    }
)
# Objects that are not about a family or a person: staff, teams, organisations and their sign-in devices.
SUBJECTLESS_APPS = frozenset({"accounts", "auth", "otp_totp", "otp_static", "audit", "sessions"})


class SubjectsMissing(ValueError):
    """An event about a record named no family or person: it would be invisible to the record's access log."""


# An AuditSubject row as written: (event id, kind, subject id).
SubjectRow = tuple[int, str, uuid.UUID]


def _subject_rows(event: AuditEvent, families: Iterable, people: Iterable) -> list[SubjectRow]:
    """(event id, kind, subject id) for each subject, once, families first and each kind by id."""
    rows = {("family", _as_uuid(pk)) for pk in families if pk} | {
        ("person", _as_uuid(pk)) for pk in people if pk
    }
    # Ordered by kind then the id's text: the order the rows always had (sorted by str((kind, UUID))).
    return [(event.id, kind, pk) for kind, pk in sorted(rows, key=lambda row: (row[0], str(row[1])))]


def _insert_subjects(rows: list[SubjectRow]) -> None:
    """Write the subject rows in one statement, without a model instance each.

    A page listing sixty families (My tasks, a team's lists) wrote sixty AuditSubject instances through
    bulk_create: building and preparing them was half the audit event's CPU time, and the event is on
    every such page. The columns and values are the ones bulk_create wrote (SQLite keeps a uuid as its 32
    hex digits, as Django's UUIDField does; PostgreSQL takes the arrays as bulk_create's UNNEST does, so
    any number of rows is three parameters).
    """
    if not rows:
        return
    statements = _statements(connection.vendor)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(statements.subjects, _subject_arrays(rows))
        else:
            cursor.executemany(statements.subjects, [(event_id, kind, pk.hex) for event_id, kind, pk in rows])


def _insert_event(event: AuditEvent, subjects: list[SubjectRow]) -> None:
    """Write one chained event and its subject rows: on PostgreSQL in one statement, so a page's audit is a
    round trip fewer; on SQLite in two (which cost no round trip).

    The values are the ones `event.save(force_insert=True)` wrote, prepared by each field as Django
    prepares them, without the ORM's insert machinery: on every audited page that was about twice as long as
    the rest of writing the event. The model's own guards hold by construction (a new event, chained).
    """
    if not event.hash or not event._state.adding:
        raise AuditEventUnchained("An audit event is written once, after audit_record has chained it")
    values = [field.get_db_prep_save(getattr(event, field.attname), connection) for field in _EVENT_FIELDS]
    statements = _statements(connection.vendor)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql" and subjects:
            cursor.execute(statements.event_with_subjects, values + _subject_arrays(subjects))
        else:
            cursor.execute(statements.event, values)
            _insert_subjects(subjects)
    event._state.adding = False
    event._state.db = connection.alias


_EVENT_FIELDS = AuditEvent._meta.concrete_fields


@dataclass(frozen=True)
class _Statements:
    event: str
    subjects: str
    event_with_subjects: str  # PostgreSQL only


@functools.cache
def _statements(vendor: str) -> _Statements:
    """The audit log's INSERT statements for this database, written once (the tables are our own)."""
    qn = connection.ops.quote_name
    columns = ", ".join(qn(field.column) for field in _EVENT_FIELDS)
    placeholders = ", ".join(["%s"] * len(_EVENT_FIELDS))
    event = f"INSERT INTO {qn(AuditEvent._meta.db_table)} ({columns}) VALUES ({placeholders})"  # noqa: S608
    subjects = f'INSERT INTO {qn(AuditSubject._meta.db_table)} ("event_id", "kind", "subject_id") '  # noqa: S608
    if vendor == "postgresql":
        subjects += "SELECT * FROM UNNEST(%s::bigint[], %s::varchar(10)[], %s::uuid[])"
    else:
        subjects += "VALUES (%s, %s, %s)"
    # A data-modifying WITH runs whether or not the outer statement reads it.
    return _Statements(event, subjects, f"WITH event AS ({event}) {subjects}")


def _subject_arrays(rows: list[SubjectRow]) -> list[list]:
    return [[row[0] for row in rows], [row[1] for row in rows], [row[2] for row in rows]]


def _as_uuid(value) -> uuid.UUID:
    return value if isinstance(value, uuid.UUID) else uuid.UUID(str(value))


def _check_subjects(action: str, obj: Any, families: set, people: set) -> None:
    if obj is None or action not in RECORD_ACTIONS or families or people:
        return
    if obj._meta.app_label in SUBJECTLESS_APPS:
        return
    raise SubjectsMissing(
        f"audit_record({action!r}, {obj._meta.label}) names no family or person: pass families= and people="
    )


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
    families: Iterable = (),
    people: Iterable = (),
    request=None,
    detail: dict | None = None,
) -> AuditEvent:
    """Append one audit event. Call inside the same transaction as the write it describes.

    `families` and `people` are the ids of every family and person the event is about (its subjects):
    the records whose access log, unusual access report and subject access bundle will show it.
    `family_id` is one family subject too, kept on the hash-chained row as it always was.
    """
    if action not in Action.values:
        raise ValueError(f"Unknown audit action {action!r}")
    families = {pk for pk in families if pk} | ({family_id} if family_id else set())
    people = {pk for pk in people if pk}
    _check_subjects(action, obj, families, people)
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
        _insert_event(event, _subject_rows(event, families, people))
    return event


def audit_list(*, actor, request, page: str, families: Iterable, **detail) -> AuditEvent | None:
    """One event for a page that lists families (My families, a team's lists, My tasks): seeing a family's
    name, children and due work in a list is reading its record, so the event names every family shown
    and the family's access log shows it. Nothing is written when the list showed no family."""
    family_ids = sorted({str(pk) for pk in families if pk})
    if not family_ids:
        return None
    return audit_record(
        actor=actor,
        action=Action.VIEW,
        request=request,
        families=family_ids,
        detail={"page": page, "families": family_ids, **detail},
    )


def audit_record_many(events: list[AuditEvent], subjects: list[tuple[Iterable, Iterable]] | None = None):
    """Append several events in one statement (a page that shows many records logs each one).

    Pass unsaved AuditEvents with actor, action, object and detail set, and for each its subjects as
    (families, people); ids, times and hashes are given here, in list order.
    """
    events = list(events)
    if not events:
        return events
    subjects = list(subjects) if subjects is not None else [((), ())] * len(events)
    if len(subjects) != len(events):
        raise ValueError("Give each event its subjects")
    for event in events:
        if event.action not in Action.values:
            raise ValueError(f"Unknown audit action {event.action!r}")
    with transaction.atomic(savepoint=False):
        _chain(events)
        AuditEvent.objects.bulk_create(events)
        rows = []
        for event, (families, people) in zip(events, subjects, strict=True):
            families = set(families) | ({event.family_id} if event.family_id else set())
            rows += _subject_rows(event, families, people)
        _insert_subjects(rows)
    return events
