"""Reads for the child's journey page and the next due dates on the child's pages.

`journey_page` loads each kind of journey record for the child once (one query per kind, not per record),
with the corrections made to them and the child's deadlines, and arranges them in the journey's sections
with the steps the user may record: first those that follow from the child's records now, then the others.
Its query count is the same for a child with one visit or five hundred; the page shows the latest visits
and counts the rest (all of them are on the chronology).
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from dataclasses import dataclass, field

from django.db import models
from django.urls import reverse
from django.utils import timezone

from safeguarding.tasks.models import Deadline
from safeguarding.tasks.selectors import DUE_SOON, LATER, OVERDUE, due_soon_until

from . import models as journey
from .forms import display_label_for
from .models import Correction
from .policies import journey_can_correct, journey_steps_can_record
from .rules import PRE_BIRTH_RECORDS
from .services import displayed_value
from .short_breaks import Arrangement, standing_between_breaks
from .steps import CORRECTABLE_FIELDS, STEPS, NoFurtherActionReferral, Step

LATEST_VISITS = 10

# Values the service works out that the worker never types, shown with the record.
DERIVED_ROWS: dict[type[models.Model], tuple[tuple[str, str], ...]] = {
    journey.Section47Enquiry: (("icpc_target", "Initial conference due by"),),
}


def lower_first(text: str) -> str:
    return text[:1].lower() + text[1:]


# --- next due dates ---------------------------------------------------------------------------------------


@dataclass
class DueRow:
    deadline: Deadline
    status: str
    days_overdue: int

    @property
    def kind_label(self) -> str:
        return self.deadline.get_kind_display()


def due_rows(deadlines, today: datetime.date | None = None) -> list[DueRow]:
    """The deadlines with their status as of today (overdue, due soon or later), soonest first."""
    today = today or timezone.localdate()
    soon = due_soon_until(today)
    rows = []
    for deadline in sorted(deadlines, key=lambda d: (d.due_date, d.kind)):
        if deadline.due_date < today:
            rows.append(DueRow(deadline, OVERDUE, (today - deadline.due_date).days))
        else:
            rows.append(DueRow(deadline, DUE_SOON if deadline.due_date <= soon else LATER, 0))
    return rows


def child_due_rows(child) -> list[DueRow]:
    """A child's next due dates (one query)."""
    return due_rows(child.deadlines.order_by("due_date"))


# --- records as the page shows them -------------------------------------------------------------------------


@dataclass
class CorrectionView:
    correction: Correction
    # (label, before, after)
    changes: list[tuple[str, str, str]]


@dataclass
class RecordView:
    record: models.Model
    rows: list[tuple[str, str]]
    corrections: list[CorrectionView] = field(default_factory=list)
    correct_url: str = ""
    # Records that belong to this one: an episode's assessments, a plan's reviews and core groups.
    parts: list[tuple[str, list[RecordView]]] = field(default_factory=list)

    @property
    def title(self) -> str:
        return str(self.record)

    @property
    def title_in_sentence(self) -> str:
        """ "the visit on 3 March 2026", for link text read out of context."""
        return lower_first(self.title)

    @property
    def model_name(self) -> str:
        return self.record._meta.model_name

    @property
    def anchor(self) -> str:
        return f"{self.model_name}-{self.record.pk}"


@dataclass
class StepLink:
    step: Step
    url: str


@dataclass
class Group:
    """One kind of record in a section: "Child protection plans", shown as cards or as a table."""

    heading: str
    records: list[RecordView]
    as_table: bool = False
    empty: str = ""
    # How many there are when only the latest are shown.
    total: int | None = None
    more_url: str = ""

    @property
    def columns(self) -> list[str]:
        return [label for label, _ in self.records[0].rows] if self.records else []


@dataclass
class Section:
    title: str
    groups: list[Group]
    # The steps that follow from the child's records now (Other steps has the rest).
    steps: list[StepLink]
    other_steps: list[StepLink] = field(default_factory=list)

    @property
    def slug(self) -> str:
        return self.title.lower().replace(" ", "-")


# Where a looked-after child is placed is for those who visit the child and record their journey (the
# child's social workers, family support worker and managers), not for the practitioners who work with the
# parents the child may be protected from, business support, or emergency access (issue #8; the family
# page's status line follows the same rule through FamilyDisclosure.for_placement).
WITHHELD_PLACEMENT_FIELDS = {journey.LookedAfterEpisode: {"placement_postcode"}}
WITHHELD = "Withheld: only the child's social workers and their managers see where a child is placed"


def correction_views(corrections, model, *, withheld=frozenset()) -> list[CorrectionView]:
    return [
        CorrectionView(
            correction,
            [
                (
                    display_label_for(model, name),
                    *((WITHHELD, WITHHELD) if name in withheld else (before, after)),
                )
                for name, (before, after) in correction.changes.items()
            ],
        )
        for correction in corrections
    ]


class _Builder:
    def __init__(self, child, *, can_correct: bool, shows_placement: bool = True):
        self.child = child
        self.can_correct = can_correct
        self.shows_placement = shows_placement
        self.corrections: dict[tuple[str, str], list[Correction]] = defaultdict(list)
        for correction in Correction.objects.filter(child=child).select_related("corrected_by"):
            self.corrections[(correction.record_type, str(correction.record_id))].append(correction)

    def view(self, record, parts=()) -> RecordView:
        model = type(record)
        withheld = set() if self.shows_placement else WITHHELD_PLACEMENT_FIELDS.get(model, set())
        rows = [
            (display_label_for(model, name), WITHHELD if name in withheld else displayed_value(record, name))
            for name in CORRECTABLE_FIELDS[model]
        ]
        rows += [(label, displayed_value(record, name)) for name, label in DERIVED_ROWS.get(model, ())]
        key = (record._meta.model_name, str(record.pk))
        return RecordView(
            record=record,
            rows=rows,
            corrections=correction_views(self.corrections.get(key, []), model, withheld=withheld),
            correct_url=reverse(
                "journey:record-correct", args=[self.child.pk, record._meta.model_name, record.pk]
            )
            if self.can_correct
            else "",
            parts=list(parts),
        )


def _by(rows, attribute: str) -> dict:
    grouped = defaultdict(list)
    for row in rows:
        grouped[getattr(row, attribute)].append(row)
    return grouped


def open_records(
    loaded: dict[type[models.Model], list], today: datetime.date | None = None
) -> dict[type, list]:
    """The open records of each kind among a child's records already loaded: open by the record's own
    is_open, and, for work that belongs to a referral, on a referral that is still open. These are the
    records the steps' finders (steps.Step.find) would find, worked out without asking the database.

    With the looked-after episodes loaded, a series of short breaks standing today between breaks is
    "open" too (short_breaks.Arrangement): its reviews go on while the child is at home (reg 48)."""
    open_referrals = {e.pk for e in loaded.get(journey.EpisodeOfNeed, ()) if e.is_open}
    found: dict[type, list] = {
        model: [
            r
            for r in rows
            if getattr(r, "is_open", False)
            and (not hasattr(r, "episode_id") or r.episode_id in open_referrals)
        ]
        for model, rows in loaded.items()
    }
    if journey.EpisodeOfNeed in loaded:
        found[NoFurtherActionReferral] = [e for e in found[journey.EpisodeOfNeed] if e.no_further_action]
    if journey.LookedAfterEpisode in loaded:
        episodes = sorted(loaded[journey.LookedAfterEpisode], key=lambda e: (e.start_date, e.created_at))
        arrangement = standing_between_breaks(episodes)
        today = today or timezone.localdate()
        found[Arrangement] = [arrangement] if arrangement and arrangement.covers(today) else []
    return found


def step_follows(step: Step, open_now: dict[type, list], *, unborn: bool = False) -> bool:
    """Whether a step follows from the child's records now, read from the step's own definition: a step
    that completes or attaches to an open record needs one (no plan to end without an open plan), and a
    step that creates a record of a kind the child has one open of does not follow (no second open
    referral or plan) unless the new record replaces the open one (a new looked-after episode). A step's
    own preconditions say the rest: what else must be open (a looked-after review needs the child in care
    or on short breaks) and what the rules refuse it while open (no closing a referral on an open plan).

    For a child not yet born, only the work the rules allow before birth follows (rules.PRE_BIRTH_RECORDS).

    The other steps stay on offer: a worker may still open one and read what to record first."""
    if unborn and step.model not in PRE_BIRTH_RECORDS:
        return False
    needs = step.needs_open
    if needs is not None and not open_now.get(needs):
        return False
    if step.needs_one_open_of and not any(open_now.get(kind) for kind in step.needs_one_open_of):
        return False
    if any(open_now.get(kind) for kind in step.refused_while_open):
        return False
    return not (step.mode == "create" and not step.replaces_open and open_now.get(step.model))


def journey_page(user, child) -> dict:
    """Everything the child's journey page shows, in a fixed number of queries."""
    allowed = journey_steps_can_record(user, child, [step.slug for step in STEPS])
    can_correct = bool(allowed) and journey_can_correct(user, child)
    build = _Builder(child, can_correct=can_correct, shows_placement=bool(allowed))
    of_child = {"child": child}

    episodes = list(
        journey.EpisodeOfNeed.objects.filter(**of_child).order_by("-referral_date", "-created_at")
    )
    assessments = _by(journey.Assessment.objects.filter(**of_child).order_by("-start_date"), "episode_id")
    enquiries = list(journey.Section47Enquiry.objects.filter(**of_child).order_by("-start_date"))
    cp_plans = list(journey.ChildProtectionPlan.objects.filter(**of_child).order_by("-start_date"))
    reviews = _by(journey.ReviewConference.objects.filter(**of_child).order_by("-date"), "plan_id")
    core_groups = _by(journey.CoreGroupMeeting.objects.filter(**of_child).order_by("-date"), "plan_id")
    cin_plans = list(journey.ChildInNeedPlan.objects.filter(**of_child).order_by("-start_date"))
    visits = list(journey.Visit.objects.filter(**of_child).order_by("-date", "-created_at")[:LATEST_VISITS])
    visit_count = journey.Visit.objects.filter(**of_child).count()
    pre_proceedings = list(
        journey.PreProceedings.objects.filter(**of_child).order_by("-legal_planning_meeting_date")
    )
    meetings = _by(
        journey.PreProceedingsMeeting.objects.filter(**of_child).order_by("-date"), "pre_proceedings_id"
    )
    proceedings = list(journey.CareProceedings.objects.filter(**of_child).order_by("-application_date"))
    hearings = _by(journey.CourtHearing.objects.filter(**of_child).order_by("-date"), "proceedings_id")
    looked_after = list(
        journey.LookedAfterEpisode.objects.filter(**of_child).order_by("-start_date", "-created_at")
    )
    lac_reviews = list(journey.LookedAfterReview.objects.filter(**of_child).order_by("-date"))
    missing = list(journey.MissingEpisode.objects.filter(**of_child).order_by("-start_date"))

    records = {
        "Referral and assessment": [
            Group(
                "Referrals",
                [
                    build.view(e, [("Assessments", [build.view(a) for a in assessments.get(e.pk, [])])])
                    for e in episodes
                ],
                empty="No referrals recorded.",
            )
        ],
        "Child protection": [
            Group(
                "Strategy discussions and section 47 enquiries",
                [build.view(s) for s in enquiries],
                empty="No section 47 enquiries recorded.",
            ),
            Group(
                "Child protection plans",
                [
                    build.view(
                        p,
                        [
                            ("Review conferences", [build.view(r) for r in reviews.get(p.pk, [])]),
                            ("Core group meetings", [build.view(c) for c in core_groups.get(p.pk, [])]),
                        ],
                    )
                    for p in cp_plans
                ],
                empty="No child protection plans recorded.",
            ),
        ],
        "Child in need": [
            Group(
                "Child in need plans",
                [build.view(p) for p in cin_plans],
                empty="No child in need plans recorded.",
            )
        ],
        "Visits": [
            Group(
                "Latest visits" if visit_count > len(visits) else "Visits",
                [build.view(v) for v in visits],
                as_table=True,
                empty="No visits recorded.",
                total=visit_count,
                more_url=reverse("journey:child-chronology", args=[child.pk]) + "?kind=visit",
            )
        ],
        "Pre-proceedings and court": [
            Group(
                "Pre-proceedings",
                [
                    build.view(p, [("Meetings", [build.view(m) for m in meetings.get(p.pk, [])])])
                    for p in pre_proceedings
                ],
                empty="No pre-proceedings recorded.",
            ),
            Group(
                "Care proceedings",
                [
                    build.view(p, [("Hearings", [build.view(h) for h in hearings.get(p.pk, [])])])
                    for p in proceedings
                ],
                empty="No care proceedings recorded.",
            ),
        ],
        "Looked after": [
            Group(
                "Looked-after episodes",
                [build.view(e) for e in looked_after],
                empty="No looked-after episodes.",
            ),
            Group(
                "Looked-after reviews",
                [build.view(r) for r in lac_reviews],
                as_table=True,
                empty="No looked-after reviews recorded.",
            ),
            Group(
                "Missing episodes",
                [build.view(m) for m in missing],
                as_table=True,
                empty="No missing episodes recorded.",
            ),
        ],
    }
    # The steps the user may record (one policy question for all of them), split by what follows from the
    # records loaded above: no query per step.
    open_now = open_records(
        {
            journey.EpisodeOfNeed: episodes,
            journey.Assessment: [a for rows in assessments.values() for a in rows],
            journey.Section47Enquiry: enquiries,
            journey.ChildProtectionPlan: cp_plans,
            journey.ChildInNeedPlan: cin_plans,
            journey.PreProceedings: pre_proceedings,
            journey.CareProceedings: proceedings,
            journey.LookedAfterEpisode: looked_after,
        }
    )
    suggested, other = defaultdict(list), defaultdict(list)
    for step in STEPS:
        if step.slug in allowed:
            link = StepLink(step, reverse("journey:step", args=[child.pk, step.slug]))
            follows = step_follows(step, open_now, unborn=child.is_unborn)
            (suggested if follows else other)[step.section].append(link)
    sections = [
        Section(title, groups, suggested.get(title, []), other.get(title, []))
        for title, groups in records.items()
    ]
    return {
        "sections": sections,
        "other_steps": [section for section in sections if section.other_steps],
        "due": child_due_rows(child),
        "can_correct": can_correct,
        "can_record": bool(allowed),
    }
