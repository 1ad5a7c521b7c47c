"""The permission matrix for the case file's pages: the family and person pages, their forms, My families,
search and Team caseload (the table and its cells are explained in matrix.py).

A partner-agency adult practitioner (a charity here; other agency kinds are checked in test_whole_site.py)
reads what they are allocated to but never changes identity details: the council is the data controller.
"""

from __future__ import annotations

import pytest

from tests.permissions.matrix import parse_table, row_outcomes, rows

# Column -> the URL name it exercises. test_whole_site.py fails for any page that has no column in some app.
COLUMNS = {
    "fam": "casefile:family-detail",  # open the family page
    "pers": "casefile:person-detail",  # open a child's page
    "edit": "casefile:family-edit",  # change the family's details
    "ed_p": "casefile:person-edit",  # change a person's identity details
    "addp": "casefile:person-create",  # add a person to the family
    "rel": "casefile:relationship-create",  # record a relationship
    "addr": "casefile:address-create",  # record a new address
    "allo": "casefile:allocation-create",  # allocate a worker
    "end": "casefile:allocation-end",  # end a worker's allocation
    "newf": "casefile:family-create",  # create a family (no family yet: depends on role and team)
    "mine": "casefile:my-families",  # the family is listed on My families
    "srch": "casefile:search",  # the child is found by search
    "load": "casefile:team-caseload",  # open Team caseload
    "adet": "casefile:adult-detail-create",  # record the mother's health, substance or offending detail
}

# fmt: off
MATRIX = """
role                  relationship fam  pers edit ed_p addp rel  addr allo end  newf mine srch load adet
social_worker         allocated    200  200  200  200  200  200  200  403  403  200  yes  yes  403  403
social_worker         ended        404  404  404  404  404  404  404  404  404  200  no   no   403  404
social_worker         same_team    404  404  404  404  404  404  404  404  404  200  no   no   403  404
social_worker         other_team   404  404  404  404  404  404  404  404  404  200  no   no   403  404
social_worker         none         404  404  404  404  404  404  404  404  404  403  no   no   403  404
social_worker         emergency    200  200  403  403  403  403  403  403  403  200  no   yes  403  403
adult_practitioner    allocated    200  200  403  403  403  403  403  403  403  403  yes  yes  403  403
adult_practitioner    ended        404  404  404  404  404  404  404  404  404  403  no   no   403  404
adult_practitioner    same_team    404  404  404  404  404  404  404  404  404  403  no   no   403  404
adult_practitioner    other_team   404  404  404  404  404  404  404  404  404  403  no   no   403  404
adult_practitioner    none         404  404  404  404  404  404  404  404  404  403  no   no   403  404
adult_practitioner    emergency    404  404  404  404  404  404  404  404  404  403  no   no   403  404
family_support_worker allocated    200  200  200  200  200  200  200  403  403  200  yes  yes  403  403
family_support_worker ended        404  404  404  404  404  404  404  404  404  200  no   no   403  404
family_support_worker same_team    404  404  404  404  404  404  404  404  404  200  no   no   403  404
family_support_worker other_team   404  404  404  404  404  404  404  404  404  200  no   no   403  404
family_support_worker none         404  404  404  404  404  404  404  404  404  403  no   no   403  404
family_support_worker emergency    200  200  403  403  403  403  403  403  403  200  no   yes  403  403
team_manager          allocated    200  200  200  200  200  200  200  200  200  200  yes  yes  200  200
team_manager          ended        200  200  200  200  200  200  200  200  200  200  no   yes  200  200
team_manager          same_team    200  200  200  200  200  200  200  200  200  200  no   yes  200  200
team_manager          other_team   404  404  404  404  404  404  404  404  404  200  no   no   200  404
team_manager          none         404  404  404  404  404  404  404  404  404  403  no   no   403  404
team_manager          emergency    200  200  403  403  403  403  403  403  403  200  no   yes  200  403
business_support      allocated    200  200  200  200  200  200  200  403  403  200  yes  yes  403  403
business_support      ended        200  200  200  200  200  200  200  403  403  200  no   yes  403  403
business_support      same_team    200  200  200  200  200  200  200  403  403  200  no   yes  403  403
business_support      other_team   404  404  404  404  404  404  404  404  404  200  no   no   403  404
business_support      none         404  404  404  404  404  404  404  404  404  403  no   no   403  404
business_support      emergency    200  200  403  403  403  403  403  403  403  200  no   yes  403  403
service_manager       allocated    200  200  200  200  200  200  200  200  200  200  yes  yes  200  200
service_manager       ended        200  200  200  200  200  200  200  200  200  200  no   yes  200  200
service_manager       same_team    200  200  200  200  200  200  200  200  200  200  no   yes  200  200
service_manager       other_team   200  200  200  200  200  200  200  200  200  200  no   yes  200  200
service_manager       none         200  200  200  200  200  200  200  200  200  200  no   yes  200  200
service_manager       emergency    200  200  200  200  200  200  200  200  200  200  no   yes  200  200
performance_analyst   allocated    404  404  404  404  404  404  404  404  404  403  no   403  403  404
performance_analyst   ended        404  404  404  404  404  404  404  404  404  403  no   403  403  404
performance_analyst   same_team    404  404  404  404  404  404  404  404  404  403  no   403  403  404
performance_analyst   other_team   404  404  404  404  404  404  404  404  404  403  no   403  403  404
performance_analyst   none         404  404  404  404  404  404  404  404  404  403  no   403  403  404
performance_analyst   emergency    404  404  404  404  404  404  404  404  404  403  no   403  403  404
auditor               allocated    404  404  404  404  404  404  404  404  404  403  no   403  403  404
auditor               ended        404  404  404  404  404  404  404  404  404  403  no   403  403  404
auditor               same_team    404  404  404  404  404  404  404  404  404  403  no   403  403  404
auditor               other_team   404  404  404  404  404  404  404  404  404  403  no   403  403  404
auditor               none         404  404  404  404  404  404  404  404  404  403  no   403  403  404
auditor               emergency    404  404  404  404  404  404  404  404  404  403  no   403  403  404
system_administrator  allocated    404  404  404  404  404  404  404  404  404  403  no   403  403  404
system_administrator  ended        404  404  404  404  404  404  404  404  404  403  no   403  403  404
system_administrator  same_team    404  404  404  404  404  404  404  404  404  403  no   403  403  404
system_administrator  other_team   404  404  404  404  404  404  404  404  404  403  no   403  403  404
system_administrator  none         404  404  404  404  404  404  404  404  404  403  no   403  403  404
system_administrator  emergency    404  404  404  404  404  404  404  404  404  403  no   403  403  404
"""
# fmt: on

EXPECTED = parse_table(COLUMNS, MATRIX)
MATRIX_ROWS = rows(EXPECTED)


@pytest.mark.parametrize(("role", "relationship"), MATRIX_ROWS, ids=[":".join(r) for r in MATRIX_ROWS])
def test_permission_matrix(client, world, role, relationship):
    assert row_outcomes(client, world, role, relationship, COLUMNS) == EXPECTED[(role, relationship)]
