"""The permission matrix for My tasks and Timeliness (the table and its cells are explained in matrix.py).

My tasks is for council children's social care staff and the team's adult practitioners (their own tasks); Timeliness for team managers (their own team) and
service managers. Someone with no Timeliness page at all is refused a team's page (403); a team manager
asking for another team's gets 404.
"""

from __future__ import annotations

import pytest

from tests.permissions.matrix import parse_table, row_outcomes, rows

# Column -> the URL name it exercises. test_whole_site.py fails for any page that has no column in some app.
COLUMNS = {
    "task": "tasks:my-tasks",  # My tasks (the user's own deadlines; no family in the URL)
    "time": "tasks:timeliness",  # Timeliness (302: a team manager is sent to their own team)
    "ttim": "tasks:team-timeliness",  # the family's team's timeliness
    "tovd": "tasks:team-overdue",  # the family's team's overdue deadlines
}

# fmt: off
MATRIX = """
role                  relationship task time ttim tovd
social_worker         allocated    200  403  403  403
social_worker         ended        200  403  403  403
social_worker         same_team    200  403  403  403
social_worker         other_team   200  403  403  403
social_worker         none         200  403  403  403
social_worker         emergency    200  403  403  403
adult_practitioner    allocated    200  403  403  403
adult_practitioner    ended        200  403  403  403
adult_practitioner    same_team    200  403  403  403
adult_practitioner    other_team   200  403  403  403
adult_practitioner    none         200  403  403  403
adult_practitioner    emergency    200  403  403  403
family_support_worker allocated    200  403  403  403
family_support_worker ended        200  403  403  403
family_support_worker same_team    200  403  403  403
family_support_worker other_team   200  403  403  403
family_support_worker none         200  403  403  403
family_support_worker emergency    200  403  403  403
team_manager          allocated    200  302  200  200
team_manager          ended        200  302  200  200
team_manager          same_team    200  302  200  200
team_manager          other_team   200  302  404  404
team_manager          none         200  403  403  403
team_manager          emergency    200  302  404  404
business_support      allocated    403  403  403  403
business_support      ended        403  403  403  403
business_support      same_team    403  403  403  403
business_support      other_team   403  403  403  403
business_support      none         403  403  403  403
business_support      emergency    403  403  403  403
service_manager       allocated    200  200  200  200
service_manager       ended        200  200  200  200
service_manager       same_team    200  200  200  200
service_manager       other_team   200  200  200  200
service_manager       none         200  200  200  200
service_manager       emergency    200  200  200  200
performance_analyst   allocated    403  403  403  403
performance_analyst   ended        403  403  403  403
performance_analyst   same_team    403  403  403  403
performance_analyst   other_team   403  403  403  403
performance_analyst   none         403  403  403  403
performance_analyst   emergency    403  403  403  403
auditor               allocated    403  403  403  403
auditor               ended        403  403  403  403
auditor               same_team    403  403  403  403
auditor               other_team   403  403  403  403
auditor               none         403  403  403  403
auditor               emergency    403  403  403  403
system_administrator  allocated    403  403  403  403
system_administrator  ended        403  403  403  403
system_administrator  same_team    403  403  403  403
system_administrator  other_team   403  403  403  403
system_administrator  none         403  403  403  403
system_administrator  emergency    403  403  403  403
"""
# fmt: on

EXPECTED = parse_table(COLUMNS, MATRIX)
MATRIX_ROWS = rows(EXPECTED)


@pytest.mark.parametrize(("role", "relationship"), MATRIX_ROWS, ids=[":".join(r) for r in MATRIX_ROWS])
def test_permission_matrix(client, world, role, relationship):
    assert row_outcomes(client, world, role, relationship, COLUMNS) == EXPECTED[(role, relationship)]
