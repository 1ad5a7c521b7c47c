"""Change between two scores of one instrument: reliable improvement, reliable deterioration and recovery,
by the published definition each instrument's `change` names (its source is in the definition file).

- Reliable change: a difference at least as large as the instrument's reliable change criterion, in the
  direction that is better (improvement) or worse (deterioration). NHS Talking Therapies: PHQ-9 6 points,
  GAD-7 4 points; CORE-10 6 points (Barkham et al.); WEMWBS about 3 points (Warwick Medical School).
- Recovery: from a clinical case (at or above the caseness cut-off: PHQ-9 10, GAD-7 8, CORE-10 11) to below
  it, with reliable improvement (NHS Talking Therapies calls this reliable recovery). Per instrument: the
  Talking Therapies' published recovery rate pairs PHQ-9 with an anxiety measure; one questionnaire here
  speaks for itself.
- An instrument with no published criterion (AUDIT, DUDIT, DASH) shows the difference only.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from .definitions import Instrument

IMPROVEMENT, DETERIORATION, NO_RELIABLE_CHANGE = "improvement", "deterioration", "none"


@dataclass(frozen=True)
class Change:
    difference: Decimal  # later minus earlier
    reliable: str  # IMPROVEMENT, DETERIORATION, NO_RELIABLE_CHANGE, or "" (no published criterion)
    recovered: bool

    @property
    def summary(self) -> str:
        """One sentence for the result page and the table."""
        if self.difference == 0:
            moved = "No change in the score"
        else:
            moved = f"{'Up' if self.difference > 0 else 'Down'} {abs(self.difference).normalize():f}"
        if self.recovered:
            return f"{moved}: recovery (reliable improvement to below the clinical cut-off)"
        if self.reliable == IMPROVEMENT:
            return f"{moved}: reliable improvement"
        if self.reliable == DETERIORATION:
            return f"{moved}: reliable deterioration"
        if self.reliable == NO_RELIABLE_CHANGE:
            return f"{moved}: not a reliable change"
        return moved


def compare(instrument: Instrument, earlier: Decimal, later: Decimal) -> Change:
    """The change from `earlier` to `later`, judged by `instrument`'s published criteria."""
    difference = later - earlier
    rule = instrument.change
    if rule is None:
        return Change(difference, "", False)
    better = -difference if instrument.higher_is == "worse" else difference
    if better >= rule.reliable_points:
        reliable = IMPROVEMENT
    elif -better >= rule.reliable_points:
        reliable = DETERIORATION
    else:
        reliable = NO_RELIABLE_CHANGE
    recovered = False
    if reliable == IMPROVEMENT and rule.caseness_at_least is not None:
        if instrument.higher_is == "worse":
            recovered = earlier >= rule.caseness_at_least > later
        else:
            recovered = earlier < rule.caseness_at_least <= later
    return Change(difference, reliable, recovered)


def is_case(instrument: Instrument, total: Decimal) -> bool | None:
    """Whether a score is in the clinical range (None: the instrument has no caseness cut-off)."""
    rule = instrument.change
    if rule is None or rule.caseness_at_least is None:
        return None
    if instrument.higher_is == "worse":
        return total >= rule.caseness_at_least
    return total < rule.caseness_at_least
