"""axe-core on every page of the platform, empty and with errors: no serious or critical WCAG 2.2 AA
violations anywhere.

One browser session walks the pages (seeding and signing in once) and collects every page's findings, so
a failure lists all the pages with problems rather than stopping at the first.
"""

import re

import pytest
from playwright.sync_api import Page, expect

from safeguarding.people.models import Family

from .axe import axe_check, format_violations
from .conftest import sign_in

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.filterwarnings("ignore:No directory at:UserWarning"),
]


class AxeWalk:
    """Run axe on each page visited and keep what it finds, by page."""

    def __init__(self, page: Page):
        self.page = page
        self.findings: dict[str, str] = {}
        self.checked: list[str] = []

    def check(self, name: str) -> None:
        self.checked.append(name)
        violations = axe_check(self.page)
        if violations:
            self.findings[name] = f"{name} ({self.page.url}):\n{format_violations(violations)}"

    def assert_clean(self) -> None:
        if self.findings:
            pytest.fail(
                f"axe found serious or critical WCAG 2.2 AA violations on {len(self.findings)} of "
                f"{len(self.checked)} pages:\n\n" + "\n\n".join(self.findings.values()),
                pytrace=False,
            )


def submit(page: Page, button: str = "Save") -> None:
    page.get_by_role("button", name=button).click()
    expect(page.get_by_role("heading", name="There is a problem")).to_be_visible()


def test_every_page_has_no_serious_axe_violations(council, live_server, page):
    axe = AxeWalk(page)
    family = Family.objects.filter(team__name__startswith="North").order_by("reference").first()
    allocation = family.allocations.filter(end_date__isnull=True).order_by("start_date").first()
    person = family.members.order_by("member_type", "person__last_name").first().person
    base = live_server.url

    page.goto(base + "/accounts/sign-in/")
    axe.check("Sign in")
    submit(page, "Sign in")
    axe.check("Sign in, with errors")

    sign_in(page, live_server, "maria", through_form=True)
    page.goto(base + "/my-families/")
    expect(page.get_by_role("heading", level=1, name="My families")).to_be_visible()
    axe.check("My families (not allocated)")

    page.goto(base + "/team-caseload/")
    expect(page.get_by_role("heading", level=1, name="North Family Safeguarding Team")).to_be_visible()
    axe.check("Team caseload")

    page.goto(base + "/families/new/")
    axe.check("Create a family")
    submit(page)
    axe.check("Create a family, with errors")

    page.goto(base + f"/families/{family.pk}/")
    expect(page.get_by_role("heading", level=1, name=family.name)).to_be_visible()
    axe.check("Family page")

    page.goto(base + f"/people/{person.pk}/")
    expect(page.get_by_role("heading", level=1, name=person.full_name)).to_be_visible()
    axe.check("Person page")

    page.goto(base + f"/families/{family.pk}/people/new/")
    axe.check("Add a person")
    submit(page)
    axe.check("Add a person, with errors (required)")
    page.get_by_role("group", name="Date of birth", exact=True).get_by_label("Day").fill("31")
    page.get_by_role("group", name="Date of birth", exact=True).get_by_label("Month").fill("2")
    page.get_by_role("group", name="Date of birth", exact=True).get_by_label("Year").fill("2020")
    page.get_by_label("NHS number").fill("123")
    submit(page)
    axe.check("Add a person, with errors (impossible date, bad NHS number)")

    page.goto(base + f"/people/{person.pk}/edit/")
    axe.check("Change a person's details")

    page.goto(base + f"/families/{family.pk}/relationships/new/")
    axe.check("Record a relationship")
    submit(page)
    axe.check("Record a relationship, with errors")

    page.goto(base + f"/families/{family.pk}/people/{person.pk}/addresses/new/")
    axe.check("Record a new address")
    page.get_by_label("Postcode").fill("not a postcode")
    submit(page)
    axe.check("Record a new address, with errors")

    page.goto(base + f"/families/{family.pk}/allocations/new/")
    axe.check("Allocate a worker")
    submit(page, "Allocate")
    axe.check("Allocate a worker, with errors")

    page.goto(base + f"/families/{family.pk}/allocations/{allocation.pk}/end/")
    axe.check("End an allocation")
    page.get_by_role("group", name="End date").get_by_label("Day").fill("40")
    submit(page, "Continue")
    axe.check("End an allocation, with errors")
    # By keyboard: choose a reason, continue, and reach the confirmation (its button ends the allocation).
    page.get_by_role("group", name="End date").get_by_label("Day").fill("")
    page.get_by_label("Worker has left the team or changed role").focus()
    page.keyboard.press("Space")
    page.get_by_role("button", name="Continue").focus()
    page.keyboard.press("Enter")
    expect(
        page.get_by_role("heading", level=1, name=re.compile(r"^Are you sure you want to end"))
    ).to_be_visible()
    expect(page.get_by_role("button", name="Yes, end the allocation")).to_be_visible()
    expect(page.get_by_role("link", name="No, cancel")).to_be_visible()
    axe.check("End an allocation, confirm")

    page.goto(base + "/search/")
    axe.check("Search, empty")
    submit(page, "Search")  # nothing typed
    axe.check("Search, with errors")
    page.get_by_label("Search for a person").fill(person.last_name)
    page.get_by_role("button", name="Search").click()
    expect(page.get_by_role("heading", level=2, name=re.compile(r"^\d+\+? results?$"))).to_be_visible()
    expect(page.get_by_role("table", name="People matching your search")).to_be_visible()
    axe.check("Search, with results")
    page.get_by_label("Search for a person").fill("Nobody-Matches-This")
    page.get_by_role("button", name="Search").click()
    expect(page.get_by_role("heading", level=2, name="0 results")).to_be_visible()
    axe.check("Search, no results")

    response = page.goto(base + "/families/00000000-0000-0000-0000-000000000000/")
    assert response.status == 404
    expect(page.get_by_role("heading", level=1, name="Page not found")).to_be_visible()
    axe.check("Page not found")

    # A worker's own My families, with families in it (Maria, a manager, is not allocated to any).
    page.get_by_role("button", name=re.compile("^Sign out")).click()
    expect(page.get_by_role("heading", level=1, name="Sign in")).to_be_visible()  # before the next goto
    sign_in(page, live_server, "dan", through_form=True)
    expect(page.get_by_role("table", name="Families you are allocated to")).to_be_visible()
    axe.check("My families (allocated)")

    axe.assert_clean()


def test_the_stylesheet_and_scripts_load_from_the_live_server(council, live_server, page):
    """Without GOV.UK Frontend's CSS and JS the axe checks above would be judging unstyled pages."""
    page.goto(live_server.url + "/accounts/sign-in/")
    heading = page.get_by_role("heading", level=1, name="Sign in")
    assert "arial" in heading.evaluate("el => getComputedStyle(el).fontFamily").lower()
    # GOV.UK Frontend's JavaScript marks each component it starts; its CSS hides the skip link until focused.
    skip = page.get_by_role("link", name="Skip to main content")
    expect(skip).to_have_attribute("data-govuk-skip-link-init", "")
    assert skip.bounding_box()["height"] <= 1
