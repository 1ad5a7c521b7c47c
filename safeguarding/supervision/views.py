"""Group supervision's pages: the team's supervisions, scheduling, the pack, the meeting record, sign-off,
addenda and marking an action done. Thin: access first (access_family, then SupervisionAccess), the
selectors read, the services write and audit."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import path
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from safeguarding.access.policies import FamilyDisclosure, access_family, authorised_fetch
from safeguarding.accounts.models import User
from safeguarding.allocation.models import Allocation
from safeguarding.audit.services import Action, audit_list, audit_record
from safeguarding.core.forms import add_service_errors, form_data
from safeguarding.workbook import drafts

from . import selectors, services
from .forms import ActionDoneForm, RecordForm, ScheduleForm, SignOffForm, SupervisionAddendumForm
from .models import GroupSupervision, SupervisionAction
from .policies import SupervisionAccess, supervision_families_visible_to, supervision_teams_visible_to

Role = User.Role


def _family_access(request, family_id, *, audit_view=False):
    family = access_family(request.user, family_id, request=request, audit_view=audit_view)
    return family, SupervisionAccess(request.user, family)


def _supervision(request, family_id, supervision_id, *, members=None):
    """The family, the reader's access and the supervision; 403 for someone who may open the family but
    is not invited (business support, emergency access); 404 for a supervision of another family, and for
    a family the reader may not see and whose supervision they are not invited to (audited as refused).

    `members` (the pack's) is a list that receives selectors.members_of(family), read once the family
    may be opened: the disclosure takes its adults' ids from it instead of a query of its own."""
    family = authorised_fetch(
        request.user,
        supervision_families_visible_to(request.user, supervision_id).select_related("team"),
        family_id,
        request=request,
        what="family",
        refusal={"family_id": str(family_id), "supervision_id": str(supervision_id)},
        subject="family",
    )
    if members is None:
        access = SupervisionAccess(request.user, family)
    else:
        members.append(selectors.members_of(family))
        disclosure = FamilyDisclosure(request.user, family, adult_ids=members[0].adult_ids)
        access = SupervisionAccess(request.user, family, disclosure)
    supervision = selectors.supervision_for_page(family, supervision_id)
    if supervision is None:
        raise Http404("No supervision found")
    supervision.family = family
    if not access.can_view(supervision):
        raise PermissionDenied
    access.admit_invitee(supervision)
    return family, access, supervision


def _audit_view(request, family, access, supervision, *, child_ids=None, **detail):
    if access.by_invitation:
        # The unusual-access report and the family's access log show why someone outside the family's
        # allocations and managers read it.
        detail["by_invitation"] = True
    audit_record(
        actor=request.user,
        action=Action.VIEW,
        obj=supervision,
        family_id=family.pk,
        families=[family.pk],
        people=services._child_ids(family) if child_ids is None else child_ids,
        request=request,
        detail={"supervision": str(supervision.pk), **detail},
    )


# ---- the team's supervisions -------------------------------------------------------------------------------


@require_http_methods(["GET"])
def home(request):
    teams = list(supervision_teams_visible_to(request.user).order_by("name"))
    if not teams:
        raise PermissionDenied
    if request.user.role == Role.TEAM_MANAGER:
        return redirect("supervision:team", team_id=request.user.team_id)
    return render(request, "supervision/teams.html", {"teams": teams})


@require_http_methods(["GET"])
def team(request, team_id):
    team = supervision_teams_visible_to(request.user).filter(pk=team_id).first()
    if team is None:
        if not supervision_teams_visible_to(request.user).exists():
            raise PermissionDenied
        raise Http404("No team found")
    context = selectors.team_page(team, today=timezone.localdate(), page_number=request.GET.get("page"))
    audit_list(
        actor=request.user,
        request=request,
        page="team_supervisions",
        families=[
            *(s.family_id for day in context["days"] for s in day.supervisions),
            *(r["family"].pk for r in context["overdue"]),
        ],
        team=str(team.pk),
    )
    page = context["page"]
    return render(
        request,
        "supervision/team.html",
        {
            **context,
            "team": team,
            "today": timezone.localdate(),
            "page_range": page.paginator.get_elided_page_range(page.number, on_each_side=1, on_ends=1),
        },
    )


# ---- the family's supervision ------------------------------------------------------------------------------


@require_http_methods(["GET"])
def family_home(request, family_id):
    """The family's next supervision's pack, or scheduling it when there is none."""
    family, access = _family_access(request, family_id)
    upcoming = selectors.next_supervision(family)
    if upcoming is not None and access.can_view(upcoming):
        return redirect("supervision:pack", family_id=family.pk, supervision_id=upcoming.pk)
    if access.can_schedule:
        return redirect("supervision:schedule", family_id=family.pk)
    if not access.can_view(upcoming):
        raise PermissionDenied
    raise Http404("No supervision is booked")


def _schedule_choices(family, actor):
    """Who may chair (the team's managers and social workers, the actor) and who else may be invited
    (the team's other staff, not business support): the team is small, so the lists are short."""
    staff = list(
        User.objects.filter(is_active=True)
        .filter(team_id=family.team_id)
        .exclude(
            role__in=[
                Role.BUSINESS_SUPPORT,
                Role.PERFORMANCE_ANALYST,
                Role.AUDITOR,
                Role.SYSTEM_ADMINISTRATOR,
            ]
        )
        .order_by("last_name", "first_name", "pk")
    )
    chairs = [u for u in staff if u.role in (Role.TEAM_MANAGER, Role.SOCIAL_WORKER)]
    if actor.pk not in {u.pk for u in chairs}:
        chairs.insert(0, actor)
    allocated = set(Allocation.objects.current().filter(family=family).values_list("worker_id", flat=True))
    others = [u for u in staff if u.pk not in allocated]
    return chairs, others


@require_http_methods(["GET", "POST"])
def schedule(request, family_id):
    family, access = _family_access(request, family_id)
    if not access.can_schedule:
        raise PermissionDenied
    upcoming = selectors.next_supervision(family)
    if upcoming is not None:
        return redirect("supervision:reschedule", family_id=family.pk, supervision_id=upcoming.pk)
    chairs, others = _schedule_choices(family, request.user)
    manager = next((u for u in chairs if u.role == Role.TEAM_MANAGER), request.user)
    form = ScheduleForm(form_data(request), chairs=chairs, others=others, initial={"chair": str(manager.pk)})
    if request.method == "POST" and form.is_valid():
        try:
            supervision = services.supervision_schedule(
                actor=request.user,
                family=family,
                scheduled_for=form.cleaned_data["scheduled_for"],
                chair=form.cleaned_data["chair"],
                invitees=form.cleaned_data["invitees"],
                today=timezone.localdate(),
                request=request,
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, "Group supervision scheduled")
            return redirect("supervision:pack", family_id=family.pk, supervision_id=supervision.pk)
    return render(request, "supervision/schedule.html", {"family": family, "form": form, "supervision": None})


@require_http_methods(["GET", "POST"])
def reschedule(request, family_id, supervision_id):
    family, access, supervision = _supervision(request, family_id, supervision_id)
    if not access.can_reschedule(supervision):
        raise PermissionDenied
    chairs, others = _schedule_choices(family, request.user)
    if supervision.chair_id not in {u.pk for u in chairs}:
        chairs.insert(0, supervision.chair)
    form = ScheduleForm(
        form_data(request),
        chairs=chairs,
        others=others,
        initial={
            "scheduled_for": supervision.scheduled_for,
            "chair": str(supervision.chair_id),
            "invitees": [str(u.pk) for u in supervision.invitees.all()],
        },
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.supervision_reschedule(
                actor=request.user,
                supervision=supervision,
                scheduled_for=form.cleaned_data["scheduled_for"],
                chair=form.cleaned_data["chair"],
                invitees=form.cleaned_data["invitees"],
                today=timezone.localdate(),
                request=request,
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, "Group supervision rescheduled")
            return redirect("supervision:pack", family_id=family.pk, supervision_id=supervision.pk)
    return render(
        request, "supervision/schedule.html", {"family": family, "form": form, "supervision": supervision}
    )


@require_http_methods(["GET"])
def pack(request, family_id, supervision_id):
    found: list = []
    family, access, supervision = _supervision(request, family_id, supervision_id, members=found)
    members = found[0]
    today = timezone.localdate()
    context = {
        "family": family,
        "access": access,
        "supervision": supervision,
        "today": today,
        "can_record": access.can_record(supervision),
        "can_sign_off": access.can_sign_off(supervision),
        "can_reschedule": access.can_reschedule(supervision),
        "can_add_addendum": access.can_add_addendum(supervision),
    }
    context.update(selectors.pack(access, supervision, today=today, members=members))
    if supervision.status == GroupSupervision.Status.SCHEDULED:
        # The pack shows the meeting record (analyses, actions, addenda) once the meeting is recorded, and
        # a supervision is scheduled until then: three queries saved on the page read before each meeting.
        context.update(analyses=[], actions=[], addenda=[])
    else:
        context.update(selectors.record(supervision))
    context["attendance"] = selectors.attendance_rows(supervision, context["invited"])
    context["decision_steps"] = selectors.decision_steps(
        supervision, [line.child for line in context["children"]]
    )
    for action in context["actions"]:
        action.can_mark_done = access.can_mark_done(action, supervision)
    previous = context["previous"]
    for action in context["previous_actions"]:
        action.can_mark_done = access.can_mark_done(action, previous)
    _audit_view(request, family, access, supervision, page="pack", child_ids=members.child_ids)
    return render(request, "supervision/pack.html", context)


@require_http_methods(["GET", "POST"])
def record(request, family_id, supervision_id):
    family, access, supervision = _supervision(request, family_id, supervision_id)
    if not access.can_record(supervision):
        if supervision.is_signed_off:
            messages.info(request, "This record is signed off. You can add an addendum")
            return redirect("supervision:pack", family_id=family.pk, supervision_id=supervision.pk)
        raise PermissionDenied
    today = timezone.localdate()
    people = services.invited_people(supervision, access.disclosure.current_allocations)
    children = services.children_of(family)
    conflict = None
    restored = False
    if request.method == "POST":
        form = RecordForm(request.POST, people=people, children=children)
        if form.is_valid():
            try:
                services.supervision_record(
                    actor=request.user,
                    supervision=supervision,
                    attendance=form.attendance(),
                    decisions=form.cleaned_data["decisions"],
                    decision_other=form.cleaned_data["decision_other"],
                    analyses=form.analyses(),
                    actions=form.actions(),
                    base_version=form.cleaned_data["version"],
                    invited_ids=[u.pk for u in people],
                    today=today,
                    request=request,
                    **form.text_values(),
                )
            except drafts.VersionConflict as found:
                conflict = found
                data = request.POST.copy()
                data["version"] = str(found.current_version)
                form = RecordForm(data, people=people, children=children)
                form.is_valid()
                conflict.labels = {name: form.fields[name].label for name in services.RECORD_TEXT_FIELDS}
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                drafts.draft_discard(
                    actor=request.user, record_type=services.RECORD_DRAFT_TYPE, record_id=supervision.pk
                )
                messages.success(request, "The meeting record is saved")
                return redirect("supervision:pack", family_id=family.pk, supervision_id=supervision.pk)
    else:
        saved = selectors.record_initial(supervision, people, children)
        draft = drafts.draft_for(request.user, services.RECORD_DRAFT_TYPE, supervision.pk)
        probe = RecordForm(people=people, children=children)
        initial, restored = drafts.with_draft(saved, draft, probe.long_text_fields())
        form = RecordForm(form_data(request), initial=initial, people=people, children=children)
        _audit_view(request, family, access, supervision, page="record", editing=True)
    return render(
        request,
        "supervision/record.html",
        {
            "family": family,
            "supervision": supervision,
            "form": form,
            "conflict": conflict,
            "restored": restored,
            "previous_actions": selectors._actions(services.last_signed_off(family, before=supervision)),
            "too_early": supervision.scheduled_for > today,
        },
    )


@require_http_methods(["GET", "POST"])
def sign_off(request, family_id, supervision_id):
    family, access, supervision = _supervision(request, family_id, supervision_id)
    if supervision.is_signed_off:
        messages.info(request, "This supervision has already been signed off")
        return redirect("supervision:pack", family_id=family.pk, supervision_id=supervision.pk)
    if not access.is_chair(supervision):
        raise PermissionDenied
    form = SignOffForm(form_data(request))
    if request.method == "POST" and form.is_valid():
        try:
            signed, following = services.supervision_sign_off(
                actor=request.user, supervision=supervision, today=timezone.localdate(), request=request
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(
                request,
                f"Signed off. The Workbook's cycle {signed.cycle.number} is closed and the next supervision "
                f"is booked for {following.scheduled_for:%-d %B %Y}",
            )
            return redirect("supervision:pack", family_id=family.pk, supervision_id=signed.pk)
    return render(
        request,
        "supervision/sign_off.html",
        {
            "family": family,
            "supervision": supervision,
            "form": form,
            "recorded": supervision.status == "recorded",
        },
    )


@require_http_methods(["GET", "POST"])
def addendum(request, family_id, supervision_id):
    family, access, supervision = _supervision(request, family_id, supervision_id)
    if not supervision.is_signed_off:
        return redirect("supervision:record", family_id=family.pk, supervision_id=supervision.pk)
    if not access.can_add_addendum(supervision):
        raise PermissionDenied
    form = SupervisionAddendumForm(form_data(request))
    if request.method == "POST" and form.is_valid():
        try:
            services.supervision_addendum_add(
                actor=request.user,
                supervision=supervision,
                text=form.cleaned_data["text"],
                reason=form.cleaned_data["reason"],
                request=request,
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, "Addendum added. The signed-off record is kept as it was")
            return redirect("supervision:pack", family_id=family.pk, supervision_id=supervision.pk)
    return render(
        request, "supervision/addendum.html", {"family": family, "supervision": supervision, "form": form}
    )


@require_http_methods(["GET", "POST"])
def action_done(request, family_id, supervision_id, action_id):
    family, access, supervision = _supervision(request, family_id, supervision_id)
    action = (
        SupervisionAction.objects.filter(pk=action_id, supervision=supervision)
        .select_related("owner")
        .first()
    )
    if action is None:
        raise Http404("No action found")
    if action.is_done:
        messages.info(request, "This action has already been marked done")
        return redirect("supervision:pack", family_id=family.pk, supervision_id=supervision.pk)
    if not access.can_mark_done(action, supervision):
        raise PermissionDenied
    form = ActionDoneForm(form_data(request))
    if request.method == "POST" and form.is_valid():
        try:
            services.supervision_action_done(
                actor=request.user,
                action=action,
                outcome=form.cleaned_data["outcome"],
                done_on=form.cleaned_data["done_on"],
                today=timezone.localdate(),
                request=request,
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, "Action marked done")
            return redirect("supervision:pack", family_id=family.pk, supervision_id=supervision.pk)
    return render(
        request,
        "supervision/action_done.html",
        {"family": family, "supervision": supervision, "action": action, "form": form},
    )


FAMILY = "families/<uuid:family_id>/supervision/"
ONE = FAMILY + "<uuid:supervision_id>/"
urlpatterns = [
    path("supervisions/", home, name="home"),
    path("supervisions/teams/<uuid:team_id>/", team, name="team"),
    path(FAMILY, family_home, name="family"),
    path(FAMILY + "schedule/", schedule, name="schedule"),
    path(ONE, pack, name="pack"),
    path(ONE + "reschedule/", reschedule, name="reschedule"),
    path(ONE + "record/", record, name="record"),
    path(ONE + "sign-off/", sign_off, name="sign-off"),
    path(ONE + "addendum/", addendum, name="addendum"),
    path(ONE + "actions/<uuid:action_id>/done/", action_done, name="action-done"),
]
