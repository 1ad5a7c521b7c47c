"""Walk the audit log's hash chain and say whether it is intact, or where it first breaks.

    manage.py audit_verify
    Audit chain intact: 1204331 events. Latest event 1204331, hash 3f2a…

Exits with status 1 at the first broken link, naming the event, when it was recorded and why the link is
broken. Keep the latest hash it prints somewhere the database's administrators cannot write (the
council's records system, a signed e-mail): the chain proves nothing was changed or removed before that
event, and only that note proves nothing was removed after it.
"""

from __future__ import annotations

from contextlib import closing

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from safeguarding.audit import chain
from safeguarding.audit.models import AuditEvent

# Rows fetched per round trip. The walk holds one row at a time, so memory stays flat at any size.
CHUNK = 5000


class Command(BaseCommand):
    help = "Check the audit log's hash chain and name the first broken link."

    def handle(self, *args, **options):
        fields = chain.CHAINED_FIELDS + ("previous_hash", "hash")
        rows = AuditEvent.objects.order_by("id").values_list(*fields).iterator(chunk_size=CHUNK)
        # closing(): stopping at a broken link must close PostgreSQL's server-side cursor there and then,
        # not whenever the generator is collected (by then the connection may be in another transaction).
        with closing(rows):
            self._walk(rows, fields)

    def _walk(self, rows, fields) -> None:
        expected_previous, previous_id, count = chain.GENESIS, None, 0
        for row in rows:
            values = dict(zip(fields, row, strict=True))
            stored_previous, stored_hash = values.pop("previous_hash"), values.pop("hash")
            if stored_previous != expected_previous:
                raise CommandError(self._broken(values, self._missing_link(values["id"], previous_id)))
            if chain.event_hash(stored_previous, **values) != stored_hash:
                raise CommandError(
                    self._broken(
                        values,
                        "content changed: the event's stored fields no longer match its hash "
                        "(it was edited after it was written)",
                    )
                )
            expected_previous, previous_id = stored_hash, values["id"]
            count += 1
        self.stdout.write(f"Audit chain intact: {count} events")
        if previous_id is not None:
            self.stdout.write(f"Latest event {previous_id}, hash {expected_previous}")

    @staticmethod
    def _missing_link(event_id: int, previous_id: int | None) -> str:
        if previous_id is None:
            return (
                "previous link missing: it is the first event left but was chained to an earlier one "
                "(events at the start of the log were removed)"
            )
        if event_id - previous_id > 1:
            # Ids alone prove nothing (PostgreSQL skips ids of rolled-back writes), but the chain does.
            return (
                f"previous link missing: it was chained to an event that is no longer there "
                f"(an event between {previous_id} and {event_id} was removed)"
            )
        return (
            f"previous link missing: it was chained to a different version of event {previous_id} "
            f"(event {previous_id} was changed and its hash recomputed)"
        )

    @staticmethod
    def _broken(values: dict, why: str) -> str:
        when = timezone.localtime(values["occurred_at"]).strftime("%d %B %Y %H:%M:%S %Z")
        return f"Audit chain broken at event {values['id']} (recorded {when}): {why}"
