"""What the capabilities above the Workbook add to a compiled assessment (issue #11: "the integrated family
assessment can quote" the parents' questionnaire scores).

A capability registers a source in its AppConfig.ready(): a callable taking `access` (the compiler's
WorkbookAccess), `family`, `adults` (the current adults), `kind` (the assessment's kind) and `since` (the
day the Workbook opened), returning compiled sections (`selectors.assessments.section`). Each section
carries its sensitivity and the person it is about, so the assessment pages withhold it from a reader the
sharing rules do not reach, as they do the chapters' parts. The Workbook never imports the capability.
"""

from __future__ import annotations

from collections.abc import Callable

_SOURCES: dict[str, Callable[..., list[dict]]] = {}


def register(name: str, source: Callable[..., list[dict]]) -> None:
    """Register `source` under `name` (registering a name again replaces it: app reloads in tests)."""
    _SOURCES[name] = source


def sections(*, access, family, adults, kind: str, since) -> list[dict]:
    found: list[dict] = []
    for source in _SOURCES.values():
        found.extend(source(access=access, family=family, adults=adults, kind=kind, since=since))
    return found
