"""Reads for the assessments compiled from the Workbook and the programme of work with parents (issue #9
items 5 and 6).

Compiling reads what the team has already recorded, so that nothing is typed twice:

- each current child's statutory status, from the journey's records (open referral, assessment, child
  protection plan with its category, child in need plan, looked-after episode; never where a looked-after
  child is placed, which only the child's own workers see);
- each worker's chapter: the one they shared in the current cycle, or, if they have not shared one yet,
  their most recent shared chapter. Drafts are their authors' own and are never compiled. A part the
  compiler may not read (an adult practitioner's part about an adult, without a sharing basis) is left out
  with "Restricted" and who to ask;
- the family's significant events since the Workbook opened;
- for the parenting assessment, each parent's module analyses.

Every compiled section keeps the sensitivity and subject of what it was compiled from, so that each reader
of the assessment later sees what the access rules allow them (a section compiled from an adult's
special-category part stays special-category in the assessment). Each read costs a fixed number of
queries whatever the number of cycles, chapters, sessions and events.
"""

from __future__ import annotations

import datetime
import uuid
from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models import Count, OuterRef, Subquery

from safeguarding.access.models import Sensitivity
from safeguarding.access.policies import uuid_or_none
from safeguarding.allocation.models import CaseRole
from safeguarding.journey import codes
from safeguarding.journey import models as journey
from safeguarding.people.models import AdultDetail, FamilyMember

from ..drafts import DRAFT_FIELD_LIMIT
from ..models import (
    CHAPTER_SECTIONS,
    AssessmentVersion,
    Chapter,
    FamilyAssessment,
    ModuleWork,
    ParentingModule,
    Session,
    SignificantEvent,
)

# A compiled section is one box on the assessment form, autosaved as a draft: it is kept within what a
# draft holds, so a restored draft never cuts a section short.
SECTION_LIMIT = DRAFT_FIELD_LIMIT
SHORTENED = "\n\n[Shortened here: the full text is in the Workbook.]"
# The most recent significant events compiled; earlier ones are on the family's chronology.
EVENTS_COMPILED = 40
# Form field names are numbered (life_1, section_1, ...): these bound them (drafts.DraftTarget.fields).
MAX_CHILDREN = 30
MAX_PARENTS = 12
MAX_SECTIONS = 150

ROLE_ORDER = {role: position for position, role in enumerate(CaseRole.values)}

# What an adult practitioner's work, an adult's recorded detail or a significant event suggests about the
# children's CIN census factors (codes.ASSESSMENT_FACTORS). The B codes: the problem is a parent's or
# carer's, which is what Family Safeguarding's adult practitioners work on. 3B is domestic abuse with a
# parent or carer as its subject, victim or perpetrator alike, so both DA practitioners propose it. A
# recovery worker works on drugs and alcohol alike, and neither an allocation nor a relapse says which: both
# 1B and 2B are proposed, and the social worker unticks what does not apply (NOTES says so on the form).
ROLE_FACTORS: dict[str, tuple[str, ...]] = {
    CaseRole.DA_VICTIM_PRACTITIONER: ("3B",),
    CaseRole.DA_PERPETRATOR_PRACTITIONER: ("3B",),
    CaseRole.RECOVERY_WORKER: ("1B", "2B"),
    CaseRole.MENTAL_HEALTH_PRACTITIONER: ("4B",),
}
TOPIC_FACTORS: dict[str, tuple[str, ...]] = {
    AdultDetail.Topic.DOMESTIC_ABUSE: ("3B",),
    AdultDetail.Topic.SUBSTANCE_USE: ("1B", "2B"),
    AdultDetail.Topic.MENTAL_HEALTH: ("4B",),
}
EVENT_FACTORS: dict[str, tuple[str, ...]] = {
    SignificantEvent.Kind.POLICE_DA: ("3B",),
    SignificantEvent.Kind.RELAPSE: ("1B", "2B"),
    SignificantEvent.Kind.MENTAL_HEALTH_CRISIS: ("4B",),
}
SUBSTANCE_NOTE = (
    "The records say drugs or alcohol without saying which: both are proposed. Untick what does not apply."
)
NOTES = {"1B": SUBSTANCE_NOTE, "2B": SUBSTANCE_NOTE}


def day(value: datetime.date | None) -> str:
    return f"{value:%-d %B %Y}" if value else ""


def lower_first(text: str) -> str:
    return text[:1].lower() + text[1:]


def role_label(case_role: str) -> str:
    try:
        return CaseRole(case_role).label
    except ValueError:
        return case_role.replace("_", " ").capitalize()


def _cut(text: str) -> str:
    if len(text) <= SECTION_LIMIT:
        return text
    return text[: SECTION_LIMIT - len(SHORTENED)] + SHORTENED


# ---- the family's people ---------------------------------------------------------------------------------


def current_members(family) -> tuple[list, list]:
    """The family's current children and adults (people), eldest first (one query)."""
    members = (
        FamilyMember.objects.filter(family=family, left_on__isnull=True)
        .select_related("person")
        .order_by("person__date_of_birth", "person__last_name", "person__first_name")
    )
    children, adults = [], []
    for member in members:
        (children if member.member_type == FamilyMember.MemberType.CHILD else adults).append(member.person)
    return children[:MAX_CHILDREN], adults[:MAX_PARENTS]


def open_assessments(child_ids) -> dict:
    """{child id: their statutory assessment waiting for authorisation}, the one the journey's
    assessment-authorisation step completes (the latest on an open referral), in one query."""
    found = {}
    for assessment in journey.Assessment.objects.filter(
        child_id__in=list(child_ids), episode__closure_date__isnull=True, authorised_on__isnull=True
    ).order_by("start_date", "created_at"):
        found[assessment.child_id] = assessment
    return found


# ---- compiling -----------------------------------------------------------------------------------------


def section(
    key_kind: str,
    heading: str,
    text: str,
    *,
    note: str = "",
    sensitivity=Sensitivity.ORDINARY,
    about=None,
    ask: str = "",
) -> dict:
    """One compiled section as stored in FamilyAssessment.compiled["sections"] (its key is set when the
    sections are numbered)."""
    return {
        "kind": key_kind,
        "heading": heading,
        "note": note,
        "text": _cut(text),
        "sensitivity": str(sensitivity),
        "about": str(about) if about else None,
        "ask": ask,
    }


def statutory_status(children) -> list[dict]:
    """A section per child: where their statutory journey stands now (five queries for any number)."""
    ids = [child.pk for child in children]
    episodes = {
        e.child_id: e for e in journey.EpisodeOfNeed.objects.filter(child_id__in=ids, closure_date=None)
    }
    waiting = open_assessments(ids)
    latest_done = {}
    for a in journey.Assessment.objects.filter(child_id__in=ids, authorised_on__isnull=False).order_by(
        "authorised_on"
    ):
        latest_done[a.child_id] = a
    cp_plans = {
        p.child_id: p for p in journey.ChildProtectionPlan.objects.filter(child_id__in=ids, end_date=None)
    }
    cin_plans = {
        p.child_id: p for p in journey.ChildInNeedPlan.objects.filter(child_id__in=ids, end_date=None)
    }
    looked_after = {
        e.child_id: e for e in journey.LookedAfterEpisode.objects.filter(child_id__in=ids, end_date=None)
    }
    sections = []
    for child in children:
        lines = []
        episode = episodes.get(child.pk)
        lines.append(f"Referral on {day(episode.referral_date)}, open." if episode else "No open referral.")
        if child.pk in waiting:
            lines.append(
                f"Child and family assessment started {day(waiting[child.pk].start_date)}, waiting for "
                "authorisation: authorising this assessment completes it."
            )
        elif child.pk in latest_done:
            done = latest_done[child.pk]
            factors = ", ".join(done.factors) or "none recorded"
            lines.append(f"Latest assessment authorised on {day(done.authorised_on)} (factors: {factors}).")
        else:
            lines.append("No child and family assessment recorded.")
        open_plans = False
        if child.pk in cp_plans:
            plan = cp_plans[child.pk]
            lines.append(
                f"Child protection plan since {day(plan.start_date)}, category: "
                f"{plan.get_latest_category_display().lower()}."
            )
            open_plans = True
        if child.pk in cin_plans:
            lines.append(f"Child in need plan since {day(cin_plans[child.pk].start_date)}.")
            open_plans = True
        if child.pk in looked_after:
            # The legal status only: where the child is placed is withheld from the parents' practitioners.
            episode = looked_after[child.pk]
            lines.append(
                f"Looked after since {day(episode.start_date)}, {episode.get_legal_status_display()}."
            )
            open_plans = True
        if not open_plans:
            lines.append("No child protection plan, child in need plan or looked-after episode open.")
        born = f"born {day(child.date_of_birth)}" if child.date_of_birth else "date of birth not recorded"
        sections.append(
            section(
                "children",
                f"{child.full_name}: statutory status",
                "\n".join(lines),
                note=born,
                about=child.pk,
            )
        )
    return sections


def chapters_to_compile(workbook) -> list[Chapter]:
    """Each worker's latest shared chapter (this cycle's if they have shared one), with its parts and
    addenda: three queries however many cycles the Workbook has."""
    latest = (
        Chapter.objects.filter(
            cycle__workbook=workbook, state=Chapter.State.SHARED, author_id=OuterRef("author_id")
        )
        .order_by("-cycle__number")
        .values("pk")[:1]
    )
    chapters = list(
        Chapter.objects.filter(cycle__workbook=workbook, state=Chapter.State.SHARED, pk=Subquery(latest))
        .select_related("author", "cycle")
        .prefetch_related("parts__about_person", "addenda")
    )
    chapters.sort(key=lambda c: (ROLE_ORDER.get(c.case_role, len(ROLE_ORDER)), c.author.display_name))
    return chapters


def _part_text(part, addenda) -> str:
    blocks = [
        f"{label}\n{getattr(part, key).strip()}"
        for key, label in CHAPTER_SECTIONS
        if getattr(part, key).strip()
    ]
    for addendum in addenda:
        blocks.append(f"Addendum ({addendum.reason.strip()})\n{addendum.text.strip()}")
    return "\n\n".join(blocks)


def chapter_sections(access, chapters, *, current_cycle) -> list[dict]:
    """A section per chapter part the compiler may read; a restricted one with who to ask instead."""
    sections = []
    for chapter in chapters:
        writer = f"{chapter.author.display_name}, {lower_first(role_label(chapter.case_role))}"
        cycle = chapter.cycle
        when = (
            f"Cycle {cycle.number}, shared {day(chapter.shared_on)}"
            if chapter.shared_on
            else f"Cycle {cycle.number}"
        )
        if current_cycle is not None and cycle.pk != current_cycle.pk:
            when += " (not yet shared this cycle)"
        addenda = defaultdict(list)
        for addendum in chapter.addenda.all():
            addenda[addendum.part_id].append(addendum)
        parts = sorted(chapter.parts.all(), key=lambda p: (p.about_person_id is not None, p.created_at))
        for part in parts:
            if part.is_empty and not addenda.get(part.pk):
                continue
            heading = (
                writer if part.about_person is None else f"{writer}: about {part.about_person.full_name}"
            )
            disclosure = access.part_disclosure(part)
            if not disclosure.visible:
                sections.append(
                    section(
                        "chapter",
                        heading,
                        "",
                        note=when,
                        sensitivity=part.sensitivity,
                        about=part.about_person_id,
                        ask=f"{disclosure.label}: {disclosure.ask}",
                    )
                )
                continue
            sections.append(
                section(
                    "chapter",
                    heading,
                    _part_text(part, addenda.get(part.pk, [])),
                    note=when,
                    sensitivity=part.sensitivity,
                    about=part.about_person_id,
                )
            )
    return sections


def events_since(family, since: datetime.date) -> tuple[list[SignificantEvent], int]:
    """The latest significant events since the Workbook opened (oldest first), and how many there are."""
    events = SignificantEvent.objects.filter(family=family, date__gte=since)
    total = events.count()
    latest = list(
        events.select_related("recorded_by")
        .prefetch_related("people")
        .order_by("-date", "-created_at")[:EVENTS_COMPILED]
    )
    latest.reverse()
    return latest, total


def events_section(events, total: int, since: datetime.date) -> dict:
    blocks = []
    if total > len(events):
        blocks.append(f"The latest {len(events)} of {total} events. The earlier ones are on the chronology.")
    for event in events:
        who = ", ".join(p.full_name for p in event.people.all())
        lines = [f"{day(event.date)}: {event.get_kind_display()} ({event.get_impact_display()})"]
        if who:
            lines.append(f"Who: {who}")
        lines.append(event.what_happened.strip())
        if event.impact_on_child.strip():
            lines.append(f"Impact on the children: {event.impact_on_child.strip()}")
        blocks.append("\n".join(lines))
    text = "\n\n".join(blocks) if events else "No significant events recorded."
    return section("events", "Significant events", text, note=f"Since the Workbook opened on {day(since)}")


def module_sections(access, family, adults) -> list[dict]:
    """A section per parent and module with the worker's analysis, in the programme's order."""
    works = (
        ModuleWork.objects.filter(family=family, parent__in=[a.pk for a in adults])
        .exclude(analysis="")
        .select_related("module", "parent", "updated_by")
        .order_by("module__order", "module__name")
    )
    by_parent = defaultdict(list)
    for work in works:
        by_parent[work.parent_id].append(work)
    sections = []
    for adult in adults:
        for work in by_parent.get(adult.pk, []):
            heading = f"{adult.full_name}: {work.module.name}"
            note = f"{work.get_state_display()}" + (
                f", last written by {work.updated_by.display_name}" if work.updated_by else ""
            )
            disclosure = access.disclosure.for_record(work.sensitivity, adult.pk)
            if not disclosure.visible:
                sections.append(
                    section(
                        "module",
                        heading,
                        "",
                        note=note,
                        sensitivity=work.sensitivity,
                        about=adult.pk,
                        ask=f"{disclosure.label}: {disclosure.ask}",
                    )
                )
                continue
            sections.append(
                section(
                    "module",
                    heading,
                    work.analysis.strip(),
                    note=note,
                    sensitivity=work.sensitivity,
                    about=adult.pk,
                )
            )
    return sections


def numbered(sections: list[dict]) -> list[dict]:
    """Give each section its form field name (section_1, ...). Beyond MAX_SECTIONS (never seen in
    practice) the rest are joined into the last, so nothing compiled is dropped."""
    if len(sections) > MAX_SECTIONS:
        keep, rest = sections[: MAX_SECTIONS - 1], sections[MAX_SECTIONS - 1 :]
        ordinary = [s for s in rest if s["sensitivity"] == Sensitivity.ORDINARY and not s["ask"]]
        text = "\n\n".join(f"{s['heading']}\n{s['text']}" for s in ordinary)
        keep.append(section("more", "More compiled records", text))
        sections = keep
    for position, item in enumerate(sections, start=1):
        item["key"] = f"section_{position}"
    return sections


# ---- proposed factors ----------------------------------------------------------------------------------


@dataclass
class Proposal:
    code: str
    reasons: list[dict] = field(default_factory=list)


def propose_factors(access, family, adults, *, since: datetime.date) -> dict[str, list[dict]]:
    """{factor code: [reason, ...]}: the factors the adult practitioners' records suggest for the family's
    children, each with why ({"text", "sensitivity", "about"}).

    From, in order: the adult practitioners allocated to work with the family's adults (ordinary: the
    family page shows who works with whom); the adults' recorded health, substance use and domestic abuse
    detail, only where the compiler may read it (special-category data about the adult, ADR 10: a
    proposal must not reveal what the access rules withhold); and the significant events since the
    Workbook opened. Nothing is proposed from free text: reading "drink" in a chapter is a guess, and a
    census return needs a fact the social worker has confirmed."""
    adult_ids = {a.pk for a in adults}
    names = {a.pk: a.full_name for a in adults}
    found: dict[str, list[dict]] = defaultdict(list)

    def add(codes_, text, sensitivity=Sensitivity.ORDINARY, about=None):
        reason = {"text": text, "sensitivity": str(sensitivity), "about": str(about) if about else None}
        for code in codes_:
            if reason not in found[code]:
                found[code].append(reason)

    for allocation in access.disclosure.current_allocations:
        role_codes = ROLE_FACTORS.get(allocation.case_role)
        if not role_codes:
            continue
        with_adults = [a for a in allocation.works_with.all() if a.pk in adult_ids]
        if allocation.works_with.all() and not with_adults:
            continue  # works with an adult who has left the family
        whom = ", ".join(names[a.pk] for a in with_adults) or "the family"
        add(
            role_codes,
            f"{allocation.worker.display_name}, {lower_first(role_label(allocation.case_role))}, "
            f"works with {whom}",
        )

    details = (
        AdultDetail.objects.filter(person_id__in=adult_ids, topic__in=list(TOPIC_FACTORS))
        .select_related("recorded_by")
        .order_by("person_id", "topic", "-recorded_on", "-created_at")
    )
    seen = set()
    for detail in details:
        if (detail.person_id, detail.topic) in seen:
            continue
        seen.add((detail.person_id, detail.topic))
        if not access.disclosure.for_record(AdultDetail.sensitivity, detail.person_id).visible:
            continue
        add(
            TOPIC_FACTORS[detail.topic],
            f"{detail.recorded_by.display_name} recorded {lower_first(detail.get_topic_display())} "
            f"detail about {names[detail.person_id]} on {day(detail.recorded_on)}",
            AdultDetail.sensitivity,
            detail.person_id,
        )

    events = (
        SignificantEvent.objects.filter(family=family, date__gte=since, kind__in=list(EVENT_FACTORS))
        .prefetch_related("people")
        .order_by("date", "created_at")
    )
    for event in events:
        about_adults = [p for p in event.people.all() if p.pk in adult_ids]
        # A police call-out for domestic abuse at the family's home concerns its adults whoever is named;
        # a relapse or a mental health crisis is a parent's only if it is about one.
        if event.kind != SignificantEvent.Kind.POLICE_DA and not about_adults:
            continue
        whom = f" ({', '.join(p.full_name for p in about_adults)})" if about_adults else ""
        add(
            EVENT_FACTORS[event.kind],
            f"Significant event on {day(event.date)}: {lower_first(event.get_kind_display())}{whom}",
        )
    order = {code: position for position, code in enumerate(codes.ASSESSMENT_FACTORS)}
    return {code: found[code] for code in sorted(found, key=lambda c: order.get(c, len(order)))}


# ---- pages ---------------------------------------------------------------------------------------------


def assessments_of(family):
    """The family's assessments, newest first (the list page pages them)."""
    return FamilyAssessment.objects.filter(family=family).select_related("written_by", "authorised_by")


@dataclass
class ShownSection:
    key: str
    heading: str
    note: str
    text: str
    visible: bool
    label: str = ""
    ask: str = ""
    kind: str = ""


def shown_sections(disclosure, sections: list[dict]) -> list[ShownSection]:
    """The compiled sections as one reader may see them: a section compiled from special-category data
    about an adult is shown or withheld per FamilyDisclosure, as the record it came from was."""
    shown = []
    for item in sections or []:
        if item.get("ask"):
            label, _, ask = item["ask"].partition(": ")
            shown.append(
                ShownSection(
                    item["key"], item["heading"], item.get("note", ""), "", False, label, ask, item["kind"]
                )
            )
            continue
        verdict = disclosure.for_record(
            item.get("sensitivity") or Sensitivity.ORDINARY, uuid_or_none(item.get("about"))
        )
        if verdict.visible:
            shown.append(
                ShownSection(
                    item["key"],
                    item["heading"],
                    item.get("note", ""),
                    item.get("text", ""),
                    True,
                    kind=item["kind"],
                )
            )
        else:
            shown.append(
                ShownSection(
                    item["key"],
                    item["heading"],
                    item.get("note", ""),
                    "",
                    False,
                    verdict.label,
                    verdict.ask,
                    item["kind"],
                )
            )
    return shown


@dataclass
class ChildFactors:
    n: int
    id: str
    name: str
    confirmed: list[str] | None
    proposed: list[tuple[str, str, list[str], str]]  # (code, label, reasons shown, note)
    hidden_reasons: bool = False

    @property
    def confirmed_labels(self) -> list[tuple[str, str]]:
        return [(c, codes.ASSESSMENT_FACTORS.get(c, c)) for c in self.confirmed or []]


def child_factors(disclosure, assessment, factors: dict | None = None) -> list[ChildFactors]:
    """Each child's proposed factors with the reasons this reader may see, and the confirmed ones."""
    factors = assessment.factors if factors is None else factors
    rows = []
    for child in assessment.compiled.get("children", []):
        proposals = []
        hidden = False
        for code, reasons in (assessment.proposed_factors.get(child["id"]) or {}).items():
            texts = []
            for reason in reasons:
                if disclosure.for_record(
                    reason.get("sensitivity") or "ordinary", uuid_or_none(reason.get("about"))
                ).visible:
                    texts.append(reason["text"])
                else:
                    hidden = True
            proposals.append((code, codes.ASSESSMENT_FACTORS.get(code, code), texts, NOTES.get(code, "")))
        rows.append(
            ChildFactors(
                n=child["n"],
                id=child["id"],
                name=child["name"],
                confirmed=factors.get(child["id"]) if child["id"] in factors else None,
                proposed=proposals,
                hidden_reasons=hidden,
            )
        )
    return rows


def versions_of(assessment) -> list[AssessmentVersion]:
    return list(assessment.versions.select_related("by").order_by("number"))


# ---- the programme of work with parents -----------------------------------------------------------------


def module_work_id(family_id, parent_id, module_id) -> uuid.UUID:
    """A parent's work on a module has one id from before it is first saved (so that what is typed can be
    kept as a draft against it) to ever after: the same three always give the same id."""
    return uuid.uuid5(uuid.NAMESPACE_URL, f"workbook/module-work/{family_id}/{parent_id}/{module_id}")


def effective_state(work: ModuleWork | None, sessions: int) -> str:
    """Completed when the worker says so; in progress once anything is written or a session recorded."""
    if work is not None and work.state == ModuleWork.State.COMPLETED:
        return ModuleWork.State.COMPLETED
    if sessions or (
        work is not None
        and (work.state == ModuleWork.State.IN_PROGRESS or work.covered or work.reflections or work.analysis)
    ):
        return ModuleWork.State.IN_PROGRESS
    return ModuleWork.State.NOT_STARTED


@dataclass
class ModuleRow:
    module: ParentingModule
    state: str
    sessions: int

    @property
    def state_label(self) -> str:
        return ModuleWork.State(self.state).label


@dataclass
class ParentProgramme:
    parent: object
    rows: list[ModuleRow]

    @property
    def completed(self) -> int:
        return sum(1 for r in self.rows if r.state == ModuleWork.State.COMPLETED)

    @property
    def in_progress(self) -> int:
        return sum(1 for r in self.rows if r.state == ModuleWork.State.IN_PROGRESS)


def programme(family, adults) -> list[ParentProgramme]:
    """Each adult × each active module, with its state and how many sessions worked on it: three queries
    however many sessions are recorded."""
    modules = list(ParentingModule.objects.filter(active=True).order_by("order", "name"))
    works = {
        (w.parent_id, w.module_id): w
        for w in ModuleWork.objects.filter(family=family).only(
            "id", "parent_id", "module_id", "state", "covered", "reflections", "analysis"
        )
    }
    counts = {
        (row["participants__person_id"], row["module_id"]): row["n"]
        for row in Session.objects.filter(family=family, module__isnull=False)
        .values("module_id", "participants__person_id")
        .annotate(n=Count("id", distinct=True))
    }
    return [
        ParentProgramme(
            adult,
            [
                ModuleRow(
                    m,
                    effective_state(works.get((adult.pk, m.pk)), counts.get((adult.pk, m.pk), 0)),
                    counts.get((adult.pk, m.pk), 0),
                )
                for m in modules
            ],
        )
        for adult in adults
    ]


def module_sessions(family, parent, module):
    """The sessions recorded for this module with this parent, newest first."""
    return (
        Session.objects.filter(family=family, module=module, participants__person=parent)
        .select_related("recorded_by")
        .distinct()
        .order_by("-date", "-created_at")
    )
