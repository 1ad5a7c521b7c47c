"""Emergency (break-glass) access, and recording the basis for sharing an adult's information."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from safeguarding.access.policies import access_family_adult
from safeguarding.audit.services import Action, audit_record
from safeguarding.core.forms import add_service_errors, form_data
from safeguarding.people.models import Family

from . import selectors, services
from .forms import EmergencyAccessForm, EmergencySearchForm, SharingBasisForm
from .models import SharingBasis
from .policies import FamilyDisclosure, emergency_access_can_request
from .services import emergency_access_hours


@require_http_methods(["GET", "POST"])
def emergency_access(request):
    if not emergency_access_can_request(request.user):
        raise PermissionDenied
    # A family chosen in the search (emergency_access_search) arrives with its reference filled in.
    form = EmergencyAccessForm(
        form_data(request), initial={"reference": request.GET.get("reference", "")[:20]}
    )
    if request.method == "POST" and form.is_valid():
        family = Family.objects.filter(reference=form.cleaned_data["reference"]).first()
        if family is None:
            # Audited as a refusal: guessing references to find a family is what the unusual access
            # report looks for, and it counts refusals by worker.
            audit_record(
                actor=request.user,
                action=Action.DENIED,
                request=request,
                detail={"emergency_access_reference": form.cleaned_data["reference"]},
            )
            form.add_error("reference", "No family has that reference. Check it and try again.")
        else:
            try:
                grant = services.emergency_access_start(
                    actor=request.user, family=family, reason=form.cleaned_data["reason"], request=request
                )
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                messages.success(
                    request,
                    f"You have emergency access to {family.name} until {grant.expires_at:%H:%M}. "
                    "Their team manager has been told.",
                )
                return redirect("casefile:family-detail", family_id=family.pk)
    return render(request, "access/emergency_access.html", {"form": form, "hours": emergency_access_hours()})


@require_http_methods(["GET", "POST"])
def emergency_access_search(request):
    """Find the family to open by a child's or adult's name and date of birth, across the council.

    Searched by POST, as the people search is: a name and a date of birth in a URL would end up in browser
    history and server logs. Every search is audited with what was searched for, whether it found anything
    or not: searching the whole council is what break-glass allows, and the audit is what keeps it honest.
    """
    if not emergency_access_can_request(request.user):
        raise PermissionDenied
    form = EmergencySearchForm(request.POST if request.method == "POST" else None)
    found = None
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        found = selectors.emergency_access_search(
            request.user,
            last_name=data["last_name"],
            first_name=data["first_name"],
            date_of_birth=data["date_of_birth"],
        )
        audit_record(
            actor=request.user,
            action=Action.SEARCH,
            request=request,
            detail={
                "emergency_access_search": True,
                "last_name": data["last_name"],
                "first_name": data["first_name"],
                "date_of_birth": data["date_of_birth"].isoformat(),
                "results": len(found.matches),
                "too_many": found.too_many,
            },
        )
    return render(
        request,
        "access/emergency_access_search.html",
        {"form": form, "found": found, "limit": selectors.EMERGENCY_SEARCH_LIMIT},
    )


def _adult_in_family(request, family_id, person_id):
    family, person = access_family_adult(request.user, family_id, person_id, request=request)
    return family, person, FamilyDisclosure(request.user, family)


@require_http_methods(["GET", "POST"])
def sharing_basis_create(request, family_id, person_id):
    family, person, disclosure = _adult_in_family(request, family_id, person_id)
    if not disclosure.can_record_sharing_basis(person.pk):
        raise PermissionDenied
    form = SharingBasisForm(form_data(request))
    if request.method == "POST" and form.is_valid():
        services.sharing_basis_record(
            actor=request.user,
            family=family,
            person=person,
            basis=form.cleaned_data["basis"],
            scope=form.cleaned_data["scope"],
            explanation=form.cleaned_data["explanation"],
            request=request,
        )
        messages.success(request, f"Basis for sharing {person.full_name}'s information recorded")
        return redirect("casefile:person-detail", person_id=person.pk)
    return render(
        request, "access/sharing_basis_form.html", {"form": form, "family": family, "person": person}
    )


@require_http_methods(["GET", "POST"])
def sharing_basis_withdraw(request, family_id, person_id, basis_id):
    family, person, disclosure = _adult_in_family(request, family_id, person_id)
    if not disclosure.can_record_sharing_basis(person.pk):
        raise PermissionDenied
    basis = SharingBasis.objects.filter(pk=basis_id, person=person, withdrawn_on__isnull=True).first()
    if basis is None:
        raise Http404("No current basis found")
    if request.method == "POST":
        services.sharing_basis_withdraw(
            actor=request.user, family=family, sharing_basis=basis, request=request
        )
        messages.success(request, f"Basis withdrawn. {person.full_name}'s detail is restricted again.")
        return redirect("casefile:person-detail", person_id=person.pk)
    return render(
        request, "access/sharing_basis_withdraw.html", {"family": family, "person": person, "basis": basis}
    )
