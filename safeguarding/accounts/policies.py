"""What each role may do, written once, and the two questions every policy above asks.

The role table is the council's answer to "who does what in a Family Safeguarding service". Each app's
policies combine a role's capability with the relationship to the record (allocation, team, emergency
access); they never test a role by name for something this table can answer.
"""

from __future__ import annotations

import functools
from enum import StrEnum

from django.db import connection

from safeguarding.core.compiled import CompiledModels, compile_models

from .models import User

Role = User.Role


class Capability(StrEnum):
    # Opens case pages at all (family, person, journey, search). Analysts, auditors and administrators
    # never do: they get dashboards, the audit log or the admin instead.
    CASE_RECORDS = "case_records"
    # Records who a person is and opens families. Partner-agency staff read identity details but do not
    # change them: the council is the data controller for the child's record (checked separately).
    EDIT_IDENTITY = "edit_identity"
    # May open a family in an emergency (break-glass). Council staff only (checked separately).
    EMERGENCY_ACCESS = "emergency_access"
    # Sees the whole team's families without being allocated to them.
    TEAM_FAMILIES = "team_families"
    # Sees every team's families.
    ALL_FAMILIES = "all_families"
    # Records steps of a child's statutory journey (family support workers record visits only).
    RECORD_JOURNEY = "record_journey"
    RECORD_VISITS = "record_visits"
    # The council-wide audit pages and any record's access log.
    AUDIT_COUNCIL_WIDE = "audit_council_wide"


C = Capability
ROLE_CAPABILITIES: dict[str, frozenset[Capability]] = {
    Role.SOCIAL_WORKER: frozenset(
        {C.CASE_RECORDS, C.EDIT_IDENTITY, C.EMERGENCY_ACCESS, C.RECORD_JOURNEY, C.RECORD_VISITS}
    ),
    Role.FAMILY_SUPPORT_WORKER: frozenset(
        {C.CASE_RECORDS, C.EDIT_IDENTITY, C.EMERGENCY_ACCESS, C.RECORD_VISITS}
    ),
    Role.ADULT_PRACTITIONER: frozenset({C.CASE_RECORDS}),
    Role.TEAM_MANAGER: frozenset(
        {
            C.CASE_RECORDS,
            C.EDIT_IDENTITY,
            C.EMERGENCY_ACCESS,
            C.TEAM_FAMILIES,
            C.RECORD_JOURNEY,
            C.RECORD_VISITS,
        }
    ),
    Role.BUSINESS_SUPPORT: frozenset({C.CASE_RECORDS, C.EDIT_IDENTITY, C.EMERGENCY_ACCESS, C.TEAM_FAMILIES}),
    Role.SERVICE_MANAGER: frozenset(
        {
            C.CASE_RECORDS,
            C.EDIT_IDENTITY,
            C.ALL_FAMILIES,
            C.RECORD_JOURNEY,
            C.RECORD_VISITS,
            C.AUDIT_COUNCIL_WIDE,
        }
    ),
    Role.PERFORMANCE_ANALYST: frozenset(),
    Role.AUDITOR: frozenset({C.AUDIT_COUNCIL_WIDE}),
    Role.SYSTEM_ADMINISTRATOR: frozenset(),
}


def roles_with(capability: Capability) -> frozenset[str]:
    return frozenset(role for role, capabilities in ROLE_CAPABILITIES.items() if capability in capabilities)


def is_active_staff(user) -> bool:
    """Signed in and not deactivated: the first question of every policy."""
    return bool(user and user.is_authenticated and user.is_active)


def has_capability(user, capability: Capability) -> bool:
    return is_active_staff(user) and capability in ROLE_CAPABILITIES.get(user.role, frozenset())


def is_team_manager_of(user, team_id) -> bool:
    """The team manager of the team that holds a family (answered without a query)."""
    return user.role == Role.TEAM_MANAGER and user.team_id is not None and user.team_id == team_id


def manages_family(user, family) -> bool:
    """The family's own team manager, or a service manager (who oversees every team)."""
    if not is_active_staff(user):
        return False
    return user.role == Role.SERVICE_MANAGER or is_team_manager_of(user, family.team_id)


def team_manager_of(team_id) -> User | None:
    """Who to ask about a team's family: its active team manager, if it has one."""
    if team_id is None:
        return None
    return next(iter(_compiled_team_manager(connection.vendor).queryset([team_id])), None)


@functools.lru_cache(maxsize=4)
def _compiled_team_manager(vendor: str) -> CompiledModels:
    """The query compiled once (core.compiled): every family page asks it, and building and compiling it
    through the ORM cost more than running it. The same SQL as .first() (the model's ordering, one row)."""
    return compile_models(
        lambda ids: User.objects.filter(team_id=ids[0], role=Role.TEAM_MANAGER, is_active=True)[:1],
        1,
    )


def user_access_can_change(actor, user) -> bool:
    """Nobody changes their own access. A system administrator who could change their own role could give
    themselves a casework role and open any family in their team with nobody else agreeing; another
    administrator must make the change, and it is audited in their name.

    A user's role, team and organisation decide which families they see (access/policies.py); staff and
    superuser status decide who administers the system; an inactive account cannot sign in. Together these
    are the user's access.

    `actor` None is a change made outside any signed-in session (a management command); a new user (no
    primary key yet) is never the actor.
    """
    if actor is None or user.pk is None:
        return True
    return actor.pk != user.pk
