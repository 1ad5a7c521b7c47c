"""Sensitive records: who sees an adult's special-category detail and sealed records, and what others see.

The rule table (issue #3), for detail about one adult, Dana, in a family of the North team:

                               no basis recorded      basis recorded
Dana's own practitioner        shown                  shown
another adult practitioner     restricted             restricted
lead social worker             restricted             shown
team manager (North)           restricted             shown
service manager                restricted             shown
emergency (break-glass) access restricted             restricted

Sealed records (a protected address): the team manager and service managers only.
"""

from __future__ import annotations

import pytest
from django.urls import reverse
from django.utils.html import escape

from safeguarding.access.models import SharingBasis
from safeguarding.access.policies import FamilyDisclosure
from safeguarding.access.services import emergency_access_start, sharing_basis_record, sharing_basis_withdraw
from safeguarding.accounts.models import User
from safeguarding.accounts.tests.factories import UserFactory
from safeguarding.allocation.models import CaseRole
from safeguarding.allocation.tests.factories import AllocationFactory
from safeguarding.people.models import AdultDetail
from safeguarding.people.tests.factories import AddressFactory, FamilyFactory, FamilyMemberFactory

pytestmark = pytest.mark.django_db

SECRET = "Attends a synthetic recovery group on Tuesdays"


@pytest.fixture
def case():
    family = FamilyFactory()
    team = family.team
    dana = FamilyMemberFactory(family=family, adult=True).person
    tom = FamilyMemberFactory(family=family, adult=True).person
    FamilyMemberFactory(family=family)
    recovery = AllocationFactory(
        family=family, case_role=CaseRole.RECOVERY_WORKER, worker__partner=True, worker__team=team
    )
    recovery.works_with.set([dana])
    perpetrator = AllocationFactory(
        family=family, case_role=CaseRole.DA_PERPETRATOR_PRACTITIONER, worker__partner=True, worker__team=team
    )
    perpetrator.works_with.set([tom])
    lead = AllocationFactory(family=family, case_role=CaseRole.LEAD_SOCIAL_WORKER).worker
    other_sw = AllocationFactory(family=family, case_role=CaseRole.SOCIAL_WORKER).worker
    manager = UserFactory(team=team, role=User.Role.TEAM_MANAGER)
    head = UserFactory(team=None, role=User.Role.SERVICE_MANAGER)
    AdultDetail.objects.create(
        person=dana, topic="substance_use", summary=SECRET, recorded_by=recovery.worker
    )
    return {
        "family": family,
        "dana": dana,
        "tom": tom,
        "own": recovery.worker,
        "other_practitioner": perpetrator.worker,
        "lead": lead,
        "other_sw": other_sw,
        "manager": manager,
        "head": head,
    }


def sees_detail(client, user, person) -> bool:
    client.force_login(user)
    response = client.get(reverse("casefile:person-detail", args=[person.pk]))
    assert response.status_code == 200
    body = response.content.decode()
    if SECRET in body:
        return True
    assert "Restricted" in body, "a hidden record must be shown as restricted, with who to ask"
    return False


WITHOUT_BASIS = {
    "own": True,
    "other_practitioner": False,
    "lead": False,
    "other_sw": False,
    "manager": False,
    "head": False,
}
WITH_BASIS = {
    "own": True,
    "other_practitioner": False,
    "lead": True,
    "other_sw": False,
    "manager": True,
    "head": True,
}


@pytest.mark.parametrize("who", sorted(WITHOUT_BASIS))
def test_without_a_recorded_basis_only_the_adults_own_practitioner_sees_their_detail(client, case, who):
    assert sees_detail(client, case[who], case["dana"]) is WITHOUT_BASIS[who]


@pytest.mark.parametrize("who", sorted(WITH_BASIS))
def test_with_a_recorded_basis_the_lead_social_worker_and_managers_see_it_too(client, case, who):
    sharing_basis_record(actor=case["own"], family=case["family"], person=case["dana"], basis="consent")
    assert sees_detail(client, case[who], case["dana"]) is WITH_BASIS[who]


# A basis that covers the team (consent at the start of the work, issue #9): everyone allocated to the
# family reads it, the other adult's practitioner and a second social worker included.
WITH_TEAM_BASIS = WITH_BASIS | {"other_practitioner": True, "other_sw": True}


@pytest.mark.parametrize("who", sorted(WITH_TEAM_BASIS))
def test_a_basis_covering_the_team_shows_the_detail_to_everyone_allocated(client, case, who):
    sharing_basis_record(
        actor=case["own"], family=case["family"], person=case["dana"], basis="consent", scope="team"
    )
    assert sees_detail(client, case[who], case["dana"]) is WITH_TEAM_BASIS[who]


def test_withdrawing_the_basis_restricts_the_detail_again(client, case):
    basis = sharing_basis_record(
        actor=case["own"], family=case["family"], person=case["dana"], basis="consent"
    )
    assert sees_detail(client, case["lead"], case["dana"])
    sharing_basis_withdraw(actor=case["own"], family=case["family"], sharing_basis=basis)
    assert not sees_detail(client, case["lead"], case["dana"])
    assert SharingBasis.objects.get(pk=basis.pk).withdrawn_by == case["own"]


def test_a_restricted_record_says_who_to_ask(client, case):
    client.force_login(case["other_sw"])
    body = client.get(reverse("casefile:person-detail", args=[case["dana"].pk])).content.decode()
    assert escape(case["own"].display_name) in body  # as the page writes it (O'Neill)
    assert "No basis for sharing" in body


def test_the_recorded_basis_is_shown_on_the_adults_page_to_everyone_who_can_open_it(client, case):
    sharing_basis_record(
        actor=case["lead"],
        family=case["family"],
        person=case["dana"],
        basis="safeguarding",
        explanation="Strategy discussion decision",
    )
    client.force_login(case["other_practitioner"])
    body = client.get(reverse("casefile:person-detail", args=[case["dana"].pk])).content.decode()
    assert "Schedule 1, paragraph 18" in body
    assert "Strategy discussion decision" in body


def test_practitioner_of_one_adult_does_not_see_another_adults_detail(case):
    disclosure = FamilyDisclosure(case["own"], case["family"])
    assert disclosure.for_record("adult_special", about_person_id=case["dana"].pk).visible
    assert not disclosure.for_record("adult_special", about_person_id=case["tom"].pk).visible


@pytest.mark.parametrize("who,sees", [("manager", True), ("head", True), ("lead", False), ("own", False)])
def test_a_protected_address_is_sealed_to_all_but_managers(client, case, who, sees):
    AddressFactory(person=case["dana"], line_1="1 Synthetic Refuge Road", is_protected=True)
    client.force_login(case[who])
    for url in (
        reverse("casefile:family-detail", args=[case["family"].pk]),
        reverse("casefile:person-detail", args=[case["dana"].pk]),
    ):
        body = client.get(url).content.decode()
        assert ("1 Synthetic Refuge Road" in body) is sees
        if not sees:
            assert "Sealed" in body


def test_only_the_adults_practitioners_and_managers_may_record_their_detail(client, case):
    url = reverse("casefile:adult-detail-create", args=[case["family"].pk, case["dana"].pk])
    client.force_login(case["other_practitioner"])
    assert client.get(url).status_code == 403
    client.force_login(case["own"])
    response = client.post(url, {"topic": "mental_health", "summary": "Synthetic note about low mood"})
    assert response.status_code == 302
    assert AdultDetail.objects.filter(person=case["dana"], topic="mental_health").exists()


def test_emergency_access_shows_ordinary_records_but_not_restricted_or_sealed_ones(client, case):
    duty = UserFactory(role=User.Role.SOCIAL_WORKER)
    sharing_basis_record(actor=case["own"], family=case["family"], person=case["dana"], basis="consent")
    AddressFactory(person=case["dana"], line_1="2 Synthetic Refuge Road", is_protected=True)
    emergency_access_start(actor=duty, family=case["family"], reason="Police called the duty line tonight")
    client.force_login(duty)
    body = client.get(reverse("casefile:person-detail", args=[case["dana"].pk])).content.decode()
    assert case["dana"].full_name in body
    assert SECRET not in body
    assert "2 Synthetic Refuge Road" not in body
