"""Changes to staff access in the unusual-access report (and its CSV), and refused changes to one's own
access among the refused attempts."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from safeguarding.accounts import services
from safeguarding.accounts.models import User
from safeguarding.accounts.tests.factories import UserFactory
from safeguarding.governance import selectors


def test_access_changes_appear_in_the_unusual_access_report(client, staff):
    sami, asha = staff["sami"], staff["asha"]
    services.user_change_access(actor=sami, user=asha, role=User.Role.TEAM_MANAGER, team=staff["south"])
    services.user_change_access(actor=sami, user=asha, is_active=False)
    client.force_login(staff["alex"])
    body = client.get(reverse("governance:unusual-access")).content.decode().replace("&#x27;", "'")
    section = body.split('id="access-changes"')[1]
    assert "Changes to staff access (2)" in body
    assert "Asha Patel" in section and "asha" in section and "Sami Admin" in section
    assert "Role: from Social worker to Team manager" in section
    assert "Team: from North Family Safeguarding Team to South Family Safeguarding Team" in section
    assert "Account: from active to deactivated" in section


def test_a_refused_change_to_your_own_access_counts_as_a_refused_attempt(client, staff):
    sami = staff["sami"]
    with pytest.raises(ValidationError):
        services.user_change_access(actor=sami, user=sami, role=User.Role.TEAM_MANAGER)
    client.force_login(staff["alex"])
    body = client.get(reverse("governance:unusual-access")).content.decode()
    refusals = body.split('id="refusals"')[1].split('id="access-changes"')[0]
    assert "Refused attempts (1 worker)" in body and "Sami Admin" in refusals


def test_the_report_reads_access_changes_in_a_fixed_number_of_queries_and_puts_them_in_the_csv(client, staff):
    def count() -> int:
        with CaptureQueriesContext(connection) as captured:
            selectors.unusual_access(selectors.Period.last_days(30))
        return len(captured)

    services.user_change_access(actor=staff["sami"], user=staff["asha"], role=User.Role.TEAM_MANAGER)
    few = count()
    for n in range(4):
        worker = UserFactory(username=f"worker{n}", team=staff["north"])
        services.user_change_access(actor=staff["sami"], user=worker, team=staff["south"])
    assert count() == few

    client.force_login(staff["alex"])
    response = client.get(reverse("governance:unusual-access-csv"))
    rows = b"".join(response.streaming_content).decode("utf-8-sig").splitlines()
    changes = [row for row in rows if row.startswith("Changed a user's access")]
    assert len(changes) == 5
    [asha] = [row for row in changes if "Asha Patel (asha)" in row]
    assert "Role: from Social worker to Team manager" in asha
