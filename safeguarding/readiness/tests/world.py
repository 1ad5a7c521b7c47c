"""One family for the readiness tests: a mother, a father and a child, and the people around them.

- lead: the lead social worker; sw: a second social worker; fsw: a family support worker;
- dan: the mother's domestic abuse victim practitioner (works with her only);
- rory: the father's recovery worker (works with him only);
- manager: the family's team manager; service: a service manager; support: the team's business support;
- outsider: a social worker in another team.

No basis for sharing is recorded: tests add one (`share`) when they need it.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from safeguarding.access.models import SharingBasis
from safeguarding.accounts.models import User
from safeguarding.accounts.tests.factories import TeamFactory, UserFactory
from safeguarding.allocation.models import CaseRole
from safeguarding.allocation.tests.factories import AllocationFactory
from safeguarding.people.tests.factories import FamilyFactory, FamilyMemberFactory

from ..models import Behaviour, Stage
from ..services import readiness_record

TODAY = datetime.date(2026, 6, 15)


@dataclass
class World:
    team: object
    family: object
    mother: object
    father: object
    child: object
    lead: User
    sw: User
    fsw: User
    dan: User
    rory: User
    manager: User
    service: User
    support: User
    outsider: User

    def share(self, adult, scope=SharingBasis.Scope.LEAD_AND_MANAGERS):
        return SharingBasis.objects.create(person=adult, basis="consent", scope=scope, recorded_by=self.lead)


def build_world() -> World:
    team = TeamFactory(name="North")
    family = FamilyFactory(team=team, name="Readiness family")
    mother = FamilyMemberFactory(family=family, adult=True, person__first_name="Ruth").person
    father = FamilyMemberFactory(family=family, adult=True, person__first_name="Sean").person
    child = FamilyMemberFactory(family=family).person

    def allocate(case_role, **user):
        worker = UserFactory(team=team, **user)
        allocation = AllocationFactory(family=family, worker=worker, case_role=case_role)
        return worker, allocation

    lead, _ = allocate(CaseRole.LEAD_SOCIAL_WORKER)
    sw, _ = allocate(CaseRole.SOCIAL_WORKER)
    fsw, _ = allocate(CaseRole.FAMILY_SUPPORT_WORKER, role=User.Role.FAMILY_SUPPORT_WORKER)
    dan, dan_allocation = allocate(CaseRole.DA_VICTIM_PRACTITIONER, partner=True)
    dan_allocation.works_with.add(mother)
    rory, rory_allocation = allocate(CaseRole.RECOVERY_WORKER, partner=True)
    rory_allocation.works_with.add(father)
    return World(
        team=team,
        family=family,
        mother=mother,
        father=father,
        child=child,
        lead=lead,
        sw=sw,
        fsw=fsw,
        dan=dan,
        rory=rory,
        manager=UserFactory(team=team, role=User.Role.TEAM_MANAGER),
        service=UserFactory(team=None, role=User.Role.SERVICE_MANAGER),
        support=UserFactory(team=team, role=User.Role.BUSINESS_SUPPORT),
        outsider=UserFactory(),
    )


def reading(
    w: World,
    *,
    by=None,
    adult=None,
    behaviour=Behaviour.SAFETY_FROM_ABUSE,
    other="",
    importance=5,
    confidence=4,
    stage=Stage.CONTEMPLATION,
    words="I want things to be calmer for the kids",
    on=TODAY,
):
    return readiness_record(
        actor=by or w.dan,
        family=w.family,
        adult=adult or w.mother,
        behaviour=behaviour,
        behaviour_other=other,
        importance=importance,
        confidence=confidence,
        stage=stage,
        in_their_words=words,
        recorded_on=on,
        today=TODAY,
    )
