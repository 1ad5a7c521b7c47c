"""Caseload reads: My families, a manager's landing page, Team caseload and its family lists, and the
workers' caseloads on the allocation form, in a fixed number of queries at any caseload size."""

from __future__ import annotations

import datetime
import functools
from collections import defaultdict
from dataclasses import dataclass, field

from django.db import connection
from django.db.models import Count, Exists, IntegerField, OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.template.defaultfilters import date as date_filter
from django.utils import timezone

from safeguarding.access.policies import families_visible_to
from safeguarding.accounts.models import Team, User
from safeguarding.allocation.models import Allocation, CaseRole
from safeguarding.allocation.policies import allocatable_workers
from safeguarding.core.compiled import CompiledQuery, as_date, as_uuid, compile_for_ids
from safeguarding.core.urls import RowUrls
from safeguarding.people.models import Family, FamilyMember, age_on
from safeguarding.tasks.models import Deadline
from safeguarding.tasks.selectors import due_soon_until

# My families reads plain values, not model instances, and puts each row's words together here, so the
# template does no look-ups through related objects, no date filters and no URL reversing per row. At a
# caseload of 48 families the page built about 800 model instances (members, people, allocations, workers)
# and rendered ~1,700 template variables: about 40 ms of CPU of a 50 ms request (docs/benchmarks.md, stop
# 18). Every object a page makes also stays until the cyclic garbage collector frees it (Django's template
# Context refers to itself), so fewer objects also means fewer and shorter full collections.


@dataclass(frozen=True)
class MyFamilyMember:
    person_id: object
    first_name: str
    last_name: str
    # "Mia Carter (7)" or "Baby Carter (unborn, due 3 Mar 2027)": what the page shows for a child; an
    # adult's name alone.
    line: str


@dataclass(frozen=True)
class MyFamilyWorker:
    worker_id: int
    case_role: str
    role_label: str
    worker_name: str


@dataclass
class MyFamilyRow:
    pk: object
    name: str
    reference: str
    url: str
    children: list[MyFamilyMember]
    adults: list[MyFamilyMember]
    my_roles: list[MyFamilyWorker]
    other_workers: list[MyFamilyWorker]


@functools.lru_cache(maxsize=64)
def _compiled_members(vendor: str, count: int) -> CompiledQuery:
    """The current members of `count` families, children then adults, each by date of birth: the order
    the page lists them in (FamilyMember's default ordering)."""
    return compile_for_ids(
        lambda ids: (
            FamilyMember.objects.filter(left_on__isnull=True, family_id__in=ids)
            .order_by("member_type", "person__date_of_birth")
            .values_list(
                "family_id",
                "member_type",
                "person_id",
                "person__first_name",
                "person__last_name",
                "person__date_of_birth",
                "person__expected_date_of_birth",
            )
        ),
        count,
    )


@functools.lru_cache(maxsize=64)
def _compiled_allocations(vendor: str, count: int) -> CompiledQuery:
    """The current allocations of `count` families with each worker's names, by role on the case."""
    return compile_for_ids(
        lambda ids: (
            Allocation.objects.current()
            .filter(family_id__in=ids)
            .order_by("case_role")
            .values_list(
                "family_id",
                "worker_id",
                "case_role",
                "worker__username",
                "worker__first_name",
                "worker__last_name",
            )
        ),
        count,
    )


def _member_line(first_name, last_name, member_type, born, expected, today) -> str:
    name = " ".join(p for p in (first_name, last_name) if p)
    if member_type != FamilyMember.MemberType.CHILD:
        return name
    # As Person.is_unborn and Person.age say.
    if born is None and expected is not None:
        return f"{name} (unborn, due {date_filter(expected, 'j M Y')})"
    if born is not None:
        return f"{name} ({age_on(born, today)})"
    return name


def my_families(user) -> list[MyFamilyRow]:
    """The families the user is currently allocated to, with members and the other workers. Three queries
    at any caseload: the families (through the access policy), their current members and their current
    allocations; the last two compiled once for each number of families (core.compiled)."""
    families = list(
        families_visible_to(user)
        .filter(pk__in=Allocation.objects.current().filter(worker_id=user.pk).values("family_id"))
        .order_by("name")
        .values_list("pk", "name", "reference")
    )
    if not families:
        return []
    ids = [pk for pk, _name, _reference in families]
    today = timezone.localdate()
    # The family page's URL, reversed once: each row's differs only by the family's id.
    urls = RowUrls()
    rows = {
        pk: MyFamilyRow(pk, name, reference, urls("casefile:family-detail", pk), [], [], [], [])
        for pk, name, reference in families
    }
    _columns, members = _compiled_members(connection.vendor, len(ids)).run(ids)
    for family_id, member_type, person_id, first_name, last_name, born, expected in members:
        born, expected = as_date(born), as_date(expected)
        member = MyFamilyMember(
            as_uuid(person_id),
            first_name,
            last_name,
            _member_line(first_name, last_name, member_type, born, expected, today),
        )
        row = rows[as_uuid(family_id)]
        if member_type == FamilyMember.MemberType.CHILD:
            row.children.append(member)
        elif member_type == FamilyMember.MemberType.ADULT:
            row.adults.append(member)
    labels = dict(CaseRole.choices)
    _columns, allocations = _compiled_allocations(connection.vendor, len(ids)).run(ids)
    for family_id, worker_id, case_role, username, first_name, last_name in allocations:
        # As User.display_name says.
        worker_name = f"{first_name} {last_name}".strip() or username
        held = MyFamilyWorker(worker_id, case_role, labels.get(case_role, case_role), worker_name)
        row = rows[as_uuid(family_id)]
        (row.my_roles if worker_id == user.pk else row.other_workers).append(held)
    return list(rows.values())


@dataclass
class WorkerCaseload:
    worker: User
    families: int = 0
    children: int = 0
    roles: dict[str, int] = field(default_factory=dict)


def team_caseload(team: Team) -> dict:
    """Every worker in the team with their number of families and children, by role on the case.

    Counts the workers' current allocations wherever the family sits, because a worker's load is all
    of it. Also lists the team's families with no lead social worker, which need allocating first.
    """
    workers = list(
        User.objects.filter(team=team, is_active=True, role__in=User.CASEWORK_ROLES)
        .select_related("organisation")
        .order_by("last_name", "first_name")
    )
    children_in_family = (
        FamilyMember.objects.filter(
            family_id=OuterRef("family_id"), left_on__isnull=True, member_type="child"
        )
        .values("family_id")
        .annotate(n=Count("pk"))
        .values("n")
    )
    rows = (
        Allocation.objects.current()
        .filter(worker__in=[w.pk for w in workers])
        .annotate(children=Coalesce(Subquery(children_in_family, output_field=IntegerField()), 0))
        .values_list("worker_id", "family_id", "case_role", "children")
    )
    loads = {w.pk: WorkerCaseload(worker=w) for w in workers}
    families_seen: dict = defaultdict(set)
    for worker_id, family_id, case_role, children in rows:
        load = loads[worker_id]
        if family_id not in families_seen[worker_id]:
            families_seen[worker_id].add(family_id)
            load.families += 1
            load.children += children
        load.roles[case_role] = load.roles.get(case_role, 0) + 1
    role_labels = dict(CaseRole.choices)
    for load in loads.values():
        load.role_list = sorted((role_labels[r], n) for r, n in load.roles.items())
    without_lead = (
        Family.objects.filter(team=team, closed_on__isnull=True)
        .annotate(
            leads=Count(
                "allocations",
                filter=Q(
                    allocations__end_date__isnull=True, allocations__case_role=CaseRole.LEAD_SOCIAL_WORKER
                ),
            )
        )
        .filter(leads=0)
        .order_by("name")
    )
    totals = Family.objects.filter(team=team, closed_on__isnull=True).aggregate(
        families=Count("pk", distinct=True),
        children=Count(
            "members",
            filter=Q(members__left_on__isnull=True, members__member_type="child"),
            distinct=True,
        ),
    )
    return {
        "workers": list(loads.values()),
        "families_without_lead": list(without_lead[:100]),
        "team_families": totals["families"],
        "team_children": totals["children"],
    }


# ---- Families of a team, with their lead and due work: the manager's landing page and Team caseload's lists


# A family is newly allocated when its current lead social worker took it on this recently.
NEW_ALLOCATION_DAYS = 14
# How many families each list on a manager's landing page shows; the rest are a link away.
LANDING_LIST = 10


class FamilyList:
    """The lists a team's families can be shown as (Team caseload's ?show=)."""

    ALL = "all"
    OVERDUE = "overdue"
    NO_LEAD = "no-lead"
    NEW = "new"
    TITLES = {
        ALL: "Open families",
        OVERDUE: "Families with overdue work",
        NO_LEAD: "Families without a lead social worker",
        NEW: f"Families allocated in the last {NEW_ALLOCATION_DAYS} days",
    }


def _lead(column: str) -> Subquery:
    # At most one current lead a family (a database constraint).
    return Subquery(
        Allocation.objects.current()
        .filter(family_id=OuterRef("pk"), case_role=CaseRole.LEAD_SOCIAL_WORKER)
        .order_by()
        .values(column)[:1]
    )


def _count(queryset) -> Coalesce:
    counted = queryset.order_by().values("family_id").annotate(n=Count("pk")).values("n")
    return Coalesce(Subquery(counted, output_field=IntegerField()), 0)


def family_rows(user, *, teams, today: datetime.date) -> QuerySet[Family]:
    """The open families of `teams` (None: every team) that the user may see, each with its lead social
    worker (lead_id, lead_first_name, lead_last_name, lead_username, lead_since), its children and its
    overdue and due-soon deadlines. Columns of one query, so that a list of any length is one query, and
    its count another.

    The deadlines are counted in a subquery of each family the policy lets the user see (the outer query),
    as tasks.policies.deadlines_for_families would give them."""
    soon = due_soon_until(today)
    deadlines = Deadline.objects.filter(family_id=OuterRef("pk"))
    families = families_visible_to(user).filter(closed_on__isnull=True)
    if teams is not None:
        families = families.filter(team__in=teams)
    return (
        families.select_related("team")
        .only("name", "reference", "team__name")
        .annotate(
            lead_id=_lead("worker_id"),
            lead_first_name=_lead("worker__first_name"),
            lead_last_name=_lead("worker__last_name"),
            lead_username=_lead("worker__username"),
            lead_since=_lead("start_date"),
            children=_count(
                FamilyMember.objects.filter(
                    family_id=OuterRef("pk"), left_on__isnull=True, member_type="child"
                )
            ),
            overdue=_count(deadlines.filter(due_date__lt=today)),
            due_soon=_count(deadlines.filter(due_date__gte=today, due_date__lte=soon)),
        )
    )


def _filtered(rows: QuerySet[Family], show: str, today: datetime.date) -> QuerySet[Family]:
    if show == FamilyList.OVERDUE:
        return rows.filter(overdue__gt=0).order_by("-overdue", "name", "pk")
    if show == FamilyList.NO_LEAD:
        return rows.filter(lead_id__isnull=True).order_by("name", "pk")
    if show == FamilyList.NEW:
        since = today - datetime.timedelta(days=NEW_ALLOCATION_DAYS)
        return rows.filter(lead_since__gte=since).order_by("-lead_since", "name", "pk")
    return rows.order_by("name", "pk")


def _with_lead_names(families: list[Family]) -> list[Family]:
    for family in families:
        names = " ".join(n for n in (family.lead_first_name, family.lead_last_name) if n)
        family.lead_name = names or family.lead_username or ""
    return families


@dataclass
class ManagerOverview:
    """A team manager's (or service manager's) landing page: the teams' work, not an empty My families."""

    today: datetime.date
    families: int
    overdue_families: int
    no_lead_families: int
    new_families: int
    overdue: list[Family]
    no_lead: list[Family]
    new: list[Family]
    new_since: datetime.date


def manager_overview(user, *, teams, today: datetime.date) -> ManagerOverview:
    """The teams' open families with overdue work (most overdue first), without a lead social worker, and
    newly allocated, the first LANDING_LIST of each with their counts. Four queries at any size."""
    rows = family_rows(user, teams=teams, today=today)
    since = today - datetime.timedelta(days=NEW_ALLOCATION_DAYS)
    # The totals' names must differ from the annotations': an aggregate named like an annotation replaces
    # it, and SQLite then reads the missing column's quoted name as a string.
    totals = rows.aggregate(
        n_families=Count("pk"),
        n_overdue=Count("pk", filter=Q(overdue__gt=0)),
        n_no_lead=Count("pk", filter=Q(lead_id__isnull=True)),
        n_new=Count("pk", filter=Q(lead_since__gte=since)),
    )

    def first(show):
        return _with_lead_names(list(_filtered(rows, show, today)[:LANDING_LIST]))

    return ManagerOverview(
        today=today,
        families=totals["n_families"],
        overdue_families=totals["n_overdue"],
        no_lead_families=totals["n_no_lead"],
        new_families=totals["n_new"],
        overdue=first(FamilyList.OVERDUE),
        no_lead=first(FamilyList.NO_LEAD),
        new=first(FamilyList.NEW),
        new_since=since,
    )


def team_family_list(user, *, teams, today: datetime.date, show: str = FamilyList.ALL) -> QuerySet[Family]:
    """One of the teams' family lists (FamilyList), for a paginator: count and page are a query each."""
    return _filtered(family_rows(user, teams=teams, today=today), show, today)


def worker_family_list(user, worker: User, *, today: datetime.date) -> QuerySet[Family]:
    """The families a worker holds now, of those the user may see, in any team, with the worker's role."""
    held = Allocation.objects.current().filter(worker_id=worker.pk, family_id=OuterRef("pk"))
    return (
        family_rows(user, teams=None, today=today)
        .filter(Exists(held))
        .annotate(worker_role=Subquery(held.order_by().values("case_role")[:1]))
        .order_by("name", "pk")
    )


def worker_families_held(worker: User) -> int:
    """How many families the worker holds now, wherever they sit: their whole caseload."""
    return Allocation.objects.current().filter(worker_id=worker.pk).values("family_id").distinct().count()


def page_rows(families) -> list[Family]:
    """A page of family_rows with each lead's name put together, and each role on the case labelled."""
    labels = dict(CaseRole.choices)
    families = _with_lead_names(list(families))
    for family in families:
        role = getattr(family, "worker_role", None)
        family.worker_role_label = labels.get(role, "") if role else ""
    return families


# ---- The allocation form ---------------------------------------------------------------------------------


def allocatable_workers_with_caseload(user, family) -> QuerySet[User]:
    """The workers the user may allocate to the family (allocation.policies), each with `caseload`: the
    number of families they hold now, wherever those sit, so the manager sees who has room."""
    held = Allocation.objects.current().filter(worker_id=OuterRef("pk"))
    return allocatable_workers(user, family).annotate(caseload=_count_by_worker(held))


def _count_by_worker(queryset) -> Coalesce:
    # A worker holds a family once at a time (a database constraint): one open allocation is one family.
    counted = queryset.order_by().values("worker_id").annotate(n=Count("pk")).values("n")
    return Coalesce(Subquery(counted, output_field=IntegerField()), 0)
