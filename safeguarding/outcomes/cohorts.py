"""The national Family Safeguarding trial's primary outcome, by referral-month cohort (issue #12 item 3).

For the children referred in a month: the share who became looked after within 18 months of their
referral. Following the published analysis plan of the trial (Foundations' evaluation of Family
Safeguarding; shared/domain.md section 6):

- a child is in a month's cohort if they had a referral (an episode of need) dated in that month; a child
  referred twice in the month is one child, counted from the first referral; a child referred in two
  months is in both cohorts. An unborn child's referral counts like any other, from the referral date.
- the outcome is a period of care (short breaks, SSDA903 legal statuses V3 and V4, left out; see
  figures.periods_of_care) starting on or after the referral date and on or before the same day 18
  calendar months later (core.calendar.add_months: 31 August + 18 months is 28 or 29 February). A child
  already looked after at the referral counts only if a new period of care starts in the window.
- a cohort is shown only once complete: 18 months after the month's last day, the last referral's
  window has closed. An incomplete cohort would understate the share, so it is never shown.
"""

from __future__ import annotations

import dataclasses
import datetime
from collections import defaultdict
from dataclasses import dataclass

from safeguarding.core.calendar import add_months

from .figures import Period, Records, Scope, months

WINDOW_MONTHS = 18

DEFINITION = (
    "Children referred in the month (a child referred more than once counts once, from the first "
    "referral) whose period of care (short breaks left out) started on or after the referral date and "
    "within 18 months of it, as a share of the children referred. A month is shown once 18 months have "
    "passed since its last day."
)


@dataclass
class Cohort:
    month: datetime.date
    label: str
    referred: int
    looked_after_within_18_months: int
    share: float | None
    # The day from which the cohort is complete (18 months after the month's last day).
    complete_from: datetime.date
    definition: str = DEFINITION

    def as_dict(self) -> dict:
        found = dataclasses.asdict(self)
        found["month"] = self.month.isoformat()
        found["complete_from"] = self.complete_from.isoformat()
        return found


def window_end(referral_date: datetime.date) -> datetime.date:
    """The last day of the 18-month window that starts on the referral date."""
    return add_months(referral_date, WINDOW_MONTHS)


def complete_from(period: Period) -> datetime.date:
    return window_end(period.end)


def referral_cohorts(
    scope: Scope,
    first: datetime.date,
    as_of: datetime.date,
    *,
    records: Records | None = None,
) -> list[Cohort]:
    """The complete cohorts of children referred from the month holding `first`, as known on `as_of`.

    Two queries (referrals and looked-after episodes), however many months."""
    records = records or Records(scope)
    complete = [m for m in months(first, as_of) if complete_from(m) <= as_of]
    if not complete:
        return []
    starts: dict = defaultdict(list)
    for care in records.care_periods:
        starts[care.child_id].append(care.start)
    # Each child's first referral in each month.
    first_referral: dict = {}
    for _, child, day, _ in records.referrals:
        key = (day.year, day.month, child)
        if key not in first_referral or day < first_referral[key]:
            first_referral[key] = day
    by_month: dict = defaultdict(list)
    for (year, month_number, _child), day in first_referral.items():
        by_month[(year, month_number)].append((_child, day))
    found = []
    for period in complete:
        referred = by_month.get((period.start.year, period.start.month), [])
        became = sum(
            1
            for child, day in referred
            if any(day <= start <= window_end(day) for start in starts.get(child, ()))
        )
        found.append(
            Cohort(
                month=period.start,
                label=period.label,
                referred=len(referred),
                looked_after_within_18_months=became,
                share=became / len(referred) if referred else None,
                complete_from=complete_from(period),
            )
        )
    return found
