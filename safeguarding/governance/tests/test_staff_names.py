"""The audit pages name staff as people know each other: their name and role, not their username
(issue #8). The username is shown only where two members of staff share a name, to tell them apart, and
the CSV downloads keep their username and name columns."""

from __future__ import annotations

import csv
import html
import io

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from safeguarding.accounts.tests.factories import UserFactory
from safeguarding.allocation import services as allocation_services
from safeguarding.allocation.models import CaseRole, EndReason
from safeguarding.audit.models import AuditEvent
from safeguarding.audit.services import audit_record
from safeguarding.governance import selectors

from .test_access_log import family_log, table_rows

Action = AuditEvent.Action


def unusual_access_page(client) -> str:
    return client.get(reverse("governance:unusual-access")).content.decode()


def test_the_access_log_names_the_worker_and_their_role_without_the_username(client, council):
    audit_record(actor=council.worker, action=Action.VIEW, obj=council.carter, family_id=council.carter.pk)
    client.force_login(council.auditor)
    [_, row] = table_rows(family_log(client, council.carter))  # the auditor's own look comes first
    assert "Asha Patel Social worker" in row
    assert "asha" not in row.replace("Asha", "")


def test_two_workers_with_the_same_name_are_told_apart_by_username(client, council):
    first = UserFactory(team=council.north, username="dsmith", first_name="Dan", last_name="Smith")
    second = UserFactory(
        team=council.south, username="dsmith2", first_name="Dan", last_name="Smith", role="team_manager"
    )
    for worker in (first, second):
        audit_record(actor=worker, action=Action.VIEW, obj=council.carter, family_id=council.carter.pk)
    client.force_login(council.auditor)
    rows = table_rows(family_log(client, council.carter))
    assert any("Dan Smith (dsmith2) Team manager" in row for row in rows), rows
    assert any("Dan Smith (dsmith) Social worker" in row for row in rows), rows
    # Someone whose namesake has left is still told apart: the namesake's old events are in the log.
    second.is_active = False
    second.save()
    assert any("Dan Smith (dsmith)" in row for row in table_rows(family_log(client, council.carter)))


def test_allocations_in_the_log_name_the_worker_and_the_reason_an_allocation_ended(client, council):
    fiona = UserFactory(
        team=council.north,
        username="fiona",
        first_name="Fiona",
        last_name="Hughes",
        role="family_support_worker",
    )
    allocation = allocation_services.allocation_create(
        actor=council.manager,
        family=council.carter,
        worker=fiona,
        case_role=CaseRole.FAMILY_SUPPORT_WORKER,
    )
    allocation_services.allocation_end(
        actor=council.manager, allocation=allocation, reason_code=EndReason.WORK_FINISHED
    )
    other = allocation_services.allocation_create(
        actor=council.manager, family=council.carter, worker=fiona, case_role=CaseRole.FAMILY_SUPPORT_WORKER
    )
    allocation_services.allocation_end(
        actor=council.manager, allocation=other, reason="Mother asked for another worker at home"
    )
    client.force_login(council.auditor)
    rows = [html.unescape(row) for row in table_rows(family_log(client, council.carter))]
    assert "Ended Fiona Hughes's allocation. Reason: Other" in rows[1]
    # What was typed for Other can carry case content: it stays on the allocation, not in the log.
    assert not any("Mother asked" in row for row in rows)
    assert "Ended Fiona Hughes's allocation. Reason: Work with the family is finished" in rows[3]
    assert "Allocated Fiona Hughes as family support worker" in rows[4]


def test_the_access_log_csv_keeps_its_columns_and_names_the_worker_in_what_happened(client, council):
    fiona = UserFactory(
        team=council.north, username="fiona", first_name="Fiona", last_name="Hughes", role="social_worker"
    )
    allocation_services.allocation_create(
        actor=council.manager, family=council.carter, worker=fiona, case_role=CaseRole.SOCIAL_WORKER
    )
    client.force_login(council.auditor)
    response = client.get(reverse("governance:family-access-log-csv", args=[council.carter.pk]))
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode("utf-8-sig"))))
    assert rows[0] == [
        "Date and time",
        "Worker username",
        "Worker name",
        "Action",
        "Record",
        "What happened",
        "IP address",
    ]
    allocated = next(row for row in rows if row[3] == "Allocated")
    assert allocated[1:3] == ["maria", "Maria Santos"]
    assert allocated[5] == "Allocated Fiona Hughes as social worker"


def test_the_unusual_access_report_names_staff_and_their_roles(client, council):
    audit_record(
        actor=council.outsider, action=Action.BREAK_GLASS, family_id=council.carter.pk, detail={"reason": "x"}
    )
    audit_record(actor=council.worker, action=Action.DENIED, detail={"path": "/team-caseload/"})
    # A failed attempt by no account: the username typed is all there is to show.
    audit_record(actor=None, action=Action.DENIED, detail={"path": "/"})
    client.force_login(council.auditor)
    body = unusual_access_page(client)
    glass = body.split('id="break-glass"')[1].split('id="same-surname"')[0]
    assert "Ben Turner<br>" in glass and "Social worker" in glass and "ben" not in glass.replace("Ben", "")
    refusals = body.split('id="refusals"')[1].split('id="access-changes"')[0]
    assert "Asha Patel<br>" in refusals and "Not signed in" in refusals
    assert "(asha)" not in refusals


@pytest.mark.parametrize("section", ["break-glass", "refusals"])
def test_namesakes_in_the_unusual_access_report_are_told_apart(client, council, section):
    first = UserFactory(team=council.north, username="dsmith", first_name="Dan", last_name="Smith")
    UserFactory(team=council.south, username="dsmith2", first_name="Dan", last_name="Smith")
    action = Action.BREAK_GLASS if section == "break-glass" else Action.DENIED
    audit_record(actor=first, action=action, family_id=council.carter.pk, detail={"reason": "x"})
    client.force_login(council.auditor)
    part = unusual_access_page(client).split(f'id="{section}"')[1]
    assert "Dan Smith (dsmith)<br>" in part


def test_naming_staff_costs_the_same_number_of_queries_however_many_are_named(client, council):
    client.force_login(council.auditor)
    url = reverse("governance:family-access-log", args=[council.carter.pk])

    def count() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert client.get(url).status_code == 200
        return len(captured)

    allocation_services.allocation_create(
        actor=council.manager,
        family=council.carter,
        worker=UserFactory(team=council.north),
        case_role=CaseRole.OTHER,
    )
    small = count()
    for _ in range(6):
        allocation_services.allocation_create(
            actor=UserFactory(role="service_manager", team=None),
            family=council.carter,
            worker=UserFactory(team=council.north, last_name="Smith"),
            case_role=CaseRole.OTHER,
        )
    assert count() == small


def test_staff_names_reads_namesakes_in_one_query(council, django_assert_num_queries):
    UserFactory(username="asha2", first_name="Asha", last_name="Patel")
    with django_assert_num_queries(1):
        names = selectors.staff_names([council.worker, council.auditor, None])
    assert names[council.worker.pk].label == "Asha Patel (asha)"
    assert names[council.auditor.pk].label == "Alex Morgan"
    assert names[council.auditor.pk].role == "Auditor"
