"""Emergency (break-glass) access: a council worker opens a family they are not allocated to."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from safeguarding.access.models import EmergencyAccess
from safeguarding.accounts.models import User
from safeguarding.audit.models import AuditEvent
from safeguarding.core.tests.factories import FamilyFactory, FamilyMemberFactory, UserFactory

pytestmark = pytest.mark.django_db

REASON = "Police called the out-of-hours line about the children"


@pytest.fixture
def family():
    family = FamilyFactory()
    FamilyMemberFactory(family=family)
    return family


def start(client, user, reference, reason=REASON):
    client.force_login(user)
    return client.post(reverse("access:emergency-access"), {"reference": reference, "reason": reason})


def test_a_worker_from_another_team_opens_a_family_after_giving_a_reason(client, family):
    duty = UserFactory(role=User.Role.SOCIAL_WORKER)
    client.force_login(duty)
    assert client.get(reverse("casefile:family-detail", args=[family.pk])).status_code == 404

    response = start(client, duty, family.reference.lower())

    assert response.status_code == 302
    assert response["Location"] == reverse("casefile:family-detail", args=[family.pk])
    page = client.get(response["Location"])
    assert page.status_code == 200
    assert "Emergency access" in page.content.decode()
    event = AuditEvent.objects.get(action="break_glass", actor=duty)
    assert event.family_id == family.pk
    assert event.detail["reason"] == REASON


def test_emergency_access_is_read_only(client, family):
    duty = UserFactory(role=User.Role.SOCIAL_WORKER)
    start(client, duty, family.reference)
    assert client.get(reverse("casefile:family-edit", args=[family.pk])).status_code == 403
    assert client.get(reverse("casefile:person-create", args=[family.pk])).status_code == 403


def test_emergency_access_ends_when_it_expires(client, family):
    duty = UserFactory(role=User.Role.SOCIAL_WORKER)
    start(client, duty, family.reference)
    EmergencyAccess.objects.update(expires_at=timezone.now() - datetime.timedelta(minutes=1))
    assert client.get(reverse("casefile:family-detail", args=[family.pk])).status_code == 404


def test_the_familys_team_manager_sees_emergency_access_on_their_home_page(client, family):
    duty = UserFactory(role=User.Role.SOCIAL_WORKER, first_name="Duty", last_name="Worker")
    start(client, duty, family.reference)
    manager = UserFactory(team=family.team, role=User.Role.TEAM_MANAGER)
    other_manager = UserFactory(role=User.Role.TEAM_MANAGER)

    client.force_login(manager)
    body = client.get(reverse("casefile:my-families")).content.decode()
    assert "Duty Worker" in body and REASON in body and family.name in body

    client.force_login(other_manager)
    assert REASON not in client.get(reverse("casefile:my-families")).content.decode()


@pytest.mark.parametrize("reason", ["", "   ", "because"])
def test_a_reason_is_required(client, family, reason):
    duty = UserFactory(role=User.Role.SOCIAL_WORKER)
    response = start(client, duty, family.reference, reason=reason)
    assert response.status_code == 200
    assert "There is a problem" in response.content.decode()
    assert not EmergencyAccess.objects.exists()


def test_an_unknown_reference_is_explained_and_grants_nothing(client, family):
    duty = UserFactory(role=User.Role.SOCIAL_WORKER)
    response = start(client, duty, "FAM-NOPE")
    assert "No family has that reference" in response.content.decode()
    assert not EmergencyAccess.objects.exists()
    # Probing for references is itself recorded, so the unusual access report counts it as a refusal.
    refusal = AuditEvent.objects.get(action=AuditEvent.Action.DENIED, actor=duty)
    assert refusal.detail == {"emergency_access_reference": "FAM-NOPE"}


@pytest.mark.parametrize(
    "kind",
    [
        {"role": User.Role.ADULT_PRACTITIONER, "partner": True},
        {"role": User.Role.PERFORMANCE_ANALYST},
        {"role": User.Role.AUDITOR},
    ],
    ids=["partner-agency", "analyst", "auditor"],
)
def test_partner_agencies_and_non_case_roles_cannot_use_emergency_access(client, family, kind):
    user = UserFactory(**kind)
    client.force_login(user)
    assert client.get(reverse("access:emergency-access")).status_code == 403
    assert start(client, user, family.reference).status_code == 403
    assert not EmergencyAccess.objects.exists()
