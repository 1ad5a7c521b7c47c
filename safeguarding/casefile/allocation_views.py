"""My families, Team caseload, and allocating workers to a family."""

from __future__ import annotations

import datetime

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from safeguarding.access.policies import (
    access_family,
    emergency_access_visible_to,
    family_can_view_unallocated,
)
from safeguarding.allocation import services
from safeguarding.allocation.forms import AllocationForm, EndAllocationForm
from safeguarding.allocation.models import Allocation
from safeguarding.allocation.policies import allocatable_workers, allocation_can_manage, teams_visible_to
from safeguarding.core.forms import add_service_errors, form_data
from safeguarding.people.models import Person

from . import caseload as selectors


def home(request):
    return redirect("casefile:my-families")


def my_families(request):
    families = selectors.my_families(request.user)
    # A team manager sees on their home page who has used emergency access to their team's families.
    emergency = list(
        emergency_access_visible_to(request.user)
        .filter(started_at__gte=timezone.now() - datetime.timedelta(days=14))
        .select_related("worker", "family")[:50]
    )
    return render(request, "casefile/my_families.html", {"families": families, "emergency_access": emergency})


def team_caseload(request):
    teams = teams_visible_to(request.user)
    if not teams.exists():
        raise PermissionDenied
    requested = request.GET.get("team")
    if requested:
        # A team the user may not see, or no such team, is the same "not found".
        try:
            team = teams.filter(pk=requested).first()
        except ValidationError:
            team = None
        if team is None:
            raise Http404("No team found")
    else:
        team = teams.filter(pk=request.user.team_id).first() or teams.first()
    context = {"team": team, "teams": teams if teams.count() > 1 else None, **selectors.team_caseload(team)}
    return render(request, "casefile/team_caseload.html", context)


@require_http_methods(["GET", "POST"])
def allocation_create(request, family_id):
    family = access_family(request.user, family_id, request=request, audit_view=False)
    if not allocation_can_manage(request.user, family):
        raise PermissionDenied
    adults = Person.objects.filter(
        memberships__family=family, memberships__member_type="adult", memberships__left_on__isnull=True
    ).order_by("first_name")
    form = AllocationForm(
        form_data(request), workers=allocatable_workers(request.user, family), adults=adults
    )
    if request.method == "POST" and form.is_valid():
        try:
            allocation = services.allocation_create(
                actor=request.user,
                family=family,
                worker=form.cleaned_data["worker"],
                case_role=form.cleaned_data["case_role"],
                start_date=form.cleaned_data["start_date"],
                works_with=list(form.cleaned_data["works_with"] or []),
                request=request,
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(
                request,
                f"{allocation.worker.display_name} allocated as {allocation.get_case_role_display().lower()}",
            )
            return redirect("casefile:family-detail", family_id=family.pk)
    return render(request, "casefile/allocation_form.html", {"form": form, "family": family})


def _the_family(family) -> str:
    """'the Carter family', whether the family is named "Carter family" (as the form suggests) or "Carter"."""
    name = family.name.strip()
    return f"the {name}" if name.lower().endswith("family") else f"the {name} family"


@require_http_methods(["GET", "POST"])
def allocation_end(request, family_id, allocation_id):
    """Ask why, then confirm, then end. Nothing is saved until the confirmation page's button is pressed:
    the worker loses the family's record at once. Both steps are ordinary forms, so they work without
    JavaScript."""
    family = access_family(request.user, family_id, request=request, audit_view=False)
    if not allocation_can_manage(request.user, family):
        raise PermissionDenied
    allocation = (
        Allocation.objects.filter(family=family, pk=allocation_id, end_date__isnull=True)
        .select_related("worker")
        .first()
    )
    if allocation is None:
        raise Http404("No current allocation found")
    form = EndAllocationForm(form_data(request), started_on=allocation.start_date)
    context = {"form": form, "family": family, "allocation": allocation, "the_family": _the_family(family)}
    if request.method == "POST" and form.is_valid():
        if request.POST.get("confirm") != "yes":
            context["still_sees"] = family_can_view_unallocated(allocation.worker, family)
            return render(request, "casefile/allocation_end_confirm.html", context)
        try:
            services.allocation_end(
                actor=request.user,
                allocation=allocation,
                end_date=form.cleaned_data["end_date"],
                reason_code=form.cleaned_data["reason_code"],
                reason=form.cleaned_data["reason"],
                request=request,
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, f"{allocation.worker.display_name}'s allocation ended")
            return redirect("casefile:family-detail", family_id=family.pk)
    return render(request, "casefile/allocation_end.html", context)
