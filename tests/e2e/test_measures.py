"""Browser journey through parent measures (issue #11).

A mental-health practitioner from the NHS trust opens the page of an adult she works with in a North
family, follows the link to their measures, chooses a PHQ-9 (after continuing with nothing chosen, and
saving the questionnaire empty, to see the messages), answers item 9 above zero, and sees the result with
its change since the last PHQ-9 and the safety check it raised, which is in her My tasks due today. The
team manager sees the safety check on the team's Timeliness and flagged on the family page. The adult's
measures page shows the two PHQ-9s in a chart with its bands and in the table beside it. A partner
practitioner in the family without a basis for sharing that adult's information sees "Restricted" and who
to ask. Every page is checked with axe at 1280 and 390 pixels wide.

Dates on the page are read from `<time datetime>` values, never matched as substrings of page text.
"""

import datetime
import re

import pytest
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import Page, expect

from safeguarding.accounts.models import User
from safeguarding.allocation.models import ADULT_PRACTITIONER_CASE_ROLES, Allocation, CaseRole
from safeguarding.measures import instruments
from safeguarding.measures.change import compare
from safeguarding.measures.models import Measure
from safeguarding.measures.policies import MeasuresAccess
from safeguarding.measures.services import measure_record
from safeguarding.measures.work import SAFETY
from safeguarding.people.models import FamilyMember
from safeguarding.tasks.models import Deadline
from safeguarding.tasks.selectors import team_timeliness
from tests.e2e.axe import assert_no_serious_axe_violations_at_both_widths

from .conftest import sign_in

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.filterwarnings("ignore:No directory at:UserWarning"),
]

SAFETY_KIND = "Safety check after a measure"


@pytest.fixture
def journey(council):
    """A North family with a mental-health practitioner, the adult she works with (with a PHQ-9 of theirs
    five weeks ago, scoring 15, besides the demo's), and a partner agency's practitioner in the family who
    may not see that adult's measures (any basis for sharing them in the team withdrawn)."""
    maria = User.objects.get(username="maria")
    for allocation in (
        Allocation.objects.current()
        .filter(
            case_role=CaseRole.MENTAL_HEALTH_PRACTITIONER,
            family__team_id=maria.team_id,
            family__closed_on__isnull=True,
        )
        .select_related("family", "worker")
        .prefetch_related("works_with")
        .order_by("family__reference")
    ):
        family = allocation.family
        for adult in allocation.works_with.order_by("last_name", "first_name"):
            if not FamilyMember.objects.filter(
                family=family, person=adult, member_type="adult", left_on__isnull=True
            ).exists():
                continue
            partner = next(
                (
                    other.worker
                    for other in Allocation.objects.current()
                    .filter(family=family, case_role__in=ADULT_PRACTITIONER_CASE_ROLES)
                    .exclude(works_with=adult)
                    .select_related("worker")
                    if other.worker.is_partner_agency
                ),
                None,
            )
            if partner is None:
                continue
            adult.sharing_bases.filter(withdrawn_on__isnull=True).update(withdrawn_on=timezone.localdate())
            assert not MeasuresAccess(partner, family).for_adult(adult.pk).visible
            mhp = allocation.worker
            earlier = timezone.localdate() - datetime.timedelta(days=35)
            measure_record(
                actor=mhp,
                family=family,
                person=adult,
                instrument=instruments.current_of("phq9"),
                administered_on=earlier,
                answered_by="self",
                answers={n: (0 if n == 9 else 2) for n in range(1, 10)} | {8: 1},
                today=earlier,
            )
            # The demo council has measures too: what the page will compare today's PHQ-9 with.
            phq9s = list(
                Measure.objects.filter(family=family, person=adult, instrument="phq9", total__isnull=False)
                .order_by("administered_on", "created_at")
                .values_list("administered_on", "total")
            )
            return {
                "family": family,
                "adult": adult,
                "mhp": mhp,
                "partner": partner,
                "maria": maria,
                "phq9s": phq9s,
                "tasks": Deadline.objects.filter(owner=mhp, kind=SAFETY).count(),
            }
    pytest.fail("the demo council has no North family with a mental-health practitioner and a partner agency")


def timeliness_row(page: Page, label: str):
    return page.locator("table").first.locator(
        "tr", has=page.get_by_role("rowheader", name=label, exact=True)
    )


def test_a_phq9_with_item_9_above_zero_becomes_a_safety_check_the_manager_sees(
    journey, live_server, new_page
):
    family, adult, phq9s = journey["family"], journey["adult"], journey["phq9s"]
    today = timezone.localdate()
    last_day, last_total = phq9s[-1]
    change = compare(instruments.current_of("phq9"), last_total, 9)
    before = {k.kind: k.due_soon for k in team_timeliness(journey["maria"], family.team, today=today).by_kind}
    mhp = sign_in(new_page(), live_server, journey["mhp"].username)

    # From the adult's page, the link to their measures.
    mhp.goto(live_server.url + reverse("casefile:person-detail", args=[adult.pk]))
    mhp.get_by_role("link", name="Questionnaires and scores over time").click()
    expect(mhp.get_by_role("heading", level=1, name=f"Measures: {adult.full_name}")).to_be_visible()
    assert_no_serious_axe_violations_at_both_widths(mhp)

    mhp.get_by_role("button", name="Record a measure").click()
    expect(mhp.get_by_role("heading", level=1, name="Record a measure")).to_be_visible()
    mhp.get_by_role("button", name="Continue").click()
    expect(mhp.locator(".govuk-error-summary")).to_contain_text("Select the questionnaire to record")
    assert_no_serious_axe_violations_at_both_widths(mhp)
    mhp.get_by_label(re.compile(r"^PHQ-9")).check()
    mhp.get_by_role("button", name="Continue").click()
    expect(mhp.get_by_role("heading", level=1, name=re.compile(r"^PHQ-9"))).to_be_visible()
    assert_no_serious_axe_violations_at_both_widths(mhp)

    # Saved with nothing answered (the date starts as today): every message at the top and by its field.
    date = mhp.get_by_role("group", name="Date the questionnaire was completed", exact=True)
    expect(date.get_by_label("Year")).to_have_value(str(today.year))
    mhp.get_by_role("button", name="Save and see the score").click()
    summary = mhp.locator(".govuk-error-summary")
    expect(summary).to_be_focused()
    expect(summary).to_contain_text("Select who answered the questions")
    for number in range(1, 10):
        expect(summary).to_contain_text(
            f"Select an answer to question {number}, or say some questions were left unanswered"
        )
    assert_no_serious_axe_violations_at_both_widths(mhp)

    mhp.get_by_label("The adult completed it themselves").check()
    for group in mhp.get_by_role("group", name=re.compile(r"^\d\. ")).all():
        group.get_by_label("Several days", exact=True).check()
    mhp.get_by_role("button", name="Save and see the score").click()

    # The result: 9, mild, the change since the last PHQ-9, and the safety check.
    expect(mhp.locator("main > .govuk-notification-banner--success")).to_contain_text(
        f"PHQ-9 recorded for {adult.full_name}"
    )
    result = mhp.locator("#measure-result")
    expect(result.locator("[data-score]")).to_have_text("9 out of 27")
    expect(result.locator("[data-band]")).to_contain_text("Mild")
    expect(result.locator("[data-change]")).to_contain_text(change.summary)
    expect(result.locator("[data-change] time")).to_have_attribute("datetime", last_day.isoformat())
    alert = mhp.get_by_role("region", name="Safety check")
    expect(alert).to_contain_text("check the adult's safety today")
    expect(alert.locator("time")).to_have_attribute("datetime", today.isoformat())
    assert_no_serious_axe_violations_at_both_widths(mhp)

    # In her My tasks, due today.
    mhp.goto(live_server.url + reverse("tasks:my-tasks"))
    tasks = mhp.get_by_role("row", name=re.compile(SAFETY_KIND))
    expect(tasks).to_have_count(journey["tasks"] + 1)
    task = tasks.filter(has_text=family.name).last
    expect(task.get_by_role("link")).to_have_attribute("href", re.compile(r"/measures/alerts/"))
    assert_no_serious_axe_violations_at_both_widths(mhp)

    # The adult's measures: every PHQ-9 in the chart (with its bands) and in the table beside it.
    mhp.goto(live_server.url + reverse("measures:history", args=[family.pk, adult.pk]))
    section = mhp.locator(
        "section.app-measures-instrument", has=mhp.get_by_role("heading", name=re.compile("^PHQ-9"))
    )
    chart = section.get_by_role("img")
    expect(chart).to_have_accessible_name(f"PHQ-9: {adult.full_name}'s total score, 0 to 27")
    expect(chart).to_have_accessible_description(
        re.compile(rf"{len(phq9s) + 1} scores .* The total (fell|rose) from \d+ to 9|stayed at 9")
    )
    rows = section.locator("table tbody tr")
    expect(rows).to_have_count(len(phq9s) + 1)
    previous = rows.nth(len(phq9s) - 1)
    expect(previous.locator("time")).to_have_attribute("datetime", last_day.isoformat())
    expect(previous.locator("[data-score]")).to_have_text(f"{last_total.normalize():f}")
    latest = rows.last
    expect(latest.locator("time")).to_have_attribute("datetime", today.isoformat())
    expect(latest.locator("[data-score]")).to_have_text("9")
    expect(latest.locator("[data-change]")).to_contain_text(change.summary)
    assert_no_serious_axe_violations_at_both_widths(mhp)

    # The team manager: one more safety check due on the team's Timeliness, and the family page's flag.
    maria = sign_in(new_page(), live_server, "maria")
    maria.goto(live_server.url + reverse("tasks:team-timeliness", args=[family.team_id]))
    row = timeliness_row(maria, SAFETY_KIND)
    expect(row.locator("td").nth(1)).to_have_text(str(before.get("ms_safety", 0) + 1))
    assert_no_serious_axe_violations_at_both_widths(maria)
    maria.goto(live_server.url + reverse("casefile:family-detail", args=[family.pk]))
    flag = maria.locator("#measures-alerts")
    expect(flag).to_contain_text(re.compile(r"alerts? from (a )?parent measures? (is|are) open"))
    # The basis for sharing her information was withdrawn: the manager sees whose alert, not what it is.
    expect(flag.locator("li", has_text=adult.full_name).first).to_contain_text(journey["mhp"].display_name)
    assert_no_serious_axe_violations_at_both_widths(maria)

    # A partner practitioner in the family without a basis for sharing this adult's information.
    partner = sign_in(new_page(), live_server, journey["partner"].username)
    partner.goto(live_server.url + reverse("measures:history", args=[family.pk, adult.pk]))
    withheld = partner.locator("#measures-withheld")
    expect(withheld).to_contain_text("Restricted")
    expect(withheld).to_contain_text("Ask")
    expect(partner.get_by_role("img")).to_have_count(0)
    expect(partner.locator("table")).to_have_count(0)
    assert_no_serious_axe_violations_at_both_widths(partner)
