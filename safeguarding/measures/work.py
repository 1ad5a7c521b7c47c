"""Measures as work: each open alert is a task (tasks.Deadline) owned by the worker who recorded the
measure, in their My tasks the same day and on their team's Timeliness, until it is closed with an outcome.

- A safety check (a risk item answered above its threshold: PHQ-9 item 9, CORE-10 item 6) is due the day
  the measure is recorded: the worker checks the adult's safety that day.
- A MARAC referral (a DASH meeting the criteria) is due MARAC_REFERRAL_WORKING_DAYS working days after it
  is recorded (settings; one by default).

The rows are rebuilt for a family whenever one of its alerts is raised or closed, in a fixed number of
queries; nothing else changes them (an alert's due date is fixed when it is raised).
"""

from __future__ import annotations

from django.db import transaction
from django.urls import reverse

from safeguarding.tasks.models import Deadline

from .models import AlertKind, MeasureAlert

SAFETY = "ms_safety"
MARAC = "ms_marac"
KINDS = {SAFETY: "Safety check after a measure", MARAC: "Refer to MARAC"}
KIND_OF_ALERT = {AlertKind.SAFETY_CHECK: SAFETY, AlertKind.MARAC: MARAC}


def alert_url(family_id, person_id, alert_id) -> str:
    return reverse("measures:alert", args=[family_id, person_id, alert_id])


def measure_task_rows(family_ids) -> list[dict]:
    """The open alerts of these families as Deadline rows ({attname: value}). One query."""
    rows = []
    # A reversed URL with the ids put in after: reversing for each of many rows is slow (supervision.work).
    marks = [f"00000000-0000-0000-0000-{n:012d}" for n in range(3)]
    template = reverse("measures:alert", args=marks)
    for pk, family_id, person_id, kind, due_on, owner_id in (
        MeasureAlert.objects.filter(family_id__in=list(family_ids), closed_on__isnull=True)
        .order_by()
        .values_list("pk", "family_id", "person_id", "kind", "due_on", "owner_id")
    ):
        link = template
        for mark, value in zip(marks, (family_id, person_id, pk), strict=True):
            link = link.replace(mark, str(value))
        rows.append(
            {
                "family_id": family_id,
                "kind": KIND_OF_ALERT[kind],
                "due_date": due_on,
                # Names no answer or score: My tasks and Timeliness are read by the whole team's managers.
                "basis": "Raised by a measure recorded for an adult in the family",
                "owner_id": owner_id,
                "link": link,
            }
        )
    return rows


def measure_tasks_refresh(family_ids) -> int:
    """Rebuild the measure tasks of these families; return the rows written."""
    family_ids = list(family_ids)
    if not family_ids:
        return 0
    with transaction.atomic():
        Deadline.objects.filter(family_id__in=family_ids, kind__in=list(KINDS)).delete()
        rows = measure_task_rows(family_ids)
        Deadline.objects.bulk_create([Deadline(**row) for row in rows])
    return len(rows)
