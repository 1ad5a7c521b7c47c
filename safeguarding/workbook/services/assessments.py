"""The assessments compiled from the Workbook: the integrated family assessment and the parenting assessment
(issue #9 items 5 and 6).

The lead social worker compiles an assessment into an editable draft (selectors.assessments says what is
gathered and why), writes the analysis, confirms each child's factors, and sends it to the team manager,
who returns it with comments or authorises it. Authorising an integrated family assessment completes each
child's open statutory assessment through the journey's own step, with the factors the social worker
confirmed and the authorisation date (the CIN census fields), so the factors are never typed twice; a
journey rule that refuses (an authorisation before the assessment started, say) refuses the whole
authorisation, and nothing is saved. Every version is kept: an AssessmentVersion at each send, return and
authorisation.

`FamilyAssessment.compiled` holds {"children": [...], "parents": [...], "sections": [...]}: the children
and parents the assessment covers (numbered as the form numbers them), and the compiled sections, each with
the sensitivity and subject of what it was compiled from. `analysis` holds the social worker's sections by
form field name (life_1, parent_1, risks, strengths, change). `proposed_factors` holds {child id: {code:
[reasons]}} and `factors` the confirmed {child id: [codes]}.

Every write takes the row with core.locks.for_update and checks the version the worker started from
(drafts.check_version): a second tab or a second person never silently overwrites the first.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Max

from safeguarding.audit.services import Action, audit_record
from safeguarding.core.locks import for_update
from safeguarding.journey import codes
from safeguarding.journey.services import journey_record
from safeguarding.people.models import Person

from .. import assessment_sources
from ..drafts import check_version
from ..models import AssessmentVersion, FamilyAssessment
from ..policies import WorkbookAccess
from ..selectors import assessments as read
from .workbooks import workbook_ensure

Kind = FamilyAssessment.Kind
Status = FamilyAssessment.Status
EDITABLE = (Status.DRAFT, Status.RETURNED)
ANALYSIS_LIMIT = 10_000


@dataclass(frozen=True)
class AnalysisField:
    """One section the social worker writes: its form field name, label, hint and what to say if it is
    missing when the assessment is sent."""

    name: str
    label: str
    hint: str
    missing: str
    child_id: str | None = None


FAMILY_ANALYSIS = (
    AnalysisField(
        "risks",
        "The risks to the children",
        "What could happen to the children, how likely it is and how serious it would be",
        "Write the risks to the children",
    ),
    AnalysisField(
        "strengths",
        "Strengths and what is working well",
        "What the family and the network do that keeps the children safe",
        "Write the family's strengths and what is working well",
    ),
    AnalysisField(
        "change",
        "What needs to change",
        "What needs to change for the children, who will do what, and by when",
        "Write what needs to change",
    ),
)


def analysis_fields(assessment: FamilyAssessment) -> list[AnalysisField]:
    """The analysis sections of this assessment, in the order the form asks for them."""
    if assessment.kind == Kind.PARENTING:
        first = [
            AnalysisField(
                f"parent_{p['n']}",
                f"{p['name']} as a parent",
                "What they offer their children, what gets in the way, and how they have used the programme",
                f"Write your analysis of {p['name']} as a parent",
                p["id"],
            )
            for p in assessment.compiled.get("parents", [])
        ]
    else:
        first = [
            AnalysisField(
                f"life_{c['n']}",
                f"What life is like for {c['name']}",
                "Their day-to-day experience, in their words where you have them",
                f"Write what life is like for {c['name']}",
                c["id"],
            )
            for c in assessment.compiled.get("children", [])
        ]
    return [*first, *FAMILY_ANALYSIS]


def _subjects(assessment: FamilyAssessment) -> list:
    compiled = assessment.compiled or {}
    return [p["id"] for p in (*compiled.get("children", []), *compiled.get("parents", []))]


def _audit(actor, action, assessment, request, **detail) -> None:
    audit_record(
        actor=actor,
        action=action,
        obj=assessment,
        family_id=assessment.family_id,
        families=[assessment.family_id],
        people=_subjects(assessment),
        request=request,
        detail={"kind": assessment.kind, "status": assessment.status, **detail},
    )


def _locked(assessment: FamilyAssessment) -> FamilyAssessment:
    return for_update(FamilyAssessment.objects).select_related("family").get(pk=assessment.pk)


def _keep_version(record: FamilyAssessment, *, actor, comments: str = "") -> AssessmentVersion:
    number = (record.versions.aggregate(last=Max("number"))["last"] or 0) + 1
    return AssessmentVersion.objects.create(
        assessment=record,
        number=number,
        status=record.status,
        compiled=record.compiled,
        analysis=record.analysis,
        factors=record.factors,
        comments=comments,
        by=actor,
    )


# ---- compile --------------------------------------------------------------------------------------------


@transaction.atomic
def assessment_compile(
    *, actor, family, today: datetime.date, kind: str = Kind.INTEGRATED, request=None
) -> FamilyAssessment:
    """Compile a new draft assessment of `kind` for the family from what the team has recorded.

    The lead social worker's (WorkbookAccess.can_write_assessment). One assessment of each kind is in
    progress at a time: the one being worked on is carried on, not compiled again."""
    if kind not in Kind.values:
        raise ValidationError("Choose which assessment to compile")
    access = WorkbookAccess(actor, family)
    if not access.can_write_assessment:
        raise PermissionDenied("Only the family's lead social worker compiles its assessments")
    label = Kind(kind).label
    if FamilyAssessment.objects.filter(family=family, kind=kind).exclude(status=Status.AUTHORISED).exists():
        raise ValidationError(f"An {label.lower()} is already in progress. Open it to carry on.")
    children, adults = read.current_members(family)
    if kind == Kind.INTEGRATED and not children:
        raise ValidationError("Add the family's children before compiling an integrated family assessment")
    if kind == Kind.PARENTING and not adults:
        raise ValidationError("Add the family's adults before compiling a parenting assessment")
    workbook, cycle = workbook_ensure(family=family, actor=actor, today=today)
    chapters = read.chapter_sections(access, read.chapters_to_compile(workbook), current_cycle=cycle)
    # What the capabilities above the Workbook hold about the parents (their questionnaire scores).
    registered = assessment_sources.sections(
        access=access, family=family, adults=adults, kind=kind, since=workbook.opened_on
    )
    if kind == Kind.INTEGRATED:
        events, total = read.events_since(family, workbook.opened_on)
        sections = [
            *read.statutory_status(children),
            *chapters,
            *registered,
            read.events_section(events, total, workbook.opened_on),
        ]
        proposals = read.propose_factors(access, family, adults, since=workbook.opened_on)
        proposed = {str(child.pk): proposals for child in children}
    else:
        sections = [*read.module_sections(access, family, adults), *chapters, *registered]
        proposed = {}
    compiled = {
        "children": [{"n": n, "id": str(c.pk), "name": c.full_name} for n, c in enumerate(children, start=1)],
        "parents": [{"n": n, "id": str(a.pk), "name": a.full_name} for n, a in enumerate(adults, start=1)],
        "sections": read.numbered(sections),
        "compiled_on": today.isoformat(),
        "cycle": cycle.number,
    }
    assessment = FamilyAssessment(
        family=family, kind=kind, compiled=compiled, analysis={}, proposed_factors=proposed, written_by=actor
    )
    assessment.full_clean(validate_constraints=False)
    try:
        with transaction.atomic():
            assessment.save()
    except IntegrityError:
        # Compiled at the same moment in another tab: that one is the family's assessment in progress.
        raise ValidationError(f"An {label.lower()} is already in progress. Open it to carry on.") from None
    _audit(
        actor,
        Action.CREATE,
        assessment,
        request,
        sections=len(compiled["sections"]),
        restricted=sum(1 for s in compiled["sections"] if s["ask"]),
        proposed=sorted({code for codes_ in proposed.values() for code in codes_}),
    )
    return assessment


# ---- edit -----------------------------------------------------------------------------------------------


def editable_section_keys(access, assessment) -> list[str]:
    """The compiled sections the writer may change: those they may read now (a section withheld from
    them, or left out as restricted when compiled, is kept as it is)."""
    return [
        s.key
        for s in read.shown_sections(access.disclosure, assessment.compiled.get("sections"))
        if s.visible
    ]


def current_values(assessment, names) -> dict:
    """The saved text of each form field: analysis sections and compiled sections by field name."""
    sections = {s["key"]: s.get("text", "") for s in assessment.compiled.get("sections", [])}
    return {name: assessment.analysis.get(name, sections.get(name, "")) for name in names}


def _check_factors(assessment, factors: dict) -> dict:
    """{child id: codes} for the assessment's children, each a valid CIN census list; errors by form field."""
    children = {c["id"]: c for c in assessment.compiled.get("children", [])}
    clean, errors = {}, {}
    for child_id, chosen in factors.items():
        child = children.get(str(child_id))
        if child is None:
            continue
        if not isinstance(chosen, list | tuple) or not all(isinstance(c, str) for c in chosen):
            errors[f"factors_{child['n']}"] = f"Select the factors identified for {child['name']} on the list"
            continue
        unknown = [c for c in chosen if c not in codes.ASSESSMENT_FACTORS]
        if unknown:
            errors[f"factors_{child['n']}"] = f"Select the factors identified for {child['name']} on the list"
        elif codes.NO_FACTORS in chosen and len(set(chosen)) > 1:
            errors[f"factors_{child['n']}"] = (
                f"Select No factors identified for {child['name']}, or the factors identified, not both"
            )
        else:
            order = {code: position for position, code in enumerate(codes.ASSESSMENT_FACTORS)}
            clean[child["id"]] = sorted(dict.fromkeys(chosen), key=order.__getitem__)
    if errors:
        raise ValidationError(errors)
    return clean


@transaction.atomic
def assessment_save(
    *, actor, assessment, base_version, texts: dict, factors: dict | None = None, request=None
) -> FamilyAssessment:
    """Save the social worker's analysis, their changes to the compiled sections and each child's
    confirmed factors. `texts` is {form field name: text} (analysis and compiled sections alike);
    `factors` is {child id: [codes]}. Refused (VersionConflict) if the assessment was saved since
    `base_version`, with both texts, so nothing is lost."""
    record = _locked(assessment)
    access = WorkbookAccess(actor, record.family)
    if not access.can_write_assessment:
        raise PermissionDenied("Only the family's lead social worker writes its assessments")
    if record.status not in EDITABLE:
        raise ValidationError(
            "This assessment is with the team manager and cannot be changed now"
            if record.status == Status.SENT
            else "This assessment has been authorised and cannot be changed"
        )
    analysis_names = [f.name for f in analysis_fields(record)]
    section_keys = editable_section_keys(access, record)
    names = [n for n in (*analysis_names, *section_keys) if n in texts]
    errors = {}
    yours = {}
    for name in names:
        text = texts[name]
        if not isinstance(text, str) or "\x00" in text:
            errors[name] = "Enter text only"
            continue
        limit = ANALYSIS_LIMIT if name in analysis_names else read.SECTION_LIMIT
        if len(text) > limit:
            errors[name] = f"The text must be {limit:,} characters or fewer"
        yours[name] = text.strip()
    if errors:
        raise ValidationError(errors)
    confirmed = _check_factors(record, factors or {})
    check_version(record, base_version, theirs=current_values(record, names), yours=yours)
    record.analysis = {**record.analysis, **{n: v for n, v in yours.items() if n in analysis_names}}
    record.compiled = {
        **record.compiled,
        "sections": [
            {**s, "text": yours[s["key"]]} if s["key"] in yours and s["key"] in section_keys else s
            for s in record.compiled.get("sections", [])
        ],
    }
    record.factors = {**record.factors, **confirmed}
    record.version += 1
    record.save()
    _audit(actor, Action.CHANGE, record, request, fields=sorted(yours), factors=sorted(confirmed))
    return record


# ---- send, return, authorise ---------------------------------------------------------------------------


def send_problems(record: FamilyAssessment) -> dict[str, str]:
    """What must be written before the assessment goes to the manager, by form field: the family's
    analysis sections; for an integrated assessment, what life is like for each child whose statutory
    assessment it completes, and their confirmed factors; for a parenting assessment, each parent."""
    problems = {}
    waiting = read.open_assessments([c["id"] for c in record.compiled.get("children", [])])
    waiting_ids = {str(pk) for pk in waiting}
    for f in analysis_fields(record):
        if f.name.startswith("life_") and f.child_id not in waiting_ids:
            continue
        if not (record.analysis.get(f.name) or "").strip():
            problems[f.name] = f.missing
    if record.kind == Kind.INTEGRATED:
        for child in record.compiled.get("children", []):
            if child["id"] in waiting_ids and not record.factors.get(child["id"]):
                problems[f"factors_{child['n']}"] = (
                    f"Confirm the factors identified for {child['name']}, or select No factors identified"
                )
    return problems


@transaction.atomic
def assessment_send(*, actor, assessment, request=None) -> FamilyAssessment:
    """Send the assessment to the team manager for authorisation; the version sent is kept."""
    record = _locked(assessment)
    if not WorkbookAccess(actor, record.family).can_write_assessment:
        raise PermissionDenied("Only the family's lead social worker sends its assessments")
    if record.status not in EDITABLE:
        raise ValidationError("This assessment has already been sent to the team manager")
    problems = send_problems(record)
    if problems:
        raise ValidationError(problems)
    record.status = Status.SENT
    record.version += 1
    record.save()
    version = _keep_version(record, actor=actor)
    _audit(actor, Action.CHANGE, record, request, sent=True, version=version.number)
    return record


@transaction.atomic
def assessment_return(*, actor, assessment, comments: str, request=None) -> FamilyAssessment:
    """The manager returns the assessment to the social worker with what needs to change. Nothing on the
    children's journeys changes."""
    comments = (comments or "").strip()
    if not comments:
        raise ValidationError({"comments": "Enter what needs to change before you can authorise it"})
    if len(comments) > 4000:
        raise ValidationError({"comments": "What needs to change must be 4000 characters or fewer"})
    record = _locked(assessment)
    if record.status != Status.SENT:
        raise ValidationError("This assessment is not waiting for authorisation")
    if not WorkbookAccess(actor, record.family).can_authorise(record):
        raise PermissionDenied("Only the family's managers return an assessment, and never their own")
    record.status = Status.RETURNED
    record.manager_comments = comments
    record.version += 1
    record.save()
    version = _keep_version(record, actor=actor, comments=comments)
    _audit(actor, Action.CHANGE, record, request, returned=True, version=version.number)
    return record


@dataclass
class Completion:
    """What authorising does for one child: the statutory assessment it completes, or none open."""

    child: Person
    assessment: object | None
    factors: list[str]

    @property
    def labelled(self) -> list[tuple[str, str]]:
        return [(code, codes.ASSESSMENT_FACTORS.get(code, code)) for code in self.factors]


def authorisation_plan(record: FamilyAssessment) -> list[Completion]:
    """For each child the assessment covers: their open statutory assessment and the confirmed factors
    it would be completed with, or None (nothing is recorded on that child's journey)."""
    if record.kind != Kind.INTEGRATED:
        return []
    listed = record.compiled.get("children", [])
    people = Person.objects.in_bulk([c["id"] for c in listed])
    waiting = read.open_assessments(list(people))
    plan = []
    for child in listed:
        person = next((p for pk, p in people.items() if str(pk) == child["id"]), None)
        if person is None:
            continue
        plan.append(Completion(person, waiting.get(person.pk), list(record.factors.get(child["id"], []))))
    return plan


@transaction.atomic
def assessment_authorise(*, actor, assessment, today: datetime.date, request=None) -> list[Completion]:
    """The manager authorises the assessment. For an integrated family assessment, each child's open
    statutory assessment is completed with the confirmed factors and today's date, through the journey's
    assessment-authorisation step and its rules, in this one transaction: if the journey refuses any
    child's, nothing is saved and the manager is told why."""
    record = _locked(assessment)
    if record.status != Status.SENT:
        raise ValidationError(
            "This assessment has already been authorised"
            if record.status == Status.AUTHORISED
            else "This assessment is not waiting for authorisation"
        )
    if not WorkbookAccess(actor, record.family).can_authorise(record):
        raise PermissionDenied("Only the family's managers authorise an assessment, and never their own")
    plan = authorisation_plan(record)
    for item in plan:
        if item.assessment is None:
            continue
        name = item.child.full_name
        if not item.factors:
            # Its statutory assessment started after this was sent: nobody has confirmed its factors.
            raise ValidationError(
                f"{name} has an assessment with no confirmed factors. Return this assessment to the social "
                f"worker to confirm {name}'s factors."
            )
        try:
            journey_record(
                actor=actor,
                child=item.child,
                step="assessment-authorisation",
                values={"authorised_on": today, "factors": item.factors},
                request=request,
            )
        except ValidationError as error:
            raise ValidationError([f"{name}: {message}" for message in error.messages]) from None
    record.status = Status.AUTHORISED
    record.authorised_by = actor
    record.authorised_on = today
    record.version += 1
    record.save()
    version = _keep_version(record, actor=actor)
    _audit(
        actor,
        Action.CHANGE,
        record,
        request,
        authorised_on=today.isoformat(),
        version=version.number,
        completed=[str(i.child.pk) for i in plan if i.assessment is not None],
        no_open_assessment=[str(i.child.pk) for i in plan if i.assessment is None],
    )
    return plan
