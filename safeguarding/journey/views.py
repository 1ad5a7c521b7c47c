"""The child's statutory journey, its steps and corrections, and the child's and family's chronologies.

Thin: parse, call one policy, selector or service, render. Every page opens the child through
policies.access_child (or the family through access.policies.access_family), which audits the view and
answers 404 alike for a missing, forbidden or adult person; recording and correcting are then asked of
the journey policies (403 for someone who may read but not record).
"""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.html import format_html
from django.views.decorators.http import require_GET, require_http_methods

from safeguarding.access.policies import access_family
from safeguarding.core import chronology
from safeguarding.core.forms import add_service_errors, form_data
from safeguarding.people.models import FamilyMember
from safeguarding.tasks.models import Deadline

from . import records, services
from .clocks import assessment_due
from .forms import CORRECT_FORMS, STEP_FORMS, ChronologyFilterForm, initial_from
from .models import Correction, DeadlineKind
from .policies import access_child, journey_can_correct, journey_can_record
from .steps import CORRECTABLE_FIELDS, STEPS_BY_SLUG

MODELS_BY_TYPE = {model._meta.model_name: model for model in CORRECTABLE_FIELDS}
CHRONOLOGY_PAGE_SIZE = 100
# Deadlines that say when a step is due, shown on the step's page.
STEP_DEADLINES = {
    "assessment-authorisation": (DeadlineKind.ASSESSMENT,),
    "initial-conference": (DeadlineKind.ICPC,),
    "cp-plan": (DeadlineKind.ICPC,),
    "core-group": (DeadlineKind.FIRST_CORE_GROUP, DeadlineKind.CORE_GROUP),
    "review-conference": (DeadlineKind.REVIEW_CONFERENCE,),
    "visit": (DeadlineKind.CP_VISIT, DeadlineKind.CIN_VISIT, DeadlineKind.LAC_VISIT),
    "looked-after-review": (DeadlineKind.LAC_REVIEW,),
    "hearing": (DeadlineKind.PROCEEDINGS,),
    "final-order": (DeadlineKind.PROCEEDINGS,),
}


def _journey_url(child) -> str:
    return reverse("journey:child-journey", args=[child.pk])


def _saved(request, child, record, text: str):
    """Back to the journey page, with the success banner at the top of the page.

    The banner (role="alert") is focused by GOV.UK Frontend when the page loads, so a screen reader reads
    it out and a keyboard user starts from it. The redirect carries no #fragment: the browser would scroll
    to the record instead, after the banner took focus, leaving it off-screen. The banner links to the
    record instead."""
    link = format_html(
        '<a class="govuk-notification-banner__link" href="#{}-{}">Go to the {}</a>',
        record._meta.model_name,
        record.pk,
        records.lower_first(str(record)),
    )
    messages.success(request, format_html("{} {}", text, link))
    return redirect(_journey_url(child))


@require_GET
def child_journey(request, person_id):
    child = access_child(request.user, person_id, request=request)
    context = {"child": child, **records.journey_page(request.user, child)}
    return render(request, "journey/child_journey.html", context)


@require_http_methods(["GET", "POST"])
def step_record(request, person_id, step):
    spec = STEPS_BY_SLUG.get(step)
    if spec is None:
        raise Http404("No such step")
    child = access_child(request.user, person_id, request=request)
    if not journey_can_record(request.user, child, spec.slug):
        raise PermissionDenied
    found = spec.find(child) if spec.find else None
    # Completing a record shows what it already says (a letter date given earlier); a Yes or No is left
    # for the worker to answer rather than preselected.
    initial = {}
    if spec.mode == "complete" and found is not None:
        initial = {
            name: value
            for name, value in initial_from(found, spec.fields).items()
            if value not in (None, "", [], "false")
        }
    form = STEP_FORMS[spec.slug](form_data(request), initial=initial)
    # Nothing to record against (no open plan to end): the page says what to record first, and a post
    # is refused with the same words, without asking the service.
    waiting_for = spec.needs if spec.find is not None and found is None else ""
    if request.method == "POST" and not waiting_for and form.is_valid():
        try:
            record = services.journey_record(
                actor=request.user, child=child, step=spec, values=form.values(), request=request
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            return _saved(request, child, record, _recorded_message(spec, record, child))
    context = {
        "child": child,
        "step": spec,
        "form": form,
        "found": found,
        "waiting_for": waiting_for,
        "refused": bool(waiting_for) and request.method == "POST",
        "due": _step_due(spec, child, found),
    }
    return render(request, "journey/step_form.html", context)


def _step_due(spec, child, found) -> list[records.DueRow]:
    """When this step is due, from the child's deadlines; for the conference and the assessment, from the
    record itself if its deadline row is not there."""
    kinds = STEP_DEADLINES.get(spec.slug)
    if not kinds:
        return []
    rows = records.due_rows(child.deadlines.filter(kind__in=kinds).order_by("due_date"))
    if rows or found is None:
        return rows
    if spec.slug == "initial-conference" and found.icpc_target:
        basis = f"15 working days from the strategy discussion on {found.strategy_discussion_date:%-d %B %Y}"
        return records.due_rows([Deadline(kind=DeadlineKind.ICPC, due_date=found.icpc_target, basis=basis)])
    if spec.slug == "assessment-authorisation":
        referral = found.episode.referral_date
        basis = f"45 working days from the referral on {referral:%-d %B %Y}"
        return records.due_rows(
            [Deadline(kind=DeadlineKind.ASSESSMENT, due_date=assessment_due(referral), basis=basis)]
        )
    return rows


def _day(value) -> str:
    return f"{value:%-d %B %Y}" if value else ""


def _recorded_message(spec, record, child) -> str:
    """What was recorded, and what is due next now (the deadlines the write has just rebuilt)."""
    done = {
        "assessment-authorisation": lambda r: f"Assessment authorised on {_day(r.authorised_on)}",
        "initial-conference": lambda r: (
            "Recorded that no initial conference is needed"
            if r.icpc_not_required
            else f"Initial child protection conference on {_day(r.icpc_date)} recorded"
        ),
        "cp-plan-category": lambda r: f"Category of abuse changed to {r.get_latest_category_display()}",
        "cp-plan-end": lambda r: f"Child protection plan ended on {_day(r.end_date)}",
        "cin-plan-end": lambda r: f"Child in need plan ended on {_day(r.end_date)}",
        "pre-proceedings-decision": lambda r: f"Pre-proceedings decision recorded: {r.get_outcome_display()}",
        "final-order": lambda r: (
            f"Final order on {_day(r.final_order_date)} recorded: {r.get_final_order_display()}"
        ),
        "looked-after-end": lambda r: f"Looked-after episode ended on {_day(r.end_date)}",
        "closure": lambda r: f"Referral closed on {_day(r.closure_date)}",
    }.get(spec.slug, lambda r: f"{r} recorded")(record)
    due = list(child.deadlines.order_by("due_date", "kind")[:3])
    if not due:
        return f"{done}. Nothing is due for {child.full_name} now."
    next_due = "; ".join(f"{d.get_kind_display().lower()} by {_day(d.due_date)}" for d in due)
    return f"{done}. Next due: {next_due}."


@require_http_methods(["GET", "POST"])
def record_correct(request, person_id, record_type, record_id):
    model = MODELS_BY_TYPE.get(record_type)
    if model is None:
        raise Http404("No such record")
    child = access_child(request.user, person_id, request=request)
    record = model.objects.filter(pk=record_id, child=child).first()
    if record is None:
        raise Http404("No such record")
    if not journey_can_correct(request.user, child):
        raise PermissionDenied
    form_class = CORRECT_FORMS[model]
    form = form_class(form_data(request), initial=initial_from(record, form_class.field_names))
    if request.method == "POST" and form.is_valid():
        try:
            services.journey_correct(
                actor=request.user,
                record=record,
                values=form.values(),
                reason=form.cleaned_data["reason"],
                request=request,
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            text = (
                f"Correction to the {records.lower_first(str(record))} saved. The previous values are kept."
            )
            return _saved(request, child, record, text)
    history = Correction.objects.filter(record_type=record_type, record_id=record.pk).select_related(
        "corrected_by"
    )
    context = {
        "child": child,
        "record": record,
        "record_title": records.lower_first(str(record)),
        "form": form,
        "history": records.correction_views(history, model),
    }
    return render(request, "journey/correct_form.html", context)


def _chronology_context(request, child_ids, names, **merging) -> dict:
    kinds = chronology.all_kinds()
    form = ChronologyFilterForm(request.GET if "kind" in request.GET else None, kinds=kinds)
    selected = form.cleaned_data["kind"] if form.is_bound and form.is_valid() else []
    page_number = request.GET.get("page", "1")
    page_number = int(page_number) if page_number.isascii() and page_number.isdigit() else 1
    page_number = min(max(page_number, 1), 100_000)
    offset = (page_number - 1) * CHRONOLOGY_PAGE_SIZE
    events = chronology.child_chronology(
        child_ids, selected or None, limit=CHRONOLOGY_PAGE_SIZE + 1, offset=offset, names=names, **merging
    )
    return {
        "form": form,
        "selected": selected,
        "selected_labels": [kinds[k] for k in selected],
        "events": events[:CHRONOLOGY_PAGE_SIZE],
        "page_number": page_number,
        "has_previous": page_number > 1,
        "has_next": len(events) > CHRONOLOGY_PAGE_SIZE,
    }


@require_GET
def child_chronology(request, person_id):
    child = access_child(request.user, person_id, request=request)
    context = _chronology_context(request, [child.pk], {child.pk: child.full_name})
    return render(request, "journey/chronology.html", {"child": child, **context})


@require_GET
def family_chronology(request, family_id):
    family = access_family(request.user, family_id, request=request)
    children = (
        FamilyMember.objects.filter(
            family=family, member_type=FamilyMember.MemberType.CHILD, left_on__isnull=True
        )
        .select_related("person")
        .order_by("person__date_of_birth")
    )
    # One entry for what happened to several children at once (casefile's family timeline does the same).
    names, short_names = chronology.child_names(member.person for member in children)
    context = _chronology_context(request, list(names), names, merge=True, short_names=short_names)
    return render(request, "journey/chronology.html", {"family": family, "children": names, **context})
