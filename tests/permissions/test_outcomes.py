"""The permission matrix for Outcomes (issue #12; the table and its cells are explained in matrix.py).

Outcomes is figures only, for no family in particular, like Parent outcomes (tests/permissions/
test_measures.py, column mso): performance analysts and service managers see the whole council and any
team, a team manager their own team beside the whole council (whichever family they are allocated to; a
team manager with no team has none, 403); everyone else, partner agencies' practitioners included, 403.
The drill-down to the children behind a figure (och) is for managers only: a performance analyst works
with aggregates and never sees a name (403). Working the figures out again (orf) is a button (POST) for
whoever may see them, answered with a redirect back to the page.
"""

from __future__ import annotations

import pytest

from tests.permissions.matrix import parse_table, row_outcomes, rows

COLUMNS = {
    "ooh": "outcomes:home",  # the council's figures by month and year
    "oev": "outcomes:evaluation",  # the 18-month cohorts and the evaluation measures
    "omo": "outcomes:monthly",  # the monthly indicator table
    "osc": "outcomes:similar",  # the DfE's published figures beside the statistical neighbours
    "och": "outcomes:children",  # the children behind a figure (names)
    "orf": "outcomes:refresh",  # work the figures out again (POST)
}

# fmt: off
MATRIX = """
role                  relationship ooh  oev  omo  osc  och  orf
social_worker         allocated    403  403  403  403  403  403
social_worker         ended        403  403  403  403  403  403
social_worker         same_team    403  403  403  403  403  403
social_worker         other_team   403  403  403  403  403  403
social_worker         none         403  403  403  403  403  403
social_worker         emergency    403  403  403  403  403  403
adult_practitioner    allocated    403  403  403  403  403  403
adult_practitioner    ended        403  403  403  403  403  403
adult_practitioner    same_team    403  403  403  403  403  403
adult_practitioner    other_team   403  403  403  403  403  403
adult_practitioner    none         403  403  403  403  403  403
adult_practitioner    emergency    403  403  403  403  403  403
family_support_worker allocated    403  403  403  403  403  403
family_support_worker ended        403  403  403  403  403  403
family_support_worker same_team    403  403  403  403  403  403
family_support_worker other_team   403  403  403  403  403  403
family_support_worker none         403  403  403  403  403  403
family_support_worker emergency    403  403  403  403  403  403
team_manager          allocated    200  200  200  200  200  302
team_manager          ended        200  200  200  200  200  302
team_manager          same_team    200  200  200  200  200  302
team_manager          other_team   200  200  200  200  200  302
team_manager          none         403  403  403  403  403  403
team_manager          emergency    200  200  200  200  200  302
business_support      allocated    403  403  403  403  403  403
business_support      ended        403  403  403  403  403  403
business_support      same_team    403  403  403  403  403  403
business_support      other_team   403  403  403  403  403  403
business_support      none         403  403  403  403  403  403
business_support      emergency    403  403  403  403  403  403
service_manager       allocated    200  200  200  200  200  302
service_manager       ended        200  200  200  200  200  302
service_manager       same_team    200  200  200  200  200  302
service_manager       other_team   200  200  200  200  200  302
service_manager       none         200  200  200  200  200  302
service_manager       emergency    200  200  200  200  200  302
performance_analyst   allocated    200  200  200  200  403  302
performance_analyst   ended        200  200  200  200  403  302
performance_analyst   same_team    200  200  200  200  403  302
performance_analyst   other_team   200  200  200  200  403  302
performance_analyst   none         200  200  200  200  403  302
performance_analyst   emergency    200  200  200  200  403  302
auditor               allocated    403  403  403  403  403  403
auditor               ended        403  403  403  403  403  403
auditor               same_team    403  403  403  403  403  403
auditor               other_team   403  403  403  403  403  403
auditor               none         403  403  403  403  403  403
auditor               emergency    403  403  403  403  403  403
system_administrator  allocated    403  403  403  403  403  403
system_administrator  ended        403  403  403  403  403  403
system_administrator  same_team    403  403  403  403  403  403
system_administrator  other_team   403  403  403  403  403  403
system_administrator  none         403  403  403  403  403  403
system_administrator  emergency    403  403  403  403  403  403
"""
# fmt: on

EXPECTED = parse_table(COLUMNS, MATRIX)
MATRIX_ROWS = rows(EXPECTED)


@pytest.mark.parametrize(("role", "relationship"), MATRIX_ROWS, ids=[":".join(r) for r in MATRIX_ROWS])
def test_permission_matrix(client, world, role, relationship):
    assert row_outcomes(client, world, role, relationship, COLUMNS) == EXPECTED[(role, relationship)]
