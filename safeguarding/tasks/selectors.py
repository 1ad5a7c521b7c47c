"""Reads of the work that is due: My tasks, Timeliness and its overdue drill-down.

Every function starts from a policy's queryset (policies.deadlines_for_tasks, deadlines_for_team,
timeliness_teams_visible_to) and answers in a fixed number of queries whatever the caseload: the
deadlines are rows (deadlines.py), counted in the database with values().annotate(Count), and each list
loads the child, family and lead social worker it shows in the same query or one more.

"Overdue" is decided here, as of the `today` the caller passes: a deadline is met on its due date, so it
is overdue from the day after. "Due soon" is today to DUE_SOON_WORKING_DAYS working days ahead.
"""

from __future__ import annotations

import datetime
import functools
import uuid
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.conf import settings
from django.core.paginator import Page, Paginator
from django.db.models import BigIntegerField, Count, F, OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.template.defaultfilters import date as date_filter
from django.template.defaultfilters import pluralize
from django.utils.translation import get_language

from safeguarding.accounts.models import Team, User
from safeguarding.allocation.models import Allocation, CaseRole
from safeguarding.core.calendar import add_working_days

from . import policies, registry
from .models import Deadline

OVERDUE, DUE_SOON, LATER = "overdue", "due_soon", "later"
OVERDUE_PAGE_SIZE = 100
# The drill-down's worker filter for deadlines of families with no current lead social worker.
NO_LEAD = "none"

# The columns the lists show, read as plain rows: building a model instance for each deadline, child and
# family was most of the time My tasks took for a worker with two hundred deadlines.
_ROW_COLUMNS = (
    "child_id",
    "child__first_name",
    "child__last_name",
    "family_id",
    "family__name",
    "family__reference",
    "kind",
    "due_date",
    "basis",
    "link",
)


def due_soon_until(today: datetime.date) -> datetime.date:
    """The last day that counts as due soon: DUE_SOON_WORKING_DAYS working days from today."""
    return add_working_days(today, settings.DUE_SOON_WORKING_DAYS)


def _lead_social_worker_of_family():
    """The family's current lead social worker's id, as a subquery on a Deadline (the statutory lead for
    the children's plans answers for their deadlines; at most one is current, a database constraint)."""
    return Subquery(
        Allocation.objects.current()
        .filter(family_id=OuterRef("family_id"), case_role=CaseRole.LEAD_SOCIAL_WORKER)
        .order_by()
        .values("worker_id")[:1]
    )


# ---- My tasks ---------------------------------------------------------------------------------------------


@dataclass(slots=True)
class TaskRow:
    """One outstanding deadline as the lists show it."""

    # None for a task about the whole family (a group supervision action, owned by one worker).
    child_id: uuid.UUID | None
    child_name: str
    # The child's journey page, where the worker records what meets the deadline (or the task's own page).
    child_url: str
    family_id: uuid.UUID | None
    family_name: str
    family_reference: str
    kind: str
    kind_label: str
    due_date: datetime.date
    basis: str
    status: str
    # Calendar days past the due date (0 unless overdue).
    days_overdue: int
    # The family's current lead social worker (the overdue drill-down shows it).
    lead: User | None = None
    # The due date and the days overdue as the lists show them ("3 Dec 2026", "4 days overdue"), put
    # together once here: a date filter and a plural for each of a few hundred rows were a fifth of the
    # time My tasks took to render (docs/benchmarks.md, stop 18).
    due_label: str = ""
    overdue_label: str = ""


@dataclass
class ChildTasks:
    child_id: uuid.UUID
    child_name: str
    child_url: str
    family_name: str
    family_reference: str
    tasks: list[TaskRow] = field(default_factory=list)

    @property
    def overdue(self) -> int:
        return sum(1 for t in self.tasks if t.status == OVERDUE)

    @property
    def due_soon(self) -> int:
        return sum(1 for t in self.tasks if t.status == DUE_SOON)


@dataclass
class MyTasks:
    today: datetime.date
    due_soon_until: datetime.date
    overdue: list[TaskRow]
    due_soon: list[TaskRow]
    later: list[TaskRow]
    # Children, most urgent first (by their soonest deadline), each with their deadlines soonest first.
    by_child: list[ChildTasks]

    @property
    def total(self) -> int:
        return len(self.overdue) + len(self.due_soon) + len(self.later)

    @property
    def groups(self) -> list[tuple[str, list[TaskRow]]]:
        """(anchor, rows) for the page's three lists, most urgent first."""
        return [("overdue", self.overdue), ("due-soon", self.due_soon), ("later", self.later)]

    @property
    def family_ids(self) -> list[str]:
        """The families whose children the page names, for its audit event."""
        return _family_ids(self.overdue + self.due_soon + self.later)


def _family_ids(rows: list[TaskRow]) -> list[str]:
    return sorted({str(row.family_id) for row in rows if row.family_id})


@functools.lru_cache(maxsize=4096)
def _due_label(due_date: datetime.date, language: str | None) -> str:
    """A due date as the lists show it ("3 Dec 2026"), in the active language (the month's name is
    translated; the language is in the key so that the cache answers for it). Kept for the process: a date's
    words never change, and formatting the fifty dates of a busy worker's My tasks (a date filter each) was
    about a millisecond of every view. Holds dates, never case data."""
    return date_filter(due_date, "j M Y")


def _rows(values: Iterable[tuple], today: datetime.date, soon: datetime.date) -> list[TaskRow]:
    """TaskRows from deadlines' values_list(*_ROW_COLUMNS), with their status as of `today` (due soon up to
    `soon`)."""
    child_url = registry.ChildUrls()
    rows = []
    language = get_language()
    for child_id, first, last, family_id, family_name, reference, kind, due_date, basis, link in values:
        # A family task (no child) carries the page where it is done; a child's is on their journey.
        url = link or child_url(kind, child_id)
        if due_date < today:
            status, days_overdue = OVERDUE, (today - due_date).days
        else:
            status, days_overdue = (DUE_SOON if due_date <= soon else LATER), 0
        rows.append(
            TaskRow(
                child_id=child_id,
                child_name=" ".join(part for part in (first, last) if part) if child_id else "",
                child_url=url,
                family_id=family_id,
                family_name=family_name or "",
                family_reference=reference or "",
                kind=kind,
                kind_label=registry.kind_label(kind),
                due_date=due_date,
                basis=basis,
                status=status,
                days_overdue=days_overdue,
                due_label=_due_label(due_date, language),
                overdue_label=f"{days_overdue} day{pluralize(days_overdue)} overdue" if days_overdue else "",
            )
        )
    return rows


def my_tasks(user, *, today: datetime.date) -> MyTasks:
    """The user's outstanding deadlines (policies.deadlines_for_tasks), soonest first, grouped as overdue,
    due soon and later, and again by child. One query."""
    soon = due_soon_until(today)
    deadlines = policies.deadlines_for_tasks(user).order_by(
        "due_date", "child__last_name", "child__first_name", "child_id", "kind"
    )
    groups: dict[str, list[TaskRow]] = {OVERDUE: [], DUE_SOON: [], LATER: []}
    children: dict = {}
    for row in _rows(deadlines.values_list(*_ROW_COLUMNS), today, soon):
        groups[row.status].append(row)
        # A family's own tasks are listed together under the family.
        key = row.child_id or ("family", row.family_id)
        child = children.get(key)
        if child is None:
            child = children[key] = ChildTasks(
                child_id=row.child_id,
                child_name=row.child_name,
                child_url=row.child_url,
                family_name=row.family_name,
                family_reference=row.family_reference,
            )
        child.tasks.append(row)
    # Rows arrive soonest first, so children are already in order of their soonest deadline.
    return MyTasks(
        today=today,
        due_soon_until=soon,
        overdue=groups[OVERDUE],
        due_soon=groups[DUE_SOON],
        later=groups[LATER],
        by_child=list(children.values()),
    )


# ---- Timeliness: the teams a user may see ----------------------------------------------------------------


@dataclass
class TeamCounts:
    team: Team
    overdue: int = 0
    due_soon: int = 0


def teams_timeliness(user, *, today: datetime.date) -> list[TeamCounts]:
    """Every team the user may see the timeliness of, with its overdue and due-soon counts. Two queries."""
    soon = due_soon_until(today)
    teams = list(policies.timeliness_teams_visible_to(user).order_by("name"))
    counts = (
        Deadline.objects.filter(family__team_id__in=[t.pk for t in teams], due_date__lte=soon)
        .values("family__team_id")
        .annotate(
            overdue=Count("pk", filter=Q(due_date__lt=today)),
            due_soon=Count("pk", filter=Q(due_date__gte=today)),
        )
        .order_by()
    )
    by_team = {row["family__team_id"]: row for row in counts} if teams else {}
    return [
        TeamCounts(
            team=team,
            overdue=by_team.get(team.pk, {}).get("overdue", 0),
            due_soon=by_team.get(team.pk, {}).get("due_soon", 0),
        )
        for team in teams
    ]


# ---- Timeliness: one team --------------------------------------------------------------------------------


@dataclass
class KindCounts:
    kind: str
    label: str
    overdue: int = 0
    due_soon: int = 0


@dataclass
class WorkerCounts:
    # None: the team's families that have no current lead social worker.
    worker: User | None
    overdue_by_kind: dict[str, int] = field(default_factory=dict)
    due_soon: int = 0
    # (kind, overdue) for each column of the by-worker table, in column order.
    cells: list[tuple[KindCounts, int]] = field(default_factory=list)

    @property
    def overdue(self) -> int:
        return sum(self.overdue_by_kind.values())

    @property
    def filter_value(self) -> str:
        return NO_LEAD if self.worker is None else str(self.worker.pk)


@dataclass
class TeamTimeliness:
    team: Team
    today: datetime.date
    due_soon_until: datetime.date
    by_kind: list[KindCounts]
    # The kinds with anything overdue in the team: the columns of the by-worker table.
    overdue_kinds: list[KindCounts]
    workers: list[WorkerCounts]
    overdue: int
    due_soon: int


def team_timeliness(user, team: Team, *, today: datetime.date) -> TeamTimeliness:
    """A team's overdue deadlines by lead social worker and kind, and what falls due soon. Two queries:
    the counts (grouped in the database), then the workers they name with the team's social workers."""
    soon = due_soon_until(today)
    counts = (
        policies.deadlines_for_team(user, team)
        .filter(due_date__lte=soon)
        # A task with an owner answers to its owner; the children's dates to the family's lead.
        .annotate(
            lead_id=Coalesce(F("owner_id"), _lead_social_worker_of_family(), output_field=BigIntegerField())
        )
        .values("lead_id", "kind")
        .annotate(
            overdue=Count("pk", filter=Q(due_date__lt=today)),
            due_soon=Count("pk", filter=Q(due_date__gte=today)),
        )
        .order_by()
    )
    by_kind = {k.kind: KindCounts(k.kind, k.label) for k in registry.kinds()}
    by_lead: dict = defaultdict(lambda: {"overdue": {}, "due_soon": 0})
    for row in counts:
        kind = by_kind.get(row["kind"])
        if kind is None:  # a kind no longer in the code: counted nowhere rather than failing the page
            continue
        kind.overdue += row["overdue"]
        kind.due_soon += row["due_soon"]
        lead = by_lead[row["lead_id"]]
        if row["overdue"]:
            lead["overdue"][row["kind"]] = row["overdue"]
        lead["due_soon"] += row["due_soon"]
    # Every social worker in the team is listed, with nothing overdue too: a manager reads a zero as well.
    lead_ids = [pk for pk in by_lead if pk is not None]
    workers = User.objects.filter(
        Q(pk__in=lead_ids) | Q(team=team, is_active=True, role=User.Role.SOCIAL_WORKER)
    ).order_by("last_name", "first_name", "pk")
    rows = [
        WorkerCounts(
            worker,
            by_lead.get(worker.pk, {}).get("overdue", {}),
            by_lead.get(worker.pk, {}).get("due_soon", 0),
        )
        for worker in workers
    ]
    if None in by_lead:
        rows.append(WorkerCounts(None, by_lead[None]["overdue"], by_lead[None]["due_soon"]))
    kinds = list(by_kind.values())
    overdue_kinds = [k for k in kinds if k.overdue]
    for row in rows:
        row.cells = [(k, row.overdue_by_kind.get(k.kind, 0)) for k in overdue_kinds]
    return TeamTimeliness(
        team=team,
        today=today,
        due_soon_until=soon,
        by_kind=kinds,
        overdue_kinds=overdue_kinds,
        workers=rows,
        overdue=sum(k.overdue for k in kinds),
        due_soon=sum(k.due_soon for k in kinds),
    )


# ---- Timeliness: a team's overdue deadlines --------------------------------------------------------------


@dataclass
class OverdueList:
    page: Page
    rows: list[TaskRow]

    @property
    def family_ids(self) -> list[str]:
        """The families whose children the page names, for its audit event."""
        return _family_ids(self.rows)


# What the drill-down shows of a lead social worker (User.display_name).
_LEAD_NAME = ("username", "first_name", "last_name")


def worker_for_filter(worker_id: int) -> User | None:
    """The worker the drill-down is filtered on (any member of staff: a lead may be in another team)."""
    return User.objects.filter(pk=worker_id).only("username", "first_name", "last_name").order_by().first()


def team_overdue_deadlines(
    user, team: Team, *, today: datetime.date, kind: str | None = None, worker: User | str | None = None
) -> QuerySet[Deadline]:
    """The team's overdue deadlines, optionally of one kind and of one lead social worker's families
    (worker NO_LEAD: the families with no current lead), oldest first."""
    deadlines = policies.deadlines_for_team(user, team).filter(due_date__lt=today)
    if kind:
        deadlines = deadlines.filter(kind=kind)
    if worker is not None:
        leads = Allocation.objects.current().filter(case_role=CaseRole.LEAD_SOCIAL_WORKER)
        if worker == NO_LEAD:
            deadlines = deadlines.filter(owner__isnull=True).exclude(family_id__in=leads.values("family_id"))
        else:
            deadlines = deadlines.filter(
                Q(owner_id=worker.pk)
                | Q(policies.unowned(), family_id__in=leads.filter(worker_id=worker.pk).values("family_id"))
            )
    # The list is paged: rows that tie on all of these (a family's tasks with no child, due the same day,
    # of one kind) need a last key, or a row could show on two pages or on none.
    return deadlines.order_by("due_date", "child__last_name", "child__first_name", "child_id", "kind", "pk")


def team_overdue(
    user,
    team: Team,
    *,
    today: datetime.date,
    kind: str | None = None,
    worker: User | str | None = None,
    page_number=None,
) -> OverdueList:
    """One page (100 rows) of the team's overdue deadlines with each child, family and lead social worker.

    Three queries whatever the team's size: the count, the page, and its families' lead social workers."""
    deadlines = team_overdue_deadlines(user, team, today=today, kind=kind, worker=worker)
    page = Paginator(deadlines.values_list(*_ROW_COLUMNS), OVERDUE_PAGE_SIZE).get_page(page_number)
    rows = _rows(page.object_list, today, today)
    family_ids = {row.family_id for row in rows if row.family_id}
    leads: dict = {}
    if family_ids:
        allocations = (
            Allocation.objects.current()
            .filter(family_id__in=family_ids, case_role=CaseRole.LEAD_SOCIAL_WORKER)
            .values_list("family_id", "worker_id", *(f"worker__{name}" for name in _LEAD_NAME))
            .order_by()
        )
        # The lead's name is all the list shows: one User a worker, from plain values, rather than an
        # Allocation and a deferred User for each of the page's families (about 1.5 ms of the page's CPU).
        workers: dict[int, User] = {}
        for family_id, worker_id, username, first_name, last_name in allocations:
            worker = workers.get(worker_id)
            if worker is None:
                worker = workers[worker_id] = User(
                    pk=worker_id, username=username, first_name=first_name, last_name=last_name
                )
            leads[family_id] = worker
    for row in rows:
        row.lead = leads.get(row.family_id)
    return OverdueList(page=page, rows=rows)
