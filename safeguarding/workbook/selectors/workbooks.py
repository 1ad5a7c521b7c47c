"""Reads for the Workbook page, a cycle's chapters and one chapter, in a fixed number of queries whatever
the number of cycles, chapters and sessions."""

from __future__ import annotations

import functools

from django.db import connection
from django.db.models import Count, OuterRef, Prefetch, Q, Subquery

from safeguarding.allocation.models import CaseRole
from safeguarding.core.compiled import CompiledModels, compile_models

from ..models import Chapter, ChapterAddendum, ChapterPart, Cycle, Workbook
from ..policies import WorkbookAccess

# Social work roles first, as the team reads the Workbook at supervision: the lead's chapter, then the
# other council workers, then the adults' practitioners.
ROLE_ORDER = {role: index for index, role in enumerate(CaseRole.values)}


def _parts_prefetch():
    return Prefetch(
        "parts",
        queryset=ChapterPart.objects.select_related("about_person").prefetch_related(
            Prefetch("addenda", queryset=ChapterAddendum.objects.select_related("written_by"))
        ),
    )


def disclose_chapter(access: WorkbookAccess, chapter: Chapter) -> None:
    """Mark each part shown or withheld (with who to ask) for this reader."""
    for part in chapter.parts.all():
        part.disclosure = access.part_disclosure(part)


def workbook_page(access: WorkbookAccess, workbook: Workbook) -> dict:
    """The current cycle with every allocated worker's chapter state, and the earlier cycles."""
    cycles = list(
        Cycle.objects.filter(workbook=workbook)
        .annotate(
            shared_chapters=Count("chapters", filter=Q(chapters__state=Chapter.State.SHARED)),
            all_chapters=Count("chapters"),
        )
        .select_related("closed_by")
        .order_by("-number")
    )
    current = next((c for c in cycles if c.closed_on is None), None)
    chapters = (
        {c.author_id: c for c in Chapter.objects.filter(cycle=current).select_related("author")}
        if current
        else {}
    )
    rows = []
    for allocation in sorted(
        access.disclosure.current_allocations, key=lambda a: (ROLE_ORDER.get(a.case_role, 99), a.start_date)
    ):
        chapter = chapters.pop(allocation.worker_id, None)
        rows.append(_chapter_row(access, allocation.worker, allocation.get_case_role_display(), chapter))
    # Chapters by workers whose allocation has since ended stay in the cycle.
    for chapter in chapters.values():
        rows.append(
            _chapter_row(
                access,
                chapter.author,
                CaseRole(chapter.case_role).label
                if chapter.case_role in CaseRole.values
                else chapter.case_role,
                chapter,
            )
        )
    return {
        "workbook": workbook,
        "current_cycle": current,
        "chapter_rows": rows,
        "earlier_cycles": [c for c in cycles if c.closed_on is not None],
        "own_chapter": next((r["chapter"] for r in rows if r["is_own"]), None),
    }


def _chapter_row(access, worker, role_label, chapter) -> dict:
    if chapter is None:
        state = "Not started"
    else:
        state = chapter.get_state_display()
    return {
        "worker": worker,
        "role": role_label,
        "chapter": chapter,
        "state": state,
        "is_own": worker.pk == access.user.pk,
        "readable": chapter is not None and access.chapter_readable(chapter),
    }


def cycle_chapters(access: WorkbookAccess, cycle: Cycle) -> list[Chapter]:
    """A cycle's chapters the reader may read (shared, or their own), each part disclosed."""
    chapters = [
        chapter
        for chapter in Chapter.objects.filter(cycle=cycle)
        .select_related("author", "cycle")
        .prefetch_related(_parts_prefetch())
        if access.chapter_readable(chapter)
    ]
    chapters.sort(key=lambda c: (ROLE_ORDER.get(c.case_role, 99), c.created_at))
    for chapter in chapters:
        disclose_chapter(access, chapter)
    return chapters


def chapter_for_page(family, chapter_id) -> Chapter | None:
    return (
        Chapter.objects.filter(pk=chapter_id, cycle__workbook__family=family)
        .select_related("author", "cycle")
        .prefetch_related(_parts_prefetch())
        .first()
    )


@functools.lru_cache(maxsize=4)
def _compiled_panel(vendor: str) -> CompiledModels:
    """The panel's query compiled once (core.compiled), with the family and the reader put in on each run:
    building and compiling its count and subquery through the ORM cost more than running it, on every
    family page."""

    def build(ids, author_id):
        own_state = Chapter.objects.filter(cycle=OuterRef("pk"), author_id=author_id).values("state")[:1]
        return (
            Cycle.objects.filter(workbook__family_id=ids[0], closed_on__isnull=True)
            .annotate(
                shared_chapters=Count("chapters", filter=Q(chapters__state=Chapter.State.SHARED)),
                own_state=Subquery(own_state),
            )
            .order_by("pk")[:1]
        )

    return compile_models(build, 1, numbers=1)


def family_panel(access: WorkbookAccess, family) -> dict | None:
    """The family page's Workbook panel: the current cycle, how many chapters are shared and the state of
    the reader's own. One query."""
    cycle = next(
        iter(_compiled_panel(connection.vendor).queryset([family.pk], numbers=[access.user.pk])), None
    )
    own = None
    if cycle is not None and cycle.own_state:
        own = Chapter.State(cycle.own_state).label
    return {
        "family": family,
        "cycle": cycle,
        "workers": len(access.disclosure.current_allocations),
        "own_chapter_state": own,
        "can_write_chapter": access.can_write_chapter,
    }
