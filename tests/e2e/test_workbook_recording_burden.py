"""Recording burden, measured (issue #9): a scripted walkthrough of a social worker's month in the Workbook
for a family with two adults and three children, counting the fields filled and the clicks.

The month is what the Workbook asks of a worker: one home visit that sees the three children, entered
once, and a monthly chapter. The test fails if the chapter asks for anything the system already holds:
it has no date, name or person field, and it opens with the visit's date and the children's names and
with the next steps the worker wrote last cycle. The figures are printed (run with -s) and recorded in
docs/benchmarks.md ("Recording burden").
"""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass

import pytest
from django.utils import timezone
from playwright.sync_api import Locator, Page, expect

from safeguarding.accounts.models import User
from safeguarding.allocation.models import CaseRole
from safeguarding.allocation.tests.factories import AllocationFactory
from safeguarding.journey.models import Visit
from safeguarding.people.tests.factories import FamilyFactory, FamilyMemberFactory
from safeguarding.workbook.models import Chapter
from safeguarding.workbook.services.chapters import chapter_save, chapter_start, part_field
from safeguarding.workbook.services.workbooks import cycle_close, workbook_ensure
from tests.e2e.conftest import sign_in

pytestmark = pytest.mark.django_db(transaction=True)

LAST_TIME = (
    "Visit weekly, meet the school about attendance, and agree an evening safety plan with both parents"
)


@dataclass
class Tally:
    """Counts what the worker does: each box typed into, each click (a tick is a click)."""

    fields: int = 0
    clicks: int = 0

    def fill(self, locator: Locator, text: str) -> None:
        locator.fill(text)
        self.fields += 1

    def click(self, locator: Locator) -> None:
        locator.click()
        self.clicks += 1

    def check(self, locator: Locator) -> None:
        locator.check()
        self.clicks += 1


@pytest.fixture
def family_of_five(council):
    """Two adults and three children in Asha's team, with Asha the lead and last cycle's chapter written."""
    asha = User.objects.get(username="asha")
    maria = User.objects.get(username="maria")
    today = timezone.localdate()
    family = FamilyFactory(team=asha.team, name="Burden-Test family")
    adults = [FamilyMemberFactory(family=family, adult=True).person for _ in range(2)]
    children = [FamilyMemberFactory(family=family).person for _ in range(3)]
    AllocationFactory(family=family, worker=asha, case_role=CaseRole.LEAD_SOCIAL_WORKER)
    workbook_ensure(family=family, actor=asha, today=today - datetime.timedelta(days=40))
    last = chapter_start(actor=asha, family=family, today=today - datetime.timedelta(days=35))
    chapter_save(
        actor=asha,
        family=family,
        chapter=last,
        base_version=last.version,
        share=True,
        values={part_field(last.parts.get(), "next_steps"): LAST_TIME},
        today=today - datetime.timedelta(days=35),
    )
    cycle_close(actor=maria, family=family, closed_on=today - datetime.timedelta(days=10), today=today)
    return family, adults, children


def test_a_months_recording_for_a_family_of_five_asks_nothing_the_system_holds(
    family_of_five, live_server, page: Page
):
    family, adults, children = family_of_five
    today = timezone.localdate()
    sign_in(page, live_server, "asha")
    tally = Tally()

    # 1. One home visit, entered once, seeing the three children.
    page.goto(f"{live_server.url}/families/{family.pk}/")
    tally.click(page.get_by_role("link", name="Open the Workbook"))
    tally.click(page.get_by_role("link", name="Sessions", exact=True))
    tally.click(page.get_by_role("button", name="Record a session"))
    group = page.get_by_role("group", name="Date of the session", exact=True)
    tally.fill(group.get_by_label("Day"), str(today.day))
    tally.fill(group.get_by_label("Month"), str(today.month))
    tally.fill(group.get_by_label("Year"), str(today.year))
    tally.check(page.get_by_label("Home visit", exact=True))
    for child in children:
        tally.check(page.get_by_label(child.full_name, exact=True))
    tally.fill(page.get_by_label("Note (optional)"), "All three at home after school; the house was calm")
    tally.click(page.get_by_role("button", name="Save session"))
    expect(page.locator(".govuk-notification-banner--success")).to_contain_text("Visits recorded for")
    visit_fields, visit_clicks = tally.fields, tally.clicks
    assert Visit.objects.filter(child__in=children, date=today).count() == 3

    # 2. The monthly chapter.
    tally.click(page.get_by_role("link", name="Chapters", exact=True))
    tally.click(page.get_by_role("button", name="Start your chapter"))
    form = page.locator("form[data-autosave-url]")
    expect(form).to_be_visible()  # the chapter form, not the list it was started from
    # Nothing the system holds is asked for: no dates, names or people to choose; only text boxes.
    assert form.locator("input:not([type=hidden]), select").count() == 0
    assert form.locator("textarea").count() == 7
    part = page.get_by_role("group", name="About the family")
    work_done = part.get_by_label("What I did").input_value()
    assert work_done.startswith(f"Last time I said I would: {LAST_TIME}")
    names = sorted(c.known_as or c.first_name for c in children)
    # One line per session, "- <date>: home visit with ...", anchored: 2 December must not match 12 December.
    assert re.search(rf"(?m)^- {re.escape(f'{today:%-d %B %Y}')}: home visit with ", work_done)
    assert all(name in work_done for name in names)
    expect(part.get_by_text("Last time you said you would:")).to_be_visible()

    tally.fill(
        part.get_by_label("What has changed"),
        "Both parents came to the joint session; no police call-outs this month.",
    )
    tally.fill(
        part.get_by_label("What this means for the children"),
        "The children are at school every day and say evenings are calmer.",
    )
    tally.fill(
        part.get_by_label("What we are worried about"), "Money worries could bring back the arguments."
    )
    tally.fill(part.get_by_label("Next steps"), "Review the safety plan with the grandparents.")
    tally.click(page.get_by_role("button", name="Save and share with the team"))
    expect(page.locator(".govuk-notification-banner")).to_contain_text("saved and shared")
    chapter = Chapter.objects.get(
        cycle__workbook__family=family, author__username="asha", cycle__closed_on=None
    )
    assert chapter.state == Chapter.State.SHARED

    figures = {
        "visit: fields": visit_fields,
        "visit: clicks": visit_clicks,
        "chapter: fields": tally.fields - visit_fields,
        "chapter: clicks": tally.clicks - visit_clicks,
        "month: fields": tally.fields,
        "month: clicks": tally.clicks,
    }
    print("\nRecording burden, a family of two adults and three children:", figures)
