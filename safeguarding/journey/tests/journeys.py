"""Test data for the journey's pages: for every step, the records it needs first and a valid form post.

Dates count from BASE, a day in the past, so every statutory date is real and none is in the future.
"""

from __future__ import annotations

import datetime
from types import SimpleNamespace

from django.utils import timezone

from safeguarding.accounts.tests.factories import TeamFactory
from safeguarding.allocation.models import CaseRole
from safeguarding.allocation.tests.factories import AllocationFactory
from safeguarding.journey import services
from safeguarding.people.tests.factories import FamilyFactory, FamilyMemberFactory

BASE = timezone.localdate() - datetime.timedelta(days=150)


def day(n: int) -> datetime.date:
    return BASE + datetime.timedelta(days=n)


def dates(name: str, value: datetime.date) -> dict[str, str]:
    """A GOV.UK date input's three boxes, as posted."""
    return {f"{name}_day": str(value.day), f"{name}_month": str(value.month), f"{name}_year": str(value.year)}


# The values each step is recorded with when a test needs it done already (through the service).
DONE: dict[str, dict] = {
    "referral": {
        "referral_date": day(0),
        "referral_source": "2A",
        "primary_need": "N1",
        "no_further_action": False,
    },
    "assessment": {"start_date": day(1)},
    "assessment-authorisation": {"authorised_on": day(20), "factors": ["1B", "3B"]},
    "strategy-discussion": {"strategy_discussion_date": day(2), "start_date": day(2)},
    "initial-conference": {"icpc_date": day(10), "icpc_not_required": False},
    "cp-plan": {"start_date": day(10), "initial_category": "NEG"},
    "cin-plan": {"start_date": day(5)},
    "pre-proceedings": {"legal_planning_meeting_date": day(30)},
    "care-proceedings": {"application_date": day(60), "court": "Demoborough Family Court"},
    "looked-after": {
        "start_date": day(61),
        "reason_new_episode": "S",
        "legal_status": "C1",
        "category_of_need": "N1",
        "placement_type": "U6",
        "placement_provider": "PR1",
    },
    "looked-after-end": {"end_date": day(100), "reason_ceased": "E4A"},
}
CP_PLAN = ["referral", "strategy-discussion", "initial-conference", "cp-plan"]

# step -> (steps done first, what the worker posts)
POSTS: dict[str, tuple[list[str], dict]] = {
    "referral": (
        [],
        {
            **dates("referral_date", day(0)),
            "referral_source": "2A",
            "primary_need": "N1",
            "no_further_action": "false",
        },
    ),
    "assessment": (["referral"], dates("start_date", day(1))),
    "assessment-authorisation": (
        ["referral", "assessment"],
        {**dates("authorised_on", day(20)), "factors": ["1B", "3B"]},
    ),
    "strategy-discussion": (
        ["referral"],
        {**dates("strategy_discussion_date", day(2)), **dates("start_date", day(2))},
    ),
    "initial-conference": (
        ["referral", "strategy-discussion"],
        {"icpc_not_required": "false", **dates("icpc_date", day(10))},
    ),
    "cp-plan": (CP_PLAN[:-1], {**dates("start_date", day(10)), "initial_category": "NEG"}),
    "review-conference": (CP_PLAN, dates("date", day(70))),
    "core-group": (CP_PLAN, dates("date", day(15))),
    "cp-plan-category": (CP_PLAN, {"latest_category": "EMO"}),
    "cp-plan-end": (CP_PLAN, {**dates("end_date", day(100)), "end_reason": "no_longer_needed"}),
    "cin-plan": (["referral"], dates("start_date", day(5))),
    "cin-plan-end": (["referral", "cin-plan"], dates("end_date", day(50))),
    "visit": ([], {**dates("date", day(20)), "child_seen": "true", "seen_alone": "true"}),
    "pre-proceedings": ([], dates("legal_planning_meeting_date", day(30))),
    "pre-proceedings-meeting": (["pre-proceedings"], {"kind": "initial", **dates("date", day(35))}),
    "pre-proceedings-decision": (
        ["pre-proceedings"],
        {**dates("decision_date", day(50)), "outcome": "step_down"},
    ),
    "care-proceedings": ([], {**dates("application_date", day(60)), "court": "Demoborough Family Court"}),
    "hearing": (["care-proceedings"], {"kind": "cmh", **dates("date", day(70))}),
    "final-order": (
        ["care-proceedings"],
        {**dates("final_order_date", day(140)), "final_order": "care_order"},
    ),
    "looked-after": (
        [],
        {
            **dates("start_date", day(61)),
            "reason_new_episode": "S",
            "legal_status": "C1",
            "category_of_need": "N1",
            "placement_type": "U6",
            "placement_provider": "PR1",
            "placement_postcode": "db1 1aa",
        },
    ),
    "looked-after-end": (["looked-after"], {**dates("end_date", day(100)), "reason_ceased": "E4A"}),
    "looked-after-review": (["looked-after"], {**dates("date", day(70)), "participation": "PN1"}),
    "missing": (
        ["looked-after"],
        {"kind": "M", **dates("start_date", day(80)), **dates("end_date", day(81))},
    ),
    "closure": (["referral"], {**dates("closure_date", day(30)), "closure_reason": "RC7"}),
}


def make_world() -> SimpleNamespace:
    """A family in a team, with a child (Mia), her mother and their lead social worker."""
    team = TeamFactory()
    family = FamilyFactory(team=team)
    child = FamilyMemberFactory(family=family, person__first_name="Mia").person
    mother = FamilyMemberFactory(family=family, adult=True).person
    social_worker = AllocationFactory(family=family, case_role=CaseRole.LEAD_SOCIAL_WORKER).worker
    return SimpleNamespace(team=team, family=family, child=child, mother=mother, sw=social_worker)


def do(actor, child, *slugs: str):
    """Record these steps for the child through the service, in order; return the last record."""
    record = None
    for slug in slugs:
        record = services.journey_record(actor=actor, child=child, step=slug, values=DONE[slug])
    return record
