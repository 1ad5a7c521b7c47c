"""Creating a family: who may, and that the creator can go on working with it."""

import pytest
from django.urls import reverse

from safeguarding.accounts.models import User
from safeguarding.accounts.tests.factories import TeamFactory, UserFactory
from safeguarding.allocation.models import Allocation, CaseRole
from safeguarding.audit.models import AuditEvent
from safeguarding.people.models import Family

pytestmark = pytest.mark.django_db


def test_a_social_worker_who_creates_a_family_is_its_lead_social_worker_and_can_open_it(client):
    team = TeamFactory()
    worker = UserFactory(team=team, role=User.Role.SOCIAL_WORKER)
    client.force_login(worker)

    response = client.post(reverse("casefile:family-create"), {"name": "Carter family"})

    family = Family.objects.get(name="Carter family")
    assert response.status_code == 302
    assert response["Location"] == reverse("casefile:family-detail", args=[family.pk])
    assert client.get(response["Location"]).status_code == 200
    allocation = Allocation.objects.get(family=family, worker=worker, end_date__isnull=True)
    assert allocation.case_role == CaseRole.LEAD_SOCIAL_WORKER
    assert family.team == team
    assert AuditEvent.objects.filter(actor=worker, action="allocate", family_id=family.pk).exists()


def test_a_team_manager_who_creates_a_family_sees_it_through_the_team_without_being_allocated(client):
    team = TeamFactory()
    manager = UserFactory(team=team, role=User.Role.TEAM_MANAGER)
    client.force_login(manager)

    client.post(reverse("casefile:family-create"), {"name": "Ahmed family"})

    family = Family.objects.get(name="Ahmed family")
    assert not Allocation.objects.filter(family=family).exists()
    assert client.get(reverse("casefile:family-detail", args=[family.pk])).status_code == 200


def test_a_partner_agency_practitioner_may_not_create_families(client):
    practitioner = UserFactory(team=TeamFactory(), role=User.Role.ADULT_PRACTITIONER, partner=True)
    client.force_login(practitioner)

    assert client.get(reverse("casefile:family-create")).status_code == 403
    assert client.post(reverse("casefile:family-create"), {"name": "Nobody family"}).status_code == 403
    assert not Family.objects.exists()


def test_a_service_manager_is_not_offered_a_closed_team_for_a_new_family(client):
    open_team = TeamFactory(name="North Family Safeguarding Team")
    closed = TeamFactory(name="Closed Pilot Team", is_active=False)
    client.force_login(UserFactory(team=open_team, role=User.Role.SERVICE_MANAGER))

    page = client.get(reverse("casefile:family-create")).content.decode()
    assert open_team.name in page and closed.name not in page

    response = client.post(reverse("casefile:family-create"), {"name": "Late family", "team": closed.pk})
    assert response.status_code == 200 and "govuk-error-summary" in response.content.decode()
    assert not Family.objects.filter(name="Late family").exists()
