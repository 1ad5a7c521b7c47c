"""The header's links: each app registers its own, with who may see it, in its AppConfig.ready().

The header shows only pages the user may use, so nobody clicks into a refusal. `shown` runs on every page,
so it must answer without a database query (use the user's role, team and organisation).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from django.urls import get_script_prefix, get_urlconf, reverse


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
# The entries in header order, sorted once: every page reads them and they change only at start-up.
_SORTED: list[NavigationEntry] | None = None
# (script prefix, URL name) -> path. The header's links take no arguments, so each one's path is fixed
# for the process once the prefix the site is served under is known: every page showed ~15 of them, and
# reversing each anew cost about a millisecond a page. Keyed on the prefix, so a site mounted under a
# path (SCRIPT_NAME) still gets its own paths.
_PATHS: dict[tuple, str] = {}


def register(entry: NavigationEntry) -> None:
    global _SORTED
    _ENTRIES[entry.url_name] = entry
    _SORTED = None


def entries() -> list[NavigationEntry]:
    global _SORTED
    if _SORTED is None:
        _SORTED = sorted(_ENTRIES.values(), key=lambda e: e.order)
    return list(_SORTED)


def path_for(url_name: str) -> str:
    """reverse(url_name) for a URL that takes no arguments, worked out once per process and prefix."""
    key = (get_script_prefix(), get_urlconf(), url_name)
    path = _PATHS.get(key)
    if path is None:
        path = _PATHS[key] = reverse(url_name)
    return path


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
                "href": path_for(entry.url_name),
                "active": active,
                "current": current == entry.url_name,
            }
        )
    return {
        "navigation_links": links,
        # The header's other links, for base.html (the same paths its {% url %} tags gave).
        "account_url": path_for("accounts:account"),
        "sign_out_url": path_for("accounts:sign-out"),
    }
