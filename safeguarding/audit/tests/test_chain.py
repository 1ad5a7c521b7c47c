"""The audit log is tamper-evident: every event is chained to the one before by a hash, `audit_verify`
names the first broken link, and on PostgreSQL the database itself refuses to change or remove events.

A council must be able to show a regulator or a court that its record of who opened a child's file has
not been edited since (UK GDPR Art. 5(1)(f) integrity, 5(2) accountability).
"""

from __future__ import annotations

import datetime
import os
import subprocess
import sys
import threading
import uuid
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import DatabaseError, connection, transaction

from safeguarding.accounts.tests.factories import UserFactory
from safeguarding.audit import chain
from safeguarding.audit.models import AuditEvent, AuditEventUnchained
from safeguarding.audit.services import audit_record, audit_record_many
from safeguarding.people.tests.factories import FamilyFactory

Action = AuditEvent.Action
TABLE = AuditEvent._meta.db_table
on_postgresql = pytest.mark.skipif(
    "connection.vendor != 'postgresql'", reason="the trigger exists on PostgreSQL only"
)


def verify() -> str:
    """Run audit_verify; return what it printed, or raise CommandError naming the broken link."""
    from io import StringIO

    out = StringIO()
    call_command("audit_verify", stdout=out)
    return out.getvalue()


def as_rogue_dba(sql: str, params: list) -> None:
    """Change the table the way someone with the database owner's credentials could: on PostgreSQL they
    must switch the append-only trigger off first."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # The test wrote the events in this same transaction, so their deferred foreign-key checks are
            # still pending, and PostgreSQL will not alter a table with pending trigger events: run them.
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
            cursor.execute(f"ALTER TABLE {TABLE} DISABLE TRIGGER USER")
        cursor.execute(sql, params)
        if connection.vendor == "postgresql":
            cursor.execute(f"ALTER TABLE {TABLE} ENABLE TRIGGER USER")


@pytest.fixture
def worker(db):
    return UserFactory(username="asha.test")


@pytest.fixture
def five_events(worker):
    family = FamilyFactory()
    return [
        audit_record(actor=worker, action=Action.VIEW, obj=family, family_id=family.pk, detail={"n": n})
        for n in range(5)
    ]


# ---- The chain -------------------------------------------------------------------------------------------


def test_each_event_carries_the_hash_of_the_one_before(five_events):
    stored = list(AuditEvent.objects.order_by("id"))
    assert stored[0].previous_hash == chain.GENESIS
    for before, after in zip(stored, stored[1:], strict=False):
        assert after.previous_hash == before.hash
    for event in stored:
        assert len(event.hash) == 64 and event.hash == chain.hash_of(event, event.previous_hash)


def test_the_hash_covers_every_recorded_field(five_events):
    event = AuditEvent.objects.order_by("id").first()
    original = chain.hash_of(event, event.previous_hash)
    changes = {
        "occurred_at": event.occurred_at + datetime.timedelta(microseconds=1),
        "actor_id": event.actor_id + 1,
        "actor_username": "someone-else",
        "action": Action.CHANGE,
        "object_type": "person",
        "object_id": str(uuid.uuid4()),
        "family_id": uuid.uuid4(),
        "ip_address": "198.51.100.1",
        "detail": {"n": 99},
    }
    for field, value in changes.items():
        setattr(event, field, value)
        assert chain.hash_of(event, event.previous_hash) != original, field
        event.refresh_from_db()
    assert chain.hash_of(event, "f" * 64) != original  # and the link to the previous event


def test_an_intact_chain_is_reported_with_its_length_and_latest_hash(five_events):
    output = verify()
    assert "Audit chain intact: 5 events" in output
    assert f"Latest event {five_events[-1].pk}, hash {five_events[-1].hash}" in output


def test_an_empty_log_is_intact(db):
    assert "Audit chain intact: 0 events" in verify()


def test_events_written_one_after_another_and_in_nested_transactions_keep_the_chain(worker):
    family = FamilyFactory()

    def record(**detail):
        return audit_record(actor=worker, action=Action.VIEW, obj=family, family_id=family.pk, detail=detail)

    for n in range(3):
        record(step=f"in a row {n}")
    with transaction.atomic():
        record(step="outer")
        with transaction.atomic():
            record(step="inner")
            with transaction.atomic():
                record(step="innermost")
        # A write whose transaction is rolled back takes its event with it; the next event chains to the
        # last one that stayed.
        try:
            with transaction.atomic():
                record(step="rolled back")
                raise RuntimeError("the service failed")
        except RuntimeError:
            pass
        record(step="after the rollback")
    audit_record_many(
        [
            AuditEvent(
                actor=worker, actor_username=worker.username, action=Action.VIEW, detail={"step": f"many {n}"}
            )
            for n in range(4)
        ]
    )
    record(step="last")
    steps = [e.detail["step"] for e in AuditEvent.objects.order_by("id")]
    assert "rolled back" not in steps and steps[-1] == "last" and len(steps) == 12
    assert "Audit chain intact: 12 events" in verify()


def test_several_writers_at_once_keep_one_unbroken_chain(transactional_db):
    if connection.vendor == "sqlite":
        pytest.skip(
            "the in-memory SQLite test database is one shared cache, whose table locks do not wait; "
            "the multi-process test on a database file below is SQLite's counterpart"
        )
    users = [UserFactory() for _ in range(4)]
    errors: list[BaseException] = []

    def write(user):
        try:
            for n in range(25):
                with transaction.atomic():
                    audit_record(actor=user, action=Action.VIEW, detail={"n": n})
        except BaseException as error:  # noqa: BLE001 - reported by the assertion below
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=write, args=(user,)) for user in users]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert "Audit chain intact: 100 events" in verify()


def test_audit_record_many_chains_its_events_in_the_order_given(worker):
    first = audit_record(actor=worker, action=Action.SEARCH, detail={"query": "Carter"})
    many = audit_record_many(
        [
            AuditEvent(actor=worker, actor_username=worker.username, action=Action.VIEW, detail={"n": n})
            for n in range(3)
        ]
    )
    stored = list(AuditEvent.objects.order_by("id"))
    assert [e.pk for e in stored] == [first.pk] + [e.pk for e in many]
    assert [e.detail for e in stored[1:]] == [{"n": 0}, {"n": 1}, {"n": 2}]
    assert stored[1].previous_hash == first.hash


def test_audit_record_many_refuses_an_unknown_action_and_writes_nothing(worker):
    with pytest.raises(ValueError, match="Unknown audit action"):
        audit_record_many([AuditEvent(action=Action.VIEW), AuditEvent(action="peeked")])
    assert not AuditEvent.objects.exists()


def test_values_that_databases_spell_differently_still_verify(worker):
    # An IPv6 address written out in full, UUIDs, dates and floats in the detail: each reads back from the
    # database spelt the way it was hashed.
    class Request:
        META = {"REMOTE_ADDR": "2001:0DB8:0000:0000:0000:0000:0000:0001"}

    event = audit_record(
        actor=worker,
        action=Action.CHANGE,
        request=Request(),
        detail={
            "family": uuid.uuid4(),
            "on": datetime.date(2026, 3, 4),
            "score": 1e20,
            "nested": {"b": [1, "x"]},
        },
    )
    stored = AuditEvent.objects.get(pk=event.pk)
    assert stored.ip_address == "2001:db8::1"
    assert stored.detail["score"] == "1e+20"
    assert "Audit chain intact: 1 events" in verify()


def test_an_address_that_is_not_one_is_not_recorded(worker):
    class Request:
        META = {"REMOTE_ADDR": "not-an-address"}

    assert audit_record(actor=worker, action=Action.VIEW, request=Request()).ip_address is None


def test_an_event_cannot_be_saved_outside_the_chain(worker):
    with pytest.raises(AuditEventUnchained):
        AuditEvent(actor=worker, action=Action.VIEW).save()
    with pytest.raises(AuditEventUnchained):
        AuditEvent.objects.bulk_create([AuditEvent(actor=worker, action=Action.VIEW)])
    assert not AuditEvent.objects.exists()


# ---- Tampering is detected and named -----------------------------------------------------------------------


def test_a_row_changed_in_the_database_is_named_as_the_first_broken_link(five_events):
    target = five_events[2]
    as_rogue_dba(f"UPDATE {TABLE} SET actor_username = %s WHERE id = %s", ["someone-else", target.pk])  # noqa: S608 - our own table
    with pytest.raises(CommandError) as broken:
        verify()
    message = str(broken.value)
    assert f"Audit chain broken at event {target.pk} (recorded " in message
    assert "content changed" in message
    assert broken.value.returncode == 1


def test_a_changed_detail_is_detected(five_events):
    target = five_events[1]
    as_rogue_dba(f"UPDATE {TABLE} SET detail = %s WHERE id = %s", ['{"n": 42}', target.pk])  # noqa: S608 - our own table
    with pytest.raises(CommandError, match=f"broken at event {target.pk} .*content changed"):
        verify()


def test_a_row_changed_and_rehashed_is_caught_at_the_next_link(five_events):
    # Someone who knows the scheme recomputes the changed event's hash: the next event still points at the
    # old one, so the chain breaks there (unless they rewrite every later event too: see ADR 0011).
    target, following = five_events[2], five_events[3]
    target.actor_username = "someone-else"
    new_hash = chain.hash_of(target, target.previous_hash)
    as_rogue_dba(
        f"UPDATE {TABLE} SET actor_username = %s, hash = %s WHERE id = %s",  # noqa: S608 - our own table
        ["someone-else", new_hash, target.pk],
    )
    with pytest.raises(CommandError) as broken:
        verify()
    message = str(broken.value)
    assert f"broken at event {following.pk}" in message
    assert "previous link missing" in message and f"event {target.pk} was changed" in message


def test_a_deleted_row_is_detected_at_the_event_after_it(five_events):
    removed, following = five_events[2], five_events[3]
    as_rogue_dba(f"DELETE FROM {TABLE} WHERE id = %s", [removed.pk])  # noqa: S608 - our own table
    with pytest.raises(CommandError) as broken:
        verify()
    message = str(broken.value)
    assert f"broken at event {following.pk}" in message
    assert "previous link missing" in message
    assert f"an event between {five_events[1].pk} and {following.pk} was removed" in message


def test_deleting_the_first_events_is_detected(five_events):
    as_rogue_dba(f"DELETE FROM {TABLE} WHERE id <= %s", [five_events[1].pk])  # noqa: S608 - our own table
    with pytest.raises(CommandError, match=f"broken at event {five_events[2].pk} .*start of the log"):
        verify()


def test_only_the_first_broken_link_is_named(five_events):
    as_rogue_dba(
        f"UPDATE {TABLE} SET object_type = 'x' WHERE id IN (%s, %s)",  # noqa: S608 - our own table
        [five_events[1].pk, five_events[3].pk],
    )
    with pytest.raises(CommandError) as broken:
        verify()
    assert f"event {five_events[1].pk} " in str(broken.value)
    assert f"event {five_events[3].pk} " not in str(broken.value)


# ---- PostgreSQL refuses changes itself ---------------------------------------------------------------------


@on_postgresql
@pytest.mark.parametrize(
    "sql",
    [
        f"UPDATE {TABLE} SET actor_username = 'someone-else' WHERE id = %s",  # noqa: S608 - our own table
        f"DELETE FROM {TABLE} WHERE id = %s",  # noqa: S608 - our own table
    ],
    ids=["update", "delete"],
)
def test_postgresql_refuses_to_change_or_delete_an_event(five_events, sql):
    target = five_events[0]
    with pytest.raises(DatabaseError, match="audit events are append-only"), transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute(sql, [target.pk])
    stored = AuditEvent.objects.get(pk=target.pk)
    assert stored.actor_username == target.actor_username
    assert "Audit chain intact: 5 events" in verify()


@on_postgresql
def test_postgresql_still_accepts_new_events_with_the_trigger_in_place(five_events, worker):
    audit_record(actor=worker, action=Action.SEARCH, detail={"query": "x"})
    assert "Audit chain intact: 6 events" in verify()


@pytest.mark.slow
def test_several_processes_writing_to_one_sqlite_file_keep_one_unbroken_chain(tmp_path):
    """SQLite's counterpart of the test above: separate processes, each with its own connection to one
    database file, as the dev server and a background worker would be."""
    if connection.vendor != "sqlite":
        pytest.skip("the SQLite file database; PostgreSQL is covered by the threaded test above")
    root = Path(__file__).resolve().parents[3]
    env = {
        **os.environ,
        "SAFEGUARDING_VAR_DIR": str(tmp_path),
        "DJANGO_SETTINGS_MODULE": "config.settings.test",
    }
    env.pop("DATABASE_URL", None)
    manage = [sys.executable, str(root / "manage.py")]
    subprocess.run([*manage, "migrate", "--noinput", "-v", "0"], cwd=root, env=env, check=True)  # noqa: S603
    writer = (
        "from safeguarding.audit.services import audit_record\n"
        "for n in range(25):\n"
        "    audit_record(actor=None, action='search', detail={'n': n})\n"
    )
    processes = [
        subprocess.Popen([*manage, "shell", "-c", writer], cwd=root, env=env)  # noqa: S603
        for _ in range(4)
    ]
    assert [p.wait(timeout=120) for p in processes] == [0, 0, 0, 0]
    result = subprocess.run(  # noqa: S603
        [*manage, "audit_verify"], cwd=root, env=env, capture_output=True, text=True, check=False
    )
    assert result.returncode == 0, result.stderr
    assert "Audit chain intact: 100 events" in result.stdout
