"""The outcome pages (issue #12): thin views over selectors.py, the kept figures and the DfE's."""

from __future__ import annotations

import re

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST

from safeguarding.access.policies import people_visible_to
from safeguarding.audit.services import Action, audit_record
from safeguarding.core.exports import csv_response
from safeguarding.measures.policies import outcomes_page_shown
from safeguarding.people.models import FamilyMember

from . import policies, published, selectors, services
from .cohorts import DEFINITION as COHORT_DEFINITION
from .figures import (
    DEFINITIONS,
    MONTHLY_TABLE_DEFINITIONS,
    SMALL_NUMBER,
    OwnFigures,
    Period,
    Scope,
    dfe_year,
    month,
)

OUTCOME_PAGES = [
    ("outcomes:home", "Figures"),
    ("outcomes:evaluation", "Evaluation measures"),
    ("outcomes:monthly", "Monthly indicators"),
    ("outcomes:similar", "Similar councils"),
]


def _allowed(request):
    if not policies.outcomes_shown(request.user):
        raise PermissionDenied


def _scopes(request):
    """(the scope asked for, the whole council's scope when the user also sees it beside a team, teams
    the user may choose). A team manager's default is their own team, with the council's beside it."""
    user = request.user
    teams = list(policies.teams_visible_to(user))
    asked = request.GET.get("team", "")
    if asked:
        team = policies.access_team(user, asked)
        return Scope.team(team), Scope.council(), teams
    if policies.sees_whole_council_teams(user):
        return Scope.council(), None, teams
    return Scope.team(teams[0]), Scope.council(), teams


def _common(request, scope, teams):
    return {
        "scope": scope,
        "teams": teams,
        "chooses_team": policies.sees_whole_council_teams(request.user),
        "drill_down": policies.may_drill_down(request.user),
        # Reversed once here: the tables link each figure to its children, about 120 links a page.
        "children_url": reverse("outcomes:children"),
        "started": selectors.started_on(),
        "small_number": SMALL_NUMBER,
        "outcome_pages": OUTCOME_PAGES,
        "parent_outcomes_shown": outcomes_page_shown(request.user),
    }


@require_http_methods(["GET"])
def home(request):
    _allowed(request)
    scope, beside, teams = _scopes(request)
    today = timezone.localdate()
    snapshot = services.snapshot_for(scope=scope, today=today)
    council = services.snapshot_for(scope=beside, today=today) if beside else None
    years, year_rows = selectors.yearly_rows(snapshot)
    download = request.GET.get("download")
    if download == "yearly":
        return csv_response(
            f"outcomes-by-year-{scope.label}",
            ["Figure", *years, "What it counts"],
            [[r.label, *[c.text for c in r.cells], r.definition] for r in year_rows],
        )
    if download == "monthly":
        return _monthly_csv(snapshot, scope)
    context = _common(request, scope, teams) | {
        "snapshot": snapshot,
        "series": selectors.monthly_series(snapshot, population_shown=scope.team_id is None),
        "years": years,
        "year_rows": year_rows,
        "council": council,
        "council_years": selectors.yearly_rows(council) if council else None,
    }
    return render(request, "outcomes/home.html", context)


def _monthly_csv(snapshot, scope):
    columns = list(selectors.MONTHLY_LABELS)
    return csv_response(
        f"outcomes-monthly-{scope.label}",
        ["Month", *selectors.MONTHLY_LABELS.values()],
        [[row["label"], *[row.get(c) for c in columns]] for row in snapshot.payload.get("monthly", [])],
    )


@require_http_methods(["GET"])
def monthly(request):
    _allowed(request)
    scope, _beside, teams = _scopes(request)
    snapshot = services.snapshot_for(scope=scope, today=timezone.localdate())
    if request.GET.get("download") == "monthly":
        return _monthly_csv(snapshot, scope)
    context = _common(request, scope, teams) | {
        "snapshot": snapshot,
        "rows": snapshot.payload.get("monthly", []),
        "definitions": [
            (selectors.MONTHLY_LABELS[key], text) for key, text in MONTHLY_TABLE_DEFINITIONS.items()
        ],
    }
    return render(request, "outcomes/monthly.html", context)


@require_http_methods(["GET"])
def evaluation(request):
    _allowed(request)
    scope, _beside, teams = _scopes(request)
    snapshot = services.snapshot_for(scope=scope, today=timezone.localdate())
    cohorts = snapshot.payload.get("cohorts", [])
    context = _common(request, scope, teams) | {
        "snapshot": snapshot,
        "cohorts": cohorts,
        "cohort_definition": COHORT_DEFINITION,
        "cohort_chart": selectors.cohort_chart(cohorts),
        "measure_years": selectors.measure_rows(snapshot),
    }
    return render(request, "outcomes/evaluation.html", context)


@require_http_methods(["GET"])
def similar(request):
    _allowed(request)
    published.ensure_loaded()
    today = timezone.localdate()
    code = request.GET.get("measure") or "cla_at31_rate"
    if code not in published.MEASURES_BY_CODE:
        raise Http404("No such figure")
    snapshot = services.snapshot_for(scope=Scope.council(), today=today)
    # Every measure's comparison at once, for the overview table, and the chosen one's from the same rows.
    every = published.comparisons(settings.COUNCIL_LA_CODE, [m.code for m in published.MEASURES])
    view = selectors.comparison_view(code, snapshot, rows=every[code])
    if request.GET.get("download") == "csv":
        header = [
            "Year to 31 March",
            "This council (published)",
            "This council (our records)",
            f"Neighbours ({view.measure.comparator})",
            "Neighbours with a figure",
            "Region",
            "England",
        ]
        rows = [
            [
                r.year,
                r.council if r.council is not None else r.council_marker,
                view.own.get(r.year),
                r.neighbours,
                r.neighbours_with_value,
                r.region,
                r.england,
            ]
            for r in view.rows
        ]
        return csv_response(f"outcomes-{code}", header, rows)
    context = _common(request, Scope.council(), []) | {
        "view": view,
        "measures": published.MEASURES,
        "neighbours": published.neighbours(settings.COUNCIL_LA_CODE),
        "la_code": settings.COUNCIL_LA_CODE,
        "la_name": published.council_name(settings.COUNCIL_LA_CODE),
        "overview": selectors.overview_rows(every),
        "snapshot": snapshot,
    }
    return render(request, "outcomes/similar.html", context)


_PERIOD = re.compile(r"^(?P<year>\d{4})-(?:(?P<month>\d{2})|y)$")


def _period(text: str) -> Period:
    """A month ("2025-04") or a DfE year by its ending ("2025-y": the year to 31 March 2025)."""
    match = _PERIOD.match(text or "")
    if not match:
        raise Http404("No such period")
    year = int(match["year"])
    if not 2000 <= year <= 2100:
        raise Http404("No such period")
    if match["month"]:
        number = int(match["month"])
        if not 1 <= number <= 12:
            raise Http404("No such period")
        return month(year, number)
    return dfe_year(year)


@require_http_methods(["GET"])
def children(request):
    """The children behind one figure (a manager's drill-down): only children the manager may see, from
    the records as they are now, each listing audited naming the families and children shown."""
    _allowed(request)
    if not policies.may_drill_down(request.user):
        raise PermissionDenied
    scope, _beside, teams = _scopes(request)
    key = request.GET.get("figure", "")
    if key not in OwnFigures.DRILLABLE:
        raise Http404("No such figure")
    period = _period(request.GET.get("period", ""))
    ids = OwnFigures(scope).children_behind(key, period)
    visible = list(
        people_visible_to(request.user).filter(pk__in=ids).order_by("last_name", "first_name")[:500]
    )
    families = {}
    for person_id, family_id, family_name in FamilyMember.objects.filter(
        person__in=visible, left_on__isnull=True
    ).values_list("person_id", "family_id", "family__name"):
        families.setdefault(person_id, (family_id, family_name))
    if visible:
        audit_record(
            actor=request.user,
            action=Action.VIEW,
            request=request,
            families=sorted({str(f[0]) for f in families.values()}),
            people=[p.pk for p in visible],
            detail={"page": "outcome_children", "figure": key, "period": period.label, "scope": scope.label},
        )
    context = _common(request, scope, teams) | {
        "figure_label": DEFINITIONS[key][0],
        "definition": DEFINITIONS[key][1],
        "period": period,
        "rows": [(p, families.get(p.pk)) for p in visible],
        "total": len(ids),
        "hidden": len(ids) - len(visible) if len(visible) < 500 else 0,
    }
    return render(request, "outcomes/children.html", context)


@require_POST
def refresh(request):
    """Work the figures of the scope shown out again now (the page said when they were last)."""
    _allowed(request)
    scope, beside, _teams = _scopes(request)
    today = timezone.localdate()
    services.snapshot_refresh(scope=scope, today=today)
    if beside is not None:
        services.snapshot_refresh(scope=beside, today=today)
    messages.success(request, "The figures have been worked out again from the records as they are now")
    target = request.POST.get("next", "")
    allowed = {"outcomes:home", "outcomes:monthly", "outcomes:evaluation"}
    name = target if target in allowed else "outcomes:home"
    suffix = f"?team={scope.team_id}" if request.GET.get("team") else ""
    return redirect(reverse(name) + suffix)


urlpatterns = [
    path("outcomes/", home, name="home"),
    path("outcomes/monthly/", monthly, name="monthly"),
    path("outcomes/evaluation/", evaluation, name="evaluation"),
    path("outcomes/similar-councils/", similar, name="similar"),
    path("outcomes/children/", children, name="children"),
    path("outcomes/refresh/", refresh, name="refresh"),
]
