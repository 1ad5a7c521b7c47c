"""What the Workbook adds to the pages below it: the family page panel, chronology events."""

from . import draft_targets_assessments  # noqa: F401  (the assessments' and module work's drafts)
