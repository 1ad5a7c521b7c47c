"""Who may see the pack, chair, sign off, add addenda and mark actions done (issue #10 quality bar: "who may
chair, sign off, add to the record, see the pack")."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from safeguarding.access.models import EmergencyAccess
from safeguarding.accounts.models import User
from safeguarding.accounts.tests.factories import UserFactory

from ..models import GroupSupervision, SupervisionAction
from ..policies import SupervisionAccess, supervision_teams_visible_to, supervisions_page_shown
from .world import MEETING, make_world

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    world = make_world()
    world["supervision"] = GroupSupervision.objects.create(
        family=world["family"], scheduled_for=MEETING, chair=world["lead"], status="recorded"
    )
    return world


def access(world, who):
    return SupervisionAccess(world[who] if isinstance(who, str) else who, world["family"])


@pytest.mark.parametrize("who", ["lead", "fsw", "da", "manager", "service_manager"])
def test_everyone_invited_sees_the_pack(world, who):
    assert access(world, who).can_view(world["supervision"])


@pytest.mark.parametrize("who", ["business_support", "other_sw", "stranger"])
def test_business_support_and_people_not_invited_do_not(world, who):
    assert not access(world, who).can_view(world["supervision"])


def test_emergency_access_does_not_see_the_pack(world):
    worker = UserFactory(role=User.Role.SOCIAL_WORKER)
    EmergencyAccess.objects.create(
        worker=worker,
        family=world["family"],
        reason="Police called out of hours",
        expires_at=timezone.now() + datetime.timedelta(hours=1),
    )
    assert not access(world, worker).can_view(world["supervision"])


def test_the_named_deputy_and_the_team_manager_chair_a_service_manager_does_not(world):
    supervision = world["supervision"]
    assert access(world, "lead").can_sign_off(supervision)
    assert access(world, "manager").can_sign_off(supervision)
    assert not access(world, "service_manager").can_record(supervision)
    assert not access(world, "fsw").can_record(supervision)
    # A manager of another team, whatever their role, does not chair this family's.
    assert not access(world, UserFactory(role=User.Role.TEAM_MANAGER)).is_chair(supervision)


def test_only_managers_schedule_and_after_sign_off_only_addenda(world):
    supervision = world["supervision"]
    assert access(world, "manager").can_schedule and access(world, "service_manager").can_schedule
    assert not access(world, "lead").can_schedule
    assert not access(world, "manager").can_add_addendum(supervision)
    supervision.status = GroupSupervision.Status.SIGNED_OFF
    assert not access(world, "manager").can_record(supervision)
    assert not access(world, "manager").can_reschedule(supervision)
    assert access(world, "manager").can_add_addendum(supervision)
    assert access(world, "service_manager").can_add_addendum(supervision)
    assert not access(world, "fsw").can_add_addendum(supervision)


def test_an_action_is_marked_done_by_its_owner_or_the_chair(world):
    action = SupervisionAction(
        supervision=world["supervision"], text="x", owner=world["fsw"], due_date=MEETING
    )
    assert access(world, "fsw").can_mark_done(action, world["supervision"])
    assert access(world, "lead").can_mark_done(action, world["supervision"])  # the chair
    assert not access(world, "da").can_mark_done(action, world["supervision"])
    action.done_on = MEETING
    assert not access(world, "fsw").can_mark_done(action, world["supervision"])


def test_the_teams_page_is_for_team_managers_and_service_managers(world):
    assert list(supervision_teams_visible_to(world["manager"])) == [world["team"]]
    assert supervision_teams_visible_to(world["service_manager"]).count() >= 2
    for who in ("lead", "business_support", "da"):
        assert not supervision_teams_visible_to(world[who]).exists()
        assert not supervisions_page_shown(world[who])
    assert supervisions_page_shown(world["manager"])
