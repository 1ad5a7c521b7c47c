"""How PostgreSQL finds a worker's deadlines for My tasks: through the indexes, not a read of the table.

"Unowned and of a held family, or owned by the worker" with the held families as IN (subquery) left
PostgreSQL no index to use: it read all 51,000 deadlines of the benchmark council and tested each (35 ms
for the busiest worker). policies._InArray writes the families as an array worked out first, which both
indexes can take. The test data is small enough that a table scan would be the planner's honest choice,
so scans are priced out: the question is whether an index plan exists at all.
"""

from __future__ import annotations

import pytest
from django.db import connection, transaction

from safeguarding.accounts.tests.factories import UserFactory
from safeguarding.tasks import policies

pytestmark = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="SQLite's plan is pinned in test_my_tasks_query.py"
)


@pytest.mark.django_db
def test_my_tasks_can_look_deadlines_up_by_index():
    worker = UserFactory()
    sql, params = policies.deadlines_for_tasks(worker).query.sql_with_params()
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute("EXPLAIN " + sql, params)
        plan = "\n".join(row[0] for row in cursor.fetchall())
    assert "Seq Scan on tasks_deadline" not in plan, plan
    assert "BitmapOr" in plan, plan
