"""The statutory journey's events in a child's chronology (the registry is safeguarding.core.chronology).

The journey's provider reads every kind of journey record in one UNION ALL query, sorted and limited in the
database: the family page shows its latest events within the page's query budget, and a child with years of
visits does not load them all to show the first page.
"""

from __future__ import annotations

import dataclasses
import functools
import json

from django.db import connection
from django.db.models import (
    BooleanField,
    CharField,
    DateField,
    F,
    IntegerField,
    TextField,
    Value,
)
from django.db.models.functions import Cast

from safeguarding.core.chronology import ChronologyEvent, register
from safeguarding.core.compiled import CompiledQuery, as_date, as_uuid, compile_for_ids
from safeguarding.core.urls import RowUrls

from . import codes
from . import models as journey

JOURNEY_KINDS = {
    "referral": "Referrals, decisions and closures",
    "assessment": "Assessments",
    "section-47": "Strategy discussions, section 47 enquiries and initial conferences",
    "cp-plan": "Child protection plans",
    "review-conference": "Review conferences",
    "core-group": "Core group meetings",
    "cin-plan": "Child in need plans",
    "visit": "Visits",
    "pre-proceedings": "Pre-proceedings",
    "court": "Care proceedings and hearings",
    "looked-after": "Looked-after episodes",
    "looked-after-review": "Looked-after reviews",
    "missing": "Missing episodes",
}

# The columns every branch of the union gives, in this order, with their types: a branch that has no value
# for one gives an empty one of the same type, so that both databases can unite the branches.
_TEXTS = ("t1", "t2", "t3", "t4")
_DATES = ("d2", "d3")
_FLAGS = ("b1", "b2")


@dataclasses.dataclass(frozen=True)
class _Branch:
    """One kind of dated event read from one journey model: for each row with `date` set (and `where`)."""

    event: str  # identifies the branch in the union's rows
    kind: str
    model: type
    date: str
    order: int
    texts: tuple[str, ...] = ()
    dates: tuple[str, ...] = ()
    flags: tuple[str, ...] = ()
    where: dict = dataclasses.field(default_factory=dict)

    def queryset(self, child_ids):
        columns = {
            "event": Value(self.event, output_field=CharField()),
            "seq": Value(self.order, output_field=IntegerField()),
            "cid": F("child_id"),
            "rid": F("pk"),
            "day": F(self.date),
        }
        for name, field in zip(_DATES, (*self.dates, None, None), strict=False):
            # Typed, not a bare NULL: PostgreSQL resolves a union's column types pair by pair, and two
            # bare NULLs would make the column text.
            columns[name] = F(field) if field else Cast(Value(None), output_field=DateField())
        for name, field in zip(_TEXTS, (*self.texts, None, None, None, None), strict=False):
            if field == "factors":
                columns[name] = Cast("factors", output_field=TextField())
            else:
                columns[name] = (
                    Cast(field, output_field=TextField()) if field else Value("", output_field=TextField())
                )
        for name, field in zip(_FLAGS, (*self.flags, None, None), strict=False):
            columns[name] = F(field) if field else Value(False, output_field=BooleanField())
        return (
            self.model.objects.filter(child_id__in=child_ids, **{f"{self.date}__isnull": False}, **self.where)
            .order_by()
            .values(**columns)
        )


J = journey
_BRANCHES = (
    _Branch(
        "referral",
        "referral",
        J.EpisodeOfNeed,
        "referral_date",
        10,
        texts=("referral_source", "primary_need"),
    ),
    _Branch("nfa", "referral", J.EpisodeOfNeed, "referral_date", 11, where={"no_further_action": True}),
    _Branch("assessment-start", "assessment", J.Assessment, "start_date", 20),
    _Branch("assessment-authorised", "assessment", J.Assessment, "authorised_on", 21, texts=("factors",)),
    _Branch(
        "strategy",
        "section-47",
        J.Section47Enquiry,
        "strategy_discussion_date",
        30,
        dates=("start_date", "icpc_target"),
        flags=("icpc_not_required",),
    ),
    _Branch("icpc", "section-47", J.Section47Enquiry, "icpc_date", 31, dates=("icpc_target",)),
    _Branch("cp-start", "cp-plan", J.ChildProtectionPlan, "start_date", 40, texts=("initial_category",)),
    _Branch("review", "review-conference", J.ReviewConference, "date", 41),
    _Branch("core-group", "core-group", J.CoreGroupMeeting, "date", 42),
    _Branch(
        "cp-end", "cp-plan", J.ChildProtectionPlan, "end_date", 43, texts=("end_reason", "latest_category")
    ),
    _Branch("cin-start", "cin-plan", J.ChildInNeedPlan, "start_date", 45),
    _Branch("cin-end", "cin-plan", J.ChildInNeedPlan, "end_date", 46),
    _Branch("visit", "visit", J.Visit, "date", 50, flags=("child_seen", "seen_alone")),
    _Branch("plo-lpm", "pre-proceedings", J.PreProceedings, "legal_planning_meeting_date", 60),
    _Branch("plo-letter", "pre-proceedings", J.PreProceedings, "letter_before_proceedings_date", 61),
    _Branch("plo-fgdm-offered", "pre-proceedings", J.PreProceedings, "fgdm_offered_date", 62),
    _Branch("plo-fgdm-held", "pre-proceedings", J.PreProceedings, "fgdm_held_date", 63),
    _Branch("plo-meeting", "pre-proceedings", J.PreProceedingsMeeting, "date", 64, texts=("kind",)),
    _Branch("plo-decision", "pre-proceedings", J.PreProceedings, "decision_date", 65, texts=("outcome",)),
    _Branch(
        "proceedings", "court", J.CareProceedings, "application_date", 70, texts=("court", "case_number")
    ),
    _Branch("hearing", "court", J.CourtHearing, "date", 71, texts=("kind",)),
    _Branch("final-order", "court", J.CareProceedings, "final_order_date", 72, texts=("final_order",)),
    # An episode ending the day the next begins (X1) comes before the new one on that day.
    _Branch("lac-end", "looked-after", J.LookedAfterEpisode, "end_date", 80, texts=("reason_ceased",)),
    _Branch(
        "lac-start",
        "looked-after",
        J.LookedAfterEpisode,
        "start_date",
        81,
        texts=("reason_new_episode", "legal_status", "placement_type", "category_of_need"),
    ),
    _Branch("lac-review", "looked-after-review", J.LookedAfterReview, "date", 82, texts=("participation",)),
    _Branch("missing", "missing", J.MissingEpisode, "start_date", 83, texts=("kind",), dates=("end_date",)),
    # Closure is the last thing that happens on its day.
    _Branch("closure", "referral", J.EpisodeOfNeed, "closure_date", 99, texts=("closure_reason",)),
)
_BY_EVENT = {branch.event: branch for branch in _BRANCHES}


def _label(choices, code: str) -> str:
    return str(dict(choices).get(code, code)) if code else ""


def _day(value) -> str:
    return f"{value:%-d %B %Y}" if value else ""


def _sentences(*parts: str) -> str:
    return " ".join(part if part.endswith(".") else f"{part}." for part in parts if part)


def _factors(text: str) -> str:
    try:
        factors = json.loads(text) if text else []
    except ValueError:
        factors = []
    if isinstance(factors, str):  # a JSON string stored inside the JSON column by some drivers
        factors = json.loads(factors)
    if not factors:
        return "No factors recorded"
    return "Factors: " + "; ".join(f"{c} {codes.ASSESSMENT_FACTORS.get(c, '')}".strip() for c in factors)


def _title_and_detail(row) -> tuple[str, str]:
    """The words for one row of the union: what happened, and what else the record says about it."""
    event, t1, t2, t3, t4 = row["event"], row["t1"], row["t2"], row["t3"], row["t4"]
    d2, d3, b1, b2 = row["d2"], row["d3"], row["b1"], row["b2"]
    if event == "referral":
        need = _label(codes.PrimaryNeed.choices, t2)
        return "Referral received", _sentences(
            f"From: {_label(codes.ReferralSource.choices, t1)}", f"Primary need: {need}" if need else ""
        )
    if event == "nfa":
        return "Referral decision: no further action", ""
    if event == "closure":
        return "Referral closed", _sentences(_label(codes.ClosureReason.choices, t1))
    if event == "assessment-start":
        return "Assessment started", ""
    if event == "assessment-authorised":
        return "Assessment authorised", _sentences(_factors(t1))
    if event == "strategy":
        return "Strategy discussion", _sentences(
            f"Section 47 enquiry started {_day(d2)}" if d2 else "",
            "The enquiry found no conference was needed"
            if b1
            else (f"Initial conference due by {_day(d3)}" if d3 else ""),
        )
    if event == "icpc":
        late = d3 and row["day"] > d3
        return "Initial child protection conference", _sentences(
            f"Due by {_day(d3)}{': late' if late else ''}" if d3 else ""
        )
    if event == "cp-start":
        return "Child protection plan started", _sentences(
            f"Category: {_label(codes.AbuseCategory.choices, t1)}"
        )
    if event == "cp-end":
        reason = _label(journey.ChildProtectionPlan.EndReason.choices, t1)
        return "Child protection plan ended", _sentences(reason)
    if event == "review":
        return "Child protection review conference", ""
    if event == "core-group":
        return "Core group meeting", ""
    if event == "cin-start":
        return "Child in need plan started", ""
    if event == "cin-end":
        return "Child in need plan ended", ""
    if event == "visit":
        if b1 and b2:
            return "Visit: child seen alone", ""
        return ("Visit: child seen", "") if b1 else ("Visit: child not seen", "")
    if event == "plo-lpm":
        return "Legal planning meeting: pre-proceedings started", ""
    if event == "plo-letter":
        return "Letter before proceedings sent", ""
    if event == "plo-fgdm-offered":
        return "Family group decision making offered", ""
    if event == "plo-fgdm-held":
        return "Family group decision making held", ""
    if event == "plo-meeting":
        return _label(journey.PreProceedingsMeeting.Kind.choices, t1) or "Pre-proceedings meeting", ""
    if event == "plo-decision":
        return "Pre-proceedings decision", _sentences(_label(codes.PreProceedingsOutcome.choices, t1))
    if event == "proceedings":
        return "Application for care proceedings", _sentences(
            f"Court: {t1}" if t1 else "", f"Case number: {t2}" if t2 else ""
        )
    if event == "hearing":
        return _label(codes.HearingKind.choices, t1) or "Court hearing", ""
    if event == "final-order":
        return "Final order", _sentences(_label(codes.FinalOrder.choices, t1))
    if event == "lac-start":
        return "Looked-after episode started", _sentences(
            _label(codes.ReasonNewEpisode.choices, t1),
            f"Legal status: {_label(codes.LegalStatus.choices, t2)}",
            f"Placement: {_label(codes.PlacementType.choices, t3)}",
            f"Category of need: {_label(codes.CategoryOfNeed.choices, t4)}" if t4 else "",
        )
    if event == "lac-end":
        return "Looked-after episode ended", _sentences(_label(codes.ReasonCeased.choices, t1))
    if event == "lac-review":
        return "Looked-after review", _sentences(
            f"Participation: {_label(codes.ReviewParticipation.choices, t1)}" if t1 else ""
        )
    if event == "missing":
        return _label(codes.MissingKind.choices, t1) or "Missing", _sentences(
            f"Returned {_day(d2)}" if d2 else "Not yet returned"
        )
    return event, ""  # pragma: no cover - every branch above has its words


@functools.lru_cache(maxsize=256)
def _compiled(vendor: str, kinds: frozenset | None, children: int, limit: int | None) -> CompiledQuery | None:
    """The journey's union for this many children, compiled once (core.compiled).

    Building and compiling a 27-branch union through the ORM costs about 30 ms of CPU, against about
    1 ms to run it: that made the family page (which shows the latest events) miss its 100 ms target on
    the large council. The SQL depends only on the kinds asked for, the number of children and the limit,
    so it is compiled once with stand-in ids and run with the real ones."""
    branches = [b for b in _BRANCHES if kinds is None or b.kind in kinds]
    if not branches:
        return None

    def build(ids):
        first, *rest = (branch.queryset(ids) for branch in branches)
        return first.union(*rest, all=True) if rest else first

    compiled = compile_for_ids(build, children)
    # Sorted and cut once, outside the union. Given the ORDER BY on the union itself, SQLite sorts each
    # of the 27 branches on its own and merges them (a sorter and a co-routine a branch): 3.6 ms of the
    # family page's CPU for a household's 377 events, against 1.8 ms to sort them once. The columns are
    # the first branch's names; (day, seq, rid) is unique, so the order is the same either way.
    order = 'ORDER BY "day" DESC, "seq" DESC, "rid" DESC'
    cut = f" LIMIT {int(limit)}" if limit is not None else ""
    # The ORM's own SQL inside, and only fixed words and an integer around it: no request value.
    sql = f"SELECT * FROM ({compiled.sql}) AS events {order}{cut}"  # noqa: S608
    return dataclasses.replace(compiled, sql=sql)


def _journey_rows(child_ids, kinds, limit) -> list[dict]:
    compiled = _compiled(
        connection.vendor, None if kinds is None else frozenset(kinds), len(child_ids), limit
    )
    if compiled is None:
        return []
    columns, values = compiled.run(child_ids)
    rows = [dict(zip(columns, row, strict=True)) for row in values]
    for row in rows:
        row["day"] = as_date(row["day"])
        for name in _DATES:
            row[name] = as_date(row[name])
        row["cid"], row["rid"] = as_uuid(row["cid"]), as_uuid(row["rid"])
        for name in _FLAGS:
            row[name] = bool(row[name])
    return rows


@register(kinds=JOURNEY_KINDS)
def journey_events(child_ids, kinds, limit):
    rows = _journey_rows(list(child_ids), kinds, limit)
    # One URL a child, not one an event, and the URL name reversed once (core.urls): reversing it for each
    # of the dozens of rows read was half this provider's time on the family page.
    urls = RowUrls()
    journeys = {child_id: urls("journey:child-journey", child_id) for child_id in {r["cid"] for r in rows}}
    events = []
    for row in rows:
        branch = _BY_EVENT[row["event"]]
        title, detail = _title_and_detail(row)
        record_anchor = f"{branch.model._meta.model_name}-{row['rid']}"
        events.append(
            ChronologyEvent(
                date=row["day"],
                kind=branch.kind,
                kind_label=JOURNEY_KINDS[branch.kind],
                title=title,
                detail=detail,
                child_id=row["cid"],
                link=f"{journeys[row['cid']]}#{record_anchor}",
                order=branch.order,
                key=f"{row['rid']}",
            )
        )
    return events
