"""Browser journey through Parent outcomes (issue #11 item 6): the council's before and after.

Owen, head of service, follows the header's link, reads every team's PHQ-9 figures in the table (the number
of adults compared as the database counts them), chooses the North team with the select and its button,
and reads the high-risk DASH checklists quarter by quarter in the table beside the chart. Priya, the
performance analyst, who has no case pages, opens the same page and finds no family's name or reference on
it. Every page is checked with axe at 1280 and 390 pixels wide.

Dates are read from `<time datetime>` values, never matched as substrings of page text.
"""

import re

import pytest
from django.db.models import Count
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import expect

from safeguarding.accounts.models import Team
from safeguarding.demo.personas import NORTH_TEAM
from safeguarding.measures.models import Measure
from safeguarding.measures.selectors import last_quarters
from safeguarding.people.models import Family
from tests.e2e.axe import assert_no_serious_axe_violations_at_both_widths

from .conftest import sign_in

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.filterwarnings("ignore:No directory at:UserWarning"),
]


def _as_shown(count: int) -> str:
    return "fewer than 5" if 0 < count < 5 else str(count)


def _phq9_adults(**scope) -> tuple[int, int]:
    """Adults with a scored PHQ-9, and those with two or more, counted here independently of the page."""
    per_adult = (
        Measure.objects.filter(instrument="phq9", total__isnull=False, **scope)
        .values("person_id")
        .annotate(n=Count("pk"))
        .order_by()
    )
    counts = [row["n"] for row in per_adult]
    return len(counts), sum(1 for n in counts if n >= 2)


def _cell(page, row: str):
    return page.locator('table[data-instrument="phq9"]').locator(f'tr[data-row="{row}"] td')


def test_owen_reads_the_councils_before_and_after_and_chooses_a_team(council, live_server, new_page):
    owen = sign_in(new_page(), live_server, "owen")
    owen.get_by_role("link", name="Parent outcomes").click()
    expect(owen.get_by_role("heading", level=1, name="Parent outcomes")).to_be_visible()
    expect(owen.locator("#small-numbers")).to_contain_text("can identify a parent")
    adults, paired = _phq9_adults()
    assert paired >= 5, "the demo council has PHQ-9s to compare"
    expect(_cell(owen, "adults")).to_have_text(_as_shown(adults))
    expect(_cell(owen, "paired")).to_have_text(_as_shown(paired))
    expect(_cell(owen, "improvement")).to_have_text(re.compile(r"^\d+%$"))
    expect(owen.locator('table[data-instrument="phq9"]').locator("caption")).to_contain_text("range 0 to 27")
    # The DASH: the table beside the chart has the 12 quarters, the one holding today last.
    quarters = last_quarters(timezone.localdate())
    rows = owen.locator("#dash-table tbody tr")
    expect(rows).to_have_count(12)
    expect(rows.last.locator("time")).to_have_attribute("datetime", quarters[-1][0].isoformat())
    expect(rows.first.locator("time")).to_have_attribute("datetime", quarters[0][0].isoformat())
    checklists = Measure.objects.filter(
        instrument="dash",
        total__isnull=False,
        administered_on__gte=quarters[-1][0],
        administered_on__lte=quarters[-1][1],
    ).count()
    expect(rows.last.locator("[data-checklists]")).to_have_text(_as_shown(checklists))
    if owen.locator("#dash-chart").count():
        expect(owen.locator("#dash-chart")).to_have_accessible_name(
            "DASH checklists that were high risk, per cent, by quarter"
        )
    assert_no_serious_axe_violations_at_both_widths(owen)

    # One team, chosen with the select and its button.
    north = Team.objects.get(name=NORTH_TEAM)
    owen.get_by_label("Team").select_option(label=NORTH_TEAM)
    owen.get_by_role("button", name="Show").click()
    expect(owen).to_have_url(re.compile(rf"\?team={north.pk}$"))
    expect(owen.locator(".govuk-caption-l")).to_have_text(NORTH_TEAM)
    adults, paired = _phq9_adults(family__team=north)
    expect(_cell(owen, "adults")).to_have_text(_as_shown(adults))
    expect(_cell(owen, "paired")).to_have_text(_as_shown(paired))
    assert_no_serious_axe_violations_at_both_widths(owen)


def test_priya_the_analyst_sees_figures_and_no_family(council, live_server, new_page):
    priya = sign_in(new_page(), live_server, "priya")
    priya.goto(live_server.url + reverse("measures:outcomes"))
    expect(priya.get_by_role("heading", level=1, name="Parent outcomes")).to_be_visible()
    expect(priya.get_by_role("link", name="Parent outcomes")).to_be_visible()
    text = priya.locator("main").inner_text()
    for name, reference in Family.objects.values_list("name", "reference"):
        assert reference not in text and name not in text
    expect(priya.locator("#dash-table tbody tr")).to_have_count(12)
    assert_no_serious_axe_violations_at_both_widths(priya)
