"""A query over a list of ids, compiled to SQL once and run with each list's real ids.

Building and compiling a large query through the ORM (a union of many branches, nested EXISTS) can cost
tens of milliseconds of CPU on every request, against a millisecond to run it. When the SQL depends only
on how many ids there are (and on fixed choices the caller keys its cache on), it is compiled once with
stand-in ids and each run swaps the real ids into their places among the parameters. The family page's
timeline uses it (journey's and the Workbook's chronology providers).
"""

from __future__ import annotations

import copy
import datetime
import uuid
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from django.db import DEFAULT_DB_ALIAS, connection, connections
from django.db.models import QuerySet, UUIDField
from django.db.models.sql import Query
from django.db.models.sql.compiler import SQLCompiler

# psycopg turns each statement's %s placeholders into PostgreSQL's $1, $2, ... with a tokenizer written in
# Python, and remembers the result (for 128 statements) only for statements up to 4,096 characters and 50
# parameters: it skips longer ones so that an ORM's bulk INSERTs, each of a different length, do not fill
# the cache with statements never seen again. Our compiled queries are the opposite: a few long statements
# run on every page (the family timeline's union is 13,500 characters and 328 parameters for five
# children), and tokenizing them again on every request was about 2 ms of the family page's CPU. The
# limits are raised to fit a large family's timeline; a seeding batch of thousands of parameters is still
# never kept, and the cache still holds 128 statements at most (a few megabytes at these sizes).
# It is a module constant rather than an API: a test in core/tests/test_row_urls.py fails if psycopg stops
# honouring it.
PSYCOPG_CACHED_STATEMENT_LENGTH = 32_768
PSYCOPG_CACHED_STATEMENT_PARAMS = 1_000


def let_psycopg_remember_long_statements() -> None:
    """Raise psycopg's limits on the statements whose conversion it remembers (see above). Called once at
    start-up (core's AppConfig.ready)."""
    try:
        from psycopg import _queries
    except ImportError:  # an install for SQLite alone
        return
    _queries.MAX_CACHED_STATEMENT_LENGTH = PSYCOPG_CACHED_STATEMENT_LENGTH
    _queries.MAX_CACHED_STATEMENT_PARAMS = PSYCOPG_CACHED_STATEMENT_PARAMS


@dataclass(frozen=True)
class CompiledQuery:
    sql: str
    params: tuple
    # For each parameter, the position of the id it stands for, or None for a fixed parameter.
    slots: tuple

    def params_for(
        self, ids: Iterable, dates: Iterable[datetime.date] = (), numbers: Iterable[int] = ()
    ) -> list:
        """The parameters with these ids, dates and integers in the stand-ins' places."""
        field = UUIDField()
        real = [field.get_db_prep_value(value, connection) for value in ids]
        real += [connection.ops.adapt_datefield_value(day) for day in dates]
        real += [int(value) for value in numbers]
        return [
            real[slot] if slot is not None else param
            for param, slot in zip(self.params, self.slots, strict=True)
        ]

    def run(self, ids: Iterable, dates: Iterable[datetime.date] = ()) -> tuple[list[str], list[tuple]]:
        """The query's column names and rows for these ids (as many as it was compiled for), and these
        dates where it was compiled with stand-in dates."""
        params = self.params_for(ids, dates)
        with connection.cursor() as cursor:
            cursor.execute(self.sql, params)
            columns = [column[0] for column in cursor.description]
            return columns, cursor.fetchall()


def compile_for_ids(
    build: Callable[..., QuerySet | None], count: int, *, dates: int = 0
) -> CompiledQuery | None:
    """Compile `build(ids)` for `count` uuid ids (None if it builds nothing). Cache the result per database
    vendor and count (and whatever else shapes the query) with functools.lru_cache in the caller.

    With `dates`, `build(ids, *days)` also gets that many stand-in dates, and each run is given the real
    ones (today, say): a date must never be compiled into SQL that outlives the request."""
    compiled = _compile(build, count, dates)
    return compiled[0] if compiled is not None else None


def _compile(build, count: int, dates: int, numbers: int = 0):
    """(CompiledQuery, the compiler that compiled it, the queryset built), or None."""
    stand_ins = [uuid.UUID(int=n + 1) for n in range(count)]
    # Days no case record has (the first days of the years 1001, 1002, ...), so never mistaken for a
    # fixed parameter of the query.
    days = [datetime.date(1001 + n, 1, 1) for n in range(dates)]
    # Integers no key has (negative), likewise.
    ints = [-1_000_001 - n for n in range(numbers)]
    queryset = build(stand_ins, *days, *ints)
    if queryset is None:
        return None
    compiler = queryset.query.get_compiler(using=queryset.db)
    sql, params = compiler.as_sql()
    field = UUIDField()
    slot_of = {field.get_db_prep_value(value, connection): n for n, value in enumerate(stand_ins)}
    slot_of.update({connection.ops.adapt_datefield_value(day): count + n for n, day in enumerate(days)})
    slot_of.update({value: count + dates + n for n, value in enumerate(ints)})
    slots = tuple(
        slot_of.get(p)
        if isinstance(p, (str, uuid.UUID, datetime.date, int)) and not isinstance(p, bool)
        else None
        for p in params
    )
    if sum(slot is not None and count <= slot < count + dates for slot in slots) < dates:
        raise ValueError("a stand-in date is not among the query's parameters")
    if sum(slot is not None and slot >= count + dates for slot in slots) < numbers:
        raise ValueError("a stand-in number is not among the query's parameters")
    return CompiledQuery(sql, tuple(params), slots), compiler, queryset


@dataclass(frozen=True)
class CompiledModels:
    """A model query compiled once, like CompiledQuery, that still gives model instances (with their
    select_related objects, annotations and prefetches) through Django's own iterable: only the SQL and
    the compiler's account of its columns are kept from the first compile."""

    query: CompiledQuery
    compiler: SQLCompiler
    model: type
    prefetch: tuple

    def queryset(
        self, ids: Iterable, dates: Iterable[datetime.date] = (), numbers: Iterable[int] = ()
    ) -> QuerySet:
        """A queryset of these ids' rows, to be read as it is (not filtered, ordered or sliced further:
        its SQL is fixed)."""
        queryset = self.model._default_manager.all()
        params = self.query.params_for(ids, dates, numbers)
        queryset.query = _Ready(self.model, self.compiler, self.query.sql, params)
        queryset._prefetch_related_lookups = self.prefetch
        return queryset


class _Ready(Query):
    """A query already compiled: its compiler is a copy of the stored one (which knows the select list,
    the related objects and the converters) answering with the stored SQL and this run's parameters."""

    def __init__(self, model, compiler, sql, params):
        super().__init__(model)
        self.ready = (compiler, sql, params)

    def get_compiler(self, using=None, connection=None, elide_empty=True):
        compiler, sql, params = self.ready
        ready = copy.copy(compiler)
        # This thread's connection, not the one of the thread that compiled it.
        ready.connection = connection or connections[using or DEFAULT_DB_ALIAS]
        ready.using = using
        ready.as_sql = lambda *args, **kwargs: (sql, params)
        return ready


def compile_models(
    build: Callable[..., QuerySet], count: int, *, dates: int = 0, numbers: int = 0
) -> CompiledModels:
    """compile_for_ids for a query read as model instances (see CompiledModels); cache it the same way.
    With `numbers`, `build` also gets that many stand-in integers (a user's id, say) after the dates, and
    each run is given the real ones."""
    compiled, compiler, queryset = _compile(build, count, dates, numbers)
    return CompiledModels(compiled, compiler, queryset.model, tuple(queryset._prefetch_related_lookups))


def as_date(value):
    """A date read by a raw query: SQLite returns it as text, PostgreSQL as a date."""
    return datetime.date.fromisoformat(value) if isinstance(value, str) else value


def as_uuid(value):
    """A uuid read by a raw query: SQLite returns it as text (hex), PostgreSQL as a UUID."""
    return value if isinstance(value, uuid.UUID) or value is None else uuid.UUID(str(value))
