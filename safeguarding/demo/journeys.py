"""Statutory histories for the demo council: every child's journey over the last three years up to `today`.

Every family in the demo is an open case held by a Family Safeguarding team, so every child has an open
episode of need today; what differs is where the child is on the journey (being assessed, waiting for an
initial child protection conference, on a child in need plan, on a child protection plan, looked after)
and what came before (earlier referrals closed after no further action or after assessment, earlier plans,
step-ups and step-downs, pre-proceedings, care proceedings, changes of placement and of legal status).

Where the proportions come from
-------------------------------
Contains public sector information licensed under the Open Government Licence v3.0. Source: Department
for Education. The figures are England's, for the year to 31 March 2025 (`time_period` 2025,
`geographic_level` National) in /work/shared/data/dfe/ (see its README):

- b1_children_in_need: `At31_episodes` 402,400 children in need at 31 March (this count includes the
  children on child protection plans and the children looked after).
- cla_number_and_rate_per_10k_children: 81,770 children looked after at 31 March; 32,270 started to be
  looked after in the year.
- d5_cpps_at31march_by_duration: `CPP_At31` 49,420 children on a child protection plan at 31 March, of
  whom 31.5% for 3 months or less, 25.5% for more than 3 and up to 6 months, 26.3% for more than 6 months
  and less than a year, 14.4% for 1 to 2 years and 2.3% for 2 years or more.
- d3_cpps_subsequent_plan: 61,840 plans started in the year, 15,130 (`CPP_subsequent_percent` 24.5%) a
  second or subsequent plan for the child.
- c1_children_in_need_referrals_and_rereferrals: 632,830 referrals, 22.6% (`rereferral_percent`) within
  12 months of a previous referral, 6.5% (`no_further_action_percent`) no further action.
- c3_factors_identified_at_end_of_assessment: 513,250 episodes with factors; each factor's count over
  that total is the chance that an assessment identifies it (domestic abuse with a parent or carer the
  subject 31.7%, a parent's mental health 33.5%, a parent's alcohol misuse 14.3%, drug misuse 14.1%,
  emotional abuse 19.0%, neglect 17.6%, the child's mental health 17.6%, ...). FACTOR_RATES has them all.

The demo's children are all open cases of Family Safeguarding teams, so the mix is the national one
conditional on an open case, with one adjustment: looked-after children move to a children in care team
once the court has decided, so a Family Safeguarding team holds only the recently looked after. Taking
that as half a year's starters (32,270 / 2 = 16,135), the open cases such teams hold number
402,400 - 81,770 + 16,135 = 336,765, and of those:

- on a child protection plan: 49,420 / 336,765 = 14.7% (TARGETS["cp_plan"]);
- looked after: 16,135 / 336,765 = 4.8% (TARGETS["looked_after"]);
- the other 80.5% are children in need without a plan of those kinds. The supplied files do not split
  them; by judgement 8% are being assessed and 2% are waiting for an initial conference after a section
  47 enquiry (b1's `awaiting_assessment` is 16,290, 4.0% of children in need at 31 March, a floor), and
  the rest are on a child in need plan.

Within those: current plans' lengths follow d5; 24.5% of plans started in the last year are a second or
subsequent plan (d3); 22.6% of current referrals came within 12 months of a previous one (c1); earlier
referrals closed as no further action or after an assessment appear in the history. Not in the supplied
files, and set by judgement: referral sources and primary need, the category of abuse (neglect and
emotional abuse the most common, as nationally), how long child in need plans have run, the share of
child protection plans in pre-proceedings, and how often work is late. Factors: each assessment draws
every factor with its England chance (child factors only at ages where they occur; unaccompanied asylum
seekers and private fostering never, since these children live with their families), and adds the
parental problem of each adult practitioner the family has now (a Family Safeguarding family with a
recovery worker has a parent's alcohol or drug misuse identified), so parental factors run above the
England rates, as they should for these families.

Dates obey the entry rules (journey/rules.py) and the model constraints: nothing before a child's birth
(an unborn child has a pre-birth referral and assessment only), nothing after today, contact <= referral <=
assessment < authorisation, strategy discussion <= section 47 <= initial conference = plan start, one open
plan of each kind, child in need plans never overlapping child protection plans (a step-down ends the one
the day the other starts), conferences, core groups and reviews inside their plans, looked-after episodes
contiguous (reason ceased X1) from an "S" episode. Siblings share their family's history; a baby born
after the family's referral has a referral of their own after birth and, if the family is on a child
protection plan, a conference of their own that joins them to it. Most current work is on time; some is
overdue or due soon, and the personas' caseloads get a fixed mix (PERSONA_SCRIPTS) so My tasks and
Timeliness show both. The tests (demo/tests/test_journeys.py) run rules.check and full_clean over every
record of a seeded council, and check the shares above against bands worked out from the council's size.

Everything comes from the builder's seeded RNG, in a fixed order, so a seed gives the same council. The
large council's half a million records are inserted with one executemany per table (insert_rows), which
with SQLite's page cache raised for the duration keeps its seeding to seconds.
"""

from __future__ import annotations

import contextlib
import datetime
from collections import defaultdict
from dataclasses import dataclass, field

from django.conf import settings
from django.db import connection, models
from django.utils import timezone

from safeguarding.allocation.models import CaseRole
from safeguarding.core import calendar
from safeguarding.journey import clocks, codes
from safeguarding.journey import models as j
from safeguarding.journey.deadlines import deadlines_refresh

DAY = datetime.timedelta(days=1)
BATCH = 2000

# ---- The national figures and what they give ---------------------------------------------------------

ENGLAND_2025 = {
    "children_in_need_at_31_march": 402_400,  # b1 At31_episodes
    "looked_after_at_31_march": 81_770,  # cla_number_and_rate, children looked after on 31 March
    "started_looked_after": 32_270,  # cla_number_and_rate, starting to be looked after
    "cp_plans_at_31_march": 49_420,  # d5 CPP_At31
    "cp_plans_started": 61_840,  # d3 CPP_start
    "cp_plans_subsequent_percent": 24.5,  # d3 CPP_subsequent_percent
    "referrals": 632_830,  # c1 referral_count
    "rereferral_percent": 22.6,  # c1 rereferral_percent
    "nfa_percent": 6.5,  # c1 no_further_action_percent
}
_HELD = (
    ENGLAND_2025["children_in_need_at_31_march"]
    - ENGLAND_2025["looked_after_at_31_march"]
    + ENGLAND_2025["started_looked_after"] / 2
)
TARGETS = {
    "cp_plan": ENGLAND_2025["cp_plans_at_31_march"] / _HELD,  # 0.147
    "looked_after": ENGLAND_2025["started_looked_after"] / 2 / _HELD,  # 0.048
    "under_assessment": 0.08,  # judgement (see the docstring)
    "icpc_pending": 0.02,  # judgement
    "rereferral_12_months": ENGLAND_2025["rereferral_percent"] / 100,
    "subsequent_cp_plan": ENGLAND_2025["cp_plans_subsequent_percent"] / 100,
}
TARGETS["cin_plan"] = 1 - sum(
    TARGETS[k] for k in ("cp_plan", "looked_after", "under_assessment", "icpc_pending")
)

# d5: CP plans open at 31 March by how long they had lasted: (shortest days, longest days, share).
CP_DURATIONS = [
    (1, 91, 0.315),
    (92, 182, 0.255),
    (183, 364, 0.263),
    (365, 729, 0.144),
    (730, 900, 0.023),
]

# c3, England 2025: each factor's count over the 513,250 episodes with factors. Family factors (a parent
# or another person in the household, and abuse the siblings share) are drawn once per family episode;
# child factors once per child, from the age given (the age at which the factor occurs in practice).
FAMILY_FACTOR_RATES = {
    "1B": 0.143, "1C": 0.023, "2B": 0.141, "2C": 0.031, "3B": 0.317, "3C": 0.050, "4B": 0.335,
    "4C": 0.046, "5B": 0.030, "5C": 0.015, "6B": 0.054, "6C": 0.010, "16A": 0.176, "17A": 0.190,
    "18C": 0.120, "19C": 0.037, "23A": 0.004, "20": 0.163,
}  # fmt: skip
CHILD_FACTOR_RATES = {
    # code: (rate, youngest age in years)
    "1A": (0.021, 12), "2A": (0.048, 12), "3A": (0.113, 0), "4A": (0.176, 5), "5A": (0.123, 0),
    "6A": (0.047, 0), "7A": (0.037, 8), "10A": (0.033, 10), "11A": (0.024, 10), "12A": (0.004, 10),
    "13A": (0.017, 10), "14A": (0.070, 8), "15A": (0.050, 10), "18B": (0.030, 5), "19B": (0.025, 5),
    "24A": (0.032, 10),
}  # fmt: skip
FACTOR_RATES = {**FAMILY_FACTOR_RATES, **{code: rate for code, (rate, _age) in CHILD_FACTOR_RATES.items()}}
FACTOR_ORDER = {code: position for position, code in enumerate(codes.ASSESSMENT_FACTORS)}
# The adult practitioners' problems (generator.ADULT_PRACTITIONERS) as the factors they are.
PRACTITIONER_FACTORS = {
    CaseRole.DA_VICTIM_PRACTITIONER: ("3B",),
    CaseRole.DA_PERPETRATOR_PRACTITIONER: ("3B",),
    CaseRole.RECOVERY_WORKER: ("1B", "2B"),
    CaseRole.MENTAL_HEALTH_PRACTITIONER: ("4B",),
}

# Judgement, not in the supplied files.
SOURCE_WEIGHTS = [
    ("6", 29), ("2A", 19), ("3A", 4), ("3B", 3), ("3D", 3), ("3E", 2), ("3F", 2), ("5A", 4), ("5B", 3),
    ("5C", 2), ("5D", 6), ("1A", 5), ("1B", 1), ("1C", 1), ("4", 3), ("7", 4), ("8", 5), ("9", 2),
    ("2B", 1), ("10", 1),
]  # fmt: skip
NEED_WEIGHTS = [("N1", 62), ("N5", 13), ("N4", 9), ("N3", 5), ("N8", 2), ("N6", 4), ("N7", 1), ("N2", 4)]
CATEGORY_WEIGHTS = [("NEG", 48), ("EMO", 38), ("PHY", 7), ("SAB", 4), ("MUL", 3)]

# The family's state today, as family weights (siblings share their state; the looked-after share also
# gains teenagers accommodated on their own, see _teen_in_care).
STATE_WEIGHTS = [
    # Less than the target: unborn children (pre-birth assessments) and families that cannot fit a longer
    # history after a baby's birth add to it.
    ("assessment", TARGETS["under_assessment"] - 0.018),
    ("s47", TARGETS["icpc_pending"]),
    # Less than the target: families whose first choice does not fit take a child protection plan.
    ("cp", TARGETS["cp_plan"] - 0.01),
    # More than the target less the teenagers accommodated alone: care proceedings do not fit in some
    # families with a new baby, who then take a child protection plan instead.
    ("lac", TARGETS["looked_after"] + 0.001),
    ("cin", TARGETS["cin_plan"]),
]
TEEN_IN_CARE_CHANCE = 0.06  # of families on a plan with a child of 12 or over
SUBSEQUENT_CHANCE = 0.40  # tuned so that ~24.5% of the last year's plans are second or subsequent
REREFERRAL_CHANCE = 0.25  # tuned so that ~22.6% of current referrals are re-referrals within 12 months
OLDER_EPISODE_CHANCE = 0.18
# Late or missed work on open cases (judgement): each applies to a family in the state named.
LATENESS = {
    "cp": [("visit_overdue", 0.08), ("core_group_overdue", 0.05), ("review_overdue", 0.04)],
    "cin": [("visit_overdue", 0.09)],
    "lac": [("lac_visit_overdue", 0.07), ("lac_review_overdue", 0.05)],
    "assessment": [("assessment_overdue", 0.18)],
    "s47": [("icpc_overdue", 0.15)],
}

# The personas' caseloads: the first families each worker leads get these (state, situations), so every
# persona page has something overdue and something due soon. "north" covers the rest of maria's team.
PERSONA_SCRIPTS = {
    "asha": [
        ("cp", {"visit_overdue", "review_due_soon"}),
        ("assessment", {"assessment_overdue"}),
        ("s47", {"icpc_due_soon"}),
        ("cin", {"visit_due_soon"}),
        ("lac", {"lac_review_due_soon"}),
        ("cp", {"core_group_overdue"}),
    ],
    "ben": [("cp", {"visit_due_soon"}), ("cin", {"visit_overdue"})],
    "north": [
        ("cp", {"review_overdue"}),
        ("s47", {"icpc_overdue"}),
        ("cin", {"visit_overdue"}),
        ("assessment", {"assessment_due_soon"}),
        ("cp", {"visit_due_soon", "plo"}),
        ("lac", {"lac_visit_overdue"}),
        # So that the demo shows a final care order (C2), a change of placement, a teenager accommodated
        # under section 20 (V2) and a missing episode: too rare to count on at this size.
        ("lac", {"final_order"}),
        ("cin", {"teen_in_care"}),
    ],
}

PLACEMENTS_YOUNG = [
    ("U6", "PR1", 40),
    ("U6", "PR4", 20),
    ("U3", "PR1", 25),
    ("P1", "PR0", 10),
    ("R3", "PR4", 5),
]
PLACEMENTS_OLDER = [
    ("U6", "PR1", 35),
    ("U6", "PR4", 30),
    ("U3", "PR1", 20),
    ("P1", "PR0", 5),
    ("K2", "PR4", 10),
]
PARTICIPATION = [("PN1", 40), ("PN6", 25), ("PN2", 10), ("PN4", 8), ("PN5", 7), ("PN7", 6), ("PN3", 4)]
COURT = "Family Court sitting at Demoborough"


# ---- Dates ---------------------------------------------------------------------------------------------

wd = calendar.add_working_days
sub_wd = calendar.subtract_working_days
months = calendar.add_months


def on_or_before(day: datetime.date) -> datetime.date:
    """The last working day on or before `day`."""
    return sub_wd(day + DAY, 1)


def on_or_after(day: datetime.date) -> datetime.date:
    return calendar.next_working_day_on_or_after(day)


def age_on(child, day: datetime.date) -> int:
    born = child.date_of_birth
    if born is None:
        return -1
    return day.year - born.year - ((day.month, day.day) < (born.month, born.day))


# ---- The family's journey, before it is written as each child's records ---------------------------------


@dataclass
class Assess:
    start: datetime.date
    authorised: datetime.date | None = None
    # Closed after assessment as not in need: sometimes no factors at all ("21").
    maybe_none: bool = False


@dataclass
class S47:
    strategy: datetime.date
    start: datetime.date
    icpc: datetime.date | None = None
    not_required: bool = False


@dataclass
class CP:
    start: datetime.date
    category: str
    latest: str
    end: datetime.date | None = None
    end_reason: str = ""
    reviews: list[datetime.date] = field(default_factory=list)
    core_groups: list[datetime.date] = field(default_factory=list)


@dataclass
class CIN:
    start: datetime.date
    end: datetime.date | None = None


@dataclass
class Episode:
    referral: datetime.date
    contact: datetime.date | None
    source: str
    need: str
    nfa: bool = False
    assessments: list[Assess] = field(default_factory=list)
    s47s: list[S47] = field(default_factory=list)
    cps: list[CP] = field(default_factory=list)
    cins: list[CIN] = field(default_factory=list)
    closure: datetime.date | None = None
    closure_reason: str = ""
    visits: list[datetime.date] = field(default_factory=list)
    factors: list[str] = field(default_factory=list)


@dataclass
class PLO:
    lpm: datetime.date
    letter: datetime.date | None = None
    fgdm_offered: datetime.date | None = None
    fgdm_held: datetime.date | None = None
    meetings: list[tuple[str, datetime.date]] = field(default_factory=list)
    decision: datetime.date | None = None
    outcome: str = ""


@dataclass
class Court:
    application: datetime.date
    case_number: str
    hearings: list[tuple[str, datetime.date]] = field(default_factory=list)
    final: datetime.date | None = None
    order: str = ""


@dataclass
class Care:
    """A period of care: its episodes (start, reason for new episode, legal status, placement, provider),
    its end, reviews, visits and missing episodes."""

    episodes: list[tuple[datetime.date, str, str, str, str]]
    end: datetime.date | None = None
    reason_ceased: str = ""
    reviews: list[datetime.date] = field(default_factory=list)
    visits: list[datetime.date] = field(default_factory=list)
    missing: list[tuple[str, datetime.date, datetime.date]] = field(default_factory=list)


@dataclass
class Household:
    family: object
    children: list  # Person, born and unborn
    lead: object | None
    lead_start: datetime.date | None
    previous: tuple | None  # (worker, start, end)
    social_workers: list
    practitioner_roles: list[str]


@dataclass
class FamilyJourney:
    state: str
    episodes: list[Episode] = field(default_factory=list)  # oldest first; the last is open
    plos: list[PLO] = field(default_factory=list)
    courts: list[Court] = field(default_factory=list)
    care: Care | None = None  # every born child is looked after (care proceedings)
    teen: tuple | None = None  # (child, date accommodated, Care): one teenager accommodated alone


class JourneyBuilder:
    def __init__(self, b, *, cp_every: int, cin_every: int):
        self.b = b
        self.rng = b.rng
        self.today = b.today
        self.window_start = months(b.today, -36)
        self.cp_every = cp_every
        self.cin_every = cin_every
        self.rows: dict[type, list] = defaultdict(list)
        self.case_serial = 0

    # -- small draws -------------------------------------------------------------------------------------

    def pick(self, weighted):
        """One value from [(value, weight), ...] or [(a, b, weight), ...] (then the tuple without weight)."""
        values = [w[:-1] if len(w) > 2 else w[0] for w in weighted]
        return self.rng.choices(values, [w[-1] for w in weighted])[0]

    def between(self, lo: datetime.date, hi: datetime.date) -> datetime.date:
        """A day in [lo, hi] (lo if hi < lo)."""
        if hi <= lo:
            return lo
        return lo + DAY * self.rng.randint(0, (hi - lo).days)

    def wd_between(self, lo: datetime.date, hi: datetime.date) -> datetime.date:
        """A working day in [lo, hi], or lo's next working day if there is none."""
        day = self.between(lo, hi)
        if calendar.is_working_day(day):
            return day
        before = on_or_before(day)
        return before if before >= lo else on_or_after(day)

    def referral(self, day: datetime.date, lo: datetime.date, **extra) -> Episode:
        contact = None
        if self.rng.random() < 0.9:
            contact = max(lo, day - DAY * self.rng.choice((0, 0, 0, 1, 1, 2, 3)))
        return Episode(
            referral=day,
            contact=contact,
            source=self.pick(SOURCE_WEIGHTS),
            need=self.pick(NEED_WEIGHTS),
            **extra,
        )

    def category(self) -> tuple[str, str]:
        initial = self.pick(CATEGORY_WEIGHTS)
        latest = initial if self.rng.random() < 0.9 else self.pick(CATEGORY_WEIGHTS)
        return initial, latest

    def family_factors(self, practitioner_roles) -> list[str]:
        found = [code for code, rate in FAMILY_FACTOR_RATES.items() if self.rng.random() < rate]
        for role in practitioner_roles:
            implied = PRACTITIONER_FACTORS.get(role, ())
            if implied and not any(code in found for code in implied):
                found.append(self.rng.choice(implied))
        return found

    # -- schedules -----------------------------------------------------------------------------------------

    def visits(self, start, stop, every, *, open_plan=False, flags=frozenset(), first_within=None):
        """Visits from `start` to `stop`, mostly within `every` working days of each other.

        On an open plan (stop is today) the last visit leaves the next one due after today, unless the
        family's flags say the visit is overdue or due soon."""
        rng, today = self.rng, self.today
        if open_plan and "visit_overdue" in flags:
            stop = min(stop, sub_wd(today, every + rng.randint(2, 10)))
        elif open_plan and "visit_due_soon" in flags:
            stop = min(stop, sub_wd(today, every))
        out = []
        day = start
        gap = rng.randint(1, first_within or max(1, every // 2))
        while True:
            day = wd(day, gap)
            if day > stop:
                break
            out.append(day)
            if rng.random() < 0.06 and day < today - DAY * 90:
                gap = every + rng.randint(1, max(2, every // 2))  # a late visit, long ago
            else:
                gap = rng.randint(max(1, every * 2 // 3), every)
        if open_plan and "visit_due_soon" in flags:
            last = sub_wd(today, every - rng.randint(1, 3))
            if last > start and (not out or last > out[-1]):
                out.append(last)
        elif open_plan and "visit_overdue" not in flags:
            if not out or wd(out[-1], every) < today:
                low = max(start + DAY, sub_wd(today, every - 1), out[-1] + DAY if out else start)
                out.append(self.wd_between(low, today) if low <= today else today)
        return [d for d in out if d <= today]

    def series(self, first_due, next_due, after, stop, *, early_days, late_chance=0.07, late_days=10):
        """Meetings from the first due date on, each held a little before it is due (sometimes late, long
        ago), while they fall on or before `stop`; each strictly after `after` and the one before.
        Returns (dates, the due date of the next one)."""
        rng, today = self.rng, self.today
        out: list[datetime.date] = []
        due = first_due
        while True:
            if rng.random() < late_chance and due < today - DAY * 120:
                day = on_or_after(due + DAY * rng.randint(1, late_days))
            else:
                day = on_or_before(due - DAY * rng.randint(0, early_days))
            floor = out[-1] if out else after
            if day <= floor:
                day = wd(floor, 1)
            if day > stop:
                return out, due
            out.append(day)
            due = next_due(day)

    def cp_meetings(self, plan: CP, stop, *, open_plan=False, flags=frozenset()):
        """Core groups and review conferences of a plan, to `stop` (today for an open plan)."""
        core, core_due = self.series(
            clocks.first_core_group_due(plan.start),
            clocks.next_core_group_due,
            plan.start,
            stop,
            early_days=8,
        )
        reviews, review_due = self.series(
            clocks.first_review_conference_due(plan.start),
            clocks.next_review_conference_due,
            plan.start,
            stop,
            early_days=20,
        )
        if open_plan:
            if "core_group_overdue" in flags:
                core, _ = self._until_overdue(
                    core, clocks.first_core_group_due(plan.start), clocks.next_core_group_due
                )
            if "review_overdue" in flags:
                reviews, _ = self._until_overdue(
                    reviews, clocks.first_review_conference_due(plan.start), clocks.next_review_conference_due
                )
            if "review_due_soon" in flags:
                # Not held early: the next one falls due within the next few working days.
                soon = wd(self.today, 5)
                while reviews and clocks.next_review_conference_due(reviews[-1]) > soon:
                    reviews.pop()
        plan.core_groups, plan.reviews = core, reviews

    def _until_overdue(self, dates, first_due, next_due):
        """Drop the latest meetings until the next one is overdue (or none are left)."""
        dates = list(dates)
        while dates:
            due = next_due(dates[-1])
            if due < self.today - DAY * 2:
                return dates, due
            dates.pop()
        return dates, first_due

    # -- pieces of an episode ------------------------------------------------------------------------------

    def assessment(self, episode: Episode, *, latest: datetime.date, finish_by=None, late_chance=0.1):
        """An assessment from the referral; authorised within 45 working days mostly, if that is by
        `latest`. `finish_by` forces authorisation on or before it (a plan that starts on it)."""
        rng = self.rng
        start = wd(episode.referral, rng.choice((0, 0, 1, 1, 2))) if rng.random() < 0.7 else episode.referral
        if finish_by is not None:
            start = min(start, finish_by - DAY)
        start = max(start, episode.referral)
        if rng.random() < late_chance:
            done = wd(episode.referral, rng.randint(46, 70))
        else:
            done = wd(episode.referral, rng.randint(12, 45))
        if finish_by is not None:
            done = min(done, finish_by)
        if done <= start:
            done = start + DAY
        assessment = Assess(start=start, authorised=done if done <= latest else None)
        episode.assessments.append(assessment)
        return assessment

    def s47_before(self, icpc: datetime.date, lo: datetime.date) -> S47 | None:
        """The strategy discussion and enquiry that led to a conference on `icpc` (mostly within 15
        working days of the discussion), no earlier than `lo`."""
        rng = self.rng
        k = rng.randint(5, 15) if rng.random() < 0.82 else rng.randint(16, 24)
        strategy = sub_wd(icpc, k)
        if strategy < lo:
            strategy = on_or_after(lo)
            if strategy >= icpc:
                return None
        start = strategy if rng.random() < 0.7 else min(wd(strategy, 1), icpc)
        return S47(strategy=strategy, start=start, icpc=icpc)

    def cp_episode_from(self, icpc: datetime.date, lo: datetime.date, *, step_up=None) -> Episode | None:
        """An episode that reaches a child protection plan on `icpc`: referral, assessment, s47.
        `step_up`=(referral, CIN start) when a child in need plan came first (it ends on the ICPC day)."""
        rng = self.rng
        if step_up:
            referral, cin_start = step_up
            episode = self.referral(referral, lo)
            self.assessment(episode, latest=self.today, finish_by=cin_start)
            episode.cins.append(CIN(cin_start, icpc))
            s47 = self.s47_before(icpc, cin_start + DAY)
            if s47 is None:
                return None
            episode.s47s.append(s47)
            return episode
        lo_strategy = max(lo, icpc - DAY * 60)
        s47 = self.s47_before(icpc, lo_strategy)
        if s47 is None:
            return None
        referral = max(lo, s47.strategy - DAY * rng.choice((0, 0, 0, 1, 2, 3, 5, 7, 10)))
        episode = self.referral(referral, lo)
        episode.s47s.append(s47)
        self.assessment(episode, latest=self.today)
        return episode

    # -- the current episode, by state -----------------------------------------------------------------

    def current(self, state: str, flags: set, lo: datetime.date, h: Household) -> FamilyJourney | None:
        return getattr(self, f"_current_{state}")(flags, lo, h)

    def _current_assessment(self, flags, lo, h):
        rng, today = self.rng, self.today
        if "assessment_overdue" in flags:
            k = rng.randint(47, 70)
        elif "assessment_due_soon" in flags:
            k = rng.randint(41, 44)
        else:
            k = rng.randint(1, 44)
        referral = max(on_or_after(lo), sub_wd(today, k))
        if referral > today:
            return None
        episode = self.referral(referral, lo)
        start = min(today, wd(referral, rng.choice((0, 0, 1, 2))) if rng.random() < 0.6 else referral)
        episode.assessments.append(Assess(start=start))
        if start < today - DAY * 3:
            episode.visits = [self.wd_between(start + DAY, today)]
        return FamilyJourney("assessment", [episode])

    def _current_s47(self, flags, lo, h):
        rng, today = self.rng, self.today
        if "icpc_overdue" in flags:
            k = rng.randint(17, 24)
        elif "icpc_due_soon" in flags:
            k = rng.randint(11, 13)
        else:
            k = rng.randint(0, 14)
        strategy = sub_wd(today, k) if k else on_or_before(today)
        if strategy < lo:
            return None
        if rng.random() < 0.3 and strategy - DAY * 120 > lo:
            # Escalation from a child in need plan that stays open until the conference.
            cin_start = self.wd_between(max(lo + DAY * 40, strategy - DAY * 300), strategy - DAY * 30)
            referral = max(lo, sub_wd(cin_start, rng.randint(15, 40)))
            episode = self.referral(referral, lo)
            self.assessment(episode, latest=today, finish_by=cin_start)
            episode.cins.append(CIN(cin_start))
            episode.visits = self.visits(cin_start, strategy, self.cin_every)
        else:
            referral = max(lo, strategy - DAY * rng.choice((0, 0, 0, 1, 2, 4)))
            episode = self.referral(referral, lo)
            start = referral if rng.random() < 0.5 else min(strategy, wd(referral, 1))
            episode.assessments.append(Assess(start=start))
        s47_start = strategy if rng.random() < 0.7 or strategy >= today else wd(strategy, 1)
        episode.s47s.append(S47(strategy=strategy, start=min(s47_start, today)))
        episode.visits.append(self.wd_between(strategy, today) if strategy < today else today)
        return FamilyJourney("s47", [episode])

    def _cp_start(self, flags, lo):
        rng, today = self.rng, self.today
        if "review_due_soon" in flags:
            return on_or_before(months(wd(today, rng.randint(1, 4)), -3))
        low, high = self.pick(CP_DURATIONS)
        if "review_overdue" in flags or "core_group_overdue" in flags:
            low = max(low, 130)
        start = on_or_before(today - DAY * rng.randint(low, max(low, high)))
        if start < lo + DAY * 25:
            start = self.wd_between(lo + DAY * 25, today - DAY)
            if start < lo + DAY * 25 or start >= today:
                return None
        return start

    def _current_cp(self, flags, lo, h):
        rng, today = self.rng, self.today
        icpc = self._cp_start(flags, lo)
        if icpc is None:
            return None
        step_up = None
        if rng.random() < 0.25 and icpc - DAY * 150 > lo:
            cin_start = self.wd_between(max(lo + DAY * 40, icpc - DAY * 330), icpc - DAY * 60)
            step_up = (max(lo, sub_wd(cin_start, rng.randint(15, 40))), cin_start)
        episode = self.cp_episode_from(icpc, lo, step_up=step_up)
        if episode is None:
            return None
        plan = CP(icpc, *self.category())
        episode.s47s[-1].icpc = icpc
        self.cp_meetings(plan, today, open_plan=True, flags=flags)
        episode.cps.append(plan)
        if step_up:
            episode.visits = self.visits(step_up[1], icpc, self.cin_every)
        episode.visits += self.visits(icpc, today, self.cp_every, open_plan=True, flags=flags, first_within=3)
        journey = FamilyJourney("cp", [episode])
        if ("plo" in flags or rng.random() < 0.15) and icpc < today - DAY * 100:
            journey.plos.append(self.plo(self.wd_between(icpc + DAY * 60, today - DAY * 14), decided=None))
        return journey

    def _current_cin(self, flags, lo, h):
        rng, today = self.rng, self.today
        # How long the plan has run: judgement, most under a year.
        running = int(rng.expovariate(1 / 200))
        if "teen_in_care" in flags:
            running = max(running, 150)
        if rng.random() < 0.35:
            # A step-down: a child protection plan that ended at a review conference, then this plan.
            cp_days = rng.randint(100, 420)
            cin_start = on_or_before(today - DAY * min(running, 300))
            icpc = on_or_before(cin_start - DAY * cp_days)
            if icpc - DAY * 40 > lo:
                episode = self.cp_episode_from(icpc, lo)
                if episode is not None:
                    plan = CP(icpc, *self.category())
                    episode.s47s[-1].icpc = icpc
                    self.cp_meetings(plan, cin_start + DAY * 200)
                    ending = next((r for r in plan.reviews if r >= cin_start - DAY * 60), None)
                    if ending is not None and ending < today - DAY * 5:
                        plan.reviews = [r for r in plan.reviews if r <= ending]
                        plan.core_groups = [c for c in plan.core_groups if c < ending]
                        plan.end, plan.end_reason = ending, j.ChildProtectionPlan.EndReason.STEP_DOWN_CIN
                        episode.cps.append(plan)
                        episode.cins.append(CIN(ending))
                        episode.visits = self.visits(icpc, ending, self.cp_every, first_within=3)
                        episode.visits += self.visits(
                            ending, today, self.cin_every, open_plan=True, flags=flags
                        )
                        return FamilyJourney("cin", [episode])
        cin_start = on_or_before(today - DAY * min(running + 1, 700))
        referral = sub_wd(cin_start, rng.randint(12, 50))
        if referral < lo:
            referral = on_or_after(lo)
            cin_start = wd(referral, rng.randint(10, 30))
            if cin_start >= today:
                return None
        episode = self.referral(referral, lo)
        if rng.random() < 0.1:
            # A section 47 enquiry that found no need for a conference.
            strategy = wd(referral, rng.randint(0, 2))
            if strategy < cin_start:
                episode.s47s.append(S47(strategy=strategy, start=strategy, not_required=True))
        self.assessment(episode, latest=today, finish_by=cin_start)
        episode.cins.append(CIN(cin_start))
        episode.visits = self.visits(cin_start, today, self.cin_every, open_plan=True, flags=flags)
        return FamilyJourney("cin", [episode])

    def _current_lac(self, flags, lo, h):
        """Care proceedings: child protection plan, pre-proceedings, application, interim care order (the
        children become looked after, C1), perhaps a final care order (C2)."""
        rng, today = self.rng, self.today
        if "lac_review_due_soon" in flags:
            looked_after = sub_wd(today, 20 - rng.randint(1, 4))
            application = looked_after
        elif "final_order" in flags:
            application = on_or_before(today - DAY * 7 * rng.randint(34, 44))
            looked_after = min(wd(application, rng.choice((0, 1))), on_or_before(today))
        else:
            application = on_or_before(today - DAY * rng.randint(10, 320))
            looked_after = min(wd(application, rng.choice((0, 0, 1, 2, 3))), on_or_before(today))
        decision = on_or_before(application - DAY * rng.randint(0, 20))
        lpm = on_or_before(decision - DAY * rng.randint(56, 120))
        icpc = on_or_before(lpm - DAY * rng.randint(60, 240))
        urgent = icpc - DAY * 40 < lo
        if urgent:
            # No time for pre-proceedings: a conference, then straight to court.
            icpc = self.wd_between(lo + DAY * 25, application - DAY * 10)
            if icpc < lo + DAY * 25 or icpc >= application:
                return None
        episode = self.cp_episode_from(icpc, lo)
        if episode is None:
            return None
        plan = CP(icpc, *self.category())
        episode.s47s[-1].icpc = icpc
        self.cp_meetings(plan, looked_after - DAY)
        plan.end, plan.end_reason = looked_after, j.ChildProtectionPlan.EndReason.LOOKED_AFTER
        episode.cps.append(plan)
        episode.visits = self.visits(icpc, looked_after - DAY, self.cp_every, first_within=3)
        journey = FamilyJourney("lac", [episode])
        if not urgent:
            journey.plos.append(
                self.plo(lpm, decided=(decision, codes.PreProceedingsOutcome.ISSUE_PROCEEDINGS))
            )
        court = self.court(application, looked_after, concluded="final_order" in flags)
        journey.courts.append(court)
        legal_changes = [(court.final, "L", "C2")] if court.final else []
        journey.care = self.care(looked_after, "C1", legal_changes, older=False, flags=flags)
        return journey

    # -- pre-proceedings, court, care ------------------------------------------------------------------

    def plo(self, lpm: datetime.date, *, decided) -> PLO:
        """Legal planning meeting, letter before proceedings, meetings; decided=(date, outcome) or open."""
        rng, today = self.rng, self.today
        stop = decided[0] if decided else today
        plo = PLO(lpm=lpm)
        letter = wd(lpm, rng.randint(2, 8))
        if letter > stop:
            return self._decide(plo, decided)
        plo.letter = letter
        if rng.random() < 0.8 and wd(letter, 3) <= stop:
            plo.fgdm_offered = wd(letter, rng.randint(0, 3))
            held = wd(plo.fgdm_offered, rng.randint(8, 25))
            if rng.random() < 0.7 and held <= stop:
                plo.fgdm_held = held
        meeting = wd(letter, rng.randint(5, 10))
        kind = j.PreProceedingsMeeting.Kind.INITIAL
        while meeting <= stop:
            plo.meetings.append((kind, meeting))
            kind = j.PreProceedingsMeeting.Kind.REVIEW
            meeting = wd(meeting, rng.randint(25, 32))
        return self._decide(plo, decided)

    @staticmethod
    def _decide(plo: PLO, decided) -> PLO:
        if decided:
            plo.decision, plo.outcome = decided
        return plo

    def court(self, application, looked_after, *, concluded=False) -> Court:
        rng, today = self.rng, self.today
        self.case_serial += 1
        court = Court(application, f"DB{application:%y}C{self.case_serial:05d}")
        court.hearings.append((codes.HearingKind.ICO, looked_after))
        cmh = wd(application, rng.randint(8, 12))
        if cmh <= today:
            court.hearings.append((codes.HearingKind.CMH, cmh))
        irh = on_or_before(application + DAY * 7 * rng.randint(16, 21))
        if irh <= today:
            court.hearings.append((codes.HearingKind.IRH, irh))
        final = on_or_before(application + DAY * 7 * rng.randint(22, 44 if not concluded else 30))
        if final <= today and final > irh and (concluded or rng.random() < 0.8):
            court.hearings.append((codes.HearingKind.FINAL, final))
            court.final, court.order = final, codes.FinalOrder.CARE_ORDER
        court.hearings.sort(key=lambda pair: pair[1])
        return court

    def care(self, start, legal, legal_changes, *, older, flags=frozenset()) -> Care:
        """A period of care from `start`: placement changes (P, T) and legal changes (L), reviews, visits."""
        rng, today = self.rng, self.today
        placement, provider = self.pick(PLACEMENTS_OLDER if older else PLACEMENTS_YOUNG)
        episodes = [(start, "S", legal, placement, provider)]
        changes = [(day, "L", status) for day, _reason, status in legal_changes]
        if rng.random() < 0.35 or "final_order" in flags:
            moved = on_or_before(start + DAY * rng.randint(14, 200))
            if moved <= today:
                changes.append((moved, "P", None))
        while changes:
            changes.sort(key=lambda change: change[0])
            day, reason, status = changes.pop(0)
            last = episodes[-1]
            if day <= last[0]:
                continue
            if reason == "L":
                episodes.append((day, "L", status, last[3], last[4]))
                if last[3] == "U6" and rng.random() < 0.4:
                    # The foster carers are approved as the child's long-term carers.
                    confirmed = on_or_before(day + DAY * rng.randint(30, 120))
                    if confirmed <= today:
                        changes.append((confirmed, "T", None))
            elif reason == "T":
                if last[3] == "U6":
                    episodes.append((day, "T", last[2], "U4", last[4]))
            else:
                options = [p for p in (PLACEMENTS_OLDER if older else PLACEMENTS_YOUNG) if p[0] != last[3]]
                new_placement, new_provider = self.pick(options)
                episodes.append((day, "P", last[2], new_placement, new_provider))
        care = Care(episodes=episodes)
        # Visits: within a week of each placement, then at most every 6 weeks.
        placement_starts = [e[0] for e in care.episodes if e[1] != "L"]
        for position, placed in enumerate(placement_starts):
            until = placement_starts[position + 1] - DAY if position + 1 < len(placement_starts) else today
            care.visits += self._lac_visits(
                placed, until, last_placement=position + 1 == len(placement_starts), flags=flags
            )
        # Reviews: 20 working days, 3 months, then 6-monthly.
        reviews, due = [], clocks.looked_after_first_review_due(start)
        if "lac_review_due_soon" not in flags:
            while True:
                day = on_or_before(due - DAY * rng.randint(0, 10))
                if day <= (reviews[-1] if reviews else start):
                    day = wd(reviews[-1] if reviews else start, 1)
                if day > today:
                    break
                reviews.append(day)
                due = (
                    clocks.looked_after_second_review_due(day)
                    if len(reviews) == 1
                    else clocks.looked_after_next_review_due(day)
                )
            if "lac_review_overdue" in flags:
                while reviews and self._lac_review_due(start, reviews) >= today - DAY * 2:
                    reviews.pop()
        care.reviews = reviews
        return care

    @staticmethod
    def _lac_review_due(start, reviews):
        if not reviews:
            return clocks.looked_after_first_review_due(start)
        if len(reviews) == 1:
            return clocks.looked_after_second_review_due(reviews[0])
        return clocks.looked_after_next_review_due(reviews[-1])

    def _lac_visits(self, placed, until, *, last_placement, flags):
        rng, today = self.rng, self.today
        out = []
        day = placed + DAY * rng.randint(1, 6)
        while day <= until:
            out.append(on_or_before(day) if on_or_before(day) > placed else day)
            day = out[-1] + DAY * rng.randint(21, 41)
        if last_placement and until >= today:
            if "lac_visit_overdue" in flags:
                while out and out[-1] + DAY * 42 >= today - DAY * 2:
                    out.pop()
            elif out and out[-1] + DAY * 42 < today:
                out.append(on_or_before(today))
        return [d for d in out if d <= today]

    def missing(self, care: Care, child, *, force=False) -> None:
        rng, today = self.rng, self.today
        if age_on(child, today) < 12 or (not force and rng.random() > 0.4):
            return
        day = care.episodes[0][0] + DAY * rng.randint(7, 40)
        for _ in range(rng.randint(1, 3)):
            end = day + DAY * rng.randint(0, 3)
            if end >= today:
                break
            care.missing.append((rng.choice("MMMA"), day, end))
            day = end + DAY * rng.randint(10, 60)

    # -- history ---------------------------------------------------------------------------------------

    def previous(
        self, before: datetime.date, lo: datetime.date, hi: datetime.date, kind: str
    ) -> Episode | None:
        """A closed episode referred in [lo, hi] and closed before `before`: no further action, closed
        after assessment, a child in need plan, or a child protection plan stepped down to one."""
        rng = self.rng
        if hi < lo:
            return None
        referral = on_or_after(self.between(lo, hi))
        room = (before - referral).days - 7
        if room < 0:
            return None
        if kind == "cp" and room < 170:
            kind = "cin" if room >= 90 else "assessed"
        if kind == "cin" and room < 90:
            kind = "assessed"
        if kind == "assessed" and room < 30:
            kind = "nfa"
        if kind == "nfa":
            episode = self.referral(referral, lo, nfa=True)
            # Closed on the day: RC8 and RC9 mean "after assessment", and there was none.
            episode.closure, episode.closure_reason = referral, codes.ClosureReason.CEASED
            return episode
        if kind == "assessed":
            episode = self.referral(referral, lo)
            assessment = self.assessment(episode, latest=before - DAY * 7, finish_by=before - DAY * 7)
            assessment.maybe_none = True
            if assessment.authorised is None:
                assessment.authorised = before - DAY * 7
            episode.closure = assessment.authorised
            episode.closure_reason = rng.choice(
                (codes.ClosureReason.NFA_AFTER_ASSESSMENT, codes.ClosureReason.EARLY_HELP_AFTER_ASSESSMENT)
            )
            if rng.random() < 0.7:
                episode.visits = [self.wd_between(assessment.start, assessment.authorised)]
            return episode
        if kind == "cin":
            episode = self.referral(referral, lo)
            cin_start = wd(referral, rng.randint(12, 40))
            self.assessment(episode, latest=cin_start, finish_by=cin_start)
            end = on_or_before(min(before - DAY * 7, cin_start + DAY * rng.randint(60, 360)))
            if end <= cin_start:
                end = wd(cin_start, 1)
            episode.cins.append(CIN(cin_start, end))
            episode.closure, episode.closure_reason = end, codes.ClosureReason.CEASED
            episode.visits = self.visits(cin_start, end, self.cin_every)
            return episode
        # A child protection plan, stepped down at a review to a child in need plan, then closed.
        icpc = wd(referral, rng.randint(8, 20))
        episode = self.cp_episode_from(icpc, referral)
        if episode is None:
            return None
        episode.assessments[0].authorised = episode.assessments[0].authorised or wd(
            episode.assessments[0].start, 20
        )
        episode.s47s[-1].icpc = icpc
        plan = CP(icpc, *self.category())
        self.cp_meetings(plan, before)
        limit = before - DAY * 40
        ending = next((r for r in plan.reviews if r >= icpc + DAY * rng.randint(80, 400)), None)
        if ending is None or ending > limit:
            ending = next((r for r in reversed(plan.reviews) if r <= limit), None)
        if ending is None:
            return None
        plan.reviews = [r for r in plan.reviews if r <= ending]
        plan.core_groups = [c for c in plan.core_groups if c < ending]
        plan.end, plan.end_reason = ending, j.ChildProtectionPlan.EndReason.STEP_DOWN_CIN
        episode.cps.append(plan)
        closure = on_or_before(min(before - DAY * 7, ending + DAY * rng.randint(30, 180)))
        if closure <= ending:
            closure = wd(ending, 1)
        if episode.assessments[0].authorised >= closure:
            episode.assessments[0].authorised = on_or_before(closure - DAY)
        episode.cins.append(CIN(ending, closure))
        episode.closure, episode.closure_reason = closure, codes.ClosureReason.CEASED
        episode.visits = self.visits(icpc, ending, self.cp_every, first_within=3)
        episode.visits += self.visits(ending, closure, self.cin_every)
        return episode

    def history(self, journey: FamilyJourney, subsequent: bool) -> None:
        """Earlier, closed episodes before the current referral: re-referrals within 12 months, older ones,
        and an earlier child protection plan for a second or subsequent plan."""
        rng = self.rng
        current = journey.episodes[-1].referral
        lo = on_or_after(self.window_start)
        found = []
        if rng.random() < REREFERRAL_CHANCE:
            kind = "cp" if subsequent else self.pick([("nfa", 25), ("assessed", 45), ("cin", 22), ("cp", 8)])
            hi = current - DAY * (150 if kind == "cp" else 10)
            episode = self.previous(current, max(lo, current - DAY * 364), hi, kind)
            if episode is not None:
                found.append(episode)
                subsequent = subsequent and not episode.cps
        if subsequent or rng.random() < OLDER_EPISODE_CHANCE:
            kind = "cp" if subsequent else self.pick([("nfa", 15), ("assessed", 40), ("cin", 30), ("cp", 15)])
            before = found[0].referral if found else current
            hi = min(current - DAY * 365, before - DAY * (150 if kind == "cp" else 10))
            episode = self.previous(before, lo, hi, kind)
            if episode is not None:
                found.insert(0, episode)
        journey.episodes[:0] = found

    # -- a family --------------------------------------------------------------------------------------

    def family(self, h: Household, scenario) -> None:
        rng = self.rng
        born = [c for c in h.children if c.date_of_birth is not None]
        unborn = [c for c in h.children if c.date_of_birth is None]
        journey = None
        if born:
            if scenario is not None:
                state, flags = scenario[0], set(scenario[1])
            else:
                state, flags = self.pick(STATE_WEIGHTS), set()
                for flag, chance in LATENESS.get(state, ()):
                    if rng.random() < chance:
                        flags.add(flag)
            window = on_or_after(self.window_start)
            for attempt in (state, "cp", "s47", "assessment"):
                # A child protection plan can have begun before the youngest was born (they join it at a
                # conference of their own, see write_joining_child); anything else begins after every
                # child's birth.
                if attempt == "cp":
                    lo = max(window, min(c.date_of_birth for c in born) + DAY)
                else:
                    lo = max(window, max(c.date_of_birth for c in born) + DAY)
                journey = self.current(attempt, flags, lo, h)
                if journey is not None:
                    break
            journey.episodes[-1].factors = self.family_factors(h.practitioner_roles)
            self.history(
                journey, subsequent=journey.state in ("cp", "lac") and rng.random() < SUBSEQUENT_CHANCE
            )
            for episode in journey.episodes[:-1]:
                episode.factors = self.family_factors(())
            if journey.state in ("cp", "cin") and (scenario is None or "teen_in_care" in flags):
                self._teen_in_care(journey, born, force="teen_in_care" in flags)
        visitor = self.visitor(h)
        for child in born:
            if child.date_of_birth >= journey.episodes[-1].referral:
                self.write_joining_child(child, journey, visitor)
            else:
                self.write_child(child, journey, visitor)
        for child in unborn:
            self.write_unborn(child, h)

    def _teen_in_care(self, journey: FamilyJourney, born, *, force=False) -> None:
        rng, today = self.rng, self.today
        episode = journey.episodes[-1]
        teens = [c for c in born if age_on(c, today) >= 12 and c.date_of_birth < episode.referral]
        if not teens or (not force and rng.random() > TEEN_IN_CARE_CHANCE):
            return
        plan = episode.cps[-1] if journey.state == "cp" else episode.cins[-1]
        if plan.start > today - DAY * 40:
            return
        teen = max(teens, key=lambda c: age_on(c, today))
        accommodated = self.wd_between(plan.start + DAY * 14, today - DAY * 3)
        care = self.care(accommodated, "V2", [], older=True)
        self.missing(care, teen, force=force)
        journey.teen = (teen, accommodated, care)

    def visitor(self, h: Household):
        """Who made a visit on a day: the lead social worker since their allocation, the social worker
        before them during theirs, otherwise a colleague in the team."""
        others = [w for w in h.social_workers if w is not h.lead] or h.social_workers
        former = others[self.rng.randrange(len(others))]
        lead_id = h.lead.pk if h.lead is not None else None
        previous_id = h.previous[0].pk if h.previous is not None else None

        def who(day):
            if lead_id is not None and day >= h.lead_start:
                return lead_id
            if previous_id is not None and h.previous[1] <= day:
                return previous_id
            return former.pk

        return who

    def write_joining_child(self, child, journey: FamilyJourney, visitor) -> None:
        """A baby born after the family's current referral, whose brothers and sisters are on a child
        protection plan: a referral of their own soon after birth, then a conference of their own that puts
        them on the plan; from then on the family's core groups, review conferences and visits are theirs
        too (with a first review and core group of their own if the family's fall too late for them)."""
        rng, today = self.rng, self.today
        family_episode = journey.episodes[-1]
        family_plan = family_episode.cps[-1]
        born = child.date_of_birth
        referral = min(on_or_after(born + DAY * rng.randint(1, 7)), today)
        episode = Episode(
            referral=referral,
            contact=max(born + DAY, referral - DAY * rng.choice((0, 0, 1))),
            source=self.pick([("3B", 4), ("3D", 3), ("3E", 1), ("6", 2), ("5A", 2)]),
            need=codes.PrimaryNeed.ABUSE_NEGLECT,
            factors=family_episode.factors,
        )
        self.assessment(episode, latest=today, late_chance=0.05)
        strategy = min(wd(referral, rng.randint(0, 2)), on_or_before(today))
        icpc = wd(strategy, rng.randint(5, 12))
        if icpc >= today:
            episode.s47s.append(S47(strategy=strategy, start=strategy))
            episode.visits = [d for d in family_episode.visits if d > referral]
        else:
            episode.s47s.append(S47(strategy=strategy, start=strategy, icpc=icpc))
            plan = CP(icpc, family_plan.category, family_plan.latest)
            plan.reviews = [r for r in family_plan.reviews if r > icpc]
            first_review = on_or_before(clocks.first_review_conference_due(icpc) - DAY * rng.randint(0, 10))
            if first_review <= today and (not plan.reviews or plan.reviews[0] > first_review):
                plan.reviews.insert(0, first_review)
            plan.core_groups = [c for c in family_plan.core_groups if c > icpc]
            first_core = wd(icpc, rng.randint(3, 10))
            if first_core <= today and (not plan.core_groups or plan.core_groups[0] > first_core):
                plan.core_groups.insert(0, first_core)
            episode.cps.append(plan)
            episode.visits = [d for d in family_episode.visits if d > referral]
            if not any(d > icpc for d in episode.visits) and wd(icpc, 1) <= today:
                episode.visits.append(self.wd_between(wd(icpc, 1), today))
        seen_alone_age = False
        self.write_episode(child, episode, visitor, None, seen_alone_age)
        for plo in journey.plos:
            if plo.lpm > born:
                self.write_plo(child.pk, plo)

    # -- records ---------------------------------------------------------------------------------------

    def _add(self, model, **values):
        """A row to insert: its column values by attribute name. Returns its id."""
        values["id"] = row_id = self.b.uuid()
        self.rows[model].append(values)
        return row_id

    def factors(self, episode: Episode, child, when: datetime.date, maybe_none: bool) -> list[str]:
        rng = self.rng
        if maybe_none and rng.random() < 0.3:
            return [codes.NO_FACTORS]
        age = age_on(child, when)
        found = list(episode.factors)
        for code, (rate, youngest) in CHILD_FACTOR_RATES.items():
            if age >= youngest and rng.random() < rate:
                found.append(code)
        if not found:
            found.append(self.pick(list(FAMILY_FACTOR_RATES.items())))
        return sorted(set(found), key=FACTOR_ORDER.__getitem__)

    def write_child(self, child, journey: FamilyJourney, visitor) -> None:
        cid = child.pk
        cut = care = None
        if journey.teen is not None and journey.teen[0] is child:
            _teen, cut, care = journey.teen
        elif journey.care is not None:
            care = journey.care
        seen_alone_age = age_on(child, self.today) >= 5
        for episode in journey.episodes:
            if episode.referral > child.date_of_birth:
                self.write_episode(
                    child, episode, visitor, cut if episode.closure is None else None, seen_alone_age
                )
        if cut is None:
            for plo in journey.plos:
                self.write_plo(cid, plo)
        for court in journey.courts:
            proceedings = self._add(
                j.CareProceedings,
                child_id=cid,
                application_date=court.application,
                court=COURT,
                case_number=court.case_number,
                final_order_date=court.final,
                final_order=court.order,
            )
            for kind, day in court.hearings:
                self._add(j.CourtHearing, child_id=cid, proceedings_id=proceedings, kind=kind, date=day)
        if care is not None:
            self.write_care(child, care, visitor, seen_alone_age)

    def write_episode(self, child, episode: Episode, visitor, cut, seen_alone_age) -> None:
        """One episode of need for one child. `cut`: the day the child became looked after on their own,
        which ends the open plan (and the family's visits to them under it)."""
        cid = child.pk
        ep = self._add(
            j.EpisodeOfNeed,
            child_id=cid,
            contact_date=episode.contact,
            referral_date=episode.referral,
            referral_source=episode.source,
            primary_need=episode.need,
            no_further_action=episode.nfa,
            closure_date=episode.closure,
            closure_reason=episode.closure_reason,
        )
        for a in episode.assessments:
            self._add(
                j.Assessment,
                child_id=cid,
                episode_id=ep,
                start_date=a.start,
                authorised_on=a.authorised,
                factors=self.factors(episode, child, a.authorised, a.maybe_none) if a.authorised else [],
            )
        for s in episode.s47s:
            self._add(
                j.Section47Enquiry,
                child_id=cid,
                episode_id=ep,
                strategy_discussion_date=s.strategy,
                start_date=s.start,
                icpc_target=clocks.icpc_due(s.strategy),
                icpc_date=s.icpc,
                icpc_not_required=s.not_required,
            )
        for p in episode.cps:
            end, reason = p.end, p.end_reason
            if cut is not None and end is None:
                end, reason = cut, j.ChildProtectionPlan.EndReason.LOOKED_AFTER
            plan = self._add(
                j.ChildProtectionPlan,
                child_id=cid,
                episode_id=ep,
                start_date=p.start,
                initial_category=p.category,
                latest_category=p.latest,
                end_date=end,
                end_reason=reason,
            )
            for day in p.reviews:
                if end is None or day <= end:
                    self._add(j.ReviewConference, child_id=cid, plan_id=plan, date=day)
            for day in p.core_groups:
                if end is None or day < end:
                    self._add(j.CoreGroupMeeting, child_id=cid, plan_id=plan, date=day)
        for c in episode.cins:
            end = cut if cut is not None and c.end is None else c.end
            self._add(j.ChildInNeedPlan, child_id=cid, episode_id=ep, start_date=c.start, end_date=end)
        for day in episode.visits:
            if cut is None or day < cut:
                self._visit(cid, day, visitor, seen_alone_age)

    def write_plo(self, cid, plo: PLO) -> None:
        record = self._add(
            j.PreProceedings,
            child_id=cid,
            legal_planning_meeting_date=plo.lpm,
            letter_before_proceedings_date=plo.letter,
            fgdm_offered_date=plo.fgdm_offered,
            fgdm_held_date=plo.fgdm_held,
            decision_date=plo.decision,
            outcome=plo.outcome,
        )
        for kind, day in plo.meetings:
            self._add(j.PreProceedingsMeeting, child_id=cid, pre_proceedings_id=record, kind=kind, date=day)

    def write_care(self, child, care: Care, visitor, seen_alone_age) -> None:
        cid = child.pk
        older = age_on(child, self.today) >= 13
        for position, (start, reason, legal, placement, provider) in enumerate(care.episodes):
            if position + 1 < len(care.episodes):
                end, ceased = care.episodes[position + 1][0], codes.ReasonCeased.NEW_EPISODE
            else:
                end, ceased = care.end, care.reason_ceased
            if older and placement == "R3":
                placement, provider = "U6", "PR1"
            self._add(
                j.LookedAfterEpisode,
                child_id=cid,
                start_date=start,
                reason_new_episode=reason,
                legal_status=legal,
                category_of_need=codes.CategoryOfNeed.ABUSE_NEGLECT,
                placement_type=placement,
                placement_provider=provider,
                placement_postcode="" if placement == "P1" else self.b.postcode(),
                end_date=end,
                reason_ceased=ceased,
            )
        for day in care.reviews:
            participation = "PN0" if age_on(child, day) < 4 else self.pick(PARTICIPATION)
            self._add(j.LookedAfterReview, child_id=cid, date=day, participation=participation)
        for day in care.visits:
            self._visit(cid, day, visitor, seen_alone_age)
        for kind, start, end in care.missing:
            self._add(j.MissingEpisode, child_id=cid, kind=kind, start_date=start, end_date=end)

    def _visit(self, cid, day, visitor, seen_alone_age):
        rng = self.rng
        seen = rng.random() < 0.97
        self._add(
            j.Visit,
            child_id=cid,
            date=day,
            child_seen=seen,
            seen_alone=seen and seen_alone_age and rng.random() < 0.55,
            visited_by_id=visitor(day),
        )

    def write_unborn(self, child, h: Household) -> None:
        """A pre-birth referral and assessment, nothing more until the baby is born."""
        rng, today = self.rng, self.today
        due = child.expected_date_of_birth
        earliest = max(on_or_after(self.window_start), due - DAY * 196)  # from about 12 weeks pregnant
        referral = self.wd_between(earliest, today - DAY) if earliest < today else on_or_before(today - DAY)
        contact = referral - DAY * rng.choice((0, 0, 1, 2))
        ep = self._add(
            j.EpisodeOfNeed,
            child_id=child.pk,
            contact_date=contact,
            referral_date=referral,
            referral_source=self.pick([("3B", 4), ("3D", 4), ("3A", 1), ("6", 2), ("5A", 1)]),
            primary_need=codes.PrimaryNeed.ABUSE_NEGLECT,
        )
        start = min(today, wd(referral, rng.randint(0, 3)))
        done = wd(referral, rng.randint(20, 44))
        authorised = done if done <= today and rng.random() < 0.6 else None
        factors = self.family_factors(h.practitioner_roles) or ["4B"]
        self._add(
            j.Assessment,
            child_id=child.pk,
            episode_id=ep,
            start_date=start,
            authorised_on=authorised,
            factors=sorted(set(factors), key=FACTOR_ORDER.__getitem__) if authorised else [],
        )

    def save(self) -> dict[str, int]:
        counts = {}
        for model in (
            j.EpisodeOfNeed,
            j.Assessment,
            j.Section47Enquiry,
            j.ChildProtectionPlan,
            j.ReviewConference,
            j.CoreGroupMeeting,
            j.ChildInNeedPlan,
            j.Visit,
            j.PreProceedings,
            j.PreProceedingsMeeting,
            j.CareProceedings,
            j.CourtHearing,
            j.LookedAfterEpisode,
            j.LookedAfterReview,
            j.MissingEpisode,
        ):
            rows = self.rows.get(model, [])
            insert_rows(model, rows)
            counts[model._meta.model_name] = len(rows)
        return counts


def _column(field, now):
    """How one column's value goes to the database: the same conversion Django's get_db_prep_save makes
    for this field on this connection, decided once per column instead of once per value."""
    if isinstance(field, models.DateTimeField):
        # created_at and updated_at: the moment of seeding, as bulk_create would set them.
        stamp = field.get_db_prep_save(now, connection)
        return lambda value: stamp
    target = field.target_field if field.is_relation else field
    if isinstance(target, models.UUIDField) and not connection.features.has_native_uuid_field:
        return lambda value: None if value is None else value.hex
    if isinstance(field, models.DateField) and connection.vendor == "sqlite":
        return lambda value: None if value is None else value.isoformat()
    if isinstance(field, models.JSONField):
        return lambda value: field.get_db_prep_save(value, connection)
    return lambda value: value


def insert_rows(model, rows: list[dict]) -> None:
    """Insert rows (column values by attribute name; the rest take their defaults).

    The bulk insert of the demo's journeys without Django's per-value field preparation: bulk_create
    spent about 75 microseconds a row in it, a minute for the large council's half a million records.
    PostgreSQL takes the rows by COPY (three times faster than an INSERT a row, even pipelined), SQLite
    by executemany of one prepared INSERT. Only for freshly generated rows of known types: no signals, no
    validation (the tests run the entry rules and full_clean over a seeded council instead)."""
    if not rows:
        return
    now = timezone.now()
    fields = model._meta.concrete_fields
    columns = []
    for f in fields:
        default = None if isinstance(f, models.DateTimeField) else f.get_default()
        columns.append((f.attname, default, _column(f, now)))
    table = connection.ops.quote_name(model._meta.db_table)
    names = ", ".join(connection.ops.quote_name(f.column) for f in fields)
    # In key order: the primary key index grows at its end instead of at random places (a third faster).
    rows = sorted(rows, key=lambda row: row["id"].int)
    values = (tuple(convert(row.get(name, default)) for name, default, convert in columns) for row in rows)
    with connection.cursor() as cursor:
        copy = getattr(cursor.cursor, "copy", None) if connection.vendor == "postgresql" else None
        if copy is not None:  # psycopg 3
            with copy(f"COPY {table} ({names}) FROM STDIN") as stream:
                for row in values:
                    stream.write_row(row)
            return
        sql = f"INSERT INTO {table} ({names}) VALUES ({', '.join(['%s'] * len(fields))})"  # noqa: S608
        batch = []
        for row in values:
            batch.append(row)
            if len(batch) == BATCH:
                cursor.executemany(sql, batch)
                batch = []
        if batch:
            cursor.executemany(sql, batch)


@contextlib.contextmanager
def sqlite_page_cache(kib: int = 131072):
    """On SQLite, a bigger page cache while seeding (restored after): the default 2 MB makes each insert
    into an index keyed by random UUIDs read and write pages, and the seeding twice as slow."""
    if connection.vendor != "sqlite":
        yield
        return
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA cache_size")
        before = int(cursor.fetchone()[0])
        cursor.execute(f"PRAGMA cache_size = {-int(kib)}")
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            cursor.execute(f"PRAGMA cache_size = {before}")


def households(b, families, staff) -> list[Household]:
    """The builder's families with their children, lead social worker and adult practitioners."""
    children = defaultdict(list)
    for member in b.members:
        if member.member_type == "child":
            children[member.family_id].append(member.person)
    leads, previous, roles = {}, {}, defaultdict(list)
    for allocation in b.allocations:
        if allocation.case_role == CaseRole.LEAD_SOCIAL_WORKER and allocation.end_date is None:
            leads[allocation.family_id] = allocation
        elif allocation.case_role == CaseRole.SOCIAL_WORKER and allocation.end_date is not None:
            previous[allocation.family_id] = allocation
        elif allocation.case_role in PRACTITIONER_FACTORS and allocation.end_date is None:
            roles[allocation.family_id].append(allocation.case_role)
    found = []
    for family in families:
        lead = leads.get(family.pk)
        before = previous.get(family.pk)
        found.append(
            Household(
                family=family,
                children=children[family.pk],
                lead=lead.worker if lead else None,
                lead_start=lead.start_date if lead else None,
                previous=(before.worker, before.start_date, before.end_date) if before else None,
                social_workers=staff[family.team_id]["social_workers"],
                practitioner_roles=roles[family.pk],
            )
        )
    return found


def scenarios(found: list[Household], north_team_name: str, today: datetime.date) -> dict:
    """The scripted (state, situations) for the personas' families, by family id: each family takes the
    next script it can play (a teenager in care needs a teenager)."""
    scripted = {}
    remaining = {key: list(scripts) for key, scripts in PERSONA_SCRIPTS.items()}
    for h in found:
        key = h.lead.username if h.lead is not None and h.lead.username in PERSONA_SCRIPTS else None
        if key is None and h.family.team.name == north_team_name:
            key = "north"
        if key is None:
            continue
        has_teen = any(age_on(c, today) >= 12 for c in h.children)
        for position, (_state, flags) in enumerate(remaining[key]):
            if "teen_in_care" not in flags or has_teen:
                scripted[h.family.pk] = remaining[key].pop(position)
                break
    return scripted


def build_journeys(b, families, staff, *, north_team_name: str) -> dict[str, int]:
    """Write every child's statutory history (families, people and allocations already saved), then
    rebuild their deadlines. Returns the number of records of each kind."""
    builder = JourneyBuilder(
        b, cp_every=settings.CP_VISIT_WORKING_DAYS, cin_every=settings.CIN_VISIT_WORKING_DAYS
    )
    found = households(b, families, staff)
    scripted = scenarios(found, north_team_name, b.today)
    for h in found:
        builder.family(h, scripted.get(h.family.pk))
    with sqlite_page_cache():
        counts = builder.save()
        counts["deadlines"] = deadlines_refresh([c.pk for h in found for c in h.children])
    return counts
