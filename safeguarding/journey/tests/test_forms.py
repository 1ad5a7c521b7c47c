"""The journey's forms on their own: GOV.UK messages for what is missing or wrong, and the checks a form
can make without the child's other records."""

from __future__ import annotations

import datetime

import pytest
from django import forms
from django.utils import timezone

from safeguarding.core.forms import GovukDateField
from safeguarding.journey import models as journey
from safeguarding.journey.forms import CORRECT_FORMS, STEP_FORMS, ChronologyFilterForm, FactorsField
from safeguarding.journey.steps import STEPS_BY_SLUG

from .journeys import POSTS, dates, day

DJANGO_DEFAULTS = {"This field is required.", "Select a valid choice."}


def errors_of(form) -> dict[str, list[str]]:
    assert not form.is_valid()
    return {field: list(messages) for field, messages in form.errors.items()}


@pytest.mark.parametrize("slug", list(STEP_FORMS))
def test_every_step_form_accepts_its_test_post(slug):
    form = STEP_FORMS[slug](POSTS[slug][1])
    assert form.is_valid(), form.errors
    assert set(form.values()) == set(STEPS_BY_SLUG[slug].fields)


@pytest.mark.parametrize("slug", list(STEP_FORMS))
def test_every_required_field_says_in_words_what_to_give(slug):
    form = STEP_FORMS[slug]({})
    required = [name for name, field in form.fields.items() if field.required]
    if not required:
        assert form.is_valid()
        return
    errors = errors_of(form)
    for name in required:
        assert name in errors, name
        message = errors[name][0]
        assert message.startswith(("Enter ", "Select ")), message
        assert message not in DJANGO_DEFAULTS


def test_the_steps_own_required_fields_are_required_on_its_form():
    for slug, form_class in STEP_FORMS.items():
        for name in STEPS_BY_SLUG[slug].required:
            assert form_class.base_fields[name].required, (slug, name)


def test_required_messages_read_as_gov_uk_ones():
    errors = errors_of(STEP_FORMS["referral"]({}))
    assert errors["referral_date"] == ["Enter date of the referral"]
    assert errors["referral_source"] == ["Select who made the referral"]
    assert errors["no_further_action"] == ["Select yes if the decision was no further action"]
    assert "primary_need" not in errors
    assert errors_of(STEP_FORMS["care-proceedings"]({}))["court"] == ["Enter the court"]
    assert errors_of(STEP_FORMS["visit"]({}))["child_seen"] == ["Select yes if the child was seen"]


@pytest.mark.parametrize(
    ("parts", "message"),
    [
        ({"day": "31", "month": "2", "year": "2024"}, "Date of the visit must be a real date"),
        ({"day": "x", "month": "2", "year": "2024"}, "Date of the visit must be a real date"),
        ({"day": "3", "month": "", "year": "2024"}, "Date of the visit must include a month"),
        ({"day": "3", "month": "4", "year": "24"}, "Date of the visit must include a year with 4 numbers"),
        (
            {"day": "99999999999999999999", "month": "4", "year": "2024"},
            "Date of the visit must be a real date",
        ),
    ],
)
def test_a_date_that_is_not_real_is_explained(parts, message):
    data = {**POSTS["visit"][1], **{f"date_{part}": value for part, value in parts.items()}}
    assert errors_of(STEP_FORMS["visit"](data))["date"] == [message]


def test_a_statutory_event_cannot_be_recorded_before_it_happens():
    future = timezone.localdate() + datetime.timedelta(days=1)
    for slug, form_class in STEP_FORMS.items():
        for name, field in form_class.base_fields.items():
            if isinstance(field, GovukDateField):
                assert field.allow_future is False, (slug, name)
    data = {**POSTS["visit"][1], **dates("date", future)}
    assert errors_of(STEP_FORMS["visit"](data))["date"] == ["Date of the visit must be today or in the past"]


def test_short_code_lists_are_radios_and_long_ones_selects_with_a_choose_option():
    referral = STEP_FORMS["referral"]()
    assert isinstance(referral.fields["referral_source"].widget, forms.Select)
    assert referral.fields["referral_source"].choices[0] == ("", "Choose who made the referral")
    plan = STEP_FORMS["cp-plan"]()
    assert isinstance(plan.fields["initial_category"].widget, forms.RadioSelect)
    visit = STEP_FORMS["visit"]()
    assert isinstance(visit.fields["child_seen"].widget, forms.RadioSelect)
    assert [label for _value, label in visit.fields["child_seen"].choices] == ["Yes", "No"]


def test_a_child_who_was_not_seen_cannot_have_been_seen_alone():
    data = {**POSTS["visit"][1], "child_seen": "false", "seen_alone": "true"}
    assert "cannot have been seen alone" in errors_of(STEP_FORMS["visit"](data))["seen_alone"][0]

    unanswered = {**POSTS["visit"][1], "seen_alone": ""}
    assert errors_of(STEP_FORMS["visit"](unanswered))["seen_alone"] == [
        "Select yes if the child was seen alone"
    ]

    not_seen = STEP_FORMS["visit"]({**POSTS["visit"][1], "child_seen": "false", "seen_alone": ""})
    assert not_seen.is_valid()
    assert not_seen.values()["seen_alone"] is False


def test_the_conference_is_held_on_a_date_or_found_not_needed():
    form_class = STEP_FORMS["initial-conference"]
    assert list(form_class.base_fields)[0] == "icpc_not_required"
    held_no_date = form_class({"icpc_not_required": "false"})
    assert errors_of(held_no_date)["icpc_date"] == [
        "Enter the date of the initial child protection conference"
    ]
    both = form_class({"icpc_not_required": "true", **dates("icpc_date", day(10))})
    assert "Leave the conference date empty" in errors_of(both)["icpc_date"][0]
    not_needed = form_class({"icpc_not_required": "true"})
    assert not_needed.is_valid()
    assert not_needed.values() == {"icpc_date": None, "icpc_not_required": True}


def test_assessment_factors_put_the_parents_problems_first_and_none_identified_alone():
    field = STEP_FORMS["assessment-authorisation"].base_fields["factors"]
    assert isinstance(field, FactorsField) and field.required
    codes_in_order = [code for code, _label in field.choices]
    assert codes_in_order[:4] == ["1B", "2B", "3B", "4B"]
    assert codes_in_order[-1] == "21"

    form_class = STEP_FORMS["assessment-authorisation"]
    none_and_more = form_class({**dates("authorised_on", day(20)), "factors": ["21", "1B"]})
    assert "not both" in errors_of(none_and_more)["factors"][0]
    unknown = form_class({**dates("authorised_on", day(20)), "factors": ["99Z"]})
    assert errors_of(unknown)["factors"] == ["Select factors from the list"]
    missing = form_class(dates("authorised_on", day(20)))
    assert errors_of(missing)["factors"][0].startswith("Select the factors identified at the assessment")


def test_a_placement_postcode_must_be_a_postcode():
    data = {**POSTS["looked-after"][1], "placement_postcode": "NOTAPOST"}
    assert errors_of(STEP_FORMS["looked-after"](data))["placement_postcode"] == [
        "Enter a real postcode, for example LS1 4AP"
    ]
    form = STEP_FORMS["looked-after"]({**POSTS["looked-after"][1], "placement_postcode": " db1   1aa "})
    assert form.is_valid() and form.values()["placement_postcode"] == "DB1 1AA"


def test_a_missing_episode_cannot_end_before_it_started():
    data = {**POSTS["missing"][1], **dates("end_date", day(79))}
    assert errors_of(STEP_FORMS["missing"](data))["end_date"] == [
        "Date they came back must be the same as or after the date they went missing"
    ]


def test_text_over_its_length_is_refused_with_the_limit():
    data = {**POSTS["care-proceedings"][1], "court": "A" * 121}
    assert errors_of(STEP_FORMS["care-proceedings"](data))["court"] == [
        "Court must be 120 characters or fewer"
    ]


# --- corrections ---------------------------------------------------------------------------------------


def test_a_correction_form_has_the_records_correctable_fields_and_a_reason():
    form_class = CORRECT_FORMS[journey.ChildProtectionPlan]
    assert list(form_class.base_fields) == [
        "start_date",
        "initial_category",
        "started_at_transfer_in",
        "latest_category",
        "end_date",
        "end_reason",
        "reason",
    ]
    assert form_class.base_fields["reason"].label == "Why are you correcting this?"
    assert set(CORRECT_FORMS) == {step.model for step in STEPS_BY_SLUG.values()}


def correction_data(**values) -> dict:
    return {
        **dates("start_date", day(10)),
        "initial_category": "NEG",
        "latest_category": "NEG",
        "reason": "Typed wrongly",
        **values,
    }


def test_a_correction_needs_its_reason():
    form = CORRECT_FORMS[journey.ChildProtectionPlan](correction_data(reason="  "))
    assert errors_of(form)["reason"] == ["Enter why you are correcting this"]


def test_a_corrected_plan_cannot_start_and_end_on_the_same_day():
    data = correction_data(**dates("end_date", day(10)), end_reason="other")
    assert errors_of(CORRECT_FORMS[journey.ChildProtectionPlan](data))["end_date"] == [
        "A child protection plan cannot start and end on the same day"
    ]


def test_a_corrected_end_needs_its_reason_and_a_reason_its_end():
    form_class = CORRECT_FORMS[journey.ChildProtectionPlan]
    assert errors_of(form_class(correction_data(**dates("end_date", day(20)))))["end_reason"] == [
        "Select why the plan ended"
    ]
    assert errors_of(form_class(correction_data(end_reason="other")))["end_date"] == [
        "Enter the date the plan ended"
    ]
    assert form_class(correction_data()).is_valid()  # an open plan stays open


def test_a_corrected_end_cannot_come_before_the_start():
    data = {
        **dates("referral_date", day(10)),
        **dates("closure_date", day(5)),
        "referral_source": "6",
        "no_further_action": "false",
        "closure_reason": "RC7",
        "reason": "Typed wrongly",
    }
    errors = errors_of(CORRECT_FORMS[journey.EpisodeOfNeed](data))
    assert errors["closure_date"] == [
        "Date the referral was closed must be the same as or after the date of the referral"
    ]


def test_the_chronology_filter_refuses_kinds_it_does_not_know():
    form = ChronologyFilterForm({"kind": ["visit", "nope"]}, kinds={"visit": "Visits"})
    assert errors_of(form)["kind"] == ["Select kinds of event from the list"]
    assert ChronologyFilterForm({"kind": ["visit"]}, kinds={"visit": "Visits"}).is_valid()
