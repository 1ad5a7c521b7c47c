"""An adult's measures (a chart and a table per instrument), choosing and recording a questionnaire, its
result, correcting it, and closing an alert it raised."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import path
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from safeguarding.access.policies import access_family, uuid_or_none
from safeguarding.audit.services import Action, audit_record
from safeguarding.core.forms import add_service_errors, form_data
from safeguarding.people.models import FamilyMember
from safeguarding.workbook import drafts

from . import instruments, selectors, services
from .forms import AlertCloseForm, ChooseForm, MeasureCorrectForm, MeasureForm, initial_for, item_field_name
from .models import Measure, MeasureAlert
from .policies import MeasuresAccess, outcomes_page_shown, outcomes_sees_every_team, outcomes_teams_visible_to


def _person_access(request, family_id, person_id):
    """The family, the person (a member of it, now or before) and the user's measures access; 404 for a
    family the user may not see or someone not in it, 403 for someone who may open the family but is not
    in its team. Returns the membership's type too (None once they have left)."""
    family = access_family(request.user, family_id, request=request, audit_view=False)
    membership = (
        FamilyMember.objects.filter(family=family, person_id=uuid_or_none(person_id))
        .select_related("person")
        .order_by("left_on")
        .first()
    )
    if membership is None:
        raise Http404("No person found")
    access = MeasuresAccess(request.user, family)
    if not access.can_open:
        raise PermissionDenied
    current = membership.member_type if membership.left_on is None else None
    return family, membership.person, access, current


def _audit_view(request, family, person, **detail):
    audit_record(
        actor=request.user,
        action=Action.VIEW,
        obj=person,
        family_id=family.pk,
        families=[family.pk],
        people=[person.pk],
        request=request,
        detail={"measures": True, **detail},
    )


def _administrable(found, member_type) -> list:
    """The instruments that may be recorded for someone of this membership: current versions, for adults
    or children as the definition says, whose licence the council holds."""
    wanted = {"adult": {"adult", "any"}, "child": {"child", "any"}}.get(member_type, set())
    return [i for i in instruments.current(found) if i.audience in wanted and instruments.licence_held(i)]


@require_http_methods(["GET"])
def history(request, family_id, person_id):
    family, person, access, member_type = _person_access(request, family_id, person_id)
    found = instruments.every()
    context = selectors.measures_history(
        family=family, person=person, disclosure=access.disclosure, found=found
    )
    _audit_view(request, family, person, shown=not context["withheld"], measures=context["count"])
    context.update(
        family=family,
        person=person,
        can_record=member_type is not None and access.can_record(person.pk),
        access=access,
    )
    return render(request, "measures/history.html", context)


def _may_record(access, person, member_type):
    if member_type is None:
        raise Http404("No person found")
    if not access.can_record(person.pk):
        raise PermissionDenied


@require_http_methods(["GET", "POST"])
def choose(request, family_id, person_id):
    family, person, access, member_type = _person_access(request, family_id, person_id)
    _may_record(access, person, member_type)
    found = instruments.every()
    offered = _administrable(found, member_type)
    unlicensed = [i for i in instruments.current(found) if not instruments.licence_held(i)]
    form = ChooseForm(form_data(request), choices=[(i.code, f"{i.name}: {i.title}") for i in offered])
    if request.method == "POST" and form.is_valid():
        return redirect("measures:record", family.pk, person.pk, form.cleaned_data["instrument"])
    return render(
        request,
        "measures/choose.html",
        {"family": family, "person": person, "form": form, "unlicensed": unlicensed},
    )


def _instrument_for(found, member_type, code):
    instrument = next((i for i in _administrable(found, member_type) if i.code == code), None)
    if instrument is None:
        raise Http404("No questionnaire found")
    return instrument


@require_http_methods(["GET", "POST"])
def record(request, family_id, person_id, code):
    family, person, access, member_type = _person_access(request, family_id, person_id)
    _may_record(access, person, member_type)
    instrument = _instrument_for(instruments.every(), member_type, code)
    restored = False
    if request.method == "POST":
        form = MeasureForm(request.POST, instrument=instrument)
        if form.is_valid():
            try:
                measure = services.measure_record(
                    actor=request.user,
                    family=family,
                    person=person,
                    instrument=instrument,
                    **form.values(),
                    today=timezone.localdate(),
                    request=request,
                )
            except ValidationError as error:
                _service_errors(form, error)
            else:
                if form.has_judgement:
                    drafts.draft_discard(
                        actor=request.user, record_type=services.JUDGEMENT_DRAFT_TYPE, record_id=person.pk
                    )
                messages.success(request, f"{instrument.name} recorded for {person.full_name}")
                return redirect("measures:result", family.pk, person.pk, measure.pk)
    else:
        initial = {"administered_on": timezone.localdate()}
        form = MeasureForm(form_data(request), instrument=instrument, initial=initial)
        if form.has_judgement:
            # Why the worker refers on their own judgement is typed with the adult in the room: the draft
            # comes back after a time-out or a closed tab (autosave), the answers are ticked again.
            draft = drafts.draft_for(request.user, services.JUDGEMENT_DRAFT_TYPE, person.pk)
            initial, restored = drafts.with_draft(initial, draft, services.JUDGEMENT_TEXT_FIELDS)
            form = MeasureForm(form_data(request), instrument=instrument, initial=initial)
        _audit_view(request, family, person, recording=instrument.code)
    return render(
        request,
        "measures/record_form.html",
        {
            "family": family,
            "person": person,
            "form": form,
            "instrument": instrument,
            "correcting": None,
            "restored": restored,
            "draft": (services.JUDGEMENT_DRAFT_TYPE, person.pk) if form.has_judgement else None,
        },
    )


def _service_errors(form, error):
    """A service's errors on the form: an answer's against the first question, the rest on their fields."""
    if hasattr(error, "error_dict") and "answers" in error.error_dict:
        messages_for = error.error_dict.pop("answers")
        form.add_error(item_field_name(1), messages_for)
    if not hasattr(error, "error_dict") or error.error_dict:
        add_service_errors(form, error)


def _measure(family, person, measure_id, access) -> Measure:
    measure = (
        Measure.objects.filter(pk=uuid_or_none(measure_id), family=family, person=person)
        .select_related("recorded_by", "family", "person")
        .first()
    )
    if measure is None or not access.for_adult(person.pk).visible:
        raise Http404("No measure found")
    return measure


@require_http_methods(["GET"])
def result(request, family_id, person_id, measure_id):
    family, person, access, member_type = _person_access(request, family_id, person_id)
    measure = _measure(family, person, measure_id, access)
    row = selectors.measure_result(measure, instruments.every())
    alerts = list(measure.alerts.select_related("owner").order_by("created_at"))
    answers = []
    for item in row.instrument.items if row.instrument else ():
        chosen = measure.answers.get(str(item.number))
        valid = isinstance(chosen, int) and 0 <= chosen < len(item.options)
        answers.append((item, item.options[chosen].label if valid else ""))
    _audit_view(request, family, person, measure=str(measure.pk))
    return render(
        request,
        "measures/result.html",
        {
            "family": family,
            "person": person,
            "row": row,
            "measure": measure,
            "instrument": row.instrument,
            "alerts": alerts,
            "answers": answers,
            "can_record": member_type is not None and access.can_record(person.pk),
        },
    )


@require_http_methods(["GET", "POST"])
def correct(request, family_id, person_id, measure_id):
    family, person, access, member_type = _person_access(request, family_id, person_id)
    measure = _measure(family, person, measure_id, access)
    if not access.can_record(person.pk):
        raise PermissionDenied
    instrument = instruments.every().get((measure.instrument, measure.instrument_version))
    if instrument is None:
        raise Http404("No questionnaire found")
    restored = False
    if request.method == "POST":
        form = MeasureCorrectForm(request.POST, instrument=instrument)
        if form.is_valid():
            try:
                services.measure_correct(
                    actor=request.user,
                    measure=measure,
                    version=form.cleaned_data["version"],
                    **form.values(),
                    reason=form.cleaned_data["reason"],
                    today=timezone.localdate(),
                    request=request,
                )
            except ValidationError as error:
                _service_errors(form, error)
            else:
                drafts.draft_discard(
                    actor=request.user, record_type=services.CORRECTION_DRAFT_TYPE, record_id=measure.pk
                )
                messages.success(request, "Measure corrected. What it said before is kept with your reason")
                return redirect("measures:result", family.pk, person.pk, measure.pk)
    else:
        draft = drafts.draft_for(request.user, services.CORRECTION_DRAFT_TYPE, measure.pk)
        initial, restored = drafts.with_draft(
            initial_for(measure, instrument), draft, services.CORRECTION_TEXT_FIELDS
        )
        form = MeasureCorrectForm(form_data(request), instrument=instrument, initial=initial)
        _audit_view(request, family, person, correcting=str(measure.pk))
    return render(
        request,
        "measures/record_form.html",
        {
            "family": family,
            "person": person,
            "form": form,
            "instrument": instrument,
            "correcting": measure,
            "restored": restored,
            "draft": (services.CORRECTION_DRAFT_TYPE, measure.pk),
        },
    )


@require_http_methods(["GET", "POST"])
def alert(request, family_id, person_id, alert_id):
    """An alert and, for its owner or the family's team manager while it is open, closing it."""
    family, person, access, _member_type = _person_access(request, family_id, person_id)
    found = (
        MeasureAlert.objects.filter(pk=uuid_or_none(alert_id), family=family, person=person)
        .select_related("owner", "closed_by", "measure")
        .first()
    )
    if found is None:
        raise Http404("No alert found")
    can_close = access.can_close(found)
    restored = False
    if can_close and request.method != "POST":
        # The outcome is typed as the worker checks on the adult: a draft on the server (autosave) comes
        # back after a time-out or a closed tab.
        draft = drafts.draft_for(request.user, services.ALERT_DRAFT_TYPE, found.pk)
        initial, restored = drafts.with_draft({}, draft, services.ALERT_TEXT_FIELDS)
        form = AlertCloseForm(initial=initial)
    else:
        form = AlertCloseForm(form_data(request)) if can_close else None
    if request.method == "POST":
        if not can_close:
            raise PermissionDenied
        if form.is_valid():
            try:
                services.alert_close(
                    actor=request.user,
                    alert=found,
                    outcome=form.cleaned_data["outcome"],
                    today=timezone.localdate(),
                    request=request,
                )
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                messages.success(request, f"{found.get_kind_display()} closed with its outcome")
                return redirect("measures:history", family.pk, person.pk)
    else:
        _audit_view(request, family, person, alert=str(found.pk))
    return render(
        request,
        "measures/alert.html",
        {
            "family": family,
            "person": person,
            "alert": found,
            "form": form,
            "restored": restored,
            "draft_type": services.ALERT_DRAFT_TYPE,
            "disclosure": access.for_adult(person.pk),
        },
    )


@require_http_methods(["GET"])
def outcomes(request):
    """The council's before and after: aggregates only, for the teams the user may see (policies.py).

    Audited as one VIEW of the page with no object and no subjects: it shows no family or person, so no
    record's access log should list it (audit_record accepts an event with no object), and the detail
    says which page and teams were seen, as the other pages of figures would."""
    if not outcomes_page_shown(request.user):
        raise PermissionDenied
    teams = list(outcomes_teams_visible_to(request.user))
    every_team = outcomes_sees_every_team(request.user)
    asked = request.GET.get("team", "")
    if asked:
        chosen = next((t for t in teams if str(t.pk) == str(uuid_or_none(asked))), None)
        if chosen is None:
            raise Http404("No team found")
    else:
        chosen = None if every_team else teams[0]
    team_ids = None if chosen is None else [chosen.pk]
    today = timezone.localdate()
    result = selectors.council_outcomes(team_ids=team_ids, today=today, found=instruments.every())
    audit_record(
        actor=request.user,
        action=Action.VIEW,
        request=request,
        detail={"page": "parent_outcomes", "team": str(chosen.pk) if chosen else "all"},
    )
    return render(
        request,
        "measures/outcomes.html",
        {
            "outcomes": result,
            "teams": teams,
            "chosen": chosen,
            "every_team": every_team,
            "today": today,
            "small_number": selectors.SMALL_NUMBER,
        },
    )


PERSON = "families/<uuid:family_id>/people/<uuid:person_id>/measures/"
urlpatterns = [
    path("measures/outcomes/", outcomes, name="outcomes"),
    path(PERSON, history, name="history"),
    path(PERSON + "new/", choose, name="choose"),
    path(PERSON + "new/<slug:code>/", record, name="record"),
    path(PERSON + "<uuid:measure_id>/", result, name="result"),
    path(PERSON + "<uuid:measure_id>/correct/", correct, name="correct"),
    path(PERSON + "alerts/<uuid:alert_id>/", alert, name="alert"),
]
