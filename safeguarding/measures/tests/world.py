"""The readiness tests' family (readiness/tests/world.py: a mother and father, their child, and the people
around them), with a mental-health practitioner for the mother, and helpers to record measures.

- dan: the mother's domestic abuse victim practitioner; mhp: the mother's mental-health practitioner;
- rory: the father's recovery worker; lead, sw, fsw, manager, service, support, outsider as there.
"""

from __future__ import annotations

import datetime

from safeguarding.accounts.tests.factories import UserFactory
from safeguarding.allocation.models import CaseRole
from safeguarding.allocation.tests.factories import AllocationFactory
from safeguarding.readiness.tests.world import World
from safeguarding.readiness.tests.world import build_world as build_family

from ..definitions import shipped
from ..services import measure_record

TODAY = datetime.date(2026, 6, 15)
INSTRUMENTS = {i.code: i for i in shipped()}


def build_world() -> World:
    w = build_family()
    w.mhp = UserFactory(team=w.team, partner=True, first_name="Mina")
    AllocationFactory(
        family=w.family, worker=w.mhp, case_role=CaseRole.MENTAL_HEALTH_PRACTITIONER
    ).works_with.add(w.mother)
    return w


def phq9(item_scores):
    """PHQ-9 answers from nine item scores (each response's position is its score)."""
    return {n: s for n, s in enumerate(item_scores, start=1)}


def record(w, code="phq9", answers=None, *, by=None, person=None, on=TODAY, today=TODAY, **extra):
    instrument = INSTRUMENTS[code]
    if answers is None:
        answers = {i.number: 0 for i in instrument.items}
    return measure_record(
        actor=by or w.mhp,
        family=w.family,
        person=person or w.mother,
        instrument=instrument,
        administered_on=on,
        answered_by="self",
        answers=answers,
        today=today,
        **extra,
    )
