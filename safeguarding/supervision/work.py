"""Group supervision as work: the tasks it writes for My tasks and Timeliness (tasks.registry).

- Each open action is in its owner's My tasks until it is marked done (due on its due date).
- A record not yet signed off is the chair's task, due SUPERVISION_SIGN_OFF_WORKING_DAYS working days
  after the meeting: late sign-off leaves the Workbook's cycle open and the team's chapters unlocked.
- A family with a Workbook is due a signed-off supervision within GROUP_SUPERVISION_INTERVAL_DAYS of the
  last one (or of the Workbook opening): the family's team manager's task.
- A worker whose chapter was not shared by the last sign-off has a task until they share their chapter
  in the cycle that followed.

The rows are rebuilt for a family whenever its supervision changes (services.py), in a fixed number of
queries for any number of families; `manage.py supervision_tasks_refresh` rebuilds every family's.
"""

from __future__ import annotations

import datetime

from django.conf import settings
from django.db import transaction
from django.urls import reverse

from safeguarding.accounts.models import User
from safeguarding.allocation.models import Allocation
from safeguarding.core.calendar import add_working_days
from safeguarding.tasks.models import Deadline
from safeguarding.workbook.models import Chapter, Cycle, Workbook

from .models import GroupSupervision, SupervisionAction

ACTION = "sv_action"
SIGN_OFF = "sv_sign_off"
DUE = "sv_due"
CHAPTER = "sv_chapter"
KINDS = {
    ACTION: "Action from group supervision",
    SIGN_OFF: "Sign off the group supervision record",
    DUE: "Group supervision signed off",
    CHAPTER: "Chapter not shared by supervision",
}


def sign_off_due(scheduled_for: datetime.date) -> datetime.date:
    return add_working_days(scheduled_for, settings.SUPERVISION_SIGN_OFF_WORKING_DAYS)


class _Urls:
    """Each URL name reversed once, the ids put in after: reversing for each of thousands of rows was most
    of a large refresh's time."""

    def __init__(self):
        self._parts: dict = {}

    def __call__(self, name: str, *ids) -> str:
        parts = self._parts.get((name, len(ids)))
        if parts is None:
            marks = [f"00000000-0000-0000-0000-{n:012d}" for n in range(len(ids))]
            url = reverse(name, args=marks)
            parts = self._parts[(name, len(ids))] = (url, marks)
        url, marks = parts
        for mark, value in zip(marks, ids, strict=True):
            url = url.replace(mark, str(value))
        return url


def supervision_task_rows(family_ids) -> list[dict]:
    """The supervision tasks of these families as Deadline rows ({attname: value}), read in a fixed number
    of queries for any number of families."""
    family_ids = list(family_ids)
    if not family_ids:
        return []
    interval = datetime.timedelta(days=settings.GROUP_SUPERVISION_INTERVAL_DAYS)
    url = _Urls()
    rows: list[dict] = []
    for family_id, supervision_id, action_id, due_date, text, owner_id in (
        SupervisionAction.objects.filter(supervision__family_id__in=family_ids, done_on__isnull=True)
        .order_by()
        .values_list("supervision__family_id", "supervision_id", "pk", "due_date", "text", "owner_id")
    ):
        rows.append(
            {
                "family_id": family_id,
                "kind": ACTION,
                "due_date": due_date,
                "basis": text[:200],
                "owner_id": owner_id,
                "link": url("supervision:action-done", family_id, supervision_id, action_id),
            }
        )
    last_signed: dict = {}
    for pk, family_id, scheduled_for, status, chair_id, cycle_id in (
        GroupSupervision.objects.filter(family_id__in=family_ids)
        .order_by("scheduled_for")
        .values_list("pk", "family_id", "scheduled_for", "status", "chair_id", "cycle_id")
    ):
        if status == GroupSupervision.Status.SIGNED_OFF:
            last_signed[family_id] = (scheduled_for, cycle_id)  # ordered by date: the latest wins
            continue
        rows.append(
            {
                "family_id": family_id,
                "kind": SIGN_OFF,
                "due_date": sign_off_due(scheduled_for),
                "basis": f"{settings.SUPERVISION_SIGN_OFF_WORKING_DAYS} working days from the supervision "
                f"on {scheduled_for:%-d %B %Y}",
                "owner_id": chair_id,
                "link": url("supervision:record", family_id, pk),
            }
        )
    # Every open family with a Workbook is due a signed-off supervision within the interval.
    workbooks = list(
        Workbook.objects.filter(family_id__in=family_ids, family__closed_on__isnull=True).values_list(
            "family_id", "opened_on", "family__team_id"
        )
    )
    team_ids = {team_id for _f, _o, team_id in workbooks if team_id}
    managers: dict = {}
    for team_id, user_id in (
        User.objects.filter(team_id__in=team_ids, role=User.Role.TEAM_MANAGER, is_active=True)
        .order_by("date_joined", "pk")
        .values_list("team_id", "pk")
    ):
        managers.setdefault(team_id, user_id)
    for family_id, opened_on, team_id in workbooks:
        last = last_signed.get(family_id)
        since = last[0] if last else opened_on
        rows.append(
            {
                "family_id": family_id,
                "kind": DUE,
                "due_date": since + interval,
                "basis": (
                    f"{interval.days} days from the last supervision on {since:%-d %B %Y}"
                    if last
                    else f"{interval.days} days from the Workbook opening on {since:%-d %B %Y}"
                ),
                "owner_id": managers.get(team_id),
                "link": url("supervision:family", family_id),
            }
        )
    # Chapters not shared by the last sign-off, until the worker shares one in the cycle after.
    closed = {family_id: cycle_id for family_id, (_day, cycle_id) in last_signed.items() if cycle_id}
    if closed:
        signed_ids = list(closed)
        numbers = dict(Cycle.objects.filter(pk__in=list(closed.values())).values_list("pk", "number"))
        open_cycles = dict(
            Cycle.objects.filter(workbook__family_id__in=signed_ids, closed_on__isnull=True).values_list(
                "workbook__family_id", "pk"
            )
        )
        shared = set(
            Chapter.objects.filter(
                cycle_id__in=[*closed.values(), *open_cycles.values()], state=Chapter.State.SHARED
            ).values_list("cycle_id", "author_id")
        )
        for family_id, worker_id in (
            Allocation.objects.current()
            .filter(family_id__in=signed_ids)
            .values_list("family_id", "worker_id")
        ):
            cycle_id = closed[family_id]
            if (cycle_id, worker_id) in shared or (open_cycles.get(family_id), worker_id) in shared:
                continue
            rows.append(
                {
                    "family_id": family_id,
                    "kind": CHAPTER,
                    "due_date": last_signed[family_id][0],
                    "basis": f"Your chapter for cycle {numbers.get(cycle_id)} was not shared by the "
                    "supervision",
                    "owner_id": worker_id,
                    "link": url("workbook:workbook", family_id),
                }
            )
    return rows


def supervision_tasks_refresh(family_ids) -> int:
    """Rebuild the supervision tasks of these families; return the rows written."""
    family_ids = list(family_ids)
    if not family_ids:
        return 0
    with transaction.atomic():
        Deadline.objects.filter(family_id__in=family_ids, kind__in=list(KINDS)).delete()
        rows = supervision_task_rows(family_ids)
        Deadline.objects.bulk_create([Deadline(**row) for row in rows])
    return len(rows)
