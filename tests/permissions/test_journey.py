"""The permission matrix for the statutory journey (the table and its cells are explained in matrix.py).

The statutory journey (jour to fchr, issue #4) is read by everyone who may see the child, and recorded and
corrected only by the council's social workers and managers who hold the case (not through emergency
access; a family support worker records visits only).
"""

from __future__ import annotations

import pytest

from tests.permissions.matrix import parse_table, row_outcomes, rows

# Column -> the URL name it exercises. test_whole_site.py fails for any page that has no column in some app.
COLUMNS = {
    "jour": "journey:child-journey",  # the child's statutory journey
    "step": "journey:step",  # record a referral for the child
    "svis": "journey:step",  # record a visit to the child (family support workers may)
    "corr": "journey:record-correct",  # correct the child's referral
    "chr": "journey:child-chronology",  # the child's chronology
    "fchr": "journey:family-chronology",  # the family's chronology
}

# fmt: off
MATRIX = """
role                  relationship jour step svis corr chr  fchr
social_worker         allocated    200  200  200  200  200  200
social_worker         ended        404  404  404  404  404  404
social_worker         same_team    404  404  404  404  404  404
social_worker         other_team   404  404  404  404  404  404
social_worker         none         404  404  404  404  404  404
social_worker         emergency    200  403  403  403  200  200
adult_practitioner    allocated    200  403  403  403  200  200
adult_practitioner    ended        404  404  404  404  404  404
adult_practitioner    same_team    404  404  404  404  404  404
adult_practitioner    other_team   404  404  404  404  404  404
adult_practitioner    none         404  404  404  404  404  404
adult_practitioner    emergency    404  404  404  404  404  404
family_support_worker allocated    200  403  200  403  200  200
family_support_worker ended        404  404  404  404  404  404
family_support_worker same_team    404  404  404  404  404  404
family_support_worker other_team   404  404  404  404  404  404
family_support_worker none         404  404  404  404  404  404
family_support_worker emergency    200  403  403  403  200  200
team_manager          allocated    200  200  200  200  200  200
team_manager          ended        200  200  200  200  200  200
team_manager          same_team    200  200  200  200  200  200
team_manager          other_team   404  404  404  404  404  404
team_manager          none         404  404  404  404  404  404
team_manager          emergency    200  403  403  403  200  200
business_support      allocated    200  403  403  403  200  200
business_support      ended        200  403  403  403  200  200
business_support      same_team    200  403  403  403  200  200
business_support      other_team   404  404  404  404  404  404
business_support      none         404  404  404  404  404  404
business_support      emergency    200  403  403  403  200  200
service_manager       allocated    200  200  200  200  200  200
service_manager       ended        200  200  200  200  200  200
service_manager       same_team    200  200  200  200  200  200
service_manager       other_team   200  200  200  200  200  200
service_manager       none         200  200  200  200  200  200
service_manager       emergency    200  200  200  200  200  200
performance_analyst   allocated    404  404  404  404  404  404
performance_analyst   ended        404  404  404  404  404  404
performance_analyst   same_team    404  404  404  404  404  404
performance_analyst   other_team   404  404  404  404  404  404
performance_analyst   none         404  404  404  404  404  404
performance_analyst   emergency    404  404  404  404  404  404
auditor               allocated    404  404  404  404  404  404
auditor               ended        404  404  404  404  404  404
auditor               same_team    404  404  404  404  404  404
auditor               other_team   404  404  404  404  404  404
auditor               none         404  404  404  404  404  404
auditor               emergency    404  404  404  404  404  404
system_administrator  allocated    404  404  404  404  404  404
system_administrator  ended        404  404  404  404  404  404
system_administrator  same_team    404  404  404  404  404  404
system_administrator  other_team   404  404  404  404  404  404
system_administrator  none         404  404  404  404  404  404
system_administrator  emergency    404  404  404  404  404  404
"""
# fmt: on

EXPECTED = parse_table(COLUMNS, MATRIX)
MATRIX_ROWS = rows(EXPECTED)


@pytest.mark.parametrize(("role", "relationship"), MATRIX_ROWS, ids=[":".join(r) for r in MATRIX_ROWS])
def test_permission_matrix(client, world, role, relationship):
    assert row_outcomes(client, world, role, relationship, COLUMNS) == EXPECTED[(role, relationship)]
