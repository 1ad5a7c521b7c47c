"""Reads for the pack, the record, the team's supervisions page and the family page's panel, each in a
fixed number of queries whatever the number of children, workers, cycles and actions."""

from __future__ import annotations

import datetime
import functools
import html
from dataclasses import dataclass, field

from django.conf import settings
from django.core.paginator import Paginator
from django.db import connection
from django.db.models import Count, F, IntegerField, OuterRef, Subquery, Window
from django.db.models.functions import Coalesce, RowNumber
from django.urls import reverse
from django.utils.safestring import mark_safe

from safeguarding.accounts.models import User
from safeguarding.allocation.models import Allocation, CaseRole
from safeguarding.core.compiled import CompiledQuery, as_date, as_uuid, compile_for_ids
from safeguarding.core.urls import RowUrls
from safeguarding.journey import models as journey
from safeguarding.measures import instruments as measure_instruments
from safeguarding.measures.selectors import pack_rows as measures_pack_rows
from safeguarding.people.models import Family, FamilyMember, Person
from safeguarding.readiness.selectors import pack_rows as readiness_pack_rows
from safeguarding.tasks import registry
from safeguarding.tasks.models import Deadline
from safeguarding.tasks.selectors import due_soon_until
from safeguarding.workbook.models import Chapter, SignificantEvent, Workbook

from .models import Attendance, GroupSupervision, SupervisionAction
from .policies import SupervisionAccess
from .services import analyses_to_start_from, invited_people, last_signed_off

ROLE_ORDER = {role: index for index, role in enumerate(CaseRole.values)}
TEAM_PAGE_SIZE = 50


def supervision_for_page(family, supervision_id) -> GroupSupervision | None:
    # One row by its key, so not ordered: ordering makes Django compare every selected column (about 70
    # with the four related rows) with the ordering, on every page of a supervision.
    found = (
        GroupSupervision.objects.filter(pk=supervision_id, family=family)
        .select_related("chair", "cycle", "signed_off_by", "recorded_by")
        .prefetch_related("invitees")
        .order_by()[:1]
    )
    return next(iter(found), None)


def next_supervision(family) -> GroupSupervision | None:
    return (
        GroupSupervision.objects.filter(family=family)
        .exclude(status=GroupSupervision.Status.SIGNED_OFF)
        .select_related("chair")
        .first()
    )


# ---- the children's statutory status -------------------------------------------------------------------


def _latest(queryset, column, order):
    return Subquery(queryset.filter(child_id=OuterRef("person_id")).order_by(order).values(column)[:1])


@dataclass
class ChildLine:
    child: object
    status: list[str]
    overdue: list = field(default_factory=list)
    due_soon: list = field(default_factory=list)
    journey_url: str = ""


@dataclass
class Members:
    """The family's members as the supervision pages need them, from one query (members_of)."""

    # Current children with their statutory status, in the family page's order (date of birth, first name).
    children: list[ChildLine]
    # Current adults, eldest first (as Family.current_adults).
    adults: list
    # Every adult ever in the family (FamilyDisclosure's sharing bases are looked up for each).
    adult_ids: list

    @property
    def child_ids(self) -> list[str]:
        """The audit event's people (services._child_ids)."""
        return [str(line.child.pk) for line in self.children]


# The person columns the pages read (ids and names; the date of birth orders them). Any other column of
# these Person objects is deferred, so reading one would load it rather than give a wrong value.
_PERSON_COLUMNS = ("id", "first_name", "last_name", "date_of_birth")


def members_of(family) -> Members:
    """Every member of the family in one query: the current children with their statutory status (plan,
    looked after, open referral), the current adults in the order readiness and measures list them, and
    every adult's id. Before, the pack read the members five times (its children, the adults twice, the
    adults' ids for the disclosure, the children's ids for the audit event), and building the children's
    four status subqueries through the ORM cost more than running them."""
    columns, rows = _compiled_members(connection.vendor).run([family.pk])
    children, adults, adult_ids = [], [], []
    for row in rows:
        found = dict(zip(columns, row, strict=True))
        person_id = as_uuid(found["person_id"])
        if found["member_type"] == FamilyMember.MemberType.ADULT:
            adult_ids.append(person_id)
        if found["left_on"] is not None:
            continue
        person = Person.from_db(
            "default",
            _PERSON_COLUMNS,
            (
                person_id,
                found["person__first_name"],
                found["person__last_name"],
                as_date(found["person__date_of_birth"]),
            ),
        )
        if found["member_type"] == FamilyMember.MemberType.ADULT:
            adults.append((found["adult_order"], person))
            continue
        if found["member_type"] != FamilyMember.MemberType.CHILD:
            continue
        status = []
        if found["lac_start"]:
            status.append(("Looked after", as_date(found["lac_start"])))
        if found["cp_start"]:
            status.append(("Child protection plan", as_date(found["cp_start"])))
        if found["cin_start"]:
            status.append(("Child in need plan", as_date(found["cin_start"])))
        if not status and found["referral"]:
            status.append(("Open referral", as_date(found["referral"])))
        children.append(ChildLine(child=person, status=status))
    adults.sort(key=lambda pair: pair[0])
    return Members(children=children, adults=[person for _order, person in adults], adult_ids=adult_ids)


@functools.lru_cache(maxsize=4)
def _compiled_members(vendor: str) -> CompiledQuery:
    """members_of's query, compiled once (core.compiled) and run with the family's id. Rows in the
    children's order (date of birth, first name, id); `adult_order` numbers everyone in the adults' order
    (date of birth, last name, first name), so the database orders both (its collation, where it puts
    an unknown date of birth) as the queries these replace did."""

    def build(ids):
        person = ("person__date_of_birth", "person__last_name", "person__first_name", "person_id")
        return (
            FamilyMember.objects.filter(family_id=ids[0])
            .annotate(
                cp_start=_latest(
                    journey.ChildProtectionPlan.objects.filter(end_date__isnull=True),
                    "start_date",
                    "-start_date",
                ),
                cin_start=_latest(
                    journey.ChildInNeedPlan.objects.filter(end_date__isnull=True), "start_date", "-start_date"
                ),
                lac_start=_latest(
                    journey.LookedAfterEpisode.objects.filter(end_date__isnull=True),
                    "start_date",
                    "-start_date",
                ),
                referral=_latest(
                    journey.EpisodeOfNeed.objects.filter(closure_date__isnull=True),
                    "referral_date",
                    "-referral_date",
                ),
                adult_order=Window(RowNumber(), order_by=[F(name).asc() for name in person]),
            )
            .order_by("person__date_of_birth", "person__first_name", "person_id")
            .values(
                "person_id",
                "member_type",
                "left_on",
                "person__first_name",
                "person__last_name",
                "person__date_of_birth",
                "cp_start",
                "cin_start",
                "lac_start",
                "referral",
                "adult_order",
            )
        )

    return compile_for_ids(build, 1)


def children_lines(family, *, today: datetime.date, members: Members | None = None) -> list[ChildLine]:
    """Each current child with their statutory status (plan, looked after, open referral) and what is
    overdue or due soon on their journey. Two queries for any number of children (one with `members`,
    read already)."""
    urls = RowUrls()
    lines = {}
    for line in (members or members_of(family)).children:
        line.journey_url = urls("journey:child-journey", line.child.pk)
        lines[line.child.pk] = line
    if lines:
        soon = due_soon_until(today)
        for child_id, kind, due_date, basis in (
            Deadline.objects.filter(
                family=family, child_id__in=list(lines), owner__isnull=True, due_date__lte=soon
            )
            .order_by("due_date", "kind")
            .values_list("child_id", "kind", "due_date", "basis")
        ):
            item = {"label": registry.kind_label(kind), "due_date": due_date, "basis": basis}
            (lines[child_id].overdue if due_date < today else lines[child_id].due_soon).append(item)
    return list(lines.values())


# ---- the pack ----------------------------------------------------------------------------------------------


def _chapter_rows(access: SupervisionAccess, cycle) -> list[dict]:
    chapters = (
        {c.author_id: c for c in Chapter.objects.filter(cycle=cycle).select_related("author")}
        if cycle
        else {}
    )
    rows = []
    for allocation in sorted(
        access.disclosure.current_allocations, key=lambda a: (ROLE_ORDER.get(a.case_role, 99), a.start_date)
    ):
        chapter = chapters.pop(allocation.worker_id, None)
        rows.append(
            {
                "worker": allocation.worker,
                "role": allocation.get_case_role_display(),
                "chapter": chapter,
                "shared": chapter is not None and chapter.state == Chapter.State.SHARED,
                "state": chapter.get_state_display() if chapter else "Not started",
            }
        )
    for chapter in chapters.values():  # by workers whose allocation has since ended
        rows.append(
            {
                "worker": chapter.author,
                "role": chapter.role_label,
                "chapter": chapter,
                "shared": chapter.state == Chapter.State.SHARED,
                "state": chapter.get_state_display(),
            }
        )
    return rows


def _actions(supervision):
    return list(
        SupervisionAction.objects.filter(supervision=supervision).select_related("owner", "done_by")
        if supervision
        else []
    )


def pack(
    access: SupervisionAccess,
    supervision: GroupSupervision,
    *,
    today: datetime.date,
    members: Members | None = None,
) -> dict:
    """Everything the team reads before the meeting, assembled from what is recorded: nothing typed.
    `members` is members_of(family), when the caller has read it already."""
    family = supervision.family
    members = members or members_of(family)
    previous = last_signed_off(family, before=supervision)
    workbook = Workbook.objects.filter(family=family).only("opened_on").first()
    since = previous.scheduled_for if previous else (workbook.opened_on if workbook else None)
    events = []
    if since is not None:
        # Not the people each event names, which the pack does not show (a query of their own). The join
        # to who recorded it stays: events recorded together tie on the ordering, and the same query
        # keeps them in the same order.
        events = list(
            SignificantEvent.objects.filter(family=family, date__gte=since)
            .select_related("recorded_by")
            .order_by("-date", "-created_at")
        )
    readiness_rows = readiness_pack_rows(
        family=family, disclosure=access.disclosure, since=since, adults=members.adults
    )
    measure_rows = measures_pack_rows(
        family=family,
        disclosure=access.disclosure,
        since=since,
        found=measure_instruments.every(),
        adults=members.adults,
    )
    # Each supervision's actions by a query of its own, as before: actions agreed together share their
    # due date and creation time, and one query for both lists gave such ties in another order on
    # PostgreSQL.
    previous_actions = _actions(previous)
    return {
        "children": children_lines(family, today=today, members=members),
        "chapter_rows": _chapter_rows(access, supervision.cycle),
        "events": events,
        "since": since,
        "previous": previous,
        "previous_actions": previous_actions,
        "previous_actions_open": sum(1 for a in previous_actions if not a.is_done),
        "readiness_rows": readiness_rows,
        "measure_rows": measure_rows,
        "invited": invited_people(supervision, access.disclosure.current_allocations),
    }


def record(supervision: GroupSupervision) -> dict:
    """The meeting record as saved: analyses with their children, actions, addenda."""
    return {
        "analyses": list(
            supervision.analyses.select_related("child").order_by("child__date_of_birth", "child_id")
        ),
        "actions": _actions(supervision),
        "addenda": list(supervision.addenda.select_related("written_by")),
    }


# A decision that implies a statutory step, and the step on each child's journey where it is recorded.
DECISION_STEPS = {
    "step_down": ("cp-plan-end", "End the child protection plan"),
    "legal_planning": ("pre-proceedings", "Record the legal planning meeting"),
    "close": ("closure", "Record the closure"),
}


def decision_steps(supervision: GroupSupervision, children) -> list[dict]:
    """For each decision that implies a statutory step, a link to record it on each child's journey."""
    steps = []
    for code in supervision.decisions or []:
        if code in DECISION_STEPS:
            slug, label = DECISION_STEPS[code]
            steps.append(
                {
                    "label": label,
                    "links": [(child, reverse("journey:step", args=[child.pk, slug])) for child in children],
                }
            )
    return steps


def attendance_rows(supervision: GroupSupervision, people) -> list[tuple]:
    labels = dict(Attendance.choices)
    return [(user, labels.get(supervision.attendance.get(str(user.pk)), "Not recorded")) for user in people]


def record_initial(supervision: GroupSupervision, people, children) -> dict:
    """The record form's starting values: saved values, and the risk analyses to start from."""
    initial = {
        "version": supervision.version,
        "family_views": supervision.family_views,
        "hypotheses": supervision.hypotheses,
        "decisions": supervision.decisions,
        "decision_other": supervision.decision_other,
    }
    for user in people:
        value = supervision.attendance.get(str(user.pk))
        if value:
            initial[f"attendance-{user.pk}"] = value
    for child_id, values in analyses_to_start_from(supervision, children).items():
        for name, value in values.items():
            if value not in (None, ""):
                initial[f"child-{child_id}-{name}"] = str(value) if name == "safety_judgement" else value
    return initial


# ---- the family page panel ---------------------------------------------------------------------------------


def family_panel(access: SupervisionAccess, family, *, today: datetime.date) -> dict | None:
    """The next supervision, and how many of the family's actions are open and overdue, with the soonest
    due. One query: the family page's budget counts it."""
    columns, rows = _compiled_panel(connection.vendor).run([family.pk], [today])
    upcoming = None
    for row in rows:
        found = dict(zip(columns, row, strict=True))
        chair = User(
            pk=found["chair_id"],
            username=found["chair__username"],
            first_name=found["chair__first_name"],
            last_name=found["chair__last_name"],
        )
        upcoming = GroupSupervision(
            pk=as_uuid(found["id"]),
            family_id=family.pk,
            status=found["status"],
            scheduled_for=as_date(found["scheduled_for"]),
            chair=chair,
        )
        upcoming.open_actions = found["open_actions"]
        upcoming.overdue_actions = found["overdue_actions"]
        upcoming.soonest_action = as_date(found["soonest_action"])
    return {"family": family, "next": upcoming, "can_schedule": access.can_schedule}


@functools.lru_cache(maxsize=4)
def _compiled_panel(vendor: str) -> CompiledQuery:
    """The panel's query compiled once (core.compiled), with the family and today put in on each run:
    building its three counting subqueries through the ORM took most of the panel's time on every family
    page, against a fraction of a millisecond to run it."""

    def build(ids, today):
        open_actions = SupervisionAction.objects.filter(supervision__family_id=ids[0], done_on__isnull=True)

        def count(queryset):
            return Subquery(
                queryset.order_by().values("supervision__family_id").annotate(n=Count("pk")).values("n")[:1],
                output_field=IntegerField(),
            )

        return (
            GroupSupervision.objects.filter(family_id=ids[0])
            .exclude(status=GroupSupervision.Status.SIGNED_OFF)
            .annotate(
                open_actions=count(open_actions),
                overdue_actions=count(open_actions.filter(due_date__lt=today)),
                soonest_action=Subquery(open_actions.order_by("due_date").values("due_date")[:1]),
            )
            .values(
                "id",
                "status",
                "scheduled_for",
                "chair_id",
                "chair__username",
                "chair__first_name",
                "chair__last_name",
                "open_actions",
                "overdue_actions",
                "soonest_action",
            )[:1]
        )

    return compile_for_ids(build, 1, dates=1)


# ---- the team's supervisions page --------------------------------------------------------------------------


@dataclass
class Day:
    date: datetime.date
    supervisions: list = field(default_factory=list)


@dataclass(slots=True)
class TeamRow:
    """One booked supervision on the team's page, from plain values: the page lists up to 50 with their
    invited names, and building each as a model with its family, chair, invitees and allocations (about
    450 model instances, and a related manager per supervision) was a third of the page's time."""

    pk: object
    family_id: object
    family_name: str
    family_reference: str
    status: str
    is_late: bool
    # The invited names as the list's items, escaped here: about 170 names on a page, each a loop turn
    # and an escaped variable in the template (about 0.6 ms of the page's rendering).
    invited_html: str
    pack_url: str
    reschedule_url: str


def _display_name(first_name: str, last_name: str, username: str) -> str:
    """User.display_name from the three columns (AbstractUser.get_full_name, else the username)."""
    return f"{first_name} {last_name}".strip() or username


def team_page(team, *, today: datetime.date, page_number=None) -> dict:
    """The team's supervisions not yet signed off, by day (each with who is invited), one page at a time,
    and the team's open families whose supervision is overdue. Five queries whatever the team's size."""
    interval = datetime.timedelta(days=settings.GROUP_SUPERVISION_INTERVAL_DAYS)
    # Only the columns the page shows (names for the invited, not every user's password hash and dates),
    # as plain values: the same rows, order and queries as the models they replace.
    names = ("first_name", "last_name", "username")
    upcoming = (
        GroupSupervision.objects.filter(family__team=team, family__closed_on__isnull=True)
        .exclude(status=GroupSupervision.Status.SIGNED_OFF)
        .order_by("scheduled_for", "family__name", "pk")
        .values_list(
            "pk",
            "family_id",
            "scheduled_for",
            "status",
            "chair_id",
            "family__name",
            "family__reference",
            *(f"chair__{n}" for n in names),
        )
    )
    page = Paginator(upcoming, TEAM_PAGE_SIZE).get_page(page_number)
    supervisions = list(page.object_list)
    # Invitees in the order the prefetch of `invitees` gave them (User's ordering: last, first name).
    invitees: dict = {}
    if supervisions:
        through = GroupSupervision.invitees.through
        for supervision_id, user_id, *user_names in (
            through.objects.filter(groupsupervision_id__in=[s[0] for s in supervisions])
            .order_by("user__last_name", "user__first_name")
            .values_list("groupsupervision_id", "user_id", *(f"user__{n}" for n in names))
        ):
            invitees.setdefault(supervision_id, []).append((user_id, _display_name(*user_names)))
    allocations: dict = {}
    for family_id, worker_id, *worker_names in (
        Allocation.objects.current()
        .filter(family_id__in=[s[1] for s in supervisions])
        .order_by("start_date")
        .values_list("family_id", "worker_id", *(f"worker__{n}" for n in names))
    ):
        allocations.setdefault(family_id, []).append((worker_id, _display_name(*worker_names)))
    # Each row's links and invited names made here, not by ~100 {% url %} tags and a loop with a test per
    # name in the template (rendering was nearly half the page's time).
    urls = RowUrls()
    days: dict = {}
    for pk, family_id, scheduled_for, status, chair_id, family_name, reference, *chair_names in supervisions:
        # As services.invited_people: the chair, the current allocations, then the extra invitees, each once.
        invited = {chair_id: f"{_display_name(*chair_names)} (chair)"}
        for user_id, name in (*allocations.get(family_id, ()), *invitees.get(pk, ())):
            invited.setdefault(user_id, name)
        row = TeamRow(
            pk=pk,
            family_id=family_id,
            family_name=family_name,
            family_reference=reference,
            status=status,
            is_late=scheduled_for < today,
            # Each name escaped with html.escape, what the template's autoescape (django.utils.html.escape)
            # applies.
            invited_html=mark_safe(  # noqa: S308 - every name is escaped
                "".join([f"<li>{html.escape(name)}</li>" for name in invited.values()])
            ),
            pack_url=urls("supervision:pack", family_id, pk),
            reschedule_url=urls("supervision:reschedule", family_id, pk),
        )
        days.setdefault(scheduled_for, Day(scheduled_for)).supervisions.append(row)
    # Only the overdue families leave the database: the test is made in SQL (the last supervision signed
    # off, else the day the Workbook opened, before today less the interval). It was made in Python on
    # every open family with a Workbook (about 220 in the large council's North team, usually none of them
    # overdue), and their latest sign-off is read from the (family, day) index, newest first, not by
    # grouping all their supervisions.
    last_signed = Subquery(
        GroupSupervision.objects.filter(family=OuterRef("pk"), status=GroupSupervision.Status.SIGNED_OFF)
        .order_by("-scheduled_for")
        .values("scheduled_for")[:1]
    )
    overdue = (
        Family.objects.filter(team=team, closed_on__isnull=True, workbook__isnull=False)
        .annotate(last_signed=last_signed)
        .annotate(since=Coalesce("last_signed", "workbook__opened_on"))
        .filter(since__lt=today - interval)
        .order_by()
        .only("name", "reference")
    )
    overdue_rows = [
        {"family": family, "since": family.since, "signed_before": family.last_signed} for family in overdue
    ]
    overdue_rows.sort(key=lambda r: (r["since"], r["family"].name))
    return {
        "days": list(days.values()),
        "page": page,
        "overdue": overdue_rows,
        "interval": interval.days,
    }
