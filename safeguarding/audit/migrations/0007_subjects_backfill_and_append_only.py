"""Name the subjects of the events written before events named them (issue #8), and make the subjects
table append-only on PostgreSQL like the events themselves (migration 0005's function).

Before, each app chose its own keys in an event's detail; this reads every key any app used, so no event
drops out of "who has seen this record" or subject access. The hash-chained rows are only read.
"""

import uuid

from django.db import migrations

CHUNK = 2000

APPEND_ONLY = """
DROP TRIGGER IF EXISTS audit_subject_append_only ON audit_auditsubject;
CREATE TRIGGER audit_subject_append_only
    BEFORE UPDATE OR DELETE ON audit_auditsubject
    FOR EACH ROW EXECUTE FUNCTION audit_event_refuse_change();
"""
REMOVE = "DROP TRIGGER IF EXISTS audit_subject_append_only ON audit_auditsubject;"


def _uuid(value):
    try:
        return uuid.UUID(str(value))
    except (TypeError, ValueError, AttributeError):
        return None


def _subjects(event, address_people, relationship_people):
    families, people = set(), set()
    detail = event.detail if isinstance(event.detail, dict) else {}
    if event.family_id:
        families.add(event.family_id)
    if event.object_type == "family":
        families.add(_uuid(event.object_id))
    elif event.object_type == "person":
        people.add(_uuid(event.object_id))
    elif event.object_type == "address":
        people.add(address_people.get(_uuid(event.object_id)))
    elif event.object_type == "relationship":
        people.update(relationship_people.get(_uuid(event.object_id), ()))
    for key in ("family_id",):
        families.add(_uuid(detail.get(key)))
    for key in ("person_id", "child_id", "person", "child"):
        people.add(_uuid(detail.get(key)))
    listed = detail.get("families")
    # My tasks names the families it listed; a person's page names the person's families.
    if isinstance(listed, list) and (event.object_type in ("person", "") or detail.get("page")):
        families.update(_uuid(value) for value in listed)
    return families - {None}, people - {None}


def backfill(apps, schema_editor):
    AuditEvent = apps.get_model("audit", "AuditEvent")
    AuditSubject = apps.get_model("audit", "AuditSubject")
    Address = apps.get_model("people", "Address")
    Relationship = apps.get_model("people", "Relationship")
    address_people = dict(Address.objects.values_list("pk", "person_id"))
    relationship_people = {
        pk: (person_id, relative_id)
        for pk, person_id, relative_id in Relationship.objects.values_list("pk", "person_id", "relative_id")
    }
    last = 0
    while True:
        events = list(AuditEvent.objects.filter(id__gt=last).order_by("id")[:CHUNK])
        if not events:
            break
        rows = []
        for event in events:
            families, people = _subjects(event, address_people, relationship_people)
            rows += [AuditSubject(event_id=event.id, kind="family", subject_id=f) for f in families]
            rows += [AuditSubject(event_id=event.id, kind="person", subject_id=p) for p in people]
        # In batches: a list page's event names every family on it, so a chunk of events can give tens of
        # thousands of rows, and with parameters bound on the server (ADR 19) one statement takes at most
        # 65,535 of them (four a row).
        AuditSubject.objects.bulk_create(rows, ignore_conflicts=True, batch_size=5000)
        last = events[-1].id


def append_only(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(APPEND_ONLY, params=None)


def remove_append_only(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(REMOVE, params=None)


class Migration(migrations.Migration):
    dependencies = [
        ("audit", "0006_subjects"),
        ("people", "0005_address_is_protected_adultdetail"),
    ]

    operations = [
        migrations.RunPython(backfill, migrations.RunPython.noop),
        migrations.RunPython(append_only, remove_append_only),
    ]
