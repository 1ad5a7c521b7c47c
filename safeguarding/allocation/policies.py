"""Who may allocate workers to a family, and who may see a team's caseload.

Allocation is how a worker gains access to a family's record, so only the family's team manager (or a
service manager) may change it.
"""

from __future__ import annotations

from django.db.models import QuerySet

from safeguarding.accounts.models import Team, User
from safeguarding.accounts.policies import is_active_staff, manages_family

Role = User.Role


def allocation_can_manage(user, family) -> bool:
    return manages_family(user, family)


def teams_visible_to(user) -> QuerySet[Team]:
    """Teams whose caseload the user may see: their own team for a team manager, all for a service manager."""
    if not is_active_staff(user):
        return Team.objects.none()
    if user.role == Role.SERVICE_MANAGER:
        return Team.objects.all()
    if user.role == Role.TEAM_MANAGER and user.team_id:
        return Team.objects.filter(pk=user.team_id)
    return Team.objects.none()


def allocatable_workers(user, family) -> QuerySet[User]:
    """Staff who may be allocated to the family: active casework staff in the family's team (a team
    manager allocates within their multi-disciplinary team; a service manager may allocate across teams)."""
    workers = User.objects.filter(is_active=True, role__in=User.CASEWORK_ROLES).select_related("organisation")
    if user.role == Role.SERVICE_MANAGER:
        return workers
    return workers.filter(team_id=family.team_id)
