"""Reliable change and recovery at their thresholds: PHQ-9 and GAD-7 as NHS Talking Therapies use them
(reliable change 6 and 4 points, caseness 10 and 8), CORE-10 (6 points, clinical cut-off 11), WEMWBS (3
points, higher is better), and AUDIT with no published criterion (the difference only)."""

from __future__ import annotations

from decimal import Decimal

import pytest

from ..change import DETERIORATION, IMPROVEMENT, NO_RELIABLE_CHANGE, compare, is_case
from .scoring_helpers import INSTRUMENTS

D = Decimal


@pytest.mark.parametrize(
    ("code", "before", "after", "reliable", "recovered"),
    [
        # PHQ-9: 6 points either way is reliable; recovery from 10 or more to 9 or less with it.
        ("phq9", 15, 10, NO_RELIABLE_CHANGE, False),
        ("phq9", 15, 9, IMPROVEMENT, True),
        ("phq9", 16, 10, IMPROVEMENT, False),  # reliable, but still a case
        ("phq9", 12, 7, NO_RELIABLE_CHANGE, False),  # below the cut-off, but not reliably
        ("phq9", 9, 3, IMPROVEMENT, False),  # never a case: improvement, not recovery
        ("phq9", 10, 4, IMPROVEMENT, True),  # from exactly the cut-off
        ("phq9", 4, 9, NO_RELIABLE_CHANGE, False),
        ("phq9", 4, 10, DETERIORATION, False),
        # GAD-7: 4 points; caseness 8.
        ("gad7", 11, 8, NO_RELIABLE_CHANGE, False),
        ("gad7", 11, 7, IMPROVEMENT, True),
        ("gad7", 8, 4, IMPROVEMENT, True),
        ("gad7", 12, 8, IMPROVEMENT, False),
        ("gad7", 3, 6, NO_RELIABLE_CHANGE, False),
        ("gad7", 3, 7, DETERIORATION, False),
        # CORE-10: 6 points; clinical cut-off 11; pro-rated scores are fractional.
        ("core10", 16, 11, NO_RELIABLE_CHANGE, False),
        ("core10", 16, 10, IMPROVEMENT, True),
        ("core10", D("16.7"), D("10.7"), IMPROVEMENT, True),
        ("core10", D("16.7"), D("10.8"), NO_RELIABLE_CHANGE, False),
        ("core10", 11, 5, IMPROVEMENT, True),
        ("core10", 10, 16, DETERIORATION, False),
        # WEMWBS: higher is better; about 3 points; no caseness, so no recovery.
        ("wemwbs", 40, 43, IMPROVEMENT, False),
        ("wemwbs", 40, 42, NO_RELIABLE_CHANGE, False),
        ("wemwbs", 50, 47, DETERIORATION, False),
    ],
)
def test_reliable_change_and_recovery_at_the_thresholds(code, before, after, reliable, recovered):
    change = compare(INSTRUMENTS[code], D(before), D(after))
    assert (change.reliable, change.recovered) == (reliable, recovered)
    assert change.difference == D(after) - D(before)


def test_an_instrument_with_no_published_criterion_shows_the_difference_only():
    change = compare(INSTRUMENTS["audit"], D(22), D(9))
    assert (change.reliable, change.recovered, change.summary) == ("", False, "Down 13")


def test_the_summary_says_what_the_change_means():
    phq9 = INSTRUMENTS["phq9"]
    assert compare(phq9, D(15), D(9)).summary == (
        "Down 6: recovery (reliable improvement to below the clinical cut-off)"
    )
    assert compare(phq9, D(20), D(12)).summary == "Down 8: reliable improvement"
    assert compare(phq9, D(4), D(12)).summary == "Up 8: reliable deterioration"
    assert compare(phq9, D(8), D(8)).summary == "No change in the score: not a reliable change"
    assert compare(INSTRUMENTS["core10"], D("18.9"), D(15)).summary == "Down 3.9: not a reliable change"


@pytest.mark.parametrize(
    ("code", "total", "case"),
    [("phq9", 9, False), ("phq9", 10, True), ("gad7", 7, False), ("gad7", 8, True)]
    + [("core10", 10, False), ("core10", D("10.9"), False), ("core10", 11, True), ("audit", 30, None)],
)
def test_caseness_cutoffs(code, total, case):
    assert is_case(INSTRUMENTS[code], D(total)) is case
