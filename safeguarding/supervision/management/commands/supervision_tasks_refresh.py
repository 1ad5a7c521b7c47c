"""Rebuild every family's group supervision tasks (My tasks, Timeliness).

The services keep a family's tasks current whenever its supervision changes; a family whose Workbook
opened since, or a worker who shared their chapter since, is picked up by this command (run nightly)."""

from django.core.management.base import BaseCommand

from safeguarding.supervision.work import supervision_tasks_refresh
from safeguarding.workbook.models import Workbook


class Command(BaseCommand):
    help = "Rebuild the group supervision tasks of every family with a Workbook."

    def handle(self, *args, **options):
        ids = list(Workbook.objects.values_list("family_id", flat=True))
        written = 0
        for start in range(0, len(ids), 500):
            written += supervision_tasks_refresh(ids[start : start + 500])
        self.stdout.write(f"{written} supervision tasks for {len(ids)} families")
