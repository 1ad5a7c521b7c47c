"""Search by part of a name from an index on PostgreSQL (issue #8).

Search matches any part of a first name, last name or known-as name (`icontains`, which Django writes as
UPPER(column::text) LIKE UPPER('%term%')). A B-tree index cannot answer a pattern that starts with a
wildcard, so PostgreSQL read all 35,000 people of the large council for every search by surname. A GIN
trigram index on the same expression answers it. pg_trgm is a trusted extension (PostgreSQL 13 and later):
the database's owner may create it. Where the role may not, the migration goes on without the indexes:
search stays correct, only slower, and the warning says so. SQLite has no such index; its search is
measured in docs/benchmarks.md.
"""

import warnings

from django.db import migrations

COLUMNS = ("first_name", "last_name", "known_as")


def create(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    with schema_editor.connection.cursor() as cursor:
        cursor.execute("SAVEPOINT before_pg_trgm")
        try:
            cursor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
        except Exception as error:  # noqa: BLE001 - any refusal: go on without the indexes
            cursor.execute("ROLLBACK TO SAVEPOINT before_pg_trgm")
            warnings.warn(f"pg_trgm not available ({error}); name search will not use an index", stacklevel=1)
            return
        cursor.execute("RELEASE SAVEPOINT before_pg_trgm")
        for column in COLUMNS:
            cursor.execute(
                f"CREATE INDEX IF NOT EXISTS person_{column}_trgm ON people_person "
                f"USING gin ((UPPER({column}::text)) gin_trgm_ops)"
            )
        # The same search also matches a council ID exactly (`iexact`, UPPER(...) = UPPER(...)): without
        # an index on that expression too, the OR of the four conditions falls back to reading every row.
        cursor.execute(
            "CREATE INDEX IF NOT EXISTS person_council_id_upper ON people_person ((UPPER(council_id::text)))"
        )


def drop(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    with schema_editor.connection.cursor() as cursor:
        for column in COLUMNS:
            cursor.execute(f"DROP INDEX IF EXISTS person_{column}_trgm")
        cursor.execute("DROP INDEX IF EXISTS person_council_id_upper")


class Migration(migrations.Migration):
    dependencies = [
        ("people", "0005_address_is_protected_adultdetail"),
    ]

    operations = [migrations.RunPython(create, drop)]
