"""Browser journeys for access beyond allocation (issue #3): emergency access, and what a partner-agency
practitioner sees of an adult's restricted detail."""

import re

import pytest
from playwright.sync_api import expect

from safeguarding.access.models import EmergencyAccess
from safeguarding.allocation.models import Allocation, CaseRole
from safeguarding.audit.models import AuditEvent
from safeguarding.people.models import AdultDetail, Family, Person
from tests.e2e.axe import assert_no_serious_axe_violations
from tests.e2e.conftest import sign_in

pytestmark = pytest.mark.django_db(transaction=True)

REASON = "Police called the duty line about the children tonight"


def test_a_duty_worker_uses_emergency_access_and_the_team_manager_sees_it(council, live_server, new_page):
    family = (
        Family.objects.filter(team__name="North Family Safeguarding Team")
        .exclude(allocations__worker__username="ben")
        .order_by("reference")
        .last()
    )
    family_url = f"{live_server.url}/families/{family.pk}/"

    ben = sign_in(new_page(), live_server, "ben")
    response = ben.goto(family_url)
    assert response.status == 404

    ben.goto(live_server.url + "/my-families/")
    ben.get_by_role("link", name="Emergency access").click()
    expect(ben.get_by_role("heading", level=1)).to_have_text("Emergency access to a family")
    assert_no_serious_axe_violations(ben)
    ben.get_by_role("button", name="Open the family's record").click()
    expect(ben.locator(".govuk-error-summary")).to_be_visible()
    ben.get_by_label("Family reference").fill(family.reference)
    ben.get_by_label("Why do you need to open this family's record now?").fill(REASON)
    ben.get_by_role("button", name="Open the family's record").click()

    expect(ben).to_have_url(re.compile(rf"/families/{family.pk}/$"))
    expect(ben.get_by_role("region", name="Emergency access")).to_contain_text(REASON)
    expect(ben.get_by_role("link", name="Add a person")).to_have_count(0)
    assert_no_serious_axe_violations(ben)
    assert AuditEvent.objects.filter(
        action="break_glass", actor__username="ben", family_id=family.pk
    ).exists()
    assert EmergencyAccess.objects.get(family=family, worker__username="ben", reason=REASON).is_active

    maria = sign_in(new_page(), live_server, "maria")
    banner = maria.get_by_role("region", name="Emergency access in the last 14 days")
    expect(banner).to_contain_text("Ben Turner")
    expect(banner).to_contain_text(REASON)
    assert_no_serious_axe_violations(maria)


def test_a_duty_worker_finds_the_family_by_a_childs_name_and_date_of_birth(council, live_server, new_page):
    # The caller gives a name and a date of birth, not a reference (issue #8).
    child = (
        Person.objects.filter(
            memberships__family__team__name="North Family Safeguarding Team",
            memberships__member_type="child",
            memberships__left_on__isnull=True,
            date_of_birth__isnull=False,
        )
        .exclude(memberships__family__allocations__worker__username="ben")
        .order_by("last_name", "first_name")
        .first()
    )
    family = child.memberships.get(left_on__isnull=True).family

    ben = sign_in(new_page(), live_server, "ben")
    ben.goto(live_server.url + "/emergency-access/")
    ben.get_by_role("link", name="find the family by a child's or adult's name and date of birth").click()
    expect(ben.get_by_role("heading", level=1)).to_have_text("Find a family by a child or adult in it")
    assert_no_serious_axe_violations(ben)
    ben.get_by_role("button", name="Find the family").click()
    expect(ben.locator(".govuk-error-summary")).to_be_visible()
    assert_no_serious_axe_violations(ben)
    ben.get_by_label("Last name").fill(child.last_name.upper())
    born = ben.get_by_role("group", name="Date of birth")
    born.get_by_label("Day").fill(str(child.date_of_birth.day))
    born.get_by_label("Month").fill(str(child.date_of_birth.month))
    born.get_by_label("Year").fill(str(child.date_of_birth.year))
    ben.get_by_role("button", name="Find the family").click()
    results = ben.get_by_role("table", name="Families with someone matching your search")
    expect(results).to_contain_text(child.full_name)
    assert_no_serious_axe_violations(ben)

    results.get_by_role("link", name=f"Choose {family.name}, {family.reference}").click()
    expect(ben.get_by_label("Family reference")).to_have_value(family.reference)
    ben.get_by_label("Why do you need to open this family's record now?").fill(REASON)
    ben.get_by_role("button", name="Open the family's record").click()
    expect(ben).to_have_url(re.compile(rf"/families/{family.pk}/$"))
    assert AuditEvent.objects.filter(
        action="search", actor__username="ben", detail__emergency_access_search=True
    ).exists()


def test_a_partner_practitioner_sees_restricted_where_the_detail_is_not_theirs(
    council, live_server, new_page
):
    # Dan (domestic abuse victim practitioner) works with a mother; another adult's detail in the same
    # family was recorded by a different practitioner and is restricted for him.
    allocation = Allocation.objects.filter(
        worker__username="dan", case_role=CaseRole.DA_VICTIM_PRACTITIONER, end_date__isnull=True
    ).first()
    own_adult = allocation.works_with.first()
    other = (
        AdultDetail.objects.filter(person__memberships__family=allocation.family)
        .exclude(person=own_adult)
        .select_related("person")
        .first()
    )
    if other is None:
        other_adult = allocation.family.members.filter(member_type="adult").exclude(person=own_adult).first()
        assert other_adult is not None, "the demo family should have a second adult"
        other = AdultDetail.objects.create(
            person=other_adult.person,
            topic="substance_use",
            summary="Synthetic restricted note",
            recorded_by=allocation.family.allocations.exclude(worker__username="dan").first().worker,
        )
    own_detail = AdultDetail.objects.filter(person=own_adult).first()

    dan = sign_in(new_page(), live_server, "dan")
    dan.goto(f"{live_server.url}/people/{own_adult.pk}/")
    expect(dan.locator("main")).to_contain_text(own_detail.summary)

    dan.goto(f"{live_server.url}/people/{other.person_id}/")
    main = dan.locator("main")
    expect(main).to_contain_text("Restricted")
    expect(main).not_to_contain_text(other.summary)
    assert_no_serious_axe_violations(dan)
