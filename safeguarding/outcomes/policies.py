"""Who sees the council's outcomes (issue #12 item 7).

- Performance analysts and service managers (heads of service) see the whole council and any team.
- A team manager sees their own team's figures beside the whole council's; another team is "not found".
- Aggregates carry no name. Only managers (team and service) may drill from a figure down to the children
  behind it, and then only children they may see (access.people_visible_to), each drill-down audited: an
  analyst works with aggregates only and never sees a name.
- Partner agencies' staff and every other role are refused (403); the header shows no link to them.
"""

from __future__ import annotations

from django.db.models import QuerySet
from django.http import Http404

from safeguarding.access.policies import uuid_or_none
from safeguarding.accounts.models import Team, User
from safeguarding.accounts.policies import is_active_staff

Role = User.Role

WHOLE_COUNCIL_ROLES = frozenset({Role.PERFORMANCE_ANALYST, Role.SERVICE_MANAGER})
DRILL_DOWN_ROLES = frozenset({Role.TEAM_MANAGER, Role.SERVICE_MANAGER})


def outcomes_shown(user) -> bool:
    """Whether the user may open the outcome pages (and the header shows the link): no query."""
    if not is_active_staff(user) or user.is_partner_agency:
        return False
    return user.role in WHOLE_COUNCIL_ROLES or (user.role == Role.TEAM_MANAGER and user.team_id is not None)


def outcomes_lands_here(user) -> bool:
    """The analyst's work is these pages: they land here after signing in (no query)."""
    return outcomes_shown(user) and user.role == Role.PERFORMANCE_ANALYST


def sees_whole_council_teams(user) -> bool:
    return outcomes_shown(user) and user.role in WHOLE_COUNCIL_ROLES


def teams_visible_to(user) -> QuerySet[Team]:
    """The teams whose own figures the user may see (every user who may open the pages also sees the whole
    council's, which names no team)."""
    if not outcomes_shown(user):
        return Team.objects.none()
    if user.role in WHOLE_COUNCIL_ROLES:
        return Team.objects.order_by("name")
    return Team.objects.filter(pk=user.team_id)


def access_team(user, team_id) -> Team:
    """A team the user may see the figures of, or the same 404 whether it is missing or not theirs."""
    found = uuid_or_none(team_id)
    team = teams_visible_to(user).filter(pk=found).first() if found else None
    if team is None:
        raise Http404("No team found")
    return team


def may_drill_down(user) -> bool:
    """Whether the figures link to the children behind them (names): managers, never analysts."""
    return outcomes_shown(user) and user.role in DRILL_DOWN_ROLES
