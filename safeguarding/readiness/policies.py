"""Who may read and record an adult's readiness to change (issue #10 item 6; ADR 10).

A reading is special-category data about the adult, so:

- **Opening the pages** is for the family's team, as for the Workbook (workbook.policies.WorkbookAccess):
  everyone allocated to the family now and the family's managers. Business support and emergency
  (break-glass) access may open the family but not its practice record (403).
- **Reading the readings** follows FamilyDisclosure.for_record("adult_special", adult): the adult's own
  practitioners always; the lead social worker and the managers once a basis for sharing is recorded;
  everyone allocated once a basis covering the team is. Anyone else in the team sees "Restricted" and who
  to ask, for the adult as a whole: which behaviours a parent is working on (drugs, abuse) is itself
  special-category, so a withheld adult's behaviours are not named either.
- **Recording** (and correcting) is for the workers who hold MI conversations with the adult: their own
  practitioners (an adult practitioner whose allocation works with them), the family's lead social worker
  and social workers, and the family's team manager; not business support, emergency access, analysts,
  family support workers or practitioners who work with another adult. And only where the worker may read
  the adult's readings too: a reading is judged against the ones before it, and a worker who may not see
  those would record blind and could not see or correct what they wrote.
"""

from __future__ import annotations

from safeguarding.access.policies import FamilyDisclosure
from safeguarding.accounts.policies import is_team_manager_of
from safeguarding.allocation.models import CaseRole
from safeguarding.workbook.policies import WorkbookAccess

from .models import ReadinessRecord

# Council social work roles on the case who use MI with the parents as the children's social workers.
RECORDING_SOCIAL_WORK_ROLES = frozenset({CaseRole.LEAD_SOCIAL_WORKER, CaseRole.SOCIAL_WORKER})


class ReadinessAccess:
    """One user's readiness rights in one family, in the queries FamilyDisclosure costs (three)."""

    def __init__(self, user, family, disclosure: FamilyDisclosure | None = None):
        self.user = user
        self.family = family
        self.workbook = WorkbookAccess(user, family, disclosure)
        self.disclosure = self.workbook.disclosure

    @property
    def can_open(self) -> bool:
        """The history pages and the family page's panel: the family's team."""
        return self.workbook.in_team

    def for_adult(self, adult_id):
        """Whether this adult's readings are shown, or withheld with who to ask."""
        return self.disclosure.for_record(ReadinessRecord.sensitivity, adult_id)

    def can_record(self, adult_id) -> bool:
        if not self.can_open or not self.for_adult(adult_id).visible:
            return False
        if self.disclosure.is_own_practitioner(adult_id):
            return True
        allocation = self.workbook.allocation
        if allocation is not None and allocation.case_role in RECORDING_SOCIAL_WORK_ROLES:
            return True
        # The family's own team manager (who chairs its supervisions), not a service manager overseeing.
        return is_team_manager_of(self.user, self.family.team_id)
