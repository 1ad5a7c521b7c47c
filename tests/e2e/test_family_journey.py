"""Browser journeys through the platform: a team manager sets up a family, a partner-agency worker finds
it, a worker from another team cannot; GOV.UK error handling; keyboard-only use; search scoped to access.

Every control is found by its label or role, as a screen-reader or keyboard user would find it.
"""

import datetime
import re

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from safeguarding.accounts.models import User
from safeguarding.audit.models import AuditEvent
from safeguarding.demo.personas import DEMO_PASSWORD
from safeguarding.people.models import Family, FamilyMember, Person

from .conftest import sign_in

pytestmark = [
    pytest.mark.django_db(transaction=True),
    # WhiteNoise looks for collected static files; the live server serves them from the finders instead.
    pytest.mark.filterwarnings("ignore:No directory at:UserWarning"),
]

# A surname Faker's en_GB list does not produce, so nothing in the seeded council shares it.
SURNAME = "Larkspur"
FAMILY = f"{SURNAME} family"


def fill_date(page: Page, legend: str, day: int | str, month: int | str, year: int | str) -> None:
    """Type a date into the GOV.UK day, month and year boxes of the fieldset with this legend."""
    group = page.get_by_role("group", name=legend, exact=True)
    group.get_by_label("Day").fill(str(day))
    group.get_by_label("Month").fill(str(month))
    group.get_by_label("Year").fill(str(year))


def select_option_starting(page: Page, label: str, text: str) -> None:
    """Choose the option of a labelled select whose text starts with `text` (worker options add a job)."""
    select = page.get_by_label(label, exact=True)
    value = select.locator("option", has_text=re.compile("^" + re.escape(text))).first.get_attribute("value")
    select.select_option(value)


def create_family(page: Page, name: str = FAMILY) -> None:
    page.get_by_role("link", name="Create a family").click()
    expect(page.get_by_role("heading", level=1, name="Create a family")).to_be_visible()
    page.get_by_label("Family name").fill(name)
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_role("heading", level=1, name=name)).to_be_visible()


def start_adding_person(page: Page, member_type: str, first_name: str, last_name: str) -> None:
    page.get_by_role("link", name="Add a person").click()
    expect(page.get_by_role("heading", level=1, name="Add a person to the family")).to_be_visible()
    page.get_by_role("group", name="Is this person a child or an adult in the family?").get_by_label(
        member_type, exact=True
    ).check()
    page.get_by_label("First name").fill(first_name)
    page.get_by_label("Last name").fill(last_name)


def save_person(page: Page, full_name: str) -> None:
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_text(f"{full_name} added to the family")).to_be_visible()


def test_team_manager_sets_up_a_family_that_its_workers_find_and_another_team_cannot_open(
    council, live_server, new_page
):
    due = timezone.localdate() + datetime.timedelta(days=90)

    # Maria, the North team manager, creates the family and records its people.
    maria = sign_in(new_page(), live_server, "maria")
    create_family(maria)
    family_url = maria.url

    start_adding_person(maria, "Child", "Mia", SURNAME)
    fill_date(maria, "Date of birth", 3, 4, 2019)
    maria.get_by_role("group", name="Sex").get_by_label("Female").check()
    save_person(maria, f"Mia {SURNAME}")

    start_adding_person(maria, "Child", "Baby", SURNAME)
    fill_date(maria, "Expected date of birth", due.day, due.month, due.year)
    save_person(maria, f"Baby {SURNAME}")

    start_adding_person(maria, "Adult", "Dana", SURNAME)
    fill_date(maria, "Date of birth", 14, 9, 1994)
    save_person(maria, f"Dana {SURNAME}")

    start_adding_person(maria, "Adult", "Tom", "Hale")
    save_person(maria, "Tom Hale")

    children = maria.get_by_role("table", name="Children")
    expect(children.get_by_role("row")).to_have_count(3)  # the header and two children
    expect(children.get_by_role("row", name=f"Mia {SURNAME}")).to_contain_text("3 Apr 2019")
    expect(children.get_by_role("row", name=f"Baby {SURNAME}")).to_contain_text(
        f"Unborn, due {due.day} {due:%b %Y}"
    )
    adults = maria.get_by_role("table", name="Adults")
    expect(adults.get_by_role("row")).to_have_count(3)
    expect(adults.get_by_role("link", name=f"Dana {SURNAME}", exact=True)).to_be_visible()
    expect(adults.get_by_role("link", name="Tom Hale", exact=True)).to_be_visible()

    # Dana is Mia's mother.
    maria.get_by_role("link", name="Record a relationship").click()
    maria.get_by_label("Who").select_option(label=f"Dana {SURNAME}")
    maria.get_by_label("Is the").select_option(label="Mother")
    maria.get_by_label("Of", exact=True).select_option(label=f"Mia {SURNAME}")
    maria.get_by_role("button", name="Save").click()
    expect(maria.get_by_text("Relationship recorded")).to_be_visible()
    expect(children.get_by_role("row", name=f"Mia {SURNAME}")).to_contain_text(f"Dana {SURNAME}")
    expect(adults.get_by_role("row", name=f"Dana {SURNAME}")).to_contain_text(f"Mother of Mia {SURNAME}")

    # Dana's address.
    maria.get_by_role("link", name=f"Record a new address for Dana {SURNAME}").click()
    expect(maria.get_by_role("heading", level=1, name="Record a new address")).to_be_visible()
    maria.get_by_label("Address line 1").fill("12 Orchard Row")
    maria.get_by_label("Town or city").fill("Demoton")
    maria.get_by_label("Postcode").fill("db1 2ab")
    maria.get_by_role("button", name="Save").click()
    expect(maria.get_by_text(f"New address recorded for Dana {SURNAME}")).to_be_visible()
    expect(adults.get_by_role("row", name=f"Dana {SURNAME}")).to_contain_text("DB1 2AB")

    # Asha leads; Dan, employed by the domestic abuse charity, works with Dana.
    maria.get_by_role("link", name="Allocate a worker").click()
    select_option_starting(maria, "Worker", "Asha Patel")
    maria.get_by_label("Role on the case").select_option(label="Lead social worker")
    maria.get_by_role("button", name="Allocate").click()
    expect(maria.get_by_text("Asha Patel allocated as lead social worker")).to_be_visible()

    maria.get_by_role("link", name="Allocate a worker").click()
    select_option_starting(maria, "Worker", "Dan Whitfield")
    maria.get_by_label("Role on the case").select_option(label="Domestic abuse victim practitioner")
    maria.get_by_label(f"Dana {SURNAME}").check()
    maria.get_by_role("button", name="Allocate").click()
    expect(maria.get_by_text("Dan Whitfield allocated as domestic abuse victim practitioner")).to_be_visible()

    workers = maria.get_by_role("table", name="Workers allocated now")
    expect(workers.get_by_role("row", name=re.compile("Asha Patel"))).to_contain_text("Lead social worker")
    expect(workers.get_by_role("row", name=re.compile("Dan Whitfield"))).to_contain_text(
        "Safer Homes Domestic Abuse Service"
    )

    # Dan finds the family in My families, with his role and the other workers.
    dan = sign_in(new_page(), live_server, "dan")
    row = dan.get_by_role("row", name=re.compile(FAMILY))
    expect(row).to_contain_text("Domestic abuse victim practitioner")
    expect(row).to_contain_text("Asha Patel (Lead social worker)")
    expect(row).to_contain_text(f"Mia {SURNAME}")
    expect(row).to_contain_text(f"Baby {SURNAME} (unborn")
    row.get_by_role("link", name=FAMILY).click()
    expect(dan.get_by_role("heading", level=1, name=FAMILY)).to_be_visible()
    expect(dan).to_have_url(family_url)
    # A partner-agency practitioner reads identity details but does not change them.
    expect(dan.get_by_role("link", name="Add a person")).to_have_count(0)

    # Ben, a South social worker, gets the same "Page not found" as for a family that does not exist,
    # and the attempt is in the audit log.
    ben = sign_in(new_page(), live_server, "ben")
    response = ben.goto(family_url)
    assert response.status == 404
    expect(ben.get_by_role("heading", level=1, name="Page not found")).to_be_visible()
    expect(ben.get_by_text(f"Mia {SURNAME}")).to_have_count(0)

    family = Family.objects.get(name=FAMILY)
    assert AuditEvent.objects.filter(
        action=AuditEvent.Action.DENIED,
        actor=User.objects.get(username="ben"),
        detail__family_id=str(family.pk),
    ).exists()

    # What the browser saw is what was stored.
    members = FamilyMember.objects.filter(family=family).select_related("person")
    assert sorted((m.member_type, m.person.full_name) for m in members) == [
        ("adult", f"Dana {SURNAME}"),
        ("adult", "Tom Hale"),
        ("child", f"Baby {SURNAME}"),
        ("child", f"Mia {SURNAME}"),
    ]
    assert Person.objects.get(first_name="Mia", last_name=SURNAME).date_of_birth == datetime.date(2019, 4, 3)
    assert Person.objects.get(first_name="Baby", last_name=SURNAME).expected_date_of_birth == due


def test_an_impossible_date_shows_the_error_summary_and_its_link_moves_focus_to_the_day_box(
    council, live_server, page
):
    sign_in(page, live_server, "maria")
    create_family(page)
    start_adding_person(page, "Child", "Mia", SURNAME)
    fill_date(page, "Date of birth", 31, 2, 2020)
    page.get_by_role("button", name="Save").click()

    expect(page).to_have_title(re.compile("^Error: "))
    summary = page.get_by_role("alert").filter(has_text="There is a problem")
    expect(summary).to_be_visible()
    # GOV.UK Frontend moves focus to the summary on load, so a screen reader announces it first.
    expect(page.locator(".govuk-error-summary")).to_be_focused()
    expect(page.locator("#id_date_of_birth-error")).to_contain_text("Date of birth must be a real date")

    summary.get_by_role("link", name="Date of birth must be a real date").click()
    day = page.get_by_role("group", name="Date of birth", exact=True).get_by_label("Day")
    expect(day).to_be_focused()
    expect(day).to_have_value("31")
    # Nothing was saved.
    assert not Person.objects.filter(last_name=SURNAME).exists()


def press_tab_until(page: Page, predicate_js: str, limit: int = 40) -> None:
    """Press Tab until the focused element matches the JS predicate (given `el`); fail after `limit`."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        if page.evaluate(f"(() => {{ const el = document.activeElement; return !!({predicate_js}); }})()"):
            return
    pytest.fail(f"Tab never reached an element matching: {predicate_js}")


def test_keyboard_only_sign_in_and_reach_a_family_page(council, live_server, page):
    family = (
        Family.objects.filter(allocations__worker__username="asha", allocations__end_date__isnull=True)
        .order_by("name")
        .first()
    )
    page.goto(live_server.url + "/accounts/sign-in/")

    # The skip link is the first thing Tab reaches, and it shows itself when focused.
    page.keyboard.press("Tab")
    skip = page.get_by_role("link", name="Skip to main content")
    expect(skip).to_be_focused()
    expect(skip).to_be_in_viewport()
    box = skip.bounding_box()
    assert box and box["width"] > 1 and box["height"] > 1, "the skip link must be visible on focus"
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile("#main-content$"))
    # GOV.UK Frontend moves focus into the main content, so the next Tab starts there.
    expect(page.locator("#main-content")).to_be_focused()

    # From the main content, Tab reaches the username box, then the password box, then Sign in.
    press_tab_until(page, "el.id === 'id_username'")
    page.keyboard.type("asha")
    page.keyboard.press("Tab")
    expect(page.get_by_label("Password")).to_be_focused()
    page.keyboard.type(DEMO_PASSWORD)
    page.keyboard.press("Tab")
    expect(page.get_by_role("button", name="Sign in")).to_be_focused()
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", level=1, name="My families")).to_be_visible()

    # Tab to the family's link and follow it with Enter.
    press_tab_until(page, f"el.textContent.trim() === {family.name!r}", limit=80)
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", level=1, name=family.name)).to_be_visible()
    expect(page).to_have_url(live_server.url + f"/families/{family.pk}/")


def test_search_by_surname_lists_only_people_in_the_searchers_families(council, live_server, page):
    asha = User.objects.get(username="asha")
    own = (
        FamilyMember.objects.filter(
            member_type="child",
            left_on__isnull=True,
            family__allocations__worker=asha,
            family__allocations__end_date__isnull=True,
        )
        .select_related("person", "family")
        .order_by("person__last_name", "person__first_name")
        .first()
    )
    surname = own.person.last_name
    # A child with the same surname in a South family: Asha must not be able to find them.
    south_family = Family.objects.filter(team__name__startswith="South").order_by("name").first()
    hidden = Person.objects.create(
        first_name="Zara", last_name=surname, date_of_birth=datetime.date(2018, 6, 1)
    )
    FamilyMember.objects.create(family=south_family, person=hidden, member_type="child")

    sign_in(page, live_server, "asha")
    page.get_by_role("link", name="Search").click()
    page.get_by_label("Search for a person").fill(surname)
    page.get_by_role("button", name="Search").click()

    results = page.get_by_role("table", name="People matching your search")
    expect(results.get_by_role("link", name=own.person.full_name)).to_be_visible()
    expect(results.get_by_role("link", name=own.family.name).first).to_be_visible()
    expect(page.get_by_text(hidden.full_name)).to_have_count(0)
    expect(page.locator(f"a[href='/families/{south_family.pk}/']")).to_have_count(0)
    # Every row is someone in one of Asha's families.
    visible_family_ids = set(
        Family.objects.filter(allocations__worker=asha, allocations__end_date__isnull=True).values_list(
            "pk", flat=True
        )
    )
    hrefs = results.locator("a[href^='/families/']").evaluate_all(
        "links => links.map(link => link.getAttribute('href'))"
    )
    assert hrefs and {h.split("/")[2] for h in hrefs} <= {str(pk) for pk in visible_family_ids}
    assert AuditEvent.objects.filter(
        actor=asha, action=AuditEvent.Action.SEARCH, detail__query=surname
    ).exists()
