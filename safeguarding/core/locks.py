"""Row locks for the write services: one way to take them, so they cannot deadlock with the audit log.

Every write that must see the current row (a version check, a status change, "only one open allocation")
takes it with `for_update(queryset)` inside its transaction. It locks only the model's own rows, and in
PostgreSQL's weaker FOR NO KEY UPDATE mode:

- **Why not plain select_for_update().** Django creates foreign keys on PostgreSQL as DEFERRABLE INITIALLY
  DEFERRED, so a transaction that inserted a row naming a family checks that key at COMMIT by taking a
  KEY SHARE lock on the family's row. The audit log's chain lock (audit.services._chain_head) is held
  from the audit write to COMMIT. If another request held the family's row FOR UPDATE (a plain
  select_for_update with select_related("family") locks the joined rows too) and then wrote its own
  audit event, each waited for the other: PostgreSQL ended one with "deadlock detected" and the worker
  saw a server error as they saved an assessment while its draft was being kept (CI at stop 15).
- FOR NO KEY UPDATE still excludes every other writer of the same row, which is all a service needs; it
  only lets other transactions go on referring to the row, which never changes its key. `of=("self",)`
  keeps rows reached through select_related unlocked.

SQLite locks the whole database for a write, so both arguments are ignored there.
`tests/architecture/test_locks.py` fails the suite on any select_for_update outside this module.
"""

from __future__ import annotations

from django.db.models import QuerySet


def for_update(queryset: QuerySet) -> QuerySet:
    """The queryset's own rows, locked against other writers until the transaction ends."""
    return queryset.select_for_update(no_key=True, of=("self",))
