"""The admin's user and team pages change access through the service: a change to one's own access is a
field error, every change is audited, and staff and teams are deactivated or closed, never deleted."""

from __future__ import annotations

import pytest
from django.urls import reverse

from safeguarding.accounts.models import Team, User
from safeguarding.accounts.tests.factories import PartnerOrganisationFactory
from safeguarding.allocation.models import Allocation
from safeguarding.allocation.tests.factories import AllocationFactory
from safeguarding.audit.models import AuditEvent
from safeguarding.people.tests.factories import FamilyFactory

Action = AuditEvent.Action
OWN_ROLE = "You cannot change your own role. Ask another system administrator to make this change."


def change_form(user: User, **changes) -> dict:
    """What the admin's user change form posts for `user`, with `changes` made."""
    values = {
        "username": user.username,
        "first_name": user.first_name,
        "last_name": user.last_name,
        "email": user.email,
        "is_active": user.is_active,
        "is_staff": user.is_staff,
        "is_superuser": user.is_superuser,
        "date_joined_0": user.date_joined.strftime("%Y-%m-%d"),
        "date_joined_1": user.date_joined.strftime("%H:%M:%S"),
        "last_login_0": "",
        "last_login_1": "",
        "role": user.role,
        "organisation": user.organisation_id or "",
        "team": user.team_id or "",
        "job_title": user.job_title,
    }
    values.update(changes)
    # An unticked box is not posted at all.
    return {name: ("on" if value is True else value) for name, value in values.items() if value is not False}


def access_events(user: User):
    return AuditEvent.objects.filter(action=Action.ACCESS_CHANGE, object_type="user", object_id=str(user.pk))


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("role", User.Role.TEAM_MANAGER, OWN_ROLE),
        ("team", "north", "You cannot change your own team."),
        ("organisation", "partner", "You cannot change your own organisation."),
        ("is_superuser", False, "You cannot change your own superuser status."),
    ],
)
def test_the_admin_refuses_a_change_to_your_own_access_with_a_field_error(
    client, staff, field, value, message
):
    sami = staff["sami"]
    value = {"north": staff["north"].pk, "partner": PartnerOrganisationFactory().pk}.get(value, value)
    client.force_login(sami)
    response = client.post(
        reverse("admin:accounts_user_change", args=[sami.pk]), change_form(sami, **{field: value})
    )
    assert response.status_code == 200  # the form again, not a redirect
    assert message in response.content.decode().replace("&#x27;", "'")
    assert list(response.context["adminform"].form.errors) == [field]
    stored = User.objects.get(pk=sami.pk)
    assert (stored.role, stored.team_id, stored.organisation_id, stored.is_superuser) == (
        User.Role.SYSTEM_ADMINISTRATOR,
        None,
        sami.organisation_id,
        True,
    )
    assert not access_events(sami).exists()
    # The attempt is kept, as a refusal: it counts in the unusual-access report.
    refusal = AuditEvent.objects.get(action=Action.DENIED)
    assert (refusal.actor, refusal.object_id, refusal.detail["access_change"]) == (
        sami,
        str(sami.pk),
        [field],
    )


def test_the_admin_still_lets_you_change_your_own_name(client, staff):
    sami = staff["sami"]
    client.force_login(sami)
    response = client.post(
        reverse("admin:accounts_user_change", args=[sami.pk]), change_form(sami, job_title="Systems lead")
    )
    assert response.status_code == 302
    assert User.objects.get(pk=sami.pk).job_title == "Systems lead"
    assert not AuditEvent.objects.filter(action__in=[Action.ACCESS_CHANGE, Action.DENIED]).exists()


def test_changing_another_users_role_and_team_in_the_admin_is_audited_naming_them(client, staff):
    sami, asha, north, south = staff["sami"], staff["asha"], staff["north"], staff["south"]
    client.force_login(sami)
    response = client.post(
        reverse("admin:accounts_user_change", args=[asha.pk]),
        change_form(asha, role=User.Role.TEAM_MANAGER, team=south.pk, job_title="Team manager"),
    )
    assert response.status_code == 302
    stored = User.objects.get(pk=asha.pk)
    assert (stored.role, stored.team, stored.job_title) == (User.Role.TEAM_MANAGER, south, "Team manager")
    [event] = access_events(asha)
    assert (event.actor, event.object_type, event.object_id) == (sami, "user", str(asha.pk))
    assert event.detail == {
        "user": "asha",
        "changes": {
            "role": {"before": "social_worker", "after": "team_manager"},
            "team": {
                "before": {"id": str(north.pk), "name": north.name},
                "after": {"id": str(south.pk), "name": south.name},
            },
        },
    }


def test_adding_a_user_in_the_admin_records_the_access_given(client, staff):
    client.force_login(staff["sami"])
    response = client.post(
        reverse("admin:accounts_user_add"),
        {
            # No password: the add form has none (the new user sets their own, test_set_password.py).
            "username": "new.worker",
            "email": "nia.worker@test.invalid",
            "first_name": "Nia",
            "last_name": "Worker",
            "role": User.Role.FAMILY_SUPPORT_WORKER,
            "organisation": staff["north"].organisation_id,
            "team": staff["north"].pk,
        },
    )
    assert response.status_code == 302
    new = User.objects.get(username="new.worker")
    [event] = access_events(new)
    assert event.detail["created"] is True
    assert event.detail["changes"]["role"] == {"before": None, "after": "family_support_worker"}
    assert event.detail["changes"]["team"]["after"]["id"] == str(staff["north"].pk)


def test_a_user_with_allocations_is_deactivated_not_deleted(client, staff):
    sami, asha = staff["sami"], staff["asha"]
    allocation = AllocationFactory(family=FamilyFactory(team=staff["north"]), worker=asha)
    client.force_login(sami)
    assert client.get(reverse("admin:accounts_user_delete", args=[asha.pk])).status_code == 403
    response = client.post(
        reverse("admin:accounts_user_changelist"), {"action": "deactivate", "_selected_action": [asha.pk]}
    )
    assert response.status_code == 302
    assert User.objects.get(pk=asha.pk).is_active is False
    assert Allocation.objects.filter(pk=allocation.pk, worker=asha).exists()
    [event] = access_events(asha)
    assert (event.actor, event.detail["changes"]) == (sami, {"is_active": {"before": True, "after": False}})


def test_you_cannot_deactivate_yourself(client, staff):
    sami = staff["sami"]
    client.force_login(sami)
    response = client.post(
        reverse("admin:accounts_user_changelist"),
        {"action": "deactivate", "_selected_action": [sami.pk, staff["asha"].pk]},
        follow=True,
    )
    assert "You cannot deactivate your own account (sami)" in response.content.decode()
    assert User.objects.get(pk=sami.pk).is_active is True
    assert User.objects.get(pk=staff["asha"].pk).is_active is False


def test_a_team_with_active_members_cannot_close_until_they_move(client, staff):
    sami, asha, north, south = staff["sami"], staff["asha"], staff["north"], staff["south"]
    FamilyFactory(team=north)
    client.force_login(sami)
    url = reverse("admin:accounts_team_change", args=[north.pk])
    form = {"name": north.name, "organisation": north.organisation_id}  # "open" unticked: close it
    response = client.post(url, form)
    assert response.status_code == 200
    assert "has 1 active member. Move them to another team" in response.content.decode()
    assert Team.objects.get(pk=north.pk).is_active is True

    user_url = reverse("admin:accounts_user_change", args=[asha.pk])
    assert client.post(user_url, change_form(asha, team=south.pk)).status_code == 302
    assert client.post(url, form).status_code == 302
    assert Team.objects.get(pk=north.pk).is_active is False
    [closed] = AuditEvent.objects.filter(action=Action.TEAM_CLOSE)
    assert (closed.actor, closed.object_id) == (sami, str(north.pk))
    # A closed team takes no new members.
    asha.refresh_from_db()
    response = client.post(user_url, change_form(asha, team=north.pk))
    assert response.status_code == 200
    assert list(response.context["adminform"].form.errors) == ["team"]
    assert "North Family Safeguarding Team is closed. Choose an open team." in response.content.decode()
    assert User.objects.get(pk=asha.pk).team == south
