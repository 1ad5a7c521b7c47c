"""The demo council's parent measures (issue #11), drawn after the readiness readings they follow.

What each family gets
---------------------
Most of every open family's current adults who have an adult practitioner now (nine in ten) have the
questionnaires their practitioner's service uses, about one a Workbook cycle from the first cycle after
the practitioner was allocated (the open cycle's once it has run a week), recorded by that practitioner:

- a mental health practitioner: PHQ-9 and GAD-7, and CORE-10 with half; a psychologist: CORE-10 and PHQ-9;
- a recovery worker: AUDIT and DUDIT (the DUDIT scored with the adult's recorded sex);
- a domestic abuse victim practitioner: the SafeLives DASH, at the start and then every third cycle;
- a perpetrator practitioner or a probation officer: AUDIT-C.

Scores follow the adult's readiness to change (readiness.py, recorded before this): the further along
their stage of change and the more confident they are at the time, the lower their distress, drinking or
risk; a relapse reading brings a worse score. So a parent whose rulers rise has scores that fall, with
reliable improvement and recovery for some, and one whose rulers fall has scores that stay high or rise.
Every answer is drawn so that the instrument's own scoring (measures.scoring) gives the total wanted,
and the stored score is what that scoring gives.

Risk answers: a few adults (about one in forty of those on a PHQ-9 or CORE-10, at least one in the North
team) answered the risk item above zero in their latest questionnaire, recorded in the last week: each
has an open safety check owned by the practitioner. A DASH with 14 or more "yes" answers raised a MARAC
referral, closed with its outcome unless it is from the last week.

A random.Random seeded from the council's seed, families by reference, adults and cycles in a fixed order:
a seed and a day give the same measures. Written with journeys.insert_rows.
"""

from __future__ import annotations

import datetime
import random
import uuid
from collections import defaultdict

from django.conf import settings

from safeguarding.allocation.models import ADULT_PRACTITIONER_CASE_ROLES, Allocation, CaseRole
from safeguarding.core import calendar
from safeguarding.measures import instruments, scoring, work
from safeguarding.measures.courses import courses_rebuild
from safeguarding.measures.models import AlertKind, Measure, MeasureAlert
from safeguarding.people.models import Family, FamilyMember
from safeguarding.readiness.models import ReadinessRecord
from safeguarding.workbook import models as w

from . import journeys

DAY = datetime.timedelta(days=1)
MAX_CYCLES = 12
# Some of a service's questionnaires are used with some adults only: the share who have them.
SOMETIMES = {("mental_health_practitioner", "core10"): 0.5}
ROLE_INSTRUMENTS = {
    CaseRole.MENTAL_HEALTH_PRACTITIONER: ("phq9", "gad7", "core10"),
    CaseRole.PSYCHOLOGIST: ("core10", "phq9"),
    CaseRole.RECOVERY_WORKER: ("audit", "dudit"),
    CaseRole.DA_VICTIM_PRACTITIONER: ("dash",),
    CaseRole.DA_PERPETRATOR_PRACTITIONER: ("audit-c",),
    CaseRole.PROBATION_OFFICER: ("audit-c",),
}
# How far along each stage of change is, 0 to 1 (relapse counts as early, and worse: see _severity).
STAGE_PROGRESS = {
    "precontemplation": 0.0,
    "contemplation": 0.25,
    "preparation": 0.5,
    "action": 0.75,
    "maintenance": 1.0,
    "relapse": 0.2,
}
OUTCOMES = {
    AlertKind.SAFETY_CHECK: "Spoke with them the same day; no current plans; safety plan reviewed.",
    AlertKind.MARAC: "Referred to MARAC; the case was heard at the next meeting and actions agreed.",
}


def _severity(rng, reading) -> float:
    """How bad the scores are, 0 (none) to 1 (the worst), from the readiness reading at the time."""
    if reading is None:
        return rng.uniform(0.45, 0.75)
    stage, importance, confidence = reading
    progress = STAGE_PROGRESS.get(stage, 0.3)
    value = 0.85 - 0.5 * progress - 0.03 * confidence + rng.uniform(-0.06, 0.06)
    if stage == "relapse":
        value += 0.2
    return max(0.03, min(0.95, value))


_STEPS: dict[tuple[str, int], tuple] = {}


def _item_steps(instrument) -> tuple:
    """Per item: (number, is risk, its scores in order, the next score above each, the first position
    giving each score). Worked out once per instrument version: the council's 88,600 measures reuse it."""
    key = (instrument.code, instrument.version)
    if key in _STEPS:
        return _STEPS[key]
    shapes = []
    for item in instrument.items:
        scores = sorted({item.score_of(p) for p in range(len(item.options))})
        higher = dict(zip(scores, scores[1:], strict=False))
        position = {}
        for p in range(len(item.options)):
            position.setdefault(item.score_of(p), p)
        shapes.append((item.number, item.risk, scores, higher, position))
    _STEPS[key] = tuple(shapes)
    return _STEPS[key]


def _answers(rng, instrument, target: int, *, risk_above_zero: bool) -> dict[int, int]:
    """Answers (positions) whose score is `target` as near as the items allow, the risk items at zero
    unless `risk_above_zero` (then one step above)."""
    shapes = _item_steps(instrument)
    scores = {}
    for number, risk, steps, _higher, _position in shapes:
        scores[number] = steps[1 if risk_above_zero else 0] if risk else steps[0]
    total = sum(scores.values())
    free = [(number, higher) for number, risk, _steps, higher, _position in shapes if not risk]
    while total < target:
        # Raise an item one step, never past the target (0/2/4 items move two at a time).
        room = target - total
        movable = [
            (n, up)
            for n, higher in free
            if (up := higher.get(scores[n])) is not None and up - scores[n] <= room
        ]
        if not movable:
            break
        n, up = rng.choice(movable)
        total += up - scores[n]
        scores[n] = up
    return {number: position[scores[number]] for number, _risk, _steps, _higher, position in shapes}


def _working_day_in(rng, start: datetime.date, end: datetime.date) -> datetime.date:
    if end <= start:
        return start
    day = start + DAY * rng.randint(0, (end - start).days)
    while not calendar.is_working_day(day) and day > start:
        day -= DAY
    return day


def build_measures(b, families, *, seed: int, north_team_name: str) -> int:
    """Write every open family's measures and the alerts they raised (readiness already saved). Returns how
    many measures."""
    rng = random.Random(f"measures-{seed}")  # noqa: S311 - reproducible synthetic data
    today = b.today
    found = instruments.every()
    shipped = {
        code: instruments.current_of(code, found) for codes in ROLE_INSTRUMENTS.values() for code in codes
    }
    ids = list(
        Family.objects.filter(pk__in=[f.pk for f in families], closed_on__isnull=True)
        .order_by("reference")
        .values_list("pk", flat=True)
    )
    north = set(Family.objects.filter(pk__in=ids, team__name=north_team_name).values_list("pk", flat=True))
    cycles = defaultdict(list)
    for family_id, started, closed in (
        w.Cycle.objects.filter(workbook__family_id__in=ids)
        .order_by("workbook__family_id", "number")
        .values_list("workbook__family_id", "started_on", "closed_on")
    ):
        cycles[family_id].append((started, closed))
    adults = defaultdict(dict)
    for family_id, person_id, sex in FamilyMember.objects.filter(
        family_id__in=ids, member_type=FamilyMember.MemberType.ADULT, left_on__isnull=True
    ).values_list("family_id", "person_id", "person__sex"):
        adults[family_id][person_id] = sex
    practitioners = defaultdict(list)
    for family_id, person_id, worker_id, role, start in (
        Allocation.works_with.through.objects.filter(
            allocation__family_id__in=ids,
            allocation__end_date__isnull=True,
            allocation__case_role__in=ADULT_PRACTITIONER_CASE_ROLES,
        )
        .order_by("allocation__start_date", "allocation_id", "person_id")
        .values_list(
            "allocation__family_id",
            "person_id",
            "allocation__worker_id",
            "allocation__case_role",
            "allocation__start_date",
        )
    ):
        if person_id in adults[family_id]:
            practitioners[(family_id, person_id)].append((worker_id, role, start))
    readings = defaultdict(list)
    for family_id, adult_id, day, stage, importance, confidence in (
        ReadinessRecord.objects.filter(family_id__in=ids)
        # An adult's readings of two behaviours share a day and the seeding moment: the seeded id breaks
        # the tie, so the same seed gives the same measures on any database (PostgreSQL returned tied rows
        # in varying order, and the measures drawn from them changed).
        .order_by("recorded_on", "created_at", "pk")
        .values_list("family_id", "adult_id", "recorded_on", "stage", "importance", "confidence")
    ):
        readings[(family_id, adult_id)].append((day, (stage, importance, confidence)))

    measures, alerts = [], []
    north_risk_done = False
    for family_id in ids:
        family_cycles = cycles.get(family_id, [])[-MAX_CYCLES:]
        for adult_id in sorted(adults[family_id], key=str):
            workers = practitioners.get((family_id, adult_id))
            if not workers or not family_cycles or workers[0][1] not in ROLE_INSTRUMENTS:
                continue
            if rng.random() < 0.1:  # most, not all: some adults have not completed one yet
                continue
            worker_id, role, allocated_from = workers[0]
            spans = []
            for started, closed in family_cycles:
                end = closed - DAY if closed else today
                if end < allocated_from or (closed is None and (today - started).days < 7):
                    continue
                spans.append((max(started, allocated_from), end))
            if not spans:
                continue
            history = readings.get((family_id, adult_id), [])
            for code in ROLE_INSTRUMENTS[role]:
                if rng.random() >= SOMETIMES.get((role, code), 1):
                    continue
                instrument = shipped[code]
                chosen = [s for n, s in enumerate(spans) if code != "dash" or n % 3 == 0]
                has_risk = any(i.risk for i in instrument.items)
                risky = has_risk and (
                    rng.random() < 0.025 or (family_id in north and not north_risk_done and len(chosen) > 1)
                )
                for n, (start, end) in enumerate(chosen):
                    last = n == len(chosen) - 1
                    day = _working_day_in(rng, start, min(end, today))
                    if last and risky:
                        day = max(start, today - DAY * rng.randint(0, 4))
                    reading = next((r for d, r in reversed(history) if d <= day), None)
                    severity = _severity(rng, reading)
                    low, high = instrument.min_score, instrument.max_score
                    target = round(low + severity * (high - low))
                    answers = _answers(rng, instrument, target, risk_above_zero=last and risky)
                    sex = adults[family_id][adult_id] if instrument.sex_specific else None
                    result = scoring.score(instrument, answers, sex=sex)
                    measure_id = uuid.UUID(int=rng.getrandbits(128), version=4)
                    measures.append(
                        {
                            "id": measure_id,
                            "family_id": family_id,
                            "person_id": adult_id,
                            "instrument": instrument.code,
                            "instrument_version": instrument.version,
                            "administered_on": day,
                            "answered_by": "worker" if code == "dash" or rng.random() < 0.3 else "self",
                            "answers": {str(k): v for k, v in answers.items()},
                            "total": result.total,
                            "band": result.band.label if result.band else "",
                            "band_index": result.band_index,
                            "subscales": [
                                {"code": s.code, "label": s.label, "total": s.total} for s in result.subscales
                            ],
                            "not_scored_reason": result.not_scored_reason,
                            "prorated": result.prorated,
                            "scored_as": (sex if sex in ("M", "F") else instrument.unknown_sex_uses)
                            if sex is not None
                            else "",
                            "judgement": False,
                            "judgement_reason": "",
                            "police_callouts": 0 if code == "dash" else None,
                            "recorded_by_id": worker_id,
                            "version": 1,
                        }
                    )
                    for alert in result.alerts:
                        kind = AlertKind.SAFETY_CHECK if alert.kind == "safety_check" else AlertKind.MARAC
                        recent = (today - day).days <= 7
                        due = (
                            day
                            if kind == AlertKind.SAFETY_CHECK
                            else calendar.add_working_days(day, settings.MARAC_REFERRAL_WORKING_DAYS)
                        )
                        closed = not recent
                        alerts.append(
                            {
                                "id": uuid.UUID(int=rng.getrandbits(128), version=4),
                                "measure_id": measure_id,
                                "family_id": family_id,
                                "person_id": adult_id,
                                "kind": kind,
                                "reason": alert.reason[:1000],
                                "raised_on": day,
                                "due_on": due,
                                "owner_id": worker_id,
                                "closed_on": due if closed else None,
                                "closed_by_id": worker_id if closed else None,
                                "outcome": OUTCOMES[kind] if closed else "",
                            }
                        )
                if risky and family_id in north:
                    north_risk_done = True
    journeys.insert_rows(Measure, measures)
    journeys.insert_rows(MeasureAlert, alerts)
    # Inserted in bulk, past the receiver that keeps each course: every course at once.
    courses_rebuild()
    work.measure_tasks_refresh(sorted({a["family_id"] for a in alerts if a["closed_on"] is None}, key=str))
    return len(measures)
