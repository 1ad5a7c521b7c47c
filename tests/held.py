"""Rows written once for a whole test module, in an outer transaction, instead of once per test.

Used by the demo council (conftest.py at the top of the repository) and the permission matrix's family
(tests/permissions/conftest.py). A module qualifies when none of its tests commits (`transaction=True`, a
live server): each test then runs in its own savepoint inside the outer transaction, rolled back after it,
so tests stay isolated from each other; the outer transaction is rolled back after the module's last test.
"""

from __future__ import annotations

import contextlib

import pytest
from django.db import connection, transaction

from tests import demo_snapshot


def is_transactional(item: pytest.Item) -> bool:
    """The same test pytest-django applies: such a test commits, and the tables are emptied after it."""
    marker = item.get_closest_marker("django_db")
    names = getattr(item, "fixturenames", ())
    if marker is not None:
        # django_db(transaction=False, reset_sequences=False, ...), by keyword or position.
        args = dict(zip(("transaction", "reset_sequences"), marker.args, strict=False)) | marker.kwargs
        if args.get("transaction") or args.get("reset_sequences"):
            return True
    return bool({"transactional_db", "live_server", "django_db_reset_sequences"} & set(names))


def module_items(request) -> list[pytest.Item]:
    """The tests of the module a module-scoped fixture is set up for (those this worker runs)."""
    return [item for item in request.session.items if getattr(item, "module", None) is request.module]


def every_test_asks_for(request, fixture: str) -> bool:
    """True when every test of the module asks for `fixture` and none of them commits."""
    items = module_items(request)
    return bool(items) and all(
        fixture in getattr(item, "fixturenames", ()) and not is_transactional(item) for item in items
    )


def settle_constraints() -> None:
    """Check the foreign keys of the rows just written into the outer transaction, once, now.

    After each test pytest-django (Django's TestCase) checks deferred constraints before rolling the test
    back. On PostgreSQL that check (`SET CONSTRAINTS ALL IMMEDIATE`) also fires the checks still pending
    from the outer transaction, and since it runs inside the test's savepoint, which is then rolled back,
    PostgreSQL marks them pending again: every test re-checked every row of the demo council (about a
    second a test). Checked here, in the outer transaction, they are done for good, and each test's check
    covers only what the test wrote. On SQLite this is one `PRAGMA foreign_key_check`, and a bad snapshot
    fails here rather than in whichever test comes first."""
    connection.check_constraints()


@contextlib.contextmanager
def outer_transaction(django_db_blocker, reference_rows):
    """Open a transaction that lasts the whole module and is rolled back at its end."""
    outer = transaction.atomic()
    with django_db_blocker.unblock():
        with transaction.atomic():
            # Committed first: a browser test before this module may have emptied them.
            demo_snapshot.restore_emptied(reference_rows)
        outer.__enter__()
    try:
        yield
    finally:
        with django_db_blocker.unblock():
            assert connection.in_atomic_block
            transaction.set_rollback(True)
            outer.__exit__(None, None, None)
