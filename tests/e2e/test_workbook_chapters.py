"""Browser journeys for Workbook chapters (issue #9): an adult practitioner writes and shares a chapter;
a chapter typed and left idle comes back after the session expired; a partner practitioner sees
"Restricted" where the sensitivity rules say so. Axe on every page, at desktop and phone widths."""

import re

import pytest
from playwright.sync_api import Page, expect

from safeguarding.access.models import SharingBasis
from safeguarding.accounts.models import User
from safeguarding.accounts.tests.factories import UserFactory
from safeguarding.allocation.models import Allocation, CaseRole
from safeguarding.allocation.services import allocation_create
from safeguarding.people.models import FamilyMember
from safeguarding.workbook.models import Chapter, ChapterPart
from safeguarding.workbook.services.chapters import chapter_save, chapter_start, part_field
from tests.e2e.axe import assert_no_serious_axe_violations_at_both_widths
from tests.e2e.conftest import sign_in
from tests.e2e.test_identity import age_session

pytestmark = pytest.mark.django_db(transaction=True)


def dans_family():
    allocation = (
        Allocation.objects.current()
        .filter(worker__username="dan", works_with__isnull=False)
        .select_related("family")
        .order_by("family__reference")
        .first()
    )
    return allocation.family, allocation.works_with.first()


def open_own_chapter(page: Page) -> None:
    """From the Workbook page: start the chapter, or continue the one the demo already began."""
    start = page.get_by_role("button", name="Start your chapter")
    if start.count():
        start.click()
    else:
        page.get_by_role("link", name="Continue your chapter").click()
    expect(page.get_by_role("heading", level=1, name="Your chapter")).to_be_visible()


def test_an_adult_practitioner_writes_and_shares_a_chapter(council, live_server, new_page):
    family, adult = dans_family()
    dan = sign_in(new_page(), live_server, "dan")
    dan.goto(f"{live_server.url}/families/{family.pk}/")
    dan.get_by_role("link", name="Open the Workbook").click()
    expect(dan.get_by_role("heading", level=1, name="Workbook")).to_be_visible()
    assert_no_serious_axe_violations_at_both_widths(dan)

    open_own_chapter(dan)
    part = dan.get_by_role("group", name=f"About {adult.full_name}")
    expect(part).to_be_visible()
    assert_no_serious_axe_violations_at_both_widths(dan)
    part.get_by_label("What has changed").fill("Synthetic: he has attended four of five group sessions.")
    share = dan.get_by_role("button", name="Save and share with the team")
    (share if share.count() else dan.get_by_role("button", name="Save", exact=True)).click()

    expect(dan.locator(".govuk-notification-banner")).to_contain_text("Your chapter is saved")
    expect(dan.get_by_text("Synthetic: he has attended four of five group sessions.")).to_be_visible()
    assert_no_serious_axe_violations_at_both_widths(dan)
    chapter = Chapter.objects.get(
        author__username="dan", cycle__workbook__family=family, cycle__closed_on=None
    )
    assert chapter.state == Chapter.State.SHARED
    assert ChapterPart.objects.get(chapter=chapter, about_person=adult).sensitivity == "adult_special"

    # The lead social worker reads it where a basis covering the team is recorded, and not otherwise.
    lead = Allocation.objects.current().get(family=family, case_role=CaseRole.LEAD_SOCIAL_WORKER).worker
    SharingBasis.objects.filter(person=adult).delete()
    reader = sign_in(new_page(), live_server, lead.username)
    reader.goto(f"{live_server.url}/families/{family.pk}/workbook/chapters/{chapter.pk}/")
    expect(reader.get_by_text("Restricted", exact=True)).to_be_visible()
    expect(reader.get_by_text("Synthetic: he has attended four of five group sessions.")).to_have_count(0)
    SharingBasis.objects.create(person=adult, basis="consent", scope="team", recorded_by=chapter.author)
    reader.reload()
    expect(reader.get_by_text("Synthetic: he has attended four of five group sessions.")).to_be_visible()


def test_a_partner_practitioner_sees_restricted_for_another_adults_practitioner_part(
    council, live_server, new_page
):
    family, dans_adult = dans_family()
    other_adult = (
        FamilyMember.objects.filter(family=family, member_type="adult", left_on__isnull=True)
        .exclude(person=dans_adult)
        .select_related("person")
        .first()
        .person
    )
    recovery_worker = UserFactory(partner=True, team=family.team, first_name="Robin", last_name="Synthetic")
    allocation_create(
        actor=User.objects.get(username="owen"),
        family=family,
        worker=recovery_worker,
        case_role=CaseRole.RECOVERY_WORKER,
        works_with=[other_adult],
    )
    SharingBasis.objects.filter(person=other_adult).delete()
    chapter = chapter_start(actor=recovery_worker, family=family)
    part = chapter.parts.get(about_person=other_adult)
    chapter_save(
        actor=recovery_worker,
        family=family,
        chapter=chapter,
        base_version=chapter.version,
        share=True,
        values={part_field(part, "worries"): "Synthetic: missed two of three recovery appointments."},
    )

    dan = sign_in(new_page(), live_server, "dan")
    dan.goto(f"{live_server.url}/families/{family.pk}/workbook/chapters/{chapter.pk}/")
    section = dan.locator("main")
    expect(section.get_by_text("Restricted", exact=True)).to_be_visible()
    expect(section).to_contain_text(recovery_worker.display_name)
    expect(section.get_by_text("Synthetic: missed two of three recovery appointments.")).to_have_count(0)
    assert_no_serious_axe_violations_at_both_widths(dan)


def test_a_chapter_typed_and_left_idle_comes_back_after_the_session_expired(council, live_server, page):
    lead = Allocation.objects.current().filter(worker__username="asha").select_related("family").first()
    family = lead.family
    sign_in(page, live_server, "asha")
    page.goto(f"{live_server.url}/families/{family.pk}/workbook/")
    open_own_chapter(page)
    box = page.get_by_role("group", name="About the family").get_by_label("What this means for the children")
    box.fill("Synthetic: the children are going to school every day now and eating breakfast.")
    # Left idle: the draft is saved on the server a few seconds after typing stops.
    expect(page.locator("[data-autosave-status]")).to_contain_text("Draft saved at", timeout=10_000)

    age_session(page, 31 * 60)
    page.reload()
    expect(page).to_have_url(re.compile(r"/accounts/sign-in/"))
    page.get_by_label("Username").fill("asha")
    page.get_by_label("Password").fill("family-safeguarding-demo")
    page.get_by_role("button", name="Sign in").click()
    expect(page).not_to_have_url(re.compile(r"/accounts/sign-in/"))  # signed in before going elsewhere
    page.goto(f"{live_server.url}/families/{family.pk}/workbook/")
    page.get_by_role("link", name="Continue your chapter").click()
    expect(page.get_by_text("We restored text you had not saved")).to_be_visible()
    expect(
        page.get_by_role("group", name="About the family").get_by_label("What this means for the children")
    ).to_have_value("Synthetic: the children are going to school every day now and eating breakfast.")


def test_text_typed_before_the_autosave_script_arrives_is_saved_too(council, live_server, page):
    """On a slow connection the page is usable before its scripts have run; what the worker types then
    raised no event the autosave saw, and must still be kept."""
    lead = Allocation.objects.current().filter(worker__username="asha").select_related("family").first()
    sign_in(page, live_server, "asha")
    page.goto(f"{live_server.url}/families/{lead.family.pk}/workbook/")
    open_own_chapter(page)
    chapter_url = page.url

    held = []
    # The script's request waits until it is released below.
    page.route("**/autosave.mjs", lambda route: held.append(route))
    page.goto(chapter_url, wait_until="commit")
    box = page.get_by_role("group", name="About the family").get_by_label("What has changed")
    box.fill("Synthetic: typed while the page was still loading.")
    page.wait_for_function("() => true")  # lets the held request reach the handler
    assert len(held) == 1
    held[0].continue_()
    expect(page.locator("[data-autosave-status]")).to_contain_text("Draft saved at", timeout=10_000)
