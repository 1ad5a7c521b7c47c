"""The family page before a home visit or a duty call (issue #8): each child's status (looked after, on a
child protection plan, in need), what is overdue, who to call, one timeline entry for what happened to
several children; and it reads at 1280 px and at 390 px wide, with no serious axe findings at either.

The family is built for the test on top of the demo council, its dates from the day the test starts: the
page is checked through its elements (a <time>'s datetime, a row's text), never by finding a date in the
page's text.
"""

import datetime
import re

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from safeguarding.accounts.models import User
from safeguarding.allocation.models import Allocation, CaseRole
from safeguarding.demo.personas import NORTH_TEAM
from safeguarding.journey import models as journey
from safeguarding.journey.deadlines import deadlines_refresh
from safeguarding.people.models import Family, FamilyMember, Person
from safeguarding.tasks.models import Deadline

from .axe import assert_no_serious_axe_violations
from .conftest import sign_in

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.filterwarnings("ignore:No directory at:UserWarning"),
]

# A surname Faker's en_GB list does not produce, and a placement postcode no demo address has.
SURNAME = "Larkspur"
PLACEMENT_POSTCODE = "DB9 9ZZ"
DESKTOP = {"width": 1280, "height": 900}
PHONE = {"width": 390, "height": 844}


def build_family(today: datetime.date):
    """Four children of one North family: Peter looked after, Lindsey and Amber on child protection plans
    (one core group for both), Emily on a child in need plan; all four referred on one day."""

    def ago(days):
        return today - datetime.timedelta(days=days)

    family = Family.objects.create(
        name=f"{SURNAME} family", reference="FAM-E2E-001", team=User.objects.get(username="maria").team
    )
    Allocation.objects.create(
        family=family,
        worker=User.objects.get(username="asha"),
        case_role=CaseRole.LEAD_SOCIAL_WORKER,
        start_date=ago(100),
    )
    # Dan, the partner charity's domestic abuse practitioner, works with the parents.
    Allocation.objects.create(
        family=family,
        worker=User.objects.get(username="dan"),
        case_role=CaseRole.DA_VICTIM_PRACTITIONER,
        start_date=ago(90),
    )
    children = {}
    for n, name in enumerate(["Peter", "Lindsey", "Emily", "Amber"]):
        person = Person.objects.create(
            first_name=name, last_name=SURNAME, date_of_birth=datetime.date(2012 + n, 3, 1 + n)
        )
        FamilyMember.objects.create(family=family, person=person, member_type="child", joined_on=ago(400))
        episode = journey.EpisodeOfNeed.objects.create(
            child=person, referral_date=ago(100), referral_source="6", primary_need="N1"
        )
        children[name] = (person, episode)
    for name in ("Lindsey", "Amber"):
        person, episode = children[name]
        plan = journey.ChildProtectionPlan.objects.create(
            child=person, episode=episode, start_date=ago(60), initial_category="NEG", latest_category="NEG"
        )
        journey.CoreGroupMeeting.objects.create(child=person, plan=plan, date=ago(50))
    emily, episode = children["Emily"]
    journey.Assessment.objects.create(
        child=emily, episode=episode, start_date=ago(99), authorised_on=ago(60), factors=["3B"]
    )
    journey.ChildInNeedPlan.objects.create(child=emily, episode=episode, start_date=ago(58))
    peter, _ = children["Peter"]
    journey.LookedAfterEpisode.objects.create(
        child=peter,
        start_date=ago(30),
        reason_new_episode="S",
        legal_status="C1",
        category_of_need="N1",
        placement_type="U6",
        placement_provider="PR1",
        placement_postcode=PLACEMENT_POSTCODE,
    )
    deadlines_refresh([person.pk for person, _ in children.values()])
    return family, {name: person for name, (person, _) in children.items()}, ago


def child_row(page: Page, person):
    return page.get_by_role("table", name="Children").get_by_role("row", name=re.compile(person.full_name))


# The elements that reach past the window's right edge, for the failure message.
_WIDE_ELEMENTS = """() => [...document.querySelectorAll('body *')]
    .filter(el => el.getBoundingClientRect().right > window.innerWidth + 1)
    .slice(0, 10).map(el => `${el.tagName.toLowerCase()}.${el.className}`).join(', ')"""


def assert_no_sideways_scroll(page: Page) -> None:
    overflow = page.evaluate("() => document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 0, (
        f"the page scrolls sideways by {overflow}px at {page.viewport_size['width']}px: "
        + page.evaluate(_WIDE_ELEMENTS)
    )


def test_the_family_page_shows_each_childs_status_the_overdue_work_and_one_entry_for_a_shared_event(
    council, live_server, new_page
):
    today = timezone.localdate()
    family, kids, ago = build_family(today)
    overdue = Deadline.objects.filter(family=family, due_date__lt=today)
    assert overdue.exists(), "the test family must have overdue work (a child protection visit at least)"

    page = sign_in(new_page(), live_server, "asha")
    page.set_viewport_size(DESKTOP)
    page.goto(f"{live_server.url}/families/{family.pk}/")
    expect(page.get_by_role("heading", level=1, name=f"{SURNAME} family")).to_be_visible()

    # Peter is looked after: his legal status and placement, and where he is placed (Asha visits him).
    peter = child_row(page, kids["Peter"])
    expect(peter.locator(".app-child-status__tag")).to_have_text(["Looked after"])
    expect(peter).to_contain_text("Legal status: C1 Interim care order")
    expect(peter).to_contain_text("Placement: U6 Foster placement with other carer: other")
    expect(peter.locator(".app-child-status time").first).to_have_attribute("datetime", ago(30).isoformat())
    expect(peter).to_contain_text(f"Placement postcode: {PLACEMENT_POSTCODE}")

    # Lindsey and Amber are on child protection plans, Emily on a child in need plan.
    for name in ("Lindsey", "Amber"):
        row = child_row(page, kids[name])
        expect(row.locator(".app-child-status__tag")).to_have_text(["Child protection plan"])
        expect(row).to_contain_text("Category: Neglect")
        expect(row.locator(".app-child-status time").first).to_have_attribute("datetime", ago(60).isoformat())
    emily = child_row(page, kids["Emily"])
    expect(emily.locator(".app-child-status__tag")).to_have_text(["Child in need"])
    expect(emily.locator(".app-child-status time").first).to_have_attribute("datetime", ago(58).isoformat())

    # Each child's overdue count links to their next due dates; the family's total is at the top.
    for person in kids.values():
        count = overdue.filter(child=person).count()
        link = child_row(page, person).locator(".app-child-status__due")
        expect(link).to_have_attribute("href", f"/children/{person.pk}/journey/#next-due")
        expect(link).to_contain_text(f"{count} overdue" if count else "Nothing overdue")
    total, children_overdue = overdue.count(), overdue.values("child").distinct().count()
    glance = page.locator(".app-family-glance")
    expect(glance).to_contain_text(
        f"{total} item{'s' if total > 1 else ''} for {children_overdue} "
        f"child{'ren' if children_overdue > 1 else ''}"
    )
    expect(page.locator(".app-overdue-list > li")).to_have_count(total)
    expect(glance.get_by_role("link", name=re.compile(r"^01632 960\d{3}"))).to_have_count(2)  # lead, manager

    # The core group the two plans share is one entry; so is the referral of all four.
    titles = page.locator("#timeline ~ .moj-timeline .moj-timeline__title")
    expect(titles.filter(has_text="Core group meeting")).to_have_text(
        ["Core group meeting for Lindsey and Amber"]
    )
    expect(titles.filter(has_text="Referral received")).to_have_text(
        ["Referral received for Peter, Lindsey, Emily and Amber"]
    )

    assert_no_sideways_scroll(page)
    assert_no_serious_axe_violations(page)
    page.set_viewport_size(PHONE)
    expect(child_row(page, kids["Peter"])).to_contain_text("Looked after")
    assert_no_sideways_scroll(page)
    assert_no_serious_axe_violations(page)

    # Maria, the team manager, sees where Peter is placed.
    maria = sign_in(new_page(), live_server, "maria")
    maria.goto(f"{live_server.url}/families/{family.pk}/")
    expect(child_row(maria, kids["Peter"])).to_contain_text(f"Placement postcode: {PLACEMENT_POSTCODE}")

    # Dan works with the parents: where Peter is placed is withheld from him, on the family page and on
    # Peter's journey, and never sent to his browser.
    dan = sign_in(new_page(), live_server, "dan")
    dan.goto(f"{live_server.url}/families/{family.pk}/")
    expect(child_row(dan, kids["Peter"])).to_contain_text("Placement postcode: Withheld")
    assert PLACEMENT_POSTCODE not in dan.content()
    dan.goto(f"{live_server.url}/children/{kids['Peter'].pk}/journey/")
    expect(dan.get_by_role("heading", level=1, name="Statutory journey")).to_be_visible()
    assert PLACEMENT_POSTCODE not in dan.content()


def test_a_team_manager_lands_on_the_teams_work_and_it_reads_on_a_phone(council, live_server, new_page):
    today = timezone.localdate()
    family, _, _ = build_family(today)
    page = sign_in(new_page(), live_server, "maria")

    expect(page.locator(".govuk-caption-l")).to_have_text(NORTH_TEAM)
    overdue = page.get_by_role("table", name="Families with overdue work")
    expect(overdue).to_be_visible()
    expect(page.get_by_role("heading", level=2, name="Families without a lead social worker")).to_be_visible()
    expect(page.get_by_role("heading", level=2, name="Allocated in the last 14 days")).to_be_visible()
    page.set_viewport_size(DESKTOP)
    assert_no_serious_axe_violations(page)
    page.set_viewport_size(PHONE)
    assert_no_sideways_scroll(page)
    assert_no_serious_axe_violations(page)

    # Team caseload: a worker's name leads to their families.
    page.set_viewport_size(DESKTOP)
    page.get_by_role("link", name="Team caseload").click()
    page.get_by_role("link", name=re.compile(r"^Asha Patel\W+their families$")).click()
    expect(page.get_by_role("heading", level=1, name="Asha Patel's families")).to_be_visible()
    expect(page.get_by_role("link", name=family.name)).to_be_visible()
    assert_no_serious_axe_violations(page)
    page.set_viewport_size(PHONE)
    assert_no_sideways_scroll(page)
    assert_no_serious_axe_violations(page)
