"""Whose work a user sees: My tasks for the worker who holds the families, Timeliness for managers.

- My tasks: the deadlines of the families a worker is allocated to in a children's social work role
  (lead social worker, social worker, family support worker): they answer for the children's statutory
  dates. Partner-agency staff do not: the council answers for statutory work. Tasks with an owner (a
  supervision action, a chapter to share) are their owner's, whoever they are: adult practitioners have My
  tasks for those.
- Timeliness: a team manager sees their team; a service manager every team.
"""

from __future__ import annotations

from django.db.models import BigIntegerField, F, Func, Q, QuerySet
from django.db.models.lookups import In, IsNull
from django.http import Http404

from safeguarding.accounts.models import Team, User
from safeguarding.accounts.policies import Capability, has_capability, is_active_staff
from safeguarding.allocation.models import Allocation, CaseRole

from .models import Deadline

Role = User.Role

# Case roles whose holders answer for a child's statutory deadlines (My tasks).
TASK_CASE_ROLES = (CaseRole.LEAD_SOCIAL_WORKER, CaseRole.SOCIAL_WORKER, CaseRole.FAMILY_SUPPORT_WORKER)


def tasks_can_view(user) -> bool:
    # Whoever records children's statutory work (visits at least) has tasks; partner agencies do not.
    return has_capability(user, Capability.RECORD_VISITS) and not user.is_partner_agency


def owns_tasks(user) -> bool:
    """Whether the user answers for any task of their own (an action agreed at group supervision): a
    partner agency's practitioner who owns one has My tasks for it, though not the children's dates."""
    return is_active_staff(user) and Deadline.objects.filter(owner_id=user.pk).exists()


def my_tasks_shown(user) -> bool:
    """The header link (no query): whoever has the children's tasks, and the adult practitioners of the
    team, whose work arrives as tasks of their own (a chapter to share before the group supervision, the
    actions it gives them), so they find it where their colleagues do."""
    return tasks_can_view(user) or (is_active_staff(user) and user.role == Role.ADULT_PRACTITIONER)


def my_tasks_can_view(user) -> bool:
    return my_tasks_shown(user) or owns_tasks(user)


def deadlines_for_tasks(user) -> QuerySet[Deadline]:
    """Deadlines of the families the user holds in a children's social work role, and the tasks the user
    owns (My tasks). A task with an owner is that person's alone: it is not in their colleagues' lists."""
    if not is_active_staff(user):
        return Deadline.objects.none()
    owned = Q(owner_id=user.pk)
    if not tasks_can_view(user):
        return Deadline.objects.filter(owned)
    held = Allocation.objects.current().filter(worker_id=user.pk, case_role__in=TASK_CASE_ROLES)
    in_held = _InArray(F("family_id"), held.values("family_id").query)
    return Deadline.objects.filter(Q(unowned(), in_held) | owned)


def unowned() -> IsNull:
    """A deadline has no owner (a child's date, the family's lead answers for it), tested on each row: for
    a filter that also picks families, which are the lookup worth making."""
    return IsNull(_NotLookedUp(F("owner_id")), True)


class _NotLookedUp(Func):
    """`+column`: the column's own value, which the database tests on each row rather than looking the column
    up in an index. "Owner is null" on the held families' deadlines must be a test on their few hundred rows:
    without statistics SQLite took the owner index to find few unowned deadlines and read every unowned
    deadline in the council (tens of thousands) to keep the worker's own; My tasks took 45 ms more on the
    benchmark council. PostgreSQL's plan keeps its shape and estimates the rows better (22 ms to 15 ms)."""

    template = "+%(expressions)s"
    output_field = BigIntegerField()


class _InArray(In):
    """`column IN (subquery)`, written `column = ANY(ARRAY(subquery))` on PostgreSQL.

    Joined by OR to "or the worker owns it", PostgreSQL cannot look an IN (subquery) up in an index: it
    read the whole deadline table (51,000 rows on the benchmark council, 35 ms for the busiest worker's My
    tasks) and tested each row against the held families. ARRAY(subquery) is worked out once, before the
    scan, so the family index and the owner index are both looked up and their rows combined (BitmapOr):
    4 ms. SQLite keeps IN (subquery), which it already looks up by each index (MULTI-INDEX OR)."""

    def as_postgresql(self, compiler, connection):
        lhs, lhs_params = self.process_lhs(compiler, connection)
        rhs, rhs_params = self.process_rhs(compiler, connection)
        return f"{lhs} = ANY(ARRAY{rhs})", (*lhs_params, *rhs_params)


def deadlines_for_families(user, family_ids) -> QuerySet[Deadline]:
    """Deadlines of these families, for a user who may see them (the caller passes visible families)."""
    if not is_active_staff(user):
        return Deadline.objects.none()
    return Deadline.objects.filter(family_id__in=family_ids)


def timeliness_teams_visible_to(user) -> QuerySet[Team]:
    if not is_active_staff(user) or user.is_partner_agency:
        return Team.objects.none()
    if user.role == Role.SERVICE_MANAGER:
        return Team.objects.all()
    if user.role == Role.TEAM_MANAGER and user.team_id:
        return Team.objects.filter(pk=user.team_id)
    return Team.objects.none()


def timeliness_can_view(user) -> bool:
    return timeliness_teams_visible_to(user).exists()


def timeliness_can_view_without_query(user) -> bool:
    """timeliness_can_view for the navigation, which runs on every page: a team_id always names a team."""
    return (
        is_active_staff(user)
        and not user.is_partner_agency
        and (
            user.role == Role.SERVICE_MANAGER or (user.role == Role.TEAM_MANAGER and user.team_id is not None)
        )
    )


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
