"""Reads of the audit log: a record's access log, and the unusual-access report.

Every function answers in a fixed number of queries whatever the size of the log: the report reads a
period's events through indexes on (action, occurred_at) and (actor, occurred_at), and lists are paged.
"""

from __future__ import annotations

import datetime
import functools
from collections import Counter, deque
from dataclasses import dataclass, field

from django.apps import apps as django_apps
from django.conf import settings
from django.db import connection
from django.db.models import (
    Case,
    Count,
    Exists,
    F,
    Max,
    Min,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
    UUIDField,
    Value,
    When,
)
from django.db.models.functions import Cast, Lower, Replace, TruncDay, TruncHour, TruncMinute
from django.utils import timezone

from safeguarding.accounts.models import User
from safeguarding.allocation.models import CaseRole, EndReason
from safeguarding.audit.models import AuditEvent, AuditSubject
from safeguarding.people.identifiers import normalise_nhs_number
from safeguarding.people.models import Family, FamilyMember, Person

Action = AuditEvent.Action

PAGE_SIZE = 50


# ---- Filters ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Period:
    """Whole local days, from the start of `first` to the end of `last`."""

    first: datetime.date
    last: datetime.date

    @classmethod
    def last_days(cls, days: int) -> Period:
        today = timezone.localdate()
        return cls(first=today - datetime.timedelta(days=days - 1), last=today)

    @property
    def starts(self) -> datetime.datetime:
        return _start_of(self.first)

    @property
    def ends(self) -> datetime.datetime:
        return _start_of(self.last + datetime.timedelta(days=1))


def _start_of(day: datetime.date) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))


@dataclass(frozen=True)
class LogFilters:
    worker: str = ""
    date_from: datetime.date | None = None
    date_to: datetime.date | None = None

    def apply(self, events: QuerySet[AuditEvent]) -> QuerySet[AuditEvent]:
        # Each word must match the worker's username, first or last name: "asha", "Patel", "Asha Patel".
        for word in self.worker.split()[:5]:
            events = events.filter(
                Q(actor_username__icontains=word)
                | Q(actor__first_name__icontains=word)
                | Q(actor__last_name__icontains=word)
            )
        if self.date_from:
            events = events.filter(occurred_at__gte=_start_of(self.date_from))
        if self.date_to:
            events = events.filter(occurred_at__lt=_start_of(self.date_to + datetime.timedelta(days=1)))
        return events


# ---- Which events concern a record -------------------------------------------------------------------------


def _about(kind: str, subject_ids) -> Q:
    """Events naming any of these families or people as a subject (AuditSubject, written with each event).

    Answered from the subjects index, so the query reads only the record's events however long the log."""
    ids = list(subject_ids)
    subjects = (
        AuditSubject.objects.filter(kind=kind, subject_id__in=ids)
        if len(ids) != 1
        else (AuditSubject.objects.filter(kind=kind, subject_id=ids[0]))
    )
    return Q(pk__in=subjects.values("event_id"))


def _family_about(family: Family) -> Q:
    """Every event about a family: its own page and changes, its people's pages and records while the
    event named the family (a person's events name every family they are in), allocations, emergency
    access, the lists that named it, and refused attempts to open it or any of its people's pages.

    Events about a member that name only another family (after they moved) are not shown: a former team
    sees what concerned its family, not what came after."""
    member_ids = list(FamilyMember.objects.filter(family=family).values_list("person_id", flat=True))
    return _about(AuditSubject.Kind.FAMILY, [family.pk]) | (
        Q(action=Action.DENIED) & _about(AuditSubject.Kind.PERSON, member_ids)
    )


def _person_about(person: Person) -> Q:
    """Every event about one person's record: their page, changes to who they are, their addresses and
    relationships, records made about them (a child's statutory journey, an adult's sharing basis), and
    refused attempts to open their page."""
    return _about(AuditSubject.Kind.PERSON, [person.pk])


def _newest_first(events: QuerySet[AuditEvent], filters: LogFilters | None) -> QuerySet[AuditEvent]:
    return (filters or LogFilters()).apply(events).select_related("actor").order_by("-occurred_at", "-id")


def family_events(family: Family, filters: LogFilters | None = None) -> QuerySet[AuditEvent]:
    return _newest_first(AuditEvent.objects.filter(_family_about(family)), filters)


def person_events(person: Person, filters: LogFilters | None = None) -> QuerySet[AuditEvent]:
    return _newest_first(AuditEvent.objects.filter(_person_about(person)), filters)


def subject_events(person: Person, memberships: list[FamilyMember]) -> QuerySet[AuditEvent]:
    """For a subject access request: the events about the person's own record, and the views and changes
    of the family pages that showed them (while they were in that family)."""
    about = _person_about(person)
    for membership in memberships:
        during = Q(object_type="family") & _about(AuditSubject.Kind.FAMILY, [membership.family_id])
        during &= Q(occurred_at__gte=_start_of(membership.joined_on)) if membership.joined_on else Q()
        if membership.left_on:
            during &= Q(occurred_at__lt=_start_of(membership.left_on + datetime.timedelta(days=1)))
        about |= during
    return _newest_first(AuditEvent.objects.filter(about), None)


# ---- Naming staff ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Staff:
    """A member of staff as the audit pages name them: their name and role, as people know each other,
    and their username only where someone else has the same name (two Dan Smiths), to tell them apart."""

    name: str
    role: str
    username: str
    namesake: bool = False

    @property
    def label(self) -> str:
        """One line, for a sentence: "Dan Smith", or "Dan Smith (dsmith2)" when there are two."""
        return f"{self.name} ({self.username})" if self.namesake else self.name


def staff_names(users) -> dict[int, Staff]:
    """How to name each of these users, by id, in one query (those who share a name with anyone on the
    system, active or not: an old event may be by someone who has left)."""
    users = {user.pk: user for user in users if user is not None}
    named = [user for user in users.values() if user.get_full_name()]
    shared: set[str] = set()
    if named:
        everyone = User.objects.filter(last_name__in={user.last_name for user in named})
        counts = Counter(
            f"{first} {last}".strip() for first, last in everyone.values_list("first_name", "last_name")
        )
        shared = {name for name, count in counts.items() if count > 1}
    return {
        pk: Staff(
            name=user.display_name,
            role=user.get_role_display(),
            username=user.get_username(),
            namesake=user.get_full_name() in shared,
        )
        for pk, user in users.items()
    }


# ---- Describing events without case content ----------------------------------------------------------------


RECORD_LABELS = {
    "family": "Family record",
    "person": "Person record",
    "address": "Address",
    "relationship": "Relationship",
    "allocation": "Allocation",
    "emergencyaccess": "Emergency access",
    "adultdetail": "Adult's sensitive detail",
    "sharingbasis": "Basis for sharing",
}


@functools.cache
def _record_label(object_type: str) -> str:
    """What kind of record an event is about, in words. Record types added by later capabilities (a
    child's statutory journey, say) are named from their model's verbose name, so the log reads without
    this module knowing every app."""
    if object_type in RECORD_LABELS:
        return RECORD_LABELS[object_type]
    for model in django_apps.get_models():
        if model._meta.model_name == object_type:
            name = str(model._meta.verbose_name)
            return name[:1].upper() + name[1:]
    return object_type.replace("_", " ").capitalize()


FIELD_LABELS = {
    "first_name": "first name",
    "middle_names": "middle names",
    "last_name": "last name",
    "known_as": "known as",
    "date_of_birth": "date of birth",
    "expected_date_of_birth": "expected date of birth",
    "date_of_death": "date of death",
    "nhs_number": "NHS number",
    "upn": "unique pupil number",
    "council_id": "council child ID",
    "first_language": "first language",
}


@dataclass
class LogRow:
    """One event as the access log shows it: who, when, what, to which record. Never the content of the
    record (a change lists the fields changed, not their values)."""

    event: AuditEvent
    worker: Staff | None  # None: nobody was signed in (a failed sign-in, say)
    record: str
    what: str
    family: Family | None = None  # set where a report needs the family's name (break-glass)

    @property
    def occurred_at(self) -> datetime.datetime:
        return self.event.occurred_at

    @property
    def worker_name(self) -> str:
        return self.worker.name if self.worker else "Not signed in"

    @property
    def worker_username(self) -> str:
        return self.event.actor_username or "Not signed in"

    @property
    def action_label(self) -> str:
        return self.event.action_label

    @property
    def ip_address(self) -> str:
        return self.event.ip_address or ""


def _workers_named(events: list[AuditEvent]) -> dict[str, User]:
    """The staff an allocation event is about, by the username its detail names (one query, if any)."""
    usernames = {
        str(e.detail["worker"])
        for e in events
        if e.action in (Action.ALLOCATE, Action.END_ALLOCATION)
        and isinstance(e.detail, dict)
        and e.detail.get("worker")
    }
    if not usernames:
        return {}
    return {user.get_username(): user for user in User.objects.filter(username__in=usernames)}


def describe(events: list[AuditEvent], *, staff: dict[int, Staff] | None = None) -> list[LogRow]:
    """Rows for a page of events, with the people and staff they name looked up in a query or two each.
    `staff`: names already worked out for every actor (the unusual-access report names everyone at once).
    """
    workers = _workers_named(events)
    if staff is None or any(user.pk not in staff for user in workers.values()):
        staff = {**(staff or {}), **staff_names([e.actor for e in events] + list(workers.values()))}
    worker_names = {username: staff[user.pk] for username, user in workers.items()}
    person_ids = {e.object_id for e in events if e.object_type == "person"}
    names = (
        {
            str(pk): f"{first} {last}"
            for pk, first, last in Person.objects.filter(pk__in=list(person_ids)).values_list(
                "pk", "first_name", "last_name"
            )
        }
        if person_ids
        else {}
    )
    rows = []
    for event in events:
        worker = staff.get(event.actor_id) if event.actor_id else None
        if event.object_type == "person" and event.object_id in names:
            record = f"Person record: {names[event.object_id]}"
        elif event.object_type:
            record = _record_label(event.object_type)
        elif "person_id" in event.detail:
            record = "Person record"
        elif "family_id" in event.detail or event.family_id:
            record = "Family record"
        else:
            record = ""
        rows.append(LogRow(event=event, worker=worker, record=record, what=_what(event, worker_names)))
    return rows


# The pages that list families, by the name their audit event gives (audit.services.audit_list).
LISTS = {
    "my_families": "My families",
    "team_families": "a team's family list (Team caseload)",
    "worker_families": "a worker's families (Team caseload)",
    "my_tasks": "My tasks",
    "team_overdue": "a team's overdue work (Timeliness)",
    "team_supervisions": "the team's group supervisions",
    "outcome_children": "the children behind an outcome figure (Outcomes)",
}


def _what(event: AuditEvent, workers: dict[str, Staff]) -> str:
    detail = event.detail if isinstance(event.detail, dict) else {}
    action = event.action
    if detail.get("access_log"):
        return {
            Action.VIEW: "Looked at who has seen this record",
            Action.EXPORT: "Downloaded who has seen this record (CSV)",
            Action.DENIED: "Refused: who has seen this record",
        }.get(action, event.action_label)
    if action == Action.VIEW:
        # A list that showed the record among others (audit.services.audit_list): which list.
        listed_in = LISTS.get(detail.get("page"))
        return f"Saw it listed in {listed_in}" if listed_in else "Opened the page"
    if action == Action.CHANGE:
        changed = detail.get("changed")
        if isinstance(changed, dict) and changed:
            # In the form's order: PostgreSQL's jsonb does not keep the order the keys were written in.
            order = list(FIELD_LABELS)
            fields = sorted(changed, key=lambda k: (order.index(k) if k in order else len(order), k))
            return "Changed " + ", ".join(FIELD_LABELS.get(k, str(k).replace("_", " ")) for k in fields)
        if detail.get("withdrawn"):
            return "Withdrew it"
        return "Changed"
    if action == Action.CORRECT:
        changes = detail.get("changes") if isinstance(detail.get("changes"), dict) else {}
        fields = ", ".join(str(k).replace("_", " ") for k in sorted(changes))
        # The reason stays out of the log, like the values: it can carry case content.
        return f"Corrected {fields or 'the record'}"
    if action == Action.CREATE:
        return "Recorded"
    if action in (Action.ALLOCATE, Action.END_ALLOCATION):
        # Named as people know them; an account since removed by the username recorded.
        username = str(detail.get("worker") or "")
        worker = workers[username].label if username in workers else username or "a worker"
        if action == Action.ALLOCATE:
            role = dict(CaseRole.choices).get(detail.get("case_role"), "a worker")
            return f"Allocated {worker} as {str(role).lower()}"
        # The reason chosen from the list. What was typed for Other stays on the allocation: it can carry
        # case content, which the log never shows.
        reason = dict(EndReason.choices).get(detail.get("reason_code"))
        return f"Ended {worker}'s allocation" + (f". Reason: {reason}" if reason else "")
    if action == Action.ACCESS_CHANGE:
        return "Changed a user's access: " + "; ".join(access_changes_described(detail))
    if action in (Action.PASSWORD_LINK_SENT, Action.PASSWORD_SET):
        return "; ".join(staff_access_described(action, detail))
    if action == Action.DENIED:
        if detail.get("access_change"):
            return "Refused: changing their own access"
        if detail.get("subject_access"):
            return "Refused: subject access bundle"
        if detail.get("emergency_access_reference"):
            reference = detail["emergency_access_reference"]
            return f"Refused: emergency access to unknown family reference {reference}"
        return "Refused access"
    if action == Action.BREAK_GLASS:
        return f"Emergency access. Reason given: {detail.get('reason', '')}"
    if action == Action.SUBJECT_ACCESS:
        return "Produced a subject access bundle"
    if action == Action.SEARCH:
        if detail.get("emergency_access_search"):
            return "Searched the council for a family to open in an emergency"
        return "Checked for duplicates" if detail.get("duplicate_check") else "Searched"
    return event.action_label


# ---- Unusual access -------------------------------------------------------------------------------------


@dataclass
class SurnameMatch:
    worker: User
    record: str
    record_type: str
    views: int
    first: datetime.datetime
    last: datetime.datetime
    staff: Staff | None = None  # how the report names the worker


@dataclass
class Burst:
    worker: User
    starts: datetime.datetime
    ends: datetime.datetime
    families: int
    staff: Staff | None = None


@dataclass
class Refusals:
    worker: User | None
    username: str
    count: int
    first: datetime.datetime
    last: datetime.datetime
    staff: Staff | None = None  # None when no account was signed in: the username typed is all there is


@dataclass
class AccessChange:
    """A change to a member of staff's access (accounts.services.user_change_access), or a new account."""

    event: AuditEvent
    user: User | None  # None if the account is no longer recorded
    username: str  # as it was when changed
    changes: list[str]
    changed_by: Staff | None = None
    # Whose access changed. The username is always shown beside their name: the change is to that account.
    staff: Staff | None = None

    @property
    def occurred_at(self) -> datetime.datetime:
        return self.event.occurred_at

    @property
    def changed_by_name(self) -> str:
        return self.event.actor.display_name if self.event.actor else "Not signed in"

    @property
    def changed_by_username(self) -> str:
        return self.event.actor_username or "Not signed in"


@dataclass
class UnusualAccess:
    period: Period
    burst_families: int
    burst_minutes: int
    break_glass: list[LogRow] = field(default_factory=list)
    # Searches of the whole council by name and date of birth before break-glass (issue #8): each one.
    emergency_searches: list[LogRow] = field(default_factory=list)
    same_surname: list[SurnameMatch] = field(default_factory=list)
    bursts: list[Burst] = field(default_factory=list)
    refusals: list[Refusals] = field(default_factory=list)
    access_changes: list[AccessChange] = field(default_factory=list)


# The order a change's fields are described in, and their names.
ACCESS_FIELD_NAMES = {
    "role": "Role",
    "team": "Team",
    "organisation": "Organisation",
    "email": "Email address",
    "is_active": "Account",
    "is_staff": "Staff status",
    "is_superuser": "Superuser status",
}


def _access_value_label(name: str, value) -> str:
    if value is None:
        return "none"
    if name == "role":
        return str(dict(User.Role.choices).get(value, value))
    if name == "is_active":
        return "active" if value else "deactivated"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, dict):  # a team or organisation: its name when the change was made
        return str(value.get("name", ""))
    return str(value)


def access_changes_described(detail: dict) -> list[str]:
    """A change to a user's access in words, one line a field: "Role: from Social worker to Team manager".
    A new account lists what it was given (admin rights only if given)."""
    changes = detail.get("changes") if isinstance(detail.get("changes"), dict) else {}
    created = bool(detail.get("created"))
    lines = ["New account"] if created else []
    for name, label in ACCESS_FIELD_NAMES.items():
        change = changes.get(name)
        if not isinstance(change, dict):
            continue
        after = _access_value_label(name, change.get("after"))
        if created:
            if name not in ("is_active", "is_staff", "is_superuser") or change.get("after") is True:
                lines.append(f"{label}: {after}")
            continue
        before = _access_value_label(name, change.get("before"))
        lines.append(f"{label}: from {before} to {after}")
    return lines


# What the "Changes to staff access" section lists: changes to access, and the set-password links that
# let whoever holds the account's mailbox sign in as it (issue #8), with their use.
STAFF_ACCESS_ACTIONS = (Action.ACCESS_CHANGE, Action.PASSWORD_LINK_SENT, Action.PASSWORD_SET)


def staff_access_described(action: str, detail: dict) -> list[str]:
    """One event of the "Changes to staff access" section in words."""
    if action == Action.PASSWORD_LINK_SENT:
        to = str(detail.get("sent_to") or "the account's email address")
        lines = ["New account: set-password link" if detail.get("new_account") else "Set-password link"]
        lines[0] += f" sent to {to}"
        return lines
    if action == Action.PASSWORD_SET:
        return ["Password set by the account's owner through a set-password link"]
    return access_changes_described(detail)


def burst_settings() -> tuple[int, int]:
    """(families, minutes): more than that many distinct families within that many minutes is a burst."""
    families = int(getattr(settings, "AUDIT_BURST_FAMILIES", 20))
    minutes = int(getattr(settings, "AUDIT_BURST_MINUTES", 10))
    return families, minutes


def _record_views(period: Period) -> QuerySet[AuditEvent]:
    """Views of case records in the period. Looking at a record's access log is not a view of the record.

    has_key rather than access_log=True: comparing a missing key gives NULL, and NOT NULL drops the row.
    """
    in_period = Q(occurred_at__gte=period.starts, occurred_at__lt=period.ends)
    views = AuditEvent.objects.filter(in_period, action=Action.VIEW, actor__isnull=False)
    return views.exclude(detail__has_key="access_log")


def _uuid_from_text(expression):
    """object_id holds a record's UUID as text; compare it with a UUID column. PostgreSQL casts it (only for
    person events, whose object ids are all UUIDs, so no other text is ever cast); SQLite keeps UUIDs as
    32 hex digits, so the dashes go."""
    if connection.vendor == "postgresql":
        return Case(When(object_type="person", then=Cast(expression, UUIDField())), default=None)
    return Replace(expression, Value("-"), Value(""))


def unusual_access(period: Period) -> UnusualAccess:
    """The auditor's report for a period, in a fixed number of queries."""
    burst_families, burst_minutes = burst_settings()
    report = UnusualAccess(period=period, burst_families=burst_families, burst_minutes=burst_minutes)
    in_period = Q(occurred_at__gte=period.starts, occurred_at__lt=period.ends)

    # Break-glass: every use, with the reason given.
    glass = list(
        AuditEvent.objects.filter(in_period, action=Action.BREAK_GLASS)
        .select_related("actor")
        .order_by("-occurred_at")
    )
    # The searches that come before break-glass: by a name and date of birth, across every team.
    searches = list(
        AuditEvent.objects.filter(in_period, action=Action.SEARCH, detail__emergency_access_search=True)
        .select_related("actor")
        .order_by("-occurred_at", "-id")
    )
    family_ids = {e.family_id for e in glass if e.family_id}
    glass_families = Family.objects.in_bulk(list(family_ids)) if family_ids else {}

    # Views by a worker who shares the surname of the person viewed (person pages), or of anyone in the
    # family viewed (family pages). Grouped by worker and record, so ten views are one line.
    views = (
        _record_views(period).annotate(viewer_surname=Lower("actor__last_name")).exclude(viewer_surname="")
    )
    viewed_surname = (
        Person.objects.filter(pk=OuterRef("person_key")).annotate(s=Lower("last_name")).values("s")
    )
    person_matches = (
        views.filter(object_type="person")
        .alias(person_key=_uuid_from_text("object_id"))
        .alias(viewed_surname=Subquery(viewed_surname[:1]))
        .filter(viewed_surname=F("viewer_surname"))
        .order_by()
        .values("actor_id", "object_id")
        .annotate(views=Count("id"), first=Min("occurred_at"), last=Max("occurred_at"))
    )
    family_surnames = FamilyMember.objects.filter(family_id=OuterRef("family_id")).annotate(
        s=Lower("person__last_name")
    )
    family_matches = (
        views.filter(object_type="family")
        .alias(match=Exists(family_surnames.filter(s=OuterRef("viewer_surname"))))
        .filter(match=True)
        .order_by()
        .values("actor_id", "family_id")
        .annotate(views=Count("id"), first=Min("occurred_at"), last=Max("occurred_at"))
    )
    person_rows, family_rows = list(person_matches), list(family_matches)

    # Bursts: more than N distinct families viewed within M minutes.
    burst_rows = _burst_candidates(period, burst_families, burst_minutes)

    # Refused attempts, by worker.
    refusals = list(
        AuditEvent.objects.filter(in_period, action=Action.DENIED)
        .order_by()
        .values("actor_id", "actor_username")
        .annotate(count=Count("id"), first=Min("occurred_at"), last=Max("occurred_at"))
        .order_by("-count", "actor_username")
    )

    # Changes to staff access: who may see what changed, so every one is listed (they are few).
    access_events = list(
        AuditEvent.objects.filter(in_period, action__in=STAFF_ACCESS_ACTIONS)
        .select_related("actor")
        .order_by("-occurred_at", "-id")
    )

    # Everyone and everything named above, in one query each.
    user_ids = {r["actor_id"] for r in person_rows + family_rows + refusals if r["actor_id"]}
    user_ids |= {worker_id for worker_id, _ in burst_rows}
    user_ids |= {int(e.object_id) for e in access_events if e.object_type == "user" and e.object_id.isdigit()}
    users = User.objects.in_bulk(list(user_ids)) if user_ids else {}
    people = (
        {str(p.pk): p for p in Person.objects.filter(pk__in=[r["object_id"] for r in person_rows])}
        if person_rows
        else {}
    )
    families = Family.objects.in_bulk([r["family_id"] for r in family_rows]) if family_rows else {}
    staff = staff_names(
        [
            *users.values(),
            *(e.actor for e in glass),
            *(e.actor for e in searches),
            *(e.actor for e in access_events),
        ]
    )

    report.break_glass = describe(glass, staff=staff)
    report.emergency_searches = describe(searches, staff=staff)
    for row in report.break_glass:
        row.family = glass_families.get(row.event.family_id)
    for r in person_rows:
        person = people.get(r["object_id"])
        report.same_surname.append(
            SurnameMatch(
                worker=users[r["actor_id"]],
                record=person.full_name if person else "A person no longer recorded",
                record_type="Person",
                views=r["views"],
                first=r["first"],
                last=r["last"],
                staff=staff[r["actor_id"]],
            )
        )
    for r in family_rows:
        family = families.get(r["family_id"])
        report.same_surname.append(
            SurnameMatch(
                worker=users[r["actor_id"]],
                record=str(family) if family else "A family no longer recorded",
                record_type="Family",
                views=r["views"],
                first=r["first"],
                last=r["last"],
                staff=staff[r["actor_id"]],
            )
        )
    report.same_surname.sort(key=lambda m: m.last, reverse=True)
    report.bursts = [
        Burst(
            worker=users[worker_id], starts=b.starts, ends=b.ends, families=b.families, staff=staff[worker_id]
        )
        for worker_id, b in burst_rows
    ]
    report.refusals = [
        Refusals(
            worker=users.get(r["actor_id"]),
            username=r["actor_username"] or "Not signed in",
            count=r["count"],
            first=r["first"],
            last=r["last"],
            staff=staff.get(r["actor_id"]),
        )
        for r in refusals
    ]
    for event in access_events:
        user = users.get(int(event.object_id)) if event.object_id.isdigit() else None
        report.access_changes.append(
            AccessChange(
                event=event,
                user=user,
                username=str(event.detail.get("user", "")) or (user.username if user else ""),
                changes=staff_access_described(event.action, event.detail),
                changed_by=staff.get(event.actor_id),
                staff=staff.get(user.pk) if user else None,
            )
        )
    return report


@dataclass
class _Window:
    starts: datetime.datetime
    ends: datetime.datetime
    families: int


def _bucket(minutes: int):
    """The smallest calendar bucket at least `minutes` long (in UTC, so every bucket is the same length)."""
    if minutes <= 1:
        return TruncMinute, datetime.timedelta(minutes=1)
    if minutes <= 60:
        return TruncHour, datetime.timedelta(hours=1)
    return TruncDay, datetime.timedelta(days=1)


def _burst_candidates(period: Period, limit: int, minutes: int) -> list[tuple[int, _Window]]:
    """Each worker's bursts: stretches of time in which some window of `minutes` holds views of more than
    `limit` distinct families.

    Two queries, whatever the volume. A window of M minutes lies within two consecutive buckets at least
    M long, so a window with more than `limit` families has more than limit // 2 in one of them: the
    first query finds the workers with such a bucket (a count in the database); the second reads only
    those workers' views, and a sliding window over them finds the bursts exactly.
    """
    if minutes > 24 * 60:
        raise ValueError("AUDIT_BURST_MINUTES must be a day or less")
    trunc, _ = _bucket(minutes)
    views = _record_views(period).filter(family_id__isnull=False)
    # order_by(): the model's default ordering would otherwise join the GROUP BY and count nothing.
    candidates = {
        worker_id
        for worker_id, _ in views.order_by()
        .annotate(bucket=trunc("occurred_at", tzinfo=datetime.UTC))
        .values("actor_id", "bucket")
        .annotate(families=Count("family_id", distinct=True))
        .filter(families__gt=limit // 2)
        .values_list("actor_id", "bucket")
    }
    if not candidates:
        return []
    window = datetime.timedelta(minutes=minutes)
    found: list[tuple[int, _Window]] = []
    current_worker, recent, counts, episode = None, deque(), Counter(), None
    rows = (
        views.filter(actor_id__in=sorted(candidates))
        .order_by("actor_id", "occurred_at", "id")
        .values_list("actor_id", "occurred_at", "family_id")
    )
    for worker_id, at, family_id in rows.iterator(chunk_size=5000):
        if worker_id != current_worker:
            if episode:
                found.append((current_worker, episode))
            current_worker, recent, counts, episode = worker_id, deque(), Counter(), None
        recent.append((at, family_id))
        counts[family_id] += 1
        while recent and recent[0][0] <= at - window:
            _, old = recent.popleft()
            counts[old] -= 1
            if not counts[old]:
                del counts[old]
        if len(counts) > limit:
            starts = recent[0][0]
            if episode and starts <= episode.ends:
                episode.ends = at
                episode.families = max(episode.families, len(counts))
            else:
                if episode:
                    found.append((current_worker, episode))
                episode = _Window(starts=starts, ends=at, families=len(counts))
    if episode:
        found.append((current_worker, episode))
    found.sort(key=lambda item: item[1].starts, reverse=True)
    return found


def emergency_search_terms(event: AuditEvent) -> str:
    """What an emergency access search asked for, as the report says it."""
    detail = event.detail if isinstance(event.detail, dict) else {}
    name = " ".join(str(detail.get(k) or "") for k in ("first_name", "last_name")).strip()
    born = detail.get("date_of_birth") or ""
    return f"{name or 'No name'}, born {born}" + (
        " (too many matches to list)" if detail.get("too_many") else ""
    )


def unusual_access_rows(report: UnusualAccess):
    """The report as CSV rows: finding, worker username, worker name, record, from, to, count, detail."""
    for row in report.break_glass:
        yield [
            "Break-glass access",
            row.worker_username,
            row.worker_name,
            str(row.family) if row.family else "",
            row.occurred_at,
            row.event.detail.get("expires_at", ""),
            1,
            row.event.detail.get("reason", ""),
        ]
    for row in report.emergency_searches:
        yield [
            "Emergency access search",
            row.worker_username,
            row.worker_name,
            "",
            row.occurred_at,
            "",
            row.event.detail.get("results", ""),
            emergency_search_terms(row.event),
        ]
    for match in report.same_surname:
        yield [
            "Viewer shares the surname",
            match.worker.username,
            match.worker.display_name,
            f"{match.record_type}: {match.record}",
            match.first,
            match.last,
            match.views,
            f"Viewer's last name: {match.worker.last_name}",
        ]
    for burst in report.bursts:
        yield [
            "Burst of views",
            burst.worker.username,
            burst.worker.display_name,
            "",
            burst.starts,
            burst.ends,
            burst.families,
            f"Most families opened within {report.burst_minutes} minutes",
        ]
    for refusal in report.refusals:
        yield [
            "Refused attempts",
            refusal.username,
            refusal.worker.display_name if refusal.worker else "",
            "",
            refusal.first,
            refusal.last,
            refusal.count,
            "",
        ]
    for change in report.access_changes:
        yield [
            change.event.action_label,  # "Changed a user's access", "Sent a set-password link", ...
            change.changed_by_username,
            change.changed_by_name,
            f"User: {change.user.display_name if change.user else ''} ({change.username})",
            change.occurred_at,
            change.occurred_at,
            1,
            "; ".join(change.changes),
        ]


# ---- Finding a record's log ------------------------------------------------------------------------------


FIND_LIMIT = 20


def find_records(
    *, families: QuerySet[Family], people: QuerySet[Person], family_reference: str, person_identifier: str
):
    """Families by their reference, people by council child ID or NHS number: exact matches only, from the
    querysets the user may see the logs of. Names and references only: no case content."""
    found: dict = {"families": [], "people": []}
    reference = family_reference.strip()
    if reference:
        found["families"] = list(
            families.filter(reference__iexact=reference).order_by("reference")[:FIND_LIMIT]
        )
    identifier = person_identifier.strip()
    if identifier:
        nhs = normalise_nhs_number(identifier)
        if len(nhs) == 10 and nhs.isascii() and nhs.isdigit():
            matches = people.filter(Q(nhs_number=nhs) | Q(council_id__iexact=identifier))
        else:
            matches = people.filter(council_id__iexact=identifier)
        found["people"] = list(
            matches.prefetch_related(
                Prefetch(
                    "memberships",
                    queryset=FamilyMember.objects.select_related("family").order_by("joined_on"),
                )
            ).order_by("last_name", "first_name")[:FIND_LIMIT]
        )
    return found
