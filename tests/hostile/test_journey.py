"""Hostile input through the statutory journey: every step's form, corrections, the visit and care
proceedings forms by hypothesis, the chronology's filters, and unknown steps and ids in its URLs (the
values and checks are in inputs.py).
"""

from __future__ import annotations

import uuid

import pytest
from django.urls import reverse
from hypothesis import given
from hypothesis import strategies as st

from safeguarding.core.forms import GovukDateWidget
from safeguarding.journey import models as journey
from safeguarding.journey.forms import CORRECT_FORMS, STEP_FORMS
from safeguarding.journey.tests.journeys import POSTS
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


def _boxes(form_class) -> tuple[str, ...]:
    """The fields of a journey form to put hostile values in: every field, and the first date's day box
    (the boxes of every date are parsed by the same code, which the person form's tests cover)."""
    dated = [n for n, f in form_class.base_fields.items() if isinstance(f.widget, GovukDateWidget)]
    return tuple(n for n in form_class.base_fields if n not in dated) + tuple(f"{n}_day" for n in dated[:1])


def _journey_step_form(slug: str) -> FormUnderTest:
    before, data = POSTS[slug]
    return FormUnderTest(
        "asha",
        lambda c: reverse("journey:step", args=[c.journey_child(*before).pk, slug]),
        lambda c: dict(data),
        _boxes(STEP_FORMS[slug]),
    )


def _correction_url(c, model, *steps) -> str:
    child = c.journey_child(*steps)
    record = model.objects.filter(child=child).latest("created_at")
    return reverse("journey:record-correct", args=[child.pk, model._meta.model_name, record.pk])


FORMS = {f"journey: {slug}": _journey_step_form(slug) for slug in POSTS}
FORMS["journey: correct a referral"] = FormUnderTest(
    "asha",
    lambda c: _correction_url(c, journey.EpisodeOfNeed, "referral"),
    lambda c: {
        **POSTS["referral"][1],
        "referral_source": "6",
        "reason": "The police made the referral",
    },
    _boxes(CORRECT_FORMS[journey.EpisodeOfNeed]),
)
FORMS["journey: correct an assessment"] = FormUnderTest(
    "asha",
    lambda c: _correction_url(c, journey.Assessment, "referral", "assessment"),
    lambda c: {**POSTS["assessment"][1], "reason": "Started a day later"},
    _boxes(CORRECT_FORMS[journey.Assessment]),
)

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
        "journey: visit",
        "journey: correct a referral",
    ],
)
@pytest.mark.parametrize("method", ["put", "patch", "delete"])
def test_other_http_methods_on_a_form_are_refused_with_405(client, council, form, method):
    assert_other_methods_refused(client, council, FORMS[form], method)


@given(day=date_part, month=date_part, year=date_part, seen=st.text(max_size=8), alone=st.text(max_size=8))
@HYPOTHESIS
def test_any_date_parts_and_answers_in_the_visit_form_are_saved_or_refused(
    client, council, day, month, year, seen, alone
):
    client.force_login(council.asha)
    data = {**dates("date", day, month, year), "child_seen": seen, "seen_alone": alone}
    url = reverse("journey:step", args=[council.journey_child().pk, "visit"])
    assert assert_handled(client, client.post(url, data), repr(data)) in ("saved", "refused")


@given(court=st.text(max_size=130), case_number=st.text(max_size=50))
@HYPOTHESIS
def test_any_text_in_the_care_proceedings_form_is_handled(client, council, court, case_number):
    client.force_login(council.asha)
    before, data = POSTS["care-proceedings"]
    url = reverse("journey:step", args=[council.journey_child(*before).pk, "care-proceedings"])
    assert_handled(client, client.post(url, {**data, "court": court, "case_number": case_number}), "court")


@pytest.mark.parametrize("label", HOSTILE, ids=str)
def test_hostile_chronology_filters_and_pages_are_answered(client, council, label):
    client.force_login(council.asha)
    for url in (
        reverse("journey:child-chronology", args=[council.child.pk]),
        reverse("journey:family-chronology", args=[council.family.pk]),
    ):
        for params in (
            {"kind": HOSTILE[label]},
            {"page": HOSTILE[label]},
            {"kind": ["visit", HOSTILE[label]]},
        ):
            response = client.get(url, params)
            assert response.status_code == 200, f"{url} {params}"
            assert_no_raw_markup(response)


def test_an_unknown_step_or_record_type_in_a_url_is_not_found(client, council):
    client.force_login(council.asha)
    for step in ("nope", "VISIT", "visit-", "..", "%3Cscript%3E"):
        assert client.get(f"/children/{council.child.pk}/journey/{step}/").status_code == 404
    for record_type in ("person", "deadline", "correction", "visits"):
        url = f"/children/{council.child.pk}/journey/{record_type}/{uuid.UUID(int=0)}/correct/"
        assert client.get(url).status_code == 404


URL_SHAPES = [
    "/children/{}/journey/",
    "/children/{}/journey/visit/",
    "/children/{}/chronology/",
    "/families/{}/chronology/",
    "/children/{child}/journey/episodeofneed/{}/correct/",
]


@pytest.mark.parametrize("shape", URL_SHAPES)
def test_invalid_or_unknown_ids_in_urls_are_not_found(client, council, shape):
    assert_bad_ids_not_found(client, council, shape)
