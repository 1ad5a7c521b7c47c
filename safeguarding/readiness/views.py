"""An adult's readiness history (a chart and a table per behaviour), recording and correcting a reading."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import path
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from safeguarding.access.policies import access_family_adult
from safeguarding.audit.services import Action, audit_record
from safeguarding.core.forms import add_service_errors, form_data
from safeguarding.people.models import FamilyMember
from safeguarding.workbook import drafts

from . import selectors, services
from .forms import ReadinessCorrectForm, ReadinessForm
from .models import ReadinessRecord
from .policies import ReadinessAccess

FORM_FIELDS = ("behaviour", "behaviour_other", "importance", "confidence", "stage", "in_their_words")


def _adult_access(request, family_id, person_id):
    """The family, the adult and the user's readiness access; 404 for a family the user may not see or a
    person who is not an adult in it, 403 for someone who may open the family but is not in its team."""
    family, adult = access_family_adult(request.user, family_id, person_id, request=request)
    access = ReadinessAccess(request.user, family)
    if not access.can_open:
        raise PermissionDenied
    return family, adult, access


def _audit_view(request, family, adult, **detail):
    audit_record(
        actor=request.user,
        action=Action.VIEW,
        obj=adult,
        family_id=family.pk,
        families=[family.pk],
        people=[adult.pk],
        request=request,
        detail={"readiness": True, **detail},
    )


@require_http_methods(["GET"])
def history(request, family_id, person_id):
    family, adult, access = _adult_access(request, family_id, person_id)
    context = selectors.readiness_history(
        user=request.user, family=family, adult=adult, disclosure=access.disclosure
    )
    _audit_view(request, family, adult, shown=not context["withheld"], readings=context["readings"])
    is_current = FamilyMember.objects.filter(
        family=family, person=adult, member_type=FamilyMember.MemberType.ADULT, left_on__isnull=True
    ).exists()
    context.update(
        family=family,
        adult=adult,
        can_record=is_current and access.can_record(adult.pk),
    )
    return render(request, "readiness/history.html", context)


def _conflict_form(form_class, request, conflict, **kwargs):
    data = request.POST.copy()
    data["version"] = str(conflict.current_version)
    form = form_class(data, **kwargs)
    form.is_valid()
    conflict.labels = {"in_their_words": "What they said, in their own words"}
    return form


def _values(form) -> dict:
    return {name: form.cleaned_data[name] for name in FORM_FIELDS} | {
        "recorded_on": form.cleaned_data["recorded_on"]
    }


@require_http_methods(["GET", "POST"])
def record(request, family_id, person_id):
    family, adult, access = _adult_access(request, family_id, person_id)
    is_current = FamilyMember.objects.filter(
        family=family, person=adult, member_type=FamilyMember.MemberType.ADULT, left_on__isnull=True
    ).exists()
    if not is_current:
        raise Http404("No adult found")
    if not access.can_record(adult.pk):
        raise PermissionDenied
    draft_id = services.new_draft_id(family.pk, adult.pk)
    restored = False
    if request.method == "POST":
        form = ReadinessForm(request.POST)
        if form.is_valid():
            try:
                services.readiness_record(
                    actor=request.user,
                    family=family,
                    adult=adult,
                    **_values(form),
                    today=timezone.localdate(),
                    request=request,
                )
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                messages.success(request, f"Reading recorded for {adult.full_name}")
                return redirect("readiness:history", family_id=family.pk, person_id=adult.pk)
    else:
        draft = drafts.draft_for(request.user, services.NEW_DRAFT_TYPE, draft_id)
        initial, restored = drafts.with_draft(
            {"recorded_on": timezone.localdate()}, draft, services.TEXT_FIELDS
        )
        form = ReadinessForm(form_data(request), initial=initial)
        _audit_view(request, family, adult, recording=True)
    return render(
        request,
        "readiness/record_form.html",
        {
            "family": family,
            "adult": adult,
            "form": form,
            "restored": restored,
            "draft_type": services.NEW_DRAFT_TYPE,
            "draft_id": draft_id,
            "version": 0,
            "correcting": None,
        },
    )


@require_http_methods(["GET", "POST"])
def correct(request, family_id, person_id, record_id):
    family, adult, access = _adult_access(request, family_id, person_id)
    reading = ReadinessRecord.objects.filter(pk=record_id, family=family, adult=adult).first()
    if reading is None or not access.for_adult(adult.pk).visible:
        raise Http404("No reading found")
    if not access.can_record(adult.pk):
        raise PermissionDenied
    conflict = None
    restored = False
    if request.method == "POST":
        form = ReadinessCorrectForm(request.POST)
        if form.is_valid():
            try:
                services.readiness_correct(
                    actor=request.user,
                    record=reading,
                    version=form.cleaned_data["version"],
                    **_values(form),
                    reason=form.cleaned_data["reason"],
                    today=timezone.localdate(),
                    request=request,
                )
            except drafts.VersionConflict as found:
                conflict = found
                form = _conflict_form(ReadinessCorrectForm, request, found)
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                messages.success(request, "Reading corrected. What it said before is kept with your reason")
                return redirect("readiness:history", family_id=family.pk, person_id=adult.pk)
    else:
        saved = {name: getattr(reading, name) for name in FORM_FIELDS} | {"recorded_on": reading.recorded_on}
        draft = drafts.draft_for(request.user, services.CORRECT_DRAFT_TYPE, reading.pk)
        initial, restored = drafts.with_draft(saved, draft, services.TEXT_FIELDS)
        initial["version"] = reading.version
        form = ReadinessCorrectForm(form_data(request), initial=initial)
        _audit_view(request, family, adult, correcting=str(reading.pk))
    return render(
        request,
        "readiness/record_form.html",
        {
            "family": family,
            "adult": adult,
            "form": form,
            "restored": restored,
            "conflict": conflict,
            "draft_type": services.CORRECT_DRAFT_TYPE,
            "draft_id": reading.pk,
            "correcting": reading,
        },
    )


ADULT = "families/<uuid:family_id>/people/<uuid:person_id>/readiness/"
urlpatterns = [
    path(ADULT, history, name="history"),
    path(ADULT + "record/", record, name="record"),
    path(ADULT + "<uuid:record_id>/correct/", correct, name="correct"),
]
