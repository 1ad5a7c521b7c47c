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

from safeguarding.workbook.policies import AdultRecordAccess

from .models import ReadinessRecord


class ReadinessAccess(AdultRecordAccess):
    """One user's readiness rights in one family (workbook.policies.AdultRecordAccess): the history pages
    and the family page's panel for the team, each adult's readings per the sharing rules, recording for
    the adult's practitioners, the family's social workers and its team manager."""

    sensitivity = ReadinessRecord.sensitivity
