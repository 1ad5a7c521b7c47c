"""The permission matrix for the access app's pages: the basis for sharing the mother's information (basis,
wdrw) and emergency (break-glass) access with its search (emer, esrc). The table and its cells are
explained in matrix.py.
"""

from __future__ import annotations

import pytest

from tests.permissions.matrix import parse_table, row_outcomes, rows

# Column -> the URL name it exercises. test_whole_site.py fails for any page that has no column in some app.
COLUMNS = {
    "basis": "access:sharing-basis-create",  # record the basis for sharing the mother's information
    "wdrw": "access:sharing-basis-withdraw",  # withdraw that basis
    "emer": "access:emergency-access",  # ask for emergency (break-glass) access to a family
    "esrc": "access:emergency-access-search",  # find a family for emergency access by name and birth date
}

# fmt: off
MATRIX = """
role                  relationship basis wdrw emer esrc
social_worker         allocated    403   403  200  200
social_worker         ended        404   404  200  200
social_worker         same_team    404   404  200  200
social_worker         other_team   404   404  200  200
social_worker         none         404   404  200  200
social_worker         emergency    403   403  200  200
adult_practitioner    allocated    403   403  403  403
adult_practitioner    ended        404   404  403  403
adult_practitioner    same_team    404   404  403  403
adult_practitioner    other_team   404   404  403  403
adult_practitioner    none         404   404  403  403
adult_practitioner    emergency    404   404  403  403
family_support_worker allocated    403   403  200  200
family_support_worker ended        404   404  200  200
family_support_worker same_team    404   404  200  200
family_support_worker other_team   404   404  200  200
family_support_worker none         404   404  200  200
family_support_worker emergency    403   403  200  200
team_manager          allocated    200   200  200  200
team_manager          ended        200   200  200  200
team_manager          same_team    200   200  200  200
team_manager          other_team   404   404  200  200
team_manager          none         404   404  200  200
team_manager          emergency    403   403  200  200
business_support      allocated    403   403  200  200
business_support      ended        403   403  200  200
business_support      same_team    403   403  200  200
business_support      other_team   404   404  200  200
business_support      none         404   404  200  200
business_support      emergency    403   403  200  200
service_manager       allocated    200   200  403  403
service_manager       ended        200   200  403  403
service_manager       same_team    200   200  403  403
service_manager       other_team   200   200  403  403
service_manager       none         200   200  403  403
service_manager       emergency    200   200  403  403
performance_analyst   allocated    404   404  403  403
performance_analyst   ended        404   404  403  403
performance_analyst   same_team    404   404  403  403
performance_analyst   other_team   404   404  403  403
performance_analyst   none         404   404  403  403
performance_analyst   emergency    404   404  403  403
auditor               allocated    404   404  403  403
auditor               ended        404   404  403  403
auditor               same_team    404   404  403  403
auditor               other_team   404   404  403  403
auditor               none         404   404  403  403
auditor               emergency    404   404  403  403
system_administrator  allocated    404   404  403  403
system_administrator  ended        404   404  403  403
system_administrator  same_team    404   404  403  403
system_administrator  other_team   404   404  403  403
system_administrator  none         404   404  403  403
system_administrator  emergency    404   404  403  403
"""
# fmt: on

EXPECTED = parse_table(COLUMNS, MATRIX)
MATRIX_ROWS = rows(EXPECTED)


@pytest.mark.parametrize(("role", "relationship"), MATRIX_ROWS, ids=[":".join(r) for r in MATRIX_ROWS])
def test_permission_matrix(client, world, role, relationship):
    assert row_outcomes(client, world, role, relationship, COLUMNS) == EXPECTED[(role, relationship)]
