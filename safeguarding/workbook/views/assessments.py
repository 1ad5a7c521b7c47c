"""The family's assessments (the integrated family assessment, the parenting assessment) and the programme of
direct work with parents.

Thin: every page opens the family through access_family (the same 404 for missing and forbidden), asks
WorkbookAccess once (403 for a visible family whose Workbook, or this action, is not the user's), calls one
selector or service, and audits the read with the family and the people the page is about.
"""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import NON_FIELD_ERRORS, PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, path, reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods

from safeguarding.access.policies import access_family
from safeguarding.audit.services import Action, audit_record
from safeguarding.core.forms import add_service_errors, form_data
from safeguarding.journey import codes
from safeguarding.people.models import FamilyMember

from ..drafts import VersionConflict, draft_discard, draft_for, with_draft
from ..forms.assessments import AssessmentForm, ModuleWorkForm, ReturnForm
from ..models import AssessmentVersion, FamilyAssessment, ModuleWork, ParentingModule
from ..policies import WorkbookAccess
from ..selectors import assessments as read
from ..services import assessments as services
from ..services import modules as module_services

Kind = FamilyAssessment.Kind
Status = FamilyAssessment.Status
KIND_SLUGS = {"integrated": Kind.INTEGRATED, "parenting": Kind.PARENTING}
LIST_PAGE_SIZE = 20


# ---- helpers ----------------------------------------------------------------------------------------------


def _team(request, family_id):
    family = access_family(request.user, family_id, request=request, audit_view=False)
    access = WorkbookAccess(request.user, family)
    if not access.can_view:
        raise PermissionDenied
    return family, access


def _audit_view(request, obj, family, people=(), **detail) -> None:
    audit_record(
        actor=request.user,
        action=Action.VIEW,
        obj=obj,
        family_id=family.pk,
        families=[family.pk],
        people=list(people),
        request=request,
        detail=detail,
    )


def _assessment(family, assessment_id) -> FamilyAssessment:
    assessment = (
        FamilyAssessment.objects.filter(pk=assessment_id, family=family)
        .select_related("written_by", "authorised_by", "family")
        .first()
    )
    if assessment is None:
        raise Http404("No assessment found")
    return assessment


def _assessment_url(assessment) -> str:
    return reverse("workbook:assessment", args=[assessment.family_id, assessment.pk])


def autosave_url(family, record_type: str, record_id) -> str:
    """Where the page's autosave posts (the Workbook's one draft endpoint), if it is installed."""
    try:
        return reverse("workbook:draft-save", args=[family.pk, record_type, record_id])
    except NoReverseMatch:
        return ""


def _with_labels(conflict: VersionConflict, form) -> VersionConflict:
    # The conflict panel names each box by its label, as the form does.
    conflict.labels = {name: str(form.fields[name].label) for name in conflict.yours if name in form.fields}
    return conflict


def _subject_ids(assessment) -> list:
    compiled = assessment.compiled or {}
    return [p["id"] for p in (*compiled.get("children", []), *compiled.get("parents", []))]


# ---- the family's assessments -----------------------------------------------------------------------------


@require_GET
def assessment_list(request, family_id):
    family, access = _team(request, family_id)
    page = Paginator(read.assessments_of(family), LIST_PAGE_SIZE).get_page(request.GET.get("page"))
    in_progress = {
        a.kind: a for a in FamilyAssessment.objects.filter(family=family).exclude(status=Status.AUTHORISED)
    }
    _audit_view(request, family, family, page="assessments")
    context = {
        "family": family,
        "page": page,
        "page_range": page.paginator.get_elided_page_range(page.number),
        "assessments": page.object_list,
        "can_write": access.can_write_assessment,
        "kinds": [
            {"slug": slug, "label": Kind(kind).label, "in_progress": in_progress.get(kind)}
            for slug, kind in KIND_SLUGS.items()
        ],
    }
    return render(request, "workbook/assessment_list.html", context)


@require_http_methods(["GET", "POST"])
def assessment_compile(request, family_id, kind):
    family, access = _team(request, family_id)
    if kind not in KIND_SLUGS:
        raise Http404("No such assessment")
    if not access.can_write_assessment:
        raise PermissionDenied
    kind_value = KIND_SLUGS[kind]
    in_progress = (
        FamilyAssessment.objects.filter(family=family, kind=kind_value)
        .exclude(status=Status.AUTHORISED)
        .first()
    )
    error = ""
    if request.method == "POST" and in_progress is None:
        try:
            assessment = services.assessment_compile(
                actor=request.user,
                family=family,
                today=timezone.localdate(),
                kind=kind_value,
                request=request,
            )
        except ValidationError as refused:
            error = " ".join(refused.messages)
        else:
            messages.success(
                request,
                f"{assessment.get_kind_display()} compiled. Write your analysis and check what was compiled.",
            )
            return redirect("workbook:assessment-edit", family.pk, assessment.pk)
    children, adults = read.current_members(family)
    _audit_view(request, family, family, [p.pk for p in (*children, *adults)], page=f"compile {kind}")
    context = {
        "family": family,
        "kind": kind,
        "kind_label": Kind(kind_value).label,
        "in_progress": in_progress,
        "children": children,
        "adults": adults,
        "error": error,
    }
    return render(request, "workbook/assessment_compile.html", context)


def _factor_rows(form, infos, waiting_ids) -> list[dict]:
    """Each child's factor checkboxes grouped as the form shows them, with why each was proposed, and
    whether authorising completes a statutory assessment of theirs."""
    by_n = {info.n: info for info in infos}
    rows = []
    for child, bound in form.factor_bound():
        info = by_n.get(child["n"])
        proposals = {code: (texts, note) for code, _label, texts, note in (info.proposed if info else [])}
        parents, others, none = [], [], None
        for option in bound:
            code = option.data["value"]
            entry = {"option": option, "proposal": proposals.get(code)}
            if code == codes.NO_FACTORS:
                none = entry
            elif code in codes.PARENT_FACTORS:
                parents.append(entry)
            else:
                others.append(entry)
        rows.append(
            {
                "child": child,
                "waiting": child["id"] in waiting_ids,
                "field": bound,
                "info": info,
                "parents": parents,
                "others": others,
                "none": none,
                "others_open": bool(bound.errors) or any(e["option"].data["selected"] for e in others),
            }
        )
    return rows


@require_http_methods(["GET", "POST"])
def assessment_edit(request, family_id, assessment_id):
    family, access = _team(request, family_id)
    assessment = _assessment(family, assessment_id)
    if not access.can_write_assessment:
        raise PermissionDenied
    if assessment.status not in services.EDITABLE:
        # With the manager or authorised: the assessment page says which, and nothing is editable.
        return redirect(_assessment_url(assessment))
    keys = services.editable_section_keys(access, assessment)
    infos = read.child_factors(access.disclosure, assessment)
    conflict = None
    restored = False
    version = assessment.version
    data = form_data(request)
    if request.method == "POST":
        form = AssessmentForm(data, assessment=assessment, section_keys=keys)
        version = request.POST.get("version", "")
        if form.is_valid():
            try:
                services.assessment_save(
                    actor=request.user,
                    assessment=assessment,
                    base_version=version,
                    texts=form.texts(),
                    factors=form.factors(),
                    request=request,
                )
            except VersionConflict as stale:
                conflict = _with_labels(stale, form)
                version = stale.current_version
            except ValidationError as refused:
                add_service_errors(form, refused)
            else:
                draft_discard(actor=request.user, record_type="assessment", record_id=assessment.pk)
                messages.success(request, "Assessment saved")
                return redirect(_assessment_url(assessment))
    else:
        names = [f.name for f in services.analysis_fields(assessment)] + keys
        saved = services.current_values(assessment, names)
        values, restored = with_draft(saved, draft_for(request.user, "assessment", assessment.pk), names)
        for info in infos:
            values[f"factors_{info.n}"] = (
                info.confirmed if info.confirmed is not None else [p[0] for p in info.proposed]
            )
        form = AssessmentForm(data, initial=values, assessment=assessment, section_keys=keys)
    _audit_view(request, assessment, family, _subject_ids(assessment), page="edit")
    context = {
        "family": family,
        "assessment": assessment,
        "form": form,
        "version": version,
        "conflict": conflict,
        "restored": restored,
        "factor_rows": _factor_rows(
            form, infos, {str(pk) for pk in read.open_assessments([i.id for i in infos])}
        ),
        "compiled_rows": [
            (s, form[s.key] if s.key in form.section_names else None)
            for s in read.shown_sections(access.disclosure, assessment.compiled.get("sections"))
        ],
        "autosave_url": autosave_url(family, "assessment", assessment.pk),
    }
    return render(request, "workbook/assessment_edit.html", context)


def _detail_context(access, assessment, *, compiled, analysis, factors) -> dict:
    fields = services.analysis_fields(assessment)
    return {
        "analysis": [(f, (analysis.get(f.name) or "").strip()) for f in fields],
        "factor_infos": read.child_factors(access.disclosure, assessment, factors),
        "sections": read.shown_sections(access.disclosure, compiled.get("sections")),
    }


@require_GET
def assessment_detail(request, family_id, assessment_id):
    family, access = _team(request, family_id)
    assessment = _assessment(family, assessment_id)
    editable = assessment.status in services.EDITABLE
    context = {
        "family": family,
        "assessment": assessment,
        **_detail_context(
            access,
            assessment,
            compiled=assessment.compiled,
            analysis=assessment.analysis,
            factors=assessment.factors,
        ),
        "versions": read.versions_of(assessment),
        "can_edit": editable and access.can_write_assessment,
        "can_authorise": access.can_authorise(assessment),
        "is_integrated": assessment.kind == Kind.INTEGRATED,
    }
    _audit_view(request, assessment, family, _subject_ids(assessment), page="assessment")
    return render(request, "workbook/assessment_detail.html", context)


@require_GET
def assessment_version(request, family_id, assessment_id, number):
    family, access = _team(request, family_id)
    assessment = _assessment(family, assessment_id)
    version = (
        AssessmentVersion.objects.filter(assessment=assessment, number=number).select_related("by").first()
    )
    if version is None:
        raise Http404("No such version")
    context = {
        "family": family,
        "assessment": assessment,
        "version": version,
        **_detail_context(
            access, assessment, compiled=version.compiled, analysis=version.analysis, factors=version.factors
        ),
        "is_integrated": assessment.kind == Kind.INTEGRATED,
    }
    _audit_view(request, assessment, family, _subject_ids(assessment), page="version", version=number)
    return render(request, "workbook/assessment_version.html", context)


def _problem_links(assessment, problems: dict) -> list[tuple[str, str]]:
    """Each thing to do before sending, linked to its box on the edit page."""
    edit = reverse("workbook:assessment-edit", args=[assessment.family_id, assessment.pk])
    links = []
    for name, message in problems.items():
        text = " ".join(message) if isinstance(message, list) else str(message)
        if name.startswith("factors_"):
            links.append((f"{edit}#{name}", text))
        elif name and name != NON_FIELD_ERRORS:
            links.append((f"{edit}#id_{name}", text))
        else:
            links.append((edit, text))
    return links


@require_http_methods(["GET", "POST"])
def assessment_send(request, family_id, assessment_id):
    family, access = _team(request, family_id)
    assessment = _assessment(family, assessment_id)
    if not access.can_write_assessment:
        raise PermissionDenied
    if assessment.status not in services.EDITABLE:
        return redirect(_assessment_url(assessment))
    problems = {}
    if request.method == "POST":
        try:
            services.assessment_send(actor=request.user, assessment=assessment, request=request)
        except ValidationError as refused:
            problems = refused.message_dict if hasattr(refused, "error_dict") else {"": refused.messages}
        else:
            manager = access.disclosure.team_manager
            to = manager.display_name if manager else "the team manager"
            messages.success(request, f"Assessment sent to {to} for authorisation")
            return redirect(_assessment_url(assessment))
    else:
        problems = services.send_problems(assessment)
    plan = services.authorisation_plan(assessment)
    _audit_view(request, assessment, family, _subject_ids(assessment), page="send")
    context = {
        "family": family,
        "assessment": assessment,
        "problems": _problem_links(assessment, problems),
        "refused": request.method == "POST",
        "plan": plan,
        "manager": access.disclosure.team_manager,
    }
    return render(request, "workbook/assessment_send.html", context)


@require_http_methods(["GET", "POST"])
def assessment_return(request, family_id, assessment_id):
    family, access = _team(request, family_id)
    assessment = _assessment(family, assessment_id)
    if not access.can_authorise(assessment):
        raise PermissionDenied
    form = ReturnForm(form_data(request))
    if request.method == "POST" and form.is_valid():
        try:
            services.assessment_return(
                actor=request.user,
                assessment=assessment,
                comments=form.cleaned_data["comments"],
                request=request,
            )
        except ValidationError as refused:
            add_service_errors(form, refused)
        else:
            messages.success(
                request, f"Assessment returned to {assessment.written_by.display_name} with your comments"
            )
            return redirect(_assessment_url(assessment))
    _audit_view(request, assessment, family, _subject_ids(assessment), page="return")
    return render(
        request, "workbook/assessment_return.html", {"family": family, "assessment": assessment, "form": form}
    )


@require_http_methods(["GET", "POST"])
def assessment_authorise(request, family_id, assessment_id):
    family, access = _team(request, family_id)
    assessment = _assessment(family, assessment_id)
    if not access.can_authorise(assessment):
        raise PermissionDenied
    today = timezone.localdate()
    error = []
    if request.method == "POST":
        try:
            plan = services.assessment_authorise(
                actor=request.user, assessment=assessment, today=today, request=request
            )
        except ValidationError as refused:
            error = refused.messages
        else:
            done = [item.child.first_name for item in plan if item.assessment is not None]
            text = "Assessment authorised."
            if done:
                text += f" Statutory assessment completed for {', '.join(done)}."
            messages.success(request, text)
            return redirect(_assessment_url(assessment))
    _audit_view(request, assessment, family, _subject_ids(assessment), page="authorise")
    context = {
        "family": family,
        "assessment": assessment,
        "plan": services.authorisation_plan(assessment),
        "today": today,
        "error": error,
    }
    return render(request, "workbook/assessment_authorise.html", context)


# ---- the programme of work with parents -------------------------------------------------------------------


@require_GET
def module_programme(request, family_id):
    family, access = _team(request, family_id)
    _children, adults = read.current_members(family)
    rows = read.programme(family, adults)
    _audit_view(request, family, family, [a.pk for a in adults], page="modules")
    return render(
        request,
        "workbook/module_programme.html",
        {"family": family, "programme": rows, "modules": len(rows[0].rows) if rows else 0},
    )


def _parent_and_module(family, person_id, module_id):
    member = (
        FamilyMember.objects.filter(
            family=family,
            person_id=person_id,
            member_type=FamilyMember.MemberType.ADULT,
            left_on__isnull=True,
        )
        .select_related("person")
        .first()
    )
    module = ParentingModule.objects.filter(pk=module_id).first()
    if member is None or module is None:
        raise Http404("No such module work")
    return member.person, module


@require_http_methods(["GET", "POST"])
def module_work(request, family_id, person_id, module_id):
    family, access = _team(request, family_id)
    parent, module = _parent_and_module(family, person_id, module_id)
    work = module_services.module_work_find(family, parent, module)
    saved = None if work._state.adding else work
    if saved is None and not module.active:
        raise Http404("No such module work")
    readable = module_services.module_work_readable(access, work)
    writable = module_services.module_work_writable(access, work)
    if request.method == "POST" and not writable:
        raise PermissionDenied
    sessions = list(read.module_sessions(family, parent, module))
    state = read.effective_state(saved, len(sessions))
    conflict = None
    restored = False
    version = work.version
    form = None
    if writable:
        data = form_data(request)
        if request.method == "POST":
            form = ModuleWorkForm(data)
            version = request.POST.get("version", "")
            if form.is_valid():
                try:
                    module_services.module_work_save(
                        actor=request.user,
                        family=family,
                        parent=parent,
                        module=module,
                        base_version=version,
                        values=form.cleaned_data,
                        today=timezone.localdate(),
                        request=request,
                    )
                except VersionConflict as stale:
                    conflict = _with_labels(stale, form)
                    version = stale.current_version
                except ValidationError as refused:
                    add_service_errors(form, refused)
                else:
                    draft_discard(actor=request.user, record_type="module-work", record_id=work.pk)
                    messages.success(request, f"{module.name}: work with {parent.full_name} saved")
                    return redirect("workbook:module-work", family.pk, parent.pk, module.pk)
        else:
            texts = {name: getattr(work, name) for name in ModuleWorkForm.text_names}
            draft = draft_for(request.user, "module-work", work.pk)
            values, restored = with_draft(texts, draft, ModuleWorkForm.text_names)
            form = ModuleWorkForm(data, initial={**values, "state": state})
    _audit_view(request, saved or family, family, [parent.pk], page="module work", module=module.name)
    context = {
        "family": family,
        "parent": parent,
        "module": module,
        "work": work,
        "state": state,
        "state_label": ModuleWork.State(state).label,
        "readable": readable,
        "disclosure": access.disclosure.for_record(work.sensitivity, parent.pk),
        "form": form,
        "version": version,
        "conflict": conflict,
        "restored": restored,
        "sessions": [(s, access.disclosure.for_record(s.sensitivity, parent.pk)) for s in sessions],
        "autosave_url": autosave_url(family, "module-work", work.pk) if writable else "",
    }
    return render(request, "workbook/module_work.html", context)


urlpatterns = [
    path("families/<uuid:family_id>/workbook/assessments/", assessment_list, name="assessments"),
    path(
        "families/<uuid:family_id>/workbook/assessments/compile/<slug:kind>/",
        assessment_compile,
        name="assessment-compile",
    ),
    path(
        "families/<uuid:family_id>/workbook/assessments/<uuid:assessment_id>/",
        assessment_detail,
        name="assessment",
    ),
    path(
        "families/<uuid:family_id>/workbook/assessments/<uuid:assessment_id>/edit/",
        assessment_edit,
        name="assessment-edit",
    ),
    path(
        "families/<uuid:family_id>/workbook/assessments/<uuid:assessment_id>/send/",
        assessment_send,
        name="assessment-send",
    ),
    path(
        "families/<uuid:family_id>/workbook/assessments/<uuid:assessment_id>/return/",
        assessment_return,
        name="assessment-return",
    ),
    path(
        "families/<uuid:family_id>/workbook/assessments/<uuid:assessment_id>/authorise/",
        assessment_authorise,
        name="assessment-authorise",
    ),
    path(
        "families/<uuid:family_id>/workbook/assessments/<uuid:assessment_id>/versions/<int:number>/",
        assessment_version,
        name="assessment-version",
    ),
    path("families/<uuid:family_id>/workbook/modules/", module_programme, name="modules"),
    path(
        "families/<uuid:family_id>/workbook/modules/<uuid:person_id>/<uuid:module_id>/",
        module_work,
        name="module-work",
    ),
]
