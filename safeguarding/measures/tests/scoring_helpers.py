"""Answers for a wanted score on each item, and the shipped instruments by code, for the scoring tests."""

from __future__ import annotations

from ..definitions import shipped

INSTRUMENTS = {i.code: i for i in shipped()}


def answers(code: str, scores: list[int | None]) -> dict[int, int | None]:
    """The positions that give these item scores (None: unanswered); reverse items looked up the same way."""
    instrument = INSTRUMENTS[code]
    assert len(scores) == len(instrument.items), "one score per item"
    chosen: dict[int, int | None] = {}
    for item, wanted in zip(instrument.items, scores, strict=True):
        if wanted is None:
            chosen[item.number] = None
            continue
        chosen[item.number] = next(p for p in range(len(item.options)) if item.score_of(p) == wanted)
    return chosen


def spread(code: str, total: int) -> list[int]:
    """Item scores adding up to `total`, filling items in order up to their maximum (for band edges)."""
    instrument = INSTRUMENTS[code]
    scores = [i.min_score for i in instrument.items]
    left = total - sum(scores)
    for index, item in enumerate(instrument.items):
        # Only scores the item can take: 0/2/4 items take even steps.
        possible = sorted({item.score_of(p) for p in range(len(item.options))}, reverse=True)
        for value in possible:
            if value - scores[index] <= left:
                left -= value - scores[index]
                scores[index] = value
                break
    assert left == 0, f"cannot make {total} on {code}"
    return scores
