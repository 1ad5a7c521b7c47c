"""Working the council's own figures out again and keeping them (models.OutcomeSnapshot).

The figures read every period of care, plan and referral since the first month shown: seconds on a large
council, so they are worked out ahead (each night with `manage.py outcomes_refresh`, or when a user
presses the button on the page) and the pages say when. A scope with no figures yet is worked out on
first use.
"""

from __future__ import annotations

import datetime

from django.conf import settings
from django.utils import timezone

from . import published
from .figures import Scope, dfe_year_of
from .figures import snapshot as own_snapshot
from .models import OutcomeSnapshot

# Three whole DfE years before the current one, and the current one so far: enough for a before-and-after
# view beside the DfE's published years, and for the 18-month cohorts of the first two.
YEARS_SHOWN = 3


def first_month(today: datetime.date) -> datetime.date:
    start = dfe_year_of(today).start
    return start.replace(year=start.year - YEARS_SHOWN)


def council_population(today: datetime.date) -> tuple[int | None, str]:
    """The denominator of the council's rates and where it comes from: the council's own figure
    (COUNCIL_CHILD_POPULATION) or the ONS mid-year estimate for its code, the latest for later years."""
    if settings.COUNCIL_CHILD_POPULATION:
        return settings.COUNCIL_CHILD_POPULATION, "the council's own figure (COUNCIL_CHILD_POPULATION)"
    code = settings.COUNCIL_LA_CODE
    found = published.child_population_estimate(code, today.year - 1)
    if found is None:
        return None, f"no ONS estimate is held for local authority code {code}"
    population, mid_year = found
    return population, f"the ONS mid-{mid_year} estimate of children aged 0 to 17 for code {code}"


def scope_key(scope: Scope) -> str:
    return OutcomeSnapshot.COUNCIL if scope.team_id is None else str(scope.team_id)


def snapshot_refresh(*, scope: Scope, today: datetime.date) -> OutcomeSnapshot:
    """Work one scope's figures out from the records as they are now, and keep them (replacing the last).
    Rates are worked out for the whole council only: no population is published for a team's area."""
    published.ensure_loaded()  # a database emptied since the migration (the browser tests') has them again
    population, population_source = council_population(today) if scope.team_id is None else (None, "")
    payload = own_snapshot(scope, first_month=first_month(today), as_of=today, population=population)
    payload["population_source"] = population_source
    found, _created = OutcomeSnapshot.objects.update_or_create(
        scope_key=scope_key(scope),
        defaults={
            "scope_label": scope.label,
            "as_of": today,
            "computed_at": timezone.now(),
            "payload": payload,
        },
    )
    return found


def snapshot_for(*, scope: Scope, today: datetime.date) -> OutcomeSnapshot:
    """The scope's kept figures, worked out now if there are none yet."""
    found = OutcomeSnapshot.objects.filter(scope_key=scope_key(scope)).first()
    return found or snapshot_refresh(scope=scope, today=today)
