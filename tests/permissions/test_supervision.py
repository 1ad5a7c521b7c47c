"""The permission matrix for group supervision (issue #10; the table and its cells are explained in
matrix.py).

The team's supervisions page (svh, svtm) is for team managers (their own team) and service managers (every
team); nobody else has one (403), and another team's page is "not found". The pack (svpk) is for everyone
invited: the family's current allocations and its managers; business support and emergency
(break-glass) access may open the family but not its supervision (403). The family's managers schedule and
reschedule (svsc, svrs). Only the chair (the family's team manager, or the deputy they named: in the
world, the lead social worker, who is not a row) records the meeting, signs it off and marks any action
done (svrc, svso, svdn): a service manager oversees but does not chair. The family's managers add addenda
to a signed-off record (svad).
"""

from __future__ import annotations

import pytest

from tests.permissions.matrix import parse_table, row_outcomes, rows

COLUMNS = {
    "svh": "supervision:home",  # the user's supervisions page (a team manager is sent to their team's)
    "svtm": "supervision:team",  # the home team's supervisions by day, and its overdue families
    "svfm": "supervision:family",  # the family's supervision (sends to the next one's pack)
    "svsc": "supervision:schedule",  # schedule one (sends to reschedule: one is booked)
    "svpk": "supervision:pack",  # the next supervision's pack
    "svrs": "supervision:reschedule",  # reschedule it
    "svrc": "supervision:record",  # record the meeting
    "svso": "supervision:sign-off",  # sign it off
    "svad": "supervision:addendum",  # add to the last, signed-off, record
    "svdn": "supervision:action-done",  # mark the last supervision's action (the lead's) done
}

# fmt: off
MATRIX = """
role                  relationship svh  svtm svfm svsc svpk svrs svrc svso svad svdn
social_worker         allocated    403  403  302  403  200  403  403  403  403  403
social_worker         ended        403  403  404  404  404  404  404  404  404  404
social_worker         same_team    403  403  404  404  404  404  404  404  404  404
social_worker         other_team   403  403  404  404  404  404  404  404  404  404
social_worker         none         403  403  404  404  404  404  404  404  404  404
social_worker         emergency    403  403  403  403  403  403  403  403  403  403
adult_practitioner    allocated    403  403  302  403  200  403  403  403  403  403
adult_practitioner    ended        403  403  404  404  404  404  404  404  404  404
adult_practitioner    same_team    403  403  404  404  404  404  404  404  404  404
adult_practitioner    other_team   403  403  404  404  404  404  404  404  404  404
adult_practitioner    none         403  403  404  404  404  404  404  404  404  404
adult_practitioner    emergency    403  403  404  404  404  404  404  404  404  404
family_support_worker allocated    403  403  302  403  200  403  403  403  403  403
family_support_worker ended        403  403  404  404  404  404  404  404  404  404
family_support_worker same_team    403  403  404  404  404  404  404  404  404  404
family_support_worker other_team   403  403  404  404  404  404  404  404  404  404
family_support_worker none         403  403  404  404  404  404  404  404  404  404
family_support_worker emergency    403  403  403  403  403  403  403  403  403  403
team_manager          allocated    302  200  302  302  200  200  200  200  200  200
team_manager          ended        302  200  302  302  200  200  200  200  200  200
team_manager          same_team    302  200  302  302  200  200  200  200  200  200
team_manager          other_team   302  404  404  404  404  404  404  404  404  404
team_manager          none         403  403  404  404  404  404  404  404  404  404
team_manager          emergency    302  404  403  403  403  403  403  403  403  403
business_support      allocated    403  403  403  403  403  403  403  403  403  403
business_support      ended        403  403  403  403  403  403  403  403  403  403
business_support      same_team    403  403  403  403  403  403  403  403  403  403
business_support      other_team   403  403  404  404  404  404  404  404  404  404
business_support      none         403  403  404  404  404  404  404  404  404  404
business_support      emergency    403  403  403  403  403  403  403  403  403  403
service_manager       allocated    200  200  302  302  200  200  403  403  200  403
service_manager       ended        200  200  302  302  200  200  403  403  200  403
service_manager       same_team    200  200  302  302  200  200  403  403  200  403
service_manager       other_team   200  200  302  302  200  200  403  403  200  403
service_manager       none         200  200  302  302  200  200  403  403  200  403
service_manager       emergency    200  200  302  302  200  200  403  403  200  403
performance_analyst   allocated    403  403  404  404  404  404  404  404  404  404
performance_analyst   ended        403  403  404  404  404  404  404  404  404  404
performance_analyst   same_team    403  403  404  404  404  404  404  404  404  404
performance_analyst   other_team   403  403  404  404  404  404  404  404  404  404
performance_analyst   none         403  403  404  404  404  404  404  404  404  404
performance_analyst   emergency    403  403  404  404  404  404  404  404  404  404
auditor               allocated    403  403  404  404  404  404  404  404  404  404
auditor               ended        403  403  404  404  404  404  404  404  404  404
auditor               same_team    403  403  404  404  404  404  404  404  404  404
auditor               other_team   403  403  404  404  404  404  404  404  404  404
auditor               none         403  403  404  404  404  404  404  404  404  404
auditor               emergency    403  403  404  404  404  404  404  404  404  404
system_administrator  allocated    403  403  404  404  404  404  404  404  404  404
system_administrator  ended        403  403  404  404  404  404  404  404  404  404
system_administrator  same_team    403  403  404  404  404  404  404  404  404  404
system_administrator  other_team   403  403  404  404  404  404  404  404  404  404
system_administrator  none         403  403  404  404  404  404  404  404  404  404
system_administrator  emergency    403  403  404  404  404  404  404  404  404  404
"""
# fmt: on

EXPECTED = parse_table(COLUMNS, MATRIX)
MATRIX_ROWS = rows(EXPECTED)


@pytest.mark.parametrize(("role", "relationship"), MATRIX_ROWS, ids=[":".join(r) for r in MATRIX_ROWS])
def test_permission_matrix(client, world, role, relationship):
    assert row_outcomes(client, world, role, relationship, COLUMNS) == EXPECTED[(role, relationship)]
