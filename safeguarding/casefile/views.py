"""Family, person and search pages. Thin: parse, call one policy/selector/service, render."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from safeguarding.access.policies import (
    FamilyDisclosure,
    access_family,
    access_family_adult,
    access_person,
    case_records_can_search,
    family_can_create,
    family_can_edit,
    person_can_edit,
)
from safeguarding.accounts.models import Team, User
from safeguarding.allocation.policies import allocation_can_manage
from safeguarding.allocation.services import family_open
from safeguarding.audit.services import Action, audit_record
from safeguarding.core.forms import add_service_errors, form_data
from safeguarding.core.panels import person_panels
from safeguarding.governance.policies import family_access_log_can_view, person_access_log_can_view
from safeguarding.people import services
from safeguarding.people.forms import (
    AddressForm,
    AdultDetailForm,
    FamilyForm,
    NewPersonForm,
    PersonForm,
    RelationshipForm,
    SearchForm,
)
from safeguarding.people.models import FamilyMember

from . import selectors


@require_http_methods(["GET", "POST"])
def family_create(request):
    if not family_can_create(request.user):
        raise PermissionDenied
    # A closed team takes no new families (it has no active members to work with them).
    teams = Team.objects.filter(is_active=True) if request.user.role == User.Role.SERVICE_MANAGER else None
    form = FamilyForm(form_data(request), teams=teams)
    if request.method == "POST" and form.is_valid():
        family = family_open(
            actor=request.user,
            name=form.cleaned_data["name"],
            team=form.cleaned_data.get("team") or request.user.team,
            request=request,
        )
        messages.success(request, f"{family.name} created. Add the children and adults next.")
        return redirect("casefile:family-detail", family_id=family.pk)
    return render(request, "casefile/family_form.html", {"form": form, "title": "Create a family"})


def family_detail(request, family_id):
    family = access_family(request.user, family_id, request=request)
    context = {
        "family": family,
        "can_edit": family_can_edit(request.user, family),
        "can_allocate": allocation_can_manage(request.user, family),
        "can_view_access_log": family_access_log_can_view(request.user, family),
        **selectors.family_detail(request.user, family, today=timezone.localdate()),
    }
    return render(request, "casefile/family_detail.html", context)


@require_http_methods(["GET", "POST"])
def family_edit(request, family_id):
    family = access_family(request.user, family_id, request=request)
    if not family_can_edit(request.user, family):
        raise PermissionDenied
    form = FamilyForm(form_data(request), initial={"name": family.name})
    if request.method == "POST" and form.is_valid():
        services.family_update(
            actor=request.user, family=family, name=form.cleaned_data["name"], request=request
        )
        messages.success(request, "Family details saved")
        return redirect("casefile:family-detail", family_id=family.pk)
    return render(
        request, "casefile/family_form.html", {"form": form, "family": family, "title": "Change family name"}
    )


@require_http_methods(["GET", "POST"])
def person_create(request, family_id):
    family = access_family(request.user, family_id, request=request)
    if not family_can_edit(request.user, family):
        raise PermissionDenied
    form = NewPersonForm(form_data(request), initial={"last_name": family.name.removesuffix(" family")})
    duplicates = None
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        duplicates = selectors.duplicate_warning(
            request.user,
            first_name=data["first_name"],
            last_name=data["last_name"],
            date_of_birth=data["date_of_birth"],
        )
        if duplicates and request.POST.get("confirm_not_duplicate") != "yes":
            # Warn before saving: two records for one child split their history.
            audit_record(
                actor=request.user,
                action=Action.SEARCH,
                family_id=family.pk,
                request=request,
                detail={
                    "duplicate_check": True,
                    "matches": len(duplicates["visible"]) + duplicates["hidden_count"],
                },
            )
        else:
            person = services.person_create(
                actor=request.user,
                family=family,
                member_type=data["member_type"],
                values=data,
                request=request,
            )
            messages.success(request, f"{person.full_name} added to the family")
            return redirect("casefile:family-detail", family_id=family.pk)
    return render(
        request,
        "casefile/person_form.html",
        {"form": form, "family": family, "duplicates": duplicates, "title": "Add a person to the family"},
    )


def person_detail(request, person_id):
    person = access_person(request.user, person_id, request=request)
    context = {
        "person": person,
        "can_edit": person_can_edit(request.user, person),
        "can_view_access_log": person_access_log_can_view(request.user, person),
    }
    context.update(selectors.person_detail(request.user, person))
    # What each capability adds to a person's page (core.panels), judged against their current family.
    context["person_panels"] = person_panels(
        request.user,
        person,
        family=context.get("context_family"),
        disclosure=context.get("disclosure"),
        memberships=context["memberships"],
        today=timezone.localdate(),
    )
    return render(request, "casefile/person_detail.html", context)


@require_http_methods(["GET", "POST"])
def adult_detail_create(request, family_id, person_id):
    family, person = access_family_adult(request.user, family_id, person_id, request=request)
    if not FamilyDisclosure(request.user, family).can_record_adult_detail(person.pk):
        raise PermissionDenied
    form = AdultDetailForm(form_data(request))
    if request.method == "POST" and form.is_valid():
        services.adult_detail_record(
            actor=request.user,
            family=family,
            person=person,
            topic=form.cleaned_data["topic"],
            summary=form.cleaned_data["summary"],
            request=request,
        )
        messages.success(request, "Recorded. It is restricted to those allowed to see it.")
        return redirect("casefile:person-detail", person_id=person.pk)
    return render(
        request, "casefile/adult_detail_form.html", {"form": form, "family": family, "person": person}
    )


@require_http_methods(["GET", "POST"])
def person_edit(request, person_id):
    person = access_person(request.user, person_id, request=request)
    if not person_can_edit(request.user, person):
        raise PermissionDenied
    membership = person.memberships.order_by("left_on").first()
    initial = {name: getattr(person, name) for name in services.PERSON_FIELDS}
    form = PersonForm(
        form_data(request), initial=initial, member_type=membership.member_type if membership else None
    )
    duplicates = None
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        duplicates = selectors.duplicate_warning(
            request.user,
            first_name=data["first_name"],
            last_name=data["last_name"],
            date_of_birth=data["date_of_birth"],
            exclude_pk=person.pk,
        )
        identity_changed = (data["first_name"], data["last_name"], data["date_of_birth"]) != (
            person.first_name,
            person.last_name,
            person.date_of_birth,
        )
        if duplicates and identity_changed and request.POST.get("confirm_not_duplicate") != "yes":
            pass  # show the warning; the user confirms or corrects
        else:
            services.person_update(actor=request.user, person=person, values=data, request=request)
            messages.success(request, f"{person.full_name}'s details saved")
            return redirect("casefile:person-detail", person_id=person.pk)
    return render(
        request,
        "casefile/person_form.html",
        {
            "form": form,
            "person": person,
            "duplicates": duplicates,
            "title": f"Change {person.full_name}'s details",
        },
    )


@require_http_methods(["GET", "POST"])
def relationship_create(request, family_id):
    family = access_family(request.user, family_id, request=request)
    if not family_can_edit(request.user, family):
        raise PermissionDenied
    members = list(FamilyMember.objects.filter(family=family, left_on__isnull=True).select_related("person"))
    form = RelationshipForm(form_data(request), members=members)
    if request.method == "POST" and form.is_valid():
        by_id = {str(m.person_id): m.person for m in members}
        try:
            services.relationship_create(
                actor=request.user,
                family=family,
                person=by_id[form.cleaned_data["person"]],
                relative=by_id[form.cleaned_data["relative"]],
                kind=form.cleaned_data["kind"],
                description=form.cleaned_data["description"],
                request=request,
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, "Relationship recorded")
            return redirect("casefile:family-detail", family_id=family.pk)
    return render(request, "casefile/relationship_form.html", {"form": form, "family": family})


@require_http_methods(["GET", "POST"])
def address_create(request, family_id, person_id):
    family = access_family(request.user, family_id, request=request, audit_view=False)
    if not family_can_edit(request.user, family):
        raise PermissionDenied
    membership = (
        FamilyMember.objects.filter(family=family, person_id=person_id).select_related("person").first()
    )
    if membership is None:
        raise Http404("No person found")
    person = membership.person
    form = AddressForm(form_data(request))
    if request.method == "POST" and form.is_valid():
        services.address_create(
            actor=request.user, family=family, person=person, values=form.cleaned_data, request=request
        )
        messages.success(request, f"New address recorded for {person.full_name}")
        return redirect("casefile:family-detail", family_id=family.pk)
    return render(request, "casefile/address_form.html", {"form": form, "family": family, "person": person})


@require_http_methods(["GET", "POST"])
def search(request):
    # Searched by POST, not GET ?q=: a name or date of birth in a URL ends up in browser history, proxy and
    # server logs and Referer headers, none of which the audit log controls.
    if not case_records_can_search(request.user):
        raise PermissionDenied
    form = SearchForm(form_data(request))
    results, more = [], False
    searched = request.method == "POST"
    if searched and form.is_valid():
        results, more = selectors.search_people(request.user, form.cleaned_data["q"])
        audit_record(
            actor=request.user,
            action=Action.SEARCH,
            request=request,
            detail={"query": form.cleaned_data["q"], "results": len(results)},
        )
    return render(
        request,
        "casefile/search.html",
        {"form": form, "results": results, "more": more, "searched": searched},
    )
