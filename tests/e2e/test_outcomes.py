"""Browser journey through Outcomes (issue #12): the council's figures, measured honestly.

Priya, the performance analyst, signs in and lands on Outcomes; she reads the whole council's figures by
year (counted here independently from the records), opens a month's table beside its chart, downloads
the monthly CSV, moves to the evaluation measures, the monthly indicators and the comparison with similar
councils, chooses a figure, and finds no child's name anywhere. Owen, head of service, chooses the North
team and drills down from its children on plans to the children behind the figure, which is audited.
Every page is checked with axe at 1280 and 390 pixels wide.
"""

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from safeguarding.audit.models import AuditEvent
from safeguarding.demo.personas import NORTH_TEAM
from safeguarding.journey.models import ChildProtectionPlan
from safeguarding.outcomes.figures import dfe_year, dfe_year_of
from safeguarding.people.models import Person
from tests.e2e.axe import assert_no_serious_axe_violations_at_both_widths

from .conftest import sign_in

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.filterwarnings("ignore:No directory at:UserWarning"),
]


def _plans_open_on(day, **scope) -> int:
    return (
        ChildProtectionPlan.objects.filter(start_date__lte=day, **scope)
        .exclude(end_date__lte=day)
        .values("child_id")
        .distinct()
        .count()
    )


def test_priya_reads_the_councils_outcomes_and_never_a_name(council, live_server, new_page):
    priya = sign_in(new_page(), live_server, "priya")
    expect(priya.locator("#as-at")).to_contain_text("Whole council")
    year = dfe_year(dfe_year_of(timezone.localdate()).end.year - 1)
    last_year_cell = priya.locator('#years-table tr[data-figure="cp_plans_at"] td').last
    expect(last_year_cell).to_contain_text(f"{_plans_open_on(year.end):,}")
    assert_no_serious_axe_violations_at_both_widths(priya)
    priya.get_by_text("Children on child protection plans at the month end: the figures in a table").click()
    expect(priya.locator("#monthly-2-table tbody tr").first).to_be_visible()
    with priya.expect_download() as download:
        priya.get_by_role("link", name="Download the monthly figures (CSV)").click()
    assert download.value.suggested_filename.endswith(".csv")

    priya.get_by_role("link", name="Evaluation measures").click()
    expect(priya.get_by_role("heading", level=1, name="Evaluation measures")).to_be_visible()
    assert_no_serious_axe_violations_at_both_widths(priya)
    priya.get_by_role("link", name="Monthly indicators").click()
    expect(priya.get_by_role("heading", level=1, name="Monthly indicators")).to_be_visible()
    assert_no_serious_axe_violations_at_both_widths(priya)
    priya.get_by_role("link", name="Similar councils").click()
    expect(priya.get_by_role("heading", level=1, name="Similar councils")).to_be_visible()
    expect(priya.locator("#neighbours-table tbody tr")).to_have_count(10)
    priya.get_by_label("Figure", exact=True).select_option("cp_at31_rate")
    priya.get_by_role("button", name="Show").click()
    expect(priya.locator("#measure-heading")).to_have_text(
        "Children on child protection plans on 31 March, per 10,000 children"
    )
    assert_no_serious_axe_violations_at_both_widths(priya)
    # Aggregates only: no child of the council is named on any of the pages she opened.
    names = list(Person.objects.values_list("first_name", "last_name")[:40])
    for path in ("/outcomes/", "/outcomes/evaluation/", "/outcomes/monthly/"):
        priya.goto(live_server.url + path)
        text = priya.locator("main").inner_text()
        assert not any(f"{first} {last}" in text for first, last in names)


def test_owen_chooses_north_and_drills_down_to_the_children_on_plans(council, live_server, new_page):
    owen = sign_in(new_page(), live_server, "owen")
    owen.get_by_role("link", name="Outcomes", exact=True).click()
    owen.get_by_label("Whose figures").select_option(label=NORTH_TEAM)
    owen.get_by_role("button", name="Show").click()
    expect(owen.locator("#as-at")).to_contain_text(NORTH_TEAM)
    assert_no_serious_axe_violations_at_both_widths(owen)
    link = owen.locator('#years-table tr[data-figure="cp_plans_at"] td a').last
    link.click()
    expect(owen.get_by_role("heading", level=1, name="Children on child protection plans")).to_be_visible()
    expect(owen.locator("#children-table tbody tr").first).to_be_visible()
    assert_no_serious_axe_violations_at_both_widths(owen)
    assert AuditEvent.objects.filter(actor__username="owen", detail__page="outcome_children").exists()
