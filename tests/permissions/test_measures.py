"""The permission matrix for parent measures (issue #11; the table and its cells are explained in matrix.py).

An adult's measures page (msh) is the family team's practice record, like the Workbook and readiness:
everyone allocated and the family's managers open it; business support and emergency (break-glass) access
may open the family but not this page (403). What it shows follows the sensitivity rules: the mother's
measures are special-category data about her, and the world's basis for sharing covers the lead and
managers only, so an allocated worker who is not her own practitioner sees "Restricted"
(test_who_opens_the_page_sees_the_measures_or_restricted below), and her result page (msv) is "not found"
for them, as for any record they may not see.

Choosing (msn) and recording (msr) a questionnaire, and correcting one (msc), are for her own
practitioners, the lead and social workers on the case, and the family's team manager, each only if they
may read her measures: in the matrix that is the team manager (a service manager reads but does not
record). The alert page (msa) opens for the team, its reason withheld as the measures are; closing the
alert is for its owner (the lead, not in the matrix) and the family's team manager (test_who_closes_the_alert).

Parent outcomes (mso) is figures only, for no family in particular: performance analysts and service
managers see every team, a team manager their own (whichever family they are allocated to; a team manager
with no team has none to see, 403); everyone else, the partner agencies' practitioners included, 403.
"""

from __future__ import annotations

import pytest
from django.urls import reverse

from safeguarding.measures.models import MeasureAlert
from tests.permissions.matrix import make_user, parse_table, row_outcomes, rows

COLUMNS = {
    "msh": "measures:history",  # the mother's measures: a chart and a table per instrument
    "msn": "measures:choose",  # choose a questionnaire to record for her
    "msr": "measures:record",  # record a PHQ-9 for her
    "msv": "measures:result",  # the PHQ-9 recorded, with its change since last time
    "msc": "measures:correct",  # correct it
    "msa": "measures:alert",  # the safety check it raised (and closing it)
    "mso": "measures:outcomes",  # Parent outcomes: the council's before and after, figures only
}

# fmt: off
MATRIX = """
role                  relationship msh  msn  msr  msv  msc  msa  mso
social_worker         allocated    200  403  403  404  404  200  403
social_worker         ended        404  404  404  404  404  404  403
social_worker         same_team    404  404  404  404  404  404  403
social_worker         other_team   404  404  404  404  404  404  403
social_worker         none         404  404  404  404  404  404  403
social_worker         emergency    403  403  403  403  403  403  403
adult_practitioner    allocated    200  403  403  404  404  200  403
adult_practitioner    ended        404  404  404  404  404  404  403
adult_practitioner    same_team    404  404  404  404  404  404  403
adult_practitioner    other_team   404  404  404  404  404  404  403
adult_practitioner    none         404  404  404  404  404  404  403
adult_practitioner    emergency    404  404  404  404  404  404  403
family_support_worker allocated    200  403  403  404  404  200  403
family_support_worker ended        404  404  404  404  404  404  403
family_support_worker same_team    404  404  404  404  404  404  403
family_support_worker other_team   404  404  404  404  404  404  403
family_support_worker none         404  404  404  404  404  404  403
family_support_worker emergency    403  403  403  403  403  403  403
team_manager          allocated    200  200  200  200  200  200  200
team_manager          ended        200  200  200  200  200  200  200
team_manager          same_team    200  200  200  200  200  200  200
team_manager          other_team   404  404  404  404  404  404  200
team_manager          none         404  404  404  404  404  404  403
team_manager          emergency    403  403  403  403  403  403  200
business_support      allocated    200  403  403  404  404  200  403
business_support      ended        403  403  403  403  403  403  403
business_support      same_team    403  403  403  403  403  403  403
business_support      other_team   404  404  404  404  404  404  403
business_support      none         404  404  404  404  404  404  403
business_support      emergency    403  403  403  403  403  403  403
service_manager       allocated    200  403  403  200  403  200  200
service_manager       ended        200  403  403  200  403  200  200
service_manager       same_team    200  403  403  200  403  200  200
service_manager       other_team   200  403  403  200  403  200  200
service_manager       none         200  403  403  200  403  200  200
service_manager       emergency    200  403  403  200  403  200  200
performance_analyst   allocated    404  404  404  404  404  404  200
performance_analyst   ended        404  404  404  404  404  404  200
performance_analyst   same_team    404  404  404  404  404  404  200
performance_analyst   other_team   404  404  404  404  404  404  200
performance_analyst   none         404  404  404  404  404  404  200
performance_analyst   emergency    404  404  404  404  404  404  200
auditor               allocated    404  404  404  404  404  404  403
auditor               ended        404  404  404  404  404  404  403
auditor               same_team    404  404  404  404  404  404  403
auditor               other_team   404  404  404  404  404  404  403
auditor               none         404  404  404  404  404  404  403
auditor               emergency    404  404  404  404  404  404  403
system_administrator  allocated    404  404  404  404  404  404  403
system_administrator  ended        404  404  404  404  404  404  403
system_administrator  same_team    404  404  404  404  404  404  403
system_administrator  other_team   404  404  404  404  404  404  403
system_administrator  none         404  404  404  404  404  404  403
system_administrator  emergency    404  404  404  404  404  404  403
"""
# fmt: on

EXPECTED = parse_table(COLUMNS, MATRIX)
MATRIX_ROWS = rows(EXPECTED)


@pytest.mark.parametrize(("role", "relationship"), MATRIX_ROWS, ids=[":".join(r) for r in MATRIX_ROWS])
def test_permission_matrix(client, world, role, relationship):
    assert row_outcomes(client, world, role, relationship, COLUMNS) == EXPECTED[(role, relationship)]


ROWS = sorted(k for k, row in EXPECTED.items() if row["msh"] == "200")


@pytest.mark.parametrize(("role", "relationship"), ROWS, ids=[":".join(r) for r in ROWS])
def test_who_opens_the_page_sees_the_measures_or_restricted(client, world, role, relationship):
    """The page opens for the team; the measures show to the family's managers (the basis covers them) and
    to nobody else in the matrix, and neither does the alert's reason."""
    client.force_login(make_user(role, relationship, world))
    family, mother = world["family"], world["mother"]
    page = client.get(reverse(COLUMNS["msh"], args=[family.pk, mother.pk])).content.decode()
    alert = client.get(reverse(COLUMNS["msa"], args=[family.pk, mother.pk, world["measure_alert"].pk]))
    managers = role == "service_manager" or (role == "team_manager" and relationship != "other_team")
    assert ("PHQ-9" in page) == managers
    assert ("Restricted" in page) == (not managers)
    assert ("Synthetic alert reason" in alert.content.decode()) == managers


ALL_ROWS = sorted(EXPECTED)


@pytest.mark.parametrize(("role", "relationship"), ALL_ROWS, ids=[":".join(r) for r in ALL_ROWS])
def test_who_closes_the_alert(client, world, role, relationship):
    """Only the family's own team manager in the matrix closes the lead's alert; everyone else who opens the
    page is refused (403) and the alert stays open."""
    client.force_login(make_user(role, relationship, world))
    family, mother, alert = world["family"], world["mother"], world["measure_alert"]
    response = client.post(
        reverse(COLUMNS["msa"], args=[family.pk, mother.pk, alert.pk]), {"outcome": "Done"}
    )
    closes = role == "team_manager" and relationship in ("allocated", "ended", "same_team")
    opens = EXPECTED[(role, relationship)]["msa"]
    assert response.status_code == (302 if closes else (403 if opens == "200" else int(opens)))
    assert MeasureAlert.objects.get(pk=alert.pk).is_open is not closes
