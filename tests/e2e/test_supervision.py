"""Browser journey for group case supervision (issue #10): asha shares her chapter and records an MI ruler
with a parent; maria (team manager, North) schedules the family's supervision from the team's page; opens
the pack (the chapter shared, the ruler); records the meeting with attendees, a risk analysis, a decision
and two actions; signs it off; an action's owner sees it in My tasks and marks it done; the Workbook shows
a new cycle; a later ruler, and the next pack shows its change and each action's status. Axe on every
page, at desktop and phone widths."""

import datetime
import re

import pytest
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import Page, expect

from safeguarding.accounts.models import User
from safeguarding.allocation.models import Allocation, CaseRole
from safeguarding.demo import personas
from safeguarding.people.models import FamilyMember
from safeguarding.readiness.policies import ReadinessAccess
from safeguarding.supervision.models import GroupSupervision
from safeguarding.workbook.models import Cycle
from tests.e2e.axe import assert_no_serious_axe_violations_at_both_widths
from tests.e2e.conftest import sign_in

pytestmark = pytest.mark.django_db(transaction=True)


def ashas_north_family():
    allocation = (
        Allocation.objects.current()
        .filter(
            worker__username="asha",
            case_role=CaseRole.LEAD_SOCIAL_WORKER,
            family__team__name=personas.NORTH_TEAM,
        )
        .select_related("family")
        .order_by("family__reference")
        .first()
    )
    return allocation.family


def adult_asha_records_for_and_maria_sees(family):
    """An adult of the family whose readiness asha (the lead social worker) may record and maria (the team
    manager, who chairs) may read: the sharing rules decide, so the test asks the policy."""
    asha, maria = User.objects.get(username="asha"), User.objects.get(username="maria")
    adults = FamilyMember.objects.filter(family=family, member_type="adult", left_on__isnull=True)
    for member in adults.select_related("person").order_by("person__last_name", "person__first_name"):
        if ReadinessAccess(asha, family).can_record(member.person_id) and (
            ReadinessAccess(maria, family).for_adult(member.person_id).visible
        ):
            return member.person
    pytest.fail("no adult of the family whose readiness asha records and maria reads")


def record_a_ruler(page: Page, live_server, adult, *, day, importance: int, stage: str) -> None:
    """From the adult's page: a reading about a behaviour the worker names (none of the demo's)."""
    page.goto(live_server.url + reverse("casefile:person-detail", args=[adult.pk]))
    page.get_by_role("link", name="Readiness to change: rulers and stage of change").click()
    page.get_by_role("button", name="Record a reading").click()
    fill_date(page, "Date of the conversation", day)
    page.get_by_label("Other", exact=True).check()
    page.get_by_label("If you selected other, name the behaviour").fill(BEHAVIOUR)
    page.get_by_label("How important is it to them to change, from 0 to 10?").fill(str(importance))
    page.get_by_label("How confident are they that they can change, from 0 to 10?").fill("3")
    page.get_by_label(stage, exact=True).check()
    page.get_by_label("What they said, in their own words").fill(
        "Synthetic: I know the betting shop is a problem."
    )
    page.get_by_role("button", name="Save the reading").click()
    expect(page.locator("main > .govuk-notification-banner--success")).to_contain_text("Reading recorded")


BEHAVIOUR = "Synthetic betting"


def fill_date(page: Page, group: str, day) -> None:
    fieldset = page.get_by_role("group", name=group)
    fieldset.get_by_label("Day").fill(str(day.day))
    fieldset.get_by_label("Month").fill(str(day.month))
    fieldset.get_by_label("Year").fill(str(day.year))


def test_a_team_manager_chairs_a_group_supervision_from_booking_to_sign_off(council, live_server, new_page):
    today = timezone.localdate()
    family = ashas_north_family()
    # Start from a family with no supervision booked (the demo's may have one: it is moved aside).
    GroupSupervision.objects.filter(family=family).exclude(status="signed_off").delete()
    cycles_before = Cycle.objects.filter(workbook__family=family).count()

    # A worker shares her chapter for the cycle and records an MI ruler (three days ago) with a parent.
    adult = adult_asha_records_for_and_maria_sees(family)
    asha_page = sign_in(new_page(), live_server, "asha")
    asha_page.goto(f"{live_server.url}/families/{family.pk}/workbook/")
    start = asha_page.get_by_role("button", name="Start your chapter")
    if start.count():
        start.click()
    else:
        asha_page.get_by_role("link", name="Continue your chapter").click()
    asha_page.get_by_role("group", name="About the family").get_by_label("What has changed").fill(
        "Synthetic: the children have been at school every day this month."
    )
    asha_page.get_by_role("button", name="Save and share with the team").click()
    expect(asha_page.locator(".govuk-notification-banner")).to_be_visible()
    record_a_ruler(
        asha_page,
        live_server,
        adult,
        day=today - datetime.timedelta(days=3),
        importance=4,
        stage="Contemplation",
    )
    assert_no_serious_axe_violations_at_both_widths(asha_page)

    maria = sign_in(new_page(), live_server, "maria")
    # The team's page, from the header.
    maria.get_by_role("link", name="Supervisions").click()
    expect(maria.get_by_role("heading", level=1, name="Group supervisions")).to_be_visible()
    assert_no_serious_axe_violations_at_both_widths(maria)

    # Schedule from the family page's panel.
    maria.goto(f"{live_server.url}/families/{family.pk}/")
    maria.get_by_role("link", name="Schedule one").click()
    expect(maria.get_by_role("heading", level=1, name="Schedule group supervision")).to_be_visible()
    assert_no_serious_axe_violations_at_both_widths(maria)
    fill_date(maria, "Date of the group supervision", today)
    maria.get_by_role("button", name="Schedule").click()

    # The pack.
    expect(maria.get_by_role("heading", level=1, name="Group supervision")).to_be_visible()
    expect(maria.locator("[data-scheduled-for]")).to_have_attribute("datetime", f"{today:%Y-%m-%d}")
    expect(maria.get_by_role("heading", name="The children")).to_be_visible()
    # Each parent's readiness rulers, as the readiness app reads them for the pack.
    expect(maria.get_by_role("heading", name="Readiness to change")).to_be_visible()
    ruler = maria.locator("[data-readiness-row]", has_text=BEHAVIOUR)
    expect(ruler.locator('[data-ruler="importance"]')).to_have_text("4")
    asha = family.allocations.get(worker__username="asha").worker
    expect(maria.locator(f'[data-chapter-worker="{asha.pk}"]')).to_contain_text("Shared")
    assert_no_serious_axe_violations_at_both_widths(maria)

    # Rescheduling is a link away (kept on the same day here).
    maria.get_by_role("link", name="Reschedule").click()
    expect(maria.get_by_role("heading", level=1, name="Reschedule group supervision")).to_be_visible()
    assert_no_serious_axe_violations_at_both_widths(maria)
    maria.get_by_role("button", name="Save the new date").click()
    expect(maria.locator(".govuk-notification-banner")).to_contain_text("Group supervision rescheduled")

    # The team's page lists it under today's date.
    maria.get_by_role("link", name="Supervisions").click()
    expect(maria.locator(f'[data-day="{today:%Y-%m-%d}"]')).to_be_visible()
    maria.get_by_role("link", name=family.name).first.click()

    # Record the meeting.
    maria.get_by_role("link", name="Record the meeting").click()
    expect(maria.get_by_role("heading", level=1, name="Record the group supervision")).to_be_visible()
    assert_no_serious_axe_violations_at_both_widths(maria)
    attendance = maria.get_by_role("group", name="Who attended")
    for radio in attendance.get_by_role("radio", name="Attended").all():
        radio.check()
    maria.get_by_label("How the family's views were brought in").fill("The mother joined for the first half")
    child = (
        FamilyMember.objects.filter(family=family, member_type="child", left_on__isnull=True).first().person
    )
    analysis = maria.locator(f'[data-child-analysis="{child.pk}"]')
    analysis.get_by_label("What we are worried about").fill("Arguments at night wake the children")
    analysis.get_by_role("radio", name="6", exact=True).check()
    analysis.get_by_label("The team's reasoning").fill("The safety plan has held for a month")
    maria.get_by_role("checkbox", name="Continue the plan").check()
    asha = family.allocations.get(worker__username="asha").worker
    for index, (text, owner) in enumerate(
        (
            ("Synthetic: meet the children at school on Friday", asha.display_name),
            ("Review the safety plan", "Maria"),
        )
    ):
        row = maria.locator(f'[data-action-row="{index}"]')
        row.get_by_label("Action", exact=True).fill(text)
        owner_select = row.get_by_label("Owner")
        label = next(o for o in owner_select.locator("option").all_inner_texts() if o.startswith(owner))
        owner_select.select_option(label=label)
        dates = row.get_by_role("group", name="Action due date")
        dates.get_by_label("Day").fill(str(today.day))
        dates.get_by_label("Month").fill(str(today.month))
        dates.get_by_label("Year").fill(str(today.year))
    maria.get_by_role("button", name="Save the record").click()
    expect(maria.locator(".govuk-notification-banner")).to_contain_text("The meeting record is saved")
    expect(maria.locator("[data-decisions]")).to_contain_text("Continue the plan")
    assert_no_serious_axe_violations_at_both_widths(maria)

    # Sign off.
    maria.get_by_role("link", name="Sign off").click()
    expect(maria.get_by_role("heading", level=1, name="Sign off the group supervision")).to_be_visible()
    assert_no_serious_axe_violations_at_both_widths(maria)
    maria.get_by_label("I confirm the record is complete and agreed by the team").check()
    maria.get_by_role("button", name="Sign off").click()
    expect(maria.locator(".govuk-notification-banner")).to_contain_text("Signed off")
    expect(maria.locator("[data-status]")).to_have_attribute("data-status", "signed_off")
    assert Cycle.objects.filter(workbook__family=family).count() == cycles_before + 1

    # The addendum form.
    maria.get_by_role("link", name="Add an addendum").click()
    # Wait for the new page: axe injected while the browser swaps documents finds no <head> to add to.
    expect(maria.get_by_role("heading", level=1, name="Add to the supervision record")).to_be_visible()
    assert_no_serious_axe_violations_at_both_widths(maria)
    maria.get_by_label("Addendum").fill("The school confirmed attendance after the meeting")
    maria.get_by_label("Why are you adding to the record now?").fill("Came to light the next day")
    maria.get_by_role("button", name="Add the addendum").click()
    expect(maria.locator("[data-addendum]")).to_contain_text("The school confirmed attendance")

    # The Workbook shows the new cycle.
    maria.goto(f"{live_server.url}/families/{family.pk}/workbook/")
    expect(maria.get_by_text(f"Cycle {cycles_before + 1}").first).to_be_visible()

    # asha sees her action in My tasks and marks it done.
    worker = sign_in(new_page(), live_server, "asha")
    worker.get_by_role("link", name="My tasks").click()
    expect(worker.get_by_text("Synthetic: meet the children at school on Friday", exact=True)).to_be_visible()
    worker.get_by_text("Synthetic: meet the children at school on Friday", exact=True).locator(
        "xpath=ancestor::tr"
    ).get_by_role("link").click()
    expect(worker.get_by_role("heading", level=1, name="Mark an action done")).to_be_visible()
    assert_no_serious_axe_violations_at_both_widths(worker)
    worker.get_by_label("What came of it").fill("Both children seen at school; settled")
    fill_date(worker, "Date it was done", today)
    worker.get_by_role("button", name="Mark done").click()
    expect(worker.locator(".govuk-notification-banner")).to_contain_text("Action marked done")
    worker.get_by_role("link", name="My tasks").click()
    expect(worker.get_by_text("Synthetic: meet the children at school on Friday", exact=True)).to_have_count(
        0
    )

    # A month's work later, in the browser's terms today: the parent scores the change as more important.
    record_a_ruler(worker, live_server, adult, day=today, importance=7, stage="Preparation")

    # The next pack (booked by the sign-off) shows the ruler's change and what became of the actions.
    maria.goto(f"{live_server.url}/families/{family.pk}/supervision/")
    expect(maria.get_by_role("heading", level=1, name="Group supervision")).to_be_visible()
    ruler = maria.locator("[data-readiness-row]", has_text=BEHAVIOUR)
    expect(ruler.locator('[data-ruler="importance"]')).to_have_text("7 (+3)")
    expect(ruler).to_contain_text("was contemplation")
    # The behaviour over the cycles: a chart, and beside it the table of the same two readings.
    history = maria.locator(
        "section.app-readiness-behaviour",
        has=maria.get_by_role("heading", name=f"{adult.full_name}: {BEHAVIOUR}, over time"),
    )
    expect(history.get_by_role("img")).to_have_accessible_description(
        re.compile("Importance rose from 4 to 7")
    )
    expect(history.locator("table tbody tr")).to_have_count(2)
    last_actions = maria.locator("#last-actions + table, #last-actions ~ table").first
    done = last_actions.locator("tr", has_text="Synthetic: meet the children at school on Friday")
    expect(done).to_have_attribute("data-done", "yes")
    expect(last_actions.locator("tr", has_text="Review the safety plan")).to_have_attribute("data-done", "no")
    assert_no_serious_axe_violations_at_both_widths(maria)


def test_a_service_manager_chooses_a_team_and_sees_its_supervisions(council, live_server, new_page):
    owen = sign_in(new_page(), live_server, "owen")
    owen.get_by_role("link", name="Supervisions").click()
    expect(owen.get_by_role("heading", level=1, name="Group supervisions")).to_be_visible()
    assert_no_serious_axe_violations_at_both_widths(owen)
    owen.get_by_role("link", name=personas.NORTH_TEAM).click()
    expect(owen.get_by_role("heading", level=2, name="Booked, by day")).to_be_visible()
    assert_no_serious_axe_violations_at_both_widths(owen)
