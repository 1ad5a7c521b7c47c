"""Rebuild children's statutory deadlines (My tasks, Timeliness) from their journey records.

    manage.py deadlines_refresh                      # every child with journey records or deadlines
    manage.py deadlines_refresh --child <uuid> ...   # one child or a few
    Rebuilt the deadlines of 20,658 children: 41,210 outstanding, 1,302 overdue today.

Recording a step rebuilds that child's deadlines by itself. Run this after changing the local visiting
standards (CP_VISIT_WORKING_DAYS, CIN_VISIT_WORKING_DAYS) or the bank holidays file, which move every
child's due dates, or after loading journey records in bulk without going through the services.
"""

from __future__ import annotations

import time
import uuid

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from safeguarding.journey.deadlines import SOURCES, deadlines_refresh
from safeguarding.tasks.models import Deadline


def _child_ids() -> list[uuid.UUID]:
    """Every child with a journey record the rules read, or with deadline rows (which may now be stale)."""
    # Rows with no child are other providers' family tasks (supervision actions), not the journey's.
    ids: set = set(
        Deadline.objects.filter(child_id__isnull=False).values_list("child_id", flat=True).distinct()
    )
    for _attribute, model, _columns in SOURCES:
        ids.update(model.objects.values_list("child_id", flat=True).distinct())
    return sorted(ids)


class Command(BaseCommand):
    help = (
        "Rebuild the deadline rows behind My tasks and Timeliness from children's journey records. Needed "
        "after changing CP_VISIT_WORKING_DAYS or CIN_VISIT_WORKING_DAYS or the bank holidays file."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--child",
            action="append",
            default=[],
            metavar="UUID",
            help="Only this child (the person's id); give it more than once for several. Default: all.",
        )

    def handle(self, *args, child: list[str], **options):
        if child:
            try:
                ids = [uuid.UUID(value) for value in child]
            except ValueError as error:
                raise CommandError(f"Not a person id: {error}") from error
        else:
            ids = _child_ids()
        started = time.perf_counter()
        written = deadlines_refresh(ids)
        took = time.perf_counter() - started
        children = f"{len(ids):,} child" if len(ids) == 1 else f"{len(ids):,} children"
        overdue = Deadline.objects.filter(due_date__lt=timezone.localdate())
        if child:
            overdue = overdue.filter(child_id__in=ids)
        self.stdout.write(
            self.style.SUCCESS(
                f"Rebuilt the deadlines of {children} in {took:.1f}s: "
                f"{written:,} outstanding, {overdue.count():,} overdue today."
            )
        )
