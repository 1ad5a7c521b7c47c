"""The permission matrix for readiness to change (issue #10 item 6; the table and its cells are explained in
matrix.py).

An adult's readiness history is the family team's practice record, like the Workbook: everyone allocated
and the family's managers open it (rdh); business support and emergency (break-glass) access may open the
family but not this page (403). What it shows follows the sensitivity rules: the mother's readings are
special-category data about her, and the world's basis for sharing covers the lead and managers only, so
an allocated worker who is not her own practitioner sees "Restricted" (test_restricted_cells below).

Recording (rdr) and correcting (rdc) are for her own practitioners, the lead and social workers on the
case, and the family's team manager, each only if they may read her readings: in the matrix that is the
team manager (nobody else is her practitioner or a social worker on the case; a service manager reads but
does not record). A correction of a reading the user may not read answers "not found" (404), as for any
record they may not see.
"""

from __future__ import annotations

import pytest
from django.urls import reverse

from safeguarding.readiness.services import CORRECT_DRAFT_TYPE, NEW_DRAFT_TYPE, new_draft_id
from safeguarding.workbook.models import TextDraft
from tests.permissions.matrix import make_user, parse_table, row_outcomes, rows

COLUMNS = {
    "rdh": "readiness:history",  # the mother's readiness history
    "rdr": "readiness:record",  # record a reading for her
    "rdc": "readiness:correct",  # correct the reading recorded
}

# fmt: off
MATRIX = """
role                  relationship rdh  rdr  rdc
social_worker         allocated    200  403  404
social_worker         ended        404  404  404
social_worker         same_team    404  404  404
social_worker         other_team   404  404  404
social_worker         none         404  404  404
social_worker         emergency    403  403  403
adult_practitioner    allocated    200  403  404
adult_practitioner    ended        404  404  404
adult_practitioner    same_team    404  404  404
adult_practitioner    other_team   404  404  404
adult_practitioner    none         404  404  404
adult_practitioner    emergency    404  404  404
family_support_worker allocated    200  403  404
family_support_worker ended        404  404  404
family_support_worker same_team    404  404  404
family_support_worker other_team   404  404  404
family_support_worker none         404  404  404
family_support_worker emergency    403  403  403
team_manager          allocated    200  200  200
team_manager          ended        200  200  200
team_manager          same_team    200  200  200
team_manager          other_team   404  404  404
team_manager          none         404  404  404
team_manager          emergency    403  403  403
business_support      allocated    200  403  404
business_support      ended        403  403  403
business_support      same_team    403  403  403
business_support      other_team   404  404  404
business_support      none         404  404  404
business_support      emergency    403  403  403
service_manager       allocated    200  403  403
service_manager       ended        200  403  403
service_manager       same_team    200  403  403
service_manager       other_team   200  403  403
service_manager       none         200  403  403
service_manager       emergency    200  403  403
performance_analyst   allocated    404  404  404
performance_analyst   ended        404  404  404
performance_analyst   same_team    404  404  404
performance_analyst   other_team   404  404  404
performance_analyst   none         404  404  404
performance_analyst   emergency    404  404  404
auditor               allocated    404  404  404
auditor               ended        404  404  404
auditor               same_team    404  404  404
auditor               other_team   404  404  404
auditor               none         404  404  404
auditor               emergency    404  404  404
system_administrator  allocated    404  404  404
system_administrator  ended        404  404  404
system_administrator  same_team    404  404  404
system_administrator  other_team   404  404  404
system_administrator  none         404  404  404
system_administrator  emergency    404  404  404
"""
# fmt: on

EXPECTED = parse_table(COLUMNS, MATRIX)
MATRIX_ROWS = rows(EXPECTED)


@pytest.mark.parametrize(("role", "relationship"), MATRIX_ROWS, ids=[":".join(r) for r in MATRIX_ROWS])
def test_permission_matrix(client, world, role, relationship):
    assert row_outcomes(client, world, role, relationship, COLUMNS) == EXPECTED[(role, relationship)]


ROWS = sorted(k for k, row in EXPECTED.items() if row["rdh"] == "200")


@pytest.mark.parametrize(("role", "relationship"), ROWS, ids=[":".join(r) for r in ROWS])
def test_who_opens_the_history_sees_the_readings_or_restricted(client, world, role, relationship):
    """The history opens for the team; its readings show to the family's managers (the basis covers them)
    and to nobody else in the matrix."""
    client.force_login(make_user(role, relationship, world))
    page = client.get(reverse(COLUMNS["rdh"], args=[world["family"].pk, world["mother"].pk])).content.decode()
    managers = role == "service_manager" or (role == "team_manager" and relationship != "other_team")
    assert ("Synthetic words" in page) == managers
    assert ("Restricted" in page) == (not managers)


ALL_ROWS = sorted(EXPECTED)


@pytest.mark.parametrize(("role", "relationship"), ALL_ROWS, ids=[":".join(r) for r in ALL_ROWS])
def test_nobody_who_may_not_record_keeps_a_draft_of_a_reading(client, world, role, relationship):
    """The autosave endpoint takes a draft of a new reading or a correction only from someone who may
    record: for everyone else it answers not found and keeps nothing."""
    client.force_login(make_user(role, relationship, world))
    family, mother = world["family"], world["mother"]
    may_record = EXPECTED[(role, relationship)]["rdr"] == "200"
    for record_type, record_id in (
        (NEW_DRAFT_TYPE, new_draft_id(family.pk, mother.pk)),
        (CORRECT_DRAFT_TYPE, world["readiness"].pk),
    ):
        response = client.post(
            reverse("workbook:draft-save", args=[family.pk, record_type, record_id]),
            {"version": "1", "in_their_words": "Drafted"},
        )
        assert response.status_code == (200 if may_record else 404), record_type
    assert TextDraft.objects.exists() == may_record
