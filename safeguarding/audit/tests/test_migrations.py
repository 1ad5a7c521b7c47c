"""Events written before the hash chain existed are chained by the migration that adds it, so an
existing council's log verifies from its first event; on PostgreSQL the next migration installs the
trigger that refuses changes."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import call_command
from django.db import DatabaseError, connection, transaction
from django.db.migrations.executor import MigrationExecutor

from safeguarding.accounts.tests.factories import UserFactory
from safeguarding.audit.models import AuditEvent

BEFORE_CHAIN = [("audit", "0003_action_vocabulary_in_code")]


def migrate(targets):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    return executor.loader.project_state(targets).apps


def latest():
    executor = MigrationExecutor(connection)
    return [key for key in executor.loader.graph.leaf_nodes() if key[0] == "audit"]


@pytest.mark.slow
def test_migration_chains_events_written_before_the_chain_existed(transactional_db):
    worker = UserFactory()
    try:
        old_apps = migrate(BEFORE_CHAIN)
        OldEvent = old_apps.get_model("audit", "AuditEvent")
        for n in range(7):
            OldEvent.objects.create(
                actor_id=worker.pk,
                actor_username=worker.username,
                action="view",
                ip_address="2001:0db8::0001",
                detail={"n": n},
            )
    finally:
        migrate(latest())
    out = StringIO()
    call_command("audit_verify", stdout=out)
    assert "Audit chain intact: 7 events" in out.getvalue()
    stored = list(AuditEvent.objects.order_by("id"))
    assert [e.detail["n"] for e in stored] == list(range(7))
    assert stored[0].ip_address == "2001:db8::1"
    if connection.vendor == "postgresql":
        with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
            with connection.cursor() as cursor:
                cursor.execute(f"DELETE FROM {AuditEvent._meta.db_table}")  # noqa: S608 - our own table
