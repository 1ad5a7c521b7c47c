"""The Workbook page, a cycle's chapters, writing and sharing a chapter, addenda, closing a cycle by hand,
and the autosave endpoint every long-text form of the Workbook saves its drafts to."""

from __future__ import annotations

import inspect

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, JsonResponse
from django.shortcuts import redirect, render
from django.urls import path
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST

from safeguarding.access.policies import access_family
from safeguarding.audit.services import Action, audit_record
from safeguarding.core.forms import add_service_errors, form_data

from .. import drafts
from ..forms.workbooks import AddendumForm, ChapterForm, CycleCloseForm, prompts_for
from ..models import CHAPTER_SECTIONS, Chapter, Cycle, Workbook
from ..policies import WorkbookAccess
from ..prefill import last_time_you_said
from ..selectors import workbooks as selectors
from ..services import chapters as services
from ..services.workbooks import cycle_close, workbook_ensure


def _team_access(request, family_id, *, audit_view=True):
    """The family (audited view) and the user's Workbook access; 403 for someone who may open the family
    but is not in its team (business support, emergency access)."""
    family = access_family(request.user, family_id, request=request, audit_view=audit_view)
    access = WorkbookAccess(request.user, family)
    if not access.can_view:
        raise PermissionDenied
    return family, access


@require_http_methods(["GET"])
def workbook_home(request, family_id):
    family, access = _team_access(request, family_id)
    workbook = Workbook.objects.filter(family=family).first()
    if workbook is None and access.disclosure.current_allocations:
        # A family with allocated workers has a Workbook: it opens the first time its team opens it.
        workbook, _cycle = workbook_ensure(family=family, actor=request.user, today=timezone.localdate())
    context = {"family": family, "access": access, "workbook": workbook}
    if workbook is not None:
        context.update(selectors.workbook_page(access, workbook))
    return render(request, "workbook/workbook.html", context)


def _cycle_or_404(family, number) -> Cycle:
    cycle = Cycle.objects.filter(workbook__family=family, number=number).select_related("closed_by").first()
    if cycle is None:
        raise Http404("No cycle found")
    return cycle


@require_http_methods(["GET"])
def cycle_detail(request, family_id, number):
    family, access = _team_access(request, family_id, audit_view=False)
    cycle = _cycle_or_404(family, number)
    chapters = selectors.cycle_chapters(access, cycle)
    audit_record(
        actor=request.user,
        action=Action.VIEW,
        obj=cycle,
        family_id=family.pk,
        families=[family.pk],
        people=sorted({p.about_person_id for c in chapters for p in c.parts.all() if p.about_person_id}),
        request=request,
        detail={"cycle": cycle.number, "chapters": len(chapters)},
    )
    return render(
        request,
        "workbook/cycle.html",
        {
            "family": family,
            "access": access,
            "cycle": cycle,
            "chapters": chapters,
            "sections": CHAPTER_SECTIONS,
        },
    )


@require_POST
def chapter_start(request, family_id):
    family, access = _team_access(request, family_id, audit_view=False)
    if not access.can_write_chapter:
        raise PermissionDenied
    chapter = services.chapter_start(
        actor=request.user, family=family, today=timezone.localdate(), request=request
    )
    return redirect("workbook:chapter-edit", family_id=family.pk, chapter_id=chapter.pk)


def _chapter_or_404(family, chapter_id) -> Chapter:
    chapter = selectors.chapter_for_page(family, chapter_id)
    if chapter is None:
        raise Http404("No chapter found")
    return chapter


def _audit_chapter_view(request, family, chapter, **detail):
    audit_record(
        actor=request.user,
        action=Action.VIEW,
        obj=chapter,
        family_id=family.pk,
        families=[family.pk],
        people=[p.about_person_id for p in chapter.parts.all() if p.about_person_id],
        request=request,
        detail={"cycle": chapter.cycle.number, **detail},
    )


@require_http_methods(["GET"])
def chapter_detail(request, family_id, chapter_id):
    family, access = _team_access(request, family_id, audit_view=False)
    chapter = _chapter_or_404(family, chapter_id)
    if not access.chapter_readable(chapter):
        raise Http404("No chapter found")
    selectors.disclose_chapter(access, chapter)
    _audit_chapter_view(request, family, chapter)
    return render(
        request,
        "workbook/chapter.html",
        {
            "family": family,
            "access": access,
            "chapter": chapter,
            "sections": CHAPTER_SECTIONS,
            "is_author": chapter.author_id == request.user.pk,
        },
    )


@require_http_methods(["GET", "POST"])
def chapter_edit(request, family_id, chapter_id):
    family, access = _team_access(request, family_id, audit_view=False)
    chapter = _chapter_or_404(family, chapter_id)
    if chapter.author_id != request.user.pk:
        raise PermissionDenied
    if chapter.cycle.closed_on is not None:
        messages.info(request, "This cycle has closed, so your chapter is locked. You can add an addendum.")
        return redirect("workbook:chapter-detail", family_id=family.pk, chapter_id=chapter.pk)
    saved = {
        services.part_field(p, s): getattr(p, s) for p in chapter.parts.all() for s, _ in CHAPTER_SECTIONS
    }
    conflict = None
    restored = False
    if request.method == "POST":
        form = ChapterForm(request.POST, chapter=chapter)
        if form.is_valid():
            values = {name: form.cleaned_data.get(name, "") for name in saved}
            try:
                services.chapter_save(
                    actor=request.user,
                    family=family,
                    chapter=chapter,
                    values=values,
                    base_version=form.cleaned_data["version"],
                    share="share" in request.POST,
                    today=timezone.localdate(),
                    request=request,
                )
            except drafts.VersionConflict as found:
                conflict = found
                data = request.POST.copy()
                data["version"] = str(found.current_version)
                form = ChapterForm(data, chapter=chapter)
                form.is_valid()
                conflict.labels = {
                    services.part_field(part, section): f"{label}, about "
                    + (part.about_person.full_name if part.about_person else "the family")
                    for part in chapter.parts.all()
                    for section, label in CHAPTER_SECTIONS
                }
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                shared = "share" in request.POST
                messages.success(
                    request,
                    "Your chapter is saved and shared with the team" if shared else "Your chapter is saved",
                )
                return redirect("workbook:chapter-detail", family_id=family.pk, chapter_id=chapter.pk)
    else:
        draft = drafts.draft_for(request.user, services.CHAPTER_DRAFT_TYPE, chapter.pk)
        initial, restored = drafts.with_draft(saved, draft, list(saved))
        initial["version"] = chapter.version
        form = ChapterForm(form_data(request), initial=initial, chapter=chapter)
        _audit_chapter_view(request, family, chapter, editing=True)
    return render(
        request,
        "workbook/chapter_form.html",
        {
            "family": family,
            "chapter": chapter,
            "form": form,
            "conflict": conflict,
            "restored": restored,
            "last_time": last_time_you_said(chapter),
            "prompts": prompts_for(chapter.case_role),
        },
    )


@require_http_methods(["GET", "POST"])
def chapter_addendum(request, family_id, chapter_id):
    family, access = _team_access(request, family_id, audit_view=False)
    chapter = _chapter_or_404(family, chapter_id)
    if chapter.author_id != request.user.pk:
        raise PermissionDenied
    if chapter.cycle.closed_on is None:
        return redirect("workbook:chapter-edit", family_id=family.pk, chapter_id=chapter.pk)
    form = AddendumForm(form_data(request), chapter=chapter)
    if request.method == "POST" and form.is_valid():
        part = next(p for p in chapter.parts.all() if str(p.pk) == form.cleaned_data["part"])
        try:
            services.chapter_addendum_add(
                actor=request.user,
                family=family,
                chapter=chapter,
                part=part,
                text=form.cleaned_data["text"],
                reason=form.cleaned_data["reason"],
                request=request,
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, "Addendum added. The chapter's original text is kept as it was")
            return redirect("workbook:chapter-detail", family_id=family.pk, chapter_id=chapter.pk)
    return render(
        request, "workbook/addendum_form.html", {"family": family, "chapter": chapter, "form": form}
    )


@require_http_methods(["GET", "POST"])
def cycle_close_view(request, family_id):
    family, access = _team_access(request, family_id, audit_view=False)
    if not access.can_close_cycle:
        raise PermissionDenied
    _workbook, cycle = workbook_ensure(family=family, actor=request.user, today=timezone.localdate())
    form = CycleCloseForm(form_data(request))
    if request.method == "POST" and form.is_valid():
        try:
            closed, _next = cycle_close(
                actor=request.user,
                family=family,
                closed_on=form.cleaned_data["closed_on"],
                note=form.cleaned_data["note"],
                today=timezone.localdate(),
                request=request,
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, f"Cycle {closed.number} closed. Its chapters are locked")
            return redirect("workbook:workbook", family_id=family.pk)
    return render(request, "workbook/cycle_close.html", {"family": family, "cycle": cycle, "form": form})


def _draft_fields(target: drafts.DraftTarget, record) -> list[str]:
    # A target lists its fields for one record (a chapter's depend on its parts) or for every record.
    fields = target.fields
    return list(fields(record) if inspect.signature(fields).parameters else fields())


@require_POST
def draft_save(request, family_id, record_type, record_id):
    """Autosave: keep what is typed in a long-text form as the user's draft. Answers JSON for the script."""
    family = access_family(request.user, family_id, request=request, audit_view=False)
    target = drafts.target(record_type)
    record = target.writable(request.user, family, record_id) if target else None
    if record is None:
        raise Http404("No record found")
    names = _draft_fields(target, record)
    draft = drafts.draft_save(
        actor=request.user,
        family=family,
        record_type=record_type,
        record_id=record.pk,
        fields={name: request.POST[name] for name in names if name in request.POST},
        base_version=request.POST.get("version"),
        request=request,
    )
    saved_at = timezone.localtime(draft.updated_at)
    return JsonResponse({"saved_at": f"{saved_at:%H:%M}", "saved_at_iso": saved_at.isoformat()})


# A background save: the session middleware answers it 401 after a time-out instead of keeping it.
draft_save.autosave_endpoint = True

FAMILY = "families/<uuid:family_id>/workbook/"
urlpatterns = [
    path(FAMILY, workbook_home, name="workbook"),
    path(FAMILY + "cycles/<int:number>/", cycle_detail, name="cycle"),
    path(FAMILY + "close-cycle/", cycle_close_view, name="cycle-close"),
    path(FAMILY + "chapters/start/", chapter_start, name="chapter-start"),
    path(FAMILY + "chapters/<uuid:chapter_id>/", chapter_detail, name="chapter-detail"),
    path(FAMILY + "chapters/<uuid:chapter_id>/edit/", chapter_edit, name="chapter-edit"),
    path(FAMILY + "chapters/<uuid:chapter_id>/addendum/", chapter_addendum, name="chapter-addendum"),
    path(FAMILY + "drafts/<slug:record_type>/<uuid:record_id>/", draft_save, name="draft-save"),
]
