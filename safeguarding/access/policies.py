"""Who may see what: every family and person, their sensitive records, and emergency access.

This is the one home of visibility (issue #8). Lists start from a visible queryset
(`families_visible_to`, `people_visible_to`); detail pages go through an `access_*` function built on
`authorised_fetch`, which answers "not found" for records that are missing and for records the user may
not see alike, so a URL never reveals that a family exists, and audits the view or the refusal.

Who sees which family (issue #2; partner-agency and sensitivity rules build on these):
- a worker sees the families they are currently allocated to;
- a team manager sees their team's families, and any they are allocated to;
- business support sees their team's families (they schedule supervision and file documents);
- a service manager sees every team's families;
- a performance analyst, an auditor and a system administrator see no case pages;
- a council worker with emergency (break-glass) access reads that family for a few hours, never changes it.

What a user may see of a family's sensitive records: a record declares its sensitivity class
(`Sensitivity`), and a page asks `FamilyDisclosure.for_record(...)` whether to show it or who to ask.
- ordinary: everyone who may see the family;
- adult health, substance use or offending detail about an adult: the adult's own practitioners always;
  the lead social worker and the team's managers only once a basis for sharing that adult's information
  in the team is recorded; everyone else in the family's team sees "restricted" with who to ask;
- sealed (a protected address, an adoption): the family's team manager and service managers only.
  A person's sealed and special-category records are judged against the family the person belongs to
  now, never against a former family: a former team sees what it recorded, not what came after.

A worker whose only access is emergency access sees ordinary records only.
"""

from __future__ import annotations

import functools
import uuid
from dataclasses import dataclass

from django.db import connection
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.http import Http404

from safeguarding.accounts.models import User
from safeguarding.accounts.policies import (
    Capability,
    has_capability,
    is_active_staff,
    is_team_manager_of,
    team_manager_of,
)
from safeguarding.allocation.models import ADULT_PRACTITIONER_CASE_ROLES, Allocation, CaseRole
from safeguarding.audit.services import Action, audit_record
from safeguarding.core.compiled import CompiledQuery, as_uuid, compile_for_ids
from safeguarding.people.models import Family, FamilyMember, Person

from .models import EmergencyAccess, Sensitivity, SharingBasis

Role = User.Role

# Case roles whose holders visit the children and so know where a looked-after child is placed.
CHILD_VISITING_CASE_ROLES = frozenset(
    {CaseRole.LEAD_SOCIAL_WORKER, CaseRole.SOCIAL_WORKER, CaseRole.FAMILY_SUPPORT_WORKER}
)


def _sharing_bases(adult_ids) -> list:
    """(person id, scope) of the adults' current sharing bases, newest first. A list of ids (the family
    page's) runs SQL compiled once for that many; a queryset of them stays a subquery of one query."""
    if not isinstance(adult_ids, list):
        return list(
            SharingBasis.objects.filter(person_id__in=adult_ids, withdrawn_on__isnull=True).values_list(
                "person_id", "scope"
            )
        )
    if not adult_ids:
        return []  # (no query, as the ORM does for an empty IN)
    _columns, rows = _compiled_sharing_bases(connection.vendor, len(adult_ids)).run(adult_ids)
    return [(as_uuid(person_id), scope) for person_id, scope in rows]


@functools.lru_cache(maxsize=32)
def _compiled_sharing_bases(vendor: str, count: int) -> CompiledQuery:
    """Compiled once for each number of adults (core.compiled): every family page asks it."""
    return compile_for_ids(
        lambda ids: SharingBasis.objects.filter(person_id__in=ids, withdrawn_on__isnull=True).values_list(
            "person_id", "scope"
        ),
        count,
    )


def emergency_access_can_request(user) -> bool:
    """Council staff in casework roles. Not partner agencies: they see only the families they are allocated
    to. Not analysts, auditors or administrators: they have no case pages at all."""
    return has_capability(user, Capability.EMERGENCY_ACCESS) and not user.is_partner_agency


def emergency_family_ids(user) -> QuerySet:
    """Families the user may open now under emergency access (as a subquery of ids)."""
    return EmergencyAccess.objects.active().filter(worker_id=user.pk).values("family_id")


def emergency_access_visible_to(user) -> QuerySet[EmergencyAccess]:
    """Emergency access a manager should know about: their team's families (a service manager: all)."""
    if not is_active_staff(user):
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
        self.current_allocations = allocations
        self.is_manager = user.role == Role.SERVICE_MANAGER or is_team_manager_of(user, family.team_id)
        self.lead = next((a.worker for a in allocations if a.case_role == CaseRole.LEAD_SOCIAL_WORKER), None)
        self.is_lead = self.lead is not None and self.lead.pk == user.pk
        self.practitioners: dict = {}  # adult's person id -> their practitioners
        for allocation in allocations:
            if allocation.case_role in ADULT_PRACTITIONER_CASE_ROLES:
                for adult in allocation.works_with.all():
                    self.practitioners.setdefault(adult.pk, []).append(allocation.worker)
        self.allocated = any(a.worker_id == user.pk for a in allocations)
        # Council staff who visit the children (their social workers and family support worker).
        self.visits_children = not user.is_partner_agency and any(
            a.worker_id == user.pk and a.case_role in CHILD_VISITING_CASE_ROLES for a in allocations
        )
        if adult_ids is None:
            adult_ids = list(family.members.filter(member_type="adult").values_list("person_id", flat=True))
        # adult's person id -> whether a current basis covers everyone allocated (else lead and managers).
        self.shared_with_team: dict = {}
        for person_id, scope in _sharing_bases(adult_ids):
            covers_team = scope == SharingBasis.Scope.TEAM
            self.shared_with_team[person_id] = self.shared_with_team.get(person_id, False) or covers_team
        self.shared = set(self.shared_with_team)
        # Emergency-only: not allocated, not a manager of the team, not the team's business support.
        self.emergency_only = not (
            self.allocated
            or self.is_manager
            or (user.role == Role.BUSINESS_SUPPORT and user.team_id == family.team_id)
        )

    @functools.cached_property
    def team_manager(self):
        """The family's team manager: read when a page names them (who to ask, who to call), not before."""
        return team_manager_of(self.family.team_id)

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
        # A basis that covers the team (consent at the start of the work, issue #9): everyone allocated.
        if self.allocated and self.shared_with_team.get(about_person_id, False):
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

    def for_placement(self) -> Disclosure:
        """Where a looked-after child is placed: for the family's managers and the council staff who visit
        the children, not for the practitioners who work with the parents the child may be protected
        from, business support, or emergency access."""
        if self.is_manager or (self.visits_children and not self.emergency_only):
            return SHOWN
        return Disclosure(
            False,
            "Withheld",
            "Only the child's social workers and managers see where a child is placed. "
            f"Ask {self._manager_name()}.",
        )

    def can_record_adult_detail(self, person_id) -> bool:
        return not self.emergency_only and (self.is_own_practitioner(person_id) or self.is_manager)

    def can_record_sharing_basis(self, person_id) -> bool:
        return not self.emergency_only and (
            self.is_own_practitioner(person_id) or self.is_lead or self.is_manager
        )


# ---- Families and people ---------------------------------------------------------------------------


def authorised_fetch(
    user,
    queryset: QuerySet,
    pk,
    *,
    request=None,
    what: str = "record",
    refusal: dict,
    subject: str | None = None,
):
    """Fetch one row of a visible queryset, or raise the same 404 whether it is missing or forbidden.

    Every `access_*` function is this. A refused attempt is audited (`refusal` says what was asked for,
    and `subject`, "family" or "person", names the record asked for as the event's subject, so the
    record's own access log shows who tried to open it): opening records without a reason is what
    councils are audited for, and the unusual access report counts refusals. Recording the view itself is
    the caller's, since only it knows all the subjects.
    """
    found = queryset.filter(pk=pk).first()
    if found is None:
        asked = uuid_or_none(pk) if subject else None
        audit_record(
            actor=user,
            action=Action.DENIED,
            families=[asked] if subject == "family" else (),
            people=[asked] if subject == "person" else (),
            request=request,
            detail=refusal,
        )
        raise Http404(f"No {what} found")
    return found


def uuid_or_none(value):
    """A UUID from what a URL or a form gave, or None for anything that is not one."""
    try:
        return value if isinstance(value, uuid.UUID) else uuid.UUID(str(value))
    except (TypeError, ValueError, AttributeError):
        return None


def families_visible_to(user, *, include_emergency: bool = True) -> QuerySet[Family]:
    """Families the user may see. Emergency (break-glass) access counts unless `include_emergency` is
    false: it lets a council worker read a family, never change it."""
    if has_capability(user, Capability.ALL_FAMILIES):
        return Family.objects.all()
    if not has_capability(user, Capability.CASE_RECORDS):
        return Family.objects.none()
    allowed = Q(pk__in=Allocation.objects.current().filter(worker_id=user.pk).values("family_id"))
    if has_capability(user, Capability.TEAM_FAMILIES) and user.team_id:
        allowed |= Q(team_id=user.team_id)
    elif user.role not in User.CASEWORK_ROLES:
        # Business support without a team has no families: they are never allocated.
        return Family.objects.none()
    if include_emergency and emergency_access_can_request(user):
        allowed |= Q(pk__in=emergency_family_ids(user))
    return Family.objects.filter(allowed)


def case_records_can_search(user) -> bool:
    return has_capability(user, Capability.CASE_RECORDS)


def _family_visible(user, family: Family, *, include_emergency: bool = True) -> bool:
    """Whether `family` is in families_visible_to(user, ...), answered without a query where the user's
    role and team decide it (a service manager sees every family; a team member with the team's families
    sees each family of their team), and by asking the database otherwise (an allocation, emergency
    access). The family page asks this on every view, and its team's workers and managers are most of them."""
    if has_capability(user, Capability.ALL_FAMILIES):
        return True
    if (
        has_capability(user, Capability.CASE_RECORDS)
        and has_capability(user, Capability.TEAM_FAMILIES)
        and user.team_id is not None
        and user.team_id == family.team_id
    ):
        return True
    return families_visible_to(user, include_emergency=include_emergency).filter(pk=family.pk).exists()


def family_can_view(user, family: Family) -> bool:
    return _family_visible(user, family)


def family_can_view_unallocated(user, family: Family) -> bool:
    """Whether the user sees the family without being allocated to it, through their role and team (a
    manager of its team, business support in its team, a service manager): what ending their allocation
    leaves them. Emergency access is not counted: it is short and separately granted."""
    if has_capability(user, Capability.ALL_FAMILIES):
        return True
    return (
        has_capability(user, Capability.TEAM_FAMILIES)
        and user.team_id is not None
        and user.team_id == family.team_id
    )


def _edits_identity(user) -> bool:
    # Partner-agency practitioners read identity details but do not change them: the council is the data
    # controller for the child's record.
    return has_capability(user, Capability.EDIT_IDENTITY) and not user.is_partner_agency


def family_can_create(user) -> bool:
    return _edits_identity(user) and (user.role == Role.SERVICE_MANAGER or user.team_id is not None)


def family_can_edit(user, family: Family) -> bool:
    """Change the family's details and its people's identity details."""
    return _edits_identity(user) and _family_visible(user, family, include_emergency=False)


def memberships_visible_to(user, *, include_emergency: bool = True) -> QuerySet[FamilyMember]:
    """Current and past memberships of the families the user may see: which of a person's families to show."""
    # EXISTS, so that a query that already names the people (person_id IN ...) is answered from the
    # person_id index, then each row checked against the policy; an IN (visible families) list led SQLite
    # to walk every visible family's members first (8,000 families for a service manager).
    return FamilyMember.objects.filter(
        Exists(
            families_visible_to(user, include_emergency=include_emergency).filter(pk=OuterRef("family_id"))
        )
    )


def people_visible_to(user, *, include_emergency: bool = True) -> QuerySet[Person]:
    """Everyone who is or was a member of a family the user may see."""
    # EXISTS rather than pk IN (members of visible families): the database checks only the people the
    # rest of the query selects (one, for an NHS number), through the person_id index. With IN, SQLite
    # built the whole list of visible people first (35,000 for a service manager) on every search.
    memberships = memberships_visible_to(user, include_emergency=include_emergency)
    return Person.objects.filter(Exists(memberships.filter(person_id=OuterRef("pk"))))


def person_can_edit(user, person: Person) -> bool:
    return (
        _edits_identity(user)
        and people_visible_to(user, include_emergency=False).filter(pk=person.pk).exists()
    )


def access_family(user, family_id, *, request=None, audit_view: bool = True) -> Family:
    """Fetch a family the user may see, or raise the same 404 whether it is missing or forbidden."""
    family = authorised_fetch(
        user,
        families_visible_to(user).select_related("team"),
        family_id,
        request=request,
        what="family",
        refusal={"family_id": str(family_id)},
        subject="family",
    )
    if audit_view:
        audit_record(actor=user, action=Action.VIEW, obj=family, family_id=family.pk, request=request)
    return family


def access_person(user, person_id, *, request=None, audit_view: bool = True) -> Person:
    person = authorised_fetch(
        user,
        people_visible_to(user),
        person_id,
        request=request,
        what="person",
        refusal={"person_id": str(person_id)},
        subject="person",
    )
    if audit_view:
        # Recorded against each of the person's families too, so "who has seen this family" finds views of
        # a child's page.
        family_ids = person.family_ids()
        audit_record(
            actor=user,
            action=Action.VIEW,
            obj=person,
            family_id=family_ids[0] if len(family_ids) == 1 else None,
            families=family_ids,
            people=[person.pk],
            request=request,
            detail={"families": [str(pk) for pk in family_ids]},
        )
    return person


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
        audit_record(
            actor=user,
            action=Action.DENIED,
            people=[person.pk],
            request=request,
            detail={"child_id": str(person_id)},
        )
        raise Http404("No child found")
    return person


def access_family_adult(user, family_id, person_id, *, request=None):
    """An adult in a family the user may see (for pages about one adult's sensitive information): the same
    404 for a missing family, a forbidden one, or a person who is not an adult in it."""
    family = access_family(user, family_id, request=request, audit_view=False)
    member = (
        FamilyMember.objects.filter(
            family=family, person_id=person_id, member_type=FamilyMember.MemberType.ADULT
        )
        .select_related("person")
        .first()
    )
    if member is None:
        raise Http404("No adult found")
    return family, member.person
