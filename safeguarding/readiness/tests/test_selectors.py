"""The reads (selectors.py): an adult's history per behaviour, and `pack_rows`, the contract the group
supervision pack relies on: one row per current adult and behaviour with a reading, the change since the
last supervision, a withheld adult's row naming no behaviour, in a fixed number of queries."""

from __future__ import annotations

import dataclasses
import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from safeguarding.access.models import SharingBasis
from safeguarding.access.policies import FamilyDisclosure
from safeguarding.people.tests.factories import FamilyMemberFactory

from ..models import Behaviour, ReadinessRecord, Stage
from ..selectors import ReadinessRow, RulerReading, pack_rows, readiness_history
from .world import TODAY, build_world, reading

pytestmark = pytest.mark.django_db

DAY = datetime.timedelta(days=1)


@pytest.fixture
def w():
    return build_world()


def rows_for(w, user, since=None):
    return pack_rows(family=w.family, disclosure=FamilyDisclosure(user, w.family), since=since)


def test_the_contract_types():
    assert dataclasses.is_dataclass(ReadinessRow) and ReadinessRow.__dataclass_params__.frozen
    names = [f.name for f in dataclasses.fields(ReadinessRow)]
    assert names[:8] == [
        "adult",
        "behaviour_label",
        "latest",
        "previous",
        "importance_change",
        "confidence_change",
        "withheld",
        "ask",
    ]
    assert [f.name for f in dataclasses.fields(RulerReading)][:5] == [
        "recorded_on",
        "importance",
        "confidence",
        "stage_label",
        "in_their_words",
    ]


def test_one_row_per_adult_and_behaviour_with_the_change_since_the_last_supervision(w):
    supervision = TODAY - 30 * DAY
    reading(w, importance=3, confidence=2, stage=Stage.PRECONTEMPLATION, on=TODAY - 90 * DAY)
    reading(w, importance=5, confidence=4, stage=Stage.CONTEMPLATION, on=TODAY - 60 * DAY)
    reading(
        w, importance=8, confidence=3, stage=Stage.PREPARATION, words="I've called the helpline", on=TODAY
    )
    reading(w, behaviour=Behaviour.MENTAL_HEALTH, importance=6, confidence=6, on=TODAY - 40 * DAY)
    reading(w, by=w.rory, adult=w.father, behaviour=Behaviour.ALCOHOL, importance=9, confidence=2, on=TODAY)
    w.share(w.mother, SharingBasis.Scope.TEAM)
    w.share(w.father, SharingBasis.Scope.TEAM)
    rows = rows_for(w, w.lead, since=supervision)
    by_key = {(r.adult.pk, r.behaviour_label): r for r in rows}
    assert set(by_key) == {
        (w.mother.pk, "Safety from abuse"),
        (w.mother.pk, "Mental health and medication"),
        (w.father.pk, "Alcohol"),
    }
    safety = by_key[(w.mother.pk, "Safety from abuse")]
    assert (safety.latest.importance, safety.latest.confidence, safety.latest.stage_label) == (
        8,
        3,
        "Preparation",
    )
    assert safety.latest.in_their_words == "I've called the helpline"
    # "Last time" is the latest reading before the last supervision: 60 days ago, not 90.
    assert safety.previous.recorded_on == TODAY - 60 * DAY
    assert (safety.importance_change, safety.confidence_change) == (3, -1)
    assert (safety.importance_change_text, safety.confidence_change_text) == ("+3", "\u22121")
    assert not safety.withheld and safety.ask == ""
    # No reading since the supervision: no change is claimed.
    health = by_key[(w.mother.pk, "Mental health and medication")]
    assert health.no_reading_since and health.previous is None and health.importance_change is None
    # A first reading has nothing to change from.
    alcohol = by_key[(w.father.pk, "Alcohol")]
    assert alcohol.previous is None and alcohol.importance_change is None


def test_without_a_date_the_change_is_from_the_reading_before(w):
    reading(w, importance=6, confidence=6, on=TODAY - 10 * DAY)
    reading(w, importance=6, confidence=7, on=TODAY)
    [row] = rows_for(w, w.dan)
    assert (row.importance_change, row.confidence_change) == (0, 1)
    assert row.importance_change_text == "no change"


def test_a_withheld_adult_is_one_row_naming_no_behaviour_and_who_to_ask(w):
    reading(w, behaviour=Behaviour.SAFETY_FROM_ABUSE)
    reading(w, behaviour=Behaviour.DRUGS)
    rows = rows_for(w, w.fsw)
    assert len(rows) == 1
    [row] = rows
    assert row.withheld and row.adult == w.mother
    assert row.behaviour_label == "" and row.latest is None and row.previous is None
    assert w.dan.display_name in row.ask


def test_adults_who_left_and_other_families_readings_are_not_in_the_pack(w):
    reading(w)
    other = FamilyMemberFactory(adult=True).person
    FamilyMemberFactory(family=w.family, adult=True, person=other)
    w.family.members.filter(person=w.mother).update(left_on=TODAY)
    assert rows_for(w, w.dan) == []


def test_other_behaviours_are_kept_apart_by_their_name(w):
    reading(w, behaviour=Behaviour.OTHER, other="Gambling", importance=2, on=TODAY - DAY)
    reading(w, behaviour=Behaviour.OTHER, other="gambling ", importance=4)
    reading(w, behaviour=Behaviour.OTHER, other="Debt", importance=7)
    rows = rows_for(w, w.dan)
    assert sorted(r.behaviour_label for r in rows) == ["Debt", "gambling"]
    gambling = next(r for r in rows if r.behaviour_label == "gambling")
    assert gambling.importance_change == 2


def _queries(fn) -> int:
    with CaptureQueriesContext(connection) as captured:
        fn()
    return len(captured)


def test_pack_rows_costs_the_same_queries_whatever_the_number_of_adults_behaviours_and_readings(w):
    w.share(w.mother, SharingBasis.Scope.TEAM)
    w.share(w.father, SharingBasis.Scope.TEAM)
    reading(w)
    disclosure = FamilyDisclosure(w.lead, w.family)
    small = _queries(lambda: pack_rows(family=w.family, disclosure=disclosure, since=TODAY - 30 * DAY))
    for days in range(0, 60, 10):
        for behaviour in (Behaviour.ALCOHOL, Behaviour.DRUGS, Behaviour.PARENTING):
            reading(w, behaviour=behaviour, on=TODAY - days * DAY)
            reading(w, by=w.rory, adult=w.father, behaviour=behaviour, on=TODAY - days * DAY)
    FamilyMemberFactory(family=w.family, adult=True)
    disclosure = FamilyDisclosure(w.lead, w.family)
    rows = []
    large = _queries(
        lambda: rows.extend(pack_rows(family=w.family, disclosure=disclosure, since=TODAY - 30 * DAY))
    )
    assert len(rows) == 7
    assert small == large == 2


def test_the_history_is_per_behaviour_oldest_first_with_a_chart(w):
    reading(w, importance=4, on=TODAY - 20 * DAY)
    reading(w, behaviour=Behaviour.PARENTING, importance=6, on=TODAY - 10 * DAY)
    reading(w, importance=7, on=TODAY)
    history = readiness_history(
        user=w.dan, family=w.family, adult=w.mother, disclosure=FamilyDisclosure(w.dan, w.family)
    )
    assert not history["withheld"]
    labels = [b.label for b in history["behaviours"]]
    assert labels == ["Safety from abuse", "Parenting"]
    safety = history["behaviours"][0]
    assert [r.importance for r in safety.readings] == [4, 7]
    assert "rose from 4 to 7" in safety.chart.description
    # Higher is further up the chart (a smaller y).
    importance = safety.chart.series[0]
    assert importance.points[1].y < importance.points[0].y


def test_the_history_of_a_withheld_adult_reads_nothing(w):
    reading(w)
    disclosure = FamilyDisclosure(w.sw, w.family)
    with CaptureQueriesContext(connection) as captured:
        history = readiness_history(user=w.sw, family=w.family, adult=w.mother, disclosure=disclosure)
    assert history["withheld"] and history["behaviours"] == []
    assert not any(ReadinessRecord._meta.db_table in q["sql"] for q in captured.captured_queries)


def test_the_pack_section_shows_each_row_and_a_withheld_adult_as_restricted(w):
    """readiness/_pack_section.html, the table the supervision pack includes: now and the change for each
    ruler, the stage, what they said; a withheld adult's row says who to ask and nothing else."""
    from django.template.loader import render_to_string
    from django.utils.html import escape

    reading(w, importance=4, confidence=5, stage=Stage.CONTEMPLATION, on=TODAY - 40 * DAY)
    reading(w, importance=7, confidence=3, stage=Stage.ACTION, words="I rang the helpline", on=TODAY)
    reading(w, by=w.rory, adult=w.father, behaviour=Behaviour.DRUGS, words="Only at weekends", on=TODAY)
    rows = pack_rows(family=w.family, disclosure=FamilyDisclosure(w.dan, w.family), since=TODAY - 30 * DAY)
    html = render_to_string("readiness/_pack_section.html", {"rows": rows})
    assert 'data-ruler="importance">7 (+3)<' in html
    assert 'data-ruler="confidence">3 (\u22122)<' in html
    assert "Action" in html and "was contemplation" in html and "I rang the helpline" in html
    # The father's readings are not Dan's to see: his row names no behaviour and says who to ask.
    assert "Restricted" in html and escape(w.rory.display_name) in html
    assert "Drugs" not in html and "Only at weekends" not in html
    assert "style=" not in html
    assert "<p" in render_to_string("readiness/_pack_section.html", {"rows": []})
