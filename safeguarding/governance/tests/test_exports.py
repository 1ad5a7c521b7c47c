"""CSV downloads of the audit log are safe to open in a spreadsheet: a cell that begins with =, +, -, @, a
tab or a carriage return would be run as a formula (CSV injection), so it gets a leading single quote.
Worker names and typed reasons are text anyone could have typed, so the tests type hostile ones."""

from __future__ import annotations

import csv
import io

import pytest
from django.urls import reverse

from safeguarding.accounts.tests.factories import UserFactory
from safeguarding.audit.models import AuditEvent
from safeguarding.audit.services import audit_record
from safeguarding.core.exports import FORMULA_PREFIXES, neutralise

Action = AuditEvent.Action
HOSTILE_USERNAME = '=HYPERLINK("http://evil.invalid","Click")'


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("=1+1", "'=1+1"),
        ("+SUM(A1:A9)", "'+SUM(A1:A9)"),
        ("-2+3", "'-2+3"),
        ("@SUM(1)", "'@SUM(1)"),
        ("\t=1", "'\t=1"),
        ("\r=1", "'\r=1"),
        ("\uff1d1+1", "'\uff1d1+1"),  # a full-width equals sign
        ("Asha Patel", "Asha Patel"),
        ("a=1", "a=1"),  # only the first character matters
        ("", ""),
        (None, ""),
        (42, "42"),
    ],
)
def test_cells_that_would_run_as_formulas_are_neutralised(value, expected):
    assert neutralise(value) == expected


def read_csv(response) -> list[list[str]]:
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"].startswith("attachment; filename=")
    text = b"".join(response.streaming_content).decode("utf-8")
    assert text.startswith("\ufeff")  # so that Excel reads it as UTF-8
    return list(csv.reader(io.StringIO(text[1:])))


def assert_no_formula_cells(rows):
    for row in rows:
        for cell in row:
            assert not cell.startswith(FORMULA_PREFIXES), f"formula cell {cell!r} in {row}"


@pytest.fixture
def hostile_history(client, council):
    hostile = UserFactory(
        team=council.north,
        role="team_manager",
        username=HOSTILE_USERNAME,
        first_name="+cmd|' /C calc'!A0",
        last_name="@SUM(1)",
    )
    audit_record(actor=hostile, action=Action.VIEW, obj=council.carter, family_id=council.carter.pk)
    audit_record(
        actor=hostile,
        action=Action.VIEW,
        obj=council.mia,
        family_id=council.carter.pk,
        people=[council.mia.pk],
    )
    audit_record(
        actor=hostile,
        action=Action.BREAK_GLASS,
        family_id=council.carter.pk,
        detail={"reason": "-1+1", "expires_at": "=NOW()"},
    )
    audit_record(actor=hostile, action=Action.DENIED, detail={"family_id": str(council.other.pk)})
    return hostile


@pytest.mark.parametrize("page", ["governance:family-access-log-csv", "governance:person-access-log-csv"])
def test_an_access_log_download_neutralises_a_hostile_username_and_name(
    client, council, hostile_history, page
):
    client.force_login(council.auditor)
    record = council.carter if page.startswith("governance:family") else council.mia
    rows = read_csv(client.get(reverse(page, args=[record.pk])))
    assert rows[0] == [
        "Date and time",
        "Worker username",
        "Worker name",
        "Action",
        "Record",
        "What happened",
        "IP address",
    ]
    assert_no_formula_cells(rows)
    hostile_rows = [r for r in rows if r[1] == "'" + HOSTILE_USERNAME]
    assert hostile_rows, rows
    assert hostile_rows[0][2] == "'+cmd|' /C calc'!A0 @SUM(1)"


def test_a_hostile_filter_term_filters_and_is_not_written_into_the_file(client, council, hostile_history):
    client.force_login(council.auditor)
    url = reverse("governance:family-access-log-csv", args=[council.carter.pk])
    rows = read_csv(client.get(url, {"worker": '=HYPERLINK("http'}))
    assert_no_formula_cells(rows)
    assert len(rows) == 1 + 3  # the hostile user's view, person view and break-glass
    assert not any('=HYPERLINK("http' == cell for row in rows for cell in row)
    page = client.get(
        reverse("governance:family-access-log", args=[council.carter.pk]), {"worker": "<script>x</script>"}
    )
    assert "<script>x</script>" not in page.content.decode()


def test_the_unusual_access_download_neutralises_hostile_text(client, council, hostile_history):
    client.force_login(council.auditor)
    rows = read_csv(client.get(reverse("governance:unusual-access-csv")))
    assert_no_formula_cells(rows)
    glass = next(r for r in rows if r[0] == "Break-glass access")
    assert (glass[1], glass[5], glass[7]) == ("'" + HOSTILE_USERNAME, "'=NOW()", "'-1+1")
    refused = next(r for r in rows if r[0] == "Refused attempts")
    assert refused[1] == "'" + HOSTILE_USERNAME
