"""What the Workbook tells the capabilities above it, which it never imports (docs/architecture.md).

`chapter_shared` is sent inside the transaction that shares a chapter, with `chapter` and `family`:
group supervision's "your chapter was not shared by the supervision" task ends when the worker shares one,
not at the next nightly rebuild. `workbook_opened` is sent once, when a family's Workbook opens, with
`workbook` and `family`: the family is due its first group supervision from that day.
"""

from django.dispatch import Signal

chapter_shared = Signal()
workbook_opened = Signal()
