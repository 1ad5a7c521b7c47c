"""My families, Team caseload, and allocating workers to a family."""

from __future__ import annotations

import datetime

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from safeguarding.access.policies import (
    access_family,
    case_records_can_search,
    emergency_access_visible_to,
    family_can_view_unallocated,
)
from safeguarding.accounts.models import Team, User
from safeguarding.allocation import services
from safeguarding.allocation.forms import EndAllocationForm
from safeguarding.allocation.models import Allocation
from safeguarding.allocation.policies import allocation_can_manage, teams_visible_to
from safeguarding.audit.services import audit_list
from safeguarding.core import navigation
from safeguarding.core.forms import add_service_errors, form_data
from safeguarding.people.models import Person

from . import caseload as selectors
from .forms import AllocationWithCaseloadForm


def home(request):
    # A capability may claim the user's start page (the performance analyst starts on Outcomes).
    return redirect(navigation.landing_for(request.user) or "casefile:my-families")


# ?team=all: every team the user may see (a service manager's whole service).
ALL_TEAMS = "all"
MANAGERS = (User.Role.TEAM_MANAGER, User.Role.SERVICE_MANAGER)


def _team_asked(request, teams, *, all_allowed: bool) -> Team | None:
    """The team in ?team= among `teams`, or None for all of them (?team=all where `all_allowed`). A team
    the user may not see, or no such team, is the same "not found"."""
    requested = request.GET.get("team", "")
    if requested == ALL_TEAMS and all_allowed:
        return None
    try:
        team = teams.filter(pk=requested).first() if requested else None
    except ValidationError:
        team = None
    if requested and team is None:
        raise Http404("No team found")
    return team


def my_families(request):
    user = request.user
    families = selectors.my_families(user)
    # A team manager sees on their home page who has used emergency access to their team's families.
    emergency = list(
        emergency_access_visible_to(user)
        .filter(started_at__gte=timezone.now() - datetime.timedelta(days=14))
        .select_related("worker", "family")[:50]
    )
    context = {
        "families": families,
        "emergency_access": emergency,
        # The navigation's context no longer says these (they were nav_search and nav_team_caseload, which
        # left every manager and worker with no families told their role opens no case records).
        "opens_case_records": case_records_can_search(user),
        "sees_team_caseload": user.role in MANAGERS,
    }
    if user.role in MANAGERS:
        # A manager lands on their team's work (a service manager on every team's, or one team's), and
        # below it the families they hold themselves. Workers keep My families as it was.
        teams = list(teams_visible_to(user))
        if teams:
            team = _team_asked(request, teams_visible_to(user), all_allowed=True)
            if team is None and not request.GET.get("team") and user.role == User.Role.TEAM_MANAGER:
                team = next((t for t in teams if t.pk == user.team_id), None)
            context.update(
                team=team,
                all_teams=team is None,
                teams=teams if len(teams) > 1 else None,
                team_param=team.pk if team else ALL_TEAMS,
                overview=selectors.manager_overview(
                    user, teams=[team] if team else teams, today=timezone.localdate()
                ),
            )
    overview = context.get("overview")
    audit_list(
        actor=user,
        request=request,
        page="my_families",
        families=[
            *(f.pk for f in families),
            *(f.pk for f in (overview.overdue + overview.no_lead + overview.new if overview else ())),
        ],
    )
    return render(request, "casefile/my_families.html", context)


def team_caseload(request):
    teams = teams_visible_to(request.user)
    if not teams.exists():
        raise PermissionDenied
    if request.GET.get("worker"):
        return _worker_families(request, teams)
    if request.GET.get("show"):
        return _team_families(request, teams)
    team = _team_asked(request, teams, all_allowed=False)
    if team is None:
        team = teams.filter(pk=request.user.team_id).first() or teams.first()
    context = {"team": team, "teams": teams if teams.count() > 1 else None, **selectors.team_caseload(team)}
    return render(request, "casefile/team_caseload.html", context)


FAMILY_LIST_PAGE_SIZE = 50


def _team_families(request, teams):
    """Team caseload's family lists (?show=): all the team's open families, those with overdue work,
    without a lead social worker, or newly allocated; ?team=all for every team the user may see."""
    show = request.GET["show"]
    if show not in selectors.FamilyList.TITLES:
        raise Http404("No such list")
    team = _team_asked(request, teams, all_allowed=True)
    if team is None and request.GET.get("team") != ALL_TEAMS:
        team = teams.filter(pk=request.user.team_id).first() or teams.first()
    families = selectors.team_family_list(
        request.user, teams=[team] if team else teams, today=timezone.localdate(), show=show
    )
    page = Paginator(families, FAMILY_LIST_PAGE_SIZE).get_page(request.GET.get("page"))
    context = {
        "title": selectors.FamilyList.TITLES[show],
        "team": team,
        "all_teams": team is None,
        "team_param": team.pk if team else ALL_TEAMS,
        "manages": True,
        "show": show,
        "lists": selectors.FamilyList.TITLES,
        "page": page,
        "families": selectors.page_rows(page.object_list),
    }
    audit_list(
        actor=request.user,
        request=request,
        page="team_families",
        families=[f.pk for f in context["families"]],
        show=show,
        team=str(team.pk) if team else ALL_TEAMS,
        page_number=page.number,
    )
    return render(request, "casefile/team_families.html", context)


def _worker_families(request, teams):
    """The families one worker of the user's teams holds now (Team caseload's link from their name)."""
    # Digits only, and few enough for any database's integer: anything else is "not found", not an error.
    asked = request.GET["worker"]
    worker = None
    if asked.isascii() and asked.isdigit() and len(asked) <= 18:
        worker = (
            User.objects.filter(pk=int(asked), team__in=teams).select_related("organisation", "team").first()
        )
    if worker is None:
        raise Http404("No worker found")
    families = selectors.worker_family_list(request.user, worker, today=timezone.localdate())
    page = Paginator(families, FAMILY_LIST_PAGE_SIZE).get_page(request.GET.get("page"))
    held = selectors.worker_families_held(worker)
    context = {
        "title": f"{worker.display_name}'s families",
        "worker": worker,
        "team": worker.team,
        "page": page,
        "families": selectors.page_rows(page.object_list),
        "held": held,
        # Families the worker holds in teams the user may not open: counted, never named.
        "held_elsewhere": max(held - page.paginator.count, 0),
    }
    audit_list(
        actor=request.user,
        request=request,
        page="worker_families",
        families=[f.pk for f in context["families"]],
        worker=worker.pk,
        page_number=page.number,
    )
    return render(request, "casefile/team_families.html", context)


@require_http_methods(["GET", "POST"])
def allocation_create(request, family_id):
    family = access_family(request.user, family_id, request=request, audit_view=False)
    if not allocation_can_manage(request.user, family):
        raise PermissionDenied
    adults = Person.objects.filter(
        memberships__family=family, memberships__member_type="adult", memberships__left_on__isnull=True
    ).order_by("first_name")
    form = AllocationWithCaseloadForm(
        form_data(request),
        workers=selectors.allocatable_workers_with_caseload(request.user, family),
        adults=adults,
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
