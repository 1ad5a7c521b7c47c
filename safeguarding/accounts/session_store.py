"""Django's database sessions, with the session read on each request by one plain statement.

Every request reads its session. Through the ORM, building and compiling that one-row query took about
ten times as long as running it; the statement here is the same query (the same key, not yet expired), so
everything else, saving, expiry and `clearsessions`, is Django's own."""

from __future__ import annotations

from django.contrib.sessions.backends import db
from django.db import connection
from django.utils import timezone


class SessionStore(db.SessionStore):
    def _get_session_from_db(self):
        table = connection.ops.quote_name(self.model._meta.db_table)
        with connection.cursor() as cursor:
            cursor.execute(
                f"SELECT session_data FROM {table} WHERE session_key = %s AND expire_date > %s",  # noqa: S608
                [self.session_key, connection.ops.adapt_datetimefield_value(timezone.now())],
            )
            row = cursor.fetchone()
        if row is None:
            # As Django's: an unknown or expired key is dropped, and a new one is issued on save.
            self._session_key = None
            return None
        return self.model(session_key=self.session_key, session_data=row[0])
