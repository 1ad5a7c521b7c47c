"""A person who moved family: their sealed and special-category records are judged against the family they
are in now (issue #8). A former team sees what was recorded while the person was in its family, never what
came after: a new refuge address must not reach the team the person left."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from safeguarding.access.models import Sensitivity, SharingBasis
from safeguarding.accounts.tests.factories import TeamFactory, UserFactory
from safeguarding.allocation.models import CaseRole
from safeguarding.allocation.tests.factories import AllocationFactory
from safeguarding.people.models import Address, AdultDetail
from safeguarding.people.tests.factories import AddressFactory, FamilyFactory, FamilyMemberFactory

pytestmark = pytest.mark.django_db

REFUGE = "7 Refuge Row"
OLD_HOME = "1 Old Home Street"


@pytest.fixture
def moved():
    """Dana lived in the Carter family (North team) until ten days ago; she is now in the Dale family
    (South team), at a protected refuge address recorded after the move."""
    today = timezone.localdate()
    left = today - datetime.timedelta(days=10)
    north, south = TeamFactory(name="North team"), TeamFactory(name="South team")
    carter, dale = (
        FamilyFactory(team=north, name="Carter family"),
        FamilyFactory(team=south, name="Dale family"),
    )
    old = FamilyMemberFactory(family=carter, adult=True, person__first_name="Dana", left_on=left)
    dana = old.person
    FamilyMemberFactory(family=dale, adult=True, person=dana, joined_on=left)
    old_home = AddressFactory(person=dana, line_1=OLD_HOME, moved_in_on=today - datetime.timedelta(days=900))
    Address.objects.filter(pk=old_home.pk).update(created_at=timezone.now() - datetime.timedelta(days=30))
    AddressFactory(person=dana, line_1=REFUGE, is_protected=True, moved_in_on=left)
    north_manager = UserFactory(role="team_manager", team=north)
    south_manager = UserFactory(role="team_manager", team=south)
    north_worker = UserFactory(team=north)
    AllocationFactory(family=carter, worker=north_worker, case_role=CaseRole.LEAD_SOCIAL_WORKER)
    return dana, north_manager, south_manager, north_worker


def page(client, user, person) -> str:
    client.force_login(user)
    response = client.get(reverse("casefile:person-detail", args=[person.pk]))
    assert response.status_code == 200
    return response.content.decode()


def test_the_former_teams_manager_does_not_see_the_new_refuge_address(client, moved):
    dana, north_manager, _, _ = moved
    body = page(client, north_manager, dana)
    assert REFUGE not in body
    # What the team recorded while Dana was in its family is still there.
    assert OLD_HOME in body


def test_the_new_teams_manager_sees_the_protected_address(client, moved):
    dana, _, south_manager, _ = moved
    assert REFUGE in page(client, south_manager, dana)


def test_a_former_teams_worker_sees_neither_the_refuge_nor_anything_recorded_after_the_move(client, moved):
    dana, _, _, north_worker = moved
    body = page(client, north_worker, dana)
    assert REFUGE not in body and OLD_HOME in body


def test_a_protected_address_recorded_before_the_move_is_sealed_for_the_former_teams_manager(client, moved):
    # Sealed records are judged against the current family: the former team's manager no longer manages it.
    dana, north_manager, south_manager, _ = moved
    Address.objects.filter(line_1=OLD_HOME).update(is_protected=True)
    assert OLD_HOME not in page(client, north_manager, dana)
    assert OLD_HOME in page(client, south_manager, dana)


def test_special_category_detail_is_judged_against_the_current_family(client, moved):
    # With a basis for sharing recorded, the current family's team manager reads an adult's special-category
    # detail; the former family's manager does not, even though they managed her family when she was in it.
    dana, north_manager, south_manager, _ = moved
    SharingBasis.objects.create(person=dana, basis=SharingBasis.Basis.values[0], recorded_by=south_manager)
    AdultDetail.objects.create(
        person=dana,
        topic="mental_health",
        summary="Synthetic detail after the move",
        recorded_by=south_manager,
    )
    assert AdultDetail.sensitivity == Sensitivity.ADULT_SPECIAL
    assert "Synthetic detail after the move" in page(client, south_manager, dana)
    assert "Synthetic detail after the move" not in page(client, north_manager, dana)
