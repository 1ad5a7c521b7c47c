"""The group supervision pack's parent measures (issue #11 item 5): each current adult's latest score per
questionnaire with its band and the change since the last supervision, judged by the instrument's
published criterion; withheld, without naming a questionnaire, from whoever may not see the adult's
measures; in a fixed number of queries."""

from __future__ import annotations

import datetime

import pytest

from safeguarding.access.models import SharingBasis
from safeguarding.access.policies import FamilyDisclosure

from .. import instruments
from ..selectors import pack_rows
from .world import TODAY, build_world, phq9, record

pytestmark = pytest.mark.django_db

LAST_SUPERVISION = TODAY - datetime.timedelta(days=10)


def rows_for(user, w, since=LAST_SUPERVISION):
    return pack_rows(
        family=w.family, disclosure=FamilyDisclosure(user, w.family), since=since, found=instruments.every()
    )


@pytest.fixture
def w():
    return build_world()


def test_the_latest_score_with_its_change_since_the_last_supervision(w):
    record(w, answers=phq9([3, 3, 2, 2, 2, 1, 1, 1, 0]), on=TODAY - datetime.timedelta(days=40))  # 15
    record(w, answers=phq9([2, 2, 2, 2, 2, 2, 2, 1, 0]), on=TODAY - datetime.timedelta(days=20))  # 15
    record(w, answers=phq9([1, 1, 1, 1, 1, 1, 1, 1, 0]), on=TODAY - datetime.timedelta(days=2))  # 8
    (row,) = rows_for(w.mhp, w)
    assert row.adult == w.mother and not row.withheld
    assert row.latest.total_text == "8" and row.latest.measure.band == "Mild"
    # Against the score before the last supervision (15, twenty days ago), not the first one.
    assert row.since_row.measure.administered_on == TODAY - datetime.timedelta(days=20)
    assert row.change.difference == -7 and row.change.recovered
    assert row.change.summary.startswith("Down 7: recovery")


def test_no_score_since_the_last_supervision_is_said_not_compared(w):
    record(w, answers=phq9([1] * 9), on=TODAY - datetime.timedelta(days=40))
    record(w, answers=phq9([2] * 9), on=TODAY - datetime.timedelta(days=30))
    (row,) = rows_for(w.mhp, w)
    assert row.nothing_since and row.change is None


def test_a_reader_without_a_basis_sees_restricted_and_no_questionnaire(w):
    record(w, answers=phq9([1] * 9))
    (row,) = rows_for(w.lead, w)
    assert row.withheld and row.history is None and w.mhp.display_name in row.ask
    w.share(w.mother)
    (row,) = rows_for(w.lead, w)
    assert not row.withheld and row.history.name == "PHQ-9"


def test_two_queries_whatever_the_number_of_adults_and_measures(w, django_assert_num_queries):
    SharingBasis.objects.create(person=w.father, basis="consent", scope="team", recorded_by=w.lead)
    record(w, answers=phq9([1] * 9))
    found = instruments.every()
    disclosure = FamilyDisclosure(w.manager, w.family)
    with django_assert_num_queries(2):
        few = pack_rows(family=w.family, disclosure=disclosure, since=LAST_SUPERVISION, found=found)
    for days in range(1, 6):
        record(w, answers=phq9([days % 4] * 9), on=TODAY - datetime.timedelta(days=days))
        record(w, "audit", by=w.rory, person=w.father, on=TODAY - datetime.timedelta(days=days))
    with django_assert_num_queries(2):
        many = pack_rows(family=w.family, disclosure=disclosure, since=LAST_SUPERVISION, found=found)
    assert len(many) > len(few)


# ---- the integrated family assessment quotes them -------------------------------------------------------


def _compiled_scores(w):
    from safeguarding.workbook.services.assessments import assessment_compile

    assessment = assessment_compile(actor=w.lead, family=w.family, today=TODAY)
    return [s for s in assessment.compiled["sections"] if s["kind"] == "measures"]


def test_the_integrated_assessment_quotes_first_and_latest_scores_with_the_change(w):
    record(w, answers=phq9([3, 3, 2, 2, 2, 1, 1, 1, 0]), on=TODAY - datetime.timedelta(days=90))  # 15
    record(w, answers=phq9([1, 1, 1, 1, 1, 1, 1, 1, 0]), on=TODAY - datetime.timedelta(days=5))  # 8
    w.share(w.mother)
    (quoted,) = _compiled_scores(w)
    assert quoted["heading"] == f"Questionnaire scores: {w.mother.full_name}"
    assert quoted["about"] == str(w.mother.pk) and quoted["sensitivity"] == "adult_special"
    assert quoted["text"].startswith("PHQ-9: 15 (Moderately severe) on ")
    assert "latest 8 (Mild)" in quoted["text"] and "Down 7: recovery" in quoted["text"]


def test_the_compiler_without_a_basis_gets_who_to_ask_not_the_scores(w):
    record(w, answers=phq9([2] * 9))
    (quoted,) = _compiled_scores(w)
    assert quoted["text"] == "" and quoted["ask"].startswith("Restricted: ")
