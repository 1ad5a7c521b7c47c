"""When a child's agreed series of short breaks stands between breaks, and when it has ended.

A child on an agreed series of short breaks (Children Act 1989 s20(4); SSDA903 legal status V3 when each
break is recorded as its own episode) is looked after only during a break: each V3 episode starts with
reason "S" and ends when the child goes home. But the arrangement is one plan, and the Care Planning,
Placement and Case Review (England) Regulations 2010, reg 48, review it as one: first within 3 months of
the start of the first break, then at least every 6 months (clocks.py). So between breaks the review clock
keeps running, and a review held while the child is at home is a review of a child on the arrangement.

When the arrangement ends (docs/adr/0018-short-breaks-between-breaks.md weighs the alternatives):
- A break that ended with the child going home (E4A returned home as part of the care plan, E4B returned
  home not as planned) leaves the arrangement standing: that is how every short break ends.
- A break that ended with any other reason ends it: the child died (E2), moved to another council's care
  (E3), was adopted, went to live elsewhere under an order, moved to independent living or adult care,
  was sentenced, moved abroad or turned 18, or the worker recorded E8 "ceased for any other reason", the
  code to choose when the arrangement itself is brought to an end.
- A later episode of another legal status (full-time care, V2 or an order) ends it: reg 33 takes over.
- An arrangement not used for 12 months has lapsed: reg 48's series is measured over "any period of 12
  months" (at most 75 days of breaks in it), so a year without a break is no longer a series. A review that
  would fall due after the lapse is not owed.

A V4 arrangement (the agreement recorded, not each break) is one open episode for the whole agreement, so
its end is the end of the arrangement and nothing here is needed for it.

Pure functions over episodes (model instances or rows with the same attributes), with no "today": the
caller decides what "now" is.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from safeguarding.core.calendar import add_months

from . import codes

# A short break recorded as its own episode (V3). V4 episodes span the whole agreement.
BREAK_EPISODE_STATUS = codes.LegalStatus.SHORT_BREAKS_EPISODES
# How a single break ends while the arrangement goes on: the child goes home.
BREAK_ENDED_AT_HOME = frozenset({codes.ReasonCeased.HOME_PLANNED, codes.ReasonCeased.HOME_UNPLANNED})
LAPSES_AFTER_MONTHS = 12


@dataclass(frozen=True)
class Arrangement:
    """An agreed series of short breaks recorded break by break (V3), standing between breaks."""

    first_break: datetime.date
    last_break_ended: datetime.date

    @property
    def lapses_on(self) -> datetime.date:
        """The last day the arrangement stands without another break."""
        return add_months(self.last_break_ended, LAPSES_AFTER_MONTHS)

    def covers(self, day: datetime.date) -> bool:
        return self.first_break <= day <= self.lapses_on


def _continues(earlier, later) -> bool:
    """Whether `later` is the next break of the same arrangement as `earlier` (both V3 episodes)."""
    return (
        earlier.end_date is not None
        and earlier.reason_ceased in BREAK_ENDED_AT_HOME
        and later.start_date <= add_months(earlier.end_date, LAPSES_AFTER_MONTHS)
    )


def series_start(episodes: list) -> datetime.date:
    """The start of the first break of the series the last of `episodes` (sorted, a V3 or V4 episode)
    belongs to: back through short-break episodes of the same arrangement."""
    first = episodes[-1]
    for earlier in reversed(episodes[:-1]):
        if earlier.legal_status not in codes.SHORT_BREAKS_LEGAL_STATUSES:
            break
        if earlier.legal_status == BREAK_EPISODE_STATUS and first.legal_status == BREAK_EPISODE_STATUS:
            if not _continues(earlier, first):
                break
        elif earlier.end_date is None or earlier.end_date != first.start_date:
            # A V4 agreement is continued only by an episode starting the day it ends (X1).
            break
        first = earlier
    return first.start_date


def standing_between_breaks(episodes: list) -> Arrangement | None:
    """The arrangement the child is on between breaks, if the latest episode (by start, `episodes` sorted)
    is a V3 break that ended with the child going home; None otherwise (a break under way is an open
    looked-after episode, and any other ending ended the arrangement). It may have lapsed since: see
    Arrangement.lapses_on."""
    if not episodes:
        return None
    last = episodes[-1]
    if (
        last.legal_status != BREAK_EPISODE_STATUS
        or last.end_date is None
        or last.reason_ceased not in BREAK_ENDED_AT_HOME
    ):
        return None
    return Arrangement(first_break=series_start(episodes), last_break_ended=last.end_date)


def arrangements(episodes: list) -> list[Arrangement]:
    """Every period a child stood on a V3 arrangement between breaks, for checking a review's date: each
    V3 break that ended with the child going home opens one, until the next break or its lapse."""
    found = []
    for position in range(len(episodes)):
        arrangement = standing_between_breaks(episodes[: position + 1])
        if arrangement is not None:
            found.append(arrangement)
    return found
