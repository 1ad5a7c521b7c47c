"""A worker's chapter: started pre-filled, saved (never over someone else's save), shared, and after the
cycle closes changed only by an addendum with a reason."""

from __future__ import annotations

import datetime

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from safeguarding.allocation.models import ADULT_PRACTITIONER_CASE_ROLES, Allocation
from safeguarding.audit.services import Action, audit_record
from safeguarding.core.locks import for_update

from .. import drafts, signals
from ..models import SECTION_FIELDS, Chapter, ChapterAddendum, ChapterPart, Cycle
from ..prefill import chapter_prefill
from .workbooks import workbook_ensure

CHAPTER_DRAFT_TYPE = "chapter"


def part_field(part: ChapterPart, section: str) -> str:
    """The form field name of one section of one part."""
    return f"part-{part.pk}-{section}"


def chapter_field_names(chapter: Chapter) -> list[str]:
    return [part_field(part, section) for part in chapter.parts.all() for section in SECTION_FIELDS]


def _subjects(chapter: Chapter, family) -> list:
    return [part.about_person_id for part in chapter.parts.all() if part.about_person_id]


@transaction.atomic
def chapter_start(*, actor, family, today: datetime.date | None = None, request=None) -> Chapter:
    """Start the worker's chapter for the family's open cycle, pre-filled with what the system holds.

    An adult practitioner writes a part about each adult they work with (special-category data about
    that adult); everyone else writes one part about the family."""
    today = today or timezone.localdate()
    allocation = (
        Allocation.objects.current()
        .filter(family=family, worker=actor)
        .prefetch_related("works_with")
        .first()
    )
    if allocation is None:
        raise ValidationError("Only workers allocated to the family write a chapter in its Workbook")
    _workbook, cycle = workbook_ensure(family=family, actor=actor, today=today)
    existing = Chapter.objects.filter(cycle=cycle, author=actor).first()
    if existing is not None:
        return existing
    adult_roles = allocation.case_role in ADULT_PRACTITIONER_CASE_ROLES
    adults = list(allocation.works_with.all()) if adult_roles else []
    try:
        with transaction.atomic():
            chapter = Chapter.objects.create(cycle=cycle, author=actor, case_role=allocation.case_role)
    except IntegrityError:
        # The same worker started it in another tab a moment ago.
        return Chapter.objects.get(cycle=cycle, author=actor)
    about = adults or [None]
    prefills = chapter_prefill(family=family, cycle=cycle, author=actor, about=about)
    for person in about:
        ChapterPart.objects.create(
            chapter=chapter,
            about_person=person,
            sensitivity="adult_special" if person is not None else "ordinary",
            **prefills.get(person.pk if person else None, {}),
        )
    audit_record(
        actor=actor,
        action=Action.CREATE,
        obj=chapter,
        family_id=family.pk,
        families=[family.pk],
        people=[p.pk for p in adults],
        request=request,
        detail={"cycle": cycle.number, "case_role": allocation.case_role, "parts": len(about)},
    )
    return chapter


def _locked_message(chapter: Chapter) -> str:
    return (
        f"Cycle {chapter.cycle.number} closed on {chapter.cycle.closed_on:%-d %B %Y}, so its chapters are "
        "locked. Add an addendum with your reason instead"
    )


@transaction.atomic
def chapter_save(
    *,
    actor,
    family,
    chapter: Chapter,
    values: dict,
    base_version,
    share: bool = False,
    today: datetime.date | None = None,
    request=None,
) -> Chapter:
    """Save the author's chapter text; with `share`, make it readable by the team.

    Refused (VersionConflict, with both texts) if it was saved elsewhere since the form was opened: two
    tabs or two devices never silently overwrite each other."""
    today = today or timezone.localdate()
    chapter = for_update(Chapter.objects).select_related("cycle").get(pk=chapter.pk)
    if chapter.author_id != actor.pk:
        raise ValidationError("Only the chapter's author can change it")
    if chapter.cycle.closed_on is not None:
        raise ValidationError(_locked_message(chapter))
    parts = list(chapter.parts.all())
    theirs = {part_field(p, s): getattr(p, s) for p in parts for s in SECTION_FIELDS}
    yours = {name: (values.get(name, theirs[name]) or "") for name in theirs}
    drafts.check_version(chapter, base_version, theirs=theirs, yours=yours, saved_by=actor.display_name)
    errors = {}
    for name, text in yours.items():
        if len(text) > 10000:
            errors[name] = "Each section must be 10,000 characters or fewer"
    if errors:
        raise ValidationError(errors)
    changed = []
    for part in parts:
        dirty = False
        for section in SECTION_FIELDS:
            text = yours[part_field(part, section)].strip()
            if text != getattr(part, section):
                setattr(part, section, text)
                dirty = True
                changed.append(part_field(part, section))
        if dirty:
            part.save()
    newly_shared = share and chapter.state != Chapter.State.SHARED
    if newly_shared:
        if all(part.is_empty for part in parts):
            raise ValidationError("Write at least one section before you share your chapter")
        chapter.state = Chapter.State.SHARED
        chapter.shared_on = today
    chapter.version += 1
    chapter.save()
    if newly_shared:
        signals.chapter_shared.send(sender=Chapter, chapter=chapter, family=family)
    drafts.draft_discard(actor=actor, record_type=CHAPTER_DRAFT_TYPE, record_id=chapter.pk)
    audit_record(
        actor=actor,
        action=Action.CHANGE,
        obj=chapter,
        family_id=family.pk,
        families=[family.pk],
        people=_subjects(chapter, family),
        request=request,
        detail={
            "cycle": chapter.cycle.number,
            "sections_changed": len(changed),
            "shared": chapter.state == Chapter.State.SHARED,
            "version": chapter.version,
        },
    )
    return chapter


@transaction.atomic
def chapter_addendum_add(
    *, actor, family, chapter: Chapter, part: ChapterPart, text: str, reason: str, request=None
) -> ChapterAddendum:
    """Add to a locked chapter. The original text stays exactly as the team read it at supervision."""
    chapter = for_update(Chapter.objects).select_related("cycle").get(pk=chapter.pk)
    if chapter.author_id != actor.pk:
        raise ValidationError("Only the chapter's author can add an addendum to it")
    if chapter.cycle.closed_on is None:
        raise ValidationError("This chapter's cycle is still open: change the chapter itself")
    if part.chapter_id != chapter.pk:
        raise ValidationError({"part": "Select which part of your chapter the addendum is about"})
    text = (text or "").strip()
    reason = (reason or "").strip()
    errors = {}
    if not text:
        errors["text"] = "Enter the addendum"
    elif len(text) > 10000:
        errors["text"] = "The addendum must be 10,000 characters or fewer"
    if not reason:
        errors["reason"] = "Enter why you are adding to the chapter after its cycle closed"
    elif len(reason) > 500:
        errors["reason"] = "The reason must be 500 characters or fewer"
    if errors:
        raise ValidationError(errors)
    addendum = ChapterAddendum.objects.create(
        chapter=chapter, part=part, text=text, reason=reason, written_by=actor
    )
    audit_record(
        actor=actor,
        action=Action.CREATE,
        obj=addendum,
        family_id=family.pk,
        families=[family.pk],
        people=[part.about_person_id] if part.about_person_id else [],
        request=request,
        detail={"chapter": str(chapter.pk), "cycle": chapter.cycle.number, "reason": reason},
    )
    return addendum


def chapter_writable(user, family, record_id) -> Chapter | None:
    """The autosave endpoint's check: the user's own chapter, in this family, in an open cycle."""
    return (
        Chapter.objects.filter(
            pk=record_id,
            author=user,
            cycle__workbook__family=family,
            cycle__closed_on__isnull=True,
        )
        .prefetch_related("parts")
        .first()
    )


def open_cycle(family) -> Cycle | None:
    return Cycle.objects.filter(workbook__family=family, closed_on__isnull=True).first()
