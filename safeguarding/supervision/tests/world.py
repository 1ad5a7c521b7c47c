"""A family with a team for group supervision tests: a team manager, a lead social worker, a family
support worker, a domestic abuse practitioner (partner agency), business support and two children."""

from __future__ import annotations

import datetime

from safeguarding.accounts.models import User
from safeguarding.accounts.tests.factories import UserFactory
from safeguarding.allocation.models import CaseRole
from safeguarding.allocation.tests.factories import AllocationFactory
from safeguarding.people.tests.factories import FamilyFactory, FamilyMemberFactory

# Fixed dates: the suite must pass on any day it runs. A Monday, then the meeting on a Wednesday.
OPENED = datetime.date(2026, 3, 2)
MEETING = datetime.date(2026, 3, 25)
TODAY = datetime.date(2026, 3, 26)


def make_world() -> dict:
    family = FamilyFactory()
    team = family.team
    manager = UserFactory(role=User.Role.TEAM_MANAGER, team=team)
    mother = FamilyMemberFactory(family=family, adult=True, person__first_name="Dana").person
    father = FamilyMemberFactory(family=family, adult=True, person__first_name="Tom").person
    children = [FamilyMemberFactory(family=family, person__first_name=name).person for name in ("Amy", "Ben")]
    lead = AllocationFactory(family=family, case_role=CaseRole.LEAD_SOCIAL_WORKER, worker__team=team).worker
    fsw = AllocationFactory(
        family=family,
        case_role=CaseRole.FAMILY_SUPPORT_WORKER,
        worker__team=team,
        worker__role=User.Role.FAMILY_SUPPORT_WORKER,
    ).worker
    da = AllocationFactory(
        family=family, case_role=CaseRole.DA_PERPETRATOR_PRACTITIONER, worker__partner=True, worker__team=team
    )
    da.works_with.set([father])
    return {
        "family": family,
        "team": team,
        "manager": manager,
        "mother": mother,
        "father": father,
        "children": children,
        "lead": lead,
        "fsw": fsw,
        "da": da.worker,
        "business_support": UserFactory(role=User.Role.BUSINESS_SUPPORT, team=team),
        "service_manager": UserFactory(role=User.Role.SERVICE_MANAGER),
        "other_sw": UserFactory(role=User.Role.SOCIAL_WORKER, team=team),
        "stranger": UserFactory(role=User.Role.SOCIAL_WORKER),
    }
