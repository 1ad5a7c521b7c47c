"""`user_change_access`: nobody changes their own role, team, organisation, admin rights or activation,
whatever the path; every change is an audit event naming the user, written in the same transaction."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from safeguarding.accounts import services
from safeguarding.accounts.models import Team, User
from safeguarding.accounts.tests.factories import PartnerOrganisationFactory
from safeguarding.audit.models import AuditEvent

Action = AuditEvent.Action


def access_events(user: User):
    return AuditEvent.objects.filter(action=Action.ACCESS_CHANGE, object_type="user", object_id=str(user.pk))


@pytest.mark.parametrize(
    "changes",
    [
        {"role": User.Role.SOCIAL_WORKER},
        {"team": "north"},
        {"organisation": "partner"},
        {"is_active": False},
        {"is_superuser": False},
    ],
)
def test_the_service_refuses_a_change_to_your_own_access(staff, changes):
    sami = staff["sami"]
    values = {"north": staff["north"], "partner": PartnerOrganisationFactory()}
    changes = {name: values.get(value, value) for name, value in changes.items()}
    with pytest.raises(ValidationError) as refused:
        services.user_change_access(actor=sami, user=sami, **changes)
    assert set(refused.value.error_dict) == set(changes)
    assert refused.value.error_dict[next(iter(changes))][0].code == services.OWN_ACCESS
    stored = User.objects.get(pk=sami.pk)
    assert (stored.role, stored.team_id, stored.is_active, stored.is_superuser) == (
        User.Role.SYSTEM_ADMINISTRATOR,
        None,
        True,
        True,
    )
    assert not access_events(sami).exists()
    assert AuditEvent.objects.get(action=Action.DENIED).detail["access_change"] == sorted(changes)


def test_the_service_refuses_your_own_access_even_through_another_copy_of_your_account(staff):
    sami = staff["sami"]
    with pytest.raises(ValidationError):
        services.user_change_access(
            actor=User.objects.get(pk=sami.pk), user=sami, role=User.Role.TEAM_MANAGER
        )
    assert User.objects.get(pk=sami.pk).role == User.Role.SYSTEM_ADMINISTRATOR


def test_changing_another_users_access_is_audited_naming_them_with_before_and_after(staff):
    sami, asha, north, south = staff["sami"], staff["asha"], staff["north"], staff["south"]
    made = services.user_change_access(actor=sami, user=asha, role=User.Role.TEAM_MANAGER, team=south)
    stored = User.objects.get(pk=asha.pk)
    assert (stored.role, stored.team) == (User.Role.TEAM_MANAGER, south)
    [event] = access_events(asha)
    assert (event.actor, event.object_type, event.object_id) == (sami, "user", str(asha.pk))
    assert event.detail == {"user": "asha", "changes": made}
    assert made == {
        "role": {"before": "social_worker", "after": "team_manager"},
        "team": {
            "before": {"id": str(north.pk), "name": north.name},
            "after": {"id": str(south.pk), "name": south.name},
        },
    }


def test_a_change_and_its_audit_event_are_one_write(staff, monkeypatch):
    def audit_fails(**kwargs):
        raise RuntimeError("audit log unavailable")

    monkeypatch.setattr(services, "audit_record", audit_fails)
    with pytest.raises(RuntimeError):
        services.user_change_access(actor=staff["sami"], user=staff["asha"], role=User.Role.TEAM_MANAGER)
    assert User.objects.get(pk=staff["asha"].pk).role == User.Role.SOCIAL_WORKER


def test_a_change_to_nothing_writes_nothing(staff):
    asha = staff["asha"]
    assert (
        services.user_change_access(actor=staff["sami"], user=asha, role=asha.role, team=staff["north"]) == {}
    )
    assert not access_events(asha).exists()


def test_a_closed_team_takes_no_new_members_and_a_team_with_members_does_not_close(staff):
    sami, asha, north, south = staff["sami"], staff["asha"], staff["north"], staff["south"]
    with pytest.raises(ValidationError, match="has 1 active member"):
        services.team_close(actor=sami, team=north)
    assert Team.objects.get(pk=north.pk).is_active is True

    services.user_change_access(actor=sami, user=asha, team=south)
    services.team_close(actor=sami, team=north)
    assert Team.objects.get(pk=north.pk).is_active is False
    [closed] = AuditEvent.objects.filter(action=Action.TEAM_CLOSE)
    assert (closed.actor, closed.object_id) == (sami, str(north.pk))
    with pytest.raises(ValidationError, match="is closed"):
        services.user_change_access(actor=sami, user=asha, team=north)  # `north` read before it closed
    assert User.objects.get(pk=asha.pk).team == south

    services.team_reopen(actor=sami, team=north)
    services.user_change_access(actor=sami, user=asha, team=north)
    assert User.objects.get(pk=asha.pk).team == north
