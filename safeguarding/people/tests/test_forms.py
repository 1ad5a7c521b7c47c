"""What a user sees when they type something wrong, through the real pages.

Each test posts to the view with the Django test client and checks the GOV.UK pattern end to end: the
error summary lists the exact message with a link to the field's id, the field itself shows the
message, and nothing was saved.
"""

from __future__ import annotations

import datetime
from html.parser import HTMLParser

import pytest
from django.urls import reverse
from django.utils import timezone

from safeguarding.accounts.models import User
from safeguarding.allocation.models import Allocation, CaseRole
from safeguarding.demo import personas
from safeguarding.people.models import Address, Family, FamilyMember, Person, Relationship

VALID_NHS_NUMBER = "9434765919"  # worked in test_identifiers.py: remainder 2, check digit 9


class ErrorPage(HTMLParser):
    """The parts of a GOV.UK page that show errors: the summary's links and each field's message."""

    def __init__(self, html: str):
        super().__init__(convert_charrefs=True)
        self.summary_links: list[tuple[str, str]] = []
        self.field_errors: dict[str, list[str]] = {}
        self.ids: set[str] = set()
        self._summary_divs = 0
        self._link: list[str] | None = None
        self._message: list[str] | None = None
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        classes = (attrs.get("class") or "").split()
        if attrs.get("id"):
            self.ids.add(attrs["id"])
        if tag == "div" and (self._summary_divs or "govuk-error-summary" in classes):
            self._summary_divs += 1
        if tag == "a" and self._summary_divs:
            self._link = [attrs.get("href") or "", ""]
        if tag == "p" and "govuk-error-message" in classes:
            self._message = [attrs.get("id") or "", ""]

    def handle_endtag(self, tag):
        if tag == "div" and self._summary_divs:
            self._summary_divs -= 1
        if tag == "a" and self._link is not None:
            self.summary_links.append((self._link[0], " ".join(self._link[1].split())))
            self._link = None
        if tag == "p" and self._message is not None:
            element_id, text = self._message
            messages = [" ".join(m.split()) for m in text.split("Error:") if m.strip()]
            self.field_errors.setdefault(element_id, []).extend(messages)
            self._message = None

    def handle_data(self, data):
        if self._link is not None:
            self._link[1] += data
        if self._message is not None:
            self._message[1] += data


def assert_field_error(response, field: str, message: str, *, anchor: str | None = None) -> None:
    """The summary links `message` to the field (or to `anchor`, its first box or option) and the field
    shows it."""
    assert response.status_code == 200, response.status_code
    page = ErrorPage(response.content.decode())
    anchor = anchor or f"id_{field}"
    assert (f"#{anchor}", message) in page.summary_links, page.summary_links
    assert anchor in page.ids, f"the summary links to #{anchor}, which is not on the page"
    assert message in page.field_errors.get(f"id_{field}-error", []), page.field_errors


# --- fixtures ----------------------------------------------------------------------------------------


@pytest.fixture
def council(demo_council):
    """The demo council (built once per test database: see conftest.py at the top of the repository)."""


@pytest.fixture
def asha(council):
    return User.objects.get(username="asha")


@pytest.fixture
def family(asha):
    """A North family asha is allocated to: she may add and change its people."""
    return (
        Family.objects.filter(
            team__name=personas.NORTH_TEAM, allocations__worker=asha, allocations__end_date=None
        )
        .order_by("name")
        .first()
    )


@pytest.fixture
def asha_client(client, asha):
    client.force_login(asha)
    return client


@pytest.fixture
def maria_client(client, council):
    client.force_login(User.objects.get(username="maria"))
    return client


def today() -> datetime.date:
    return timezone.localdate()


def date_parts(name: str, day, month, year) -> dict:
    return {f"{name}_day": str(day), f"{name}_month": str(month), f"{name}_year": str(year)}


def new_child(**changes) -> dict:
    data = {
        "member_type": "child",
        "first_name": "Juniper",
        "last_name": "Oakridge",
        "sex": "F",
        "ethnicity": "NOBT",
        **date_parts("date_of_birth", 3, 4, 2019),
    }
    data.update(changes)
    return {k: v for k, v in data.items() if v is not None}


def post_person(client, family, data):
    return client.post(reverse("casefile:person-create", args=[family.pk]), data)


# --- person: names and dates -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("field", "message"), [("first_name", "Enter first name"), ("last_name", "Enter last name")]
)
def test_person_without_a_name_is_refused_with_enter_name(asha_client, family, field, message):
    response = post_person(asha_client, family, new_child(**{field: "   "}))
    assert_field_error(response, field, message)
    assert not Person.objects.filter(first_name="Juniper").exists()


@pytest.mark.parametrize(
    ("day", "month", "year", "message"),
    [
        (31, 2, 2020, "Date of birth must be a real date"),
        (1, 13, 2020, "Date of birth must be a real date"),
        ("first", "May", "twenty", "Date of birth must be a real date"),
        (0, 5, 2020, "Date of birth must be a real date"),
        (1, 5, "", "Date of birth must include a year"),
        ("", 5, "", "Date of birth must include a day and year"),
        (1, 5, 19, "Date of birth must include a year with 4 numbers"),
    ],
)
def test_impossible_date_of_birth_says_what_is_wrong(asha_client, family, day, month, year, message):
    response = post_person(asha_client, family, new_child(**date_parts("date_of_birth", day, month, year)))
    assert_field_error(response, "date_of_birth", message, anchor="id_date_of_birth_day")
    assert not Person.objects.filter(first_name="Juniper").exists()


NO_BIRTH_DATE = {"date_of_birth_day": "", "date_of_birth_month": "", "date_of_birth_year": ""}


def days_from_today(name: str, days: int) -> dict:
    day = today() + datetime.timedelta(days=days)
    return date_parts(name, day.day, day.month, day.year)


# rule: (changes to a valid new child, the field the message is shown on, the message)
PERSON_DATE_RULES = {
    "date of birth in the future": (
        lambda: days_from_today("date_of_birth", 1),
        "date_of_birth",
        "Date of birth must be today or in the past",
    ),
    "date of birth and expected date of birth": (
        lambda: days_from_today("expected_date_of_birth", 60),
        "expected_date_of_birth",
        "Enter a date of birth or an expected date of birth, not both",
    ),
    "expected date of birth for an adult": (
        lambda: {"member_type": "adult", **NO_BIRTH_DATE, **days_from_today("expected_date_of_birth", 60)},
        "expected_date_of_birth",
        "Only an unborn child has an expected date of birth",
    ),
    "child without any date": (
        lambda: NO_BIRTH_DATE,
        "date_of_birth",
        "Enter the child's date of birth, or an expected date of birth if unborn",
    ),
    "date of death before date of birth": (
        lambda: date_parts("date_of_death", 2, 4, 2019),
        "date_of_death",
        "Date of death must be on or after the date of birth",
    ),
    "date of death of an unborn child": (
        lambda: {
            **NO_BIRTH_DATE,
            **days_from_today("expected_date_of_birth", 60),
            **date_parts("date_of_death", 1, 1, 2024),
        },
        "date_of_death",
        "Enter the date of birth before a date of death",
    ),
    "expected date of birth long past": (
        lambda: {**NO_BIRTH_DATE, **days_from_today("expected_date_of_birth", -400)},
        "expected_date_of_birth",
        "Expected date of birth is too far in the past: "
        "if the child has been born, enter their date of birth",
    ),
}


@pytest.mark.parametrize("rule", PERSON_DATE_RULES)
def test_person_date_rule_is_shown_on_its_field_and_nothing_saved(asha_client, family, rule):
    changes, field, message = PERSON_DATE_RULES[rule]
    response = post_person(asha_client, family, new_child(**changes()))
    assert_field_error(response, field, message, anchor=f"id_{field}_day")
    assert not Person.objects.filter(first_name="Juniper").exists()


def test_expected_date_of_birth_added_to_an_existing_adult_is_refused(asha_client, family):
    adult = (
        FamilyMember.objects.filter(family=family, member_type="adult")
        .select_related("person")
        .first()
        .person
    )
    due = today() + datetime.timedelta(days=60)
    data = {
        "first_name": adult.first_name,
        "last_name": adult.last_name,
        "sex": adult.sex,
        "ethnicity": adult.ethnicity,
        **date_parts("expected_date_of_birth", due.day, due.month, due.year),
    }
    response = asha_client.post(reverse("casefile:person-edit", args=[adult.pk]), data)
    assert_field_error(
        response,
        "expected_date_of_birth",
        "Only an unborn child has an expected date of birth",
        anchor="id_expected_date_of_birth_day",
    )
    adult.refresh_from_db()
    assert adult.expected_date_of_birth is None


# --- person: identifiers and codes -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("nhs_number", "message"),
    [
        ("943476591", "NHS number must be 10 digits"),
        ("94347659199", "NHS number must be 10 digits"),
        ("943476591X", "NHS number must be 10 digits"),
        ("٩٤٣٤٧٦٥٩١٩", "NHS number must be 10 digits"),  # Arabic-Indic digits
        ("²²²²²²²²²²", "NHS number must be 10 digits"),  # superscripts: str.isdigit() but not int()
        ("9434765918", "NHS number is not valid: check the digits (the last one is a check digit)"),
        ("9990000001", "NHS number is not valid: check the digits (the last one is a check digit)"),
    ],
)
def test_bad_nhs_number_is_refused(asha_client, family, nhs_number, message):
    response = post_person(asha_client, family, new_child(nhs_number=nhs_number))
    assert_field_error(response, "nhs_number", message)
    assert not Person.objects.filter(first_name="Juniper").exists()


def test_nhs_number_typed_with_spaces_is_saved_as_ten_digits(asha_client, family):
    response = post_person(asha_client, family, new_child(nhs_number="943 476 5919"))
    assert response.status_code == 302
    assert Person.objects.get(first_name="Juniper").nhs_number == VALID_NHS_NUMBER


@pytest.mark.parametrize("upn", ["A801200005001", "B80120000500", "B80120000500S", "not a upn"])
def test_bad_upn_is_refused(asha_client, family, upn):
    response = post_person(asha_client, family, new_child(upn=upn))
    assert_field_error(
        response,
        "upn",
        "Unique pupil number must be a check letter followed by 12 characters, with a correct check letter",
    )
    assert not Person.objects.filter(first_name="Juniper").exists()


def test_no_disability_with_another_disability_is_refused(asha_client, family):
    response = post_person(asha_client, family, new_child(disabilities=["NONE", "HEAR"]))
    assert_field_error(
        response,
        "disabilities",
        "Select 'No disability' or the person's disabilities, not both",
        anchor="id_disabilities_0",
    )
    assert not Person.objects.filter(first_name="Juniper").exists()


# --- duplicates --------------------------------------------------------------------------------------


def test_same_name_and_date_of_birth_as_a_visible_person_warns_and_saves_nothing(asha_client, family):
    existing = (
        FamilyMember.objects.filter(family=family, member_type="child").select_related("person")[0].person
    )
    born = existing.date_of_birth
    data = new_child(
        first_name=existing.first_name.upper(),  # the match ignores case
        last_name=existing.last_name,
        **date_parts("date_of_birth", born.day, born.month, born.year),
    )
    people_before = Person.objects.count()

    response = post_person(asha_client, family, data)

    assert response.status_code == 200
    page = response.content.decode()
    assert 'id="duplicate-warning"' in page
    assert reverse("casefile:person-detail", args=[existing.pk]) in page
    assert Person.objects.count() == people_before


def test_confirming_not_a_duplicate_saves_the_person(asha_client, family):
    existing = (
        FamilyMember.objects.filter(family=family, member_type="child").select_related("person")[0].person
    )
    born = existing.date_of_birth
    data = new_child(
        first_name=existing.first_name,
        last_name=existing.last_name,
        confirm_not_duplicate="yes",
        **date_parts("date_of_birth", born.day, born.month, born.year),
    )
    response = post_person(asha_client, family, data)
    assert response.status_code == 302
    assert (
        Person.objects.filter(
            first_name=existing.first_name, last_name=existing.last_name, date_of_birth=born
        ).count()
        == 2
    )


def test_duplicate_in_a_family_the_user_cannot_see_is_only_counted(asha_client, asha, family):
    hidden = (
        Person.objects.filter(
            memberships__family__team__name=personas.SOUTH_TEAM, date_of_birth__isnull=False
        )
        .exclude(memberships__family__allocations__worker=asha)
        .order_by("last_name")
        .first()
    )
    hidden_family = hidden.memberships.get().family
    assert hidden_family.name != family.name
    born = hidden.date_of_birth
    data = new_child(
        first_name=hidden.first_name,
        last_name=hidden.last_name,
        **date_parts("date_of_birth", born.day, born.month, born.year),
    )
    people_before = Person.objects.count()

    response = post_person(asha_client, family, data)

    page = response.content.decode()
    assert 'id="duplicate-warning"' in page
    assert "1 matching record belongs to a family you do not work with" in page
    assert hidden_family.name not in page
    assert hidden_family.reference not in page
    assert str(hidden.pk) not in page
    assert Person.objects.count() == people_before


# --- family ------------------------------------------------------------------------------------------


def test_family_without_a_name_is_refused(asha_client, council):
    families_before = Family.objects.count()
    response = asha_client.post(reverse("casefile:family-create"), {"name": ""})
    assert_field_error(response, "name", "Enter family name")
    assert Family.objects.count() == families_before


def test_service_manager_creating_a_family_must_choose_a_team(client, council):
    client.force_login(User.objects.get(username="owen"))
    families_before = Family.objects.count()
    response = client.post(reverse("casefile:family-create"), {"name": "Quillfeather family"})
    assert_field_error(response, "team", "Select a team")
    assert Family.objects.count() == families_before


# --- relationships and addresses ---------------------------------------------------------------------


def _two_members(family):
    members = list(FamilyMember.objects.filter(family=family, left_on=None).select_related("person"))
    return members[0].person, members[1].person


def test_relationship_of_a_person_to_themselves_is_refused(asha_client, family):
    person, _ = _two_members(family)
    before = Relationship.objects.count()
    response = asha_client.post(
        reverse("casefile:relationship-create", args=[family.pk]),
        {"person": person.pk, "kind": "sibling", "relative": person.pk},
    )
    assert_field_error(response, "relative", "Choose two different people")
    assert Relationship.objects.count() == before


def test_other_relationship_without_a_description_is_refused(asha_client, family):
    person, relative = _two_members(family)
    before = Relationship.objects.count()
    response = asha_client.post(
        reverse("casefile:relationship-create", args=[family.pk]),
        {"person": person.pk, "kind": "other", "relative": relative.pk, "description": "  "},
    )
    assert_field_error(response, "description", "Describe the relationship")
    assert Relationship.objects.count() == before


@pytest.mark.parametrize("postcode", ["NOPE 123", "12345", "LS1", "LS1 4A", "LS١ ٤AP"])
def test_bad_postcode_is_refused(asha_client, family, postcode):
    person, _ = _two_members(family)
    before = Address.objects.count()
    response = asha_client.post(
        reverse("casefile:address-create", args=[family.pk, person.pk]),
        {"line_1": "1 Test Street", "town": "Demoborough", "postcode": postcode},
    )
    assert_field_error(response, "postcode", "Enter a real postcode, for example LS1 4AP")
    assert Address.objects.count() == before


# --- allocation --------------------------------------------------------------------------------------


def test_allocating_a_worker_already_allocated_is_refused(maria_client, family):
    current = Allocation.objects.filter(family=family, end_date=None).select_related("worker").first()
    before = Allocation.objects.count()
    response = maria_client.post(
        reverse("casefile:allocation-create", args=[family.pk]),
        {"worker": current.worker.pk, "case_role": CaseRole.OTHER},
    )
    assert_field_error(
        response,
        "worker",
        f"{current.worker.display_name} is already allocated to this family. End that allocation first.",
    )
    assert Allocation.objects.count() == before


def test_second_lead_social_worker_is_refused(maria_client, family):
    assert Allocation.objects.filter(
        family=family, end_date=None, case_role=CaseRole.LEAD_SOCIAL_WORKER
    ).exists()
    other_social_worker = (
        User.objects.filter(team=family.team, role="social_worker")
        .exclude(allocations__family=family, allocations__end_date=None)
        .first()
    )
    before = Allocation.objects.count()
    response = maria_client.post(
        reverse("casefile:allocation-create", args=[family.pk]),
        {"worker": other_social_worker.pk, "case_role": CaseRole.LEAD_SOCIAL_WORKER},
    )
    assert_field_error(
        response, "case_role", "This family already has a lead social worker. End that allocation first."
    )
    assert Allocation.objects.count() == before


def test_ending_an_allocation_before_it_started_is_refused(maria_client, family):
    allocation = Allocation.objects.filter(family=family, end_date=None).first()
    before_start = allocation.start_date - datetime.timedelta(days=1)
    response = maria_client.post(
        reverse("casefile:allocation-end", args=[family.pk, allocation.pk]),
        date_parts("end_date", before_start.day, before_start.month, before_start.year),
    )
    assert_field_error(
        response,
        "end_date",
        "End date must be on or after the date the allocation started",
        anchor="id_end_date_day",
    )
    allocation.refresh_from_db()
    assert allocation.end_date is None


# --- sign in -----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("field", "message"), [("username", "Enter your username"), ("password", "Enter your password")]
)
def test_sign_in_with_an_empty_box_asks_for_it(client, council, field, message):
    data = {"username": "asha", "password": personas.DEMO_PASSWORD, field: ""}
    response = client.post(reverse("accounts:sign-in"), data)
    assert_field_error(response, field, message)
    assert "_auth_user_id" not in client.session
