"""Hostile input through the measures forms (choosing a questionnaire, recording a PHQ-9 and a DASH,
correcting a measure, closing an alert), and bad ids and codes in their URLs (the values and checks are in
inputs.py). Dan, the demo's domestic abuse practitioner, posts for the adult he works with."""

from __future__ import annotations

import datetime
from types import SimpleNamespace

import pytest
from django.urls import reverse
from django.utils import timezone
from hypothesis import given
from hypothesis import strategies as st

from safeguarding.accounts.models import User
from safeguarding.allocation.models import Allocation
from safeguarding.measures import instruments
from safeguarding.measures.models import Measure, MeasureAlert
from safeguarding.measures.services import measure_record
from safeguarding.people.models import FamilyMember
from tests.hostile.inputs import (
    BAD_IDS,
    HOSTILE,
    HYPOTHESIS,
    FormUnderTest,
    assert_bad_ids_not_found,
    assert_handled,
    assert_no_raw_markup,
    assert_other_methods_refused,
    dates,
    post_each_hostile_value,
    post_every_value_twice,
)

DAY = timezone.localdate() - datetime.timedelta(days=2)


def _phq9_answers(item9=0):
    return {n: (item9 if n == 9 else 1) for n in range(1, 10)}


@pytest.fixture
def dv(council):
    """Dan, a family of his, the adult he works with there, and a PHQ-9 of theirs to correct."""
    dan = User.objects.get(username="dan")
    for allocation in (
        Allocation.objects.current()
        .filter(worker=dan, family__closed_on__isnull=True)
        .order_by("family__reference")
        .prefetch_related("works_with")
    ):
        for adult in allocation.works_with.order_by("last_name", "first_name"):
            if FamilyMember.objects.filter(
                family_id=allocation.family_id, person=adult, member_type="adult", left_on__isnull=True
            ).exists():
                namespace = SimpleNamespace(
                    dan=dan, maria=council.maria, family=allocation.family, adult=adult
                )
                namespace.child = council.child
                namespace.measure = _record(namespace)
                return namespace
    pytest.fail("the demo council has no adult Dan works with")


def _record(dv, item9=0):
    return measure_record(
        actor=dv.dan,
        family=dv.family,
        person=dv.adult,
        instrument=instruments.current_of("phq9"),
        administered_on=DAY,
        answered_by="self",
        answers=_phq9_answers(item9),
    )


def _phq9(dv) -> dict:
    return {
        **dates("administered_on", DAY.day, DAY.month, DAY.year),
        "answered_by": "self",
        **{f"item_{n}": "1" for n in range(1, 10)},
    }


def _dash(dv) -> dict:
    return {
        **dates("administered_on", DAY.day, DAY.month, DAY.year),
        "answered_by": "worker",
        **{f"item_{n}": "1" for n in range(1, 25)},
        "judgement": "yes",
        "judgement_reason": "She is frightened he will find her new address",
    }


def _correction(dv) -> dict:
    version = Measure.objects.values_list("version", flat=True).get(pk=dv.measure.pk)
    return {**_phq9(dv), "version": str(version), "reason": "Item 2 was recorded against item 3"}


def _fresh_alert_url(dv) -> str:
    """A new safety check to close for every post: each post that is saved closes one."""
    alert = MeasureAlert.objects.get(measure=_record(dv, item9=1))
    return reverse("measures:alert", args=[dv.family.pk, dv.adult.pk, alert.pk])


FORMS = {
    "measures: choose": FormUnderTest(
        "dan",
        lambda m: reverse("measures:choose", args=[m.family.pk, m.adult.pk]),
        lambda m: {"instrument": "phq9"},
        ("instrument",),
    ),
    "measures: record a PHQ-9": FormUnderTest(
        "dan",
        lambda m: reverse("measures:record", args=[m.family.pk, m.adult.pk, "phq9"]),
        _phq9,
        ("administered_on_day", "administered_on_year", "answered_by", "item_1", "item_9", "left_unanswered"),
    ),
    "measures: record a DASH": FormUnderTest(
        "dan",
        lambda m: reverse("measures:record", args=[m.family.pk, m.adult.pk, "dash"]),
        _dash,
        ("item_24", "judgement", "judgement_reason"),
    ),
    "measures: correct": FormUnderTest(
        "dan",
        lambda m: reverse("measures:correct", args=[m.family.pk, m.adult.pk, m.measure.pk]),
        _correction,
        ("administered_on_month", "item_5", "reason", "version"),
    ),
    "measures: close an alert": FormUnderTest(
        "dan", _fresh_alert_url, lambda m: {"outcome": "Safe"}, ("outcome",)
    ),
}
FORM_FIELDS = [(form, field) for form, spec in FORMS.items() for field in spec.fields]


@pytest.mark.parametrize("form", list(FORMS), ids=str)
def test_the_valid_posts_the_hostile_values_go_into_are_saved(client, dv, form):
    spec = FORMS[form]
    client.force_login(dv.dan)
    assert assert_handled(client, client.post(spec.url(dv), spec.data(dv)), form) == "saved"


@pytest.mark.parametrize(("form", "field"), FORM_FIELDS, ids=[f"{f}: {field}" for f, field in FORM_FIELDS])
def test_hostile_value_in_any_form_field_is_saved_escaped_or_refused_never_a_server_error(
    client, dv, form, field
):
    post_each_hostile_value(client, dv, FORMS[form], form, field)


@pytest.mark.parametrize("form", list(FORMS), ids=str)
def test_lists_where_single_values_are_expected_are_handled(client, dv, form):
    post_every_value_twice(client, dv, FORMS[form], form)


@pytest.mark.parametrize("form", list(FORMS), ids=str)
@pytest.mark.parametrize("method", ["put", "patch", "delete"])
def test_other_http_methods_on_a_form_are_refused_with_405(client, dv, form, method):
    assert_other_methods_refused(client, dv, FORMS[form], method)


def test_the_pages_that_only_show_refuse_a_post(client, dv):
    client.force_login(dv.dan)
    assert client.post(reverse("measures:history", args=[dv.family.pk, dv.adult.pk]), {}).status_code == 405
    result = reverse("measures:result", args=[dv.family.pk, dv.adult.pk, dv.measure.pk])
    assert client.post(result, {}).status_code == 405


@given(
    answers=st.lists(st.one_of(st.integers(-3, 6).map(str), st.text(max_size=4)), min_size=9, max_size=9),
    answered_by=st.text(max_size=10),
    left=st.sampled_from(["", "on", "yes", "0"]),
)
@HYPOTHESIS
def test_any_answers_are_scored_or_refused(client, dv, answers, answered_by, left):
    client.force_login(dv.dan)
    data = {
        **_phq9(dv),
        **{f"item_{n}": value for n, value in enumerate(answers, start=1)},
        "answered_by": answered_by,
        "left_unanswered": left,
    }
    url = reverse("measures:record", args=[dv.family.pk, dv.adult.pk, "phq9"])
    assert assert_handled(client, client.post(url, data), repr(data)) in ("saved", "refused")


URL_SHAPES = [
    "/families/{}/people/{child}/measures/",
    "/families/{family}/people/{}/measures/",
    "/families/{family}/people/{}/measures/new/",
]


@pytest.mark.parametrize("shape", URL_SHAPES)
def test_invalid_or_unknown_ids_in_urls_are_not_found(client, dv, shape):
    assert_bad_ids_not_found(client, dv, shape)


def test_invalid_or_unknown_measure_alert_and_questionnaire_ids_are_not_found(client, dv):
    client.force_login(dv.dan)
    base = f"/families/{dv.family.pk}/people/{dv.adult.pk}/measures/"
    for bad in BAD_IDS:
        for path in (f"{base}{bad}/", f"{base}{bad}/correct/", f"{base}alerts/{bad}/", f"{base}new/{bad}/"):
            response = client.get(path)
            assert response.status_code == 404, path
            assert_no_raw_markup(response)
    for code in ("PHQ9", "wemwbs", "phq9-", "x" * 200):
        assert client.get(f"{base}new/{code}/").status_code == 404
    # Another person's measure through this adult's URL.
    elsewhere = FamilyMember.objects.filter(member_type="adult").exclude(person=dv.adult).first()
    other = Measure.objects.create(
        family_id=elsewhere.family_id,
        person_id=elsewhere.person_id,
        instrument="phq9",
        instrument_version=1,
        administered_on=DAY,
        answered_by="self",
        answers={str(n): 0 for n in range(1, 10)},
        total=0,
        band="None or minimal",
        recorded_by=dv.dan,
    )
    assert client.get(f"{base}{other.pk}/").status_code == 404
    assert client.get(f"{base}{other.pk}/correct/").status_code == 404


@pytest.mark.parametrize("label", HOSTILE, ids=str)
def test_a_hostile_code_in_the_url_is_not_found(client, dv, label):
    client.force_login(dv.dan)
    response = client.get(f"/families/{dv.family.pk}/people/{dv.adult.pk}/measures/new/{label[:20]}/")
    assert response.status_code == 404
