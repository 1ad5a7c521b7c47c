"""Caseload reads: My families and Team caseload, in a fixed number of queries at any caseload size."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models import Count, IntegerField, OuterRef, Prefetch, Q, Subquery
from django.db.models.functions import Coalesce

from safeguarding.access.policies import families_visible_to
from safeguarding.accounts.models import Team, User
from safeguarding.allocation.models import Allocation, CaseRole
from safeguarding.people.models import Family, FamilyMember

# My families loads only the columns the page shows. Every object a page loads stays until CPython's
# cyclic garbage collector frees it (Django's template Context refers to itself, so a rendered page's
# context is never freed by reference counting), and the full collections that garbage sets off were the
# slowest few per cent of My families requests at a caseload of 40 families (docs/benchmarks.md).
# Timestamps, creator and allocator keys and the worker's employer, which the page never shows, made a
# third more of it. A template that shows another column must add it here, or each row costs a query
# (test_query_budgets catches that).
_MEMBER_COLUMNS = (
    "family",
    "person",
    "member_type",
    "person__first_name",
    "person__last_name",
    "person__date_of_birth",
    "person__expected_date_of_birth",
)
_ALLOCATION_COLUMNS = (
    "family",
    "worker",
    "case_role",
    "worker__username",
    "worker__first_name",
    "worker__last_name",
)


def _current_members():
    return (
        FamilyMember.objects.filter(left_on__isnull=True)
        .select_related("person")
        .only(*_MEMBER_COLUMNS)
        .order_by("member_type", "person__date_of_birth")
    )


def _current_allocations():
    return (
        Allocation.objects.current().select_related("worker").only(*_ALLOCATION_COLUMNS).order_by("case_role")
    )


def my_families(user) -> list[Family]:
    """The families the user is currently allocated to, with members and the other workers."""
    families = (
        families_visible_to(user)
        .filter(pk__in=Allocation.objects.current().filter(worker_id=user.pk).values("family_id"))
        .prefetch_related(
            Prefetch("members", queryset=_current_members(), to_attr="current_members"),
            Prefetch("allocations", queryset=_current_allocations(), to_attr="current_allocations"),
        )
        .only("name", "reference")
        .order_by("name")
    )
    result = list(families)
    for family in result:
        family.children = [
            m for m in family.current_members if m.member_type == FamilyMember.MemberType.CHILD
        ]
        family.adults = [m for m in family.current_members if m.member_type == FamilyMember.MemberType.ADULT]
        family.my_roles = [a for a in family.current_allocations if a.worker_id == user.pk]
        family.other_workers = [a for a in family.current_allocations if a.worker_id != user.pk]
    return result


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
