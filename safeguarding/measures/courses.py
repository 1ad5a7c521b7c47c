"""Each adult's course of one questionnaire in one family (models.MeasureCourse), kept current.

The council's Parent outcomes compares every adult's first and latest score. Worked out from the measures
at each request, that was a grouped query over every scored measure (about 90,000 on the large council,
388 ms at p95 on SQLite against a 300 ms target). The course is written when a measure is, so the page
reads one short row per adult and instrument.
"""

from __future__ import annotations

from django.db.models import CharField, Count, Max, Min, Value
from django.db.models.functions import Cast, Concat
from django.db.models.signals import post_save
from django.dispatch import receiver

from safeguarding.core.locks import for_update

from .models import Measure, MeasureCourse


def course_refresh(*, family_id, person_id, instrument: str) -> MeasureCourse | None:
    """Rewrite one course from its measures (a handful of rows); remove it once none is scored. Called
    inside the measure's transaction: the course row is locked first, so two measures saved at once for
    the same adult are counted by whichever refresh runs second."""
    key = {"family_id": family_id, "person_id": person_id, "instrument": instrument}
    course, _created = MeasureCourse.objects.get_or_create(
        **key, defaults={"scored": 0, "first_total": 0, "latest_total": 0}
    )
    course = for_update(MeasureCourse.objects).get(pk=course.pk)
    totals = list(
        Measure.objects.filter(**key, total__isnull=False)
        .order_by("administered_on", "created_at", "pk")
        .values_list("total", flat=True)
    )
    if not totals:
        course.delete()
        return None
    course.scored, course.first_total, course.latest_total = len(totals), totals[0], totals[-1]
    course.save(update_fields=["scored", "first_total", "latest_total", "updated_at"])
    return course


@receiver(post_save, sender=Measure, dispatch_uid="measures_course_refresh")
def _measure_saved(sender, instance: Measure, raw=False, **kwargs):
    if raw:  # loading a fixture: courses_rebuild follows
        return
    course_refresh(family_id=instance.family_id, person_id=instance.person_id, instrument=instance.instrument)


def courses_rebuild(measure_model=Measure, course_model=MeasureCourse) -> int:
    """Every course again from every measure, after a bulk load (the demo council) or in the migration that
    introduced them (which passes its historical models). One grouped query: the earliest and latest of
    "date time|total" as text (ISO dates and times sort as text), the total read back after the bar."""
    keyed = Concat(
        Cast("administered_on", CharField()),
        Value(" "),
        Cast("created_at", CharField()),
        Value("|"),
        Cast("total", CharField()),
        output_field=CharField(),
    )
    rows = (
        measure_model.objects.filter(total__isnull=False)
        .values("family_id", "person_id", "instrument")
        .annotate(scored=Count("pk"), first_key=Min(keyed), latest_key=Max(keyed))
        .order_by()
        .values_list("family_id", "person_id", "instrument", "scored", "first_key", "latest_key")
    )
    course_model.objects.all().delete()
    courses = [
        course_model(
            family_id=family_id,
            person_id=person_id,
            instrument=instrument,
            scored=scored,
            first_total=first.rpartition("|")[2],
            latest_total=latest.rpartition("|")[2],
        )
        for family_id, person_id, instrument, scored, first, latest in rows
    ]
    course_model.objects.bulk_create(courses, batch_size=2000)
    return len(courses)
