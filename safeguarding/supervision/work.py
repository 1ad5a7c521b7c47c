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


def _url(name, *args) -> str:
    return reverse(name, args=[str(a) for a in args])


def supervision_tasks_refresh(family_ids) -> int:
    """Rebuild the supervision tasks of these families; return the rows written."""
    family_ids = list(family_ids)
    if not family_ids:
        return 0
    interval = datetime.timedelta(days=settings.GROUP_SUPERVISION_INTERVAL_DAYS)
    rows: list[Deadline] = []
    with transaction.atomic():
        Deadline.objects.filter(family_id__in=family_ids, kind__in=list(KINDS)).delete()
        actions = SupervisionAction.objects.filter(
            supervision__family_id__in=family_ids, done_on__isnull=True
        ).select_related("supervision")
        for action in actions:
            rows.append(
                Deadline(
                    family_id=action.supervision.family_id,
                    kind=ACTION,
                    due_date=action.due_date,
                    basis=action.text[:200],
                    owner_id=action.owner_id,
                    link=_url(
                        "supervision:action-done",
                        action.supervision.family_id,
                        action.supervision_id,
                        action.pk,
                    ),
                )
            )
        supervisions = list(
            GroupSupervision.objects.filter(family_id__in=family_ids)
            .select_related("family")
            .only(
                "family_id",
                "family__team_id",
                "family__closed_on",
                "scheduled_for",
                "status",
                "chair_id",
                "cycle_id",
            )
            .order_by("scheduled_for")
        )
        open_by_family = {}
        last_signed: dict = {}
        for s in supervisions:
            if s.status == GroupSupervision.Status.SIGNED_OFF:
                last_signed[s.family_id] = s  # ordered by date: the latest wins
            else:
                open_by_family[s.family_id] = s
        for s in open_by_family.values():
            rows.append(
                Deadline(
                    family_id=s.family_id,
                    kind=SIGN_OFF,
                    due_date=sign_off_due(s.scheduled_for),
                    basis=f"{settings.SUPERVISION_SIGN_OFF_WORKING_DAYS} working days from the supervision "
                    f"on {s.scheduled_for:%-d %B %Y}",
                    owner_id=s.chair_id,
                    link=_url("supervision:record", s.family_id, s.pk),
                )
            )
        # Every open family with a Workbook is due a signed-off supervision within the interval.
        workbooks = Workbook.objects.filter(
            family_id__in=family_ids, family__closed_on__isnull=True
        ).values_list("family_id", "opened_on", "family__team_id")
        team_ids = {team_id for _f, _o, team_id in workbooks if team_id}
        managers = {}
        for user in User.objects.filter(
            team_id__in=team_ids, role=User.Role.TEAM_MANAGER, is_active=True
        ).order_by("date_joined", "pk"):
            managers.setdefault(user.team_id, user.pk)
        for family_id, opened_on, team_id in workbooks:
            last = last_signed.get(family_id)
            since = last.scheduled_for if last else opened_on
            rows.append(
                Deadline(
                    family_id=family_id,
                    kind=DUE,
                    due_date=since + interval,
                    basis=(
                        f"{interval.days} days from the last supervision on {since:%-d %B %Y}"
                        if last
                        else f"{interval.days} days from the Workbook opening on {since:%-d %B %Y}"
                    ),
                    owner_id=managers.get(team_id),
                    link=_url("supervision:family", family_id),
                )
            )
        # Chapters not shared by the last sign-off, until the worker shares one in the cycle after.
        closed_cycles = {s.cycle_id: s for s in last_signed.values() if s.cycle_id}
        if closed_cycles:
            from safeguarding.allocation.models import Allocation

            allocations = (
                Allocation.objects.current()
                .filter(family_id__in=list(last_signed))
                .values_list("family_id", "worker_id")
            )
            cycles = Cycle.objects.filter(pk__in=list(closed_cycles)).values_list(
                "pk", "workbook__family_id", "number"
            )
            shared = set(
                Chapter.objects.filter(
                    cycle__workbook__family_id__in=list(last_signed), state=Chapter.State.SHARED
                ).values_list("cycle_id", "author_id")
            )
            open_cycles = dict(
                Cycle.objects.filter(
                    workbook__family_id__in=list(last_signed), closed_on__isnull=True
                ).values_list("workbook__family_id", "pk")
            )
            cycle_of_family = {family_id: (pk, number) for pk, family_id, number in cycles}
            for family_id, worker_id in allocations:
                closed = cycle_of_family.get(family_id)
                if closed is None:
                    continue
                if (closed[0], worker_id) in shared or (open_cycles.get(family_id), worker_id) in shared:
                    continue
                s = last_signed[family_id]
                rows.append(
                    Deadline(
                        family_id=family_id,
                        kind=CHAPTER,
                        due_date=s.scheduled_for,
                        basis=f"Your chapter for cycle {closed[1]} was not shared by the supervision",
                        owner_id=worker_id,
                        link=_url("workbook:workbook", family_id),
                    )
                )
        Deadline.objects.bulk_create(rows)
    return len(rows)
