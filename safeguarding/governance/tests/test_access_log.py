"""Who has seen this record: for any family or person, every view, change, export, print, allocation
and refused attempt, newest first, filterable by worker and date, for the family's team manager, service
managers and the auditor, and nobody else (the same 404 as a record that does not exist).

The log is how a council answers "who opened this child's file?" from a parent, a court or the ICO, and
how it finds staff opening records they have no reason to open.
"""

from __future__ import annotations

import datetime
import re
import uuid

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape

from safeguarding.accounts.tests.factories import UserFactory
from safeguarding.allocation import services as allocation_services
from safeguarding.allocation.models import CaseRole
from safeguarding.audit.models import AuditEvent
from safeguarding.audit.services import audit_record
from safeguarding.people import services as people_services
from safeguarding.people.tests.factories import FamilyMemberFactory

Action = AuditEvent.Action


def family_log(client, family, **params):
    return client.get(reverse("governance:family-access-log", args=[family.pk]), params)


def person_log(client, person, **params):
    return client.get(reverse("governance:person-access-log", args=[person.pk]), params)


def table_rows(response) -> list[str]:
    """The log table's rows as plain text, in page order."""
    body = response.content.decode()
    rows = re.findall(r'<tr class="govuk-table__row">\s*(<td.*?)</tr>', body, re.S)
    return [re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", row)).strip() for row in rows]


@pytest.fixture
def history(client, council):
    """What happened to the Carter family's record, in this order."""
    client.force_login(council.worker)
    client.get(reverse("casefile:family-detail", args=[council.carter.pk]))
    client.get(reverse("casefile:person-detail", args=[council.mia.pk]))
    people_services.family_update(actor=council.manager, family=council.carter, name="Carter-Lee family")
    allocation_services.allocation_create(
        actor=council.manager,
        family=council.carter,
        worker=UserFactory(
            team=council.north,
            username="fiona",
            first_name="Fiona",
            last_name="Hughes",
            role="family_support_worker",
        ),
        case_role=CaseRole.FAMILY_SUPPORT_WORKER,
    )
    client.force_login(council.outsider)
    client.get(reverse("casefile:family-detail", args=[council.carter.pk]))
    client.get(reverse("casefile:person-detail", args=[council.leo.pk]))
    audit_record(
        actor=council.worker,
        action=Action.PRINT,
        obj=council.carter,
        family_id=council.carter.pk,
    )
    # Nothing to do with the Carters.
    client.force_login(council.other_manager)
    client.get(reverse("casefile:family-detail", args=[council.other.pk]))
    client.get(reverse("casefile:person-detail", args=[council.stranger.pk]))
    client.logout()
    council.carter.refresh_from_db()
    return council


# ---- What the family's log lists -------------------------------------------------------------------------


def test_family_log_lists_views_changes_allocations_prints_and_refusals_newest_first(client, history):
    client.force_login(history.auditor)
    response = family_log(client, history.carter)
    assert response.status_code == 200
    rows = table_rows(response)
    # Staff by name and role (issue #8: people, not usernames).
    expected = [
        ("Alex Morgan Auditor", "Looked at who has seen this record"),  # this very look, recorded first
        ("Asha Patel Social worker", "Printed"),
        ("Ben Turner Social worker", "Refused access"),  # Leo's page
        ("Ben Turner Social worker", "Refused access"),  # the family page
        ("Maria Santos Team manager", "Allocated Fiona Hughes as family support worker"),
        ("Maria Santos Team manager", "Changed name"),
        ("Asha Patel Social worker", "Person record: Mia Carter"),
        ("Asha Patel Social worker", "Family record"),
    ]
    assert len(rows) == len(expected), rows
    for row, (worker, text) in zip(rows, expected, strict=True):
        assert worker in row and text in row, row
    body = response.content.decode()
    assert "tom.south" not in body and escape(history.other_manager.display_name) not in body


def test_family_log_includes_a_person_in_several_families_and_not_someone_elses_family(client, council):
    FamilyMemberFactory(family=council.other, person=council.dana, adult=True)
    client.force_login(council.service_manager)
    client.get(reverse("casefile:person-detail", args=[council.dana.pk]))
    # Dana is in two families now, so her page view is recorded against neither but lists both.
    event = AuditEvent.objects.get(action=Action.VIEW, object_id=str(council.dana.pk))
    assert event.family_id is None
    client.force_login(council.auditor)
    for family in (council.carter, council.other):
        assert any("Person record: Dana Carter" in row for row in table_rows(family_log(client, family)))
    client.get(
        reverse("casefile:family-detail", args=[council.other.pk])
    )  # refused: the auditor has no case pages
    carter_rows = table_rows(family_log(client, council.carter))
    assert not any("Refused access" in row for row in carter_rows)


def test_person_log_lists_their_page_addresses_relationships_and_refusals_but_not_their_brothers(
    client, council
):
    client.force_login(council.worker)
    client.get(reverse("casefile:person-detail", args=[council.mia.pk]))
    client.get(reverse("casefile:person-detail", args=[council.leo.pk]))
    people_services.address_create(
        actor=council.worker,
        family=council.carter,
        person=council.mia,
        values={"line_1": "2 New Road", "town": "Demoborough", "postcode": "DB1 1AA"},
    )
    people_services.person_update(
        actor=council.worker, person=council.mia, values={"date_of_birth": datetime.date(2019, 4, 3)}
    )
    client.force_login(council.outsider)
    client.get(reverse("casefile:person-detail", args=[council.mia.pk]))
    client.force_login(council.auditor)
    rows = table_rows(person_log(client, council.mia))
    assert len(rows) == 5, rows
    assert "Looked at who has seen this record" in rows[0]
    assert "Refused access" in rows[1] and "Ben Turner" in rows[1]
    assert "Changed date of birth" in rows[2]
    assert "Address" in rows[3] and "Recorded" in rows[3]
    assert "Person record: Mia Carter" in rows[4] and "Opened the page" in rows[4]
    assert not any("Leo" in row for row in rows)


def test_the_log_shows_what_changed_but_never_the_values_or_other_case_content(client, council):
    people_services.person_update(
        actor=council.worker,
        person=council.mia,
        values={"date_of_birth": datetime.date(2019, 4, 3), "nhs_number": "999 000 0018"},
    )
    client.force_login(council.auditor)
    body = family_log(client, council.carter).content.decode()
    assert "Changed date of birth, NHS number" in body
    for case_content in ("2019", "9990000018", "999 000 0018", "1 Mia Street", council.mia.nhs_number):
        assert case_content not in body
    # The record's name and reference are shown: the auditor needs to know whose log this is.
    assert "Carter family" in body and "FAM-CARTER" in body


# ---- Looking at the log is itself recorded -----------------------------------------------------------------


def test_looking_at_a_familys_log_is_recorded_as_a_view_of_the_log(client, council):
    client.force_login(council.manager)
    family_log(client, council.carter)
    event = AuditEvent.objects.order_by("-id").first()
    assert (event.action, event.actor, event.object_id, event.family_id, event.detail) == (
        Action.VIEW,
        council.manager,
        str(council.carter.pk),
        council.carter.pk,
        {"access_log": True},
    )


def test_downloading_a_log_is_recorded_as_an_export(client, council):
    client.force_login(council.auditor)
    response = client.get(reverse("governance:person-access-log-csv", args=[council.mia.pk]))
    b"".join(response.streaming_content)
    event = AuditEvent.objects.order_by("-id").first()
    assert (event.action, event.object_id, event.detail) == (
        Action.EXPORT,
        str(council.mia.pk),
        {"access_log": True},
    )


@pytest.mark.parametrize("who", ["worker", "outsider", "other_manager"])
def test_a_refused_look_is_recorded_and_answered_like_a_missing_record(client, council, who):
    client.force_login(getattr(council, who))
    nowhere = uuid.uuid4()
    forbidden = family_log(client, council.carter)
    missing = client.get(reverse("governance:family-access-log", args=[nowhere]))
    assert forbidden.status_code == missing.status_code == 404
    # The sign-out form's CSRF token is masked afresh on every response; nothing else may differ.
    token = re.compile(rb'name="csrfmiddlewaretoken" value="[^"]+"')
    assert token.sub(b"", forbidden.content) == token.sub(b"", missing.content)
    assert "Carter" not in forbidden.content.decode()
    refused = AuditEvent.objects.filter(action=Action.DENIED, detail__access_log=True).order_by("id")
    assert [e.detail["family_id"] for e in refused] == [str(council.carter.pk), str(nowhere)]
    assert all(e.actor == getattr(council, who) for e in refused)


def test_the_allocated_worker_may_open_the_family_but_not_its_log(client, council):
    client.force_login(council.worker)
    assert client.get(reverse("casefile:family-detail", args=[council.carter.pk])).status_code == 200
    assert family_log(client, council.carter).status_code == 404
    assert person_log(client, council.mia).status_code == 404


def test_a_team_manager_sees_the_logs_of_their_teams_families_only(client, council):
    client.force_login(council.manager)
    assert family_log(client, council.carter).status_code == 200
    assert person_log(client, council.mia).status_code == 200
    assert family_log(client, council.other).status_code == 404
    assert person_log(client, council.stranger).status_code == 404


# ---- The link on the record's pages -----------------------------------------------------------------------


@pytest.mark.parametrize(("who", "shown"), [("worker", False), ("manager", True), ("service_manager", True)])
def test_the_family_and_person_pages_link_to_the_log_only_for_those_allowed(client, council, who, shown):
    client.force_login(getattr(council, who))
    family_page = client.get(reverse("casefile:family-detail", args=[council.carter.pk])).content.decode()
    person_page = client.get(reverse("casefile:person-detail", args=[council.mia.pk])).content.decode()
    assert (reverse("governance:family-access-log", args=[council.carter.pk]) in family_page) is shown
    assert (reverse("governance:person-access-log", args=[council.mia.pk]) in person_page) is shown


# ---- Filters and pages ------------------------------------------------------------------------------------


@pytest.mark.parametrize("term", ["asha", "ASHA", "Patel", "asha patel", "Asha Pat"])
def test_filtering_by_worker_matches_username_or_name(client, history, term):
    client.force_login(history.auditor)
    rows = table_rows(family_log(client, history.carter, worker=term))
    assert rows and all("Asha Patel" in row for row in rows)
    assert len(rows) == 3


def test_filtering_by_dates_keeps_the_events_between_them(client, council, recorded_at):
    today = timezone.localdate()
    for days_ago in (40, 10, 5, 0):
        when = timezone.make_aware(
            datetime.datetime.combine(today - datetime.timedelta(days=days_ago), datetime.time(12))
        )
        with recorded_at(when):
            audit_record(
                actor=council.worker,
                action=Action.VIEW,
                obj=council.carter,
                family_id=council.carter.pk,
                detail={"days_ago": days_ago},
            )
    first, last = today - datetime.timedelta(days=10), today - datetime.timedelta(days=5)
    client.force_login(council.auditor)
    params = {
        "date_from_day": first.day,
        "date_from_month": first.month,
        "date_from_year": first.year,
        "date_to_day": last.day,
        "date_to_month": last.month,
        "date_to_year": last.year,
    }
    rows = table_rows(family_log(client, council.carter, **params))
    assert len(rows) == 2
    assert rows[0].startswith(f"{last:%-d %b %Y} 12:00")
    assert rows[1].startswith(f"{first:%-d %b %Y} 12:00")


def test_a_from_date_after_the_to_date_is_explained_with_a_govuk_error(client, council):
    client.force_login(council.auditor)
    response = family_log(
        client,
        council.carter,
        date_from_day=5,
        date_from_month=6,
        date_from_year=2026,
        date_to_day=1,
        date_to_month=6,
        date_to_year=2026,
    )
    body = response.content.decode()
    assert response.status_code == 200
    assert "There is a problem" in body and "The &#x27;to&#x27; date must be the same as or after" in body
    assert "<title>Error:" in body


def test_an_impossible_date_is_explained_not_a_server_error(client, council):
    client.force_login(council.auditor)
    response = family_log(client, council.carter, date_from_day=31, date_from_month=2, date_from_year=2026)
    assert response.status_code == 200 and "From must be a real date" in response.content.decode()
    csv = client.get(
        reverse("governance:family-access-log-csv", args=[council.carter.pk]),
        {"date_from_day": 31, "date_from_month": 2, "date_from_year": 2026},
    )
    assert csv.status_code == 302 and csv["Location"].startswith(
        reverse("governance:family-access-log", args=[council.carter.pk])
    )


def test_a_long_log_is_paged_fifty_at_a_time_with_govuk_pagination_keeping_the_filters(client, council):
    for n in range(120):
        audit_record(
            actor=council.worker,
            action=Action.VIEW,
            obj=council.carter,
            family_id=council.carter.pk,
            detail={"n": n},
        )
    client.force_login(council.auditor)
    first = family_log(client, council.carter, worker="asha")
    assert len(table_rows(first)) == 50
    body = first.content.decode()
    assert 'class="govuk-pagination"' in body and 'aria-current="page"' in body
    assert "?worker=asha&amp;page=2" in body
    third = family_log(client, council.carter, worker="asha", page=3)
    assert len(table_rows(third)) == 20
    assert "120 events" in third.content.decode()
    beyond = family_log(client, council.carter, worker="asha", page=99)  # the last page, not an error
    assert beyond.status_code == 200 and len(table_rows(beyond)) == 20


def test_the_log_page_costs_the_same_number_of_queries_however_long_the_log(client, council):
    client.force_login(council.auditor)
    url = reverse("governance:family-access-log", args=[council.carter.pk])

    def count() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert client.get(url).status_code == 200
        return len(captured)

    audit_record(actor=council.worker, action=Action.VIEW, obj=council.mia, family_id=council.carter.pk)
    small = count()
    for person in (council.mia, council.leo, council.dana) * 30:
        audit_record(actor=UserFactory(), action=Action.VIEW, obj=person, family_id=council.carter.pk)
    assert count() == small


def test_a_childs_log_lists_their_statutory_journey_without_its_values_or_reasons(client, council):
    """Journey records are the child's: recording and correcting them shows in the child's own log, by kind
    of record and field, never with the dates, codes or the reason given (they are case content)."""
    from safeguarding.journey import services as journey_services

    episode = journey_services.journey_record(
        actor=council.worker,
        child=council.mia,
        step="referral",
        values={
            "referral_date": datetime.date(2025, 3, 3),
            "referral_source": "6",
            "no_further_action": False,
        },
    )
    journey_services.journey_correct(
        actor=council.worker,
        record=episode,
        values={"referral_source": "2A"},
        reason="Mother told us the school rang first",
    )
    client.force_login(council.auditor)
    rows = table_rows(person_log(client, council.mia))
    assert "Corrected referral source" in rows[1] and "Episode of need" in rows[1]
    assert "Recorded" in rows[2] and "Episode of need" in rows[2]
    body = " ".join(rows)
    for case_content in ("2025", "Police", "Schools", "school rang"):
        assert case_content not in body
    # Her brother's log does not list her journey.
    assert not any("Episode of need" in row for row in table_rows(person_log(client, council.leo)))
