"""Panels on the family page: each capability registers its own in its AppConfig.ready().

The case file renders the family page from the register (people, allocation, access, journey) and then
each registered panel in order, so a capability adds what a worker needs at a glance (the Workbook's
current cycle, supervision's next date, a measure's safety alert) without the case file importing it.

A panel's `context(user, family, disclosure, today)` returns the panel's template context, or None to
show nothing (the user may not see it, or there is nothing to show). It must cost a fixed number of
queries whatever the size of the family; the family page's query budget counts it.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class FamilyPanel:
    slug: str
    # Lower comes first, after the family's children, overdue work and adults.
    order: int
    template: str
    context: Callable[..., dict | None]


_PANELS: dict[str, FamilyPanel] = {}


def register(panel: FamilyPanel) -> None:
    _PANELS[panel.slug] = panel


def family_panels(user, family, disclosure, *, today: datetime.date) -> list[tuple[FamilyPanel, dict]]:
    """Each registered panel with its context, in order, leaving out those with nothing to show."""
    shown = []
    for panel in sorted(_PANELS.values(), key=lambda p: p.order):
        context = panel.context(user, family, disclosure, today=today)
        if context is not None:
            shown.append((panel, context))
    return shown


# ---- Person page panels ------------------------------------------------------------------------------
# The same for a person's page: a capability adds what belongs with the person (an adult's readiness to
# change) without the case file importing it. `context(user, person, family, disclosure, memberships, today)`
# gets the family the person belongs to now (or last belonged to), its disclosure and the person's
# memberships the user may see (loaded by the page already), and returns the panel's template context or
# None; it must cost a fixed number of queries.


@dataclass(frozen=True)
class PersonPanel:
    slug: str
    order: int
    template: str
    context: Callable[..., dict | None]


_PERSON_PANELS: dict[str, PersonPanel] = {}


def register_person_panel(panel: PersonPanel) -> None:
    _PERSON_PANELS[panel.slug] = panel


def person_panels(
    user, person, *, family, disclosure, memberships, today: datetime.date
) -> list[tuple[PersonPanel, dict]]:
    """Each registered person panel with its context, in order; none for a person in no visible family."""
    if family is None or disclosure is None:
        return []
    shown = []
    for panel in sorted(_PERSON_PANELS.values(), key=lambda p: p.order):
        context = panel.context(user, person, family, disclosure, memberships, today=today)
        if context is not None:
            shown.append((panel, context))
    return shown
