"""Who may see and record a child's statutory journey, and whose deadlines they see.

- Anyone who may see a child (people.policies) may read the child's journey and chronology: statutory
  events are ordinary case records, the shared picture the Family Safeguarding team works from.
- Recording is for the council's children's social care staff who hold the case: social workers, team
  and service managers. A family support worker records visits only. Partner-agency practitioners, adult
  practitioners and business support read but do not record: the council answers for statutory records.
  Emergency (break-glass) access never records.
- My tasks: deadlines of the families a worker is allocated to in a children's social work role.
- Timeliness: a team manager sees their team; a service manager every team.
"""

from __future__ import annotations

from django.db.models import QuerySet
from django.http import Http404

from safeguarding.accounts.models import Team, User
from safeguarding.allocation.models import Allocation, CaseRole
from safeguarding.audit.services import Action, audit_record
from safeguarding.people.models import FamilyMember, Person
from safeguarding.people.policies import access_person, families_visible_to

from .models import Deadline

Role = User.Role

RECORDING_ROLES = {Role.SOCIAL_WORKER, Role.TEAM_MANAGER, Role.SERVICE_MANAGER}
VISIT_ONLY_ROLES = {Role.FAMILY_SUPPORT_WORKER}
# Case roles whose holders answer for a child's statutory deadlines (My tasks).
TASK_CASE_ROLES = (CaseRole.LEAD_SOCIAL_WORKER, CaseRole.SOCIAL_WORKER, CaseRole.FAMILY_SUPPORT_WORKER)


def _active(user) -> bool:
    return bool(user and user.is_authenticated and user.is_active)


def access_child(user, person_id, *, request=None, audit_view: bool = True) -> Person:
    """A child in a family the user may see: the same 404 for a missing person, a forbidden one, or an
    adult (statutory journeys are children's). Views and refusals are audited by access_person."""
    person = access_person(user, person_id, request=request, audit_view=audit_view)
    is_child = FamilyMember.objects.filter(
        person=person,
        member_type=FamilyMember.MemberType.CHILD,
        family__in=families_visible_to(user),
    ).exists()
    if not is_child:
        audit_record(actor=user, action=Action.DENIED, request=request, detail={"child_id": str(person_id)})
        raise Http404("No child found")
    return person


def journey_can_record(user, child: Person, step: str | None = None) -> bool:
    """May the user record `step` (any step if None) on this child's journey?"""
    if not _active(user) or user.is_partner_agency:
        return False
    if user.role in VISIT_ONLY_ROLES:
        if step not in (None, "visit"):
            return False
    elif user.role not in RECORDING_ROLES:
        return False
    # Not through emergency access: break-glass is for reading in an emergency, never for recording.
    return FamilyMember.objects.filter(
        person=child,
        member_type=FamilyMember.MemberType.CHILD,
        family__in=families_visible_to(user, include_emergency=False),
    ).exists()


def journey_steps_can_record(user, child: Person, slugs) -> set[str]:
    """Which of these steps the user may record for the child, asking the database once rather than once
    a step (the journey page offers every step)."""
    if not journey_can_record(user, child):
        return set()
    if user.role in VISIT_ONLY_ROLES:
        return {slug for slug in slugs if slug == "visit"}
    return set(slugs)


def journey_can_correct(user, child: Person) -> bool:
    """Correcting a statutory fact changes what returns say: social workers and managers only."""
    return _active(user) and user.role in RECORDING_ROLES and journey_can_record(user, child)


def tasks_can_view(user) -> bool:
    return _active(user) and not user.is_partner_agency and user.role in (RECORDING_ROLES | VISIT_ONLY_ROLES)


def deadlines_for_tasks(user) -> QuerySet[Deadline]:
    """Deadlines of the families the user holds in a children's social work role (My tasks)."""
    if not tasks_can_view(user):
        return Deadline.objects.none()
    held = Allocation.objects.current().filter(worker_id=user.pk, case_role__in=TASK_CASE_ROLES)
    return Deadline.objects.filter(family_id__in=held.values("family_id"))


def timeliness_teams_visible_to(user) -> QuerySet[Team]:
    if not _active(user) or user.is_partner_agency:
        return Team.objects.none()
    if user.role == Role.SERVICE_MANAGER:
        return Team.objects.all()
    if user.role == Role.TEAM_MANAGER and user.team_id:
        return Team.objects.filter(pk=user.team_id)
    return Team.objects.none()


def timeliness_can_view(user) -> bool:
    return timeliness_teams_visible_to(user).exists()


def access_team_timeliness(user, team_id) -> Team:
    team = timeliness_teams_visible_to(user).filter(pk=team_id).first()
    if team is None:
        raise Http404("No team found")
    return team


def deadlines_for_team(user, team: Team) -> QuerySet[Deadline]:
    """A team's deadlines, for a user who may see the team's timeliness (else none)."""
    if not timeliness_teams_visible_to(user).filter(pk=team.pk).exists():
        return Deadline.objects.none()
    return Deadline.objects.filter(family__team_id=team.pk)
