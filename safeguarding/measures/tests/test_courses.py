"""Each adult's course of one questionnaire (courses.py): what Parent outcomes compares, kept current as
measures are recorded and corrected, in any order, and the same when rebuilt in bulk."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest

from ..courses import courses_rebuild
from ..models import MeasureCourse
from ..services import measure_correct
from .world import TODAY, build_world, phq9, record

pytestmark = pytest.mark.django_db
DAY = datetime.timedelta(days=1)


def course_of(w, code="phq9"):
    return MeasureCourse.objects.filter(family=w.family, person=w.mother, instrument=code).first()


def rows():
    return sorted(
        MeasureCourse.objects.values_list(
            "family_id", "person_id", "instrument", "scored", "first_total", "latest_total"
        )
    )


def test_first_and_latest_follow_the_day_administered_not_the_day_recorded():
    w = build_world()
    record(w, answers=phq9([2] * 9), on=TODAY - 30 * DAY)  # 18
    record(w, answers=phq9([1] * 9), on=TODAY - 90 * DAY)  # 9, recorded late but the first
    record(w, answers=phq9([3] * 9), on=TODAY - 60 * DAY)  # 27
    course = course_of(w)
    assert (course.scored, course.first_total, course.latest_total) == (3, Decimal(9), Decimal(18))


def test_a_correction_changes_the_course_and_an_unscored_measure_is_not_in_it():
    w = build_world()
    first = record(w, answers=phq9([1] * 9), on=TODAY - 90 * DAY)
    record(w, answers=phq9([2] * 9), on=TODAY - 30 * DAY)
    record(w, answers={1: 0}, on=TODAY - 10 * DAY)  # not scored
    assert course_of(w).scored == 2
    measure_correct(
        actor=w.mhp,
        measure=first,
        version=1,
        administered_on=first.administered_on,
        answered_by="self",
        answers=phq9([0] * 9),
        reason="Synthetic: the answers were copied from the wrong sheet",
        today=TODAY,
    )
    assert course_of(w).first_total == Decimal(0)


def test_an_adult_with_only_unscored_measures_has_no_course():
    w = build_world()
    record(w, answers={1: 0})
    assert course_of(w) is None


def test_rebuilding_every_course_gives_what_recording_kept():
    w = build_world()
    for days, score in ((120, 2), (80, 1), (40, 0)):
        record(w, answers=phq9([score] * 9), on=TODAY - days * DAY)
        record(w, "gad7", {n: score for n in range(1, 8)}, on=TODAY - days * DAY)
    kept = rows()
    assert len(kept) == 2
    assert courses_rebuild() == 2
    assert rows() == kept
