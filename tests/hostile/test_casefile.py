"""Hostile input through the case file's forms, search, Team caseload and the ids in its URLs: the family,
person, relationship, address and allocation forms (the values and checks are in inputs.py).
"""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse
from hypothesis import given
from hypothesis import strategies as st

from safeguarding.accounts.models import Team
from safeguarding.allocation.models import CaseRole
from safeguarding.demo import personas
from safeguarding.people import services as people_services
from safeguarding.people.models import Family
from tests.hostile.inputs import (
    HOSTILE,
    HYPOTHESIS,
    MUST_REFUSE,
    SCRIPT,
    FormUnderTest,
    assert_bad_ids_not_found,
    assert_handled,
    assert_no_raw_markup,
    assert_other_methods_refused,
    date_part,
    dates,
    name_text,
    post_each_hostile_value,
    post_every_value_twice,
)

DATE_PARTS = ("day", "month", "year")


PERSON_TEXT = [
    "first_name",
    "middle_names",
    "last_name",
    "known_as",
    "first_language",
    "nhs_number",
    "upn",
    "council_id",
]


# One box of each date: the three boxes are parsed by the same code, and the hypothesis tests below put
# anything in all three.
PERSON_FIELDS = [
    *PERSON_TEXT,
    "sex",
    "ethnicity",
    "disabilities",
    "date_of_birth_day",
    "expected_date_of_birth_month",
    "date_of_death_year",
]


def person_data(person=None) -> dict:
    if person is None:
        return {
            "member_type": "child",
            "first_name": "Juniper",
            "last_name": "Oakridge",
            "sex": "F",
            "ethnicity": "NOBT",
            "confirm_not_duplicate": "yes",
            **dates("date_of_birth"),
        }
    born = person.date_of_birth
    return {
        "first_name": person.first_name,
        "last_name": person.last_name,
        "sex": person.sex,
        "ethnicity": person.ethnicity,
        "confirm_not_duplicate": "yes",
        **(dates("date_of_birth", born.day, born.month, born.year) if born else {}),
    }


FORMS = {
    "family create": FormUnderTest(
        "maria", lambda c: reverse("casefile:family-create"), lambda c: {"name": "Quill family"}, ("name",)
    ),
    "family create with a team": FormUnderTest(
        "owen",
        lambda c: reverse("casefile:family-create"),
        lambda c: {"name": "Quill family", "team": str(c.family.team_id)},
        ("name", "team"),
    ),
    "family edit": FormUnderTest(
        "asha",
        lambda c: reverse("casefile:family-edit", args=[c.family.pk]),
        lambda c: {"name": c.family.name},
        ("name",),
    ),
    "person create": FormUnderTest(
        "asha",
        lambda c: reverse("casefile:person-create", args=[c.family.pk]),
        lambda c: person_data(),
        ("member_type", *PERSON_FIELDS),
    ),
    "person edit": FormUnderTest(
        "asha",
        lambda c: reverse("casefile:person-edit", args=[c.child.pk]),
        lambda c: person_data(c.child),
        (*PERSON_TEXT, "sex", "date_of_birth_year"),  # the same form class as create: its own save path
    ),
    "relationship": FormUnderTest(
        "asha",
        lambda c: reverse("casefile:relationship-create", args=[c.family.pk]),
        lambda c: {
            "person": str(c.adult.pk),
            "kind": "other",
            "relative": str(c.child.pk),
            "description": "Aunt",
        },
        ("person", "kind", "relative", "description"),
    ),
    "address": FormUnderTest(
        "asha",
        lambda c: reverse("casefile:address-create", args=[c.family.pk, c.child.pk]),
        lambda c: {"line_1": "1 Test Street", "town": "Demoborough", "postcode": "DB1 1AA"},
        ("line_1", "line_2", "town", "postcode", "moved_in_on_day"),
    ),
    "allocation create": FormUnderTest(
        "maria",
        lambda c: reverse("casefile:allocation-create", args=[c.family.pk]),
        lambda c: {"worker": str(c.free_worker().pk), "case_role": CaseRole.OTHER},
        ("worker", "case_role", "start_date_month"),
    ),
    "allocation end": FormUnderTest(
        "maria",
        lambda c: reverse("casefile:allocation-end", args=[c.family.pk, c.fresh_allocation().pk]),
        lambda c: {"reason_code": "other", "reason": "Worker left the team", "confirm": "yes"},
        ("reason_code", "reason", "end_date_year"),
    ),
    "allocation of an adult practitioner": FormUnderTest(
        "maria",
        lambda c: reverse("casefile:allocation-create", args=[c.family.pk]),
        lambda c: {
            "worker": str(c.free_worker().pk),
            "case_role": CaseRole.RECOVERY_WORKER,
            "works_with": str(c.adult.pk),
        },
        ("works_with",),
    ),
}
FORM_FIELDS = [(form, field) for form, spec in FORMS.items() for field in spec.fields]


@pytest.mark.parametrize(("form", "field"), FORM_FIELDS, ids=[f"{f}: {field}" for f, field in FORM_FIELDS])
def test_hostile_value_in_any_form_field_is_saved_escaped_or_refused_never_a_server_error(
    client, council, form, field
):
    post_each_hostile_value(client, council, FORMS[form], form, field)


@pytest.mark.parametrize("form", [f for f, spec in FORMS.items() if spec.user], ids=str)
def test_lists_where_single_values_are_expected_are_handled(client, council, form):
    post_every_value_twice(client, council, FORMS[form], form)


@pytest.mark.parametrize(
    "form",
    [
        "family create",
        "family edit",
        "person create",
        "relationship",
        "address",
        "allocation end",
    ],
)
@pytest.mark.parametrize("method", ["put", "patch", "delete"])
def test_other_http_methods_on_a_form_are_refused_with_405(client, council, form, method):
    assert_other_methods_refused(client, council, FORMS[form], method)


def test_nul_byte_in_a_name_is_refused_with_a_message_and_nothing_saved(client, council):
    client.force_login(council.maria)
    families_before = Family.objects.count()
    response = client.post(reverse("casefile:family-create"), {"name": "Quill\x00 family"})
    assert "Null characters are not allowed." in response.content.decode()
    assert Family.objects.count() == families_before


def test_markup_saved_in_a_family_name_is_shown_escaped(client, council):
    client.force_login(council.maria)
    response = client.post(reverse("casefile:family-create"), {"name": f"{SCRIPT} family"})
    page = client.get(response["Location"])
    body = assert_no_raw_markup(page)
    assert "&lt;script&gt;alert(1)&lt;/script&gt; family" in body


def test_markup_in_a_refused_field_is_echoed_escaped(client, council):
    client.force_login(council.asha)
    data = {**person_data(), "first_name": SCRIPT, "nhs_number": "123"}
    response = client.post(reverse("casefile:person-create", args=[council.family.pk]), data)
    body = assert_no_raw_markup(response)
    assert 'value="&lt;script&gt;alert(1)&lt;/script&gt;"' in body


def test_markup_in_a_duplicate_warning_is_escaped(client, council):
    client.force_login(council.asha)
    url = reverse("casefile:person-create", args=[council.family.pk])
    data = {**person_data(), "first_name": SCRIPT}
    assert client.post(url, data).status_code == 302
    del data["confirm_not_duplicate"]
    response = client.post(url, data)
    body = assert_no_raw_markup(response)
    assert 'id="duplicate-warning"' in body and "&lt;script&gt;" in body


@pytest.mark.parametrize("label", HOSTILE, ids=str)
def test_hostile_search_is_answered_with_results_or_a_message(client, council, label):
    client.force_login(council.asha)
    response = client.post(reverse("casefile:search"), {"q": HOSTILE[label]})
    assert response.status_code == 200
    body = assert_no_raw_markup(response)
    if label in MUST_REFUSE | {"only spaces"}:
        assert "govuk-error-summary" in body
    else:
        assert "result" in body and "govuk-error-summary" not in body


def test_search_with_the_query_twice_is_answered(client, council):
    client.force_login(council.asha)
    response = client.post(reverse("casefile:search"), {"q": [council.child.last_name, "<script>"]})
    assert response.status_code == 200
    assert_no_raw_markup(response)


def test_search_results_show_a_hostile_name_escaped(client, council):
    people_services.person_create(
        actor=council.asha,
        family=council.family,
        member_type="child",
        values={
            "first_name": SCRIPT,
            "last_name": "Quillfeather",
            "date_of_birth": datetime.date(2019, 4, 3),
        },
    )
    client.force_login(council.asha)
    response = client.post(reverse("casefile:search"), {"q": "Quillfeather"})
    body = assert_no_raw_markup(response)
    assert "&lt;script&gt;alert(1)&lt;/script&gt; Quillfeather" in body


@given(query=st.text(max_size=300))
@HYPOTHESIS
def test_any_search_text_is_answered_with_results_or_a_message(client, council, query):
    client.force_login(council.asha)
    response = client.post(reverse("casefile:search"), {"q": query + SCRIPT})
    assert response.status_code == 200
    assert_no_raw_markup(response)
    response = client.post(reverse("casefile:search"), {"q": query})
    assert response.status_code == 200


@pytest.mark.parametrize("team", [*HOSTILE.values(), "00000000-0000-0000-0000-000000000000"], ids=repr)
def test_team_caseload_with_an_unknown_team_is_not_found(client, council, team):
    client.force_login(council.maria)
    response = client.get(reverse("casefile:team-caseload"), {"team": team})
    assert response.status_code == 404
    assert_no_raw_markup(response)


def test_team_caseload_without_a_team_shows_the_managers_own_team(client, council):
    client.force_login(council.maria)
    body = client.get(reverse("casefile:team-caseload"), {"team": ""}).content.decode()
    assert f'<h1 class="govuk-heading-l">{personas.NORTH_TEAM}</h1>' in body


def test_team_caseload_for_a_team_the_manager_does_not_manage_is_not_found(client, council):
    """The same answer as for a team that does not exist: another team's caseload is not hers to see."""
    client.force_login(council.maria)
    south = Team.objects.get(name=personas.SOUTH_TEAM)
    response = client.get(reverse("casefile:team-caseload"), {"team": str(south.pk)})
    assert response.status_code == 404
    assert personas.SOUTH_TEAM not in response.content.decode()


def test_team_caseload_with_the_team_twice_takes_one(client, council):
    client.force_login(council.owen)
    south = Team.objects.get(name=personas.SOUTH_TEAM)
    response = client.get(reverse("casefile:team-caseload") + f"?team=not-a-uuid&team={south.pk}")
    assert response.status_code == 200
    assert f'<h1 class="govuk-heading-l">{personas.SOUTH_TEAM}</h1>' in response.content.decode()


URL_SHAPES = [
    "/families/{}/",
    "/families/{}/edit/",
    "/families/{}/people/new/",
    "/families/{}/relationships/new/",
    "/families/{family}/people/{}/addresses/new/",
    "/people/{}/",
    "/people/{}/edit/",
    "/families/{}/allocations/new/",
    "/families/{family}/allocations/{}/end/",
]


@pytest.mark.parametrize("shape", URL_SHAPES)
def test_invalid_or_unknown_ids_in_urls_are_not_found(client, council, shape):
    assert_bad_ids_not_found(client, council, shape)


@given(first_name=name_text, last_name=name_text, known_as=st.text(max_size=120), nhs=st.text(max_size=25))
@HYPOTHESIS
def test_any_text_in_the_person_form_is_saved_escaped_or_refused(
    client, council, first_name, last_name, known_as, nhs
):
    client.force_login(council.asha)
    data = {
        **person_data(),
        "first_name": first_name,
        "last_name": last_name,
        "known_as": known_as,
        "nhs_number": nhs,
    }
    response = client.post(reverse("casefile:person-create", args=[council.family.pk]), data)
    assert_handled(client, response, repr(data))


@given(day=date_part, month=date_part, year=date_part, died=st.dates())
@HYPOTHESIS
def test_any_date_parts_in_the_person_form_are_saved_or_refused(client, council, day, month, year, died):
    client.force_login(council.asha)
    data = {
        **person_data(),
        **dates("date_of_birth", day, month, year),
        **dates("date_of_death", died.day, died.month, died.year),
    }
    response = client.post(reverse("casefile:person-create", args=[council.family.pk]), data)
    assert assert_handled(client, response, repr(data)) in ("saved", "refused")
