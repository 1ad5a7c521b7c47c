"""Hostile input through the Workbook's assessments and module work: the assessment's edit form (analysis,
compiled sections, factors, the version it started from), the manager's return form, a parent's module
work, the list's page number, and malformed ids in their URLs (the values and checks are in inputs.py).

Asha is the lead social worker of the demo family the hostile suites use, so she compiles its integrated
family assessment; Maria, the North team manager, returns it.
"""

from __future__ import annotations

import uuid

import pytest
from django.urls import reverse
from django.utils import timezone

from safeguarding.allocation.models import Allocation, CaseRole
from safeguarding.workbook.models import FamilyAssessment, ModuleWork, ParentingModule
from safeguarding.workbook.selectors.assessments import module_work_id
from safeguarding.workbook.services.assessments import assessment_compile
from tests.hostile.inputs import (
    BAD_IDS,
    HOSTILE,
    FormUnderTest,
    assert_bad_ids_not_found,
    assert_no_raw_markup,
    assert_other_methods_refused,
    post_each_hostile_value,
    post_every_value_twice,
)


@pytest.fixture(autouse=True)
def asha_leads(council):
    """The hostile suites' family has Asha as its lead social worker (the demo allocates her so)."""
    lead = Allocation.objects.current().get(family=council.family, worker=council.asha)
    assert lead.case_role == CaseRole.LEAD_SOCIAL_WORKER


def _assessment(c, status=FamilyAssessment.Status.DRAFT) -> FamilyAssessment:
    """The family's integrated assessment in progress (compiled once per test), in `status`."""
    assessment = (
        FamilyAssessment.objects.filter(family=c.family, kind="integrated")
        .exclude(status="authorised")
        .first()
    )
    if assessment is None:
        assessment = assessment_compile(actor=c.asha, family=c.family, today=timezone.localdate())
    if assessment.status != status:
        # Each refused or saved post starts from the same place: a draft to edit, or one with the manager.
        FamilyAssessment.objects.filter(pk=assessment.pk).update(status=status)
        assessment.refresh_from_db()
    return assessment


def _edit_url(c) -> str:
    a = _assessment(c)
    return reverse("workbook:assessment-edit", args=[c.family.pk, a.pk])


def _edit_data(c) -> dict:
    a = _assessment(c)
    return {
        "version": str(a.version),
        "life_1": "Settled at school",
        "risks": "The evenings",
        "strengths": "Grandparents nearby",
        "change": "A plan for the evenings",
        "section_1": "Edited status",
        "factors_1": ["3B"],
    }


def _module(c) -> ParentingModule:
    return ParentingModule.objects.filter(active=True).order_by("order").first()


def _module_url(c) -> str:
    return reverse("workbook:module-work", args=[c.family.pk, c.adult.pk, _module(c).pk])


def _module_data(c) -> dict:
    work = ModuleWork.objects.filter(pk=module_work_id(c.family.pk, c.adult.pk, _module(c).pk)).first()
    return {
        "version": str(work.version if work else 1),
        "covered": "Routines",
        "reflections": "Mornings are hard",
        "analysis": "Knows what helps",
        "state": "in_progress",
    }


FORMS = {
    "workbook: edit the assessment": FormUnderTest(
        "asha",
        _edit_url,
        _edit_data,
        ("version", "life_1", "risks", "section_1", "factors_1"),
    ),
    "workbook: return the assessment": FormUnderTest(
        "maria",
        lambda c: reverse("workbook:assessment-return", args=[c.family.pk, _assessment(c, "sent").pk]),
        lambda c: {"comments": "Say more about the evenings"},
        ("comments",),
    ),
    "workbook: module work": FormUnderTest(
        "asha", _module_url, _module_data, ("version", "covered", "reflections", "analysis", "state")
    ),
}
FORM_FIELDS = [(form, field) for form, spec in FORMS.items() for field in spec.fields]


@pytest.mark.parametrize(("form", "field"), FORM_FIELDS, ids=[f"{f}: {field}" for f, field in FORM_FIELDS])
def test_hostile_value_in_any_field_is_saved_escaped_or_refused_never_a_server_error(
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


def test_hostile_text_saved_in_an_assessment_is_shown_escaped_to_its_readers(client, council):
    client.force_login(council.asha)
    data = {
        **_edit_data(council),
        "risks": HOSTILE["script tag"],
        "section_1": HOSTILE["attribute break-out"],
    }
    assert client.post(_edit_url(council), data).status_code == 302
    a = _assessment(council)
    client.force_login(council.maria)
    for name in ("workbook:assessment", "workbook:assessment-authorise"):
        if name == "workbook:assessment-authorise":
            FamilyAssessment.objects.filter(pk=a.pk).update(status="sent")
        response = client.get(reverse(name, args=[council.family.pk, a.pk]))
        assert response.status_code == 200
        assert_no_raw_markup(response)


@pytest.mark.parametrize("label", HOSTILE, ids=str)
def test_a_hostile_page_number_on_the_assessments_list_is_answered(client, council, label):
    client.force_login(council.asha)
    response = client.get(reverse("workbook:assessments", args=[council.family.pk]), {"page": HOSTILE[label]})
    assert response.status_code == 200
    assert_no_raw_markup(response)


def test_an_unknown_assessment_kind_or_version_is_not_found(client, council):
    client.force_login(council.asha)
    for kind in ("nope", "INTEGRATED", "..", "%3Cscript%3E"):
        assert (
            client.get(f"/families/{council.family.pk}/workbook/assessments/compile/{kind}/").status_code
            == 404
        )
    a = _assessment(council)
    for number in ("0", "99999999999999999999", "-1", "x"):
        url = f"/families/{council.family.pk}/workbook/assessments/{a.pk}/versions/{number}/"
        assert client.get(url).status_code == 404


def test_unknown_parents_and_modules_in_module_work_urls_are_not_found(client, council):
    client.force_login(council.asha)
    module = _module(council)
    for bad in [*BAD_IDS, str(council.child.pk), str(uuid.UUID(int=1))]:
        for url in (
            f"/families/{council.family.pk}/workbook/modules/{bad}/{module.pk}/",
            f"/families/{council.family.pk}/workbook/modules/{council.adult.pk}/{bad}/",
        ):
            response = client.get(url)
            assert response.status_code == 404, url
            assert_no_raw_markup(response)


URL_SHAPES = [
    "/families/{}/workbook/assessments/",
    "/families/{}/workbook/assessments/compile/integrated/",
    "/families/{}/workbook/modules/",
    "/families/{family}/workbook/assessments/{}/",
    "/families/{family}/workbook/assessments/{}/edit/",
    "/families/{family}/workbook/assessments/{}/send/",
    "/families/{family}/workbook/assessments/{}/return/",
    "/families/{family}/workbook/assessments/{}/authorise/",
    "/families/{family}/workbook/assessments/{}/versions/1/",
]


@pytest.mark.parametrize("shape", URL_SHAPES)
def test_invalid_or_unknown_ids_in_urls_are_not_found(client, council, shape):
    assert_bad_ids_not_found(client, council, shape)
