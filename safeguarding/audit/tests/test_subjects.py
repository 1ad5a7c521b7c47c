"""Typed audit subjects: every event about a family or person names them, in a side table written with it."""

import pytest
from django.db import DatabaseError, connection, transaction
from django.test.utils import CaptureQueriesContext

from safeguarding.accounts.tests.factories import TeamFactory, UserFactory
from safeguarding.audit import chain
from safeguarding.audit.models import AuditEvent, AuditEventImmutable, AuditSubject
from safeguarding.audit.services import Action, SubjectsMissing, audit_record, audit_record_many
from safeguarding.people.tests.factories import FamilyFactory, FamilyMemberFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def family():
    return FamilyFactory(team=TeamFactory())


def subjects(event) -> set[tuple[str, str]]:
    return {(s.kind, str(s.subject_id)) for s in AuditSubject.objects.filter(event=event)}


def test_an_event_names_its_families_and_people_in_the_subjects_table(family):
    child = FamilyMemberFactory(family=family).person
    worker = UserFactory()
    event = audit_record(actor=worker, action=Action.VIEW, obj=child, families=[family.pk], people=[child.pk])
    assert subjects(event) == {("family", str(family.pk)), ("person", str(child.pk))}


def test_the_family_id_argument_is_a_family_subject_too(family):
    event = audit_record(actor=UserFactory(), action=Action.VIEW, obj=family, family_id=family.pk)
    assert subjects(event) == {("family", str(family.pk))}


def test_a_service_that_writes_about_a_person_without_naming_a_subject_is_refused_and_writes_nothing(family):
    child = FamilyMemberFactory(family=family).person
    before = AuditEvent.objects.count()
    with pytest.raises(SubjectsMissing), transaction.atomic():
        # A new app choosing its own detail key ("pupil") and forgetting the subjects would silently drop
        # out of "who has seen this record" and subject access: the writer refuses instead.
        audit_record(actor=UserFactory(), action=Action.CREATE, obj=child, detail={"pupil": str(child.pk)})
    assert AuditEvent.objects.count() == before


def test_events_about_staff_and_events_without_an_object_need_no_subject():
    worker = UserFactory()
    assert audit_record(actor=worker, action=Action.CHANGE, obj=worker).pk
    assert audit_record(actor=worker, action=Action.SEARCH, detail={"results": 3}).pk


def test_many_events_each_get_their_own_subjects(family):
    child = FamilyMemberFactory(family=family).person
    worker = UserFactory()
    first, second = audit_record_many(
        [
            AuditEvent(actor=worker, action=Action.VIEW),
            AuditEvent(actor=worker, action=Action.VIEW, family_id=family.pk),
        ],
        subjects=[((), [child.pk]), ((), ())],
    )
    assert subjects(first) == {("person", str(child.pk))}
    assert subjects(second) == {("family", str(family.pk))}


def test_a_new_apps_event_naming_the_person_appears_in_their_access_log(family):
    # The access log reads the subjects table only, so an event with a detail key no report knows about is
    # still found.
    from safeguarding.governance.selectors import family_events, person_events

    child = FamilyMemberFactory(family=family).person
    event = audit_record(
        actor=UserFactory(),
        action=Action.CREATE,
        obj=family,
        families=[family.pk],
        people=[child.pk],
        detail={"workbook_chapter": "summary"},
    )
    assert event in person_events(child)
    assert event in family_events(family)


def test_subjects_cannot_be_changed_or_deleted(family):
    event = audit_record(actor=UserFactory(), action=Action.VIEW, obj=family, family_id=family.pk)
    row = AuditSubject.objects.get(event=event)
    with pytest.raises(AuditEventImmutable):
        row.save()
    with pytest.raises(AuditEventImmutable):
        AuditSubject.objects.filter(event=event).delete()
    with pytest.raises(AuditEventImmutable):
        AuditSubject.objects.filter(event=event).update(kind="person")


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the trigger exists on PostgreSQL only")
@pytest.mark.parametrize(
    "sql",
    [
        "UPDATE audit_auditsubject SET kind = 'person' WHERE event_id = %s",
        "DELETE FROM audit_auditsubject WHERE event_id = %s",
    ],
    ids=["update", "delete"],
)
def test_postgresql_refuses_to_change_or_delete_a_subject(family, sql):
    event = audit_record(actor=UserFactory(), action=Action.VIEW, obj=family, family_id=family.pk)
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute(sql, [event.pk])
    assert subjects(event) == {("family", str(family.pk))}


def test_the_backfill_reads_every_key_the_apps_used_before_events_named_their_subjects():
    import importlib
    import types
    import uuid

    backfill = importlib.import_module("safeguarding.audit.migrations.0007_subjects_backfill_and_append_only")
    family, other, child, adult, address, relationship = (uuid.uuid4() for _ in range(6))

    def old(object_type="", object_id="", family_id=None, **detail):
        return types.SimpleNamespace(
            object_type=object_type, object_id=object_id, family_id=family_id, detail=detail
        )

    addresses, relationships = {address: adult}, {relationship: (adult, child)}
    cases = [
        (old("family", str(family), family), ({family}, set())),
        (old("person", str(child), None, families=[str(family), str(other)]), ({family, other}, {child})),
        (old("visit", "x", family, step="visit", child=str(child)), ({family}, {child})),
        (old("sharingbasis", "x", family, person=str(adult)), ({family}, {adult})),
        (old("address", str(address), family), ({family}, {adult})),
        (old("relationship", str(relationship), family), ({family}, {adult, child})),
        (old(family_id=family), ({family}, set())),
        (old(person_id=str(child)), (set(), {child})),
        (old(child_id=str(child)), (set(), {child})),
        (old(page="my_tasks", families=[str(family)]), ({family}, set())),
        (old(person_id="not-a-uuid"), (set(), set())),
    ]
    # A refusal to open a family named it in the detail: it is the family's subject too.
    refusal = types.SimpleNamespace(
        object_type="", object_id="", family_id=None, detail={"family_id": str(family)}
    )
    cases.append((refusal, ({family}, set())))
    for event, expected in cases:
        assert backfill._subjects(event, addresses, relationships) == expected, event


def test_an_event_is_written_as_a_model_save_would_write_it_with_its_subjects_in_the_same_statement(family):
    """The event is written by plain SQL (each value prepared by its field, as Model.save prepares it):
    read back through the ORM it has every value it was given, its chain verifies, and on PostgreSQL the
    event and its subject rows are written by one statement (SQLite: the subjects separately)."""
    child = FamilyMemberFactory(family=family).person
    worker = UserFactory()
    with CaptureQueriesContext(connection) as queries:
        event = audit_record(
            actor=worker,
            action=Action.VIEW,
            obj=child,
            family_id=family.pk,
            people=[child.pk],
            detail={"note": "café <b>", "families": [str(family.pk)]},
        )
    writes = [q["sql"] for q in queries if "INSERT INTO" in q["sql"]]
    assert len(writes) == (1 if connection.vendor == "postgresql" else 2), writes

    saved = AuditEvent.objects.get(pk=event.pk)
    assert (saved.actor_id, saved.actor_username, saved.action) == (worker.pk, worker.username, Action.VIEW)
    assert (saved.object_type, saved.object_id, saved.family_id) == ("person", str(child.pk), family.pk)
    assert saved.detail == {"note": "café <b>", "families": [str(family.pk)]}
    assert saved.occurred_at == event.occurred_at and saved.hash == event.hash
    assert saved.hash == chain.hash_of(saved, saved.previous_hash)
    assert subjects(event) == {("family", str(family.pk)), ("person", str(child.pk))}
    assert not event._state.adding
    with pytest.raises(AuditEventImmutable):
        event.save()
