"""On PostgreSQL the database itself refuses UPDATE and DELETE on the audit table, and hands out the hash
chain's head under the chain lock in one round trip (ADR 0011).

The application refuses changes already (AuditEvent.save, the queryset), but anything else with the
application's credentials (a shell, a script, a report tool) must be refused too. TRUNCATE is not
blocked: Django's test framework empties tables with it; production grants the application role no
TRUNCATE in any case. SQLite has no equivalent worth having: whoever can write the file can rewrite it,
which is what the hash chain is for.

audit_event_chain_head(lock_key, how_many) takes the chain lock, then reads the last event's hash and
issues the next ids. It is a function because a statement sees what was committed when it began: read in
the same statement as the lock is taken, the hash could be one a writer replaced while we waited. Each
statement inside a volatile function sees what was committed when that statement began.
"""

from django.db import migrations

INSTALL = """
CREATE OR REPLACE FUNCTION audit_event_refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'audit events are append-only: % on % refused', TG_OP, TG_TABLE_NAME
        USING ERRCODE = 'insufficient_privilege';
END;
$$;
DROP TRIGGER IF EXISTS audit_event_append_only ON audit_auditevent;
CREATE TRIGGER audit_event_append_only
    BEFORE UPDATE OR DELETE ON audit_auditevent
    FOR EACH ROW EXECUTE FUNCTION audit_event_refuse_change();

CREATE OR REPLACE FUNCTION audit_event_chain_head(lock_key bigint, how_many integer)
RETURNS TABLE (last_hash varchar, next_ids bigint[]) LANGUAGE plpgsql VOLATILE AS $$
BEGIN
    PERFORM pg_advisory_xact_lock(lock_key);
    RETURN QUERY SELECT
        (SELECT e.hash FROM audit_auditevent e ORDER BY e.id DESC LIMIT 1),
        ARRAY(SELECT nextval(pg_get_serial_sequence('audit_auditevent', 'id')) FROM generate_series(1, how_many));
END;
$$;
"""

REMOVE = """
DROP FUNCTION IF EXISTS audit_event_chain_head(bigint, integer);
DROP TRIGGER IF EXISTS audit_event_append_only ON audit_auditevent;
DROP FUNCTION IF EXISTS audit_event_refuse_change();
"""


def install(apps, schema_editor):
    # params=None: the SQL holds % signs (RAISE formats) that must not be read as placeholders.
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(INSTALL, params=None)


def remove(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(REMOVE, params=None)


class Migration(migrations.Migration):

    dependencies = [
        ('audit', '0004_hash_chain'),
    ]

    operations = [
        migrations.RunPython(install, remove, elidable=False),
    ]
