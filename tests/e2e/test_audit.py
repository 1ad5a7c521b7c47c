"""Browser journeys through the audit pages: a team manager checks who has seen one of their families;
the auditor finds a family and a child from the header's Audit link, filters and downloads the access
log, reads the unusual-access report and downloads a subject access bundle. axe checks every page.
"""

import csv
import io
import zipfile

import pytest
from playwright.sync_api import expect

from safeguarding.accounts.models import User
from safeguarding.allocation.models import Allocation

from .axe import axe_check, format_violations
from .conftest import sign_in

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.filterwarnings("ignore:No directory at:UserWarning"),
]


def assert_accessible(page, findings: dict, name: str) -> None:
    violations = axe_check(page)
    if violations:
        findings[name] = format_violations(violations)


@pytest.fixture
def ashas_family(council):
    """A North family Asha is allocated to, and a child in it."""
    asha = User.objects.get(username="asha")
    family = (
        Allocation.objects.current()
        .filter(worker=asha)
        .select_related("family")
        .order_by("family__reference")[0]
        .family
    )
    child = (
        family.members.filter(member_type="child")
        .select_related("person")
        .order_by("person__last_name")[0]
        .person
    )
    return family, child


def test_a_team_manager_and_the_auditor_see_who_has_opened_a_family(
    council, ashas_family, live_server, new_page
):
    family, child = ashas_family
    findings: dict[str, str] = {}

    # Asha opens the family and the child: she has no link to the log, and no Audit in the header.
    asha = sign_in(new_page(), live_server, "asha")
    asha.goto(f"{live_server.url}/families/{family.pk}/")
    expect(asha.get_by_role("heading", level=1, name=family.name)).to_be_visible()
    expect(asha.get_by_role("link", name="Who has seen this record")).to_have_count(0)
    expect(asha.get_by_role("navigation", name="Menu").get_by_role("link", name="Audit")).to_have_count(0)
    asha.goto(f"{live_server.url}/people/{child.pk}/")
    expect(asha.get_by_role("heading", level=1, name=child.full_name)).to_be_visible()

    # Maria, the North team manager, follows the link from the family page.
    maria = sign_in(new_page(), live_server, "maria")
    maria.goto(f"{live_server.url}/families/{family.pk}/")
    maria.get_by_role("link", name="Who has seen this record").click()
    expect(maria.get_by_role("heading", level=1, name="Who has seen this record")).to_be_visible()
    table = maria.get_by_role("table", name="Who has seen this record, newest first")
    expect(table.get_by_role("row").filter(has_text="asha").filter(has_text=child.full_name)).to_have_count(1)
    assert_accessible(maria, findings, "Access log (team manager)")

    # Alex, the auditor, finds the family from the header's Audit link.
    alex = sign_in(new_page(), live_server, "alex")
    alex.get_by_role("navigation", name="Menu").get_by_role("link", name="Audit").click()
    expect(alex.get_by_role("heading", level=1, name="Audit")).to_be_visible()
    assert_accessible(alex, findings, "Audit")
    alex.get_by_label("Family reference").fill(family.reference.lower())
    alex.get_by_role("button", name="Find").click()
    alex.get_by_role("link", name=f"Who has seen this record for {family.name}").click()
    expect(alex.get_by_text(f"{family.name} · {family.reference}")).to_be_visible()

    # Filter by worker and dates (an impossible date first: a GOV.UK error, not a crash).
    alex.get_by_label("Worker").fill("asha")
    from_date = alex.get_by_role("group", name="From", exact=True)
    from_date.get_by_label("Day").fill("31")
    from_date.get_by_label("Month").fill("2")
    from_date.get_by_label("Year").fill("2026")
    alex.get_by_role("button", name="Apply filters").click()
    expect(alex.get_by_role("heading", name="There is a problem")).to_be_visible()
    assert_accessible(alex, findings, "Access log, with errors")
    from_date.get_by_label("Day").fill("")
    from_date.get_by_label("Month").fill("")
    from_date.get_by_label("Year").fill("")
    alex.get_by_role("button", name="Apply filters").click()
    rows = alex.get_by_role("table", name="Who has seen this record, newest first").locator("tbody tr")
    # Signing in lands Asha on My families, which lists the family; then the family page and the child's.
    expect(rows).to_have_count(3)
    expect(rows.filter(has_text="Saw it listed in My families")).to_have_count(1)
    assert_accessible(alex, findings, "Access log (auditor, filtered)")

    with alex.expect_download() as download:
        alex.get_by_role("link", name="Download these events (CSV)").click()
    lines = list(csv.reader(io.StringIO(open(download.value.path(), encoding="utf-8-sig").read())))
    assert lines[0][:3] == ["Date and time", "Worker username", "Worker name"]
    assert [line[1] for line in lines[1:]] == ["asha", "asha", "asha"]

    # The unusual-access report.
    alex.get_by_role("link", name="Back to Audit").click()
    alex.get_by_role("link", name="Unusual access report").click()
    expect(alex.get_by_role("heading", level=1, name="Unusual access")).to_be_visible()
    expect(alex.get_by_text("Staff addresses are not recorded")).to_be_visible()
    assert_accessible(alex, findings, "Unusual access")

    # A subject access bundle for the child, found by council child ID.
    alex.get_by_role("link", name="Back to Audit").click()
    alex.get_by_label("Council child ID or NHS number").fill(child.council_id)
    alex.get_by_role("button", name="Find").click()
    alex.get_by_role("link", name=f"Subject access bundle for {child.full_name}").click()
    expect(alex.get_by_role("heading", level=1, name="Subject access bundle")).to_be_visible()
    assert_accessible(alex, findings, "Subject access")
    with alex.expect_download() as download:
        alex.get_by_role("button", name="Download the bundle").click()
    with zipfile.ZipFile(download.value.path()) as bundle:
        assert "summary.html" in bundle.namelist()
        assert child.full_name in bundle.read("summary.html").decode()

    assert not findings, "axe found serious or critical violations:\n\n" + "\n\n".join(
        f"{name}:\n{text}" for name, text in findings.items()
    )
