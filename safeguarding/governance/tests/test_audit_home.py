"""The Audit page: the auditor (and a service manager) finds a family by its reference or a person by
council child ID or NHS number, and goes to its access log. The header links to it for them only."""

from __future__ import annotations

import pytest
from django.urls import reverse

from safeguarding.audit.models import AuditEvent

Action = AuditEvent.Action


def find(client, **data):
    return client.post(reverse("governance:home"), data)


@pytest.mark.parametrize("who", ["auditor", "service_manager"])
def test_the_header_links_to_audit_for_the_auditor_and_service_managers(client, council, who):
    client.force_login(getattr(council, who))
    body = client.get(reverse("casefile:my-families")).content.decode()
    assert f'href="{reverse("governance:home")}"' in body


@pytest.mark.parametrize("who", ["worker", "manager", "outsider"])
def test_nobody_else_sees_the_link_or_the_page(client, council, who):
    client.force_login(getattr(council, who))
    body = client.get(reverse("casefile:my-families")).content.decode()
    assert f'href="{reverse("governance:home")}"' not in body
    assert client.get(reverse("governance:home")).status_code == 403
    assert find(client, family_reference="FAM-CARTER").status_code == 403


def test_a_family_is_found_by_its_reference_whatever_the_capitals(client, council):
    client.force_login(council.auditor)
    body = find(client, family_reference=" fam-carter ").content.decode()
    assert reverse("governance:family-access-log", args=[council.carter.pk]) in body
    assert "FAM-OTHER" not in body
    # Name and reference only: nothing of the family's case content.
    assert "Mia" not in body and "1 Mia Street" not in body


@pytest.mark.parametrize("identifier", ["C0000001", "c0000001", "nhs"])
def test_a_person_is_found_by_council_child_id_or_nhs_number(client, council, identifier):
    if identifier == "nhs":
        nhs = council.mia.nhs_number
        identifier = f"{nhs[:3]} {nhs[3:6]} {nhs[6:]}"  # as it is usually written
    client.force_login(council.auditor)
    body = find(client, person_identifier=identifier).content.decode()
    assert reverse("governance:person-access-log", args=[council.mia.pk]) in body
    assert reverse("governance:subject-access", args=[council.mia.pk]) in body
    assert reverse("governance:family-access-log", args=[council.carter.pk]) in body
    assert "Leo" not in body


def test_finding_nothing_says_so_and_an_empty_form_is_explained(client, council):
    client.force_login(council.auditor)
    assert "No record matches" in find(client, family_reference="FAM-NOPE").content.decode()
    body = find(client).content.decode()
    assert (
        "There is a problem" in body
        and "Enter a family reference, a council child ID or an NHS number" in body
    )


def test_looking_a_record_up_is_recorded(client, council):
    client.force_login(council.auditor)
    find(client, family_reference="FAM-CARTER", person_identifier="C0000099")
    event = AuditEvent.objects.get(action=Action.SEARCH)
    assert event.actor == council.auditor
    assert event.detail == {
        "audit_lookup": True,
        "family_reference": "FAM-CARTER",
        "person_identifier": "C0000099",
        "results": 2,
    }


def test_the_lookup_never_puts_an_nhs_number_in_the_address(client, council):
    client.force_login(council.auditor)
    body = client.get(reverse("governance:home")).content.decode()
    assert '<form method="post"' in body
