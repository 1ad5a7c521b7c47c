"""A child's outstanding statutory deadlines, worked out from their journey records, and kept as rows.

`child_deadlines` is pure: it takes one child's records, already loaded, and says what is still to be
done and by when. It has no "today": a deadline is outstanding until the record that meets it exists, and
whether it is overdue is decided when a page is read (due_date < today), so the rows stay right overnight.

`deadlines_refresh` rebuilds the Deadline rows of any number of children in a fixed number of queries per
500 children (one per kind of record), so the demo seeding of a large council and `manage.py
deadlines_refresh` take seconds, and the services call it for one child after every write.

The rules (Working Together to Safeguard Children 2023; the Care Planning, Placement and Case Review
(England) Regulations 2010; the Children Act 1989 s32) and their clocks are in clocks.py; which records
start and stop each clock is decided here.
"""

from __future__ import annotations

import datetime
import uuid
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import NamedTuple

from django.conf import settings
from django.db import connections, router, transaction
from django.db.models import Max
from django.utils import timezone

from safeguarding.core.calendar import add_months
from safeguarding.people.models import FamilyMember, Person
from safeguarding.tasks.models import Deadline

from . import clocks, codes
from .models import (
    Assessment,
    CareProceedings,
    ChildInNeedPlan,
    ChildProtectionPlan,
    CoreGroupMeeting,
    DeadlineKind,
    EpisodeOfNeed,
    LookedAfterEpisode,
    LookedAfterReview,
    ReviewConference,
    Section47Enquiry,
    Visit,
)
from .short_breaks import series_start as short_breaks_series_start
from .short_breaks import standing_between_breaks as short_breaks_between

Kind = DeadlineKind

# SQLite allows 999 bound variables per statement in older builds; 500 ids leave room for the rest.
CHUNK = 500


@dataclass
class ChildJourney:
    """One child's journey records, in any order (each rule sorts what it needs): model instances, or any
    objects with the same attributes (deadlines_refresh gives named rows of the columns in SOURCES)."""

    episodes: list[EpisodeOfNeed] = field(default_factory=list)
    assessments: list[Assessment] = field(default_factory=list)
    section47_enquiries: list[Section47Enquiry] = field(default_factory=list)
    cp_plans: list[ChildProtectionPlan] = field(default_factory=list)
    review_conferences: list[ReviewConference] = field(default_factory=list)
    core_groups: list[CoreGroupMeeting] = field(default_factory=list)
    cin_plans: list[ChildInNeedPlan] = field(default_factory=list)
    visits: list[Visit] = field(default_factory=list)
    care_proceedings: list[CareProceedings] = field(default_factory=list)
    looked_after_episodes: list[LookedAfterEpisode] = field(default_factory=list)
    looked_after_reviews: list[LookedAfterReview] = field(default_factory=list)


@dataclass(frozen=True)
class DueDate:
    kind: str
    due_date: datetime.date
    # What the clock runs from, in words, for the worker: "45 working days from the referral on 3 March 2026".
    basis: str


def _day(d: datetime.date) -> str:
    # "3 March 2026" (not %-d, which only glibc's strftime knows).
    return f"{d.day} {d:%B %Y}"


def _last_seen_visit(visits: list[Visit], since: datetime.date) -> Visit | None:
    """The latest visit on or after `since` at which the child was seen.

    A visit where the child was not seen does not meet a visiting standard: seeing the child is the point
    of the visit (Working Together 2023; Care Planning Regulations 2010, reg 28(4))."""
    seen = [v for v in visits if v.child_seen and v.date >= since]
    return max(seen, key=lambda v: v.date, default=None)


def _assessment_deadlines(journey: ChildJourney) -> list[DueDate]:
    """Child and family assessment: 45 working days from the referral (Working Together 2023).

    Each open episode that was not closed as no further action at referral needs an authorised assessment.
    The first assessment of an episode runs from the referral; a later one (a fresh assessment after one
    was authorised, for a change in the child's circumstances) runs from its own start."""
    found = []
    by_episode: dict = defaultdict(list)
    for assessment in journey.assessments:
        by_episode[assessment.episode_id].append(assessment)
    for episode in journey.episodes:
        if episode.closure_date is not None or episode.no_further_action:
            continue
        assessments = sorted(by_episode.get(episode.pk, []), key=lambda a: a.start_date)
        if not assessments:
            found.append(
                DueDate(
                    Kind.ASSESSMENT,
                    clocks.assessment_due(episode.referral_date),
                    f"45 working days from the referral on {_day(episode.referral_date)}",
                )
            )
            continue
        for position, assessment in enumerate(assessments):
            if assessment.authorised_on is not None:
                continue
            if position == 0:
                due = clocks.assessment_due(episode.referral_date)
                basis = f"45 working days from the referral on {_day(episode.referral_date)}"
            else:
                due = clocks.assessment_due(assessment.start_date)
                basis = f"45 working days from the assessment started on {_day(assessment.start_date)}"
            found.append(DueDate(Kind.ASSESSMENT, due, basis))
    return found


def _icpc_deadlines(journey: ChildJourney) -> list[DueDate]:
    """Initial child protection conference: within 15 working days of the strategy discussion that started
    the section 47 enquiry (Working Together 2023). The target was fixed when the enquiry was recorded
    (CIN census InitialCPCtarget), so it is used as recorded. An enquiry on a closed episode is over."""
    closed = {e.pk for e in journey.episodes if e.closure_date is not None}
    return [
        DueDate(
            Kind.ICPC,
            enquiry.icpc_target,
            f"15 working days from the strategy discussion on {_day(enquiry.strategy_discussion_date)}",
        )
        for enquiry in journey.section47_enquiries
        if enquiry.icpc_date is None and not enquiry.icpc_not_required and enquiry.episode_id not in closed
    ]


def _open(records):
    return [r for r in records if r.end_date is None]


def _cp_plan_deadlines(journey: ChildJourney, *, cp_visit_working_days: int) -> list[DueDate]:
    """Core groups, review conferences and visits for an open child protection plan (Working Together 2023).

    The plan starts on the day of the initial conference. First core group within 10 working days of it,
    then at least monthly; first review conference within 3 months, then at most 6-monthly; visits to the
    local standard (CP_VISIT_WORKING_DAYS), from the last visit at which the child was seen during the
    plan, or from the start of the plan."""
    found = []
    for plan in _open(journey.cp_plans):
        core_groups = [m.date for m in journey.core_groups if m.plan_id == plan.pk]
        if core_groups:
            last = max(core_groups)
            found.append(
                DueDate(
                    Kind.CORE_GROUP,
                    clocks.next_core_group_due(last),
                    f"1 month from the last core group on {_day(last)}",
                )
            )
        else:
            found.append(
                DueDate(
                    Kind.FIRST_CORE_GROUP,
                    clocks.first_core_group_due(plan.start_date),
                    f"10 working days from the initial conference on {_day(plan.start_date)}",
                )
            )
        reviews = [r.date for r in journey.review_conferences if r.plan_id == plan.pk]
        if reviews:
            last = max(reviews)
            found.append(
                DueDate(
                    Kind.REVIEW_CONFERENCE,
                    clocks.next_review_conference_due(last),
                    f"6 months from the last review conference on {_day(last)}",
                )
            )
        else:
            found.append(
                DueDate(
                    Kind.REVIEW_CONFERENCE,
                    clocks.first_review_conference_due(plan.start_date),
                    f"3 months from the initial conference on {_day(plan.start_date)}",
                )
            )
        found.append(
            _plan_visit(
                Kind.CP_VISIT, journey, plan.start_date, cp_visit_working_days, "child protection plan"
            )
        )
    return found


def _plan_visit(
    kind: str, journey: ChildJourney, start: datetime.date, every: int, plan_name: str
) -> DueDate:
    visit = _last_seen_visit(journey.visits, start)
    if visit is None:
        return DueDate(
            kind,
            clocks.next_visit_due(start, every_working_days=every),
            f"{every} working days from the start of the {plan_name} on {_day(start)}",
        )
    return DueDate(
        kind,
        clocks.next_visit_due(visit.date, every_working_days=every),
        f"{every} working days from the last visit where the child was seen, on {_day(visit.date)}",
    )


def _cin_plan_deadlines(
    journey: ChildJourney, *, cin_visit_working_days: int, cp_plan_open: bool
) -> list[DueDate]:
    """Visits for an open child in need plan, to the local standard (CIN_VISIT_WORKING_DAYS).

    A child in need plan may not overlap a child protection plan; if the records say both are open, the
    child protection visiting standard (the more frequent) is the one that applies, so no CIN visit is due.
    After a step-down the clock runs from the CIN plan's start, or a visit where the child was seen since."""
    if cp_plan_open:
        return []
    return [
        _plan_visit(Kind.CIN_VISIT, journey, plan.start_date, cin_visit_working_days, "child in need plan")
        for plan in _open(journey.cin_plans)
    ]


def _looked_after_deadlines(journey: ChildJourney) -> list[DueDate]:
    """Visits and reviews for a child who is looked after now (an open SSDA903 episode).

    Care Planning, Placement and Case Review (England) Regulations 2010:
    - reg 28(2): a visit within 1 week of the start of any placement, then at most every 6 weeks in the
      placement's first year; after that at most 3-monthly in a long-term placement (codes.LONG_TERM_
      PLACEMENTS), 6-weekly otherwise. A new episode for a change of legal status only (reason "L") is
      not a new placement, so the placement starts at the latest episode with any other reason.
    - reg 28(4) and (5): a child living with their parents (placement P1) is visited more often. Under an
      interim care order (C1), at least weekly until the first review, then at least every 4 weeks; when a
      full care order (C2) is made, within 1 week of the order, then at most 6-weekly.
    - reg 33: the first review within 20 working days of becoming looked after, the second within 3
      months of the first, then at most 6-monthly. The period of care starts at the latest episode with
      reason "S" (started to be looked after); reviews before it belong to an earlier period.
    - reg 48: on an agreed series of short breaks (V3, V4) the first review is within 3 months of the
      first short break, then at most 6-monthly. Each short break recorded as its own episode (V3) starts
      with reason "S", so the series starts at the first break of the arrangement (short_breaks.py), and
      the review clock keeps running between breaks, when no episode is open, until the arrangement ends
      or lapses. Between breaks the child lives at home: no placement, so no reg 28 visit is due.
    """
    # Two episodes can start on one day (a placement move and a change of legal status): recorded order.
    episodes = sorted(
        journey.looked_after_episodes,
        key=lambda e: (e.start_date, e.created_at.timestamp() if e.created_at else 0.0),
    )
    current = next((e for e in reversed(episodes) if e.end_date is None), None)
    if current is None:
        return _between_short_breaks(journey, episodes)

    short_breaks = current.legal_status in codes.SHORT_BREAKS_LEGAL_STATUSES
    if short_breaks:
        period_start = short_breaks_series_start(episodes)
    else:
        # Records imported mid-period may lack the "S" episode: the earliest episode held then stands in.
        started = next(
            (e for e in reversed(episodes) if e.reason_new_episode == codes.ReasonNewEpisode.STARTED),
            episodes[0],
        )
        period_start = started.start_date
    reviews = sorted(r.date for r in journey.looked_after_reviews if r.date >= period_start)
    return [
        _looked_after_visit(journey, episodes, current, first_review_held=bool(reviews)),
        _looked_after_review(period_start, reviews, short_breaks=short_breaks),
    ]


def _between_short_breaks(journey: ChildJourney, episodes: list) -> list[DueDate]:
    """The next reg 48 review of a child on a series of short breaks who is at home between breaks. A
    review that would fall due after the arrangement lapsed (12 months without a break) is not owed."""
    arrangement = short_breaks_between(episodes)
    if arrangement is None:
        return []
    reviews = sorted(r.date for r in journey.looked_after_reviews if r.date >= arrangement.first_break)
    due = _looked_after_review(arrangement.first_break, reviews, short_breaks=True)
    return [due] if due.due_date <= arrangement.lapses_on else []


def _run_start(episodes: list, keep, *, within_period: bool) -> datetime.date:
    """When the latest run of episodes that `keep` (ending with the current one, which does) began: the
    day a care order was made (the first of the latest C2 episodes). Within a period of care, the run goes
    back no further than the episode that started it. (A series of short breaks: short_breaks.py.)"""
    first = episodes[-1]
    for episode in reversed(episodes):
        if not keep(episode):
            break
        first = episode
        if within_period and episode.reason_new_episode == codes.ReasonNewEpisode.STARTED:
            break
    return first.start_date


def _looked_after_visit(
    journey: ChildJourney, episodes: list, current, *, first_review_held: bool
) -> DueDate:
    """The next visit to a looked-after child (Care Planning Regulations 2010, reg 28)."""
    placement = next(
        (e for e in reversed(episodes) if e.reason_new_episode != codes.ReasonNewEpisode.LEGAL_STATUS),
        current,
    )
    since = placement.start_date
    first_due = clocks.looked_after_first_visit_due(since)
    first_basis = f"1 week from the start of the placement on {_day(since)}"
    with_parents = current.placement_type == codes.PlacementType.P1
    interim_order = with_parents and current.legal_status == codes.LegalStatus.ICO
    if with_parents and current.legal_status == codes.LegalStatus.CARE_ORDER:
        # Reg 28(5)(a): a care order made while the child lives with their parents needs a visit of its own
        # within a week, even with the placement unchanged (a change of legal status only, reason "L"). An
        # order made before the child moved home is covered by the visit within a week of the move.
        made = _run_start(
            episodes, lambda e: e.legal_status == codes.LegalStatus.CARE_ORDER, within_period=True
        )
        if made >= since:
            since = made
            first_due = clocks.looked_after_care_order_at_home_visit_due(made)
            first_basis = f"1 week from the care order made on {_day(made)} while living with parents"

    visit = _last_seen_visit(journey.visits, since)
    if visit is None:
        return DueDate(Kind.LAC_VISIT, first_due, first_basis)
    seen = f"the last visit where the child was seen, on {_day(visit.date)}"
    if interim_order:
        due = clocks.looked_after_interim_order_at_home_next_visit_due(
            visit.date, first_review_held=first_review_held
        )
        interval, until = (
            ("4 weeks", "") if first_review_held else ("1 week", "weekly until the first review, ")
        )
        basis = f"{interval} from {seen}: {until}living with parents on an interim care order"
        return DueDate(Kind.LAC_VISIT, due, basis)
    # Whether the 6-weekly first-year rule applies is decided by when the last visit took place.
    first_year = visit.date < add_months(placement.start_date, 12)
    long_term = current.placement_type in codes.LONG_TERM_PLACEMENTS
    due = clocks.looked_after_next_visit_due(visit.date, first_year=first_year, long_term_placement=long_term)
    interval = "3 months" if (long_term and not first_year) else "6 weeks"
    return DueDate(Kind.LAC_VISIT, due, f"{interval} from {seen}")


def _looked_after_review(period_start: datetime.date, reviews: list, *, short_breaks: bool) -> DueDate:
    """The next review of a looked-after child's case (Care Planning Regulations 2010, regs 33 and 48)."""
    if short_breaks:
        if not reviews:
            due = clocks.short_breaks_first_review_due(period_start)
            basis = f"3 months from the first short break on {_day(period_start)}"
        else:
            due = clocks.short_breaks_next_review_due(reviews[-1])
            basis = f"6 months from the last review on {_day(reviews[-1])}"
    elif not reviews:
        due = clocks.looked_after_first_review_due(period_start)
        basis = f"20 working days from becoming looked after on {_day(period_start)}"
    elif len(reviews) == 1:
        due = clocks.looked_after_second_review_due(reviews[0])
        basis = f"3 months from the first review on {_day(reviews[0])}"
    else:
        due = clocks.looked_after_next_review_due(reviews[-1])
        basis = f"6 months from the last review on {_day(reviews[-1])}"
    return DueDate(Kind.LAC_REVIEW, due, basis)


def _proceedings_deadlines(journey: ChildJourney) -> list[DueDate]:
    """Care proceedings: disposed of within 26 weeks of issue (Children Act 1989 s32(1)(a))."""
    return [
        DueDate(
            Kind.PROCEEDINGS,
            clocks.proceedings_due(proceedings.application_date),
            f"26 weeks from the application issued on {_day(proceedings.application_date)}",
        )
        for proceedings in journey.care_proceedings
        if proceedings.final_order_date is None
    ]


def child_deadlines(
    journey: ChildJourney, *, cp_visit_working_days: int, cin_visit_working_days: int
) -> list[DueDate]:
    """What is still to be done for one child, and by when: soonest first."""
    cp_plan_open = bool(_open(journey.cp_plans))
    found = [
        *_assessment_deadlines(journey),
        *_icpc_deadlines(journey),
        *_cp_plan_deadlines(journey, cp_visit_working_days=cp_visit_working_days),
        *_cin_plan_deadlines(
            journey, cin_visit_working_days=cin_visit_working_days, cp_plan_open=cp_plan_open
        ),
        *_looked_after_deadlines(journey),
        *_proceedings_deadlines(journey),
    ]
    return sorted(found, key=lambda d: (d.due_date, d.kind))


# Each journey field, the model it holds and the columns the rules read. deadlines_refresh loads them as
# named rows, not model instances: building 200,000 model instances was most of the time it took to
# refresh a large council's 20,000 children.
SOURCES: tuple[tuple[str, type, tuple[str, ...]], ...] = (
    ("episodes", EpisodeOfNeed, ("pk", "referral_date", "no_further_action", "closure_date")),
    ("assessments", Assessment, ("episode_id", "start_date", "authorised_on")),
    (
        "section47_enquiries",
        Section47Enquiry,
        ("episode_id", "strategy_discussion_date", "icpc_target", "icpc_date", "icpc_not_required"),
    ),
    ("cp_plans", ChildProtectionPlan, ("pk", "start_date", "end_date")),
    ("review_conferences", ReviewConference, ("plan_id", "date")),
    ("core_groups", CoreGroupMeeting, ("plan_id", "date")),
    ("cin_plans", ChildInNeedPlan, ("start_date", "end_date")),
    ("visits", Visit, ("date", "child_seen")),
    ("care_proceedings", CareProceedings, ("application_date", "final_order_date")),
    (
        "looked_after_episodes",
        LookedAfterEpisode,
        (
            "start_date",
            "created_at",
            "reason_new_episode",
            "legal_status",
            "placement_type",
            "end_date",
            "reason_ceased",
        ),
    ),
    ("looked_after_reviews", LookedAfterReview, ("date",)),
)


class _LatestVisit(NamedTuple):
    child_id: uuid.UUID
    date: datetime.date
    child_seen: bool


class _LatestMeeting(NamedTuple):
    child_id: uuid.UUID
    plan_id: uuid.UUID
    date: datetime.date


def _load(model, columns: tuple[str, ...], child_filter: dict) -> Iterable:
    """The rows of one kind of record for the children selected, as the rules read them.

    Of visits, core groups and review conferences the rules read only the latest (the latest visit at
    which the child was seen, the latest meeting of each plan), so the database sends just that: a
    large council's histories hold 300,000 visits and 80,000 core groups, and loading them all was most
    of the refresh's time. The answer is the same: the latest seen visit on or after a plan's start is
    the latest seen visit, if that is on or after the start, and none otherwise."""
    records = model.objects.filter(**child_filter).order_by()
    if model is Visit:
        latest = records.filter(child_seen=True).values("child_id").annotate(last=Max("date"))
        return (_LatestVisit(child_id, day, True) for child_id, day in latest.values_list("child_id", "last"))
    if model in (CoreGroupMeeting, ReviewConference):
        latest = records.values("child_id", "plan_id").annotate(last=Max("date"))
        return (_LatestMeeting(*row) for row in latest.values_list("child_id", "plan_id", "last"))
    return records.values_list("child_id", *columns, named=True)


def _current_families(where: dict) -> dict:
    """Each child's current family: whose team and lead social worker answer for the child's deadlines.

    A child should be a current child member of one family; if the records say several, the one joined
    most recently (then the lowest family id) is taken, so that every refresh picks the same one."""
    candidates: dict = defaultdict(list)
    memberships = (
        FamilyMember.objects.filter(left_on__isnull=True, member_type=FamilyMember.MemberType.CHILD)
        .filter(**{f"person_id{lookup}": value for lookup, value in where.items()})
        .order_by()
        .values_list("person_id", "family_id", "joined_on")
    )
    for person_id, family_id, joined_on in memberships:
        candidates[person_id].append(
            (-(joined_on or datetime.date.min).toordinal(), str(family_id), family_id)
        )
    return {person_id: min(found)[2] for person_id, found in candidates.items()}


def _selections(ids: list[uuid.UUID]) -> Iterable[tuple[list[uuid.UUID], dict]]:
    """The children to rebuild, CHUNK at a time, each chunk with the lookups that select its rows.

    A few children are selected by id (`child_id IN (...)`). When the ids are a large share of everyone
    (the whole council, after a change of visiting standard, or demo seeding), a chunk is instead the range
    of ids from its lowest to its highest, and every child in that range is rebuilt, asked for or not:
    rebuilding a child is harmless (the rows follow from the records), and comparing two ids is far
    cheaper than matching hundreds of them, which on PostgreSQL took most of a full refresh's time."""
    ids = sorted(ids)
    dense = len(ids) > CHUNK and len(ids) * 3 >= Person.objects.count()
    for start in range(0, len(ids), CHUNK):
        chunk = ids[start : start + CHUNK]
        if dense:
            yield chunk, {"__gte": chunk[0], "__lte": chunk[-1]}
        else:
            yield chunk, {"__in": chunk}


def _insert_deadlines(rows: list[dict]) -> None:
    """Insert Deadline rows given as {attname: value}: every other column takes its default (a new id,
    the time now for the timestamps), and each value is prepared by its field, as bulk_create would.

    One executemany instead of bulk_create: bulk_create builds an SQL statement of a thousand rows'
    placeholders in Python for each batch (a hundred rows at a time on SQLite), which was half the time of
    a large council's refresh; the database driver does the same work for a prepared statement in C."""
    if not rows:
        return
    db = connections[router.db_for_write(Deadline)]
    fields = Deadline._meta.concrete_fields
    given = rows[0].keys()
    now = timezone.now()
    # For each column: a value prepared once for every row, or None to prepare each row's own.
    constant: list = []
    for model_field in fields:
        if getattr(model_field, "auto_now", False) or getattr(model_field, "auto_now_add", False):
            constant.append((model_field.get_db_prep_save(now, db),))
        elif model_field.attname in given or (model_field.has_default() and callable(model_field.default)):
            constant.append(None)
        else:
            constant.append((model_field.get_db_prep_save(model_field.get_default(), db),))
    params = [
        [
            fixed[0]
            if fixed is not None
            else model_field.get_db_prep_save(
                row[model_field.attname] if model_field.attname in row else model_field.get_default(), db
            )
            for model_field, fixed in zip(fields, constant, strict=True)
        ]
        for row in rows
    ]
    quote = db.ops.quote_name
    columns = ", ".join(quote(model_field.column) for model_field in fields)
    placeholders = ", ".join(["%s"] * len(fields))
    with db.cursor() as cursor:
        cursor.executemany(
            f"INSERT INTO {quote(Deadline._meta.db_table)} ({columns}) VALUES ({placeholders})",  # noqa: S608 - our own table and columns, quoted
            params,
        )


def deadlines_refresh(child_ids) -> int:
    """Rebuild the Deadline rows of these children from their journey records; return rows written.

    One query per kind of record per 500 children, then a delete and a bulk insert, all in one transaction
    so a page never shows a child with their deadlines half rebuilt. Call it after any change to a
    child's journey records, to their current family, or to CP_VISIT_WORKING_DAYS/CIN_VISIT_WORKING_DAYS
    (`manage.py deadlines_refresh`)."""
    ids = list({uuid.UUID(str(child_id)) for child_id in child_ids})
    cp_every = settings.CP_VISIT_WORKING_DAYS
    cin_every = settings.CIN_VISIT_WORKING_DAYS
    written = 0
    with transaction.atomic():
        for chunk, where in _selections(ids):
            child_filter = {f"child_id{lookup}": value for lookup, value in where.items()}
            journeys = {child_id: ChildJourney() for child_id in chunk}
            for attribute, model, columns in SOURCES:
                for row in _load(model, columns, child_filter):
                    journey = journeys.get(row.child_id)
                    if journey is None:
                        journey = journeys[row.child_id] = ChildJourney()
                    getattr(journey, attribute).append(row)
            families = _current_families(where)
            rows = [
                {
                    "child_id": child_id,
                    "family_id": families.get(child_id),
                    "kind": due.kind,
                    "due_date": due.due_date,
                    "basis": due.basis,
                }
                for child_id, journey in journeys.items()
                for due in child_deadlines(
                    journey, cp_visit_working_days=cp_every, cin_visit_working_days=cin_every
                )
            ]
            Deadline.objects.filter(**child_filter).delete()
            _insert_deadlines(rows)
            written += len(rows)
    return written
