"""Who may read the audit log: a record's access log, the unusual-access report, subject access bundles.

- the access log of a family or person ("who has seen this record"): the family's team manager, a
  service manager, and the auditor (information governance). The auditor has no case pages, but may
  reach the access log of any record: checking who opened records is their job. The page shows the
  record's name and reference only, never case content;
- the audit pages (finding a record's log, the unusual-access report) and subject access bundles: the
  auditor and service managers;
- everyone else: the same "not found" as a record that does not exist, so the audit pages reveal nothing.

Each check is paired with the queryset it implies; `access_family_log` and `access_person_log` fetch,
check and record the view (or the refusal) in one place, like `access_family` does for case pages.
"""

from __future__ import annotations

from django.db.models import Exists, OuterRef, QuerySet

from safeguarding.access.policies import authorised_fetch
from safeguarding.accounts.models import User
from safeguarding.accounts.policies import Capability, has_capability, is_team_manager_of
from safeguarding.accounts.policies import is_active_staff as _is_active_staff
from safeguarding.audit.services import Action, audit_record
from safeguarding.people.models import Family, FamilyMember, Person

Role = User.Role


def _council_wide(user) -> bool:
    # The auditor and service managers may look at any record's access log and the council-wide pages.
    return has_capability(user, Capability.AUDIT_COUNCIL_WIDE)


def audit_pages_can_use(user) -> bool:
    """The audit landing page and the unusual-access report."""
    return _council_wide(user)


def subject_access_can_produce(user) -> bool:
    return _council_wide(user)


def families_with_access_log_visible_to(user) -> QuerySet[Family]:
    if not _is_active_staff(user):
        return Family.objects.none()
    if _council_wide(user):
        return Family.objects.all()
    # Only the family's own team manager: a team manager allocated to another team's family works with it
    # but does not oversee who else opens it.
    if user.role == Role.TEAM_MANAGER and user.team_id:
        return Family.objects.filter(team_id=user.team_id)
    return Family.objects.none()


def family_access_log_can_view(user, family: Family) -> bool:
    """Answered without a query: the page calls it for the link on the family page."""
    if not _is_active_staff(user):
        return False
    if _council_wide(user):
        return True
    return is_team_manager_of(user, family.team_id)


def people_with_access_log_visible_to(user) -> QuerySet[Person]:
    """Everyone who is or was in a family whose access log the user may see."""
    if not _is_active_staff(user):
        return Person.objects.none()
    if _council_wide(user):
        return Person.objects.all()
    families = families_with_access_log_visible_to(user)
    memberships = FamilyMember.objects.filter(person_id=OuterRef("pk"), family__in=families.values("pk"))
    return Person.objects.filter(Exists(memberships))


def person_access_log_can_view(user, person: Person) -> bool:
    if not _is_active_staff(user):
        return False
    if _council_wide(user):
        return True
    if user.role != Role.TEAM_MANAGER or not user.team_id:
        return False  # without a query: the person page asks for every user
    return people_with_access_log_visible_to(user).filter(pk=person.pk).exists()


def access_family_log(user, family_id, *, request=None, export: bool = False) -> Family:
    """Fetch a family whose access log the user may see, or raise the same 404 for missing and forbidden.

    Looking at who has seen a record is itself recorded: a view of the log, or an export of it.
    """
    family = authorised_fetch(
        user,
        families_with_access_log_visible_to(user),
        family_id,
        request=request,
        what="family",
        refusal={"family_id": str(family_id), "access_log": True},
        subject="family",
    )
    audit_record(
        actor=user,
        action=Action.EXPORT if export else Action.VIEW,
        obj=family,
        family_id=family.pk,
        request=request,
        detail={"access_log": True},
    )
    return family


def access_person_log(user, person_id, *, request=None, export: bool = False) -> Person:
    person = authorised_fetch(
        user,
        people_with_access_log_visible_to(user),
        person_id,
        request=request,
        what="person",
        refusal={"person_id": str(person_id), "access_log": True},
        subject="person",
    )
    audit_record(
        actor=user,
        action=Action.EXPORT if export else Action.VIEW,
        obj=person,
        people=[person.pk],
        request=request,
        detail={"access_log": True},
    )
    return person


def access_subject(user, person_id, *, request=None) -> Person:
    """Fetch a person for a subject access bundle, or the same 404 for missing and forbidden. The bundle
    itself is audited by the service that makes it; opening the page that offers it is not a disclosure."""
    return authorised_fetch(
        user,
        Person.objects.all() if subject_access_can_produce(user) else Person.objects.none(),
        person_id,
        request=request,
        what="person",
        refusal={"person_id": str(person_id), "subject_access": True},
        subject="person",
    )
