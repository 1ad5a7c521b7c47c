"""The permission matrix for the audit pages (the table and its cells are explained in matrix.py).

The audit pages (alog to ucsv) follow the audit policy, not the case policy: a record's access log and
subject access answer 404 to everyone but the family's team manager (logs only), service managers and
the auditor, even to workers who may open the record itself; the auditor, who has no case pages, may
open every record's log.
"""

from __future__ import annotations

import pytest

from tests.permissions.matrix import parse_table, row_outcomes, rows

# Column -> the URL name it exercises. test_whole_site.py fails for any page that has no column in some app.
COLUMNS = {
    "alog": "governance:family-access-log",  # who has seen the family's record
    "acsv": "governance:family-access-log-csv",  # download it as CSV
    "plog": "governance:person-access-log",  # who has seen the child's record
    "pcsv": "governance:person-access-log-csv",  # download it as CSV
    "sar": "governance:subject-access",  # the child's subject access bundle (the page offering it)
    "audt": "governance:home",  # the audit landing page (find a record's log)
    "unus": "governance:unusual-access",  # the unusual-access report
    "ucsv": "governance:unusual-access-csv",  # download it as CSV
}

# fmt: off
MATRIX = """
role                  relationship alog acsv plog pcsv sar  audt unus ucsv
social_worker         allocated    404  404  404  404  404  403  403  403
social_worker         ended        404  404  404  404  404  403  403  403
social_worker         same_team    404  404  404  404  404  403  403  403
social_worker         other_team   404  404  404  404  404  403  403  403
social_worker         none         404  404  404  404  404  403  403  403
social_worker         emergency    404  404  404  404  404  403  403  403
adult_practitioner    allocated    404  404  404  404  404  403  403  403
adult_practitioner    ended        404  404  404  404  404  403  403  403
adult_practitioner    same_team    404  404  404  404  404  403  403  403
adult_practitioner    other_team   404  404  404  404  404  403  403  403
adult_practitioner    none         404  404  404  404  404  403  403  403
adult_practitioner    emergency    404  404  404  404  404  403  403  403
family_support_worker allocated    404  404  404  404  404  403  403  403
family_support_worker ended        404  404  404  404  404  403  403  403
family_support_worker same_team    404  404  404  404  404  403  403  403
family_support_worker other_team   404  404  404  404  404  403  403  403
family_support_worker none         404  404  404  404  404  403  403  403
family_support_worker emergency    404  404  404  404  404  403  403  403
team_manager          allocated    200  200  200  200  404  403  403  403
team_manager          ended        200  200  200  200  404  403  403  403
team_manager          same_team    200  200  200  200  404  403  403  403
team_manager          other_team   404  404  404  404  404  403  403  403
team_manager          none         404  404  404  404  404  403  403  403
team_manager          emergency    404  404  404  404  404  403  403  403
business_support      allocated    404  404  404  404  404  403  403  403
business_support      ended        404  404  404  404  404  403  403  403
business_support      same_team    404  404  404  404  404  403  403  403
business_support      other_team   404  404  404  404  404  403  403  403
business_support      none         404  404  404  404  404  403  403  403
business_support      emergency    404  404  404  404  404  403  403  403
service_manager       allocated    200  200  200  200  200  200  200  200
service_manager       ended        200  200  200  200  200  200  200  200
service_manager       same_team    200  200  200  200  200  200  200  200
service_manager       other_team   200  200  200  200  200  200  200  200
service_manager       none         200  200  200  200  200  200  200  200
service_manager       emergency    200  200  200  200  200  200  200  200
performance_analyst   allocated    404  404  404  404  404  403  403  403
performance_analyst   ended        404  404  404  404  404  403  403  403
performance_analyst   same_team    404  404  404  404  404  403  403  403
performance_analyst   other_team   404  404  404  404  404  403  403  403
performance_analyst   none         404  404  404  404  404  403  403  403
performance_analyst   emergency    404  404  404  404  404  403  403  403
auditor               allocated    200  200  200  200  200  200  200  200
auditor               ended        200  200  200  200  200  200  200  200
auditor               same_team    200  200  200  200  200  200  200  200
auditor               other_team   200  200  200  200  200  200  200  200
auditor               none         200  200  200  200  200  200  200  200
auditor               emergency    200  200  200  200  200  200  200  200
system_administrator  allocated    404  404  404  404  404  403  403  403
system_administrator  ended        404  404  404  404  404  403  403  403
system_administrator  same_team    404  404  404  404  404  403  403  403
system_administrator  other_team   404  404  404  404  404  403  403  403
system_administrator  none         404  404  404  404  404  403  403  403
system_administrator  emergency    404  404  404  404  404  403  403  403
"""
# fmt: on

EXPECTED = parse_table(COLUMNS, MATRIX)
MATRIX_ROWS = rows(EXPECTED)


@pytest.mark.parametrize(("role", "relationship"), MATRIX_ROWS, ids=[":".join(r) for r in MATRIX_ROWS])
def test_permission_matrix(client, world, role, relationship):
    assert row_outcomes(client, world, role, relationship, COLUMNS) == EXPECTED[(role, relationship)]
