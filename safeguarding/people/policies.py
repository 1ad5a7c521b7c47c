"""Who may see and change families and people.

Each yes/no check is paired with the queryset it implies; every list starts from the queryset, and every
detail page goes through `access_family` / `access_person`, which answer "not found" for records that
are missing and for records the user may not see alike, so a URL never reveals that a family exists.

The rules (issue #2; partner-agency and sensitivity rules build on these):
- a worker sees the families they are currently allocated to;
- a team manager sees their team's families, and any they are allocated to;
- business support sees their team's families (they schedule supervision and file documents);
- a service manager sees every team's families;
- a performance analyst, an auditor and a system administrator see no case pages.
"""

from __future__ import annotations

from django.db.models import Exists, OuterRef, Q, QuerySet
from django.http import Http404

from safeguarding.access.policies import emergency_access_can_request, emergency_family_ids
from safeguarding.accounts.models import User
from safeguarding.allocation.models import Allocation
from safeguarding.audit.services import Action, audit_record

from .models import Family, FamilyMember, Person

Role = User.Role

# Council roles that may record who a person is and create families. Partner-agency practitioners read
# identity details but do not change them: the council is the data controller for the child's record.
IDENTITY_EDITING_ROLES = {
    Role.SOCIAL_WORKER,
    Role.FAMILY_SUPPORT_WORKER,
    Role.TEAM_MANAGER,
    Role.SERVICE_MANAGER,
    Role.BUSINESS_SUPPORT,
}


def _is_active_staff(user) -> bool:
    return bool(user and user.is_authenticated and user.is_active)


def families_visible_to(user, *, include_emergency: bool = True) -> QuerySet[Family]:
    """Families the user may see. Emergency (break-glass) access counts unless `include_emergency` is
    false: it lets a council worker read a family, never change it."""
    if not _is_active_staff(user):
        return Family.objects.none()
    if user.role == Role.SERVICE_MANAGER:
        return Family.objects.all()
    allowed = Q(pk__in=Allocation.objects.current().filter(worker_id=user.pk).values("family_id"))
    if user.role in (Role.TEAM_MANAGER, Role.BUSINESS_SUPPORT) and user.team_id:
        allowed |= Q(team_id=user.team_id)
    elif user.role not in User.CASEWORK_ROLES:
        return Family.objects.none()
    if include_emergency and emergency_access_can_request(user):
        allowed |= Q(pk__in=emergency_family_ids(user))
    return Family.objects.filter(allowed)


# Roles that never open case records (issue #2): they get dashboards, the admin or the audit log instead.
NO_CASE_ACCESS_ROLES = {Role.PERFORMANCE_ANALYST, Role.AUDITOR, Role.SYSTEM_ADMINISTRATOR}


def case_records_can_search(user) -> bool:
    return _is_active_staff(user) and user.role not in NO_CASE_ACCESS_ROLES


def family_can_view(user, family: Family) -> bool:
    return families_visible_to(user).filter(pk=family.pk).exists()


def family_can_create(user) -> bool:
    if not _is_active_staff(user) or user.role not in IDENTITY_EDITING_ROLES or user.is_partner_agency:
        return False
    return user.role == Role.SERVICE_MANAGER or user.team_id is not None


def family_can_edit(user, family: Family) -> bool:
    """Change the family's details and its people's identity details."""
    return (
        _is_active_staff(user)
        and user.role in IDENTITY_EDITING_ROLES
        and not user.is_partner_agency
        and families_visible_to(user, include_emergency=False).filter(pk=family.pk).exists()
    )


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
    if not _is_active_staff(user) or user.role not in IDENTITY_EDITING_ROLES or user.is_partner_agency:
        return False
    return people_visible_to(user, include_emergency=False).filter(pk=person.pk).exists()


def access_family(user, family_id, *, request=None, audit_view: bool = True) -> Family:
    """Fetch a family the user may see, or raise the same 404 whether it is missing or forbidden.

    A refused attempt is audited: opening records without a reason is what councils are audited for.
    """
    family = families_visible_to(user).select_related("team").filter(pk=family_id).first()
    if family is None:
        audit_record(actor=user, action=Action.DENIED, request=request, detail={"family_id": str(family_id)})
        raise Http404("No family found")
    if audit_view:
        audit_record(actor=user, action=Action.VIEW, obj=family, family_id=family.pk, request=request)
    return family


def access_person(user, person_id, *, request=None, audit_view: bool = True) -> Person:
    person = people_visible_to(user).filter(pk=person_id).first()
    if person is None:
        audit_record(actor=user, action=Action.DENIED, request=request, detail={"person_id": str(person_id)})
        raise Http404("No person found")
    if audit_view:
        # Recorded against the person's family too, so "who has seen this family" finds views of a child's
        # page. A person in several families is recorded against none of them, but lists them all.
        family_ids = sorted({str(pk) for pk in person.memberships.values_list("family_id", flat=True)})
        audit_record(
            actor=user,
            action=Action.VIEW,
            obj=person,
            family_id=family_ids[0] if len(family_ids) == 1 else None,
            request=request,
            detail={"families": family_ids},
        )
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
