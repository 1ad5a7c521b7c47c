"""Allocation: who works with which family, and the pages built on it (My families, Team caseload).

Allocation is what opens a family's record to a worker, so its rules are access rules too: a worker whose
allocation ends loses the record at once, and only the family's own team manager (or a service manager)
may change who is allocated.
"""

from __future__ import annotations

import datetime
import re

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from safeguarding.accounts.tests.factories import TeamFactory, UserFactory
from safeguarding.allocation.models import Allocation, CaseRole, EndReason
from safeguarding.allocation.services import allocation_create, allocation_end
from safeguarding.allocation.tests.factories import AllocationFactory
from safeguarding.audit.models import AuditEvent
from safeguarding.casefile import caseload as selectors
from safeguarding.people.tests.factories import FamilyFactory, FamilyMemberFactory

LEAD = CaseRole.LEAD_SOCIAL_WORKER


@pytest.fixture
def team(db):
    return TeamFactory(name="North Family Safeguarding Team")


@pytest.fixture
def manager(team):
    return UserFactory(role="team_manager", team=team, first_name="Maria", last_name="Santos")


@pytest.fixture
def family(team):
    family = FamilyFactory(team=team, name="Carter family")
    FamilyMemberFactory(family=family, person__first_name="Mia")
    return family


@pytest.fixture
def social_worker(team):
    return UserFactory(role="social_worker", team=team, first_name="Asha", last_name="Patel")


def days_ago(n: int) -> datetime.date:
    return timezone.localdate() - datetime.timedelta(days=n)


# ---- Service rules -----------------------------------------------------------------------------------------


def test_a_worker_cannot_hold_two_open_allocations_to_one_family(manager, family, social_worker):
    allocation_create(actor=manager, family=family, worker=social_worker, case_role=LEAD)
    with pytest.raises(ValidationError, match="already allocated"):
        allocation_create(
            actor=manager, family=family, worker=social_worker, case_role=CaseRole.SOCIAL_WORKER
        )
    assert Allocation.objects.filter(family=family, worker=social_worker).count() == 1


def test_a_worker_can_be_allocated_again_after_their_allocation_ended_and_both_are_kept(
    manager, family, social_worker
):
    first = allocation_create(
        actor=manager, family=family, worker=social_worker, case_role=LEAD, start_date=days_ago(100)
    )
    allocation_end(actor=manager, allocation=first, end_date=days_ago(50), reason="Maternity leave")
    allocation_create(actor=manager, family=family, worker=social_worker, case_role=LEAD)
    history = list(Allocation.objects.filter(family=family, worker=social_worker).order_by("start_date"))
    assert [(a.start_date, a.end_date) for a in history] == [
        (days_ago(100), days_ago(50)),
        (timezone.localdate(), None),
    ]


def test_a_family_has_one_lead_social_worker_at_a_time(manager, family, social_worker, team):
    allocation_create(actor=manager, family=family, worker=social_worker, case_role=LEAD)
    second = UserFactory(role="social_worker", team=team)
    with pytest.raises(ValidationError, match="already has a lead social worker"):
        allocation_create(actor=manager, family=family, worker=second, case_role=LEAD)
    assert Allocation.objects.current().filter(family=family, case_role=LEAD).count() == 1


def test_a_new_lead_can_take_over_once_the_previous_lead_is_ended(manager, family, social_worker, team):
    previous = allocation_create(
        actor=manager, family=family, worker=social_worker, case_role=LEAD, start_date=days_ago(10)
    )
    allocation_end(actor=manager, allocation=previous, reason="Transferred")
    successor = UserFactory(role="social_worker", team=team)
    allocation_create(actor=manager, family=family, worker=successor, case_role=LEAD)
    assert Allocation.objects.current().get(family=family, case_role=LEAD).worker == successor


@pytest.mark.parametrize("role", ["adult_practitioner", "family_support_worker", "business_support"])
def test_the_lead_must_be_a_social_worker(manager, family, team, role):
    worker = UserFactory(role=role, team=team)
    with pytest.raises(ValidationError, match="must be a social worker"):
        allocation_create(actor=manager, family=family, worker=worker, case_role=LEAD)
    assert not Allocation.objects.filter(family=family).exists()


@pytest.mark.parametrize("role", ["social_worker", "team_manager"])
def test_social_workers_and_team_managers_may_lead(manager, family, team, role):
    # Team managers in Family Safeguarding are registered social workers and sometimes hold cases.
    worker = UserFactory(role=role, team=team)
    assert allocation_create(actor=manager, family=family, worker=worker, case_role=LEAD).worker == worker


def test_an_allocation_cannot_end_before_it_started(manager, family, social_worker):
    allocation = allocation_create(
        actor=manager, family=family, worker=social_worker, case_role=LEAD, start_date=days_ago(5)
    )
    with pytest.raises(ValidationError, match="on or after the date the allocation started"):
        allocation_end(actor=manager, allocation=allocation, end_date=days_ago(6))
    allocation.refresh_from_db()
    assert allocation.end_date is None


def test_an_allocation_may_end_on_the_day_it_started(manager, family, social_worker):
    allocation = allocation_create(
        actor=manager, family=family, worker=social_worker, case_role=LEAD, start_date=days_ago(5)
    )
    allocation_end(
        actor=manager, allocation=allocation, end_date=days_ago(5), reason_code=EndReason.WORK_FINISHED
    )
    assert Allocation.objects.get(pk=allocation.pk).end_date == days_ago(5)


def test_an_ended_allocation_cannot_be_ended_again(manager, family, social_worker):
    allocation = allocation_create(actor=manager, family=family, worker=social_worker, case_role=LEAD)
    allocation_end(actor=manager, allocation=allocation, reason="First")
    with pytest.raises(ValidationError, match="already ended"):
        allocation_end(actor=manager, allocation=allocation, reason="Second")
    assert Allocation.objects.get(pk=allocation.pk).end_reason == "First"


def test_ending_an_allocation_keeps_who_held_the_case_and_when(client, manager, family, social_worker):
    allocation = allocation_create(
        actor=manager, family=family, worker=social_worker, case_role=LEAD, start_date=days_ago(30)
    )
    allocation_end(actor=manager, allocation=allocation, reason="Case transferred to the South team")
    kept = Allocation.objects.get(pk=allocation.pk)
    assert (kept.worker, kept.start_date, kept.end_date) == (
        social_worker,
        days_ago(30),
        timezone.localdate(),
    )
    assert (kept.ended_by, kept.end_reason) == (manager, "Case transferred to the South team")
    client.force_login(manager)
    page = client.get(reverse("casefile:family-detail", args=[family.pk])).content.decode()
    assert "Previous allocations (1)" in page and "Case transferred to the South team" in page


def test_the_database_also_refuses_a_second_open_allocation_or_lead(family, social_worker, team):
    # The constraints hold even if two managers press the button at the same moment.
    AllocationFactory(family=family, worker=social_worker, case_role=LEAD)
    with pytest.raises(IntegrityError), transaction.atomic():
        AllocationFactory(family=family, worker=social_worker, case_role=CaseRole.OTHER)
    with pytest.raises(IntegrityError), transaction.atomic():
        AllocationFactory(family=family, worker=UserFactory(team=team), case_role=LEAD)
    with pytest.raises(IntegrityError), transaction.atomic():
        AllocationFactory(family=family, start_date=days_ago(1), end_date=days_ago(2))
    assert Allocation.objects.filter(family=family).count() == 1


# ---- Through the pages: access follows allocation ----------------------------------------------------------


def _end_url(allocation):
    return reverse("casefile:allocation-end", args=[allocation.family_id, allocation.pk])


WORKER_LEFT = {"reason_code": EndReason.WORKER_LEFT}


def test_a_worker_whose_allocation_is_ended_loses_the_family_at_once(client, manager, family, social_worker):
    allocation = AllocationFactory(family=family, worker=social_worker, case_role=LEAD)
    family_url = reverse("casefile:family-detail", args=[family.pk])
    client.force_login(social_worker)
    assert client.get(family_url).status_code == 200

    client.force_login(manager)
    assert client.post(_end_url(allocation), {**WORKER_LEFT, "confirm": "yes"}).status_code == 302

    client.force_login(social_worker)
    assert client.get(family_url).status_code == 404
    assert family.reference not in client.get(reverse("casefile:my-families")).content.decode()


def test_team_manager_allocates_a_worker_in_their_own_team(client, manager, family, social_worker):
    client.force_login(manager)
    response = client.post(
        reverse("casefile:allocation-create", args=[family.pk]),
        {"worker": social_worker.pk, "case_role": LEAD},
    )
    assert response.status_code == 302
    allocation = Allocation.objects.current().get(family=family)
    assert (allocation.worker, allocation.case_role, allocation.allocated_by) == (
        social_worker,
        LEAD,
        manager,
    )


def test_a_refused_allocation_shows_the_reason_and_changes_nothing(
    client, manager, family, social_worker, team
):
    AllocationFactory(family=family, worker=social_worker, case_role=LEAD)
    client.force_login(manager)
    response = client.post(
        reverse("casefile:allocation-create", args=[family.pk]),
        {"worker": UserFactory(team=team).pk, "case_role": LEAD},
    )
    assert response.status_code == 200
    assert "already has a lead social worker" in response.content.decode()
    assert Allocation.objects.filter(family=family).count() == 1


@pytest.fixture
def other_family(db):
    other_team = TeamFactory(name="South Family Safeguarding Team")
    family = FamilyFactory(team=other_team)
    return family, AllocationFactory(family=family, case_role=LEAD), UserFactory(team=other_team)


def _allocation_state():
    return sorted(Allocation.objects.values_list("pk", "worker_id", "case_role", "end_date"))


def test_team_manager_cannot_allocate_to_another_teams_family(client, manager, other_family):
    family, _, their_worker = other_family
    before, events = _allocation_state(), AuditEvent.objects.filter(action="allocate").count()
    client.force_login(manager)
    response = client.post(
        reverse("casefile:allocation-create", args=[family.pk]),
        {"worker": their_worker.pk, "case_role": CaseRole.SOCIAL_WORKER},
    )
    assert response.status_code == 404
    assert _allocation_state() == before
    assert AuditEvent.objects.filter(action="allocate").count() == events


def test_team_manager_cannot_end_an_allocation_in_another_team(client, manager, other_family):
    _, lead, _ = other_family
    before = _allocation_state()
    client.force_login(manager)
    assert client.post(_end_url(lead), {"reason": "Not mine to end"}).status_code == 404
    assert _allocation_state() == before


def test_team_manager_allocated_to_another_teams_family_still_cannot_allocate_there(
    client, manager, other_family
):
    family, lead, their_worker = other_family
    AllocationFactory(family=family, worker=manager, case_role=CaseRole.OTHER)
    before = _allocation_state()
    client.force_login(manager)
    response = client.post(
        reverse("casefile:allocation-create", args=[family.pk]),
        {"worker": their_worker.pk, "case_role": CaseRole.SOCIAL_WORKER},
    )
    assert response.status_code == 403
    assert client.post(_end_url(lead), {"reason": "x"}).status_code == 403
    assert _allocation_state() == before


def test_team_manager_cannot_allocate_a_worker_from_another_team(client, manager, family, other_family):
    _, _, their_worker = other_family
    client.force_login(manager)
    response = client.post(
        reverse("casefile:allocation-create", args=[family.pk]),
        {"worker": their_worker.pk, "case_role": CaseRole.SOCIAL_WORKER},
    )
    assert response.status_code == 200
    assert "Select a worker from the list" in response.content.decode()
    assert not Allocation.objects.filter(family=family).exists()


def test_service_manager_may_allocate_across_teams(client, family, other_family):
    _, _, their_worker = other_family
    client.force_login(UserFactory(role="service_manager", team=None))
    response = client.post(
        reverse("casefile:allocation-create", args=[family.pk]),
        {"worker": their_worker.pk, "case_role": CaseRole.SOCIAL_WORKER},
    )
    assert response.status_code == 302
    assert Allocation.objects.current().filter(family=family, worker=their_worker).exists()


# ---- Team caseload and My families -------------------------------------------------------------------------


@pytest.fixture
def caseload(team, manager):
    """A team's caseload with every case the counts must get right (see each comment)."""
    sw1 = UserFactory(role="social_worker", team=team, first_name="Asha", last_name="Patel")
    sw2 = UserFactory(role="social_worker", team=team, first_name="Ben", last_name="Turner")
    dan = UserFactory(partner=True, team=team, first_name="Dan", last_name="Whitfield")
    fsw = UserFactory(role="family_support_worker", team=team, first_name="Fay", last_name="Green")
    UserFactory(role="social_worker", team=team, is_active=False)  # left the council: not listed

    def family(name, children, adults=1, **kwargs):
        f = FamilyFactory(team=team, name=name, **kwargs)
        for i in range(children):
            FamilyMemberFactory(family=f, person__first_name=f"{name.split()[0]}Child{i}")
        for i in range(adults):
            FamilyMemberFactory(family=f, adult=True, person__first_name=f"{name.split()[0]}Adult{i}")
        return f

    carter = family("Carter family", children=2)
    FamilyMemberFactory(family=carter, left_on=days_ago(3), person__first_name="Gone")  # left: not counted
    patel = family("Patel family", children=1)
    okafor = family("Okafor family", children=3)
    family("Closed family", children=2, closed_on=days_ago(1))  # closed: not in the team's open families
    elsewhere = FamilyFactory(team=TeamFactory(), name="Elsewhere family")
    FamilyMemberFactory(family=elsewhere)

    AllocationFactory(family=carter, worker=sw1, case_role=LEAD)
    AllocationFactory(family=carter, worker=dan, case_role=CaseRole.DA_VICTIM_PRACTITIONER)
    AllocationFactory(family=carter, worker=fsw, case_role=CaseRole.FAMILY_SUPPORT_WORKER)
    AllocationFactory(family=carter, worker=sw2, ended=True)  # ended: not counted
    AllocationFactory(family=patel, worker=sw1, case_role=LEAD)
    AllocationFactory(family=patel, worker=dan, case_role=CaseRole.DA_VICTIM_PRACTITIONER)
    AllocationFactory(family=okafor, worker=sw2, case_role=CaseRole.SOCIAL_WORKER)  # no lead
    AllocationFactory(family=elsewhere, worker=sw1, case_role=CaseRole.SOCIAL_WORKER)  # another team's family
    return {"sw1": sw1, "sw2": sw2, "dan": dan, "fsw": fsw, "carter": carter, "okafor": okafor}


def test_team_caseload_counts_each_workers_current_families_and_children_by_role(team, manager, caseload):
    data = selectors.team_caseload(team)
    loads = {
        load.worker.last_name: (load.families, load.children, load.role_list) for load in data["workers"]
    }
    assert loads == {
        # Asha's load includes the family she works with in another team: a worker's load is all of it.
        "Patel": (3, 4, [("Lead social worker", 2), ("Social worker", 1)]),
        "Turner": (1, 3, [("Social worker", 1)]),
        "Whitfield": (2, 3, [("Domestic abuse victim practitioner", 2)]),
        "Green": (1, 2, [("Family support worker", 1)]),
        "Santos": (0, 0, []),
    }


def test_team_caseload_totals_the_teams_open_families_and_lists_those_without_a_lead(team, caseload):
    data = selectors.team_caseload(team)
    assert (data["team_families"], data["team_children"]) == (3, 6)
    assert [f.name for f in data["families_without_lead"]] == ["Okafor family"]


def test_team_caseload_page_shows_the_counts_to_the_team_manager(client, manager, caseload):
    client.force_login(manager)
    page = client.get(reverse("casefile:team-caseload")).content.decode()
    assert "The team holds 3 open families with 6 children." in page
    assert "Lead social worker: 2" in page and "Okafor family" in page


def test_my_families_lists_only_the_workers_current_families(caseload):
    names = [f.name for f in selectors.my_families(caseload["sw1"])]
    assert names == ["Carter family", "Elsewhere family", "Patel family"]
    assert selectors.my_families(caseload["sw2"])[0].name == "Okafor family"
    assert len(selectors.my_families(caseload["sw2"])) == 1  # the ended Carter allocation is gone


def test_my_families_shows_my_role_the_other_workers_and_current_members(caseload):
    carter = next(f for f in selectors.my_families(caseload["dan"]) if f.name == "Carter family")
    assert [a.case_role for a in carter.my_roles] == [CaseRole.DA_VICTIM_PRACTITIONER]
    assert {(a.worker_id, a.case_role) for a in carter.other_workers} == {
        (caseload["sw1"].pk, LEAD),
        (caseload["fsw"].pk, CaseRole.FAMILY_SUPPORT_WORKER),
    }
    assert sorted(m.first_name for m in carter.children) == ["CarterChild0", "CarterChild1"]
    assert [m.first_name for m in carter.adults] == ["CarterAdult0"]


def test_my_families_page_names_the_other_workers_and_not_former_members(client, caseload):
    client.force_login(caseload["dan"])
    page = client.get(reverse("casefile:my-families")).content.decode()
    assert "You are allocated to 2 families." in page
    assert "Asha Patel" in page and "Lead social worker" in page
    assert "Domestic abuse victim practitioner" in page  # Dan's own role
    assert "Gone" not in page and "Ben Turner" not in page  # left the family / allocation ended


# ---- Ending an allocation: a reason, then a confirmation (issue #8) ----------------------------------------


@pytest.fixture
def dan(family, team):
    """Dan Smith, a domestic abuse practitioner allocated to the Carter family."""
    worker = UserFactory(role="adult_practitioner", team=team, first_name="Dan", last_name="Smith")
    return AllocationFactory(
        family=family, worker=worker, case_role=CaseRole.DA_VICTIM_PRACTITIONER, start_date=days_ago(20)
    )


def _ended_events(allocation):
    return AuditEvent.objects.filter(action="end_allocation", object_id=str(allocation.pk))


def test_ending_an_allocation_asks_for_a_reason_from_a_list(client, manager, dan):
    client.force_login(manager)
    page = client.get(_end_url(dan)).content.decode()
    for reason in (
        "Work with the family is finished",
        "Worker has left the team or changed role",
        "Case transferred to another worker",
        "Other",
    ):
        assert f">{reason}</label>" in page
    assert 'for="id_reason">If other, give the reason</label>' in page

    # What a browser sends when nothing is chosen: the empty text boxes.
    response = client.post(_end_url(dan), {"reason": "", "end_date_day": "", "end_date_month": ""})
    body = response.content.decode()
    assert response.status_code == 200 and "Select why the allocation is ending" in body
    assert 'href="#id_reason_code_0"' in body
    assert Allocation.objects.get(pk=dan.pk).end_date is None


def test_other_needs_the_reason_typed(client, manager, dan):
    client.force_login(manager)
    response = client.post(_end_url(dan), {"reason_code": EndReason.OTHER, "reason": "   "})
    assert response.status_code == 200 and "Enter why the allocation is ending" in response.content.decode()
    assert Allocation.objects.get(pk=dan.pk).end_date is None


def test_a_reason_not_in_the_list_is_refused(client, manager, dan):
    client.force_login(manager)
    response = client.post(_end_url(dan), {"reason_code": "sacked", "confirm": "yes"})
    assert response.status_code == 200 and "Select one of the reasons" in response.content.decode()
    assert Allocation.objects.get(pk=dan.pk).end_date is None


def test_a_reason_leads_to_a_confirmation_that_ends_nothing_yet(client, manager, dan, family):
    client.force_login(manager)
    response = client.post(_end_url(dan), WORKER_LEFT)
    body = response.content.decode().replace("&#x27;", "'")
    assert response.status_code == 200
    assert (
        "Are you sure you want to end Dan Smith's allocation to the Carter family as domestic abuse victim "
        "practitioner?" in body
    )
    assert "They will no longer see the family's record." in body
    assert "Worker has left the team or changed role" in body
    # A confirm button that posts the answers back, and a link to cancel: no JavaScript needed.
    assert '<input type="hidden" name="confirm" value="yes">' in body
    assert '<input type="hidden" name="reason_code" value="worker_left">' in body
    assert '<button type="submit" class="govuk-button govuk-button--warning"' in body
    assert f'href="{reverse("casefile:family-detail", args=[family.pk])}">No, cancel</a>' in body
    assert Allocation.objects.get(pk=dan.pk).end_date is None
    assert not _ended_events(dan).exists()


def test_confirming_ends_the_allocation_and_stores_and_audits_the_reason(client, manager, dan):
    client.force_login(manager)
    response = client.post(_end_url(dan), {**WORKER_LEFT, "confirm": "yes"})
    assert response.status_code == 302
    ended = Allocation.objects.get(pk=dan.pk)
    assert (ended.end_date, ended.end_reason_code, ended.end_reason, ended.ended_by) == (
        timezone.localdate(),
        EndReason.WORKER_LEFT,
        "Worker has left the team or changed role",
        manager,
    )
    [event] = _ended_events(dan)
    assert event.detail["reason_code"] == "worker_left"
    assert event.detail["reason"] == "Worker has left the team or changed role"


def test_an_other_reason_and_an_end_date_are_carried_through_the_confirmation(client, manager, dan):
    client.force_login(manager)
    day = days_ago(3)
    answers = {
        "reason_code": EndReason.OTHER,
        "reason": "Mother asked for a different worker",
        "end_date_day": day.day,
        "end_date_month": day.month,
        "end_date_year": day.year,
    }
    body = client.post(_end_url(dan), answers).content.decode()
    hidden = dict(re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)">', body))
    hidden.pop("csrfmiddlewaretoken", None)
    assert hidden == {
        "reason_code": "other",
        "reason": "Mother asked for a different worker",
        "end_date_day": str(day.day),
        "end_date_month": str(day.month),
        "end_date_year": str(day.year),
        "confirm": "yes",
    }
    assert client.post(_end_url(dan), hidden).status_code == 302
    ended = Allocation.objects.get(pk=dan.pk)
    assert (ended.end_date, ended.end_reason_code, ended.end_reason) == (
        day,
        "other",
        "Mother asked for a different worker",
    )
    assert _ended_events(dan).get().detail["reason"] == "Mother asked for a different worker"


def test_the_confirmation_says_when_the_worker_will_still_see_the_family(client, manager, family):
    # A team manager allocated to a family of their own team still sees it once the allocation ends.
    allocation = AllocationFactory(family=family, worker=manager, case_role=CaseRole.OTHER)
    client.force_login(UserFactory(role="service_manager", team=None))
    body = client.post(_end_url(allocation), WORKER_LEFT).content.decode().replace("&#x27;", "'")
    assert "will still see the family's record as team manager" in body
    assert "They will no longer see the family's record." not in body


def test_the_service_needs_a_reason(manager, dan):
    with pytest.raises(ValidationError, match="Enter why the allocation is ending"):
        allocation_end(actor=manager, allocation=dan)
    with pytest.raises(ValidationError, match="Select why the allocation is ending"):
        allocation_end(actor=manager, allocation=dan, reason_code="not-a-reason", reason="x")
    assert Allocation.objects.get(pk=dan.pk).end_date is None
