"""The demo council's motivational interviewing records (issue #10 item 6), drawn after the Workbooks.

What each family gets
---------------------
Every open family's current adults who have an adult practitioner now (an allocation in an adult
practitioner's role whose `works_with` names them) have readings of 1 or 2 behaviours: the behaviour their
practitioner works on (safety from abuse for a domestic abuse victim practitioner, use of abusive
behaviour for a perpetrator practitioner, alcohol or drugs for a recovery worker, mental health and
medication for a mental health practitioner or a psychologist, offending, named as "other", for a
probation officer), and sometimes parenting as well. One reading per Workbook cycle, from the first cycle
after the practitioner was allocated (the open cycle's only once it has run a week), on a working day
within the cycle, recorded by that practitioner.

The readings move across cycles: for some parents up (importance and confidence rise, the stage moves on
towards action and maintenance), for some down (they fall, the stage slips back), and for some through a
relapse (up, then a reading at the relapse stage with confidence dropping, then recovering). Each has a
short synthetic quote in the parent's words, chosen for the behaviour and the way the parent is moving.

How
---
A random.Random seeded from the council's seed, families by reference, adults and cycles in a fixed order:
a seed and a day give the same readings. Read in five queries and written with journeys.insert_rows, so the
demo council's build (paid once per test database) grows by a fraction of a second.
"""

from __future__ import annotations

import datetime
import random
import uuid
from collections import defaultdict

from safeguarding.allocation.models import ADULT_PRACTITIONER_CASE_ROLES, Allocation, CaseRole
from safeguarding.core import calendar
from safeguarding.people.models import Family, FamilyMember
from safeguarding.readiness.models import ReadinessRecord
from safeguarding.workbook import models as w

from . import journeys

DAY = datetime.timedelta(days=1)
# Readings in at most this many of a family's latest cycles (the large council has 35 closed cycles).
MAX_CYCLES = 12
STAGES_UP = ("precontemplation", "contemplation", "preparation", "action", "maintenance")

# The behaviour each adult practitioner's role works on: (code, the worker's name for an "other" one).
ROLE_BEHAVIOURS = {
    CaseRole.DA_VICTIM_PRACTITIONER: [("safety_from_abuse", "")],
    CaseRole.DA_PERPETRATOR_PRACTITIONER: [("abusive_behaviour", "")],
    CaseRole.RECOVERY_WORKER: [("alcohol", ""), ("drugs", "")],
    CaseRole.MENTAL_HEALTH_PRACTITIONER: [("mental_health", "")],
    CaseRole.PSYCHOLOGIST: [("mental_health", "")],
    CaseRole.PROBATION_OFFICER: [("other", "Offending")],
}

# What parents say, by behaviour and by which way they are moving. Synthetic, in our own words.
QUOTES = {
    "safety_from_abuse": {
        "up": [
            "I've started telling my sister when things kick off. I don't feel so on my own.",
            "I know now it's not my fault. I want the kids to have a quiet house.",
            "I rang the helpline myself this time. That's a first.",
            "I've got a safety plan and the kids know what to do. I feel stronger.",
        ],
        "down": [
            "He's changed, honestly. I don't see why everyone's still worried.",
            "It's easier to keep the peace than to make a fuss.",
            "I can't think about any of that right now, I've got too much on.",
        ],
        "relapse": [
            "I let him back in. I thought it would be different this time.",
            "I'm back to walking on eggshells, but I know what I need to do.",
        ],
    },
    "abusive_behaviour": {
        "up": [
            "I don't want my kids growing up scared of me like I was of my dad.",
            "I walked out and went round the block instead of shouting. It worked.",
            "I can see how my temper lands on the kids now.",
        ],
        "down": [
            "It was a one-off argument. Everyone argues.",
            "She winds me up and then I'm the one who gets the blame.",
            "I'm only coming because I have to.",
        ],
        "relapse": [
            "I lost it again last week. I hate that I did.",
            "I slipped back, but I rang you, not her. That's something.",
        ],
    },
    "alcohol": {
        "up": [
            "I'm down to weekends only and I'm sleeping better.",
            "I want to be sober for my son's birthday. That's my goal.",
            "Three weeks dry. The kids have noticed.",
        ],
        "down": [
            "A drink helps me cope. I'm not hurting anyone.",
            "I've cut down loads, I don't know what more you want.",
            "It's been a hard month. I'm not ready to stop.",
        ],
        "relapse": [
            "I had a bad weekend and drank again. I'm gutted.",
            "I picked up again after the funeral. I want to get back on track.",
        ],
    },
    "drugs": {
        "up": [
            "I've been going to every appointment and my tests are clear.",
            "I've stopped seeing the people I used with. It's lonely but it's better.",
            "I want to be there properly for the kids, not half there.",
        ],
        "down": [
            "It's only a bit of weed to take the edge off.",
            "I don't see the point in the groups, they're not for people like me.",
            "Everything's on top of me, I can't deal with stopping now.",
        ],
        "relapse": [
            "I used again when things got bad. I'm telling you because I want help.",
            "One slip, that's all. I'm back at the clinic on Monday.",
        ],
    },
    "mental_health": {
        "up": [
            "I'm taking my tablets every day now and I can get the kids to school.",
            "The talking therapy helps. I can say how I feel before it gets too much.",
            "I've had more good days than bad this month.",
        ],
        "down": [
            "Some days I can't get out of bed. I don't think anything will help.",
            "I stopped the tablets, they made me feel flat.",
            "I don't want to talk about it. I'm managing.",
        ],
        "relapse": [
            "I had a really bad week and ended up at A&E. I'm scared it'll happen again.",
            "I stopped my medication and it all came back. I've restarted it.",
        ],
    },
    "parenting": {
        "up": [
            "We've got a bedtime routine now and it's calmer.",
            "I'm praising them more and shouting less. It makes a difference.",
            "I know what the school needs from me and I'm doing it.",
        ],
        "down": [
            "They just don't listen to me whatever I do.",
            "I'm doing my best. I don't need telling how to raise my kids.",
        ],
        "relapse": [
            "We slipped back into the old ways when things got hard.",
            "I lost my patience again, but we got back on track after.",
        ],
    },
    "other": {
        "up": [
            "I've kept to my licence conditions and I'm looking for work.",
            "I don't want to go back inside and miss the kids growing up.",
        ],
        "down": [
            "I keep getting pulled in by the same people. It's hard to say no.",
            "Probation's just another thing I have to do.",
        ],
        "relapse": [
            "I got picked up again. I know I let the kids down.",
            "I broke my curfew. I want to get back on track.",
        ],
    },
}


def _working_day_in(rng, start: datetime.date, end: datetime.date) -> datetime.date:
    """A working day in [start, end] (start itself when there is none)."""
    if end <= start:
        return start
    day = start + DAY * rng.randint(0, (end - start).days)
    while not calendar.is_working_day(day) and day > start:
        day -= DAY
    return day


def _clamp(value: int) -> int:
    return max(0, min(10, value))


def _trajectory(rng, pattern: str, count: int) -> list[tuple[int, int, str, str]]:
    """(importance, confidence, stage, the way they are moving) for `count` readings following `pattern`."""
    readings = []
    if pattern == "down":
        importance, confidence, stage = rng.randint(6, 8), rng.randint(5, 7), rng.randint(2, 3)
    else:
        importance, confidence, stage = rng.randint(2, 5), rng.randint(1, 4), rng.randint(0, 1)
    relapse_at = max(1, round(count * 0.6)) if pattern == "relapse" and count >= 3 else None
    for n in range(count):
        if n == relapse_at:
            confidence = _clamp(confidence - rng.randint(3, 4))
            importance = _clamp(importance + rng.randint(0, 1))
            readings.append((importance, confidence, "relapse", "relapse"))
            stage = 1  # back to contemplation after a relapse
            continue
        if n > 0:
            if pattern == "down":
                importance = _clamp(importance - rng.randint(0, 2))
                confidence = _clamp(confidence - rng.randint(0, 2))
                stage = max(0, stage - (1 if rng.random() < 0.4 else 0))
            else:
                importance = _clamp(importance + rng.randint(0, 2))
                confidence = _clamp(confidence + rng.randint(0, 2))
                stage = min(len(STAGES_UP) - 1, stage + (1 if rng.random() < 0.5 else 0))
        way = "down" if pattern == "down" else "up"
        readings.append((importance, confidence, STAGES_UP[stage], way))
    return readings


def build_readiness(b, families, *, seed: int) -> int:
    """Write every open family's readings (Workbooks already saved). Returns how many."""
    rng = random.Random(f"readiness-{seed}")  # noqa: S311 - reproducible synthetic data
    today = b.today
    ids = list(
        Family.objects.filter(pk__in=[f.pk for f in families], closed_on__isnull=True)
        .order_by("reference")
        .values_list("pk", flat=True)
    )
    cycles = defaultdict(list)
    for family_id, started, closed in (
        w.Cycle.objects.filter(workbook__family_id__in=ids)
        .order_by("workbook__family_id", "number")
        .values_list("workbook__family_id", "started_on", "closed_on")
    ):
        cycles[family_id].append((started, closed))
    adults = defaultdict(set)
    for family_id, person_id in FamilyMember.objects.filter(
        family_id__in=ids, member_type=FamilyMember.MemberType.ADULT, left_on__isnull=True
    ).values_list("family_id", "person_id"):
        adults[family_id].add(person_id)
    # (family, adult) -> [(practitioner, case role, allocated from)], in a fixed order.
    practitioners = defaultdict(list)
    links = Allocation.works_with.through.objects.filter(
        allocation__family_id__in=ids,
        allocation__end_date__isnull=True,
        allocation__case_role__in=ADULT_PRACTITIONER_CASE_ROLES,
    ).order_by("allocation__start_date", "allocation_id", "person_id")
    for family_id, person_id, worker_id, role, start in links.values_list(
        "allocation__family_id",
        "person_id",
        "allocation__worker_id",
        "allocation__case_role",
        "allocation__start_date",
    ):
        if person_id in adults[family_id]:
            practitioners[(family_id, person_id)].append((worker_id, role, start))
    rows = []
    for family_id in ids:
        family_cycles = cycles.get(family_id, [])[-MAX_CYCLES:]
        for adult_id in sorted(adults[family_id], key=str):
            workers = practitioners.get((family_id, adult_id))
            if not workers or not family_cycles:
                continue
            worker_id, role, allocated_from = workers[0]
            behaviours = [rng.choice(ROLE_BEHAVIOURS[role])]
            if rng.random() < 0.4:
                behaviours.append(("parenting", ""))
            for behaviour, other in behaviours:
                # The cycles the practitioner worked in; the open cycle once it has run a week.
                spans = []
                for started, closed in family_cycles:
                    # Before the supervision that closes the cycle (which is the next cycle's first day).
                    end = closed - DAY if closed else today
                    if end < allocated_from or (closed is None and (today - started).days < 7):
                        continue
                    spans.append((max(started, allocated_from), end))
                if not spans:
                    continue
                pattern = rng.choices(("up", "down", "relapse"), (5, 3, 2))[0]
                quotes = QUOTES[behaviour]
                for n, ((start, end), (importance, confidence, stage, way)) in enumerate(
                    zip(spans, _trajectory(rng, pattern, len(spans)), strict=True)
                ):
                    # Each bank runs from what a parent says early on to what they say further along: a
                    # reading's quote is the one for how far through the work it is.
                    bank = quotes[way]
                    said = bank[min(len(bank) - 1, n * len(bank) // len(spans))]
                    rows.append(
                        {
                            "id": uuid.UUID(int=rng.getrandbits(128), version=4),
                            "family_id": family_id,
                            "adult_id": adult_id,
                            "behaviour": behaviour,
                            "behaviour_other": other,
                            "importance": importance,
                            "confidence": confidence,
                            "stage": stage,
                            "in_their_words": said,
                            "recorded_on": _working_day_in(rng, start, min(end, today)),
                            "recorded_by_id": worker_id,
                            "version": 1,
                        }
                    )
    journeys.insert_rows(ReadinessRecord, rows)
    return len(rows)
