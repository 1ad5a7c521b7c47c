"""Scoring, exactly as each instrument's definition says: pure functions of the answers, no database.

An answer is the position of the chosen response in the item's list (0 for the first), or None for an
item left unanswered; the score of a position comes from the definition (reverse-scored items from the
other end). A form with more unanswered items than the definition may pro-rate is not scored, and says
why; a risk item answered above its threshold raises its alert whether or not the form could be scored,
since a missing mood question must never hide a self-harm answer.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from .definitions import Alert, Band, Instrument

ONE_PLACE = Decimal("0.1")


class InvalidAnswer(ValueError):
    """An answer that is not one of the item's responses (the form lets none through)."""


@dataclass(frozen=True)
class SubscaleScore:
    code: str
    label: str
    total: int | None  # None when one of its items was not answered


@dataclass(frozen=True)
class Result:
    total: Decimal | None
    band: Band | None
    band_index: int | None  # 0 for the lowest band
    subscales: tuple[SubscaleScore, ...]
    not_scored_reason: str
    prorated: bool
    missing: tuple[int, ...]  # the unanswered items' numbers
    alerts: tuple[Alert, ...]

    @property
    def scored(self) -> bool:
        return self.total is not None


def item_scores(instrument: Instrument, answers: Mapping[int, int | None]) -> dict[int, int | None]:
    """Each item's score (None when unanswered), checking every answer is one of the item's responses."""
    unknown = set(answers) - {i.number for i in instrument.items}
    if unknown:
        raise InvalidAnswer(f"{instrument.name} has no item {min(unknown)}")
    scores: dict[int, int | None] = {}
    for item in instrument.items:
        choice = answers.get(item.number)
        if choice is None:
            scores[item.number] = None
            continue
        if isinstance(choice, bool) or not isinstance(choice, int) or not 0 <= choice < len(item.options):
            raise InvalidAnswer(f"{instrument.name} item {item.number} has no response {choice!r}")
        scores[item.number] = item.score_of(choice)
    return scores


def band_of(bands: tuple[Band, ...], total: Decimal) -> tuple[Band, int]:
    """The band a total falls in. Bands are whole numbers; a pro-rated total such as 10.9 is in the band
    that starts at or below it (10.9 is below a cut-off of 11)."""
    index = 0
    for number, band in enumerate(bands):
        if band.start <= total:
            index = number
    return bands[index], index


def _not_scored_reason(instrument: Instrument, missing: list[int]) -> str:
    which = ", ".join(str(n) for n in missing)
    noun = "item" if len(missing) == 1 else "items"
    if instrument.prorate_up_to == 0:
        return (
            f"Not scored: {noun} {which} {'was' if len(missing) == 1 else 'were'} not answered, and "
            f"{instrument.name} is only scored with every item answered."
        )
    allowed = instrument.prorate_up_to
    return (
        f"Not scored: {len(missing)} items ({which}) were not answered; {instrument.name} can be scored with "
        f"at most {allowed} unanswered {'item' if allowed == 1 else 'items'}."
    )


def _alerts(
    instrument: Instrument, scores: dict[int, int | None], total: Decimal | None
) -> tuple[Alert, ...]:
    raised = []
    answered_sum = sum(s for s in scores.values() if s is not None)
    for alert in instrument.alerts:
        if alert.kind == "safety_check":
            value = scores.get(alert.item)
            if value is not None and value > alert.score_above:
                raised.append(alert)
        elif alert.kind == "marac" and alert.total_at_least is not None:
            # A count of "yes" answers only grows with the unanswered ones: 14 given is 14 at least.
            reached = total if total is not None else Decimal(answered_sum)
            if reached >= alert.total_at_least:
                raised.append(alert)
    return tuple(raised)


def score(instrument: Instrument, answers: Mapping[int, int | None], *, sex: str | None = None) -> Result:
    """Total, band, subscales and alerts of one completed (or partly completed) questionnaire. `sex` is the
    person's recorded sex ("M", "F" or anything else for not recorded), for sex-specific thresholds."""
    scores = item_scores(instrument, answers)
    missing = [n for n, s in scores.items() if s is None]
    answered = [s for s in scores.values() if s is not None]
    subscales = tuple(
        SubscaleScore(
            sub.code,
            sub.label,
            None if any(scores[n] is None for n in sub.items) else sum(scores[n] for n in sub.items),
        )
        for sub in instrument.subscales
    )
    if len(missing) > instrument.prorate_up_to or not answered:
        return Result(
            total=None,
            band=None,
            band_index=None,
            subscales=subscales,
            not_scored_reason=_not_scored_reason(instrument, missing),
            prorated=False,
            missing=tuple(missing),
            alerts=_alerts(instrument, scores, None),
        )
    if missing:
        # The published rule (CORE): the mean of the answered items, times the number of items.
        total = (Decimal(sum(answered)) * len(scores) / len(answered)).quantize(ONE_PLACE, ROUND_HALF_UP)
    else:
        total = Decimal(sum(answered))
    band, index = band_of(instrument.bands_for(sex), total)
    return Result(
        total=total,
        band=band,
        band_index=index,
        subscales=subscales,
        not_scored_reason="",
        prorated=bool(missing),
        missing=tuple(missing),
        alerts=_alerts(instrument, scores, total),
    )
