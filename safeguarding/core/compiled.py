"""A query over a list of ids, compiled to SQL once and run with each list's real ids.

Building and compiling a large query through the ORM (a union of many branches, nested EXISTS) can cost
tens of milliseconds of CPU on every request, against a millisecond to run it. When the SQL depends only
on how many ids there are (and on fixed choices the caller keys its cache on), it is compiled once with
stand-in ids and each run swaps the real ids into their places among the parameters. The family page's
timeline uses it (journey's and the Workbook's chronology providers).
"""

from __future__ import annotations

import datetime
import uuid
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from django.db import connection
from django.db.models import QuerySet, UUIDField


@dataclass(frozen=True)
class CompiledQuery:
    sql: str
    params: tuple
    # For each parameter, the position of the id it stands for, or None for a fixed parameter.
    slots: tuple

    def run(self, ids: Iterable) -> tuple[list[str], list[tuple]]:
        """The query's column names and rows for these ids (as many as it was compiled for)."""
        field = UUIDField()
        real = [field.get_db_prep_value(value, connection) for value in ids]
        params = [
            real[slot] if slot is not None else param
            for param, slot in zip(self.params, self.slots, strict=True)
        ]
        with connection.cursor() as cursor:
            cursor.execute(self.sql, params)
            columns = [column[0] for column in cursor.description]
            return columns, cursor.fetchall()


def compile_for_ids(build: Callable[[list[uuid.UUID]], QuerySet | None], count: int) -> CompiledQuery | None:
    """Compile `build(ids)` for `count` uuid ids (None if it builds nothing). Cache the result per database
    vendor and count (and whatever else shapes the query) with functools.lru_cache in the caller."""
    stand_ins = [uuid.UUID(int=n + 1) for n in range(count)]
    queryset = build(stand_ins)
    if queryset is None:
        return None
    sql, params = queryset.query.sql_with_params()
    field = UUIDField()
    slot_of = {field.get_db_prep_value(value, connection): n for n, value in enumerate(stand_ins)}
    slots = tuple(slot_of.get(p) if isinstance(p, (str, uuid.UUID)) else None for p in params)
    return CompiledQuery(sql, tuple(params), slots)


def as_date(value):
    """A date read by a raw query: SQLite returns it as text, PostgreSQL as a date."""
    return datetime.date.fromisoformat(value) if isinstance(value, str) else value


def as_uuid(value):
    """A uuid read by a raw query: SQLite returns it as text (hex), PostgreSQL as a UUID."""
    return value if isinstance(value, uuid.UUID) or value is None else uuid.UUID(str(value))
