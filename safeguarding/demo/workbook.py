"""The demo council's Workbooks (issue #9): cycles, chapters, sessions, significant events, module work and
assessments for every family with allocated workers, drawn after the families, allocations and statutory
histories exist, and agreeing with them.

What each family gets
---------------------
- A Workbook opened at the family's first allocation, with 3 to 12 closed cycles of about a month (closed
  by the team manager) and an open one; when the first allocation leaves fewer than 3 or more than 12
  cycles, the Workbook opens 3 or 12 cycles before today instead. The large council has three years of
  cycles for every family (`Knobs.cycles`), which the benchmark needs.
- A chapter per cycle for every worker allocated during it (the social worker who visited the children
  when nobody was allocated), in the role of their allocation: closed cycles' chapters are shared; the
  open cycle's are a mix of not started, draft and shared. Social workers and family support workers write
  one part about the family; an adult practitioner writes one part about each adult they work with,
  special-category data about that adult (sensitivity adult_special). A worker's next steps are sometimes
  taken up in the next cycle's "What I did", done or not. A few closed chapters carry an addendum.
- Sessions: a home visit for every day a social worker made the children's statutory visits (journey.Visit,
  made by the journey generator), with each child seen as a participant linked to their visit, so the
  Workbook and the visit clocks agree; phone calls and office appointments with the parents; the family
  support worker's visits and groups; each adult practitioner's sessions with their adults; and sessions on
  the parenting modules, by the worker whose subject the module is.
- Module work for each parent who engages: completed, in progress and not started, in order.
- Significant events: police call-outs for domestic abuse where the family has a domestic abuse worker, a
  relapse where it has a recovery worker, a crisis where it has a mental health worker, each birth and
  missing episode the statutory history holds, and the ordinary run of injuries, exclusions and moves.
- Assessments: authorised integrated family assessments in about half the families whose children had a
  statutory assessment authorised since the Workbook opened, on that day and with those children's factors
  (what the authorisation would have written); authorised parenting assessments where the parents have
  finished the programme; a draft in some families whose children's assessment is under way; and, for the
  demo's team manager, one integrated assessment sent by asha and waiting for her.

The personas' families are arranged so each has something to try (README.md, "Demo sign-ins"): asha has
a chapter not started and one in draft, a sent assessment, authorised ones and an authorised parenting
assessment; dan has a chapter not started and one in draft.

The large council (`KNOBS["large"]`) has three years of cycles and chapters for every family but sessions
in the last two cycles only, one-sentence sections drawn from texts composed once per worker and family,
and fewer sessions a cycle: over a million rows, which is what its seeding can afford (docs/benchmarks.md).

How
---
Everything comes from a random.Random seeded from the council's seed, in a fixed order (families by
reference, records in date order), so a seed and a day give the same Workbooks. The rows are read in a
fixed number of queries and written with journeys.insert_rows (one executemany, or COPY on PostgreSQL, per
table; insert_links for the SignificantEvent.people links): the demo council is built once per test
database and its build time is paid by every test run.
"""

from __future__ import annotations

import datetime
import random
import uuid
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from functools import cache

from django.db import connection

from safeguarding.accounts.models import User
from safeguarding.allocation.models import ADULT_PRACTITIONER_CASE_ROLES, Allocation, CaseRole
from safeguarding.core import calendar
from safeguarding.journey import models as j
from safeguarding.people.models import FamilyMember, Relationship
from safeguarding.workbook import models as w
from safeguarding.workbook.selectors import assessments as assessment_read

from . import journeys
from . import workbook_text as text

DAY = datetime.timedelta(days=1)
SW_ROLES = frozenset({CaseRole.LEAD_SOCIAL_WORKER, CaseRole.SOCIAL_WORKER})
PARENT_KINDS = (Relationship.Kind.MOTHER, Relationship.Kind.FATHER, Relationship.Kind.STEP_PARENT)
CLOSE_NOTES = ("Closed at group case supervision", "Closed by hand")
# The module whose subject is each adult practitioner's: they deliver it to the adults they work with.
MODULE_OWNERS = {
    4: (CaseRole.DA_VICTIM_PRACTITIONER, CaseRole.DA_PERPETRATOR_PRACTITIONER),
    5: (CaseRole.RECOVERY_WORKER,),
    6: (CaseRole.MENTAL_HEALTH_PRACTITIONER,),
}
SESSION_KINDS = {
    CaseRole.DA_VICTIM_PRACTITIONER: [
        ("office", 35),
        ("phone", 30),
        ("home_visit", 15),
        ("video", 10),
        ("group", 10),
    ],
    CaseRole.DA_PERPETRATOR_PRACTITIONER: [("office", 40), ("group", 35), ("phone", 15), ("video", 10)],
    CaseRole.RECOVERY_WORKER: [("office", 45), ("home_visit", 20), ("phone", 20), ("group", 15)],
    CaseRole.MENTAL_HEALTH_PRACTITIONER: [("office", 40), ("phone", 25), ("video", 20), ("home_visit", 15)],
    CaseRole.FAMILY_SUPPORT_WORKER: [("home_visit", 60), ("group", 25), ("phone", 15)],
}
# Short mentions of significant events in the chapters of the cycle they happened in.
EVENT_MENTIONS = {
    "police_da": "the police were called to the home after an incident between the adults",
    "police_other": "the police were involved with the family",
    "arrest": "{partner} was arrested",
    "injury": "{child} was injured and seen by a doctor",
    "hospital": "there was a hospital admission",
    "missing": "{child} was reported missing",
    "relapse": "there was a relapse into drinking or drug use",
    "mental_health_crisis": "there was a mental health crisis",
    "disclosure": "{child} made a disclosure at school",
    "exclusion": "{child} was excluded from school",
    "house_move": "the family moved house",
    "birth": "{child} was born",
    "death": "there was a death in the family",
    "other": "something happened that the team needed to know about",
}
EVENT_IMPACT = {
    "police_da": [("high", 3), ("medium", 2)],
    "police_other": [("medium", 2), ("low", 1)],
    "arrest": [("medium", 2), ("high", 1)],
    "injury": [("high", 2), ("medium", 1)],
    "hospital": [("medium", 2), ("low", 1)],
    "missing": [("high", 1)],
    "relapse": [("medium", 2), ("high", 1)],
    "mental_health_crisis": [("high", 1), ("medium", 1)],
    "disclosure": [("high", 1), ("medium", 1)],
    "exclusion": [("medium", 1), ("low", 1)],
    "house_move": [("low", 2), ("medium", 1)],
    "birth": [("low", 1), ("medium", 1)],
    "death": [("low", 1)],
    "other": [("low", 1)],
}


@dataclass(frozen=True)
class Knobs:
    """How much each family gets. The large council trades text for rows: three years of cycles."""

    cycles: int | None  # closed cycles for every family, or None for 3 to 12 from the first allocation
    adult_sessions: tuple[int, int]  # an adult practitioner's (and the family support worker's) per cycle
    sentences: tuple[int, int]  # a section's sentences from the role's bank
    events: tuple[int, int]
    calls: tuple[int, ...] = (0, 0, 1, 1, 2)  # the social worker's calls and appointments per cycle
    module_sessions: tuple[int, int] = (1, 3)
    # Sessions in the last this many cycles only (None: every cycle). The large council's three years of
    # sessions would be two million rows; a year of them gives the pages their realistic load.
    session_cycles: int | None = None
    # Each worker's sections drawn from this many texts composed once per family (None: composed afresh
    # for every chapter). Composing 200,000 chapters afresh is most of the large council's seeding.
    text_variants: int | None = None


KNOBS = {
    "demo": Knobs(cycles=None, adult_sessions=(2, 4), sentences=(2, 3), events=(2, 5)),
    "large": Knobs(
        cycles=35,
        adult_sessions=(1, 1),
        sentences=(1, 1),
        events=(2, 5),
        calls=(0, 0, 1),
        module_sessions=(1, 1),
        session_cycles=2,
        text_variants=2,
    ),
}


@cache
def on_or_before(day: datetime.date) -> datetime.date:
    """The last working day on or before `day` (cached: the same few hundred days come up again and again)."""
    return day if calendar.is_working_day(day) else calendar.subtract_working_days(day, 1)


@dataclass
class Alloc:
    id: uuid.UUID
    worker_id: int
    role: str
    start: datetime.date
    end: datetime.date | None
    works_with: list = field(default_factory=list)

    def covers(self, start: datetime.date, end: datetime.date, overlap: int = 5) -> bool:
        """Whether the allocation covers at least `overlap` days of [start, end]."""
        last = end if self.end is None else min(end, self.end)
        return (last - max(start, self.start)).days >= overlap

    def on(self, day: datetime.date) -> bool:
        return self.start <= day and (self.end is None or day <= self.end)


@dataclass
class Member:
    id: uuid.UUID
    name: str
    sex: str
    born: datetime.date | None
    expected: datetime.date | None = None
    joined: datetime.date | None = None
    left: datetime.date | None = None
    # Whether to hold them to their joining date: only for a person who moved between two families.
    moved: bool = False
    is_parent: bool = False

    def present(self, day: datetime.date) -> bool:
        if self.left is not None and day >= self.left:
            return False
        return not (self.moved and self.joined and day < self.joined)

    def age(self, day: datetime.date) -> int:
        return journeys.age_on(self, day) if self.born else -1

    @property
    def date_of_birth(self):  # journeys.age_on reads it
        return self.born


@dataclass
class Cycle:
    id: uuid.UUID
    number: int
    start: datetime.date
    end: datetime.date | None  # closed on


class WorkbookBuilder:
    def __init__(self, *, seed: int, today: datetime.date, scale: str, families, staff):
        self.rng = random.Random(f"workbook-{seed}")  # noqa: S311 - reproducible synthetic data
        self.today = today
        self.knobs = KNOBS.get(scale, KNOBS["demo"])
        self.families = sorted(families, key=lambda f: f.reference)
        self.managers = {team_id: slot["manager"].pk for team_id, slot in staff.items()}
        self.rows: dict[type, list[dict]] = defaultdict(list)
        self.event_people: list = []
        self._load()

    def uuid(self) -> uuid.UUID:
        return uuid.UUID(int=self.rng.getrandbits(128), version=4)

    def add(self, model, **values) -> uuid.UUID:
        row_id = values.setdefault("id", None) or self.uuid()
        values["id"] = row_id
        self.rows[model].append(values)
        return row_id

    def pick(self, weighted):
        return self.rng.choices(
            [value for value, _weight in weighted], [weight for _value, weight in weighted]
        )[0]

    def day_in(self, start: datetime.date, end: datetime.date) -> datetime.date:
        """A working day in [start, end], or `start` when there is none."""
        if end <= start:
            return start
        day = on_or_before(start + DAY * self.rng.randint(0, (end - start).days))
        return day if day >= start else start

    # ---- What the council holds already, in a fixed number of queries ------------------------------------

    def _load(self) -> None:
        ids = {f.pk for f in self.families}
        self.allocations: dict = defaultdict(list)
        by_id = {}
        for pk, family_id, worker_id, role, start, end in Allocation.objects.order_by(
            "start_date", "id"
        ).values_list("id", "family_id", "worker_id", "case_role", "start_date", "end_date"):
            if family_id in ids:
                by_id[pk] = alloc = Alloc(pk, worker_id, role, start, end)
                self.allocations[family_id].append(alloc)
        for allocation_id, person_id in Allocation.works_with.through.objects.order_by(
            "allocation_id", "person_id"
        ).values_list("allocation_id", "person_id"):
            if allocation_id in by_id:
                by_id[allocation_id].works_with.append(person_id)
        parents = set(
            Relationship.objects.filter(kind__in=PARENT_KINDS).values_list("person_id", "relative_id")
        )
        memberships = Counter(FamilyMember.objects.values_list("person_id", flat=True))
        self.children: dict = defaultdict(list)
        self.adults: dict = defaultdict(list)
        self.family_of_child = {}
        for (
            family_id,
            person_id,
            kind,
            joined,
            left,
            first,
            sex,
            born,
            expected,
        ) in FamilyMember.objects.order_by("person__council_id", "joined_on").values_list(
            "family_id",
            "person_id",
            "member_type",
            "joined_on",
            "left_on",
            "person__first_name",
            "person__sex",
            "person__date_of_birth",
            "person__expected_date_of_birth",
        ):
            if family_id not in ids:
                continue
            member = Member(person_id, first, sex, born, expected, joined, left, memberships[person_id] > 1)
            if kind == FamilyMember.MemberType.CHILD:
                self.children[family_id].append(member)
                self.family_of_child[person_id] = family_id
            else:
                self.adults[family_id].append(member)
        for family_id, adults in self.adults.items():
            kids = {c.id for c in self.children[family_id]}
            for adult in adults:
                adult.is_parent = any((adult.id, kid) in parents for kid in kids)
        self.visits: dict = defaultdict(list)
        for pk, child_id, day, seen, alone, visitor in j.Visit.objects.order_by("date", "id").values_list(
            "id", "child_id", "date", "child_seen", "seen_alone", "visited_by_id"
        ):
            self.visits[self.family_of_child[child_id]].append((day, visitor, child_id, seen, alone, pk))
        self.assessments: dict = defaultdict(list)  # child -> [(start, authorised, factors)]
        for child_id, start, authorised, factors in j.Assessment.objects.order_by(
            "start_date", "id"
        ).values_list("child_id", "start_date", "authorised_on", "factors"):
            self.assessments[child_id].append((start, authorised, factors))
        self.awaiting_conference = set(
            j.Section47Enquiry.objects.filter(icpc_date__isnull=True, icpc_not_required=False).values_list(
                "child_id", flat=True
            )
        )
        self.missing: dict = defaultdict(list)
        for child_id, start in j.MissingEpisode.objects.order_by("start_date", "id").values_list(
            "child_id", "start_date"
        ):
            self.missing[self.family_of_child[child_id]].append((child_id, start))
        self.in_care: dict = defaultdict(list)
        for child_id, start, end in j.LookedAfterEpisode.objects.values_list(
            "child_id", "start_date", "end_date"
        ):
            self.in_care[child_id].append((start, end))
        self.modules = list(w.ParentingModule.objects.filter(active=True).order_by("order", "name"))
        self.personas = dict(
            User.objects.filter(username__in=("asha", "dan", "maria")).values_list("username", "id")
        )

    # ---- The whole council --------------------------------------------------------------------------------

    def build(self) -> dict[str, int]:
        plans = self._persona_plans()
        for family in self.families:
            if any(a.end is None for a in self.allocations[family.pk]):
                FamilyWorkbook(self, family, plans.get(family.pk, {})).build()
        return self.save()

    def _persona_plans(self) -> dict:
        """What the personas' families must show (see the module docstring), by family id."""
        plans: dict = defaultdict(dict)
        asha, dan = self.personas.get("asha"), self.personas.get("dan")
        led = [
            f
            for f in self.families
            if any(
                a.worker_id == asha and a.role == CaseRole.LEAD_SOCIAL_WORKER and a.end is None
                for a in self.allocations[f.pk]
            )
        ]
        for position, family in enumerate(led):
            plans[family.pk]["own_state"] = {0: None, 1: "draft"}.get(position, "shared")
            plans[family.pk]["own_worker"] = asha
        # The sent assessment: the family of asha's whose children's assessments are open the longest,
        # not waiting for a conference (an enquiry's family goes to conference, not to authorisation).
        waiting = []
        for family in led:
            kids = [c for c in self.children[family.pk] if c.born is not None]
            open_since = [a[0] for c in kids for a in self.assessments[c.id][-1:] if a[1] is None]
            if open_since and not any(c.id in self.awaiting_conference for c in kids):
                waiting.append((min(open_since), family.reference, family))
        if waiting:
            plans[min(waiting)[2].pk]["sent_assessment"] = True
        if led:
            # The longest-held of asha's families has finished the programme and has its parenting
            # assessment authorised.
            first = min(led, key=lambda f: (min(a.start for a in self.allocations[f.pk]), f.reference))
            plans[first.pk]["programme_done"] = True
            for family in led:
                plans[family.pk]["integrated"] = True
        for position, family in enumerate(
            f
            for f in self.families
            if any(a.worker_id == dan and a.end is None for a in self.allocations[f.pk])
        ):
            if position < 2:
                plans[family.pk]["dan_state"] = (None, "draft")[position]
        return plans

    def save(self) -> dict[str, int]:
        counts = {}
        # A bigger page cache than the journeys' while the Workbooks go in: their indexes on random UUIDs
        # outgrow it on the large council, and every insert then reads and writes pages.
        with journeys.sqlite_page_cache(kib=1048576):
            for model in (
                w.Workbook,
                w.Cycle,
                w.Chapter,
                w.ChapterPart,
                w.ChapterAddendum,
                w.Session,
                w.SessionParticipant,
                w.SignificantEvent,
                w.ModuleWork,
                w.FamilyAssessment,
                w.AssessmentVersion,
            ):
                rows = self.rows.get(model, [])
                journeys.insert_rows(model, rows)
                counts[model._meta.model_name] = len(rows)
            insert_links(
                w.SignificantEvent.people.through, ("significantevent_id", "person_id"), self.event_people
            )
        counts["significantevent_people"] = len(self.event_people)
        return counts


class FamilyWorkbook:
    """One family's Workbook, drawn in order: cycles, sessions, module work, events, chapters, assessments."""

    def __init__(self, builder: WorkbookBuilder, family, plan: dict):
        self.b = builder
        self.rng = builder.rng
        self.today = builder.today
        self.family = family
        self.plan = plan
        self.manager = builder.managers[family.team_id]
        self.allocations = builder.allocations[family.pk]
        self.children = builder.children[family.pk]
        self.adults = builder.adults[family.pk]
        self.parents = [a for a in self.adults if a.is_parent]
        carers = (
            [a for a in self.parents if a.sex == "F" and a.left is None]
            or [a for a in self.adults if a.left is None]
            or self.adults
        )
        self.carer = carers[0]
        self.partner = next((a for a in self.parents if a is not self.carer and a.left is None), None)
        self.born = [c for c in self.children if c.born is not None]
        self._ctx: dict = {}
        self.texts: dict = {}  # (worker, adult, section) -> texts to draw from (Knobs.text_variants)
        self.sessions_by: dict = {}  # worker -> their sessions, for what their chapters say they did
        self.events: list[dict] = []
        self.module_done: dict = {}  # parent id -> {module order: completed_on}

    # ---- Context for the text ----------------------------------------------------------------------------

    def ctx(self, adult: Member | None = None, child: Member | None = None, *, when=None) -> dict:
        """The names and words the text banks fill in: the family's, one or two children drawn at random
        (or the child given), the adult a part is about (the main carer if none) and a school."""
        rng = self.rng
        adult = adult or self.carer
        base = self._ctx.get(adult.id)
        if base is None:
            names = [self.child_name(c) for c in self.children] or ["the children"]
            he = adult.sex == "M"
            base = self._ctx[adult.id] = {
                "mother": self.carer.name,
                "children": FamilyWorkbook.join(names),
                "adult": adult.name,
                "ad_he": "he" if he else "she",
                "ad_He": "He" if he else "She",
                "ad_his": "his" if he else "her",
                "ad_His": "His" if he else "Her",
                "ad_him": "him" if he else "her",
            }
            if self.carer.sex == "M":
                base["male_carer"] = True
            if self.partner is not None:
                base["partner"] = self.partner.name
            else:
                base["single"] = ""  # sentences about a former partner (workbook_text)
        ctx = dict(base, school=rng.choice(text.SCHOOLS), month=f"{when or self.today:%B}")
        born = self.born
        if child is None and born:
            child = born[rng.randrange(len(born))]
        ctx["child"] = self.child_name(child) if child else "the baby"
        if len(born) > 1:
            others = [c for c in born if c is not child]
            ctx["child2"] = self.child_name(others[rng.randrange(len(others))])
        return ctx

    @staticmethod
    def child_name(child: Member) -> str:
        return child.name if child.born is not None else "the unborn baby"

    # ---- Who worked with the family when ------------------------------------------------------------------

    def allocated_on(self, day: datetime.date, roles) -> Alloc | None:
        found = [a for a in self.allocations if a.role in roles and a.on(day)]
        return found[-1] if found else None

    def social_worker_on(self, day: datetime.date) -> tuple[int, str] | None:
        allocation = self.allocated_on(day, SW_ROLES)
        if allocation is not None:
            return allocation.worker_id, allocation.role
        visits = self.b.visits[self.family.pk]
        before = [v for v in visits if v[0] <= day and v[1] is not None]
        if before:
            return before[-1][1], CaseRole.SOCIAL_WORKER
        return None

    # ---- Build ------------------------------------------------------------------------------------------

    def build(self) -> None:
        self.cycles = self.plan_cycles()
        self.opened = self.cycles[0].start
        recent = self.b.knobs.session_cycles
        self.sessions_from = self.cycles[-recent].start if recent else self.opened
        first = self.allocations[0]
        self.workbook_id = self.b.add(
            w.Workbook, family_id=self.family.pk, opened_on=self.opened, opened_by_id=first.worker_id
        )
        for cycle in self.cycles:
            closed = cycle.end is not None
            self.b.add(
                w.Cycle,
                id=cycle.id,
                workbook_id=self.workbook_id,
                number=cycle.number,
                started_on=cycle.start,
                closed_on=cycle.end,
                closed_by_id=self.manager if closed else None,
                close_note=self.rng.choice(CLOSE_NOTES) if closed else "",
            )
        self.visit_sessions()
        self.worker_sessions()
        self.module_work()
        self.significant_events()
        self.chapters()
        self.assessments()

    def plan_cycles(self) -> list[Cycle]:
        rng, today = self.rng, self.today
        current = on_or_before(today - DAY * rng.randint(2, 26))
        first = min(a.start for a in self.allocations)
        wanted = self.b.knobs.cycles
        months = round((current - first).days / 30.5)
        if wanted is None and 3 <= months <= 12:
            # Opened at the first allocation: the cycles run evenly from there to the open one.
            span = (current - first).days / months
            bounds = [first]
            for n in range(1, months):
                day = on_or_before(first + DAY * round(span * n + rng.randint(-4, 4)))
                bounds.append(max(day, bounds[-1] + DAY * 14))
            bounds.append(current)
        else:
            count = wanted if wanted is not None else min(12, max(3, months))
            bounds = [current]
            for _ in range(count):
                bounds.insert(0, on_or_before(bounds[0] - DAY * rng.randint(26, 36)))
        cycles = [Cycle(self.b.uuid(), n + 1, bounds[n], bounds[n + 1]) for n in range(len(bounds) - 1)]
        cycles.append(Cycle(self.b.uuid(), len(cycles) + 1, current, None))
        return cycles

    def cycle_of(self, day: datetime.date) -> Cycle:
        for cycle in reversed(self.cycles):
            if day >= cycle.start:
                return cycle
        return self.cycles[0]

    def session(self, *, day, kind, by, role, people, module=None, note="", sensitivity="ordinary"):
        session_id = self.b.add(
            w.Session,
            family_id=self.family.pk,
            date=day,
            kind=kind,
            module_id=module.pk if module is not None else None,
            note=note,
            recorded_by_id=by,
            case_role=role,
            sensitivity=sensitivity,
        )
        participants = []
        for person_id, alone, visit_id in people:
            if person_id in participants:
                # A person takes part in a session once: a child with two statutory visits on one day
                # by the same worker (the large council has some, depending on the day it is built for)
                # is one participant, linked to the first visit.
                continue
            self.b.add(
                w.SessionParticipant,
                session_id=session_id,
                person_id=person_id,
                seen_alone=alone,
                visit_id=visit_id,
            )
            participants.append(person_id)
        self.sessions_by.setdefault(by, []).append(
            {
                "date": day,
                "kind": kind,
                "people": participants,
                "module": module,
                "alone": list(dict.fromkeys(p for p, a, _v in people if a)),
            }
        )

    def adults_present(self, day, *, carer_chance=0.85, partner_chance=0.5) -> list:
        rng = self.rng
        found = []
        if self.carer.present(day) and rng.random() < carer_chance:
            found.append((self.carer.id, False, None))
        if self.partner is not None and self.partner.present(day) and rng.random() < partner_chance:
            found.append((self.partner.id, False, None))
        return found

    def visit_sessions(self) -> None:
        """A home visit for each day a social worker made the children's statutory visits since the
        Workbook opened: one session, each child seen in it linked to their visit."""
        by_day: dict = defaultdict(list)
        for day, visitor, child_id, seen, alone, visit_id in self.b.visits[self.family.pk]:
            if day >= self.sessions_from and visitor is not None:
                by_day[(day, visitor)].append((child_id, seen, alone, visit_id))
        kids = {c.id: c for c in self.children}
        for (day, visitor), visits in sorted(by_day.items(), key=lambda item: item[0][0]):
            allocation = next(
                (a for a in reversed(self.allocations) if a.worker_id == visitor and a.on(day)), None
            )
            role = allocation.role if allocation is not None else CaseRole.SOCIAL_WORKER
            seen = [(child_id, alone, visit_id) for child_id, was_seen, alone, visit_id in visits if was_seen]
            placed = all(
                any(s <= day and (e is None or day < e) for s, e in self.b.in_care[child_id])
                for child_id, *_rest in visits
            )
            if placed:
                # A looked-after child is visited where they live, without the parents.
                people, kind = seen, "sw_placement"
                ctx = self.ctx(child=kids[visits[0][0]])
            else:
                people, kind = seen + self.adults_present(day), "sw_visit"
                ctx = self.ctx(child=kids[seen[0][0]] if seen else None)
            note = text.session_note(self.rng, kind, ctx) if self.rng.random() < 0.7 else ""
            if not seen:
                note = "Children not seen at this visit."
            self.session(day=day, kind="home_visit", by=visitor, role=role, people=people, note=note)

    def worker_sessions(self) -> None:
        """Phone calls and appointments with the parents, the family support worker's visits and groups,
        and each adult practitioner's sessions with the adults they work with."""
        rng = self.rng
        for cycle in self.cycles:
            end = cycle.end or self.today
            if cycle.start < self.sessions_from:
                continue
            for allocation in self.allocations:
                if not allocation.covers(cycle.start, end, overlap=3):
                    continue
                lo = max(cycle.start, allocation.start)
                hi = min(end, allocation.end or end)
                if allocation.role in SW_ROLES:
                    for _ in range(rng.choice(self.b.knobs.calls)):
                        day = self.day_in(lo, hi)
                        if self.carer.present(day):
                            kind = self.pick_kind([("phone", 6), ("office", 3), ("video", 1)])
                            self.session(
                                day=day,
                                kind=kind,
                                by=allocation.worker_id,
                                role=allocation.role,
                                people=[(self.carer.id, False, None)],
                                note=text.session_note(rng, f"sw_{kind}", self.ctx())
                                if rng.random() < 0.6
                                else "",
                            )
                elif allocation.role == CaseRole.FAMILY_SUPPORT_WORKER:
                    for _ in range(rng.randint(*self.b.knobs.adult_sessions)):
                        day = self.day_in(lo, hi)
                        people = self.adults_present(day, carer_chance=1.0, partner_chance=0.3)
                        if people:
                            kind = self.pick_kind(SESSION_KINDS[allocation.role])
                            self.session(
                                day=day,
                                kind=kind,
                                by=allocation.worker_id,
                                role=allocation.role,
                                people=people,
                                note=text.session_note(rng, f"fsw_{kind}", self.ctx())
                                if rng.random() < 0.7
                                else "",
                            )
                elif allocation.role in ADULT_PRACTITIONER_CASE_ROLES:
                    adults = [a for a in self.adults if a.id in allocation.works_with]
                    for _ in range(rng.randint(*self.b.knobs.adult_sessions)):
                        day = self.day_in(lo, hi)
                        people = [(a.id, False, None) for a in adults if a.present(day)]
                        if people:
                            kind = self.pick_kind(SESSION_KINDS.get(allocation.role, [("office", 1)]))
                            bank = text.ROLE_KEY.get(allocation.role, "")
                            if kind in ("phone", "video") or (kind == "group" and rng.random() < 0.5):
                                bank = f"adult_{kind}"
                            self.session(
                                day=day,
                                kind=kind,
                                by=allocation.worker_id,
                                role=allocation.role,
                                people=people,
                                note=text.session_note(rng, bank, self.ctx(adult=adults[0]))
                                if rng.random() < 0.5
                                else "",
                                # A note by an adult's own practitioner about adults only is special category.
                                sensitivity="adult_special",
                            )

    def pick_kind(self, weighted) -> str:
        return self.b.pick(weighted)

    def day_in(self, start: datetime.date, end: datetime.date) -> datetime.date:
        return self.b.day_in(start, end)

    # ---- The programme of modules ------------------------------------------------------------------------

    def module_worker(self, order: int, parent: Member, day: datetime.date) -> tuple[int, str, bool] | None:
        """Who delivers a module to a parent on a day: the adult practitioner whose subject it is, if they
        work with that parent then; else the family support worker; else the social worker.
        Returns (worker, role, whether they are the parent's own practitioner)."""
        for role in MODULE_OWNERS.get(order, ()):
            allocation = self.allocated_on(day, (role,))
            if allocation is not None and parent.id in allocation.works_with:
                return allocation.worker_id, role, True
        allocation = self.allocated_on(day, (CaseRole.FAMILY_SUPPORT_WORKER,))
        if allocation is not None:
            return allocation.worker_id, allocation.role, False
        found = self.social_worker_on(day)
        return (found[0], found[1], False) if found else None

    def module_work(self) -> None:
        """Each engaged parent works through the modules in order, one to two months each; what is past
        is completed (on the day of its last session), the current one in progress, the rest not started."""
        rng, today = self.rng, self.today
        modules = self.b.modules
        if not modules:
            return
        # The programme starts once someone is allocated to deliver it. Most families take a year or more
        # over the eight modules; some go faster and finish.
        begins = max(self.opened, min(a.start for a in self.allocations))
        available = (today - begins).days - 20
        forced = self.plan.get("programme_done") and available > 12 * len(modules)
        low, high = (18, 32) if rng.random() < 0.2 else (30, 70)
        for position, parent in enumerate(self.parents):
            if parent.left is not None and parent.left <= self.opened:
                continue
            if position > 0 and rng.random() < 0.35:
                continue  # the second parent has not engaged with the programme
            self.module_done[parent.id] = done = {}
            if forced:
                # Finished in time for the parenting assessment: the modules share the time there was.
                start = begins + DAY * 5
                lengths = [(available - 10) // len(modules) - 1] * len(modules)
            else:
                start = begins + DAY * rng.randint(5, 40 if self.b.knobs.cycles is None else 600)
                lengths = [rng.randint(low, high) for _ in modules]
            ctx = self.ctx(adult=parent)
            for module, length in zip(modules, lengths, strict=True):
                if start >= today - DAY * 2 or not parent.present(start):
                    self.b.add(
                        w.ModuleWork,
                        id=assessment_read.module_work_id(self.family.pk, parent.id, module.pk),
                        family_id=self.family.pk,
                        parent_id=parent.id,
                        module_id=module.pk,
                        state=w.ModuleWork.State.NOT_STARTED,
                    )
                    continue
                end = start + DAY * length
                finished = end <= today - DAY * 3
                days = sorted(
                    {
                        self.day_in(start, min(end, today))
                        for _ in range(rng.randint(*self.b.knobs.module_sessions))
                    }
                )
                last_by = None
                for day in days:
                    if day < self.sessions_from:
                        continue
                    worker = self.module_worker(module.order, parent, day)
                    if worker is None:
                        continue
                    by, role, own = worker
                    people = [(parent.id, False, None)]
                    if not own and self.partner is not None and parent is self.carer and rng.random() < 0.3:
                        if self.partner.present(day):
                            people.append((self.partner.id, False, None))
                    self.session(
                        day=day,
                        kind=self.b.pick([("office", 4), ("home_visit", 4), ("group", 2)]),
                        by=by,
                        role=role,
                        people=people,
                        module=module,
                        note=text.session_note(rng, "module", ctx) if rng.random() < 0.5 else "",
                        sensitivity="adult_special" if own else "ordinary",
                    )
                    last_by = by
                state = w.ModuleWork.State.COMPLETED if finished else w.ModuleWork.State.IN_PROGRESS
                completed_on = days[-1] if finished else None
                if finished:
                    done[module.order] = completed_on
                self.b.add(
                    w.ModuleWork,
                    id=assessment_read.module_work_id(self.family.pk, parent.id, module.pk),
                    family_id=self.family.pk,
                    parent_id=parent.id,
                    module_id=module.pk,
                    state=state,
                    covered=text.module_text(rng, module.order, "covered", ctx),
                    reflections=text.module_text(rng, module.order, "reflections", ctx)
                    if finished or rng.random() < 0.5
                    else "",
                    analysis=text.module_text(rng, module.order, "analysis", ctx) if finished else "",
                    completed_on=completed_on,
                    updated_by_id=last_by,
                    version=rng.randint(1, 4),
                )
                start = end + DAY * (1 if forced else rng.randint(1, 10))

    # ---- Significant events ------------------------------------------------------------------------------

    def significant_events(self) -> None:
        rng, today = self.rng, self.today
        roles = {a.role for a in self.allocations}
        born = [c for c in self.children if c.born is not None]
        choices = [("hospital", 2), ("other", 2), ("house_move", 1), ("death", 0.3)]
        if roles & {CaseRole.DA_VICTIM_PRACTITIONER, CaseRole.DA_PERPETRATOR_PRACTITIONER}:
            choices += [("police_da", 5)]
            if self.partner is not None:
                choices += [("arrest", 2)]
        if CaseRole.RECOVERY_WORKER in roles:
            choices += [("relapse", 3)]
        if CaseRole.MENTAL_HEALTH_PRACTITIONER in roles:
            choices += [("mental_health_crisis", 2)]
        if any(5 <= c.age(today) <= 16 for c in born):
            choices += [("exclusion", 1), ("disclosure", 2)]
        if any(c.age(today) >= 12 for c in born):
            choices += [("police_other", 1)]
        if any(0 <= c.age(today) < 5 for c in born):
            choices += [("injury", 1)]
        planned = []
        if any(kind == "police_da" for kind, _w in choices):
            planned.append("police_da")  # every family with a domestic abuse worker has had one
        for _ in range(rng.randint(*self.b.knobs.events) - len(planned)):
            planned.append(self.b.pick(choices))
        for kind in planned:
            self.event(kind, self.day_in(self.opened, today - DAY))
        for child in born:
            if self.opened <= child.born <= today:
                self.event("birth", child.born, child=child)
        for child_id, start in self.b.missing[self.family.pk]:
            if self.opened <= start <= today:
                self.event("missing", start, child=next(c for c in self.children if c.id == child_id))

    def event(self, kind: str, day: datetime.date, *, child: Member | None = None) -> None:
        rng = self.rng
        born = [c for c in self.children if c.born is not None and c.born <= day]
        if child is None:
            if kind == "exclusion" or kind == "disclosure":
                born = [c for c in born if 5 <= c.age(day) <= 16] or born
            elif kind == "police_other":
                born = [c for c in born if c.age(day) >= 12] or born
            elif kind == "injury":
                born = [c for c in born if c.age(day) < 5] or born
            child = rng.choice(born) if born else None
        subject = self.carer
        by_roles: tuple = ()
        if kind in ("police_da", "arrest"):
            by_roles = (CaseRole.DA_VICTIM_PRACTITIONER, CaseRole.DA_PERPETRATOR_PRACTITIONER)
        elif kind == "relapse":
            by_roles = (CaseRole.RECOVERY_WORKER,)
        elif kind == "mental_health_crisis":
            by_roles = (CaseRole.MENTAL_HEALTH_PRACTITIONER,)
        for role in by_roles:
            allocation = next((a for a in self.allocations if a.role == role and a.works_with), None)
            if allocation is not None and kind in ("relapse", "mental_health_crisis"):
                subject = next((a for a in self.adults if a.id in allocation.works_with), subject)
        worded = text.event_text(rng, kind, self.ctx(adult=subject, child=child))
        if worded is None:
            return
        recorder = self.allocated_on(day, by_roles) if by_roles else None
        if recorder is not None:
            by = recorder.worker_id
        else:
            found = self.social_worker_on(day)
            by = found[0] if found else self.manager
        people = {subject.id} if subject.present(day) else set()
        if kind in ("police_da", "arrest") and self.partner is not None:
            people.add(self.partner.id)
        if kind == "police_da":
            people.update(c.id for c in born)
        elif child is not None:
            people.add(child.id)
        event_id = self.b.add(
            w.SignificantEvent,
            family_id=self.family.pk,
            date=day,
            kind=kind,
            what_happened=worded[0],
            impact=self.b.pick(EVENT_IMPACT[kind]),
            impact_on_child=worded[1],
            recorded_by_id=by,
        )
        for person_id in sorted(people, key=lambda pk: pk.int):
            self.b.event_people.append((event_id, person_id))
        self.events.append({"date": day, "kind": kind, "child": child})

    # ---- Chapters ----------------------------------------------------------------------------------------

    def authors(self, cycle: Cycle) -> list[Alloc]:
        """Who writes a chapter in a cycle: everyone allocated during it (the later role if someone held
        two), and the social worker who visited if no social worker was allocated."""
        end = cycle.end or self.today
        if cycle.end is None:
            found = [a for a in self.allocations if a.end is None or a.end >= cycle.start]
        else:
            found = [a for a in self.allocations if a.covers(cycle.start, end)]
        by_worker = {a.worker_id: a for a in found}
        if cycle.end is not None and not any(a.role in SW_ROLES for a in by_worker.values()):
            visitors = Counter(
                v[1] for v in self.b.visits[self.family.pk] if cycle.start <= v[0] < end and v[1] is not None
            )
            if visitors:
                worker, _n = min(visitors.items(), key=lambda item: (-item[1], item[0]))
                by_worker.setdefault(worker, Alloc(None, worker, CaseRole.SOCIAL_WORKER, cycle.start, end))
        return sorted(by_worker.values(), key=lambda a: (a.start, a.worker_id))

    def chapters(self) -> None:
        rng = self.rng
        last_steps: dict = {}  # (worker, about) -> next steps of their last chapter
        for cycle in self.cycles:
            end = cycle.end or self.today
            for allocation in self.authors(cycle):
                worker = allocation.worker_id
                state = self.chapter_state(cycle, allocation)
                if state is None:
                    continue
                version = 1 if state == "draft" and cycle.end is None else rng.randint(1, 5)
                if cycle.end is not None:
                    shared_on = max(cycle.start, on_or_before(cycle.end - DAY * rng.randint(0, 6)))
                else:
                    shared_on = self.day_in(cycle.start, self.today) if state == "shared" else None
                chapter_id = self.b.add(
                    w.Chapter,
                    cycle_id=cycle.id,
                    author_id=worker,
                    case_role=allocation.role,
                    state=state,
                    shared_on=shared_on,
                    version=version,
                )
                if allocation.role in ADULT_PRACTITIONER_CASE_ROLES:
                    about = [a for a in self.adults if a.id in allocation.works_with] or [self.carer]
                    sensitivity = "adult_special"
                else:
                    about, sensitivity = [None], "ordinary"
                for adult in about:
                    key = (worker, adult.id if adult else None)
                    sections, steps = self.part_text(
                        cycle, end, allocation, adult, last_steps.get(key), state
                    )
                    last_steps[key] = steps
                    part_id = self.b.add(
                        w.ChapterPart,
                        chapter_id=chapter_id,
                        about_person_id=adult.id if adult else None,
                        sensitivity=sensitivity,
                        **sections,
                    )
                    if cycle.end is not None and rng.random() < 0.015:
                        # Locked once the cycle closed: a correction is an addendum, the original kept.
                        added, reason = rng.choice(text.ADDENDA)
                        self.b.add(
                            w.ChapterAddendum,
                            chapter_id=chapter_id,
                            part_id=part_id,
                            text=text.fill(added, self.ctx(adult=adult)),
                            reason=reason,
                            written_by_id=worker,
                        )

    def chapter_state(self, cycle: Cycle, allocation: Alloc) -> str | None:
        """Shared in a closed cycle; in the open one not started (None), a draft or shared."""
        if cycle.end is not None:
            return "shared"
        if allocation.end is not None:
            return "shared"  # they handed over during this cycle, chapter written
        if allocation.worker_id == self.plan.get("own_worker") and "own_state" in self.plan:
            return self.plan["own_state"]
        if allocation.worker_id == self.b.personas.get("dan") and "dan_state" in self.plan:
            return self.plan["dan_state"]
        return self.b.pick([(None, 3), ("draft", 3), ("shared", 4)])

    def part_text(self, cycle, end, allocation, adult, previous_steps, state) -> tuple[dict, list]:
        rng = self.rng
        role_key = text.ROLE_KEY.get(allocation.role, "sw")
        made: list[dict] = []

        def context() -> dict:
            # Made once, and only when a text needs it: with the large council's composed texts, most
            # chapters need none.
            if not made:
                made.append(self.ctx(adult=adult, when=cycle.start + DAY * 14))
            return made[0]

        lead = self.facts(cycle, end, allocation, adult, context)
        if previous_steps and rng.random() < 0.4:
            lead["work_done"].insert(0, text.echo(rng, rng.choice(previous_steps), context()))
        count = self.b.knobs.sentences
        variants = self.b.knobs.text_variants
        about = adult.id if adult is not None else None
        sections = {}
        for key in (
            "work_done",
            "what_changed",
            "meaning_for_children",
            "worries",
            "working_well",
            "parents_words",
        ):
            n = (1, 1) if key == "parents_words" else count
            if variants:
                pool = self.texts.get((allocation.worker_id, about, key))
                if pool is None:
                    pool = self.texts[(allocation.worker_id, about, key)] = [
                        text.compose(rng, role_key, key, context(), count=n) for _ in range(variants)
                    ]
                sections[key] = " ".join([*lead.get(key, []), pool[rng.randrange(variants)]])
            else:
                sections[key] = text.compose(rng, role_key, key, context(), lead=lead.get(key, []), count=n)
        if rng.random() < 0.15:
            sections["parents_words"] = ""  # not every parent talked about it this month
        if variants:
            pool = self.texts.get((allocation.worker_id, about, "next_steps"))
            if pool is None:
                pool = self.texts[(allocation.worker_id, about, "next_steps")] = [
                    text.next_steps(rng, role_key, context()) for _ in range(variants)
                ]
            sections["next_steps"], steps = pool[rng.randrange(variants)]
        else:
            sections["next_steps"], steps = text.next_steps(rng, role_key, context())
        if state == "draft":
            # A draft stops part-way: the sections the worker has not reached yet are empty.
            reached = rng.randint(1, 5)
            for key in list(sections)[reached:]:
                sections[key] = ""
        return sections, steps

    def facts(self, cycle, end, allocation, adult, context) -> dict[str, list[str]]:
        """What the system knows of the cycle, said in the worker's words: the sessions they recorded and
        the significant events (as the chapter's pre-fill would offer them)."""
        mine = [s for s in self.sessions_by.get(allocation.worker_id, ()) if cycle.start <= s["date"] < end]
        if adult is not None:
            mine = [s for s in mine if adult.id in s["people"]]
        found: dict[str, list[str]] = defaultdict(list)
        visits = [
            s for s in mine if s["kind"] == "home_visit" and any(c.id in s["people"] for c in self.children)
        ]
        if allocation.role in SW_ROLES and visits:
            alone = {p for s in visits for p in s["alone"]}
            names = [self.child_name(c) for c in self.children if c.id in alone]
            sentence = f"I made {self.count(len(visits), 'home visit')} this cycle"
            if names:
                sentence += f" and saw {self.join(names)} on their own"
            found["work_done"].append(sentence + ".")
        elif mine:
            kinds = Counter(w.Session.Kind(s["kind"]).label.lower() for s in mine)
            listed = self.join([self.count(n, kind) for kind, n in sorted(kinds.items())])
            who = f" with {adult.name}" if adult is not None else ""
            found["work_done"].append(f"I had {listed}{who} this cycle.")
            modules = sorted({s["module"].name for s in mine if s["module"] is not None})
            if modules:
                found["work_done"].append(f'We worked on the module "{modules[0]}".')
        for event in self.events:
            if cycle.start <= event["date"] < end:
                ctx = context()
                mention = EVENT_MENTIONS[event["kind"]]
                if "{partner}" in mention and "partner" not in ctx:
                    continue
                local = dict(ctx, child=self.child_name(event["child"]) if event["child"] else ctx["child"])
                found["what_changed"].append(f"On {event['date']:%-d %B} {mention.format_map(local)}.")
        return found

    @staticmethod
    def count(n: int, noun: str) -> str:
        words = {1: "one", 2: "two", 3: "three", 4: "four", 5: "five", 6: "six"}
        if n == 1:
            return f"one {noun}"
        plural = noun + ("es" if noun.endswith(("h", "s")) else "s")
        return f"{words.get(n, n)} {plural}"

    @staticmethod
    def join(names: list[str]) -> str:
        return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]

    # ---- Assessments -------------------------------------------------------------------------------------

    def assessments(self) -> None:
        rng = self.rng
        born = [c for c in self.children if c.born is not None]
        # Integrated: on the day the children's statutory assessments were authorised since the Workbook
        # opened, with their factors, as authorising it would have completed them.
        days = Counter(
            authorised
            for c in born
            for _start, authorised, _factors in self.b.assessments[c.id]
            if authorised is not None and self.opened < authorised < self.today
        )
        if days and (self.plan.get("integrated") or rng.random() < 0.5):
            day = max(days, key=lambda d: (days[d], d))
            factors = {
                str(c.id): list(f)
                for c in born
                for _start, authorised, f in self.b.assessments[c.id]
                if authorised == day
            }
            self.integrated(day, factors, status="authorised")
        if self.plan.get("sent_assessment"):
            self.integrated(None, self.open_factors(born), status="sent")
        elif rng.random() < 0.3:
            open_factors = self.open_factors(born)
            if open_factors:
                self.integrated(None, open_factors, status="draft")
        # Parenting: once every parent in the programme has finished every module.
        done = list(self.module_done.values())
        if self.b.modules and done and all(len(d) == len(self.b.modules) for d in done):
            day = on_or_before(max(max(d.values()) for d in done) + DAY * rng.randint(7, 20))
            if day < self.today:
                self.parenting(day)

    def open_factors(self, born) -> dict:
        """For children whose statutory assessment is open: the factors the adult workers' records
        propose (journeys.PRACTITIONER_FACTORS), as the social worker confirmed them."""
        roles = {a.role for a in self.allocations if a.end is None}
        codes = sorted(
            {implied[0] for role, implied in journeys.PRACTITIONER_FACTORS.items() if role in roles},
            key=journeys.FACTOR_ORDER.__getitem__,
        ) or [self.b.pick(list(journeys.FAMILY_FACTOR_RATES.items()))]
        return {
            str(c.id): list(codes)
            for c in born
            if self.b.assessments[c.id] and self.b.assessments[c.id][-1][1] is None
        }

    def proposed(self, factors: dict, day) -> dict:
        """What the adult workers allocated on `day` would have proposed for each child."""
        roles = {a.role for a in self.allocations if (a.end is None if day is None else a.on(day))}
        implied = {code for role in roles for code in journeys.PRACTITIONER_FACTORS.get(role, ())}
        return {child: [code for code in codes if code in implied] for child, codes in factors.items()}

    def integrated(self, day, factors: dict, *, status: str) -> None:
        rng = self.rng
        written = self.social_worker_on(day or self.today)
        lead = next(
            (a for a in self.allocations if a.role == CaseRole.LEAD_SOCIAL_WORKER and a.end is None), None
        )
        writer = written[0] if day is not None and written else (lead.worker_id if lead else None)
        if writer is None or not factors:
            return
        ctx = self.ctx()
        compiled = text.pick_text(rng, text.ASSESSMENT_COMPILED, ctx)
        analysis = (
            text.pick_text(rng, text.ASSESSMENT_ANALYSIS, ctx)
            if status != "draft" or rng.random() < 0.5
            else {}
        )
        self.assessment(
            kind=w.FamilyAssessment.Kind.INTEGRATED,
            status=status,
            day=day,
            writer=writer,
            compiled=compiled,
            analysis=analysis,
            factors=factors,
            proposed=self.proposed(factors, day),
        )

    def parenting(self, day) -> None:
        found = self.social_worker_on(day)
        if found is None:
            return
        ctx = self.ctx()
        self.assessment(
            kind=w.FamilyAssessment.Kind.PARENTING,
            status="authorised",
            day=day,
            writer=found[0],
            compiled=text.pick_text(self.rng, {"chapters": text.ASSESSMENT_COMPILED["chapters"]}, ctx),
            analysis=text.pick_text(self.rng, text.PARENTING_ANALYSIS, ctx),
            factors={},
            proposed={},
        )

    def shaped(self, kind, compiled: dict, analysis: dict, factors: dict, proposed: dict):
        """The demo's texts in the shapes the assessment pages read (services.assessments' docstring):
        compiled {"children", "parents", "sections"}, analysis by form field, proposals with reasons."""
        children = [c for c in self.children if c.born is not None and c.left is None]
        if kind == w.FamilyAssessment.Kind.INTEGRATED:
            children = [c for c in children if str(c.id) in factors] or children
        parents = self.parents or self.adults
        headings = {
            "children": "The children's statutory status",
            "chapters": "What the workers' chapters say",
            "events": "Significant events",
        }
        sections = assessment_read.numbered(
            [
                assessment_read.section(key, headings.get(key, key.capitalize()), text)
                for key, text in compiled.items()
            ]
        )
        shaped_compiled = {
            "children": [{"n": n, "id": str(c.id), "name": c.name} for n, c in enumerate(children, start=1)]
            if kind == w.FamilyAssessment.Kind.INTEGRATED
            else [],
            "parents": [{"n": n, "id": str(a.id), "name": a.name} for n, a in enumerate(parents, start=1)]
            if kind == w.FamilyAssessment.Kind.PARENTING
            else [],
            "sections": sections,
        }
        if not analysis:
            shaped_analysis = {}
        elif kind == w.FamilyAssessment.Kind.INTEGRATED:
            shaped_analysis = {
                **{
                    f"life_{n}": f"{c.name}: " + analysis.get("life_for_children", "")
                    for n, c in enumerate(children, start=1)
                },
                "risks": analysis.get("risks", ""),
                "strengths": analysis.get("strengths", ""),
                "change": analysis.get("what_needs_to_change", ""),
            }
        else:
            shaped_analysis = {
                **{f"parent_{n}": analysis.get("capacity", "") for n, _a in enumerate(parents, start=1)},
                "risks": analysis.get("modules", ""),
                "strengths": analysis.get("capacity", ""),
                "change": analysis.get("recommendation", ""),
            }
        reason = {
            "text": "Proposed from the adult workers allocated to the family",
            "sensitivity": "ordinary",
        }
        shaped_proposed = {child: {code: [reason] for code in codes} for child, codes in proposed.items()}
        return shaped_compiled, shaped_analysis, shaped_proposed

    def assessment(self, *, kind, status, day, writer, compiled, analysis, factors, proposed) -> None:
        """The assessment and its kept versions: each time it was sent, returned and authorised."""
        rng = self.rng
        compiled, analysis, proposed = self.shaped(kind, compiled, analysis, factors, proposed)
        history = []
        if status in ("sent", "authorised"):
            history.append(("sent", writer, ""))
            if rng.random() < 0.35:
                history.append(("returned", self.manager, rng.choice(text.MANAGER_COMMENTS)))
                history.append(("sent", writer, ""))
        if status == "authorised":
            history.append(("authorised", self.manager, ""))
        assessment_id = self.b.add(
            w.FamilyAssessment,
            family_id=self.family.pk,
            kind=kind,
            status=status,
            compiled=compiled,
            analysis=analysis,
            proposed_factors=proposed,
            factors=factors,
            written_by_id=writer,
            authorised_by_id=self.manager if status == "authorised" else None,
            authorised_on=day if status == "authorised" else None,
            manager_comments=next((c for s, _by, c in history if s == "returned"), ""),
            version=len(history) + rng.randint(1, 3),
        )
        for number, (version_status, by, comments) in enumerate(history, start=1):
            self.b.add(
                w.AssessmentVersion,
                assessment_id=assessment_id,
                number=number,
                status=version_status,
                compiled=compiled,
                analysis=analysis,
                factors=factors,
                comments=comments,
                by_id=by,
            )


def insert_links(through, columns: tuple[str, str], rows: list[tuple]) -> None:
    """Insert many-to-many links (pairs of UUIDs) in one executemany, or COPY on PostgreSQL, leaving
    their integer ids to the database: bulk_create builds a model instance a row, seconds on the large
    council."""
    if not rows:
        return
    qn = connection.ops.quote_name
    table = qn(through._meta.db_table)
    names = ", ".join(qn(through._meta.get_field(c.removesuffix("_id")).column) for c in columns)
    with connection.cursor() as cursor:
        copy = getattr(cursor.cursor, "copy", None) if connection.vendor == "postgresql" else None
        if copy is not None:  # psycopg 3
            with copy(f"COPY {table} ({names}) FROM STDIN") as stream:
                for row in rows:
                    stream.write_row(row)
            return
        native = connection.features.has_native_uuid_field
        values = [tuple(v if native else v.hex for v in row) for row in rows]
        cursor.executemany(f"INSERT INTO {table} ({names}) VALUES (%s, %s)", values)  # noqa: S608


def build_workbooks(b, families, staff, *, seed: int, scale: str) -> dict[str, int]:
    """Write every family's Workbook (families, allocations and statutory histories already saved).
    Returns the number of records of each kind."""
    return WorkbookBuilder(seed=seed, today=b.today, scale=scale, families=families, staff=staff).build()
