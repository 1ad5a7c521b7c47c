"""Who may schedule, read, chair and add to a family's group supervision (issue #10).

- **The pack** is for everyone invited: the family's current allocations, the extra invitees, the
  family's team manager and service managers. Not business support (they see the family's register, not
  its practice record) and not emergency (break-glass) access, which is read-only and for the children's
  immediate safety, not for the team's deliberations.
- **Scheduling** and rescheduling are the family's managers' (its team manager, a service manager).
- **Chairing** (recording the meeting, adding actions, signing off) is the chair's: the family's team
  manager, or the deputy they named as chair. After sign-off the record is read-only; the chair or the
  family's managers add addenda with a reason.
- **An action** is marked done by its owner or the chair.

`SupervisionAccess` answers these for one user and one family in the queries FamilyDisclosure costs.
"""

from __future__ import annotations

from django.db.models import Q, QuerySet

from safeguarding.access.policies import FamilyDisclosure, families_visible_to, uuid_or_none
from safeguarding.accounts.models import Team, User
from safeguarding.accounts.policies import is_active_staff, is_team_manager_of, manages_family
from safeguarding.people.models import Family

from .models import GroupSupervision, SupervisionAction

Role = User.Role


class SupervisionAccess:
    def __init__(self, user, family, disclosure: FamilyDisclosure | None = None):
        self.user = user
        self.family = family
        self.disclosure = disclosure or FamilyDisclosure(user, family)
        d = self.disclosure
        # Business support never takes part in the team's deliberations, and emergency (break-glass)
        # access alone does not bring anyone into them: an emergency-only reader is neither a manager nor
        # allocated, so only an invitation (is_invited) opens a supervision to them.
        self.active = is_active_staff(user) and user.role != Role.BUSINESS_SUPPORT
        self.is_manager = self.active and manages_family(user, family)
        self.is_team_manager = self.active and is_team_manager_of(user, family.team_id)
        self.is_allocated = self.active and any(a.worker_id == user.pk for a in d.current_allocations)
        # Set by admit_invitee: here only because this supervision invited them by name.
        self.by_invitation = False

    def is_invited(self, supervision: GroupSupervision | None) -> bool:
        if not self.active:
            return False
        if self.is_manager or self.is_allocated:
            return True
        return supervision is not None and self.is_invited_by_name(supervision)

    def is_invited_by_name(self, supervision: GroupSupervision) -> bool:
        """Invited as a person (the chair or an extra invitee), not through the family's allocations."""
        return self.active and (
            supervision.chair_id == self.user.pk
            or any(u.pk == self.user.pk for u in supervision.invitees.all())
        )

    def admit_invitee(self, supervision: GroupSupervision) -> None:
        """Read the family's sensitive records as a participant of this supervision, not as emergency
        access: someone invited by name who is neither allocated nor a manager (a consultant social
        worker, a psychologist) sees what the sharing rules give the unallocated, with the usual "Ask ..."
        for the rest, rather than "Not shown under emergency access"."""
        self.by_invitation = not (self.is_manager or self.is_allocated) and self.is_invited_by_name(
            supervision
        )
        if self.by_invitation:
            self.disclosure.emergency_only = False

    def can_view(self, supervision: GroupSupervision | None = None) -> bool:
        """The pack and the record of a supervision."""
        return self.is_invited(supervision)

    @property
    def can_schedule(self) -> bool:
        return self.is_manager

    def is_chair(self, supervision: GroupSupervision) -> bool:
        """The chair named on the supervision, or the family's team manager (who names the chair)."""
        return self.active and (supervision.chair_id == self.user.pk or self.is_team_manager)

    def can_record(self, supervision: GroupSupervision) -> bool:
        return self.is_chair(supervision) and not supervision.is_signed_off

    def can_sign_off(self, supervision: GroupSupervision) -> bool:
        return self.can_record(supervision) and supervision.status == GroupSupervision.Status.RECORDED

    def can_reschedule(self, supervision: GroupSupervision) -> bool:
        return self.can_schedule and not supervision.is_signed_off

    def can_add_addendum(self, supervision: GroupSupervision) -> bool:
        return supervision.is_signed_off and (self.is_chair(supervision) or self.is_manager)

    def can_mark_done(self, action: SupervisionAction, supervision: GroupSupervision) -> bool:
        if not self.active or action.is_done:
            return False
        return action.owner_id == self.user.pk or self.is_chair(supervision)


def supervision_families_visible_to(user, supervision_id) -> QuerySet[Family]:
    """The families whose pages of this supervision the user may open: every family they may see, and the
    family of this supervision when they chair it or are invited to it by name.

    Issue #10: "the manager can add others (for example a consultant social worker or a psychologist)" and
    "anyone invited opens the family's supervision pack". The invitation is the team manager's decision to
    bring someone into the family's deliberations, so it opens this supervision's pack and record, and
    nothing else of the family: not its case file, not its other supervisions."""
    visible = families_visible_to(user)
    supervision_pk = uuid_or_none(supervision_id)
    if supervision_pk is None or not is_active_staff(user) or user.role == Role.BUSINESS_SUPPORT:
        return visible
    invited = GroupSupervision.objects.filter(pk=supervision_pk).filter(
        Q(chair_id=user.pk) | Q(invitees=user.pk)
    )
    return visible | Family.objects.filter(pk__in=invited.values("family_id"))


def supervision_teams_visible_to(user) -> QuerySet[Team]:
    """The teams whose supervisions page the user may open: a team manager their own, a service manager
    every team."""
    if not is_active_staff(user) or user.is_partner_agency:
        return Team.objects.none()
    if user.role == Role.SERVICE_MANAGER:
        return Team.objects.all()
    if user.role == Role.TEAM_MANAGER and user.team_id:
        return Team.objects.filter(pk=user.team_id)
    return Team.objects.none()


def supervisions_page_shown(user) -> bool:
    """The header link (no query): team managers with a team, and service managers."""
    return (
        is_active_staff(user)
        and not user.is_partner_agency
        and (
            user.role == Role.SERVICE_MANAGER or (user.role == Role.TEAM_MANAGER and user.team_id is not None)
        )
    )
