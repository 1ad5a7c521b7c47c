"""The audit log: who saw and changed which family's record, from where, and who was refused.

Councils are audited for staff opening records they have no reason to open (UK GDPR Art. 5(2)
accountability; the Caldicott principles), so every read of a family or person page and every write
must leave an event, the write and its event must stand or fall together, and nobody may edit the log.
"""

from __future__ import annotations

import datetime
import uuid
from functools import partial

import pytest
from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.db.models import ProtectedError
from django.urls import reverse

from safeguarding.accounts.tests.factories import (
    TEST_PASSWORD,
    PartnerOrganisationFactory,
    TeamFactory,
    UserFactory,
)
from safeguarding.allocation import services as allocation_services
from safeguarding.allocation.models import Allocation, CaseRole
from safeguarding.allocation.tests.factories import AllocationFactory
from safeguarding.audit.models import AuditEvent, AuditEventImmutable
from safeguarding.audit.services import audit_record
from safeguarding.people import services as people_services
from safeguarding.people.models import Address, Family, FamilyMember, Person, Relationship
from safeguarding.people.tests.factories import AddressFactory, FamilyFactory, FamilyMemberFactory

Action = AuditEvent.Action
CLIENT_IP = "203.0.113.7"  # TEST-NET-3: a documentation address, never a real one


@pytest.fixture
def world(db):
    team = TeamFactory()
    family = FamilyFactory(team=team, name="Carter family")
    child = FamilyMemberFactory(family=family, person__first_name="Mia", person__last_name="Carter").person
    mother = FamilyMemberFactory(family=family, adult=True, person__first_name="Dana").person
    AddressFactory(person=child)
    worker = UserFactory(team=team)
    allocation = AllocationFactory(family=family, worker=worker, case_role=CaseRole.LEAD_SOCIAL_WORKER)
    return {
        "team": team,
        "family": family,
        "child": child,
        "mother": mother,
        "worker": worker,
        "allocation": allocation,
        "manager": UserFactory(role="team_manager", team=team),
        "outsider": UserFactory(team=TeamFactory()),
    }


def last_id() -> int:
    return AuditEvent.objects.order_by("-id").values_list("id", flat=True).first() or 0


def events_after(mark: int) -> list[AuditEvent]:
    return list(AuditEvent.objects.filter(id__gt=mark).order_by("id"))


# ---- Reads ---------------------------------------------------------------------------------------------


def test_opening_a_family_page_records_who_saw_which_family_from_where(client, world):
    client.force_login(world["worker"])
    mark = last_id()
    response = client.get(reverse("casefile:family-detail", args=[world["family"].pk]), REMOTE_ADDR=CLIENT_IP)
    assert response.status_code == 200
    [event] = events_after(mark)
    assert (event.action, event.actor, event.actor_username) == (
        Action.VIEW,
        world["worker"],
        world["worker"].username,
    )
    assert (event.object_type, event.object_id) == ("family", str(world["family"].pk))
    assert event.family_id == world["family"].pk
    assert event.ip_address == CLIENT_IP


def test_opening_a_childs_page_records_the_view_against_the_childs_family(client, world):
    client.force_login(world["worker"])
    mark = last_id()
    response = client.get(reverse("casefile:person-detail", args=[world["child"].pk]), REMOTE_ADDR=CLIENT_IP)
    assert response.status_code == 200
    [event] = events_after(mark)
    assert (event.action, event.actor) == (Action.VIEW, world["worker"])
    assert (event.object_type, event.object_id) == ("person", str(world["child"].pk))
    # "Who has seen this family's records" must find views of its children's pages too.
    assert event.family_id == world["family"].pk
    assert event.ip_address == CLIENT_IP


def test_every_opening_is_recorded_not_just_the_first(client, world):
    client.force_login(world["worker"])
    mark = last_id()
    for _ in range(3):
        client.get(reverse("casefile:family-detail", args=[world["family"].pk]))
    assert [e.action for e in events_after(mark)] == [Action.VIEW] * 3


@pytest.mark.parametrize("page", ["casefile:family-detail", "casefile:person-detail"])
def test_refused_attempt_to_open_a_record_is_recorded_as_denied(client, world, page):
    target = world["family"] if page == "casefile:family-detail" else world["child"]
    client.force_login(world["outsider"])
    mark = last_id()
    response = client.get(reverse(page, args=[target.pk]), REMOTE_ADDR=CLIENT_IP)
    assert response.status_code == 404
    [event] = events_after(mark)
    assert (event.action, event.actor, event.ip_address) == (Action.DENIED, world["outsider"], CLIENT_IP)
    assert str(target.pk) in event.detail.values()
    assert event.object_id == ""  # nothing about the record itself is written for someone refused it


def test_refused_change_by_a_partner_agency_practitioner_is_recorded_as_denied(client, world):
    practitioner = UserFactory(partner=True, team=world["team"], organisation=PartnerOrganisationFactory())
    AllocationFactory(family=world["family"], worker=practitioner, case_role=CaseRole.DA_VICTIM_PRACTITIONER)
    client.force_login(practitioner)
    mark = last_id()
    response = client.get(reverse("casefile:family-edit", args=[world["family"].pk]), REMOTE_ADDR=CLIENT_IP)
    assert response.status_code == 403
    denied = [e for e in events_after(mark) if e.action == Action.DENIED]
    assert len(denied) == 1
    assert (denied[0].actor, denied[0].family_id, denied[0].ip_address) == (
        practitioner,
        world["family"].pk,
        CLIENT_IP,
    )


def test_search_is_recorded_with_the_words_searched_for_and_how_many_were_found(client, world):
    client.force_login(world["worker"])
    mark = last_id()
    client.post(reverse("casefile:search"), {"q": "Carter"}, REMOTE_ADDR=CLIENT_IP)
    [event] = events_after(mark)
    assert (event.action, event.actor, event.ip_address) == (Action.SEARCH, world["worker"], CLIENT_IP)
    assert event.detail == {"query": "Carter", "results": 1}


# ---- Writes: one event each, in the same transaction ------------------------------------------------------


def _family_create(w):
    run = partial(people_services.family_create, actor=w["manager"], name="Newfamily family", team=w["team"])
    return run, lambda: Family.objects.filter(name="Newfamily family").exists()


def _family_update(w):
    run = partial(
        people_services.family_update, actor=w["manager"], family=w["family"], name="Carter-Lee family"
    )
    return run, lambda: Family.objects.filter(name="Carter-Lee family").exists()


def _person_create(w):
    values = {"first_name": "Leo", "last_name": "Carter", "date_of_birth": datetime.date(2021, 2, 3)}
    run = partial(
        people_services.person_create,
        actor=w["manager"],
        family=w["family"],
        member_type="child",
        values=values,
    )
    return run, lambda: Person.objects.filter(first_name="Leo").exists()


def _person_update(w):
    run = partial(
        people_services.person_update, actor=w["manager"], person=w["child"], values={"first_name": "Maya"}
    )
    return run, lambda: Person.objects.filter(pk=w["child"].pk, first_name="Maya").exists()


def _relationship_create(w):
    run = partial(
        people_services.relationship_create,
        actor=w["manager"],
        family=w["family"],
        person=w["mother"],
        relative=w["child"],
        kind="mother",
    )
    return run, lambda: Relationship.objects.filter(person=w["mother"], relative=w["child"]).exists()


def _address_create(w):
    values = {"line_1": "1 New Road", "town": "Demoborough", "postcode": "db1 1zz"}
    run = partial(
        people_services.address_create,
        actor=w["manager"],
        family=w["family"],
        person=w["child"],
        values=values,
    )
    return run, lambda: Address.objects.filter(line_1="1 New Road").exists()


def _allocation_create(w):
    fsw = UserFactory(role="family_support_worker", team=w["team"])
    run = partial(
        allocation_services.allocation_create,
        actor=w["manager"],
        family=w["family"],
        worker=fsw,
        case_role=CaseRole.FAMILY_SUPPORT_WORKER,
    )
    return run, lambda: Allocation.objects.filter(worker=fsw).exists()


def _allocation_end(w):
    run = partial(
        allocation_services.allocation_end, actor=w["manager"], allocation=w["allocation"], reason="Moved"
    )
    return run, lambda: Allocation.objects.filter(pk=w["allocation"].pk, end_date__isnull=False).exists()


WRITES = {
    "family_create": (_family_create, Action.CREATE, "family"),
    "family_update": (_family_update, Action.CHANGE, "family"),
    "person_create": (_person_create, Action.CREATE, "person"),
    "person_update": (_person_update, Action.CHANGE, "person"),
    "relationship_create": (_relationship_create, Action.CREATE, "relationship"),
    "address_create": (_address_create, Action.CREATE, "address"),
    "allocation_create": (_allocation_create, Action.ALLOCATE, "allocation"),
    "allocation_end": (_allocation_end, Action.END_ALLOCATION, "allocation"),
}


@pytest.mark.parametrize("service", WRITES)
def test_every_write_records_one_event_naming_the_actor_the_record_and_the_family(world, service):
    setup, action, object_type = WRITES[service]
    run, persisted = setup(world)
    mark = last_id()
    obj = run()
    assert persisted()
    [event] = events_after(mark)
    assert (event.action, event.actor, event.object_type, event.object_id) == (
        action,
        world["manager"],
        object_type,
        str(obj.pk),
    )
    family_id = obj.pk if service == "family_create" else world["family"].pk
    assert event.family_id == family_id


@pytest.mark.parametrize("service", WRITES)
def test_a_write_is_undone_when_its_audit_event_cannot_be_saved(world, service):
    setup, _, _ = WRITES[service]
    run, persisted = setup(world)
    mark = last_id()

    def refuse(execute, sql, params, many, context):
        # The database refuses the event itself (whichever statement writes it), as a full disk would.
        if f"INSERT INTO {connection.ops.quote_name(AuditEvent._meta.db_table)} " in sql:
            raise RuntimeError("audit store unavailable")
        return execute(sql, params, many, context)

    with connection.execute_wrapper(refuse), pytest.raises(RuntimeError, match="audit store unavailable"):
        run()
    assert not persisted(), "the change was saved without its audit event"
    assert events_after(mark) == []


def test_person_rejected_after_saving_leaves_neither_person_nor_event(world):
    # person_create saves the person, then validates the membership: an invalid one undoes both.
    mark, people = last_id(), Person.objects.count()
    with pytest.raises(ValidationError):
        people_services.person_create(
            actor=world["manager"],
            family=world["family"],
            member_type="lodger",
            values={"first_name": "Zed", "last_name": "Carter", "date_of_birth": datetime.date(2020, 1, 1)},
        )
    assert Person.objects.count() == people
    assert not FamilyMember.objects.filter(person__first_name="Zed").exists()
    assert events_after(mark) == []


def test_duplicate_relationship_is_refused_without_an_event(world):
    people_services.relationship_create(
        actor=world["manager"],
        family=world["family"],
        person=world["mother"],
        relative=world["child"],
        kind="mother",
    )
    mark = last_id()
    with pytest.raises(ValidationError):
        people_services.relationship_create(
            actor=world["manager"],
            family=world["family"],
            person=world["mother"],
            relative=world["child"],
            kind="mother",
        )
    assert Relationship.objects.filter(person=world["mother"], relative=world["child"]).count() == 1
    assert events_after(mark) == []


def test_correcting_a_persons_details_keeps_the_old_and_new_values(world):
    child = world["child"]
    old_dob, old_nhs = child.date_of_birth, child.nhs_number
    people_services.person_update(
        actor=world["manager"],
        person=child,
        values={
            "first_name": "Maya",
            "last_name": "Carter",
            "date_of_birth": datetime.date(2019, 4, 3),
            "nhs_number": "999 000 0018",
        },
    )
    event = AuditEvent.objects.filter(action=Action.CHANGE, object_id=str(child.pk)).get()
    assert event.detail["changed"] == {
        "first_name": ["Mia", "Maya"],
        "date_of_birth": [old_dob.isoformat(), "2019-04-03"],
        "nhs_number": [old_nhs, "9990000018"],
    }
    assert "last_name" not in event.detail["changed"]  # unchanged fields are not listed


def test_changing_a_family_name_through_the_page_records_the_old_and_new_name(client, world):
    client.force_login(world["manager"])
    response = client.post(
        reverse("casefile:family-edit", args=[world["family"].pk]), {"name": "Carter-Lee family"}
    )
    assert response.status_code == 302
    event = AuditEvent.objects.filter(action=Action.CHANGE).get()
    assert event.detail["changed"] == {"name": ["Carter family", "Carter-Lee family"]}
    assert event.actor == world["manager"] and event.family_id == world["family"].pk


# ---- The log is append-only ------------------------------------------------------------------------------


@pytest.fixture
def event(world):
    return audit_record(
        actor=world["worker"], action=Action.VIEW, obj=world["family"], family_id=world["family"].pk
    )


def test_an_audit_event_cannot_be_changed_by_saving_it(event):
    event.action = Action.CREATE
    with pytest.raises(AuditEventImmutable):
        event.save()
    event.refresh_from_db()
    assert event.action == Action.VIEW


def test_an_audit_event_cannot_be_deleted(event):
    with pytest.raises(AuditEventImmutable):
        event.delete()
    assert AuditEvent.objects.filter(pk=event.pk).exists()


def test_audit_events_cannot_be_changed_in_bulk(event):
    with pytest.raises(AuditEventImmutable):
        AuditEvent.objects.filter(pk=event.pk).update(actor_username="someone-else")
    event.actor_username = "someone-else"
    # bulk_update runs in its own atomic block; the savepoint keeps the test's transaction usable.
    with pytest.raises(AuditEventImmutable), transaction.atomic():
        AuditEvent.objects.bulk_update([event], ["actor_username"])
    assert AuditEvent.objects.get(pk=event.pk).actor_username == event.actor.username


def test_audit_events_cannot_be_deleted_in_bulk(event):
    with pytest.raises(AuditEventImmutable):
        AuditEvent.objects.all().delete()
    with pytest.raises(AuditEventImmutable):
        AuditEvent.objects.filter(pk=event.pk).delete()
    assert AuditEvent.objects.filter(pk=event.pk).exists()


def test_a_user_with_audit_history_cannot_be_deleted(event):
    with pytest.raises(ProtectedError):
        event.actor.delete()
    assert AuditEvent.objects.filter(pk=event.pk, actor=event.actor).exists()


# ---- Signing in and out --------------------------------------------------------------------------------


def test_signing_in_is_recorded(client, world):
    user = world["worker"]
    response = client.post(
        reverse("accounts:sign-in"),
        {"username": user.username, "password": TEST_PASSWORD},
        REMOTE_ADDR=CLIENT_IP,
    )
    assert response.status_code == 302
    event = AuditEvent.objects.get(action=Action.SIGN_IN)
    assert (event.actor, event.ip_address) == (user, CLIENT_IP)


def test_failed_sign_in_is_recorded_with_the_username_tried(client, world):
    mark = last_id()
    response = client.post(
        reverse("accounts:sign-in"),
        {"username": world["worker"].username, "password": "not-the-password"},
        REMOTE_ADDR=CLIENT_IP,
    )
    assert response.status_code == 200
    [event] = events_after(mark)
    assert (event.action, event.actor, event.ip_address) == (Action.SIGN_IN_FAILED, None, CLIENT_IP)
    assert event.detail == {"username": world["worker"].username}
    assert "not-the-password" not in str(event.detail)  # a mistyped password is never written down


def test_signing_out_is_recorded(client, world):
    client.force_login(world["worker"])
    mark = last_id()
    response = client.post(reverse("accounts:sign-out"), REMOTE_ADDR=CLIENT_IP)
    assert response.status_code in (200, 302)
    [event] = events_after(mark)
    assert (event.action, event.actor, event.ip_address) == (Action.SIGN_OUT, world["worker"], CLIENT_IP)


def test_denied_event_for_a_missing_record_looks_like_one_for_a_forbidden_record(client, world):
    # The log is for auditors, not the user, but it must not treat the two differently either.
    client.force_login(world["outsider"])
    mark = last_id()
    client.get(reverse("casefile:family-detail", args=[world["family"].pk]))
    client.get(reverse("casefile:family-detail", args=[uuid.uuid4()]))
    forbidden, missing = events_after(mark)
    assert forbidden.action == missing.action == Action.DENIED
    assert set(forbidden.detail) == set(missing.detail) == {"family_id"}
