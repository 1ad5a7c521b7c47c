"""The instruments in force: the shipped definitions (instruments/*.json) and those a council has loaded
(`manage.py measures_load FILE`, kept in InstrumentDefinition so every app process sees them).

A loaded definition is never changed: a new wording or threshold is a new version, and each record keeps
the version it was scored by. New records use each instrument's highest version.
"""

from __future__ import annotations

import functools

from django.conf import settings

from .definitions import DefinitionError, Instrument, parse, shipped

# Loaded rows never change, so each is parsed once per process (by its primary key).
_PARSED: dict = {}


@functools.cache
def _shipped() -> dict[tuple[str, int], Instrument]:
    return {i.key: i for i in shipped()}


def _loaded() -> dict[tuple[str, int], Instrument]:
    from .models import InstrumentDefinition

    found = {}
    for pk, definition, origin in InstrumentDefinition.objects.order_by("loaded_at").values_list(
        "pk", "definition", "loaded_from"
    ):
        instrument = _PARSED.get(pk)
        if instrument is None:
            try:
                instrument = _PARSED[pk] = parse(definition, origin or "loaded definition")
            except DefinitionError:
                continue  # validated when loaded; a later rule it fails must not take the pages down
        found[instrument.key] = instrument
    return found


def every() -> dict[tuple[str, int], Instrument]:
    """Every version of every instrument, by (code, version). One query."""
    return {**_shipped(), **_loaded()}


def current(found: dict | None = None) -> list[Instrument]:
    """Each instrument's highest version, in name order."""
    latest: dict[str, Instrument] = {}
    for instrument in (found if found is not None else every()).values():
        held = latest.get(instrument.code)
        if held is None or instrument.version > held.version:
            latest[instrument.code] = instrument
    return sorted(latest.values(), key=lambda i: i.name.casefold())


def current_of(code: str, found: dict | None = None) -> Instrument | None:
    return next((i for i in current(found) if i.code == code), None)


def licence_held(instrument: Instrument) -> bool:
    """An instrument that needs the council's licence may be administered once the definition says it is
    held or the council lists it in settings.MEASURES_LICENCES_HELD."""
    if not instrument.licence_required:
        return True
    return instrument.licence_held or instrument.code in settings.MEASURES_LICENCES_HELD
