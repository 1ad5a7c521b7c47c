"""The demo council's group supervisions (issue #10), drawn after the Workbooks and agreeing with them.

- Every closed Workbook cycle of an open family (the last LARGE_CYCLES on the large council) was closed at
  a group supervision: a signed-off record on
  the day the cycle closed, chaired by the team's manager, with everyone then allocated attending (now and
  then one sends apologies), a risk analysis for each child whose safety judgement drifts over the cycles,
  hypotheses, a decision and one or two actions owned by the lead social worker or another worker. Earlier
  actions are done, with an outcome; some of the last supervision's are still open, a few overdue.
- Each open family with a Workbook has its next supervision booked at the council's interval after the
  last; one family of asha's in the North team has its supervision today, for maria to chair.
- The tasks (My tasks, Timeliness) are built from them as the services would (supervision.work).

Deterministic (a random.Random seeded from the council's seed, families by reference) and cheap: a few
bulk inserts whatever the number of cycles; the large council's records are one sentence each.
"""

from __future__ import annotations

import datetime
import random
from collections import defaultdict

from django.conf import settings
from django.db.models import Q
from django.utils import timezone

from safeguarding.allocation.models import Allocation, CaseRole
from safeguarding.people.models import FamilyMember
from safeguarding.supervision.models import ChildRiskAnalysis, GroupSupervision, SupervisionAction
from safeguarding.supervision.work import supervision_task_rows
from safeguarding.tasks.models import Deadline
from safeguarding.workbook.models import Cycle

from .journeys import insert_rows

# Families whose tasks are read at a time (each query lists their ids).
BATCH = 2000
# The large council (three years of cycles for every family) has supervisions for its last cycles only,
# as it has sessions for its last two: enough history for the pack and the benchmark, at a seeding cost it
# can afford.
LARGE_CYCLES = 6
REASONING = "The team weighed the worries against the safety in place."

WORRIES = (
    "Arguments between the parents at night; the children hear them.",
    "Drinking at weekends when the children are at home.",
    "Missed health appointments and an untidy, cold home.",
    "The children's school attendance has dropped this month.",
    "Contact with an ex-partner the plan says should not happen.",
)
WORKING_WELL = (
    "Grandmother collects the children from school every day.",
    "The mother has kept every appointment with her recovery worker.",
    "The children say home is calmer and they feel listened to.",
    "The father has attended four of five group sessions.",
    "The safety plan has held: no police call-outs this cycle.",
)
NEEDS = (
    "A family network meeting to agree who steps in if drinking starts.",
    "Regular unannounced visits, and the children seen alone.",
    "The father to complete the programme and show it in how he speaks to the mother.",
    "A health assessment for the youngest child.",
)
HYPOTHESES = (
    "Drinking rises when money is short: the debt advice referral may help more than anything else.",
    "The mother minimises the father's behaviour because she fears losing the children.",
    "The eldest child's behaviour at school is how they show what happens at home.",
)
VIEWS = (
    "The mother joined for the first half and said what she wants the team to know.",
    "The social worker read out the children's three houses drawings.",
    "The father's words from his last session were read to the team.",
)
ACTIONS = (
    "Visit the children at school and see each alone",
    "Book a family network meeting",
    "Refer the father to the recovery service",
    "Review the safety plan with the mother",
    "Ask the school for attendance since the last supervision",
    "Chase the health assessment for the youngest child",
)
OUTCOMES = ("Done; see the chapter for what the children said.", "Done and discussed with the family.")


def build_supervisions(b, families, staff, *, seed: int, scale: str) -> dict[str, int]:
    """Write every open family's group supervisions (Workbooks already saved). Returns counts by kind."""
    rng = random.Random(f"supervision-{seed}")  # noqa: S311 - reproducible synthetic data
    today = b.today
    interval = datetime.timedelta(days=settings.GROUP_SUPERVISION_INTERVAL_DAYS)
    large = scale == "large"
    open_families = sorted((f for f in families if f.closed_on is None), key=lambda f: f.reference)
    ids = [f.pk for f in open_families]
    cycles = defaultdict(list)
    recent = Cycle.objects.filter(workbook__family_id__in=ids)
    if large:  # only the last cycles get supervisions: read those (cycles run about a month)
        since = today - datetime.timedelta(days=45 * (LARGE_CYCLES + 1))
        recent = recent.filter(Q(closed_on__isnull=True) | Q(closed_on__gte=since))
    for family_id, cycle_id, number, started, closed in recent.order_by(
        "workbook__family_id", "number"
    ).values_list("workbook__family_id", "pk", "number", "started_on", "closed_on"):
        cycles[family_id].append((cycle_id, number, started, closed))
    children = defaultdict(list)
    for family_id, person_id in (
        FamilyMember.objects.filter(family_id__in=ids, member_type="child", left_on__isnull=True)
        .order_by("person__date_of_birth", "person_id")
        .values_list("family_id", "person_id")
    ):
        children[family_id].append(person_id)
    allocations = defaultdict(list)
    for family_id, worker_id, role, start, end in Allocation.objects.filter(family_id__in=ids).values_list(
        "family_id", "worker_id", "case_role", "start_date", "end_date"
    ):
        allocations[family_id].append((worker_id, role, start, end))

    # asha's id, for the family whose supervision maria chairs today (None at a scale without personas).
    asha_id = next(
        (u.pk for team in staff.values() for u in team["social_workers"] if u.username == "asha"), None
    )
    supervisions, analyses, actions = [], [], []
    maria_family = None
    for family in open_families:
        family_cycles = cycles.get(family.pk)
        manager = staff.get(family.team_id, {}).get("manager")
        if not family_cycles or manager is None:
            continue
        manager_id = manager.pk
        judgement = {child: rng.randint(2, 6) for child in children[family.pk]}
        closed_cycles = [c for c in family_cycles if c[3] is not None]
        if large:
            closed_cycles = closed_cycles[-LARGE_CYCLES:]
        for index, (cycle_id, _number, _started, closed) in enumerate(closed_cycles):
            last = index == len(closed_cycles) - 1
            present = [
                w
                for w, _role, start, end in allocations[family.pk]
                if start <= closed and (end is None or end >= closed)
            ]
            lead = next(
                (
                    w
                    for w, role, start, end in allocations[family.pk]
                    if role == CaseRole.LEAD_SOCIAL_WORKER
                    and start <= closed
                    and (end is None or end >= closed)
                ),
                present[0] if present else manager_id,
            )
            attendance = {str(manager_id): "attended"}
            for worker in present:
                attendance[str(worker)] = "apologies" if rng.random() < 0.1 else "attended"
            attendance[str(lead)] = "attended"
            decision = rng.choices(["continue", "step_down", "legal_planning"], [0.85, 0.1, 0.05])[0]
            supervision = {
                "id": b.uuid(),
                "family_id": family.pk,
                "cycle_id": cycle_id,
                "scheduled_for": closed,
                "status": GroupSupervision.Status.SIGNED_OFF,
                "chair_id": manager_id,
                "attendance": attendance,
                "family_views": "" if large else rng.choice(VIEWS),
                "hypotheses": rng.choice(HYPOTHESES),
                "decisions": [decision],
                "recorded_by_id": manager_id,
                "signed_off_by_id": manager_id,
            }
            supervisions.append(supervision)
            for child in children[family.pk]:
                # Most children's safety improves over the cycles; some slip back.
                judgement[child] = max(0, min(10, judgement[child] + rng.choice((-1, 0, 1, 1))))
                analyses.append(
                    {
                        "id": b.uuid(),
                        "supervision_id": supervision["id"],
                        "child_id": child,
                        "worried_about": rng.choice(WORRIES),
                        "working_well": "" if large else rng.choice(WORKING_WELL),
                        "needs_to_happen": "" if large else rng.choice(NEEDS),
                        "safety_judgement": judgement[child],
                        "reasoning": "" if large else REASONING,
                    }
                )
            attended = [int(w) for w, status in attendance.items() if status == "attended"]
            for n in range(1 if large else rng.randint(1, 2)):
                due = closed + datetime.timedelta(days=rng.choice((7, 14, 21)))
                done = not last or (due < today and rng.random() < 0.5)
                actions.append(
                    {
                        "id": b.uuid(),
                        "supervision_id": supervision["id"],
                        "text": ACTIONS[(index + n) % len(ACTIONS)],
                        "owner_id": lead if n == 0 else rng.choice(attended),
                        "due_date": due,
                        "done_on": min(due, today) if done else None,
                        "done_by_id": lead if done else None,
                        "outcome": rng.choice(OUTCOMES) if done else "",
                    }
                )
        open_cycle = next((c for c in family_cycles if c[3] is None), None)
        if open_cycle is None:
            continue
        # A supervision that falls due today or earlier is booked for tomorrow: maria's family below is the
        # one supervision of her team held today, whatever day the council is built on (clamping them to
        # today gave her two on some days).
        next_date = max(open_cycle[2] + interval, today + datetime.timedelta(days=1))
        north_lead = asha_id is not None and any(
            role == CaseRole.LEAD_SOCIAL_WORKER and end is None and worker == asha_id
            for worker, role, _start, end in allocations[family.pk]
        )
        if maria_family is None and north_lead and manager.username == "maria":
            next_date, maria_family = today, family.pk
        supervisions.append(
            {
                "id": b.uuid(),
                "family_id": family.pk,
                "cycle_id": open_cycle[0],
                "scheduled_for": next_date,
                "status": GroupSupervision.Status.SCHEDULED,
                "chair_id": manager_id,
            }
        )
    # The rows go in by insert_rows (no per-value preparation), which stamps every date-time with the
    # moment of seeding: each signed-off supervision's time is then set to the afternoon of its day, one
    # UPDATE a day.
    insert_rows(GroupSupervision, supervisions)
    GroupSupervision.objects.exclude(status="signed_off").update(signed_off_at=None)
    signed_days = sorted({s["scheduled_for"] for s in supervisions if s["status"] == "signed_off"})
    for day in signed_days:
        GroupSupervision.objects.filter(status="signed_off", scheduled_for=day).update(
            signed_off_at=timezone.make_aware(datetime.datetime.combine(day, datetime.time(15, 0)))
        )
    insert_rows(ChildRiskAnalysis, analyses)
    insert_rows(SupervisionAction, actions)
    # Their tasks, as supervision.work would write them, inserted in one go: nothing to replace yet.
    tasks = [
        {"id": b.uuid(), **row}
        for start in range(0, len(ids), BATCH)
        for row in supervision_task_rows(ids[start : start + BATCH])
    ]
    insert_rows(Deadline, tasks)
    return {"supervisions": len(supervisions), "risk_analyses": len(analyses), "actions": len(actions)}
