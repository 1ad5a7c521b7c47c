"""How My tasks (and the overdue drill-down for one worker) finds a worker's deadlines: through the
families they hold (or the team's), not every unowned deadline in the council.

A worker with two hundred deadlines opens My tasks many times a day. Without table statistics SQLite took
"owner is null" to be a narrow lookup on the owner index and read every unowned deadline in the council
to keep the worker's few: the page took twice as long on the benchmark council (issue #8). PostgreSQL
keeps statistics and is not asked here.
"""

from __future__ import annotations

import datetime

import pytest
from django.db import connection

from safeguarding.accounts.tests.factories import TeamFactory, UserFactory
from safeguarding.tasks import policies, selectors

pytestmark = pytest.mark.skipif(
    connection.vendor != "sqlite", reason="SQLite's planner has no statistics; PostgreSQL's plans by them"
)

MONDAY = datetime.date(2026, 3, 2)


def _plan(queryset) -> list[str]:
    sql, params = queryset.query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute("EXPLAIN QUERY PLAN " + sql, params)
        return [row[-1] for row in cursor.fetchall()]


@pytest.mark.django_db
def test_my_tasks_looks_deadlines_up_by_the_workers_families():
    worker = UserFactory()
    plan = _plan(policies.deadlines_for_tasks(worker))
    deadline_searches = [step for step in plan if step.startswith("SEARCH tasks_deadline")]
    # One lookup for the held families' deadlines, one for the worker's own tasks; no scan of the table.
    assert not [step for step in plan if step.startswith("SCAN tasks_deadline")], plan
    assert any("(family_id=?)" in step for step in deadline_searches), plan
    # The owner index answers "whose task is this" (the worker's own tasks), never "has it no owner".
    assert len([step for step in deadline_searches if "(owner_id=?)" in step]) == 1, plan


@pytest.mark.django_db
def test_the_overdue_drill_down_for_one_worker_looks_deadlines_up_by_the_teams_families():
    team = TeamFactory()
    manager = UserFactory(role="team_manager", team=team)
    worker = UserFactory(team=team)
    deadlines = selectors.team_overdue_deadlines(manager, team, today=MONDAY, worker=worker)
    plan = _plan(deadlines)
    assert not [step for step in plan if step.startswith("SCAN tasks_deadline")], plan
    assert any(step.startswith("SEARCH tasks_deadline") and "(family_id=?" in step for step in plan), plan
