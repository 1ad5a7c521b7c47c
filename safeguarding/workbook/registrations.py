"""What the Workbook adds to the pages below it (their registries), and the record types its autosave
endpoint takes drafts for."""

from safeguarding.core import panels

from . import (
    chronology,  # noqa: F401  significant events in the children's chronology
    draft_targets_assessments,  # noqa: F401  the assessments' and module work's drafts
    drafts,
)
from .policies import WorkbookAccess
from .selectors import workbooks as selectors
from .services import chapters


def _family_panel(user, family, disclosure, *, today):
    access = WorkbookAccess(user, family, disclosure)
    if not access.can_view:
        return None
    return selectors.family_panel(access, family)


panels.register(
    panels.FamilyPanel(slug="workbook", order=10, template="workbook/_panel.html", context=_family_panel)
)

drafts.register(
    drafts.DraftTarget(
        record_type=chapters.CHAPTER_DRAFT_TYPE,
        writable=chapters.chapter_writable,
        fields=chapters.chapter_field_names,
    )
)
