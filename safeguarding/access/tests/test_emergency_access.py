"""Emergency (break-glass) access: a council worker opens a family they are not allocated to."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from safeguarding.access.models import EmergencyAccess
from safeguarding.accounts.models import User
from safeguarding.accounts.tests.factories import UserFactory
from safeguarding.audit.models import AuditEvent
from safeguarding.people.tests.factories import FamilyFactory, FamilyMemberFactory

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


# ---- Finding the family by a child's or adult's name and date of birth (issue #8) -----------------------


MIA_BORN = datetime.date(2019, 4, 3)


@pytest.fixture
def carters():
    """The Carter family (North team) with Mia, born 3 April 2019, and her mother; and another Mia Carter
    born the same day in another family, who left it (so she is matched in no family now)."""
    family = FamilyFactory(name="Carter family", team__name="North Family Safeguarding Team")
    mia = FamilyMemberFactory(
        family=family,
        person__first_name="Mia",
        person__last_name="Carter",
        person__date_of_birth=MIA_BORN,
        person__council_id="C0000042",
    ).person
    FamilyMemberFactory(family=family, adult=True, person__first_name="Dana", person__last_name="Carter")
    former = FamilyFactory(name="Old family")
    FamilyMemberFactory(
        family=former,
        person__first_name="Mia",
        person__last_name="Carter",
        person__date_of_birth=MIA_BORN,
        left_on=datetime.date(2024, 1, 1),
    )
    return family, mia


def search(client, user, last_name="Carter", born=MIA_BORN, first_name=""):
    client.force_login(user)
    return client.post(
        reverse("access:emergency-access-search"),
        {
            "last_name": last_name,
            "first_name": first_name,
            "date_of_birth_day": born.day,
            "date_of_birth_month": born.month,
            "date_of_birth_year": born.year,
        },
    )


def test_a_duty_worker_finds_a_family_they_cannot_see_by_name_and_date_of_birth(client, carters):
    family, mia = carters
    duty = UserFactory(role=User.Role.SOCIAL_WORKER)  # another team: the Carters are not theirs
    response = search(client, duty, last_name="carter ")
    body = response.content.decode()
    assert response.status_code == 200
    assert "1 match" in body
    row = body.split('<tbody class="govuk-table__body">')[1].split("</tbody>")[0]
    for shown in ("Mia Carter", "3 April 2019", "Carter family", family.reference, family.team.name):
        assert shown in row
    choose = f"{reverse('access:emergency-access')}?reference={family.reference}"
    assert f'href="{choose}"' in row
    # Only what is needed to choose: not the family's other members, addresses or identifiers.
    assert "Dana" not in body and "C0000042" not in body and "Old family" not in body


def test_choosing_a_family_leads_to_the_reason_and_grant_with_its_reference_filled_in(client, carters):
    family, _ = carters
    duty = UserFactory(role=User.Role.SOCIAL_WORKER)
    client.force_login(duty)
    page = client.get(reverse("access:emergency-access"), {"reference": family.reference})
    assert f'value="{family.reference}"' in page.content.decode()
    assert not EmergencyAccess.objects.exists()  # nothing is granted until the reason is given
    response = start(client, duty, family.reference)
    assert response.status_code == 302 and EmergencyAccess.objects.get().family == family


def test_a_first_name_narrows_the_search_by_its_start_or_the_known_as_name(client, carters):
    duty = UserFactory(role=User.Role.SOCIAL_WORKER)
    assert "1 match" in search(client, duty, first_name="mi").content.decode()
    assert "0 matches" in search(client, duty, first_name="Leo").content.decode()
    assert "0 matches" in search(client, duty, born=datetime.date(2019, 4, 4)).content.decode()


def test_a_family_the_worker_can_already_see_is_opened_without_breaking_glass(client, carters):
    family, _ = carters
    manager = UserFactory(role=User.Role.TEAM_MANAGER, team=family.team)
    body = search(client, manager).content.decode()
    assert f'href="{reverse("casefile:family-detail", args=[family.pk])}"' in body
    assert "You can already see this family" in body
    assert "?reference=" not in body


def test_too_many_matches_shows_none_and_asks_to_narrow(client):
    born = datetime.date(2015, 1, 1)
    for n in range(21):
        FamilyMemberFactory(
            family=FamilyFactory(name=f"Smith family {n}"),
            person__first_name=f"Sam{n}",
            person__last_name="Smith",
            person__date_of_birth=born,
        )
    duty = UserFactory(role=User.Role.SOCIAL_WORKER)
    body = search(client, duty, last_name="Smith", born=born).content.decode()
    assert "More than 20 people match" in body and "Smith family" not in body
    assert (
        "1 match" in search(client, duty, last_name="Smith", born=born, first_name="Sam13").content.decode()
    )


def test_every_search_is_audited_with_what_was_searched_for(client, carters):
    duty = UserFactory(role=User.Role.SOCIAL_WORKER)
    search(client, duty, first_name="Mia")
    search(client, duty, last_name="Nobody")
    first, second = AuditEvent.objects.filter(action="search", actor=duty).order_by("id")
    assert first.detail == {
        "emergency_access_search": True,
        "last_name": "Carter",
        "first_name": "Mia",
        "date_of_birth": "2019-04-03",
        "results": 1,
        "too_many": False,
    }
    assert (second.detail["last_name"], second.detail["results"]) == ("Nobody", 0)
    assert not AuditEvent.objects.filter(action="view", actor=duty).exists()


def test_a_search_without_a_last_name_or_date_of_birth_is_explained(client, carters):
    duty = UserFactory(role=User.Role.SOCIAL_WORKER)
    client.force_login(duty)
    response = client.post(reverse("access:emergency-access-search"), {"last_name": " ", "first_name": ""})
    body = response.content.decode().replace("&#x27;", "'")
    assert "Enter the child's or adult's last name" in body
    assert "Enter the child's or adult's date of birth" in body
    assert not AuditEvent.objects.filter(action="search").exists()


@pytest.mark.parametrize(
    "kind",
    [
        {"role": User.Role.ADULT_PRACTITIONER, "partner": True},
        {"role": User.Role.PERFORMANCE_ANALYST},
        {"role": User.Role.AUDITOR},
        {"role": User.Role.SYSTEM_ADMINISTRATOR, "team": None},
    ],
    ids=["partner-agency", "analyst", "auditor", "administrator"],
)
def test_partner_agencies_and_non_case_roles_cannot_search_either(client, carters, kind):
    user = UserFactory(**kind)
    client.force_login(user)
    assert client.get(reverse("access:emergency-access-search")).status_code == 403
    response = search(client, user)
    assert response.status_code == 403 and "Carter family" not in response.content.decode()
    assert not AuditEvent.objects.filter(action="search").exists()
