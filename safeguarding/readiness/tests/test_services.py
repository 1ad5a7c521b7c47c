"""Recording and correcting a reading (services.py): field-level messages a worker can act on, the rulers'
limits held by the database too, each write audited naming the family and the adult, and a correction that
keeps what was there and refuses a stale version."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction

from safeguarding.audit.models import AuditEvent
from safeguarding.workbook.drafts import VersionConflict, draft_for, draft_save

from ..models import Behaviour, ReadinessCorrection, ReadinessRecord, Stage
from ..services import NEW_DRAFT_TYPE, new_draft_id, readiness_correct
from .world import TODAY, build_world, reading

pytestmark = pytest.mark.django_db


@pytest.fixture
def w():
    return build_world()


def test_the_adults_practitioner_records_a_reading_audited_against_family_and_adult(w):
    record = reading(w, importance=7, confidence=3, stage=Stage.PREPARATION, words="  I'm ready to try  ")
    saved = ReadinessRecord.objects.get(pk=record.pk)
    assert (saved.importance, saved.confidence, saved.stage) == (7, 3, Stage.PREPARATION)
    assert saved.in_their_words == "I'm ready to try"
    assert (saved.family_id, saved.adult_id, saved.recorded_by_id) == (w.family.pk, w.mother.pk, w.dan.pk)
    event = AuditEvent.objects.get(object_id=str(record.pk), action="create")
    assert event.family_id == w.family.pk
    assert {(s.kind, s.subject_id) for s in event.subjects.all()} == {
        ("family", w.family.pk),
        ("person", w.mother.pk),
    }
    # The audit log names what was recorded, never what the parent said.
    assert "ready to try" not in str(event.detail)


@pytest.mark.parametrize(
    ("change", "field", "message"),
    [
        ({"behaviour": "gambling"}, "behaviour", "Select the behaviour the reading is about"),
        (
            {"behaviour": Behaviour.OTHER, "other": "  "},
            "behaviour_other",
            "Enter the behaviour the reading is about",
        ),
        ({"importance": 11}, "importance", "Enter the adult's importance as a whole number from 0 to 10"),
        ({"importance": -1}, "importance", "Enter the adult's importance as a whole number from 0 to 10"),
        ({"confidence": "5"}, "confidence", "Enter the adult's confidence as a whole number from 0 to 10"),
        ({"confidence": True}, "confidence", "Enter the adult's confidence as a whole number from 0 to 10"),
        ({"stage": "denial"}, "stage", "Select the adult's stage of change"),
        ({"words": "   "}, "in_their_words", "Enter what the adult said, in their own words"),
        ({"words": "x" * 10001}, "in_their_words", "What they said must be 10,000 characters or fewer"),
        (
            {"on": TODAY + datetime.timedelta(days=1)},
            "recorded_on",
            "The date of the conversation must be today or in the past",
        ),
        ({"on": None}, "recorded_on", "Enter the date of the conversation"),
    ],
)
def test_each_wrong_value_is_refused_with_a_message_for_its_field(w, change, field, message):
    with pytest.raises(ValidationError) as refused:
        reading(w, **change)
    assert refused.value.message_dict[field] == [message]
    assert not ReadinessRecord.objects.exists()


def test_an_other_behaviour_keeps_its_name_and_a_listed_one_drops_a_stray_name(w):
    named = reading(w, behaviour=Behaviour.OTHER, other=" Gambling ")
    listed = reading(w, behaviour=Behaviour.ALCOHOL, other="ignored")
    assert named.behaviour_label == "Gambling"
    assert listed.behaviour_other == "" and listed.behaviour_label == "Alcohol"


def test_only_a_current_adult_of_the_family_has_readings(w):
    """A child has no readings (nobody is their adult practitioner, and no basis opens them); an adult who
    has left the family has none recorded in it after they left."""
    w.share(w.mother)
    with pytest.raises(PermissionDenied):
        reading(w, by=w.manager, adult=w.child)
    w.family.members.filter(person=w.mother).update(left_on=TODAY)
    with pytest.raises(ValidationError) as refused:
        reading(w, by=w.manager)
    assert refused.value.message_dict["adult"] == ["The reading must be about an adult in the family now"]
    assert not ReadinessRecord.objects.exists()


def test_who_may_not_record_is_refused_and_nothing_is_written(w):
    for who in (w.lead, w.fsw, w.support, w.outsider, w.rory, w.service):
        with pytest.raises(PermissionDenied):
            reading(w, by=who)
    assert not ReadinessRecord.objects.exists()


def test_the_lead_records_once_a_basis_covers_the_lead(w):
    w.share(w.mother)
    assert reading(w, by=w.lead).recorded_by_id == w.lead.pk


def test_the_database_holds_the_rulers_to_0_to_10(w):
    record = reading(w)
    for field in ("importance", "confidence"):
        with pytest.raises(IntegrityError), transaction.atomic():
            ReadinessRecord.objects.filter(pk=record.pk).update(**{field: 11})


def test_an_other_behaviour_must_be_named_in_the_database_too(w):
    record = reading(w)
    with pytest.raises(IntegrityError), transaction.atomic():
        ReadinessRecord.objects.filter(pk=record.pk).update(behaviour=Behaviour.OTHER, behaviour_other="")


def test_saving_a_reading_removes_the_workers_draft_of_it(w):
    draft_save(
        actor=w.dan,
        family=w.family,
        record_type=NEW_DRAFT_TYPE,
        record_id=new_draft_id(w.family.pk, w.mother.pk),
        fields={"in_their_words": "half typed"},
        base_version=0,
    )
    reading(w)
    assert draft_for(w.dan, NEW_DRAFT_TYPE, new_draft_id(w.family.pk, w.mother.pk)) is None


def correct(w, record, *, version=1, by=None, reason="Rulers the wrong way round", **change):
    values = {
        "behaviour": record.behaviour,
        "behaviour_other": record.behaviour_other,
        "importance": record.importance,
        "confidence": record.confidence,
        "stage": record.stage,
        "in_their_words": record.in_their_words,
        "recorded_on": record.recorded_on,
        **change,
    }
    return readiness_correct(
        actor=by or w.dan, record=record, version=version, reason=reason, today=TODAY, **values
    )


def test_a_correction_keeps_the_old_values_with_the_reason_and_is_audited(w):
    record = reading(w, importance=3, confidence=8)
    corrected = correct(w, record, importance=8, confidence=3)
    assert (corrected.importance, corrected.confidence, corrected.version) == (8, 3, 2)
    kept = ReadinessCorrection.objects.get(record=record)
    assert (kept.importance, kept.confidence, kept.version, kept.reason) == (
        3,
        8,
        1,
        "Rulers the wrong way round",
    )
    assert kept.corrected_by_id == w.dan.pk
    assert AuditEvent.objects.filter(object_id=str(record.pk), action="correct").count() == 1


def test_a_correction_from_an_older_version_is_refused_with_both_texts(w):
    record = reading(w, words="First words")
    correct(w, record, in_their_words="Second words")
    with pytest.raises(VersionConflict) as conflict:
        correct(w, record, version=1, in_their_words="My words")
    assert conflict.value.theirs == {"in_their_words": "Second words"}
    assert conflict.value.yours == {"in_their_words": "My words"}
    assert ReadinessRecord.objects.get(pk=record.pk).in_their_words == "Second words"
    assert ReadinessCorrection.objects.count() == 1


def test_a_correction_needs_a_reason_and_valid_values(w):
    record = reading(w)
    with pytest.raises(ValidationError) as refused:
        correct(w, record, reason=" ", importance=12)
    assert set(refused.value.message_dict) == {"reason", "importance"}
    assert not ReadinessCorrection.objects.exists()


def test_nobody_else_corrects_a_reading(w):
    record = reading(w)
    for who in (w.lead, w.rory, w.support):
        with pytest.raises(PermissionDenied):
            correct(w, record, by=who, importance=1)
    assert ReadinessRecord.objects.get(pk=record.pk).importance == 5
