"""Browser journey through the integrated family assessment (issue #9 item 5) and the programme of work with
parents (item 6).

Asha, the lead social worker, compiles the Quillfeather family's integrated assessment, sees the factors the
domestic abuse practitioner's work proposes, writes her analysis and sends it; Maria, the team manager,
returns it with a comment; Asha answers and sends it again; Maria authorises it; each child's journey then
shows the statutory assessment authorised today with the confirmed factors. Every page added is checked
with axe at 1280 and 390 pixels wide.

Statutory dates are fixed in the past (REFERRAL); the authorisation is today's, read from the server's own
date. Dates on the page are read from `<time datetime>` values or as a whole table cell, never as substrings.
"""

import datetime
import re

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from safeguarding.accounts.models import User
from safeguarding.allocation.services import allocation_create, family_open
from safeguarding.journey.models import Assessment
from safeguarding.journey.services import journey_record
from safeguarding.people.services import person_create
from safeguarding.workbook.models import ParentingModule
from tests.dates import long_date
from tests.e2e.axe import assert_no_serious_axe_violations_at_both_widths

from .conftest import sign_in

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.filterwarnings("ignore:No directory at:UserWarning"),
]

REFERRAL = datetime.date(2025, 3, 3)
STARTED = datetime.date(2025, 3, 4)
DOMESTIC_ABUSE = "Domestic abuse: a parent or carer is the subject"


@pytest.fixture
def quillfeathers(council):
    """A North family held by Asha: Rhea (mother), with whom Dan (DA practitioner) works, and two children
    whose child and family assessments are waiting for authorisation."""
    asha = User.objects.get(username="asha")
    family = family_open(actor=asha, name="Quillfeather family", team=asha.team)
    rhea = person_create(
        actor=asha,
        family=family,
        member_type="adult",
        values={
            "first_name": "Rhea",
            "last_name": "Quillfeather",
            "date_of_birth": datetime.date(1990, 5, 1),
        },
    )
    allocation_create(
        actor=User.objects.get(username="maria"),
        family=family,
        worker=User.objects.get(username="dan"),
        case_role="da_victim_practitioner",
        works_with=[rhea],
    )
    children = []
    for first_name, born in (("Mia", datetime.date(2017, 5, 4)), ("Leo", datetime.date(2020, 9, 12))):
        child = person_create(
            actor=asha,
            family=family,
            member_type="child",
            values={"first_name": first_name, "last_name": "Quillfeather", "date_of_birth": born},
        )
        journey_record(
            actor=asha,
            child=child,
            step="referral",
            values={"referral_date": REFERRAL, "referral_source": "2A", "primary_need": "N1"},
        )
        journey_record(actor=asha, child=child, step="assessment", values={"start_date": STARTED})
        children.append(child)
    return family, rhea, children


def test_the_lead_compiles_and_sends_the_assessment_and_the_manager_authorises_it(
    quillfeathers, live_server, new_page
):
    family, rhea, (mia, leo) = quillfeathers
    base = live_server.url

    # Asha compiles the integrated family assessment from the family's assessments page.
    asha = sign_in(new_page(), live_server, "asha")
    asha.goto(f"{base}/families/{family.pk}/workbook/assessments/")
    expect(asha.get_by_role("heading", level=1, name="Assessments")).to_be_visible()
    assert_no_serious_axe_violations_at_both_widths(asha)
    asha.get_by_role("link", name="Compile the integrated family assessment").click()
    expect(
        asha.get_by_role("heading", level=1, name="Compile the integrated family assessment")
    ).to_be_visible()
    assert_no_serious_axe_violations_at_both_widths(asha)
    asha.get_by_role("button", name="Compile the assessment").click()
    expect(asha.get_by_role("heading", level=1, name="Integrated family assessment")).to_be_visible()
    assert_no_serious_axe_violations_at_both_widths(asha)

    # What was compiled: each child's statutory status, nothing typed.
    expect(asha.get_by_label("Mia Quillfeather: statutory status")).to_have_value(
        re.compile("waiting for authorisation")
    )
    # The domestic abuse practitioner's work with Rhea proposes 3B for each child, with why; nothing else.
    for child in (mia, leo):
        group = asha.get_by_role("group", name=f"Factors identified for {child.full_name}")
        expect(group.get_by_label(f"{DOMESTIC_ABUSE} (3B)")).to_be_checked()
        expect(group.get_by_label("Mental health of a parent or carer (4B)")).not_to_be_checked()
        expect(group).to_contain_text(
            "Dan Whitfield, domestic abuse victim practitioner, works with Rhea Quillfeather"
        )
    # Asha adds Rhea's mental health for Mia, from what she knows, and writes her analysis.
    asha.get_by_role("group", name="Factors identified for Mia Quillfeather").get_by_label(
        "Mental health of a parent or carer (4B)"
    ).check()
    asha.get_by_label("What life is like for Mia Quillfeather").fill("Mia worries about her mum at night.")
    asha.get_by_label("What life is like for Leo Quillfeather").fill("Leo is settled at nursery.")
    asha.get_by_label("The risks to the children").fill("The children hear the arguments.")
    asha.get_by_label("Strengths and what is working well").fill("Rhea keeps the routines going.")
    asha.get_by_label("What needs to change").fill("A safety plan for the evenings that holds.")
    asha.get_by_role("button", name="Save").click()
    expect(asha.get_by_text("Assessment saved")).to_be_visible()
    assert_no_serious_axe_violations_at_both_widths(asha)

    asha.get_by_role("link", name="Send to the team manager").click()
    expect(
        asha.get_by_role("heading", level=1, name=re.compile("Send the integrated family assessment"))
    ).to_be_visible()
    assert_no_serious_axe_violations_at_both_widths(asha)
    asha.get_by_role("button", name="Send to the team manager").click()
    expect(asha.get_by_text("Assessment sent to Maria Santos for authorisation")).to_be_visible()
    expect(asha.locator("#assessment-status")).to_have_text("With the team manager")
    expect(asha.get_by_role("link", name="Edit the assessment")).to_have_count(0)

    # Maria returns it with a comment: nothing is recorded on the children's journeys.
    maria = sign_in(new_page(), live_server, "maria")
    assessment_url = asha.url
    maria.goto(assessment_url)
    maria.get_by_role("link", name="Return with comments").click()
    expect(
        maria.get_by_role("heading", level=1, name=re.compile("Return the integrated family assessment"))
    ).to_be_visible()
    assert_no_serious_axe_violations_at_both_widths(maria)
    maria.get_by_role("button", name="Return with comments").click()
    expect(maria.get_by_text("Enter what needs to change before you can authorise it").first).to_be_visible()
    assert_no_serious_axe_violations_at_both_widths(maria)
    maria.get_by_label("What needs to change").fill("Say what Leo's nursery has noticed.")
    maria.get_by_role("button", name="Return with comments").click()
    expect(maria.locator("#assessment-status")).to_have_text("Returned for changes")
    assert not Assessment.objects.filter(child__in=[mia, leo], authorised_on__isnull=False).exists()

    # Asha answers the comment and sends it again.
    asha.reload()
    expect(asha.get_by_text("Say what Leo's nursery has noticed.").first).to_be_visible()
    asha.get_by_role("link", name="Edit the assessment").click()
    asha.get_by_label("What life is like for Leo Quillfeather").fill(
        "Leo is settled at nursery; staff say he is quieter after weekends."
    )
    asha.get_by_role("button", name="Save").click()
    asha.get_by_role("link", name="Send to the team manager").click()
    asha.get_by_role("button", name="Send to the team manager").click()
    expect(asha.locator("#assessment-status")).to_have_text("With the team manager")

    # Maria authorises it: each child's statutory assessment is completed today with the confirmed factors.
    maria.goto(assessment_url)
    assert_no_serious_axe_violations_at_both_widths(maria)
    maria.get_by_role("link", name="Authorise", exact=True).click()
    expect(
        maria.get_by_role("heading", level=1, name="Authorise the integrated family assessment")
    ).to_be_visible()
    assert_no_serious_axe_violations_at_both_widths(maria)
    maria.get_by_role("button", name="Authorise the assessment").click()
    expect(maria.locator("#assessment-status")).to_have_text("Authorised")
    expect(maria.get_by_text("Statutory assessment completed for Mia, Leo.")).to_be_visible()
    versions = maria.locator("#versions + table tbody tr")
    expect(versions).to_have_count(4)
    maria.get_by_role("link", name="Version 2").click()
    expect(maria.get_by_role("heading", level=1, name=re.compile("version 2"))).to_be_visible()
    assert_no_serious_axe_violations_at_both_widths(maria)

    today = timezone.localdate()
    expected = {mia: ["3B", "4B"], leo: ["3B"]}
    for child, factors in expected.items():
        record = Assessment.objects.get(child=child)
        assert record.authorised_on == today and record.factors == factors
        maria.goto(f"{base}/children/{child.pk}/journey/")
        cells = [c.strip() for c in maria.locator(f"#assessment-{record.pk} td").all_inner_texts()]
        assert long_date(today) in cells  # a whole cell, not part of one
        assert any(DOMESTIC_ABUSE in cell for cell in cells)
        assert any("Mental health of a parent or carer" in cell for cell in cells) == ("4B" in factors)


def test_the_programme_and_a_parents_module_work_read_at_both_widths(quillfeathers, live_server, new_page):
    family, rhea, _children = quillfeathers
    module = ParentingModule.objects.filter(active=True).order_by("order").first()
    asha = sign_in(new_page(), live_server, "asha")
    asha.goto(f"{live_server.url}/families/{family.pk}/workbook/modules/")
    expect(asha.get_by_role("heading", level=1, name="Programme of work with parents")).to_be_visible()
    expect(asha.get_by_text("0 of 8 modules completed, 0 in progress.")).to_be_visible()
    assert_no_serious_axe_violations_at_both_widths(asha)
    asha.get_by_role("link", name=f"1. {module.name} with Rhea Quillfeather").click()
    expect(asha.get_by_role("heading", level=1, name=module.name)).to_be_visible()
    assert_no_serious_axe_violations_at_both_widths(asha)
    asha.get_by_label("Your analysis").fill("Rhea can say what worries the school, in her own words.")
    asha.get_by_role("group", name="How far has the parent got with this module?").get_by_label(
        "Completed"
    ).check()
    asha.get_by_role("button", name="Save").click()
    expect(asha.get_by_text(f"{module.name}: work with Rhea Quillfeather saved")).to_be_visible()
    asha.get_by_role("link", name="Back to the programme").click()
    expect(asha.get_by_text("1 of 8 modules completed, 0 in progress.")).to_be_visible()
