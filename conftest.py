"""The demo council, built once per test database and handed to every test that asks for it.

`build_council(scale="demo", seed=2026)` (about 60 families, 6,800 rows) takes a second or two; the
hostile-input, form and browser tests used to run it once per test. Now:

1. `demo_council_rows` (once per test database, so once per pytest-xdist worker and database): builds the
   council in a transaction, copies out the rows it wrote (tests/demo_snapshot.py: each database's own
   text form of every value, so the audit log's hash chain still verifies) and rolls the build back. The
   test database is left as it was: tests that do not ask for the demo never see it.
2. `demo_council` (per test) puts those rows back in a tenth of the time the build takes:
   - in an ordinary test (`db`), inside the test's transaction, so they go when it is rolled back;
   - in a browser test (`transaction=True`, `live_server`), committed, so the live server's thread sees
     them; pytest-django empties every table after such a test, as before.
3. A module whose every test asks for `demo_council` without `transaction=True` gets the rows once for
   the whole module, in an outer transaction that is rolled back after its last test. Each test still runs
   in its own savepoint, rolled back after it, so tests stay isolated from each other.

The rows are those of a council built on the day the session starts (`timezone.localdate()`), exactly as
each test used to build it on the day it ran.
"""

from __future__ import annotations

import gc

import hypothesis
import pytest
from django.db import connection, transaction
from pytest_django.plugin import blocking_manager_key

from safeguarding.core import heap
from safeguarding.demo.generator import build_council
from tests import demo_snapshot, held

# No deadline on any property-based test's examples: a deadline is a timing assertion, and timings belong in
# bench/, not in tests that must pass on a busy machine (an example of the working-day calendar's test took
# 266 ms against the 200 ms default once while other work had both cores, and failed the suite).
hypothesis.settings.register_profile("suite", deadline=None)
hypothesis.settings.load_profile("suite")

# The collector's time in a test process: about a tenth of its CPU, with the default young-generation
# threshold (700) walking each request's objects many times over. With 10,000, and the modules and the demo's
# rows frozen once loaded (safeguarding/core/heap.py, as in the server), it walks them about a tenth as often
# and never walks what lives for the whole session. Measured on the hostile-input and matrix modules: 5.5 s
# of 52 s of CPU in the collector, 3.4 s after. Nothing is left uncollected: each freeze collects first.
_YOUNG_GENERATION_THRESHOLD = 10_000


def pytest_collection_finish(session):
    gc.set_threshold(_YOUNG_GENERATION_THRESHOLD, *gc.get_threshold()[1:])
    heap.freeze_now()


# The migrations' rows, once read (reference_rows), for the hook below.
_reference: list[demo_snapshot.Table] | None = None


@pytest.fixture(scope="session")
def reference_rows(django_db_setup, django_db_blocker) -> list[demo_snapshot.Table]:
    """The rows the migrations wrote (the default parenting modules, the DfE's published figures, ...),
    read once per test database."""
    global _reference
    with django_db_blocker.unblock():
        _reference = demo_snapshot.present(demo_snapshot.read_all())
    return _reference


_DB_FIXTURES = {"db", "transactional_db", "live_server", "demo_council", "django_db_reset_sequences"}

# Whether the migrations' rows have been checked in this session: a database kept from an earlier run
# (--reuse-db) may have been left emptied by its last browser test.
_checked = False


@pytest.fixture(autouse=True)
def _reference_rows_back(request, django_db_blocker):
    """Before the session's first database test, put back the migrations' rows if they are missing."""
    global _checked
    if _checked:
        yield
        return
    marker = request.node.get_closest_marker("django_db")
    if marker is not None or _DB_FIXTURES & set(request.fixturenames):
        rows = request.getfixturevalue("reference_rows")
        with django_db_blocker.unblock():
            if not connection.in_atomic_block:
                with transaction.atomic():
                    demo_snapshot.restore_emptied(rows)
                _checked = True
    yield


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_teardown(item, nextitem):
    """After a transactional test, once pytest-django has emptied every table, put back the rows our data
    migrations wrote (Django recreates content types and permissions itself, not those), committed, so
    every test after it finds them.

    Here, after all of the test's teardown, rather than in a fixture's: a fixture runs before or after
    pytest-django's flush depending on whether the test asked for its transaction by a fixture or by its
    mark. Putting them back before the next test instead missed a test whose mark had opened its own
    transaction first: the DfE's figures were then missing for the rest of its module."""
    yield
    # (After the last test the test database is gone: nothing to put back.)
    if _reference is not None and nextitem is not None and held.is_transactional(item):
        with item.config.stash[blocking_manager_key].unblock(), transaction.atomic():
            demo_snapshot.restore_emptied(_reference)


@pytest.fixture(scope="session")
def demo_council_rows(django_db_setup, django_db_blocker, reference_rows) -> list[demo_snapshot.Table]:
    """The rows of the demo council, built once in this test database and rolled back."""
    with django_db_blocker.unblock(), transaction.atomic():
        # Built on the migrations' rows, whatever a browser test before it emptied.
        demo_snapshot.restore_emptied(reference_rows)
    with django_db_blocker.unblock(), transaction.atomic():
        before = demo_snapshot.read_all()
        build_council(scale="demo", seed=2026)
        rows = demo_snapshot.rows_added(before, demo_snapshot.read_all())
        transaction.set_rollback(True)
    heap.freeze_now()
    return rows


# Set while a module's outer transaction holds the demo council (point 3 of the module docstring).
_held_for_module = False


@pytest.fixture(scope="module", autouse=True)
def _demo_council_for_the_module(request, django_db_blocker):
    if not held.every_test_asks_for(request, "demo_council"):
        yield
        return
    global _held_for_module
    rows = request.getfixturevalue("demo_council_rows")
    reference = request.getfixturevalue("reference_rows")
    with held.outer_transaction(django_db_blocker, reference):
        with django_db_blocker.unblock():
            demo_snapshot.insert(rows)
            held.settle_constraints()
        _held_for_module = True
        try:
            yield
        finally:
            _held_for_module = False


@pytest.fixture
def demo_council(db, demo_council_rows) -> None:
    """The demo council (three teams, about 60 families and the named personas) is in the database."""
    if not connection.in_atomic_block:
        # A transactional test: commit the rows, so the live server sees them.
        with transaction.atomic():
            demo_snapshot.insert(demo_council_rows)
    elif not _held_for_module:
        demo_snapshot.insert(demo_council_rows)
