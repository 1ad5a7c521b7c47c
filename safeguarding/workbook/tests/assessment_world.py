"""A family for the assessment and module tests: its team, its workers, its people and their records.

The Okonjo-Reid family (synthetic) in a team of their own:
- Amy (mother) and Tom (father), adults; Mia (8) with a referral and an assessment waiting for
  authorisation, and Sam (5) with a child in need plan and no open assessment;
- Lena, the lead social worker; Dan, the domestic abuse perpetrator practitioner, who works with Tom;
  Rosa, the recovery worker, who works with Amy; Faye, the family support worker; Maria, the team manager;
- a Workbook opened on OPENED with one shared chapter by Dan (a family part, ordinary, and a part about
  Tom, special-category) and a police call-out for domestic abuse.

Dates are fixed and in the past (TODAY), as the journey's rules require.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from safeguarding.accounts.models import User
from safeguarding.accounts.tests.factories import PartnerOrganisationFactory, TeamFactory, UserFactory
from safeguarding.allocation.models import Allocation, CaseRole
from safeguarding.journey.tests.factories import (
    AssessmentFactory,
    ChildInNeedPlanFactory,
    EpisodeOfNeedFactory,
)
from safeguarding.people.models import Family, Person
from safeguarding.people.tests.factories import FamilyFactory, FamilyMemberFactory, PersonFactory
from safeguarding.workbook.models import Chapter, ChapterPart, SignificantEvent
from safeguarding.workbook.services.workbooks import workbook_ensure

OPENED = datetime.date(2025, 3, 1)
REFERRAL = datetime.date(2025, 3, 3)
ASSESSMENT_STARTED = datetime.date(2025, 3, 4)
CALL_OUT = datetime.date(2025, 4, 12)
SHARED = datetime.date(2025, 5, 2)
TODAY = datetime.date(2025, 6, 2)

DAN_ABOUT_TOM = "Tom has started to name the controlling behaviour in his own words."
DAN_FAMILY = "Both parents came to the joint session and agreed a safety plan for the evenings."


@dataclass
class World:
    team: object
    family: Family
    amy: Person
    tom: Person
    mia: Person
    sam: Person
    lena: User
    dan: User
    rosa: User
    faye: User
    maria: User
    workbook: object
    cycle: object
    chapter: Chapter
    part_about_tom: ChapterPart
    mia_assessment: object


def _allocate(family, worker, role, works_with=()):
    allocation = Allocation.objects.create(
        family=family, worker=worker, case_role=role, start_date=datetime.date(2025, 2, 1)
    )
    allocation.works_with.set(works_with)
    return allocation


def build_world() -> World:
    team = TeamFactory()
    maria = UserFactory(team=team, role=User.Role.TEAM_MANAGER, first_name="Maria", last_name="Santos")
    lena = UserFactory(team=team, first_name="Lena", last_name="Hart")
    partner = PartnerOrganisationFactory()
    dan = UserFactory(team=team, partner=True, organisation=partner, first_name="Dan", last_name="Okafor")
    rosa = UserFactory(team=team, partner=True, organisation=partner, first_name="Rosa", last_name="Lind")
    faye = UserFactory(team=team, role=User.Role.FAMILY_SUPPORT_WORKER, first_name="Faye", last_name="Bright")
    family = FamilyFactory(team=team, name="Okonjo-Reid family")
    amy = FamilyMemberFactory(
        family=family,
        adult=True,
        person=PersonFactory(first_name="Amy", last_name="Okonjo", date_of_birth=datetime.date(1991, 2, 3)),
    ).person
    tom = FamilyMemberFactory(
        family=family,
        adult=True,
        person=PersonFactory(first_name="Tom", last_name="Reid", date_of_birth=datetime.date(1989, 7, 9)),
    ).person
    mia = FamilyMemberFactory(
        family=family,
        person=PersonFactory(first_name="Mia", last_name="Reid", date_of_birth=datetime.date(2017, 1, 5)),
    ).person
    sam = FamilyMemberFactory(
        family=family,
        person=PersonFactory(first_name="Sam", last_name="Reid", date_of_birth=datetime.date(2020, 4, 1)),
    ).person
    _allocate(family, lena, CaseRole.LEAD_SOCIAL_WORKER)
    _allocate(family, dan, CaseRole.DA_PERPETRATOR_PRACTITIONER, [tom])
    _allocate(family, rosa, CaseRole.RECOVERY_WORKER, [amy])
    _allocate(family, faye, CaseRole.FAMILY_SUPPORT_WORKER)
    episode = EpisodeOfNeedFactory(child=mia, referral_date=REFERRAL)
    mia_assessment = AssessmentFactory(episode=episode, start_date=ASSESSMENT_STARTED)
    sam_episode = EpisodeOfNeedFactory(child=sam, referral_date=REFERRAL)
    AssessmentFactory(
        episode=sam_episode,
        start_date=ASSESSMENT_STARTED,
        authorised_on=datetime.date(2025, 3, 20),
        factors=["21"],
    )
    ChildInNeedPlanFactory(episode=sam_episode, start_date=datetime.date(2025, 3, 25))
    workbook, cycle = workbook_ensure(family=family, actor=lena, today=OPENED)
    chapter = Chapter.objects.create(
        cycle=cycle,
        author=dan,
        case_role=CaseRole.DA_PERPETRATOR_PRACTITIONER,
        state=Chapter.State.SHARED,
        shared_on=SHARED,
    )
    ChapterPart.objects.create(chapter=chapter, work_done=DAN_FAMILY)
    part_about_tom = ChapterPart.objects.create(
        chapter=chapter, about_person=tom, sensitivity="adult_special", what_changed=DAN_ABOUT_TOM
    )
    event = SignificantEvent.objects.create(
        family=family,
        date=CALL_OUT,
        kind=SignificantEvent.Kind.POLICE_DA,
        what_happened="Police called by a neighbour after shouting; no arrest.",
        impact=SignificantEvent.Impact.HIGH,
        impact_on_child="Mia was awake and frightened.",
        recorded_by=lena,
    )
    event.people.set([amy, tom])
    return World(
        team=team,
        family=family,
        amy=amy,
        tom=tom,
        mia=mia,
        sam=sam,
        lena=lena,
        dan=dan,
        rosa=rosa,
        faye=faye,
        maria=maria,
        workbook=workbook,
        cycle=cycle,
        chapter=chapter,
        part_about_tom=part_about_tom,
        mia_assessment=mia_assessment,
    )


def member_n(assessment, person) -> int:
    """The number the assessment's form gives this child or parent (life_1, factors_1, parent_1)."""
    listed = [*assessment.compiled["children"], *assessment.compiled["parents"]]
    return next(p["n"] for p in listed if p["id"] == str(person.pk))
