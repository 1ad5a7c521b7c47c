"""The demo council's people and family for the hostile-input tests: see inputs.py."""

from __future__ import annotations

import datetime
import itertools
from dataclasses import dataclass

import pytest

from safeguarding.accounts.models import User
from safeguarding.allocation.models import Allocation, CaseRole
from safeguarding.demo import personas
from safeguarding.journey.tests.journeys import do
from safeguarding.people import services as people_services
from safeguarding.people.models import Family, FamilyMember


@dataclass
class Council:
    asha: User
    maria: User
    owen: User
    ben: User
    family: Family
    child: object
    adult: object
    _workers = itertools.count()

    def fresh_allocation(self) -> Allocation:
        """An open allocation to end: each post that succeeds closes one, so every value gets its own."""
        n = next(self._workers)
        worker = User.objects.create(
            username=f"hostile-worker-{n}", role="family_support_worker", team=self.family.team
        )
        return Allocation.objects.create(
            family=self.family,
            worker=worker,
            case_role=CaseRole.FAMILY_SUPPORT_WORKER,
            start_date=datetime.date(2024, 1, 1),
        )

    def journey_child(self, *steps: str):
        """A new child in the family with these journey steps recorded: made once for each list of steps,
        so that a form's posts all go to a child whose journey is ready for that step."""
        made = self.__dict__.setdefault("journey_children", {})
        if steps not in made:
            child = people_services.person_create(
                actor=self.asha,
                family=self.family,
                member_type="child",
                values={
                    "first_name": "Hostile",
                    "last_name": f"Journey{len(made)}",
                    "date_of_birth": datetime.date(2018, 5, 1),
                },
            )
            do(self.asha, child, *steps)
            made[steps] = child
        return made[steps]

    def free_worker(self) -> User:
        return (
            User.objects.filter(team=self.family.team, role="family_support_worker")
            .exclude(allocations__family=self.family, allocations__end_date=None)
            .first()
        ) or User.objects.create(
            username="hostile-free-worker", role="family_support_worker", team=self.family.team
        )


@pytest.fixture
def council(demo_council) -> Council:
    """The demo council (built once per test database: see conftest.py at the top of the repository)."""
    asha = User.objects.get(username="asha")
    family = (
        Family.objects.filter(
            team__name=personas.NORTH_TEAM, allocations__worker=asha, allocations__end_date=None
        )
        .order_by("name")
        .first()
    )
    members = FamilyMember.objects.filter(family=family).select_related("person")
    return Council(
        asha=asha,
        maria=User.objects.get(username="maria"),
        owen=User.objects.get(username="owen"),
        ben=User.objects.get(username="ben"),
        family=family,
        child=next(m.person for m in members if m.member_type == "child"),
        adult=next(m.person for m in members if m.member_type == "adult"),
    )
