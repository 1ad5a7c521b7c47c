"""What the Workbook tells the capabilities above it, which it never imports (docs/architecture.md).

`chapter_shared` is sent inside the transaction that shares a chapter, with `chapter` and `family`:
group supervision's "your chapter was not shared by the supervision" task ends when the worker shares one,
not at the next nightly rebuild.
"""

from django.dispatch import Signal

chapter_shared = Signal()
