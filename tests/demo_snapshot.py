"""Copy the rows a piece of set-up wrote out of the database, and put exactly those rows back later.

Used by the demo council fixtures (conftest.py at the top of the repository): the council is built once
per test database, its rows are copied out here, and each test that asks for it gets the same rows back,
byte for byte, in a fraction of the time the generator takes.

Rows travel in each database's own text form, so nothing is converted on the way and nothing is saved
through a model: SQLite's quote() (every value as the SQL literal that gives back the stored value) and
PostgreSQL's COPY text format. That matters for the audit log, whose hash chain must still verify, and
which no model method may write without chaining.
"""

from __future__ import annotations

import dataclasses

from django.apps import apps
from django.core.management.color import no_style
from django.db import connection

# Rows per INSERT on SQLite (well under its limits on terms in a compound statement).
_SQLITE_CHUNK = 400


@dataclasses.dataclass(frozen=True)
class Table:
    name: str
    columns: tuple[str, ...]
    # SQLite: one tuple of SQL literals per row. PostgreSQL: one line of COPY text per row.
    rows: tuple


def _tables() -> list[str]:
    return sorted(connection.introspection.django_table_names(only_existing=True, include_views=False))


def _columns(cursor, table: str) -> tuple[str, ...]:
    return tuple(c.name for c in connection.introspection.get_table_description(cursor, table))


def _read(cursor, table: str, columns: tuple[str, ...]) -> list:
    qn = connection.ops.quote_name
    if connection.vendor == "sqlite":
        # Names from Django's introspection, quoted: nothing here comes from outside the test run.
        quoted = ", ".join(f"quote({qn(c)})" for c in columns)
        cursor.execute(f"SELECT {quoted} FROM {qn(table)}")  # noqa: S608
        return [tuple(row) for row in cursor.fetchall()]
    if connection.vendor == "postgresql":
        raw = cursor.cursor  # psycopg's own cursor, in the same transaction as Django's
        with raw.copy(f"COPY {qn(table)} ({', '.join(qn(c) for c in columns)}) TO STDOUT") as copy:
            data = b"".join(bytes(block) for block in copy)
        return data.splitlines(keepends=True)
    raise NotImplementedError(f"no row snapshot for {connection.vendor}")


def read_all() -> dict[str, tuple[tuple[str, ...], list]]:
    """Every table's columns and rows, as they stand now (in the current transaction)."""
    with connection.cursor() as cursor:
        found = {}
        for table in _tables():
            columns = _columns(cursor, table)
            found[table] = (columns, _read(cursor, table, columns))
        return found


def rows_added(before: dict, after: dict) -> list[Table]:
    """The rows in `after` that were not in `before`, table by table (only tables that gained rows)."""
    added = []
    for table, (columns, rows) in after.items():
        old = set(before.get(table, ((), []))[1])
        new = tuple(row for row in rows if row not in old)
        if new:
            added.append(Table(table, columns, new))
    return added


def present(before: dict) -> list[Table]:
    """Every table's rows in a `read_all` snapshot, for the tables that had any."""
    return [Table(table, columns, tuple(rows)) for table, (columns, rows) in before.items() if rows]


def restore_emptied(tables: list[Table]) -> None:
    """Put back the rows of the tables that are empty now. A browser test's flush empties every table,
    and the rows the migrations wrote (the default parenting modules, which the demo's module work points
    to) do not come back by themselves as content types and permissions do."""
    qn = connection.ops.quote_name
    emptied = []
    with connection.cursor() as cursor:
        for table in tables:
            cursor.execute(f"SELECT 1 FROM {qn(table.name)} LIMIT 1")  # noqa: S608 - introspected name
            if cursor.fetchone() is None:
                emptied.append(table)
    insert(emptied)


def insert(tables: list[Table]) -> None:
    """Put the rows back, in the current transaction. Foreign keys are checked at commit (Django creates
    them deferrable), so the order of the tables does not matter."""
    qn = connection.ops.quote_name
    with connection.cursor() as cursor:
        for table in tables:
            columns = ", ".join(qn(c) for c in table.columns)
            if connection.vendor == "sqlite":
                for start in range(0, len(table.rows), _SQLITE_CHUNK):
                    # The literals are the ones SQLite's quote() gave for the values read in _read.
                    chunk = table.rows[start : start + _SQLITE_CHUNK]
                    values = ", ".join(f"({', '.join(row)})" for row in chunk)
                    cursor.execute(f"INSERT INTO {qn(table.name)} ({columns}) VALUES {values}")  # noqa: S608
            else:
                with cursor.cursor.copy(f"COPY {qn(table.name)} ({columns}) FROM STDIN") as copy:
                    copy.write(b"".join(table.rows))
        # PostgreSQL: rows written with their ids leave the tables' id sequences where they were; move
        # each to the highest id present so the next row a test writes gets a free id. (SQLite does this
        # by itself for AUTOINCREMENT tables.)
        if connection.vendor == "postgresql":
            names = {table.name for table in tables}
            models = [m for m in apps.get_models(include_auto_created=True) if m._meta.db_table in names]
            for sql in connection.ops.sequence_reset_sql(no_style(), models):
                cursor.execute(sql)
