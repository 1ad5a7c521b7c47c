"""What a user may see of a family's sensitive records, and who may use emergency access.

The mechanism is general: a record declares its sensitivity class (`Sensitivity`), and a page asks
`FamilyDisclosure.for_record(...)` whether to show it or show who to ask instead.

- ordinary: everyone who may see the family;
- adult health, substance use or offending detail about an adult: the adult's own practitioners always;
  the lead social worker and the team's managers only once a basis for sharing that adult's information
  in the team is recorded; everyone else in the family's team sees "restricted" with who to ask;
- sealed (a protected address, an adoption): the family's team manager and service managers only.

A worker whose only access is emergency (break-glass) access sees ordinary records only.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import QuerySet

from safeguarding.accounts.models import User
from safeguarding.allocation.models import ADULT_PRACTITIONER_CASE_ROLES, Allocation, CaseRole

from .models import EmergencyAccess, Sensitivity, SharingBasis

Role = User.Role

# Council roles that may open a family in an emergency. Not partner agencies: they see only the families
# they are allocated to. Not analysts, auditors or administrators: they have no case pages at all.
EMERGENCY_ACCESS_ROLES = {
    Role.SOCIAL_WORKER,
    Role.FAMILY_SUPPORT_WORKER,
    Role.TEAM_MANAGER,
    Role.BUSINESS_SUPPORT,
}


def emergency_access_can_request(user) -> bool:
    return bool(
        user
        and user.is_authenticated
        and user.is_active
        and user.role in EMERGENCY_ACCESS_ROLES
        and not user.is_partner_agency
    )


def emergency_family_ids(user) -> QuerySet:
    """Families the user may open now under emergency access (as a subquery of ids)."""
    return EmergencyAccess.objects.active().filter(worker_id=user.pk).values("family_id")


def emergency_access_visible_to(user) -> QuerySet[EmergencyAccess]:
    """Emergency access a manager should know about: their team's families (a service manager: all)."""
    if not (user and user.is_authenticated and user.is_active):
        return EmergencyAccess.objects.none()
    if user.role == Role.SERVICE_MANAGER:
        return EmergencyAccess.objects.all()
    if user.role == Role.TEAM_MANAGER and user.team_id:
        return EmergencyAccess.objects.filter(family__team_id=user.team_id)
    return EmergencyAccess.objects.none()


@dataclass(frozen=True)
class Disclosure:
    visible: bool
    label: str = ""
    ask: str = ""


SHOWN = Disclosure(visible=True)


class FamilyDisclosure:
    """One user's view of one family's sensitive records, loaded once per page in three queries."""

    def __init__(self, user, family, *, current_allocations=None, adult_ids=None):
        """Pass the family's current allocations (with works_with prefetched) and adults' person ids when
        the page has loaded them already, to save the queries."""
        self.user = user
        self.family = family
        if current_allocations is None:
            current_allocations = list(
                Allocation.objects.current()
                .filter(family=family)
                .select_related("worker")
                .prefetch_related("works_with")
            )
        allocations = current_allocations
        self.is_manager = user.role == Role.SERVICE_MANAGER or (
            user.role == Role.TEAM_MANAGER and user.team_id is not None and user.team_id == family.team_id
        )
        self.lead = next((a.worker for a in allocations if a.case_role == CaseRole.LEAD_SOCIAL_WORKER), None)
        self.is_lead = self.lead is not None and self.lead.pk == user.pk
        self.practitioners: dict = {}  # adult's person id -> their practitioners
        for allocation in allocations:
            if allocation.case_role in ADULT_PRACTITIONER_CASE_ROLES:
                for adult in allocation.works_with.all():
                    self.practitioners.setdefault(adult.pk, []).append(allocation.worker)
        self.allocated = any(a.worker_id == user.pk for a in allocations)
        if adult_ids is None:
            adult_ids = list(family.members.filter(member_type="adult").values_list("person_id", flat=True))
        self.shared = set(
            SharingBasis.objects.filter(person_id__in=adult_ids, withdrawn_on__isnull=True).values_list(
                "person_id", flat=True
            )
        )
        self.team_manager = User.objects.filter(
            team_id=family.team_id, role=Role.TEAM_MANAGER, is_active=True
        ).first()
        # Emergency-only: not allocated, not a manager of the team, not the team's business support.
        self.emergency_only = not (
            self.allocated
            or self.is_manager
            or (user.role == Role.BUSINESS_SUPPORT and user.team_id == family.team_id)
        )

    def _manager_name(self) -> str:
        return self.team_manager.display_name if self.team_manager else "the team manager"

    def is_own_practitioner(self, person_id) -> bool:
        return any(w.pk == self.user.pk for w in self.practitioners.get(person_id, []))

    def has_sharing_basis(self, person_id) -> bool:
        return person_id in self.shared

    def for_record(self, sensitivity: str, about_person_id=None) -> Disclosure:
        if sensitivity == Sensitivity.ORDINARY:
            return SHOWN
        if sensitivity == Sensitivity.SEALED:
            if self.is_manager:
                return SHOWN
            return Disclosure(False, "Sealed", f"Only managers can see this. Ask {self._manager_name()}.")
        # Adult health, substance use or offending detail.
        if self.emergency_only:
            return Disclosure(
                False, "Restricted", f"Not shown under emergency access. Ask {self._manager_name()}."
            )
        if self.is_own_practitioner(about_person_id):
            return SHOWN
        shared = self.has_sharing_basis(about_person_id)
        if shared and (self.is_lead or self.is_manager):
            return SHOWN
        practitioners = ", ".join(w.display_name for w in self.practitioners.get(about_person_id, []))
        who = practitioners or self._manager_name()
        if not shared:
            return Disclosure(
                False,
                "Restricted",
                f"No basis for sharing this in the team has been recorded yet. Ask {who}.",
            )
        return Disclosure(False, "Restricted", f"Ask {who}.")

    def can_record_adult_detail(self, person_id) -> bool:
        return not self.emergency_only and (self.is_own_practitioner(person_id) or self.is_manager)

    def can_record_sharing_basis(self, person_id) -> bool:
        return not self.emergency_only and (
            self.is_own_practitioner(person_id) or self.is_lead or self.is_manager
        )
