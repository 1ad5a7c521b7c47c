"""The header's links: each app registers its own, with who may see it, in its AppConfig.ready().

The header shows only pages the user may use, so nobody clicks into a refusal. `shown` runs on every page,
so it must answer without a database query (use the user's role, team and organisation).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field


@dataclass(frozen=True)
class NavigationEntry:
    label: str
    url_name: str
    # Lower comes first in the header.
    order: int
    shown: Callable[[object], bool]
    # URL names (namespace:name) for which the entry is the current section.
    active_on: frozenset[str] = field(default_factory=frozenset)
    # Or a whole URL namespace (the audit pages).
    active_namespace: str = ""
    # Whether this page is where the user starts after signing in (no query): the analyst's outcomes.
    lands: Callable[[object], bool] | None = None


_ENTRIES: dict[str, NavigationEntry] = {}


def register(entry: NavigationEntry) -> None:
    _ENTRIES[entry.url_name] = entry


def entries() -> list[NavigationEntry]:
    return sorted(_ENTRIES.values(), key=lambda e: e.order)


def landing_for(user) -> str | None:
    """The URL name of the page the user starts on, if a capability claims them; else None (My families)."""
    return next((e.url_name for e in entries() if e.lands is not None and e.lands(user)), None)


def navigation(request):
    """Context processor: the header links for this user, and which one is the current page."""
    user = getattr(request, "user", None)
    if not (user and user.is_authenticated):
        return {}
    match = getattr(request, "resolver_match", None)
    current = f"{match.namespace}:{match.url_name}" if match else ""
    links = []
    for entry in entries():
        if not entry.shown(user):
            continue
        active = current == entry.url_name or current in entry.active_on
        if entry.active_namespace and match is not None:
            active = active or match.namespace == entry.active_namespace
        links.append(
            {
                "label": entry.label,
                "url_name": entry.url_name,
                "active": active,
                "current": current == entry.url_name,
            }
        )
    return {"navigation_links": links}
