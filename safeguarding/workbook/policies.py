"""Who may read and write a family's Workbook (issue #9, ADR 14).

The Workbook is the team's shared record: that is the model. So:

- **The team** reads it: everyone allocated to the family now, and the family's managers (its team
  manager, service managers). Business support of the team sees the family's register but not the
  Workbook's practice record; emergency (break-glass) access sees no chapters, sessions' notes or
  assessments, only significant events, which are ordinary case records in the children's chronology.
- A chapter is its author's while it is a draft; sharing it makes it readable by the team. What an adult
  practitioner writes about an adult (a part about that adult) is special-category data about them and
  is shown per FamilyDisclosure.for_record: to the whole team when a basis covering the team is recorded,
  else to that adult's own practitioners, and with a basis of narrower reach to the lead social worker
  and managers too; everyone else sees "Restricted" and who to ask.
- **Writing**: each allocated worker writes their own chapter, records sessions and module work, and
  flags significant events; managers flag events too. A session makes statutory visits only for a worker
  who may record visits on the child's journey (journey.policies).
- The lead social worker writes the family's assessments; the family's managers authorise them, never
  their own.
- Closing a cycle by hand is the family's managers'.

`WorkbookAccess` answers all of these for one user and one family in the queries FamilyDisclosure costs,
so a page asks it once.
"""

from __future__ import annotations

from safeguarding.access.policies import SHOWN, FamilyDisclosure
from safeguarding.accounts.policies import is_active_staff, is_team_manager_of, manages_family
from safeguarding.allocation.models import CaseRole

from .models import Chapter, ChapterPart, FamilyAssessment


class WorkbookAccess:
    def __init__(self, user, family, disclosure: FamilyDisclosure | None = None):
        self.user = user
        self.family = family
        self.disclosure = disclosure or FamilyDisclosure(user, family)
        d = self.disclosure
        active = is_active_staff(user) and not d.emergency_only
        self.is_manager = active and manages_family(user, family)
        self.allocation = None
        if active and d.allocated:
            self.allocation = next((a for a in d.current_allocations if a.worker_id == user.pk), None)
        self.is_allocated = self.allocation is not None
        self.in_team = self.is_allocated or self.is_manager

    # ---- reading ------------------------------------------------------------------------------------
    @property
    def can_view(self) -> bool:
        """The Workbook page, shared chapters, sessions, module work and assessments."""
        return self.in_team

    @property
    def can_view_events(self) -> bool:
        """Significant events are ordinary case records: anyone who may open the family."""
        return is_active_staff(self.user)

    def chapter_readable(self, chapter: Chapter) -> bool:
        if chapter.author_id == self.user.pk:
            return True
        return self.in_team and chapter.state == Chapter.State.SHARED

    def part_disclosure(self, part: ChapterPart):
        """Whether one part of a readable chapter is shown, or withheld with who to ask."""
        if part.chapter.author_id == self.user.pk:
            return SHOWN
        return self.disclosure.for_record(part.sensitivity, part.about_person_id)

    # ---- writing ------------------------------------------------------------------------------------
    @property
    def can_write_chapter(self) -> bool:
        return self.is_allocated

    @property
    def can_record_session(self) -> bool:
        return self.is_allocated or self.is_manager

    @property
    def can_record_event(self) -> bool:
        return self.is_allocated or self.is_manager

    @property
    def can_record_module_work(self) -> bool:
        return self.is_allocated or self.is_manager

    @property
    def can_close_cycle(self) -> bool:
        return self.is_manager

    @property
    def is_lead(self) -> bool:
        return self.allocation is not None and self.allocation.case_role == CaseRole.LEAD_SOCIAL_WORKER

    @property
    def can_write_assessment(self) -> bool:
        return self.is_lead

    def can_authorise(self, assessment: FamilyAssessment) -> bool:
        """The family's managers authorise an assessment sent to them, but never one they wrote."""
        return (
            self.is_manager
            and assessment.status == FamilyAssessment.Status.SENT
            and assessment.written_by_id != self.user.pk
        )


# Council social work roles on the case who record with the parents (MI rulers, questionnaires) as the
# children's social workers.
RECORDING_SOCIAL_WORK_ROLES = frozenset({CaseRole.LEAD_SOCIAL_WORKER, CaseRole.SOCIAL_WORKER})


class AdultRecordAccess:
    """Who opens, reads and records a capability's special-category records about the family's adults
    (readiness readings, parent measures), in the queries FamilyDisclosure costs (three):

    - the pages open to the family's team (`WorkbookAccess.in_team`);
    - each adult's records are shown per `FamilyDisclosure.for_record(sensitivity, adult)`;
    - recording is for those who may read them and are the adult's own practitioner, the family's lead
      social worker or social worker, or its team manager (who chairs its supervisions), not a service
      manager overseeing.

    A capability subclasses it with its record's `sensitivity`."""

    sensitivity = "adult_special"

    def __init__(self, user, family, disclosure: FamilyDisclosure | None = None):
        self.user = user
        self.family = family
        self.workbook = WorkbookAccess(user, family, disclosure)
        self.disclosure = self.workbook.disclosure

    @property
    def can_open(self) -> bool:
        return self.workbook.in_team

    def for_adult(self, adult_id):
        """Whether this adult's records are shown, or withheld with who to ask."""
        return self.disclosure.for_record(self.sensitivity, adult_id)

    def can_record(self, adult_id) -> bool:
        if not self.can_open or not self.for_adult(adult_id).visible:
            return False
        if self.disclosure.is_own_practitioner(adult_id):
            return True
        allocation = self.workbook.allocation
        if allocation is not None and allocation.case_role in RECORDING_SOCIAL_WORK_ROLES:
            return True
        return is_team_manager_of(self.user, self.family.team_id)
