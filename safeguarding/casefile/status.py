"""Where each child of a family stands now, and what is due for them: the family page's status lines.

Read without a query of their own for the statuses (each fact is a subquery on the family page's members
query) and one query for the children's due work, whatever the number of children. The statutory facts
come from the child's journey records; the labels are the DfE's (journey/codes.py).

A looked-after child's placement postcode is withheld (access/policies.py, FamilyDisclosure.for_placement):
a placement is where a child lives away from the adults they may be protected from, so the family's
managers and the council staff who visit the children see it, and everyone else (the parents'
practitioners, business support, emergency access) is told who to ask. It is read from the database only
for a user the disclosure shows it to, so a withheld value is never in a page's context.
"""

from __future__ import annotations

import datetime
import functools
import uuid
from dataclasses import dataclass, field

from django.db import connection
from django.db.models import OuterRef, Subquery
from django.db.models.expressions import RawSQL

from safeguarding.access.policies import Disclosure, FamilyDisclosure
from safeguarding.core.urls import RowUrls
from safeguarding.journey import codes
from safeguarding.journey import models as journey
from safeguarding.people.models import FamilyMember
from safeguarding.tasks import registry
from safeguarding.tasks.policies import deadlines_for_families
from safeguarding.tasks.selectors import due_soon_until


def _latest(queryset, column: str, order: str) -> Subquery:
    return Subquery(queryset.filter(child_id=OuterRef("person_id")).order_by(order).values(column)[:1])


def _status_subqueries() -> dict:
    open_lac = journey.LookedAfterEpisode.objects.filter(end_date__isnull=True)
    # The period of care started with the latest "S Started to be looked after" episode; a change of legal
    # status or placement since began a new episode, not a new period.
    care_starts = journey.LookedAfterEpisode.objects.filter(reason_new_episode=codes.ReasonNewEpisode.STARTED)
    open_cp = journey.ChildProtectionPlan.objects.filter(end_date__isnull=True)
    open_cin = journey.ChildInNeedPlan.objects.filter(end_date__isnull=True)
    open_episode = journey.EpisodeOfNeed.objects.filter(closure_date__isnull=True)
    assessments = journey.Assessment.objects.filter(episode__closure_date__isnull=True)
    open_s47 = journey.Section47Enquiry.objects.filter(
        episode__closure_date__isnull=True, icpc_date__isnull=True, icpc_not_required=False
    )
    closed = journey.EpisodeOfNeed.objects.filter(closure_date__isnull=False)
    return {
        "status_lac_episode_start": _latest(open_lac, "start_date", "-start_date"),
        "status_lac_legal_status": _latest(open_lac, "legal_status", "-start_date"),
        "status_lac_placement_type": _latest(open_lac, "placement_type", "-start_date"),
        "status_lac_since": _latest(care_starts, "start_date", "-start_date"),
        "status_cp_start": _latest(open_cp, "start_date", "-start_date"),
        "status_cp_category": _latest(open_cp, "latest_category", "-start_date"),
        "status_cin_start": _latest(open_cin, "start_date", "-start_date"),
        "status_referral_date": _latest(open_episode, "referral_date", "-referral_date"),
        "status_assessment_start": _latest(assessments, "start_date", "-start_date"),
        "status_assessment_authorised": _latest(assessments, "authorised_on", "-start_date"),
        "status_s47_start": _latest(open_s47, "start_date", "-start_date"),
        "status_icpc_due": _latest(open_s47, "icpc_target", "-start_date"),
        "status_closed_on": _latest(closed, "closure_date", "-closure_date"),
        "status_closure_reason": _latest(closed, "closure_reason", "-closure_date"),
    }


def status_annotations() -> dict:
    """Subqueries for a FamilyMember queryset: each child's open plans, care episode and referral, and their
    last closure. One column each, so the members query stays one query for any number of children."""
    return dict(_compiled_status_annotations(connection.vendor))


@functools.cache
def _compiled_status_annotations(vendor: str) -> dict:
    """The subqueries as SQL, compiled once per database: compiling fourteen subqueries on every request
    was about a tenth of the family page's time. Each refers to the outer query only through the members'
    own table ("people_familymember"."person_id"), which is the members query's base table, so the text
    is the same for every family."""
    query = FamilyMember.objects.order_by().query
    compiler = query.get_compiler(connection=connection)
    annotations = {}
    for name, subquery in _status_subqueries().items():
        resolved = subquery.resolve_expression(query)
        sql, params = compiler.compile(resolved)
        # The ORM's own SQL for these fixed subqueries, its parameters still apart: no request value is in it.
        annotations[name] = RawSQL(sql, tuple(params), output_field=resolved.output_field)  # noqa: S611
    return annotations


def _label(choices, code: str | None) -> str:
    return str(dict(choices).get(code, code)) if code else ""


@dataclass
class LookedAfter:
    # The start of the period of care, and of the current episode (a later legal status or placement).
    since: datetime.date
    episode_since: datetime.date
    legal_status: str
    placement_type: str
    # Shown only when `placement_disclosure.visible`; None then means "not recorded".
    placement_postcode: str | None
    placement_disclosure: Disclosure
    placed_at_home: bool
    # An agreed series of short breaks recorded as one agreement (SSDA903 V4): the episode stays open for
    # the whole agreement, but the child lives at home between breaks, so the page must not say "placed
    # away from home" (Care Planning Regulations 2010, reg 48). A V3 episode is one break: the child is
    # away for its length, and between breaks no episode is open and nothing here says "looked after".
    short_breaks_agreement: bool = False

    @property
    def episode_started_later(self) -> bool:
        return self.episode_since != self.since


@dataclass
class Referral:
    received: datetime.date
    assessment_started: datetime.date | None
    assessment_authorised: datetime.date | None


@dataclass
class Section47:
    started: datetime.date
    conference_due: datetime.date | None


@dataclass
class ChildStatus:
    """What the family page says about one child: tags and lines, and their due work."""

    child_id: uuid.UUID
    looked_after: LookedAfter | None = None
    cp_since: datetime.date | None = None
    cp_category: str = ""
    cin_since: datetime.date | None = None
    referral: Referral | None = None
    section47: Section47 | None = None
    closed_on: datetime.date | None = None
    closure_reason: str = ""
    overdue: int = 0
    due_soon: int = 0
    # The child's journey page at their next due dates.
    due_url: str = ""

    @property
    def on_plan_or_looked_after(self) -> bool:
        return bool(self.looked_after or self.cp_since or self.cin_since)

    @property
    def is_open(self) -> bool:
        return self.on_plan_or_looked_after or self.referral is not None

    @property
    def tags(self) -> list[tuple[str, str]]:
        """(label, GOV.UK tag classes), most serious first; never colour alone: the label says it. (GOV.UK
        Frontend 6's plain tag is the blue one.)"""
        tags = []
        if self.looked_after:
            tags.append(("Looked after", "govuk-tag govuk-tag--purple"))
        if self.cp_since:
            tags.append(("Child protection plan", "govuk-tag govuk-tag--red"))
        if self.cin_since:
            tags.append(("Child in need", "govuk-tag"))
        if not tags and self.referral:
            open_assessment = self.referral.assessment_started and not self.referral.assessment_authorised
            tags.append(
                ("Assessment open" if open_assessment else "Referral open", "govuk-tag govuk-tag--turquoise")
            )
        if not tags:
            tags.append(("Closed" if self.closed_on else "No open episode", "govuk-tag govuk-tag--grey"))
        return tags


def child_status(member, disclosure: FamilyDisclosure, *, urls: RowUrls | None = None) -> ChildStatus:
    """A child's status from the columns status_annotations() added to their membership. `urls` reverses
    the journey's URL once for all the children of a page (core.urls)."""
    get = lambda name: getattr(member, f"status_{name}", None)  # noqa: E731
    status = ChildStatus(
        child_id=member.person_id,
        due_url=(urls or RowUrls())("journey:child-journey", member.person_id) + "#next-due",
    )
    if get("lac_episode_start"):
        placement = get("lac_placement_type")
        status.looked_after = LookedAfter(
            since=min(filter(None, (get("lac_since"), get("lac_episode_start")))),
            episode_since=get("lac_episode_start"),
            legal_status=_label(codes.LegalStatus.choices, get("lac_legal_status")),
            placement_type=_label(codes.PlacementType.choices, placement),
            placement_postcode=None,
            placement_disclosure=disclosure.for_placement(),
            placed_at_home=placement == codes.PlacementType.P1,
            short_breaks_agreement=get("lac_legal_status") == codes.LegalStatus.SHORT_BREAKS_AGREEMENTS,
        )
    if get("cp_start"):
        status.cp_since = get("cp_start")
        status.cp_category = _label(codes.AbuseCategory.choices, get("cp_category"))
    status.cin_since = get("cin_start")
    if get("referral_date"):
        status.referral = Referral(
            received=get("referral_date"),
            assessment_started=get("assessment_start"),
            assessment_authorised=get("assessment_authorised"),
        )
    if get("s47_start"):
        status.section47 = Section47(started=get("s47_start"), conference_due=get("icpc_due"))
    if not status.is_open and get("closed_on"):
        status.closed_on = get("closed_on")
        status.closure_reason = _label(codes.ClosureReason.choices, get("closure_reason"))
    return status


def disclose_placements(statuses: list[ChildStatus]) -> None:
    """Read the placement postcodes of the looked-after children whose placement the user may see (one
    query, and none when there are none to show)."""
    shown = {
        s.child_id: s.looked_after
        for s in statuses
        if s.looked_after is not None and s.looked_after.placement_disclosure.visible
    }
    if not shown:
        return
    for child_id, postcode in journey.LookedAfterEpisode.objects.filter(
        child_id__in=list(shown), end_date__isnull=True
    ).values_list("child_id", "placement_postcode"):
        shown[child_id].placement_postcode = postcode or None


@dataclass
class DueItem:
    child_id: uuid.UUID
    child_name: str
    url: str
    kind_label: str
    due_date: datetime.date
    basis: str
    days_overdue: int


@dataclass
class FamilyDue:
    today: datetime.date
    due_soon_until: datetime.date
    overdue: list[DueItem] = field(default_factory=list)
    due_soon: int = 0

    @property
    def overdue_children(self) -> int:
        return len({item.child_id for item in self.overdue})


def family_due(user, family, statuses: list[ChildStatus], names: dict, *, today: datetime.date) -> FamilyDue:
    """The children's overdue and due-soon work (one query), counted onto each child's status, and the
    family's overdue items, oldest first. A deadline is met on its due date: overdue from the day after."""
    soon = due_soon_until(today)
    due = FamilyDue(today=today, due_soon_until=soon)
    by_child = {s.child_id: s for s in statuses}
    if not by_child:
        return due
    rows = (
        deadlines_for_families(user, [family.pk])
        .filter(child_id__in=list(by_child), due_date__lte=soon)
        .order_by("due_date", "kind")
        .values_list("child_id", "kind", "due_date", "basis")
    )
    for child_id, kind, due_date, basis in rows:
        status = by_child[child_id]
        if due_date < today:
            status.overdue += 1
            due.overdue.append(
                DueItem(
                    child_id=child_id,
                    child_name=names.get(child_id, ""),
                    url=status.due_url,
                    kind_label=registry.kind_label(kind),
                    due_date=due_date,
                    basis=basis,
                    days_overdue=(today - due_date).days,
                )
            )
        else:
            status.due_soon += 1
            due.due_soon += 1
    return due
