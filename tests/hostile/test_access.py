"""Hostile input through the access app's forms: emergency (break-glass) access and its search, the adult
detail and the basis for sharing an adult's information (the values and checks are in inputs.py).
"""

from __future__ import annotations

import pytest
from django.urls import reverse
from hypothesis import given
from hypothesis import strategies as st

from tests.hostile.inputs import (
    HOSTILE,
    HYPOTHESIS,
    MUST_REFUSE,
    SCRIPT,
    FormUnderTest,
    assert_handled,
    assert_no_raw_markup,
    date_part,
    dates,
    post_each_hostile_value,
    post_every_value_twice,
)

FORMS = {
    "emergency access": FormUnderTest(
        "ben",
        lambda c: reverse("access:emergency-access"),
        lambda c: {"reference": c.family.reference, "reason": "Police called the duty line tonight"},
        ("reference", "reason"),
    ),
    "sharing basis": FormUnderTest(
        "maria",
        lambda c: reverse("access:sharing-basis-create", args=[c.family.pk, c.adult.pk]),
        lambda c: {"basis": "consent", "scope": "team", "explanation": "Agreed at the home visit"},
        ("basis", "explanation"),
    ),
    "adult detail": FormUnderTest(
        "maria",
        lambda c: reverse("casefile:adult-detail-create", args=[c.family.pk, c.adult.pk]),
        lambda c: {"topic": "mental_health", "summary": "Synthetic note"},
        ("topic", "summary"),
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


def _emergency_search(client, council, **changes):
    client.force_login(council.ben)
    data = {"last_name": council.child.last_name, "first_name": "", **dates("date_of_birth"), **changes}
    return client.post(reverse("access:emergency-access-search"), data)


@pytest.mark.parametrize("field", ["last_name", "first_name", "date_of_birth_day"])
@pytest.mark.parametrize("label", HOSTILE, ids=str)
def test_hostile_emergency_access_search_is_answered_with_matches_or_a_message(client, council, label, field):
    response = _emergency_search(client, council, **{field: HOSTILE[label]})
    assert response.status_code == 200
    body = assert_no_raw_markup(response)
    if label in MUST_REFUSE:
        assert "govuk-error-summary" in body
    else:
        assert "govuk-error-summary" in body or 'id="results"' in body


def test_emergency_access_search_with_every_value_twice_is_answered(client, council):
    data = {"last_name": council.child.last_name, "first_name": "", **dates("date_of_birth")}
    doubled = {key: [value, SCRIPT] for key, value in data.items()}
    response = _emergency_search(client, council, **doubled)
    assert response.status_code == 200
    assert_no_raw_markup(response)


@given(reference=st.text(max_size=40), reason=st.text(max_size=1200))
@HYPOTHESIS
def test_any_text_in_the_emergency_access_form_is_handled(client, council, reference, reason):
    client.force_login(council.ben)
    response = client.post(reverse("access:emergency-access"), {"reference": reference, "reason": reason})
    assert_handled(client, response, "emergency access")


@given(last_name=st.text(max_size=120), first_name=st.text(max_size=120), day=date_part, year=date_part)
@HYPOTHESIS
def test_any_text_in_the_emergency_access_search_is_handled(
    client, council, last_name, first_name, day, year
):
    response = _emergency_search(
        client,
        council,
        last_name=last_name,
        first_name=first_name,
        date_of_birth_day=day,
        date_of_birth_year=year,
    )
    assert response.status_code == 200
    body = assert_no_raw_markup(response)
    assert "govuk-error-summary" in body or 'id="results"' in body


@given(topic=st.text(max_size=40), summary=st.text(max_size=4200), basis=st.text(max_size=40))
@HYPOTHESIS
def test_any_text_in_the_adult_detail_and_sharing_basis_forms_is_handled(
    client, council, topic, summary, basis
):
    client.force_login(council.maria)
    url = reverse("casefile:adult-detail-create", args=[council.family.pk, council.adult.pk])
    assert_handled(client, client.post(url, {"topic": topic, "summary": summary}), "adult detail")
    url = reverse("access:sharing-basis-create", args=[council.family.pk, council.adult.pk])
    assert_handled(client, client.post(url, {"basis": basis, "explanation": summary}), "sharing basis")
