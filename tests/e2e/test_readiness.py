"""Browser journey through motivational interviewing records (issue #10 item 6).

Dan, a domestic abuse victim practitioner from a partner agency, opens the page of an adult he works with
in a North family, follows the link to her readiness to change, records a reading (after saving the form
empty once, to see every message), and sees it in the behaviour's chart and in the table beside it. A
worker who is not entitled to see another adult's special-category data opens that adult's readiness and
sees "Restricted" and who to ask, and nothing of the readings. Every page is checked with axe at 1280 and
390 pixels wide.

Dates on the page are read from `<time datetime>` values, never matched as substrings of page text.
"""

import re

import pytest
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import Page, expect

from safeguarding.accounts.models import User
from safeguarding.allocation.models import Allocation
from safeguarding.people.models import Family, FamilyMember
from safeguarding.readiness.models import ReadinessRecord
from safeguarding.readiness.policies import ReadinessAccess
from tests.e2e.axe import assert_no_serious_axe_violations_at_both_widths

from .conftest import sign_in

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.filterwarnings("ignore:No directory at:UserWarning"),
]

WORDS = "I've told my mum what has been happening. I want the children to feel safe at home."


@pytest.fixture
def dans_adult(council):
    """A North family of Dan's and the adult he works with there."""
    dan = User.objects.get(username="dan")
    for allocation in (
        Allocation.objects.current()
        .filter(worker=dan, family__closed_on__isnull=True)
        .order_by("family__reference")
        .prefetch_related("works_with")
    ):
        for adult in allocation.works_with.order_by("last_name", "first_name"):
            if FamilyMember.objects.filter(
                family_id=allocation.family_id, person=adult, member_type="adult", left_on__isnull=True
            ).exists():
                return allocation.family, adult
    pytest.fail("the demo council has no adult Dan works with")


@pytest.fixture
def restricted_adult(council):
    """A persona in a family's team, an adult there with readings, and that adult's readings withheld from
    the persona (no basis for sharing that reaches them)."""
    for username in ("asha", "dan", "maria"):
        user = User.objects.get(username=username)
        families = Family.objects.filter(
            allocations__worker=user, allocations__end_date__isnull=True, closed_on__isnull=True
        ).distinct()
        if username == "maria":
            families = Family.objects.filter(team_id=user.team_id, closed_on__isnull=True)
        for family in families.order_by("reference"):
            access = ReadinessAccess(user, family)
            if not access.can_open:
                continue
            adults = (
                ReadinessRecord.objects.filter(family=family).values_list("adult_id", flat=True).distinct()
            )
            for adult_id in sorted(adults, key=str):
                if not access.for_adult(adult_id).visible:
                    return username, family, adult_id
    pytest.fail("the demo council has no readings withheld from a persona in the family's team")


def fill_date(page: Page, legend: str, value) -> None:
    group = page.get_by_role("group", name=legend, exact=True)
    group.get_by_label("Day").fill(str(value.day))
    group.get_by_label("Month").fill(str(value.month))
    group.get_by_label("Year").fill(str(value.year))


def test_a_practitioner_records_a_ruler_and_sees_it_as_a_chart_and_a_table(dans_adult, live_server, new_page):
    family, adult = dans_adult
    today = timezone.localdate()
    dan = sign_in(new_page(), live_server, "dan")

    # From the adult's page, the link to their readiness to change.
    dan.goto(live_server.url + reverse("casefile:person-detail", args=[adult.pk]))
    dan.get_by_role("link", name="Readiness to change: rulers and stage of change").click()
    expect(
        dan.get_by_role("heading", level=1, name=f"Readiness to change: {adult.full_name}")
    ).to_be_visible()
    assert_no_serious_axe_violations_at_both_widths(dan)

    dan.get_by_role("button", name="Record a reading").click()
    expect(dan.get_by_role("heading", level=1, name="Record a reading")).to_be_visible()
    assert_no_serious_axe_violations_at_both_widths(dan)

    # Saved with nothing chosen (the date starts as today: emptied here): every message, at the top and by
    # its field.
    date = dan.get_by_role("group", name="Date of the conversation", exact=True)
    expect(date.get_by_label("Year")).to_have_value(str(today.year))
    for part in ("Day", "Month", "Year"):
        date.get_by_label(part).fill("")
    dan.get_by_role("button", name="Save the reading").click()
    summary = dan.locator(".govuk-error-summary")
    expect(summary).to_be_focused()
    for message in (
        "Enter the date of the conversation",
        "Select the behaviour the reading is about",
        "Enter the adult's importance from 0 to 10",
        "Enter the adult's confidence from 0 to 10",
        "Select the adult's stage of change",
        "Enter what the adult said, in their own words",
    ):
        expect(summary).to_contain_text(message)
    assert_no_serious_axe_violations_at_both_widths(dan)

    fill_date(dan, "Date of the conversation", today)
    dan.get_by_label("Safety from abuse", exact=True).check()
    dan.get_by_label("How important is it to them to change, from 0 to 10?").fill("7")
    dan.get_by_label("How confident are they that they can change, from 0 to 10?").fill("6")
    dan.get_by_label("Action", exact=True).check()
    dan.get_by_label("What they said, in their own words").fill(WORDS)
    dan.get_by_role("button", name="Save the reading").click()

    banner = dan.locator("main > .govuk-notification-banner--success")
    expect(banner).to_contain_text(f"Reading recorded for {adult.full_name}")
    section = dan.locator(
        "section.app-readiness-behaviour", has=dan.get_by_role("heading", name="Safety from abuse")
    )
    # The chart, an image with its own accessible name, and the table beside it with the same reading.
    chart = section.get_by_role("img")
    expect(chart).to_be_visible()
    expect(chart).to_have_accessible_name(
        f"Safety from abuse: {adult.full_name}'s importance and confidence, 0 to 10"
    )
    expect(chart).to_have_accessible_description(re.compile(r"confidence (rose|fell|stayed)|1 reading"))
    row = section.locator("table tbody tr").last
    expect(row.locator("time")).to_have_attribute("datetime", today.isoformat())
    expect(row.locator('[data-ruler="importance"]')).to_have_text("7")
    expect(row.locator('[data-ruler="confidence"]')).to_have_text("6")
    expect(row.locator('[data-ruler="stage"]')).to_have_text("Action")
    expect(section).to_contain_text(WORDS)
    assert_no_serious_axe_violations_at_both_widths(dan)

    # Correcting it keeps what it said: the form, and the history after.
    section.get_by_role("link", name=re.compile(r"^Correct")).first.click()
    expect(dan.get_by_role("heading", level=1, name="Correct a reading")).to_be_visible()
    assert_no_serious_axe_violations_at_both_widths(dan)
    dan.get_by_label("How confident are they that they can change, from 0 to 10?").fill("5")
    dan.get_by_label("Why are you correcting the reading?").fill("Typed the wrong number")
    dan.get_by_role("button", name="Save the correction").click()
    expect(dan.locator("main > .govuk-notification-banner--success")).to_contain_text("Reading corrected")
    section = dan.locator(
        "section.app-readiness-behaviour", has=dan.get_by_role("heading", name="Safety from abuse")
    )
    expect(section.locator("table tbody tr").last.locator('[data-ruler="confidence"]')).to_have_text("5")
    expect(section).to_contain_text("Typed the wrong number")

    # The family page's panel shows the latest reading.
    dan.goto(live_server.url + reverse("casefile:family-detail", args=[family.pk]))
    panel = dan.locator("section#readiness")
    expect(panel).to_contain_text("Safety from abuse: importance 7, confidence 5, action")
    assert_no_serious_axe_violations_at_both_widths(dan)


def test_a_worker_not_entitled_sees_restricted_and_who_to_ask(restricted_adult, live_server, new_page):
    username, family, adult_id = restricted_adult
    page = sign_in(new_page(), live_server, username)
    page.goto(live_server.url + reverse("readiness:history", args=[family.pk, adult_id]))
    withheld = page.locator("#readiness-withheld")
    expect(withheld).to_contain_text("Restricted")
    expect(withheld).to_contain_text("Ask")
    expect(page.get_by_role("img")).to_have_count(0)
    expect(page.locator("table")).to_have_count(0)
    expect(page.get_by_role("button", name="Record a reading")).to_have_count(0)
    assert_no_serious_axe_violations_at_both_widths(page)
