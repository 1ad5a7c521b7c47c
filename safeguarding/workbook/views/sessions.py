"""Sessions and significant events: record one, and the family's lists of them.

Thin: every page opens the family through access_family (the same 404 for missing and forbidden), then
asks WorkbookAccess what this user may do with it (403 for a visible family and a forbidden action).

- Sessions are the team's practice record: only the team reads or records them (WorkbookAccess.can_view,
  can_record_session). A session note about adults only by their own practitioner is shown per the
  sensitivity rules (selectors.note_disclosure).
- Significant events are ordinary case records in the children's chronology: anyone who may open the
  family reads them, emergency access included (can_view_events); the team records them.
"""

from __future__ import annotations

import uuid

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Q
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html, format_html_join
from django.views.decorators.http import require_GET, require_http_methods

from safeguarding.access.policies import access_family
from safeguarding.audit.services import Action, audit_record
from safeguarding.core.chronology import child_names, natural_list
from safeguarding.core.forms import add_service_errors, form_data
from safeguarding.people.models import FamilyMember

from ..chronology import event_title
from ..forms.sessions import SessionFilterForm, SessionForm, SignificantEventForm
from ..models import ParentingModule, SignificantEvent
from ..policies import WorkbookAccess
from ..selectors import sessions as selectors
from ..services.sessions import session_record, significant_event_record


def _open(request, family_id, *, may: str):
    """The family and the user's Workbook access, or a 403 (audited) if they may not do `may` with it."""
    family = access_family(request.user, family_id, request=request, audit_view=False)
    access = WorkbookAccess(request.user, family)
    if not getattr(access, may):
        # The 403 page audits the refusal against the family (casefile.errors.forbidden).
        raise PermissionDenied
    return family, access


def _audit_view(request, family, people, page: str) -> None:
    audit_record(
        actor=request.user,
        action=Action.VIEW,
        obj=family,
        family_id=family.pk,
        families=[family.pk],
        people=sorted({*people}, key=str),
        request=request,
        detail={"page": page},
    )


def _current_members(family):
    """The family's children (born) and adults now, eldest first: who can take part in a session."""
    members = list(
        FamilyMember.objects.filter(family=family, left_on__isnull=True)
        .select_related("person")
        .order_by("person__date_of_birth", "person__first_name")
    )
    children = [
        m.person for m in members if m.member_type == FamilyMember.MemberType.CHILD and not m.person.is_unborn
    ]
    unborn = [
        m.person for m in members if m.member_type == FamilyMember.MemberType.CHILD and m.person.is_unborn
    ]
    adults = [m.person for m in members if m.member_type == FamilyMember.MemberType.ADULT]
    return children, unborn, adults


# ---- Sessions -----------------------------------------------------------------------------------------


@require_GET
def session_list(request, family_id):
    family, access = _open(request, family_id, may="can_view")
    filter_form = SessionFilterForm(
        request.GET if "worker" in request.GET else None, workers=selectors.recorders(family)
    )
    worker_id = None
    if filter_form.is_bound and filter_form.is_valid() and filter_form.cleaned_data["worker"]:
        worker_id = filter_form.cleaned_data["worker"]
    page, rows = selectors.family_sessions_page(
        request.user, access.disclosure, family, worker_id=worker_id, page=request.GET.get("page")
    )
    _audit_view(request, family, [p.person_id for row in rows for p in row.participants], "workbook sessions")
    context = {
        "family": family,
        "rows": rows,
        "page": page,
        "page_range": page.paginator.get_elided_page_range(page.number, on_each_side=1, on_ends=1),
        "filter_form": filter_form,
        "filtered": worker_id is not None,
        "can_record": access.can_record_session,
    }
    return render(request, "workbook/session_list.html", context)


@require_http_methods(["GET", "POST"])
def session_new(request, family_id):
    family, _access = _open(request, family_id, may="can_record_session")
    children, _unborn, adults = _current_members(family)
    _audit_view(request, family, [p.pk for p in [*children, *adults]], "record a session")
    modules = ParentingModule.objects.filter(active=True).order_by("order", "name")
    form = SessionForm(form_data(request), children=children, adults=adults, modules=modules)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            session = session_record(
                actor=request.user,
                family=family,
                date=data["date"],
                kind=data["kind"],
                participant_ids=data["participants"],
                seen_alone_ids=data["seen_alone"],
                module=data["module"] or None,
                note=data["note"],
                today=timezone.localdate(),
                request=request,
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _session_saved_message(session))
            return redirect(reverse("workbook:sessions", args=[family.pk]))
    context = {"family": family, "form": form}
    return render(request, "workbook/session_form.html", context)


def _session_saved_message(session):
    """What was saved, and whose statutory visits it recorded, each linked to the child's journey."""
    text = f"{session.get_kind_display()} on {session.date:%-d %B %Y} recorded."
    visited = session.visits_recorded
    if not visited:
        return text
    _full, short = child_names(visited)
    links = [
        format_html(
            '<a class="govuk-notification-banner__link" href="{}">{}</a>',
            reverse("journey:child-journey", args=[child.pk]),
            short[child.pk],
        )
        for child in visited
    ]
    # natural_list joins already-escaped links; the words between them are ours.
    joined = format_html_join("", "{}", ((part,) for part in _natural_parts(links)))
    noun = "Visit" if len(visited) == 1 else "Visits"
    return format_html("{} {} recorded for {}.", text, noun, joined)


def _natural_parts(links):
    """The links with ", " and " and " between them, as natural_list would join words."""
    if len(links) < 2:
        return links
    parts = []
    for n, link in enumerate(links):
        if n == len(links) - 1:
            parts.append(" and ")
        elif n > 0:
            parts.append(", ")
        parts.append(link)
    return parts


# ---- Significant events -------------------------------------------------------------------------------


def _page_holding(family, event_id) -> int | None:
    """The page of the family's list that holds this event (for a link from the chronology): one query."""
    try:
        event_id = uuid.UUID(str(event_id))
    except (TypeError, ValueError):
        return None
    event = SignificantEvent.objects.filter(family=family, pk=event_id).values("date", "created_at").first()
    if event is None:
        return None
    newer = SignificantEvent.objects.filter(
        Q(date__gt=event["date"]) | Q(date=event["date"], created_at__gt=event["created_at"]), family=family
    ).count()
    return newer // selectors.PAGE_SIZE + 1


@require_GET
def significant_event_list(request, family_id):
    family, access = _open(request, family_id, may="can_view_events")
    page_number = request.GET.get("page")
    if page_number is None and "event" in request.GET:
        page_number = _page_holding(family, request.GET["event"])
    page = selectors.significant_events_page(family, page=page_number)
    events = list(page.object_list)
    _audit_view(request, family, [p.pk for e in events for p in e.people.all()], "significant events")
    context = {
        "family": family,
        "events": events,
        "page": page,
        "page_range": page.paginator.get_elided_page_range(page.number, on_each_side=1, on_ends=1),
        "can_record": access.can_record_event,
        # The Workbook's other sections are the team's: business support and emergency access read the
        # events only.
        "in_team": access.can_view,
    }
    return render(request, "workbook/significant_event_list.html", context)


@require_http_methods(["GET", "POST"])
def significant_event_new(request, family_id):
    family, _access = _open(request, family_id, may="can_record_event")
    children, unborn, adults = _current_members(family)
    people = [*children, *unborn, *adults]
    _audit_view(request, family, [p.pk for p in people], "record a significant event")
    form = SignificantEventForm(form_data(request), people=people)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            event = significant_event_record(
                actor=request.user,
                family=family,
                date=data["date"],
                kind=data["kind"],
                what_happened=data["what_happened"],
                impact=data["impact"],
                impact_on_child=data["impact_on_child"],
                person_ids=data["people"],
                today=timezone.localdate(),
                request=request,
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _event_saved_message(event, children=[*children, *unborn]))
            return redirect(reverse("workbook:significant-events", args=[family.pk]))
    context = {"family": family, "form": form}
    return render(request, "workbook/significant_event_form.html", context)


def _event_saved_message(event, *, children) -> str:
    named = {p.pk for p in event.people.all()}
    shown_for = [c for c in children if c.pk in named] or children
    _full, short = child_names(shown_for)
    where = (
        f" It shows in the chronology of {natural_list([short[c.pk] for c in shown_for])}."
        if shown_for
        else ""
    )
    return f"{event_title(event)} on {event.date:%-d %B %Y} recorded.{where}"


urlpatterns = [
    path("families/<uuid:family_id>/workbook/sessions/", session_list, name="sessions"),
    path("families/<uuid:family_id>/workbook/sessions/new/", session_new, name="session-record"),
    path(
        "families/<uuid:family_id>/workbook/significant-events/",
        significant_event_list,
        name="significant-events",
    ),
    path(
        "families/<uuid:family_id>/workbook/significant-events/new/",
        significant_event_new,
        name="significant-event-record",
    ),
]
