"""Hostile input through the readiness forms (recording and correcting a reading), the autosave of their
text, and bad ids in their URLs (the values and checks are in inputs.py). Dan, the demo's domestic abuse
practitioner, posts for the adult he works with."""

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
from safeguarding.people.models import FamilyMember
from safeguarding.readiness.models import ReadinessRecord
from safeguarding.readiness.services import new_draft_id
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


@pytest.fixture
def mi(council):
    """Dan, a family of his, the adult he works with there and a reading of theirs to correct."""
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
                reading = ReadinessRecord.objects.filter(family_id=allocation.family_id, adult=adult).first()
                child = FamilyMember.objects.filter(
                    family_id=allocation.family_id, member_type="child"
                ).first()
                return SimpleNamespace(
                    dan=dan,
                    maria=council.maria,
                    family=allocation.family,
                    adult=adult,
                    child=child.person,
                    reading=reading,
                )
    pytest.fail("the demo council has no adult Dan works with")


def _reading(mi) -> dict:
    return {
        **dates("recorded_on", DAY.day, DAY.month, DAY.year),
        "behaviour": "safety_from_abuse",
        "behaviour_other": "",
        "importance": "6",
        "confidence": "5",
        "stage": "preparation",
        "in_their_words": "I've started telling my sister when things go wrong",
        "version": "0",
    }


def _correction(mi) -> dict:
    # From the version saved now: each post that is saved raises it.
    version = ReadinessRecord.objects.values_list("version", flat=True).get(pk=mi.reading.pk)
    return {
        **_reading(mi),
        **dates(
            "recorded_on",
            mi.reading.recorded_on.day,
            mi.reading.recorded_on.month,
            mi.reading.recorded_on.year,
        ),
        "reason": "The rulers were the wrong way round",
        "version": str(version),
    }


FORMS = {
    "readiness: record a reading": FormUnderTest(
        "dan",
        lambda m: reverse("readiness:record", args=[m.family.pk, m.adult.pk]),
        _reading,
        (
            "recorded_on_day",
            "recorded_on_year",
            "behaviour",
            "behaviour_other",
            "importance",
            "confidence",
            "stage",
            "in_their_words",
        ),
    ),
    "readiness: correct a reading": FormUnderTest(
        "dan",
        lambda m: reverse("readiness:correct", args=[m.family.pk, m.adult.pk, m.reading.pk]),
        _correction,
        (
            "recorded_on_month",
            "behaviour",
            "importance",
            "confidence",
            "stage",
            "in_their_words",
            "reason",
            "version",
        ),
    ),
}
FORM_FIELDS = [(form, field) for form, spec in FORMS.items() for field in spec.fields]


@pytest.mark.parametrize("form", list(FORMS), ids=str)
def test_the_valid_posts_the_hostile_values_go_into_are_saved(client, mi, form):
    # Otherwise every hostile value could be "refused" only because the rest of the form was wrong.
    spec = FORMS[form]
    client.force_login(mi.dan)
    assert assert_handled(client, client.post(spec.url(mi), spec.data(mi)), form) == "saved"


@pytest.mark.parametrize(("form", "field"), FORM_FIELDS, ids=[f"{f}: {field}" for f, field in FORM_FIELDS])
def test_hostile_value_in_any_form_field_is_saved_escaped_or_refused_never_a_server_error(
    client, mi, form, field
):
    post_each_hostile_value(client, mi, FORMS[form], form, field)


@pytest.mark.parametrize("form", list(FORMS), ids=str)
def test_lists_where_single_values_are_expected_are_handled(client, mi, form):
    post_every_value_twice(client, mi, FORMS[form], form)


@pytest.mark.parametrize("form", list(FORMS), ids=str)
@pytest.mark.parametrize("method", ["put", "patch", "delete"])
def test_other_http_methods_on_a_form_are_refused_with_405(client, mi, form, method):
    assert_other_methods_refused(client, mi, FORMS[form], method)


def test_the_history_refuses_a_post(client, mi):
    client.force_login(mi.dan)
    assert client.post(reverse("readiness:history", args=[mi.family.pk, mi.adult.pk]), {}).status_code == 405


@given(
    importance=st.one_of(st.integers().map(str), st.text(max_size=6)),
    confidence=st.one_of(st.integers(min_value=-20, max_value=20).map(str), st.text(max_size=6)),
    behaviour=st.text(max_size=20),
    stage=st.text(max_size=20),
    words=st.text(max_size=300),
)
@HYPOTHESIS
def test_any_rulers_behaviour_stage_and_words_are_saved_or_refused(
    client, mi, importance, confidence, behaviour, stage, words
):
    client.force_login(mi.dan)
    data = {
        **_reading(mi),
        "importance": importance,
        "confidence": confidence,
        "behaviour": behaviour,
        "stage": stage,
        "in_their_words": words,
    }
    url = reverse("readiness:record", args=[mi.family.pk, mi.adult.pk])
    assert assert_handled(client, client.post(url, data), repr(data)) in ("saved", "refused")


@pytest.mark.parametrize("label", HOSTILE, ids=str)
def test_hostile_draft_text_is_kept_or_refused_never_a_server_error(client, mi, label):
    client.force_login(mi.dan)
    url = reverse(
        "workbook:draft-save", args=[mi.family.pk, "readiness", new_draft_id(mi.family.pk, mi.adult.pk)]
    )
    response = client.post(url, {"version": HOSTILE[label], "in_their_words": HOSTILE[label]})
    assert response.status_code in (200, 400)
    assert_no_raw_markup(client.get(reverse("readiness:record", args=[mi.family.pk, mi.adult.pk])))


URL_SHAPES = [
    "/families/{}/people/{child}/readiness/",
    "/families/{family}/people/{}/readiness/",
    "/families/{family}/people/{}/readiness/record/",
]


@pytest.mark.parametrize("shape", URL_SHAPES)
def test_invalid_or_unknown_ids_in_urls_are_not_found(client, mi, shape):
    assert_bad_ids_not_found(client, mi, shape)


def test_invalid_or_unknown_reading_ids_are_not_found(client, mi):
    client.force_login(mi.dan)
    for bad in BAD_IDS:
        response = client.get(f"/families/{mi.family.pk}/people/{mi.adult.pk}/readiness/{bad}/correct/")
        assert response.status_code == 404, bad
        assert_no_raw_markup(response)
    # Another adult's reading through this adult's URL.
    other = ReadinessRecord.objects.exclude(adult=mi.adult).first()
    response = client.get(f"/families/{mi.family.pk}/people/{mi.adult.pk}/readiness/{other.pk}/correct/")
    assert response.status_code == 404
