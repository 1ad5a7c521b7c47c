"""My tasks and Timeliness: children's statutory deadlines for the worker who holds them, and for managers.

Who may see what is in policies.py; the reads are in selectors.py. My tasks and the overdue drill-down
name children, so each view of them is audited: one event per page listing the families whose children it
showed (one event, not one per family: a page listing forty families is one look at a list, and forty
"viewed the family" events would make every worker opening My tasks look like a burst of browsing in the
unusual-access report). The Timeliness pages show counts and workers' names only, and are not audited.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET

from safeguarding.accounts.models import User
from safeguarding.audit.services import audit_list

from . import policies, registry, selectors


@require_GET
def my_tasks(request):
    if not policies.my_tasks_can_view(request.user):
        raise PermissionDenied
    by_child = request.GET.get("view") == "child"
    tasks = selectors.my_tasks(request.user, today=timezone.localdate())
    audit_list(
        actor=request.user, request=request, page="my_tasks", families=tasks.family_ids, deadlines=tasks.total
    )
    return render(request, "tasks/my_tasks.html", {"tasks": tasks, "by_child": by_child})


@require_GET
def timeliness(request):
    if not policies.timeliness_can_view(request.user):
        raise PermissionDenied
    if request.user.role == User.Role.TEAM_MANAGER:
        # A team manager sees their own team only: straight there.
        return redirect("tasks:team-timeliness", team_id=request.user.team_id)
    teams = selectors.teams_timeliness(request.user, today=timezone.localdate())
    return render(
        request,
        "tasks/timeliness.html",
        {
            "teams": teams,
            "overdue": sum(t.overdue for t in teams),
            "due_soon": sum(t.due_soon for t in teams),
            "today": timezone.localdate(),
        },
    )


def _team(request, team_id):
    # Someone who may use no Timeliness page is refused outright; another team's page is "not found".
    # Asked in that order only when the team is not theirs, so the usual request pays for one query.
    try:
        return policies.access_team_timeliness(request.user, team_id)
    except Http404:
        if not policies.timeliness_can_view(request.user):
            raise PermissionDenied from None
        raise


@require_GET
def team_timeliness(request, team_id):
    team = _team(request, team_id)
    summary = selectors.team_timeliness(request.user, team, today=timezone.localdate())
    return render(
        request,
        "tasks/team_timeliness.html",
        {"summary": summary, "team": team, "all_teams": request.user.role == User.Role.SERVICE_MANAGER},
    )


def _kind_filter(value: str) -> str | None:
    if not value:
        return None
    if not registry.is_kind(value):
        raise Http404("No such kind of deadline")
    return value


def _worker_filter(value: str) -> User | str | None:
    if not value:
        return None
    if value == selectors.NO_LEAD:
        return selectors.NO_LEAD
    if not value.isascii() or not value.isdigit() or len(value) > 18:
        raise Http404("No such worker")
    worker = selectors.worker_for_filter(int(value))
    if worker is None:
        raise Http404("No such worker")
    return worker


@require_GET
def team_overdue(request, team_id):
    team = _team(request, team_id)
    kind = _kind_filter(request.GET.get("kind", ""))
    worker = _worker_filter(request.GET.get("worker", ""))
    overdue = selectors.team_overdue(
        request.user,
        team,
        today=timezone.localdate(),
        kind=kind,
        worker=worker,
        page_number=request.GET.get("page"),
    )
    audit_list(
        actor=request.user,
        request=request,
        page="team_overdue",
        families=overdue.family_ids,
        team=str(team.pk),
        kind=kind or "",
        worker="" if worker is None else getattr(worker, "pk", worker),
        page_number=overdue.page.number,
    )
    paginator = overdue.page.paginator
    return render(
        request,
        "tasks/team_overdue.html",
        {
            "team": team,
            "overdue": overdue,
            "page": overdue.page,
            "page_range": paginator.get_elided_page_range(overdue.page.number, on_each_side=1, on_ends=1),
            "kind": kind,
            "kind_label": registry.kind_label(kind) if kind else None,
            "kinds": [(k.kind, k.label) for k in registry.kinds()],
            "worker": worker,
            "no_lead": worker == selectors.NO_LEAD,
        },
    )
