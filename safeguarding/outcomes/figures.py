"""The council's own outcome figures, counted from its records the DfE's way (issue #12 items 1, 3 and 4).

Pure reads: every function takes a Scope (the whole council or one team) and explicit dates, never
"today". Each kind of record is read once per Records (one values_list query of the few columns a
figure needs) and every period is then counted in Python, so a refresh of three years of months for a
large council is a handful of queries, not one per month per figure.

Counting conventions (shared/domain.md section 6, and the DfE's CIN census and SSDA903 guidance):

- Open on a day. A plan, episode or period of care is open on day D if it started on or before D and
  has no end date or ends after D. The census returns hold the end date of anything that ended in the
  year, so a plan ending ON 31 March is an ended plan in that year's return, not one open at 31 March;
  "at 31 March" counts only what carries on past it. The same reading is used at every month end.
- Short breaks. Looked-after figures leave out episodes under SSDA903 legal statuses V3 and V4 (an agreed
  series of short breaks). The child's other episodes are joined into periods of care: an episode that
  starts on or before the day the previous one ended continues the period (SSDA903 starts a new episode
  the day the last one ends, at each change of placement or legal status); a gap of a day or more starts
  a new period. A child who moves from short breaks into full care starts a period of care that day.
- Years. The DfE's year for children's social care is 1 April to 31 March, named by the year it ends.
- Rates are per 10,000 children aged 0 to 17; the caller gives the population (ONS mid-year estimate or
  the council's setting). No population, no rate: a rate is never invented.

Scope: a child belongs to the team of the family they are now a child member of; a child who has left
every family (a closed case) belongs to the team of any family they were a child member of. Families do
not record past changes of team, so a team's figures for earlier years are those of the children it
holds now (or held last): the page must say so.
"""

from __future__ import annotations

import dataclasses
import datetime
import statistics
import uuid
from bisect import bisect_left, bisect_right
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import cached_property

from django.conf import settings
from django.db.models import Q

from safeguarding.accounts.models import User
from safeguarding.allocation.models import Allocation, CaseRole
from safeguarding.core.calendar import add_months
from safeguarding.journey import clocks, codes
from safeguarding.journey.models import (
    Assessment,
    CareProceedings,
    ChildInNeedPlan,
    ChildProtectionPlan,
    EpisodeOfNeed,
    LookedAfterEpisode,
    Section47Enquiry,
    Visit,
)
from safeguarding.people.models import FamilyMember, Person

ONE_DAY = datetime.timedelta(days=1)
PER = 10_000
# Figures resting on fewer children or records than this are flagged as unstable.
SMALL_NUMBER = 10

# ---- Scope and periods ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Scope:
    """Whose figures: the whole council (team_id None) or the children of one team (see the module doc)."""

    team_id: uuid.UUID | None = None
    label: str = "Whole council"

    @classmethod
    def council(cls) -> Scope:
        return cls()

    @classmethod
    def team(cls, team) -> Scope:
        return cls(team_id=team.pk, label=str(team.name))

    def children(self):
        """A subquery of the ids of the children in scope, or None for the whole council."""
        if self.team_id is None:
            return None
        child = FamilyMember.MemberType.CHILD
        current = FamilyMember.objects.filter(member_type=child, left_on__isnull=True)
        now_in_team = current.filter(family__team_id=self.team_id).values("person_id")
        last_in_team = (
            FamilyMember.objects.filter(member_type=child, family__team_id=self.team_id)
            .exclude(person_id__in=current.values("person_id"))
            .values("person_id")
        )
        return Person.objects.filter(Q(pk__in=now_in_team) | Q(pk__in=last_in_team)).values("pk")


@dataclass(frozen=True)
class Period:
    """A run of days, both ends included: a calendar month or a DfE year (1 April to 31 March)."""

    start: datetime.date
    end: datetime.date
    label: str

    def __contains__(self, day: datetime.date | None) -> bool:
        return day is not None and self.start <= day <= self.end


def month(year: int, month_number: int) -> Period:
    start = datetime.date(year, month_number, 1)
    end = add_months(start, 1) - ONE_DAY
    return Period(start, end, f"{start:%B %Y}")


def months(first: datetime.date, last: datetime.date) -> list[Period]:
    """Every calendar month from the one holding `first` to the one holding `last`."""
    found = []
    day = first.replace(day=1)
    while day <= last:
        found.append(month(day.year, day.month))
        day = add_months(day, 1)
    return found


def dfe_year(ending: int) -> Period:
    """The DfE's year for children's social care that ends on 31 March of `ending` (2025: 2024-25)."""
    return Period(
        datetime.date(ending - 1, 4, 1), datetime.date(ending, 3, 31), f"{ending - 1}-{str(ending)[-2:]}"
    )


def dfe_year_of(day: datetime.date) -> Period:
    return dfe_year(day.year + 1 if day.month >= 4 else day.year)


# ---- Results ----------------------------------------------------------------------------------------------


def _jsonable(value):
    if isinstance(value, datetime.date):
        return value.isoformat()
    if isinstance(value, uuid.UUID):
        return str(value)
    if isinstance(value, dict):
        return {k: _jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_jsonable(v) for v in value]
    return value


@dataclass
class Figure:
    """One figure, with what it counts, over which dates and from which records (`definition`)."""

    key: str
    label: str
    definition: str
    # The days counted over (both included); for a figure "at" a date, start == end == that date.
    start: datetime.date
    end: datetime.date
    value: float | int | None
    # For shares: value = numerator / denominator (None when the denominator is 0).
    numerator: int | None = None
    denominator: int | None = None
    # Per 10,000 children aged 0-17, when a population was given and the figure is a count of children.
    rate: float | None = None
    scope: str = ""

    @property
    def unstable(self) -> bool:
        """Fewer than 10 behind it (the count, or a share's denominator): the page flags it as unstable
        (issue #12: small numbers move a rate a long way by chance)."""
        behind = self.denominator if self.denominator is not None else self.value
        return behind is not None and behind < SMALL_NUMBER

    def as_dict(self) -> dict:
        return _jsonable({**dataclasses.asdict(self), "unstable": self.unstable})


def rate_per_10k(count: int | None, population: int | None) -> float | None:
    """count / population * 10,000, the DfE's rate; None without a population."""
    if count is None or not population:
        return None
    return count / population * PER


def _share(numerator: int, denominator: int) -> float | None:
    return numerator / denominator if denominator else None


def _open_on(start: datetime.date, end: datetime.date | None, day: datetime.date) -> bool:
    # See the module doc: open on D if started by D and not ended on or before D.
    return start <= day and (end is None or end > day)


def _overlaps(start: datetime.date, end: datetime.date | None, period: Period) -> bool:
    return start <= period.end and (end is None or end >= period.start)


def _count_between(days: list[datetime.date], period: Period) -> int:
    """How many of these sorted days fall in the period."""
    return bisect_right(days, period.end) - bisect_left(days, period.start)


@dataclass
class VisitSchedule:
    """A plan's statutory visits: the days they fell due, and those not met by a seen visit in time."""

    start: datetime.date
    end: datetime.date | None
    due: list[datetime.date] = field(default_factory=list)
    missed: list[datetime.date] = field(default_factory=list)


# ---- The records, read once -------------------------------------------------------------------------------


@dataclass(frozen=True)
class CarePeriod:
    child_id: uuid.UUID
    start: datetime.date
    end: datetime.date | None


def periods_of_care(rows: Iterable[tuple]) -> list[CarePeriod]:
    """Periods of care from (child_id, start_date, end_date, legal_status) episodes, short breaks left out
    (see the module doc for how episodes join)."""
    by_child: dict = defaultdict(list)
    for child_id, start, end, legal_status in rows:
        if legal_status in codes.SHORT_BREAKS_LEGAL_STATUSES:
            continue
        by_child[child_id].append((start, end))
    found = []
    for child_id, episodes in by_child.items():
        episodes.sort(key=lambda e: (e[0], e[1] is None, e[1]))
        start, end = episodes[0]
        for next_start, next_end in episodes[1:]:
            if end is None or next_start <= end:
                end = None if (end is None or next_end is None) else max(end, next_end)
            else:
                found.append(CarePeriod(child_id, start, end))
                start, end = next_start, next_end
        found.append(CarePeriod(child_id, start, end))
    return found


class Records:
    """The columns the figures read, loaded on first use, one query per kind of record, for one scope."""

    def __init__(self, scope: Scope):
        self.scope = scope
        self._children = scope.children()

    def _rows(self, model, *columns, **filters) -> list[tuple]:
        records = model.objects.filter(**filters).order_by()
        if self._children is not None:
            records = records.filter(child_id__in=self._children)
        return list(records.values_list(*columns))

    @cached_property
    def care_periods(self) -> list[CarePeriod]:
        return periods_of_care(
            self._rows(LookedAfterEpisode, "child_id", "start_date", "end_date", "legal_status")
        )

    @cached_property
    def referrals(self) -> list[tuple]:
        """(id, child_id, referral_date, closure_date), by referral date."""
        return sorted(
            self._rows(EpisodeOfNeed, "pk", "child_id", "referral_date", "closure_date"),
            key=lambda r: (r[2], str(r[0])),
        )

    @cached_property
    def cp_plans(self) -> list[tuple]:
        """(child_id, start_date, end_date, end_reason)."""
        return self._rows(ChildProtectionPlan, "child_id", "start_date", "end_date", "end_reason")

    @cached_property
    def cin_plans(self) -> list[tuple]:
        """(child_id, episode_id, start_date, end_date)."""
        return self._rows(ChildInNeedPlan, "child_id", "episode_id", "start_date", "end_date")

    @cached_property
    def applications(self) -> list[tuple]:
        return self._rows(CareProceedings, "child_id", "application_date")

    @cached_property
    def assessments(self) -> list[tuple]:
        """(episode_id, start_date, authorised_on)."""
        return self._rows(Assessment, "episode_id", "start_date", "authorised_on")

    @cached_property
    def assessment_factors(self) -> list[tuple]:
        """(episode_id, authorised_on, factors) of completed assessments."""
        return self._rows(Assessment, "episode_id", "authorised_on", "factors", authorised_on__isnull=False)

    @cached_property
    def icpcs(self) -> list[tuple]:
        """(icpc_date, icpc_target) of enquiries whose initial conference was held."""
        return self._rows(Section47Enquiry, "icpc_date", "icpc_target", icpc_date__isnull=False)

    @cached_property
    def seen_visits(self) -> dict:
        """Each child's dates of visits where the child was seen, sorted: only children ever on a plan."""
        on_plans = Q(child_id__in=ChildProtectionPlan.objects.values("child_id")) | Q(
            child_id__in=ChildInNeedPlan.objects.values("child_id")
        )
        visits = Visit.objects.filter(on_plans, child_seen=True).order_by()
        if self._children is not None:
            visits = visits.filter(child_id__in=self._children)
        found: dict = defaultdict(list)
        for child_id, day in visits.values_list("child_id", "date"):
            found[child_id].append(day)
        for days in found.values():
            days.sort()
        return found

    @cached_property
    def social_work_allocations(self) -> list[tuple]:
        """(worker_id, family_id, start_date, end_date) of qualified social workers' allocations."""
        allocations = Allocation.objects.filter(
            worker__role=User.Role.SOCIAL_WORKER,
            case_role__in=[CaseRole.LEAD_SOCIAL_WORKER, CaseRole.SOCIAL_WORKER],
        ).order_by()
        if self.scope.team_id is not None:
            allocations = allocations.filter(family__team_id=self.scope.team_id)
        return list(allocations.values_list("worker_id", "family_id", "start_date", "end_date"))


# ---- Definitions ------------------------------------------------------------------------------------------

SHORT_BREAKS_NOTE = "episodes under legal status V3 or V4 (short breaks) left out"
OPEN_NOTE = "open on the day: started on or before it and not ended on or before it"

DEFINITIONS = {
    "started_looked_after": (
        "Children starting to be looked after",
        "Children whose period of care started in the period, each child once, from looked-after "
        f"episodes ({SHORT_BREAKS_NOTE}).",
    ),
    "looked_after_at": (
        "Children looked after",
        f"Children in a period of care on the day ({OPEN_NOTE}), from looked-after episodes "
        f"({SHORT_BREAKS_NOTE}).",
    ),
    "cp_plans_at": (
        "Children on child protection plans",
        f"Children with a child protection plan {OPEN_NOTE}; a plan ending that day is not counted.",
    ),
    "cp_plans_started": (
        "Child protection plans started",
        "Child protection plans that started (at an initial or transfer-in conference) in the period.",
    ),
    "care_applications": (
        "Children subject to care proceedings applications",
        "Care proceedings records (one per child) whose application was issued in the period. Cafcass "
        "publishes the national figures; the DfE publishes no council-level table.",
    ),
    "children_in_need_at": (
        "Children in need",
        f"Children with an episode of need (referral to closure) {OPEN_NOTE}, including children on "
        "plans and looked after.",
    ),
    "referrals": (
        "Referrals",
        "Referrals (episodes of need) received in the period; a child referred twice counts twice.",
    ),
    "re_referrals": (
        "Re-referrals within 12 months",
        "Referrals in the period that came within 12 months of the same child's previous referral, as a "
        "share of all referrals in the period.",
    ),
    "second_cp_plans": (
        "Second or subsequent child protection plans",
        "Child protection plans started in the period for a child who had a plan before, at any time, as "
        "a share of all plans started in the period.",
    ),
    "cp_plans_two_years": (
        "Child protection plans lasting 2 years or more",
        f"Child protection plans {OPEN_NOTE} that had started 2 years or more before it, as a share of "
        "all plans open that day.",
    ),
}


def _figure(
    key,
    period_or_day,
    value,
    *,
    scope: Scope,
    population=None,
    numerator=None,
    denominator=None,
    counts_children=False,
) -> Figure:
    label, definition = DEFINITIONS[key]
    if isinstance(period_or_day, Period):
        start, end = period_or_day.start, period_or_day.end
    else:
        start = end = period_or_day
    return Figure(
        key=key,
        label=label,
        definition=definition,
        start=start,
        end=end,
        value=value,
        numerator=numerator,
        denominator=denominator,
        rate=rate_per_10k(value, population) if counts_children else None,
        scope=scope.label,
    )


# ---- Counting ---------------------------------------------------------------------------------------------


class OwnFigures:
    """The council's (or a team's) figures from its records: build once, ask for any number of periods."""

    def __init__(self, scope: Scope | None = None, records: Records | None = None):
        self.scope = scope or Scope.council()
        self.records = records or Records(self.scope)
        self._schedules: tuple | None = None
        self._dates: dict = {}

    def _sorted(self, records: str, column: int) -> list[datetime.date]:
        """One column of dates of a kind of record, sorted, so a period's count is two bisections."""
        key = (records, column)
        if key not in self._dates:
            self._dates[key] = sorted(row[column] for row in getattr(self.records, records))
        return self._dates[key]

    # -- looked after

    def started_looked_after(self, period: Period) -> int:
        return len({p.child_id for p in self.records.care_periods if p.start in period})

    def looked_after_at(self, day: datetime.date) -> int:
        return len({p.child_id for p in self.records.care_periods if _open_on(p.start, p.end, day)})

    # -- child protection

    def cp_plans_at(self, day: datetime.date) -> int:
        return len({child for child, start, end, _ in self.records.cp_plans if _open_on(start, end, day)})

    def cp_plans_started(self, period: Period) -> int:
        return _count_between(self._sorted("cp_plans", 1), period)

    def second_cp_plans(self, period: Period) -> tuple[int, int]:
        """(plans started in the period that were second or subsequent, plans started in the period)."""
        first_start: dict = {}
        for child, start, _, _ in self.records.cp_plans:
            first_start[child] = min(start, first_start.get(child, start))
        started = [(child, start) for child, start, _, _ in self.records.cp_plans if start in period]
        return sum(1 for child, start in started if first_start[child] < start), len(started)

    def cp_plans_two_years(self, day: datetime.date) -> tuple[int, int]:
        """(plans open on the day that started 2 years or more before it, plans open on the day)."""
        two_years_before = add_months(day, -24)
        open_plans = [start for _, start, end, _ in self.records.cp_plans if _open_on(start, end, day)]
        return sum(1 for start in open_plans if start <= two_years_before), len(open_plans)

    # -- children in need and referrals

    def children_in_need_at(self, day: datetime.date) -> int:
        return len({child for _, child, start, end in self.records.referrals if _open_on(start, end, day)})

    def cin_plans_at(self, day: datetime.date) -> int:
        return len({child for child, _, start, end in self.records.cin_plans if _open_on(start, end, day)})

    def cin_plans_started(self, period: Period) -> int:
        return _count_between(self._sorted("cin_plans", 2), period)

    def referrals(self, period: Period) -> int:
        return _count_between(self._sorted("referrals", 2), period)

    def re_referrals(self, period: Period) -> tuple[int, int]:
        """(referrals in the period within 12 months of the child's previous referral, referrals)."""
        previous: dict = {}
        within = total = 0
        for _, child, day, _ in self.records.referrals:  # sorted by referral date
            if day in period:
                total += 1
                before = previous.get(child)
                if before is not None and before >= add_months(day, -12):
                    within += 1
            previous[child] = day
        return within, total

    # -- care proceedings

    def care_applications(self, period: Period) -> int:
        return _count_between(self._sorted("applications", 1), period)

    # -- the children behind a figure (a manager's drill-down; the caller applies access rules and audits)

    DRILLABLE = (
        "started_looked_after",
        "looked_after_at",
        "cp_plans_at",
        "cp_plans_started",
        "care_applications",
        "children_in_need_at",
        "referrals",
    )

    def children_behind(self, key: str, period: Period) -> set[uuid.UUID]:
        """The ids of the children a headline count is made of, for the period (a figure "at" a date:
        at the period's last day). Counts of records (plans started, referrals) can be more than the
        children: a child referred twice is one child here."""
        at = period.end
        if key == "started_looked_after":
            return {p.child_id for p in self.records.care_periods if p.start in period}
        if key == "looked_after_at":
            return {p.child_id for p in self.records.care_periods if _open_on(p.start, p.end, at)}
        if key == "cp_plans_at":
            return {child for child, start, end, _ in self.records.cp_plans if _open_on(start, end, at)}
        if key == "cp_plans_started":
            return {child for child, start, _, _ in self.records.cp_plans if start in period}
        if key == "care_applications":
            return {child for child, day in self.records.applications if day in period}
        if key == "children_in_need_at":
            return {child for _, child, start, end in self.records.referrals if _open_on(start, end, at)}
        if key == "referrals":
            return {child for _, child, day, _ in self.records.referrals if day in period}
        raise ValueError(f"no drill-down for {key!r}: one of {', '.join(self.DRILLABLE)}")

    # -- the headline figures of a period

    def headline(self, period: Period, *, population: int | None = None) -> list[Figure]:
        """The figures the DfE publishes for a year (or the same for a month): counts of children with
        their rates, the starts in the period and what was open on its last day."""
        at = period.end
        scope = self.scope
        second, started = self.second_cp_plans(period)
        re_ref, referrals = self.re_referrals(period)
        long_plans, open_plans = self.cp_plans_two_years(at)
        return [
            _figure(
                "started_looked_after",
                period,
                self.started_looked_after(period),
                scope=scope,
                population=population,
                counts_children=True,
            ),
            _figure(
                "looked_after_at",
                at,
                self.looked_after_at(at),
                scope=scope,
                population=population,
                counts_children=True,
            ),
            _figure(
                "cp_plans_at",
                at,
                self.cp_plans_at(at),
                scope=scope,
                population=population,
                counts_children=True,
            ),
            _figure(
                "cp_plans_started", period, started, scope=scope, population=population, counts_children=True
            ),
            _figure(
                "care_applications",
                period,
                self.care_applications(period),
                scope=scope,
                population=population,
                counts_children=True,
            ),
            _figure(
                "children_in_need_at",
                at,
                self.children_in_need_at(at),
                scope=scope,
                population=population,
                counts_children=True,
            ),
            _figure("referrals", period, referrals, scope=scope, population=population, counts_children=True),
            _figure(
                "re_referrals",
                period,
                _share(re_ref, referrals),
                scope=scope,
                numerator=re_ref,
                denominator=referrals,
            ),
            _figure(
                "second_cp_plans",
                period,
                _share(second, started),
                scope=scope,
                numerator=second,
                denominator=started,
            ),
            _figure(
                "cp_plans_two_years",
                at,
                _share(long_plans, open_plans),
                scope=scope,
                numerator=long_plans,
                denominator=open_plans,
            ),
        ]

    # -- the factors identified at assessment

    def factors_identified(self, period: Period) -> dict:
        """The CIN census's factors identified at the end of assessment, as the DfE counts them (table C3):
        episodes of need whose assessment was completed (authorised) in the period, each factor code once
        per episode; `episodes` is those with any factor other than "No factors identified" (21), the
        percentages' denominator."""
        by_episode: dict = defaultdict(set)
        for episode_id, completed, factors in self.records.assessment_factors:
            if completed in period and isinstance(factors, list):
                by_episode[episode_id].update(str(code) for code in factors if code != codes.NO_FACTORS)
        counts: dict[str, int] = defaultdict(int)
        for found in by_episode.values():
            for code in found:
                counts[code] += 1
        return {"episodes": sum(1 for found in by_episode.values() if found), "codes": dict(counts)}

    # -- durations and step-downs

    def days_in_care(self, period: Period) -> Durations:
        """Periods of care that ended in the period: their lengths in days (end date less start date)."""
        return Durations.of(
            [(p.end - p.start).days for p in self.records.care_periods if p.end in period],
            "Days in care",
            "Periods of care (short breaks left out) that ended in the period: days from the start of the "
            "period of care to its end.",
            period,
        )

    def days_on_cp_plans(self, period: Period) -> Durations:
        return Durations.of(
            [(end - start).days for _, start, end, _ in self.records.cp_plans if end in period],
            "Days on child protection plans",
            "Child protection plans that ended in the period: days from the initial conference to the "
            "plan's end.",
            period,
        )

    def days_on_cin_plans(self, period: Period) -> Durations:
        return Durations.of(
            [(end - start).days for _, _, start, end in self.records.cin_plans if end in period],
            "Days on child in need plans",
            "Child in need plans that ended in the period: days from the plan's start to its end.",
            period,
        )

    def cp_step_downs(self, period: Period) -> Figure:
        ended = [reason for _, _, end, reason in self.records.cp_plans if end in period]
        stepped = sum(1 for reason in ended if reason == ChildProtectionPlan.EndReason.STEP_DOWN_CIN)
        return Figure(
            key="cp_step_downs",
            label="Child protection plans stepped down to child in need plans",
            definition="Child protection plans that ended in the period with the reason 'stepped down "
            "to a child in need plan', as a share of all plans that ended in the period.",
            start=period.start,
            end=period.end,
            value=_share(stepped, len(ended)),
            numerator=stepped,
            denominator=len(ended),
            scope=self.scope.label,
        )

    def cin_step_downs_to_closure(self, period: Period) -> Figure:
        """CIN plans ending in the period after which the child's episode of need closed with no child
        protection plan or period of care starting between the plan's end and the closure."""
        closures = {pk: closed for pk, _, _, closed in self.records.referrals}
        escalations: dict = defaultdict(list)
        for child, start, _, _ in self.records.cp_plans:
            escalations[child].append(start)
        for p in self.records.care_periods:
            escalations[p.child_id].append(p.start)
        ended = [(child, episode, end) for child, episode, _, end in self.records.cin_plans if end in period]
        closed = 0
        for child, episode, end in ended:
            closure = closures.get(episode)
            if closure is None or closure < end:
                continue
            if not any(end <= started <= closure for started in escalations[child]):
                closed += 1
        return Figure(
            key="cin_step_downs_to_closure",
            label="Child in need plans ending in closure",
            definition="Child in need plans that ended in the period and were followed by the closure of "
            "the child's episode of need, with no child protection plan or period of care starting in "
            "between, as a share of all child in need plans that ended in the period.",
            start=period.start,
            end=period.end,
            value=_share(closed, len(ended)),
            numerator=closed,
            denominator=len(ended),
            scope=self.scope.label,
        )

    # -- statutory timeliness

    def assessments_in_time(self, period: Period) -> Figure:
        """Assessments authorised in the period within 45 working days: the first of an episode from its
        referral, a later one from its own start (as journey.deadlines counts them)."""
        referred = {pk: day for pk, _, day, _ in self.records.referrals}
        by_episode: dict = defaultdict(list)
        for episode, start, authorised in self.records.assessments:
            by_episode[episode].append((start, authorised))
        done = in_time = 0
        for episode, assessments in by_episode.items():
            assessments.sort(key=lambda a: a[0])
            for position, (start, authorised) in enumerate(assessments):
                if authorised not in period or episode not in referred:
                    continue
                due = clocks.assessment_due(referred[episode] if position == 0 else start)
                done += 1
                in_time += authorised <= due
        return Figure(
            key="assessments_in_time",
            label="Assessments completed within 45 working days",
            definition="Child and family assessments authorised in the period that were authorised within "
            "45 working days of the referral (a later assessment in the same episode: of its start), as a "
            "share of all assessments authorised in the period.",
            start=period.start,
            end=period.end,
            value=_share(in_time, done),
            numerator=in_time,
            denominator=done,
            scope=self.scope.label,
        )

    def icpcs_in_time(self, period: Period) -> Figure:
        held = [(day, target) for day, target in self.records.icpcs if day in period]
        in_time = sum(1 for day, target in held if day <= target)
        return Figure(
            key="icpcs_in_time",
            label="Initial child protection conferences within 15 working days",
            definition="Initial child protection conferences held in the period on or before their target, "
            "15 working days from the strategy discussion, as a share of all held in the period.",
            start=period.start,
            end=period.end,
            value=_share(in_time, len(held)),
            numerator=in_time,
            denominator=len(held),
            scope=self.scope.label,
        )

    def visit_schedules(self, since: datetime.date, until: datetime.date) -> list[VisitSchedule]:
        """The visiting schedule of each plan open at some time from `since` to `until`, up to its end and
        `until`.

        The clock is journey.clocks.next_visit_due with the local standards (CP_VISIT_WORKING_DAYS,
        CIN_VISIT_WORKING_DAYS), from the plan's start, then from each visit where the child was seen: a
        visit is due that many working days after the last, and is met by a seen visit on or before it. A
        missed visit starts the clock again from its due date, so a plan left unvisited misses one visit
        each interval. Whether a due date was met depends only on the visits up to it, so schedules built
        for a wider span of days are reused for a narrower one."""
        cached = self._schedules
        if cached is not None and cached[0] <= since and cached[1] >= until:
            return cached[2]
        schedules = []
        visits = self.records.seen_visits
        # Many plans share days: each (day, standard) is worked out on the calendar once.
        next_due: dict = {}
        plans = [(c, s, e, settings.CP_VISIT_WORKING_DAYS) for c, s, e, _ in self.records.cp_plans]
        plans += [(c, s, e, settings.CIN_VISIT_WORKING_DAYS) for c, _, s, e in self.records.cin_plans]
        for child, start, end, every in plans:
            if start > until or (end is not None and end < since):
                continue
            last = until if end is None else min(end, until)
            days = visits.get(child, [])
            # Visits during the plan (on or after its first day), to the last day counted.
            days = days[bisect_left(days, start) : bisect_right(days, last)]
            schedule = VisitSchedule(start, end)
            anchor, position = start, 0
            while True:
                due = next_due.get((anchor, every))
                if due is None:
                    due = next_due[anchor, every] = clocks.next_visit_due(anchor, every_working_days=every)
                if due > last:
                    break
                while position < len(days) and days[position] <= anchor:
                    position += 1
                visit = days[position] if position < len(days) else None
                schedule.due.append(due)
                if visit is None or visit > due:
                    schedule.missed.append(due)
                anchor = due if visit is None else visit
            schedules.append(schedule)
        self._schedules = (since, until, schedules)
        return schedules

    def visits_in_time(self, period: Period) -> Figure:
        due = missed = 0
        for schedule in self.visit_schedules(period.start, period.end):
            due += _count_between(schedule.due, period)
            missed += _count_between(schedule.missed, period)
        met = due - missed
        return Figure(
            key="visits_in_time",
            label="Plan visits made on time",
            definition="Visits to children on child protection and child in need plans that fell due in "
            f"the period (every {settings.CP_VISIT_WORKING_DAYS} working days on a child protection plan, "
            f"{settings.CIN_VISIT_WORKING_DAYS} on a child in need plan, from the plan's start or the last "
            "visit where the child was seen) that were made, with the child seen, by the due date, as a "
            "share of all that fell due.",
            start=period.start,
            end=period.end,
            value=_share(met, due),
            numerator=met,
            denominator=due,
            scope=self.scope.label,
        )

    def plans_visits_not_met(self, period: Period) -> tuple[int, int]:
        """(plans open in the period with a visit due in it that was not made on time, plans open in it)."""
        open_plans = [
            schedule
            for schedule in self.visit_schedules(period.start, period.end)
            if _overlaps(schedule.start, schedule.end, period)
        ]
        missed = sum(1 for schedule in open_plans if _count_between(schedule.missed, period))
        return missed, len(open_plans)

    # -- caseload

    def caseload(self, day: datetime.date) -> Figure:
        """Open allocations of qualified social workers on the day, per social worker holding any."""
        held = [
            (worker, family)
            for worker, family, start, end in self.records.social_work_allocations
            if _open_on(start, end, day)
        ]
        workers = len({worker for worker, _ in held})
        return Figure(
            key="caseload",
            label="Cases per social worker",
            definition="Families allocated to qualified social workers (user role social worker, as lead "
            f"or social worker on the case) {OPEN_NOTE}, divided by the number of those social workers "
            "holding at least one. A case is a family here: allocations are to families.",
            start=day,
            end=day,
            value=_share(len(held), workers),
            numerator=len(held),
            denominator=workers,
            scope=self.scope.label,
        )

    # -- the monthly indicator table

    def monthly_table(self, periods: Iterable[Period], *, population: int | None = None) -> list[dict]:
        """One row per month, the indicators councils in the national trial returned each month."""
        periods = list(periods)
        if periods:
            self.visit_schedules(min(p.start for p in periods), max(p.end for p in periods))
        rows = []
        for period in periods:
            looked_after = self.looked_after_at(period.end)
            missed, plans = self.plans_visits_not_met(period)
            rows.append(
                {
                    "month": period.start.isoformat(),
                    "label": period.label,
                    "looked_after_at_month_end": looked_after,
                    "looked_after_rate": rate_per_10k(looked_after, population),
                    "started_looked_after": self.started_looked_after(period),
                    "cin_plans_started": self.cin_plans_started(period),
                    "cin_plans_open": self.cin_plans_at(period.end),
                    "cp_plans_started": self.cp_plans_started(period),
                    "cp_plans_open": self.cp_plans_at(period.end),
                    "referrals": self.referrals(period),
                    "care_applications": self.care_applications(period),
                    "cases_per_social_worker": self.caseload(period.end).value,
                    "plans_visits_not_met": missed,
                    "plans_open": plans,
                    "plans_visits_not_met_share": _share(missed, plans),
                }
            )
        return rows


MONTHLY_TABLE_DEFINITIONS = {
    "looked_after_at_month_end": DEFINITIONS["looked_after_at"][1],
    "looked_after_rate": "The looked-after count per 10,000 children aged 0 to 17.",
    "started_looked_after": DEFINITIONS["started_looked_after"][1],
    "cin_plans_started": "Child in need plans that started in the month.",
    "cin_plans_open": f"Children with a child in need plan {OPEN_NOTE} (the month's last day).",
    "cp_plans_started": DEFINITIONS["cp_plans_started"][1],
    "cp_plans_open": f"Children with a child protection plan {OPEN_NOTE} (the month's last day).",
    "referrals": DEFINITIONS["referrals"][1],
    "care_applications": DEFINITIONS["care_applications"][1],
    "cases_per_social_worker": "Families allocated to qualified social workers on the month's last day, "
    "per social worker holding any.",
    "plans_visits_not_met_share": "Child protection and child in need plans open at any time in the "
    "month with a visit due in the month that was not made, with the child seen, by its due date, as a "
    "share of all plans open in the month.",
}


@dataclass
class Durations:
    """Lengths in days of the episodes or plans that ended in a period: count, mean and median."""

    label: str
    definition: str
    start: datetime.date
    end: datetime.date
    count: int
    mean_days: float | None
    median_days: float | None
    days: list[int] = field(default_factory=list, repr=False)

    @classmethod
    def of(cls, days: list[int], label: str, definition: str, period: Period) -> Durations:
        return cls(
            label=label,
            definition=definition,
            start=period.start,
            end=period.end,
            count=len(days),
            mean_days=statistics.fmean(days) if days else None,
            median_days=float(statistics.median(days)) if days else None,
            days=sorted(days),
        )

    def as_dict(self) -> dict:
        found = _jsonable(dataclasses.asdict(self))
        found.pop("days")
        return found


def measures(scope: Scope, period: Period, *, figures: OwnFigures | None = None) -> dict:
    """The model's own evaluation measures for a period (issue #12 item 3), except the 18-month cohorts
    (cohorts.py): durations, step-downs, re-referrals, timeliness and caseload at the period's end."""
    own = figures or OwnFigures(scope)
    re_ref, referrals = own.re_referrals(period)
    return {
        "days_in_care": own.days_in_care(period).as_dict(),
        "days_on_cp_plans": own.days_on_cp_plans(period).as_dict(),
        "days_on_cin_plans": own.days_on_cin_plans(period).as_dict(),
        "cp_step_downs": own.cp_step_downs(period).as_dict(),
        "cin_step_downs_to_closure": own.cin_step_downs_to_closure(period).as_dict(),
        "re_referrals": _figure(
            "re_referrals",
            period,
            _share(re_ref, referrals),
            scope=own.scope,
            numerator=re_ref,
            denominator=referrals,
        ).as_dict(),
        "assessments_in_time": own.assessments_in_time(period).as_dict(),
        "icpcs_in_time": own.icpcs_in_time(period).as_dict(),
        "visits_in_time": own.visits_in_time(period).as_dict(),
        "caseload": own.caseload(period.end).as_dict(),
    }


def snapshot(
    scope: Scope,
    *,
    first_month: datetime.date,
    as_of: datetime.date,
    population: int | None = None,
) -> dict:
    """Everything the outcomes page shows from the council's own records, as JSON-ready data: the
    monthly indicator table for each complete month from `first_month` to the month before `as_of`'s,
    the headline figures and measures of each complete DfE year from `first_month`'s, and the complete
    18-month referral cohorts. One read of each kind of record (a handful of queries in all)."""
    from .cohorts import referral_cohorts

    own = OwnFigures(scope)
    last_month_end = as_of.replace(day=1) - ONE_DAY
    complete_months = months(first_month, last_month_end) if first_month <= last_month_end else []
    years = []
    year = dfe_year_of(first_month)
    while year.end < as_of:
        years.append(year)
        year = dfe_year(year.end.year + 1)
    return {
        "scope": scope.label,
        "as_of": as_of.isoformat(),
        "population": population,
        "monthly": own.monthly_table(complete_months, population=population),
        "monthly_definitions": MONTHLY_TABLE_DEFINITIONS,
        "years": [
            {
                "label": y.label,
                "start": y.start.isoformat(),
                "end": y.end.isoformat(),
                "headline": [f.as_dict() for f in own.headline(y, population=population)],
                "measures": measures(scope, y, figures=own),
                "factors": own.factors_identified(y),
            }
            for y in years
        ],
        "cohorts": [c.as_dict() for c in referral_cohorts(scope, first_month, as_of, records=own.records)],
    }
