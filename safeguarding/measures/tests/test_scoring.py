"""Scoring exactly as published, for every shipped instrument: all zeros, all maxima, each band boundary on
either side, reverse items, the missing-answer rules, DUDIT's two thresholds, the items scored 0, 2 or 4,
worked examples, and (hypothesis) every complete set of answers scoring within the instrument's range.

Sources are named in each definition file (safeguarding/measures/instruments/*.json)."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ..scoring import InvalidAnswer, score
from .scoring_helpers import INSTRUMENTS, answers, spread

# (code, total, band) on each side of every published boundary.
BOUNDARIES = [
    # PHQ-9, Kroenke et al. 2001: 5, 10, 15, 20.
    ("phq9", 4, "None or minimal"),
    ("phq9", 5, "Mild"),
    ("phq9", 9, "Mild"),
    ("phq9", 10, "Moderate"),
    ("phq9", 14, "Moderate"),
    ("phq9", 15, "Moderately severe"),
    ("phq9", 19, "Moderately severe"),
    ("phq9", 20, "Severe"),
    # GAD-7, Spitzer et al. 2006: 5, 10, 15.
    ("gad7", 4, "None or minimal"),
    ("gad7", 5, "Mild"),
    ("gad7", 9, "Mild"),
    ("gad7", 10, "Moderate"),
    ("gad7", 14, "Moderate"),
    ("gad7", 15, "Severe"),
    # AUDIT, WHO 2001 zones: 8, 16, 20.
    ("audit", 7, "Lower risk"),
    ("audit", 8, "Increasing risk (hazardous)"),
    ("audit", 15, "Increasing risk (hazardous)"),
    ("audit", 16, "Higher risk (harmful)"),
    ("audit", 19, "Higher risk (harmful)"),
    ("audit", 20, "Possible dependence"),
    # AUDIT-C, OHID: 5 or more is positive.
    ("audit-c", 4, "Negative screen (lower risk)"),
    ("audit-c", 5, "Positive screen: complete the full AUDIT"),
    # CORE-10, Barkham et al. 2013: 6, 11, 15, 20, 25.
    ("core10", 5, "Healthy"),
    ("core10", 6, "Low level"),
    ("core10", 10, "Low level"),
    ("core10", 11, "Mild"),
    ("core10", 14, "Mild"),
    ("core10", 15, "Moderate"),
    ("core10", 19, "Moderate"),
    ("core10", 20, "Moderate to severe"),
    ("core10", 24, "Moderate to severe"),
    ("core10", 25, "Severe"),
    # DASH, SafeLives: 14 or more "yes".
    ("dash", 13, "Below the high-risk count: use your professional judgement"),
    ("dash", 14, "High risk: refer to MARAC"),
    # WEMWBS, Warwick Medical School: 40 / 41, 44 / 45, 59 / 60.
    ("wemwbs", 40, "Low: probable depression"),
    ("wemwbs", 41, "Below average: possible depression"),
    ("wemwbs", 44, "Below average: possible depression"),
    ("wemwbs", 45, "Average"),
    ("wemwbs", 59, "Average"),
    ("wemwbs", 60, "High"),
]


@pytest.mark.parametrize(("code", "total", "band"), BOUNDARIES)
def test_each_band_boundary_on_either_side(code, total, band):
    result = score(INSTRUMENTS[code], answers(code, spread(code, total)))
    assert (result.total, result.band.label) == (Decimal(total), band)


@pytest.mark.parametrize(
    ("code", "lowest", "highest", "low_band", "high_band"),
    [
        ("phq9", 0, 27, "None or minimal", "Severe"),
        ("gad7", 0, 21, "None or minimal", "Severe"),
        ("audit", 0, 40, "Lower risk", "Possible dependence"),
        ("audit-c", 0, 12, "Negative screen (lower risk)", "Positive screen: complete the full AUDIT"),
        ("dudit", 0, 44, "No drug-related problems indicated", "Dependence likely"),
        ("core10", 0, 40, "Healthy", "Severe"),
        (
            "dash",
            0,
            24,
            "Below the high-risk count: use your professional judgement",
            "High risk: refer to MARAC",
        ),
        ("wemwbs", 14, 70, "Low: probable depression", "High"),
    ],
)
def test_all_lowest_and_all_highest_answers(code, lowest, highest, low_band, high_band):
    instrument = INSTRUMENTS[code]
    low = score(instrument, answers(code, [i.min_score for i in instrument.items]))
    high = score(instrument, answers(code, [i.max_score for i in instrument.items]))
    assert (low.total, low.band.label) == (lowest, low_band)
    assert (high.total, high.band.label) == (highest, high_band)


def test_the_first_response_on_every_item_is_zero_except_the_core10_reverse_items():
    """CORE-10 items 2 and 3 are worded positively: 'Not at all' having someone to turn to scores 4."""
    core = INSTRUMENTS["core10"]
    first = {item.number: item.score_of(0) for item in core.items}
    assert first == {1: 0, 2: 4, 3: 4, 4: 0, 5: 0, 6: 0, 7: 0, 8: 0, 9: 0, 10: 0}
    every_first = score(core, {n: 0 for n in first})
    assert every_first.total == 8 and every_first.band.label == "Low level"
    every_last = score(core, {n: 4 for n in first})
    assert every_last.total == 32


@pytest.mark.parametrize(("code", "items"), [("audit", (9, 10)), ("dudit", (10, 11))])
def test_the_yes_no_items_score_0_2_or_4(code, items):
    instrument = INSTRUMENTS[code]
    for number in items:
        base = {i.number: 0 for i in instrument.items}
        totals = [score(instrument, base | {number: position}).total for position in range(3)]
        assert totals == [0, 2, 4]


def test_audit_subscales_follow_the_who_domains():
    result = score(INSTRUMENTS["audit"], answers("audit", [4, 3, 2, 1, 1, 0, 2, 1, 4, 2]))
    assert result.total == 20 and result.band.label == "Possible dependence"
    assert [(s.code, s.total) for s in result.subscales] == [
        ("consumption", 9),
        ("dependence", 2),
        ("harm", 9),
    ]


@pytest.mark.parametrize(
    ("total", "sex", "band"),
    [
        (5, "M", "No drug-related problems indicated"),
        (6, "M", "Drug-related problems likely"),
        (1, "F", "No drug-related problems indicated"),
        (2, "F", "Drug-related problems likely"),
        (5, "F", "Drug-related problems likely"),
        # Not recorded: the lower (women's) threshold, the cautious one, as the definition says.
        (2, "U", "Drug-related problems likely"),
        (1, "U", "No drug-related problems indicated"),
        (24, "M", "Drug-related problems likely"),
        (25, "M", "Dependence likely"),
        (25, "F", "Dependence likely"),
    ],
)
def test_dudit_problems_likely_at_6_for_men_and_2_for_women_dependence_at_25_for_anyone(total, sex, band):
    result = score(INSTRUMENTS["dudit"], answers("dudit", spread("dudit", total)), sex=sex)
    assert (result.total, result.band.label) == (total, band)


def test_core10_with_one_item_missing_is_prorated_as_the_mean_of_nine_times_ten():
    # Nine answered items adding to 17: 17 / 9 x 10 = 18.89, shown to one place (CORE System Trust).
    scores = [2, 2, 2, 2, 2, 0, 2, 2, 3, None]
    result = score(INSTRUMENTS["core10"], answers("core10", scores))
    assert result.prorated and result.missing == (10,)
    assert result.total == Decimal("18.9") and result.band.label == "Moderate"


def test_a_prorated_core10_just_under_the_cutoff_stays_below_it():
    # 9 items adding to 9 -> 10.0; adding to 10 -> 11.1 (over the cut-off of 11).
    below = score(INSTRUMENTS["core10"], answers("core10", [1, 1, 1, 1, 1, 0, 1, 1, 2, None]))
    above = score(INSTRUMENTS["core10"], answers("core10", [1, 1, 1, 1, 1, 0, 1, 1, 3, None]))
    assert (below.total, below.band.label) == (Decimal("10.0"), "Low level")
    assert (above.total, above.band.label) == (Decimal("11.1"), "Mild")


def test_core10_with_two_items_missing_is_not_scored_and_says_why():
    result = score(INSTRUMENTS["core10"], answers("core10", [2, 2, 2, 2, 2, 0, 2, 2, None, None]))
    assert result.total is None and result.band is None and not result.prorated
    assert result.not_scored_reason == (
        "Not scored: 2 items (9, 10) were not answered; CORE-10 can be scored with at most 1 unanswered item."
    )


@pytest.mark.parametrize("code", ["phq9", "gad7", "audit", "audit-c", "dudit", "dash", "wemwbs"])
def test_any_missing_item_leaves_the_other_instruments_unscored(code):
    instrument = INSTRUMENTS[code]
    given_answers = {i.number: 0 for i in instrument.items} | {2: None}
    result = score(instrument, given_answers)
    assert result.total is None
    assert result.not_scored_reason == (
        f"Not scored: item 2 was not answered, and {instrument.name} is only scored with every item answered."
    )


@pytest.mark.parametrize(("item9", "alerted"), [(0, False), (1, True), (2, True), (3, True)])
def test_phq9_item_9_above_zero_raises_the_safety_check(item9, alerted):
    result = score(INSTRUMENTS["phq9"], answers("phq9", [0] * 8 + [item9]))
    assert [a.kind for a in result.alerts] == (["safety_check"] if alerted else [])


def test_a_risk_answer_raises_its_alert_even_when_the_form_cannot_be_scored():
    result = score(INSTRUMENTS["phq9"], answers("phq9", [None, 1, 1, 1, 1, 1, 1, 1, 2]))
    assert result.total is None and [a.kind for a in result.alerts] == ["safety_check"]


@pytest.mark.parametrize(("item6", "alerted"), [(0, False), (1, True), (4, True)])
def test_core10_item_6_plans_to_end_life_above_zero_raises_the_safety_check(item6, alerted):
    scores = [1, 1, 1, 1, 1, item6, 1, 1, 1, 1]
    result = score(INSTRUMENTS["core10"], answers("core10", scores))
    assert bool(result.alerts) is alerted


@pytest.mark.parametrize(("yes", "alerted"), [(13, False), (14, True), (24, True)])
def test_dash_14_or_more_yes_meets_the_marac_count(yes, alerted):
    result = score(INSTRUMENTS["dash"], answers("dash", [1] * yes + [0] * (24 - yes)))
    assert result.total == yes and bool(result.alerts) is alerted


def test_dash_with_14_yes_and_questions_unanswered_still_meets_the_count():
    result = score(INSTRUMENTS["dash"], answers("dash", [1] * 14 + [None] * 10))
    assert result.total is None and [a.kind for a in result.alerts] == ["marac"]


def test_dash_not_known_counts_as_not_yes():
    dash = INSTRUMENTS["dash"]
    assert [o.label for o in dash.item(1).options] == ["Yes", "No", "Not known"]
    result = score(dash, {n: 2 for n in range(1, 25)})
    assert result.total == 0


def test_answers_that_are_not_responses_are_refused():
    phq9 = INSTRUMENTS["phq9"]
    for bad in ({1: 4}, {1: -1}, {1: "1"}, {1: True}, {10: 0}):
        with pytest.raises(InvalidAnswer):
            score(phq9, bad)


@st.composite
def complete_answers(draw, code):
    instrument = INSTRUMENTS[code]
    return {i.number: draw(st.integers(0, len(i.options) - 1)) for i in instrument.items}


@pytest.mark.parametrize("code", sorted(INSTRUMENTS))
@settings(max_examples=150, deadline=None)
@given(data=st.data(), sex=st.sampled_from(["M", "F", "U"]))
def test_any_complete_set_of_answers_scores_within_the_range_and_has_a_band(code, data, sex):
    instrument = INSTRUMENTS[code]
    result = score(instrument, data.draw(complete_answers(code)), sex=sex)
    assert instrument.min_score <= result.total <= instrument.max_score
    assert result.band.start <= result.total <= result.band.end
    assert not result.not_scored_reason


@pytest.mark.parametrize("code", ["core10"])
@settings(max_examples=150, deadline=None)
@given(data=st.data())
def test_a_prorated_score_also_stays_within_the_range(code, data):
    instrument = INSTRUMENTS[code]
    given_answers = data.draw(complete_answers(code))
    given_answers[data.draw(st.integers(1, len(instrument.items)))] = None
    result = score(instrument, given_answers)
    assert instrument.min_score <= result.total <= instrument.max_score
