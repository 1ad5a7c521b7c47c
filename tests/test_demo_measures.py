"""The demo council's parent measures (safeguarding/demo/measures.py): what issue #11's quality bar asks of
the demo, checked over every family the generator writes. Most adults with an adult practitioner have the
questionnaires of their practitioner's service, recorded by that practitioner and scored exactly as the
instrument's scoring says; scores follow the parents' stage of change; a few safety checks are open, each
a task owned by the practitioner."""

from __future__ import annotations

from collections import defaultdict

import pytest

from safeguarding.allocation.models import ADULT_PRACTITIONER_CASE_ROLES, Allocation
from safeguarding.measures import instruments, scoring
from safeguarding.measures.change import IMPROVEMENT, compare
from safeguarding.measures.models import Measure, MeasureAlert
from safeguarding.measures.work import KIND_OF_ALERT
from safeguarding.people.models import FamilyMember
from safeguarding.tasks.models import Deadline

pytestmark = pytest.mark.usefixtures("demo_council")

ROLE_INSTRUMENTS = {
    "mental_health_practitioner": {"phq9", "gad7", "core10"},
    "psychologist": {"core10", "phq9"},
    "recovery_worker": {"audit", "dudit"},
    "da_victim_practitioner": {"dash"},
    "da_perpetrator_practitioner": {"audit-c"},
    "probation_officer": {"audit-c"},
}


def practitioners() -> dict:
    """(family, adult) -> {worker: case role} of the current adult practitioners working with them."""
    current = set(
        FamilyMember.objects.filter(member_type="adult", left_on__isnull=True).values_list(
            "family_id", "person_id"
        )
    )
    found = defaultdict(dict)
    for allocation in (
        Allocation.objects.current()
        .filter(case_role__in=ADULT_PRACTITIONER_CASE_ROLES, family__closed_on__isnull=True)
        .prefetch_related("works_with")
    ):
        for person in allocation.works_with.all():
            if (allocation.family_id, person.pk) in current:
                found[(allocation.family_id, person.pk)][allocation.worker_id] = allocation.case_role
    return found


def test_most_adults_with_a_practitioner_have_their_services_questionnaires():
    workers = practitioners()
    measured = defaultdict(list)
    for measure in Measure.objects.order_by("administered_on"):
        measured[(measure.family_id, measure.person_id)].append(measure)
    eligible = [k for k, w in workers.items() if any(role in ROLE_INSTRUMENTS for role in w.values())]
    assert eligible and len([k for k in eligible if measured[k]]) >= 0.75 * len(eligible)
    assert set(measured) <= set(workers)  # nobody without a practitioner
    for key, records in measured.items():
        roles = set(workers[key].values())
        wanted = set().union(*(ROLE_INSTRUMENTS.get(r, set()) for r in roles))
        assert {m.instrument for m in records} <= wanted, key
        assert {m.recorded_by_id for m in records} <= set(workers[key]), key
    assert {m.instrument for records in measured.values() for m in records} == set().union(
        *ROLE_INSTRUMENTS.values()
    )


def test_every_demo_measure_is_scored_exactly_as_its_instrument_says():
    found = instruments.every()
    sexes = dict(FamilyMember.objects.values_list("person_id", "person__sex"))
    for measure in Measure.objects.all():
        instrument = found[(measure.instrument, measure.instrument_version)]
        answers = {int(k): v for k, v in measure.answers.items()}
        result = scoring.score(
            instrument, answers, sex=sexes[measure.person_id] if instrument.sex_specific else None
        )
        assert (result.total, result.band.label) == (measure.total, measure.band), measure.pk
        measure.full_clean()


def test_scores_improve_reliably_for_some_parents_and_not_for_others():
    found = instruments.every()
    series = defaultdict(list)
    for measure in Measure.objects.filter(instrument__in=["phq9", "gad7", "core10"]).order_by(
        "administered_on"
    ):
        series[(measure.person_id, measure.instrument)].append(measure)
    outcomes = set()
    for records in series.values():
        if len(records) >= 3:
            first, last = records[0], records[-1]
            change = compare(found[(last.instrument, 1)], first.total, last.total)
            outcomes.add(change.reliable == IMPROVEMENT)
    assert outcomes == {True, False}


def test_a_few_safety_checks_are_open_each_a_task_owned_by_the_practitioner():
    open_alerts = list(MeasureAlert.objects.filter(closed_on__isnull=True))
    safety = [a for a in open_alerts if a.kind == "safety_check"]
    assert 1 <= len(safety) <= 10
    for alert in open_alerts:
        assert alert.owner_id == alert.measure.recorded_by_id
        task = Deadline.objects.get(link__contains=str(alert.pk))
        assert (task.kind, task.owner_id, task.due_date) == (
            KIND_OF_ALERT[alert.kind],
            alert.owner_id,
            alert.due_on,
        )
    # Closed alerts have their outcome and no task.
    closed = MeasureAlert.objects.filter(closed_on__isnull=False)
    assert not closed.filter(outcome="").exists()
    assert Deadline.objects.filter(kind__in=list(KIND_OF_ALERT.values())).count() == len(open_alerts)
