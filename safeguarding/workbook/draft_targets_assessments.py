"""The assessments' and module work's long text is kept as a draft while the worker types (drafts.py).

The autosave endpoint asks these who may keep a draft of which record: the lead social worker, of an
assessment still with them (a draft or returned one; not one with the manager or authorised); anyone in
the team who may record module work and read this parent's, of a parent's work on a module, including one
not saved yet (it has its id from the start, selectors.assessments.module_work_id).
"""

from __future__ import annotations

from safeguarding.access.policies import uuid_or_none

from . import drafts
from .models import FamilyAssessment, ModuleWork, ParentingModule
from .policies import WorkbookAccess
from .selectors import assessments as read
from .services.assessments import EDITABLE
from .services.modules import TEXT_FIELDS, module_work_find, module_work_writable

# Every text field an assessment form may have: its analysis sections (numbered per child or parent, then
# the family's) and its compiled sections. A name an assessment does not have is ignored when it is saved.
ASSESSMENT_FIELDS = (
    *(f"life_{n}" for n in range(1, read.MAX_CHILDREN + 1)),
    *(f"parent_{n}" for n in range(1, read.MAX_PARENTS + 1)),
    "risks",
    "strengths",
    "change",
    *(f"section_{n}" for n in range(1, read.MAX_SECTIONS + 1)),
)


def assessment_writable(user, family, record_id):
    pk = uuid_or_none(record_id)
    if pk is None:
        return None
    assessment = FamilyAssessment.objects.filter(pk=pk, family=family, status__in=EDITABLE).first()
    if assessment is None or not WorkbookAccess(user, family).can_write_assessment:
        return None
    return assessment


def module_work_writable_record(user, family, record_id):
    pk = uuid_or_none(record_id)
    if pk is None:
        return None
    access = WorkbookAccess(user, family)
    if not access.can_record_module_work:
        return None
    work = ModuleWork.objects.filter(pk=pk, family=family).select_related("parent", "module").first()
    if work is None:
        # Not saved yet: one of the family's adults and an active module, by its lasting id.
        _children, adults = read.current_members(family)
        modules = ParentingModule.objects.filter(active=True)
        match = next(
            ((a, m) for a in adults for m in modules if read.module_work_id(family.pk, a.pk, m.pk) == pk),
            None,
        )
        if match is None:
            return None
        work = module_work_find(family, *match)
    return work if module_work_writable(access, work) else None


drafts.register(
    drafts.DraftTarget(
        record_type="assessment", writable=assessment_writable, fields=lambda: ASSESSMENT_FIELDS
    )
)
drafts.register(
    drafts.DraftTarget(
        record_type="module-work", writable=module_work_writable_record, fields=lambda: TEXT_FIELDS
    )
)
