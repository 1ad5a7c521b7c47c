"""The demo council has a mother who moved from a North family to a South one, at a refuge address: the
North team manager (maria), who managed her old family, must not see where she lives now."""

import pytest
from django.urls import reverse

from safeguarding.accounts.models import User
from safeguarding.demo.personas import SOUTH_TEAM
from safeguarding.people.models import Address, FamilyMember

pytestmark = pytest.mark.django_db

REFUGE = "12 Haven Close"


@pytest.fixture
def mother(demo_council):
    return Address.objects.get(line_1=REFUGE, is_protected=True).person


def person_page(client, user, person) -> str:
    client.force_login(user)
    response = client.get(reverse("casefile:person-detail", args=[person.pk]))
    assert response.status_code == 200
    return response.content.decode()


def test_the_mother_left_a_north_family_and_lives_in_a_south_one(mother):
    now = FamilyMember.objects.get(person=mother, left_on__isnull=True)
    before = FamilyMember.objects.get(person=mother, left_on__isnull=False)
    assert now.family.team.name == SOUTH_TEAM and before.family.team.name != SOUTH_TEAM
    assert before.left_on == now.joined_on


def test_the_former_teams_manager_does_not_see_the_refuge_and_the_new_one_does(client, mother):
    maria = User.objects.get(username="maria")
    assert REFUGE not in person_page(client, maria, mother)
    south_manager = User.objects.filter(role="team_manager", team__name=SOUTH_TEAM, is_active=True).first()
    assert REFUGE in person_page(client, south_manager, mother)
