"""Hostile input through the Workbook's session and significant event forms, the lists' filters and pages,
and bad ids in their URLs (the values and checks are in inputs.py)."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone
from hypothesis import given
from hypothesis import strategies as st

from safeguarding.people.models import FamilyMember
from tests.hostile.inputs import (
    HOSTILE,
    HYPOTHESIS,
    FormUnderTest,
    assert_bad_ids_not_found,
    assert_handled,
    assert_no_raw_markup,
    assert_other_methods_refused,
    date_part,
    dates,
    post_each_hostile_value,
    post_every_value_twice,
)

# A week ago: after every demo child's birth, and never in the future.
DAY = timezone.localdate() - datetime.timedelta(days=7)


def _members(council, member_type):
    return [
        str(pk)
        for pk in FamilyMember.objects.filter(
            family=council.family,
            member_type=member_type,
            left_on__isnull=True,
            person__date_of_birth__isnull=False,
        ).values_list("person_id", flat=True)
    ]


def _session(council) -> dict:
    children = _members(council, "child")
    return {
        **dates("date", DAY.day, DAY.month, DAY.year),
        "kind": "home_visit",
        "participants": [*children, *_members(council, "adult")],
        "seen_alone": children[:1],
        "module": "",
        "note": "Saw everyone at home",
    }


def _event(council) -> dict:
    return {
        **dates("date", DAY.day, DAY.month, DAY.year),
        "kind": "police_da",
        "what_happened": "Police were called to the home",
        "people": _members(council, "adult"),
        "impact": "high",
        "impact_on_child": "The children were woken",
    }


FORMS = {
    "workbook: record a session": FormUnderTest(
        "asha",
        lambda c: reverse("workbook:session-record", args=[c.family.pk]),
        _session,
        ("date_day", "kind", "participants", "seen_alone", "module", "note"),
    ),
    "workbook: record a significant event": FormUnderTest(
        "asha",
        lambda c: reverse("workbook:significant-event-record", args=[c.family.pk]),
        _event,
        ("date_day", "kind", "what_happened", "people", "impact", "impact_on_child"),
    ),
}
FORM_FIELDS = [(form, field) for form, spec in FORMS.items() for field in spec.fields]


@pytest.mark.parametrize("form", list(FORMS), ids=str)
def test_the_valid_posts_the_hostile_values_go_into_are_saved(client, council, form):
    # Otherwise every hostile value could be "refused" only because the rest of the form was wrong.
    spec = FORMS[form]
    client.force_login(council.asha)
    assert assert_handled(client, client.post(spec.url(council), spec.data(council)), form) == "saved"


@pytest.mark.parametrize(("form", "field"), FORM_FIELDS, ids=[f"{f}: {field}" for f, field in FORM_FIELDS])
def test_hostile_value_in_any_form_field_is_saved_escaped_or_refused_never_a_server_error(
    client, council, form, field
):
    post_each_hostile_value(client, council, FORMS[form], form, field)


@pytest.mark.parametrize("form", list(FORMS), ids=str)
def test_lists_where_single_values_are_expected_are_handled(client, council, form):
    post_every_value_twice(client, council, FORMS[form], form)


@pytest.mark.parametrize("form", list(FORMS), ids=str)
@pytest.mark.parametrize("method", ["put", "patch", "delete"])
def test_other_http_methods_on_a_form_are_refused_with_405(client, council, form, method):
    assert_other_methods_refused(client, council, FORMS[form], method)


@pytest.mark.parametrize("name", ["workbook:sessions", "workbook:significant-events"])
def test_the_lists_refuse_a_post(client, council, name):
    client.force_login(council.asha)
    assert client.post(reverse(name, args=[council.family.pk]), {}).status_code == 405


@given(
    day=date_part,
    month=date_part,
    year=date_part,
    kind=st.text(max_size=15),
    note=st.text(max_size=320),
    alone=st.lists(st.text(max_size=40), max_size=3),
)
@HYPOTHESIS
def test_any_date_parts_type_and_note_in_the_session_form_are_saved_or_refused(
    client, council, day, month, year, kind, note, alone
):
    client.force_login(council.asha)
    data = {**_session(council), **dates("date", day, month, year), "kind": kind, "note": note}
    if alone:
        data["seen_alone"] = alone
    url = reverse("workbook:session-record", args=[council.family.pk])
    assert assert_handled(client, client.post(url, data), repr(data)) in ("saved", "refused")


@given(
    what=st.text(max_size=200), impact=st.text(max_size=10), people=st.lists(st.text(max_size=40), max_size=3)
)
@HYPOTHESIS
def test_any_text_and_people_in_the_event_form_are_handled(client, council, what, impact, people):
    client.force_login(council.asha)
    data = {**_event(council), "what_happened": what, "impact": impact}
    if people:
        data["people"] = people
    url = reverse("workbook:significant-event-record", args=[council.family.pk])
    assert assert_handled(client, client.post(url, data), repr(data)) in ("saved", "refused")


@pytest.mark.parametrize("label", HOSTILE, ids=str)
def test_hostile_filters_and_pages_on_the_lists_are_answered(client, council, label):
    client.force_login(council.asha)
    value = HOSTILE[label]
    for url, params in (
        (reverse("workbook:sessions", args=[council.family.pk]), {"worker": value}),
        (reverse("workbook:sessions", args=[council.family.pk]), {"page": value}),
        (
            reverse("workbook:sessions", args=[council.family.pk]),
            {"worker": ["", value], "page": [value, "2"]},
        ),
        (reverse("workbook:significant-events", args=[council.family.pk]), {"page": value}),
        (reverse("workbook:significant-events", args=[council.family.pk]), {"event": value}),
    ):
        response = client.get(url, params)
        assert response.status_code == 200, f"{url} {params}"
        assert_no_raw_markup(response)


URL_SHAPES = [
    "/families/{}/workbook/sessions/",
    "/families/{}/workbook/sessions/new/",
    "/families/{}/workbook/significant-events/",
    "/families/{}/workbook/significant-events/new/",
]


@pytest.mark.parametrize("shape", URL_SHAPES)
def test_invalid_or_unknown_ids_in_urls_are_not_found(client, council, shape):
    assert_bad_ids_not_found(client, council, shape)
