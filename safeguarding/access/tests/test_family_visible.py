"""Whether a user may see or change a family, answered without a query where role and team decide it
(policies._family_visible), agrees with the visible-families query it stands in for, for every demo
persona over families of their own team, other teams, their allocations and their emergency access."""

from __future__ import annotations

import pytest

from safeguarding.access.models import EmergencyAccess
from safeguarding.access.policies import _family_visible, families_visible_to
from safeguarding.accounts.models import User
from safeguarding.allocation.models import Allocation
from safeguarding.people.models import Family


def _families_to_try(user, sample) -> list[Family]:
    allocated = Family.objects.filter(
        pk__in=Allocation.objects.filter(worker=user).values("family_id")
    ).select_related("team")[:3]
    emergency = Family.objects.filter(
        pk__in=EmergencyAccess.objects.filter(worker=user).values("family_id")
    ).select_related("team")[:3]
    return [*sample, *allocated, *emergency]


@pytest.mark.parametrize("include_emergency", [True, False])
def test_the_shortcut_agrees_with_the_visible_families_query(demo_council, include_emergency):
    # Two families of each team: one of the user's own team and others, for every user.
    sample = []
    for team_id in Family.objects.order_by("team_id").values_list("team_id", flat=True).distinct():
        sample += list(
            Family.objects.filter(team_id=team_id).select_related("team").order_by("reference")[:2]
        )
    # One user of each role in each team and organisation (what the answer depends on, with their own
    # allocations and emergency access, which each is tried with), and everyone with emergency access.
    users, kinds = [], set()
    with_emergency = set(EmergencyAccess.objects.values_list("worker_id", flat=True))
    for user in User.objects.select_related("organisation").order_by("username"):
        kind = (user.role, user.team_id, user.organisation_id)
        if kind not in kinds or user.pk in with_emergency:
            kinds.add(kind)
            users.append(user)
    assert len(users) > 10 and len(sample) >= 6 and with_emergency
    differ = []
    for user in users:
        for family in _families_to_try(user, sample):
            queried = (
                families_visible_to(user, include_emergency=include_emergency).filter(pk=family.pk).exists()
            )
            if _family_visible(user, family, include_emergency=include_emergency) != queried:
                differ.append((user.username, user.role, family.reference, queried))
    assert differ == []
