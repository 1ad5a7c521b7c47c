"""What the Workbook adds to the pages below it: the family page panel, chronology events."""

from . import chronology  # noqa: F401  significant events in the children's chronology
