"""Browser journey through a child's statutory journey (issue #4): referral, assessment with factors,
strategy discussion, initial conference, child protection plan, review conference, step-down to a child in
need plan and closure, with the due dates the worker sees at each step; then the chronology, a correction
that keeps history, an entry rule's message, and the partner practitioner who reads but cannot record.

Dates are fixed (the referral on REFERRAL), so every statutory event is in the past on any day the suite
runs, as the forms require. Dates on the page are read from `<time datetime>` values, never matched as
substrings of page text ("6 April 2026" is inside "16 April 2026").
"""

import datetime
import re

import pytest
from playwright.sync_api import Page, expect

from safeguarding.accounts.models import User
from safeguarding.allocation.services import allocation_create, family_open
from safeguarding.journey import clocks
from safeguarding.journey.models import ChildProtectionPlan, Correction, EpisodeOfNeed
from safeguarding.people.services import person_create

from .axe import assert_no_serious_axe_violations
from .conftest import sign_in

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.filterwarnings("ignore:No directory at:UserWarning"),
]


def day(value: datetime.date) -> str:
    return f"{value:%-d %B %Y}"


def fill_date(page: Page, legend: str, value: datetime.date) -> None:
    group = page.get_by_role("group", name=legend, exact=True)
    group.get_by_label("Day").fill(str(value.day))
    group.get_by_label("Month").fill(str(value.month))
    group.get_by_label("Year").fill(str(value.year))


def answer_no(page: Page, question: str) -> None:
    page.get_by_role("group", name=question).get_by_label("No", exact=True).check()


def open_step(page: Page, title: str) -> None:
    page.get_by_role("button", name=title, exact=True).click()
    expect(page.get_by_role("heading", level=1, name=title)).to_be_visible()


def open_other_step(page: Page, title: str) -> None:
    """A step that does not follow from the records now: a link under Other steps, reached by keyboard."""
    other = page.locator("#other-steps ~ ul").get_by_role("link", name=title, exact=True)
    expect(page.get_by_role("button", name=title, exact=True)).to_have_count(0)
    other.focus()
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", level=1, name=title)).to_be_visible()


def save_and_expect(page: Page, message: str) -> None:
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_role("heading", level=1, name="Statutory journey")).to_be_visible()
    expect(page.get_by_text(message).first).to_be_visible()
    # The success banner is at the top of the page, and focused so that a screen reader reads it out.
    banner = page.locator("main > .govuk-notification-banner--success")
    expect(banner).to_be_focused()
    expect(banner).to_be_in_viewport()
    expect(banner).to_contain_text(message)


# A fixed day in the past: the forms refuse future dates, and the whole plan ends before today.
REFERRAL = datetime.date(2025, 3, 3)


def next_due(page: Page) -> dict[str, datetime.date]:
    """The child's Next due table from the journey page: what is due (its kind) and by when."""
    rows = page.locator("#next-due + table tbody tr")
    due = {}
    for row in rows.all():
        what = row.locator("td").first.inner_text().splitlines()[0].strip()
        due[what] = datetime.date.fromisoformat(row.locator("time").get_attribute("datetime"))
    return due


@pytest.fixture
def mia(council):
    """A new child in a new family held by Asha (North social worker), with Dan (partner DA practitioner)."""
    asha = User.objects.get(username="asha")
    family = family_open(actor=asha, name="Quillfeather family", team=asha.team)
    allocation_create(
        actor=User.objects.get(username="maria"),
        family=family,
        worker=User.objects.get(username="dan"),
        case_role="da_victim_practitioner",
    )
    return person_create(
        actor=asha,
        family=family,
        member_type="child",
        values={"first_name": "Mia", "last_name": "Quillfeather", "date_of_birth": datetime.date(2017, 5, 4)},
    )


def test_a_social_worker_records_a_child_protection_journey_from_referral_to_closure(
    mia, live_server, new_page
):
    referral = REFERRAL
    strategy = referral + datetime.timedelta(days=10)
    conference = referral + datetime.timedelta(days=20)
    authorised = referral + datetime.timedelta(days=30)
    review = conference + datetime.timedelta(days=80)
    step_down = conference + datetime.timedelta(days=150)
    closed = conference + datetime.timedelta(days=200)

    asha = sign_in(new_page(), live_server, "asha")
    asha.goto(f"{live_server.url}/people/{mia.pk}/")
    asha.get_by_role("link", name="Statutory journey").click()
    expect(asha.get_by_role("heading", level=1, name="Statutory journey")).to_be_visible()
    expect(asha.get_by_text("Nothing is due now.")).to_be_visible()
    assert_no_serious_axe_violations(asha)

    # Referral: the assessment clock starts (45 working days), already overdue for a referral in the past.
    open_step(asha, "Record a referral")
    assert_no_serious_axe_violations(asha)
    fill_date(asha, "Date of the referral", referral)
    asha.get_by_label("Who made the referral?").select_option(label="Police")
    asha.get_by_label("Primary need").select_option(label="N1 Abuse, neglect and exploitation")
    answer_no(asha, "Was the decision no further action?")
    save_and_expect(asha, f"assessment by {day(clocks.assessment_due(referral))}")
    assert next_due(asha)["Assessment"] == clocks.assessment_due(referral)
    expect(asha.locator("#next-due + table").get_by_text("Overdue", exact=True)).to_be_visible()

    # An entry rule, with the message the worker sees: a second open referral is refused. With a referral
    # open, recording another is no longer offered first, but it is still there under Other steps.
    open_other_step(asha, "Record a referral")
    fill_date(asha, "Date of the referral", referral + datetime.timedelta(days=1))
    asha.get_by_label("Who made the referral?").select_option(label="Schools")
    answer_no(asha, "Was the decision no further action?")
    asha.get_by_role("button", name="Save").click()
    expect(asha.get_by_role("heading", name="There is a problem")).to_be_visible()
    expect(asha.get_by_text("already has an open referral").first).to_be_visible()
    assert_no_serious_axe_violations(asha)
    assert EpisodeOfNeed.objects.filter(child=mia).count() == 1
    asha.get_by_role("link", name="Back to Mia Quillfeather's journey").click()

    # Assessment started, then the strategy discussion that starts the section 47 enquiry.
    open_step(asha, "Start an assessment")
    fill_date(asha, "Date the assessment started", referral + datetime.timedelta(days=2))
    save_and_expect(asha, "recorded")

    open_step(asha, "Record a strategy discussion and section 47 enquiry")
    fill_date(asha, "Date of the strategy discussion", strategy)
    fill_date(asha, "Date the section 47 enquiry started", strategy)
    save_and_expect(asha, "recorded")
    assert next_due(asha)["Initial child protection conference"] == clocks.icpc_due(strategy)

    # The conference page shows its 15-working-day target before the worker records it.
    open_step(asha, "Record the initial child protection conference")
    expect(asha.locator(f'time[datetime="{clocks.icpc_due(strategy):%Y-%m-%d}"]')).to_be_visible()
    fill_date(asha, "Date of the initial child protection conference", conference)
    asha.get_by_role("group", name="What did the section 47 enquiry lead to?").get_by_label(
        "An initial child protection conference"
    ).check()
    save_and_expect(asha, f"Initial child protection conference on {day(conference)} recorded")

    # The assessment is authorised with the parents' domestic abuse and mental health as factors.
    open_step(asha, "Record the assessment's authorisation")
    fill_date(asha, "Date the manager authorised the assessment", authorised)
    asha.get_by_label("Domestic abuse: a parent or carer is the subject").check()
    asha.get_by_label("Mental health of a parent or carer").check()
    save_and_expect(asha, f"Assessment authorised on {day(authorised)}")
    assert "Assessment" not in next_due(asha)

    # The plan starts on the conference date; its clocks start: first core group, first review, visits.
    open_step(asha, "Start a child protection plan")
    fill_date(asha, "Date the plan started", conference)
    asha.get_by_role("group", name="Category of abuse").get_by_label("Neglect").check()
    save_and_expect(asha, "Child protection plan from")
    due = next_due(asha)
    assert due["First core group"] == clocks.first_core_group_due(conference)
    assert due["Review conference"] == clocks.first_review_conference_due(conference)
    assert "Child protection visit" in due

    open_step(asha, "Record a review conference")
    expect(
        asha.locator(f'time[datetime="{clocks.first_review_conference_due(conference):%Y-%m-%d}"]')
    ).to_be_visible()
    fill_date(asha, "Date of the review conference", review)
    save_and_expect(asha, "recorded")
    assert next_due(asha)["Review conference"] == clocks.next_review_conference_due(review)

    # Step-down: the plan ends and a child in need plan starts the same day; CP clocks stop, CIN visits start.
    open_step(asha, "End the child protection plan")
    fill_date(asha, "Date the plan ended", step_down)
    asha.get_by_role("group", name="Why did the plan end?").get_by_label(
        "Stepped down to a child in need plan"
    ).check()
    save_and_expect(asha, f"Child protection plan ended on {day(step_down)}")
    open_step(asha, "Start a child in need plan")
    fill_date(asha, "Date the plan started", step_down)
    save_and_expect(asha, "Child in need plan from")
    due = next_due(asha)
    assert "Child in need visit" in due
    assert "Review conference" not in due and "Child protection visit" not in due

    # Closure: the plan ends, then the referral closes; nothing is due.
    open_step(asha, "End the child in need plan")
    fill_date(asha, "Date the plan ended", closed)
    save_and_expect(asha, f"Child in need plan ended on {day(closed)}")
    open_step(asha, "Close the referral")
    fill_date(asha, "Date the referral was closed", closed)
    asha.get_by_label("Why was it closed?").select_option(
        label="RC7 Services ceased for any other reason, including no longer in need"
    )
    save_and_expect(asha, f"Referral closed on {day(closed)}")
    expect(asha.get_by_text("Nothing is due now.")).to_be_visible()
    assert_no_serious_axe_violations(asha)

    # The chronology has every event in date order, newest first, and filters by kind.
    asha.get_by_role("link", name="Chronology", exact=True).first.click()
    expect(asha.get_by_role("heading", level=1, name=re.compile("Chronology"))).to_be_visible()
    # Dates are read from the timeline's machine-readable <time datetime> values, never found as
    # substrings of page text ("6 April" is inside "16 April").
    shown = [
        datetime.date.fromisoformat(value)
        for value in asha.locator(".moj-timeline__date time").evaluate_all(
            "nodes => nodes.map(node => node.getAttribute('datetime'))"
        )
    ]
    assert shown == sorted(shown, reverse=True), shown
    assert {closed, step_down, review, conference, strategy, referral} <= set(shown), shown
    assert_no_serious_axe_violations(asha)

    # A correction needs a reason and keeps the old value.
    plan = ChildProtectionPlan.objects.get(child=mia)
    asha.goto(f"{live_server.url}/children/{mia.pk}/journey/childprotectionplan/{plan.pk}/correct/")
    asha.get_by_role("group", name="Latest category of abuse").get_by_label("Emotional abuse").check()
    asha.get_by_role("button", name="Save").click()
    expect(asha.get_by_role("heading", name="There is a problem")).to_be_visible()
    asha.get_by_label("Why are you correcting this?").fill("The review conference changed the category")
    asha.get_by_role("button", name="Save").click()
    expect(asha.get_by_text("The previous values are kept").first).to_be_visible()
    correction = Correction.objects.get(record_id=plan.pk)
    assert correction.changes["latest_category"] == ["Neglect", "Emotional abuse"]

    # Dan, the family's domestic abuse practitioner from a partner charity, reads the journey and records
    # nothing.
    dan = sign_in(new_page(), live_server, "dan")
    dan.goto(f"{live_server.url}/children/{mia.pk}/journey/")
    expect(dan.get_by_role("heading", level=1, name="Statutory journey")).to_be_visible()
    expect(dan.get_by_role("button", name="Record a referral")).to_have_count(0)
    response = dan.goto(f"{live_server.url}/children/{mia.pk}/journey/visit/")
    assert response.status == 403


def test_my_tasks_and_timeliness_show_the_demo_councils_due_and_overdue_work(council, live_server, new_page):
    asha = sign_in(new_page(), live_server, "asha")
    asha.get_by_role("link", name="My tasks").click()
    expect(asha.get_by_role("heading", level=1, name="My tasks")).to_be_visible()
    expect(asha.get_by_text("Overdue").first).to_be_visible()
    assert_no_serious_axe_violations(asha)

    maria = sign_in(new_page(), live_server, "maria")
    maria.get_by_role("link", name="Timeliness").click()
    expect(maria).to_have_title(re.compile("^Timeliness: North"))
    assert_no_serious_axe_violations(maria)
    # Drill down from an overdue count to the children behind it, then to one child's journey.
    maria.locator("main table a").first.click()
    expect(maria.get_by_role("heading", level=1, name="Overdue deadlines")).to_be_visible()
    assert_no_serious_axe_violations(maria)
    maria.locator("main table a").first.click()
    expect(maria.get_by_role("heading", level=1, name="Statutory journey")).to_be_visible()
