"""Who may see and record a child's statutory journey, and whose deadlines they see.

- Anyone who may see a child (access.policies) may read the child's journey and chronology: statutory
  events are ordinary case records, the shared picture the Family Safeguarding team works from.
- Recording is for the council's children's social care staff who hold the case: social workers, team
  and service managers. A family support worker records visits only. Partner-agency practitioners, adult
  practitioners and business support read but do not record: the council answers for statutory records.
  Emergency (break-glass) access never records.

Whose deadlines a user sees (My tasks, Timeliness) is the tasks app's (tasks.policies).
"""

from __future__ import annotations

from safeguarding.access.policies import access_child, families_visible_to
from safeguarding.accounts.policies import Capability, has_capability, is_active_staff
from safeguarding.people.models import FamilyMember, Person

__all__ = ["access_child", "journey_can_correct", "journey_can_record", "journey_steps_can_record"]


def _records_journey(user) -> bool:
    return has_capability(user, Capability.RECORD_JOURNEY)


def _records_visits_only(user) -> bool:
    return has_capability(user, Capability.RECORD_VISITS) and not _records_journey(user)


def journey_can_record(user, child: Person, step: str | None = None) -> bool:
    """May the user record `step` (any step if None) on this child's journey?"""
    if not is_active_staff(user) or user.is_partner_agency:
        return False
    if _records_visits_only(user):
        if step not in (None, "visit"):
            return False
    elif not _records_journey(user):
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
    if _records_visits_only(user):
        return {slug for slug in slugs if slug == "visit"}
    return set(slugs)


def journey_can_correct(user, child: Person) -> bool:
    """Correcting a statutory fact changes what returns say: social workers and managers only."""
    return _records_journey(user) and journey_can_record(user, child)
