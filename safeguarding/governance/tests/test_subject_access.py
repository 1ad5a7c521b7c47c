"""Subject access (UK GDPR Article 15): a service manager or the auditor downloads everything the system
holds about one person, including who has accessed their record, as a ZIP; the act is audited; and nobody
else's data is in it."""

from __future__ import annotations

import datetime
import io
import json
import zipfile

import pytest
from django.urls import reverse

from safeguarding.accounts.tests.factories import UserFactory
from safeguarding.allocation.models import CaseRole
from safeguarding.allocation.tests.factories import AllocationFactory
from safeguarding.audit.models import AuditEvent
from safeguarding.people import services as people_services
from safeguarding.people.tests.factories import FamilyMemberFactory

Action = AuditEvent.Action
FILES = {
    "summary.html",
    "identity.json",
    "families.json",
    "relationships.json",
    "addresses.json",
    "allocations.json",
    "access_log.json",
    "other_records.json",
}


def download(client, person) -> zipfile.ZipFile:
    response = client.post(reverse("governance:subject-access", args=[person.pk]))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/zip"
    assert response["Content-Disposition"].startswith('attachment; filename="subject-access-')
    return zipfile.ZipFile(io.BytesIO(response.content))


def everything_in(bundle: zipfile.ZipFile) -> str:
    return "\n".join(bundle.read(name).decode() for name in bundle.namelist())


@pytest.fixture
def mias_record(client, council):
    """Mia's record, with some history: her worker opened her page and the family's, her date of birth was
    corrected, and someone from another team tried to open her page."""
    AllocationFactory(
        family=council.carter,
        worker=UserFactory(team=council.north, first_name="Priti", last_name="Recovery"),
        case_role=CaseRole.RECOVERY_WORKER,
    )
    client.force_login(council.worker)
    client.get(reverse("casefile:person-detail", args=[council.mia.pk]))
    client.get(reverse("casefile:family-detail", args=[council.carter.pk]))
    client.get(reverse("casefile:person-detail", args=[council.leo.pk]))
    people_services.person_update(
        actor=council.worker, person=council.mia, values={"date_of_birth": datetime.date(2019, 4, 3)}
    )
    client.force_login(council.outsider)
    client.get(reverse("casefile:person-detail", args=[council.mia.pk]))
    client.logout()
    council.mia.refresh_from_db()
    return council


@pytest.mark.parametrize("who", ["auditor", "service_manager"])
def test_the_bundle_holds_everything_about_the_person_and_who_accessed_it(client, mias_record, who):
    council = mias_record
    client.force_login(getattr(council, who))
    assert client.get(reverse("governance:subject-access", args=[council.mia.pk])).status_code == 200
    bundle = download(client, council.mia)
    assert set(bundle.namelist()) == FILES
    assert bundle.namelist()[0] == "summary.html"
    data = {name[:-5]: json.loads(bundle.read(name)) for name in bundle.namelist() if name.endswith(".json")}

    identity = data["identity"]
    assert (identity["first_name"], identity["last_name"], identity["date_of_birth"]) == (
        "Mia",
        "Carter",
        "2019-04-03",
    )
    assert (identity["nhs_number"], identity["council_id"]) == (council.mia.nhs_number, "C0000001")
    assert [(f["reference"], f["as"]) for f in data["families"]] == [("FAM-CARTER", "Child")]
    assert data["relationships"] == [
        {
            "relationship": "Child of",
            "relative": "Dana Carter",
            "description": "",
            "recorded_on": data["relationships"][0]["recorded_on"],
        }
    ]
    assert [a["address"].split(",")[0] for a in data["addresses"]] == ["1 Mia Street"]
    assert {(a["worker"], a["role_on_the_case"]) for a in data["allocations"]} == {
        ("Asha Patel", "Lead social worker"),
        ("Priti Recovery", "Recovery worker (drugs and alcohol)"),
    }
    log = [(e["worker_username"], e["action"], e["record"]) for e in data["access_log"]]
    assert log == [
        ("ben", "Refused access", "Person record"),
        ("asha", "Changed", "Person record: Mia Carter"),
        ("asha", "Viewed", "Family record"),
        ("asha", "Viewed", "Person record: Mia Carter"),
    ]

    summary = bundle.read("summary.html").decode()
    assert "Information held about Mia Carter" in summary
    for shown in (
        "FAM-CARTER",
        "Dana Carter",
        "1 Mia Street",
        "Priti Recovery",
        "Refused access",
        council.mia.nhs_number,
    ):
        assert shown in summary


def test_nobody_elses_data_is_in_the_bundle(client, mias_record):
    council = mias_record
    client.force_login(council.auditor)
    text = everything_in(download(client, council.mia))
    for person in (council.leo, council.stranger):
        for theirs in (person.first_name, person.nhs_number, person.council_id, str(person.pk)):
            assert theirs not in text, theirs
    for theirs in ("9 Leo Lane", "99 Stranger Road", "FAM-OTHER", "Other family"):
        assert theirs not in text


def test_producing_a_bundle_is_audited(client, mias_record):
    council = mias_record
    client.force_login(council.auditor)
    download(client, council.mia)
    event = AuditEvent.objects.order_by("-id").first()
    assert (event.action, event.actor, event.object_type, event.object_id, event.family_id) == (
        Action.SUBJECT_ACCESS,
        council.auditor,
        "person",
        str(council.mia.pk),
        council.carter.pk,
    )
    assert set(event.detail["files"]) == FILES and event.detail["access_log_events"] == 4
    # The next bundle lists the previous one among the accesses.
    again = json.loads(download(client, council.mia).read("access_log.json"))
    assert again[0]["action"] == "Subject access bundle" and again[0]["worker_username"] == "alex"


def test_opening_the_page_without_downloading_is_not_a_disclosure(client, council):
    client.force_login(council.auditor)
    client.get(reverse("governance:subject-access", args=[council.mia.pk]))
    assert not AuditEvent.objects.filter(action=Action.SUBJECT_ACCESS).exists()


@pytest.mark.parametrize("who", ["worker", "manager", "outsider"])
def test_everyone_else_gets_not_found_and_no_bundle(client, council, who):
    client.force_login(getattr(council, who))
    url = reverse("governance:subject-access", args=[council.mia.pk])
    assert client.get(url).status_code == 404
    response = client.post(url)
    assert response.status_code == 404 and response["Content-Type"].startswith("text/html")
    assert not AuditEvent.objects.filter(action=Action.SUBJECT_ACCESS).exists()
    refused = AuditEvent.objects.filter(action=Action.DENIED, detail__subject_access=True)
    assert refused.count() == 2


def test_a_person_in_two_families_gets_both_and_hostile_text_is_escaped_in_the_summary(client, council):
    hostile = FamilyMemberFactory(
        family=council.carter,
        adult=True,
        person__first_name="<script>alert(1)</script>",
        person__last_name="Carter",
    ).person
    FamilyMemberFactory(family=council.other, person=hostile, adult=True)
    client.force_login(council.service_manager)
    bundle = download(client, hostile)
    families = json.loads(bundle.read("families.json"))
    assert sorted(f["reference"] for f in families) == ["FAM-CARTER", "FAM-OTHER"]
    summary = bundle.read("summary.html").decode()
    assert "<script>alert(1)</script>" not in summary
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in summary
    assert AuditEvent.objects.get(action=Action.SUBJECT_ACCESS).family_id is None
