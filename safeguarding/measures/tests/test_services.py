"""Recording and correcting measures, and the alerts they raise: exactly one same-day safety check task for
a risk answer, owned by the recorder; a MARAC referral task for a DASH meeting the criteria (the count,
professional judgement, or three police call-outs counted from the significant events recorded); closing
an alert with an outcome ends its task. Every write audited with the family and the person."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from safeguarding.audit.models import AuditEvent, AuditSubject
from safeguarding.core.calendar import add_working_days
from safeguarding.tasks.models import Deadline
from safeguarding.tasks.selectors import my_tasks, team_timeliness
from safeguarding.workbook.models import SignificantEvent

from ..models import AlertKind, Measure, MeasureAlert, MeasureCorrection
from ..services import alert_close, measure_correct, months_before
from ..work import MARAC, SAFETY
from .world import TODAY, build_world, phq9, record

pytestmark = pytest.mark.django_db
DAY = datetime.timedelta(days=1)


@pytest.fixture
def w():
    return build_world()


def test_a_phq9_is_recorded_with_every_answer_its_score_band_and_version(w):
    measure = record(w, answers=phq9([1, 2, 1, 1, 0, 1, 1, 0, 0]))
    assert (measure.instrument, measure.instrument_version, measure.total, measure.band) == (
        "phq9",
        1,
        Decimal(7),
        "Mild",
    )
    assert measure.answers == {"1": 1, "2": 2, "3": 1, "4": 1, "5": 0, "6": 1, "7": 1, "8": 0, "9": 0}
    assert measure.recorded_by == w.mhp and not measure.alerts.exists()


def test_recording_is_audited_naming_the_family_and_the_adult_but_not_the_answers(w):
    measure = record(w)
    event = AuditEvent.objects.get(object_id=str(measure.pk), action="create")
    subjects = set(AuditSubject.objects.filter(event=event).values_list("kind", "subject_id"))
    assert subjects == {("family", w.family.pk), ("person", w.mother.pk)}
    assert event.detail == {"measure": "phq9", "version": 1}


def test_item_9_above_zero_makes_exactly_one_safety_check_due_today_for_the_recorder(w):
    measure = record(w, answers=phq9([1, 1, 1, 1, 1, 1, 1, 1, 2]))
    alert = MeasureAlert.objects.get()
    assert (alert.kind, alert.owner, alert.due_on, alert.measure) == (
        AlertKind.SAFETY_CHECK,
        w.mhp,
        TODAY,
        measure,
    )
    task = Deadline.objects.get(kind=SAFETY)
    assert (task.owner, task.due_date, task.family, task.child) == (w.mhp, TODAY, w.family, None)
    # In the worker's My tasks today, and on the team manager's Timeliness (due today: due soon).
    mine = my_tasks(w.mhp, today=TODAY)
    assert [(r.kind, r.status) for r in mine.due_soon] == [(SAFETY, "due_soon")]
    team = team_timeliness(w.manager, w.team, today=TODAY)
    assert {k.kind: k.due_soon for k in team.by_kind}[SAFETY] == 1
    assert any(row.worker == w.mhp and row.due_soon == 1 for row in team.workers)
    # Nobody else's My tasks.
    assert my_tasks(w.lead, today=TODAY).total == 0


def test_a_phq9_with_item_9_at_zero_makes_no_task(w):
    record(w, answers=phq9([3, 3, 3, 3, 3, 3, 3, 3, 0]))
    assert not Deadline.objects.filter(kind__in=[SAFETY, MARAC]).exists()


def test_core10_plans_to_end_life_makes_the_safety_check(w):
    answers = {n: 1 for n in range(1, 11)}
    record(w, "core10", answers)
    assert list(Deadline.objects.values_list("kind", "owner")) == [(SAFETY, w.mhp.pk)]


def test_closing_the_alert_with_an_outcome_ends_its_task_and_is_audited(w):
    record(w, answers=phq9([0] * 8 + [1]))
    alert = MeasureAlert.objects.get()
    with pytest.raises(ValidationError):
        alert_close(actor=w.mhp, alert=alert, outcome="  ", today=TODAY)
    closed = alert_close(actor=w.mhp, alert=alert, outcome="Spoke to her; safety plan agreed", today=TODAY)
    assert (closed.closed_on, closed.closed_by, closed.is_open) == (TODAY, w.mhp, False)
    assert not Deadline.objects.filter(kind=SAFETY).exists()
    assert AuditEvent.objects.filter(object_id=str(alert.pk), action="change").exists()
    with pytest.raises(PermissionDenied):
        alert_close(actor=w.mhp, alert=closed, outcome="Again", today=TODAY)


def test_the_team_manager_may_close_an_alert_and_other_workers_may_not(w):
    record(w, answers=phq9([0] * 8 + [1]))
    alert = MeasureAlert.objects.get()
    for other in (w.lead, w.dan, w.service, w.support):
        with pytest.raises(PermissionDenied):
            alert_close(actor=other, alert=alert, outcome="Done", today=TODAY)
    alert_close(actor=w.manager, alert=alert, outcome="Covered while Mina was away", today=TODAY)
    assert not Deadline.objects.filter(kind=SAFETY).exists()


def dash(yes: int):
    return {n: (0 if n <= yes else 1) for n in range(1, 25)}


def test_a_dash_with_14_yes_makes_a_marac_task_within_the_councils_timescale(w, settings):
    settings.MARAC_REFERRAL_WORKING_DAYS = 1
    measure = record(w, "dash", dash(14), by=w.dan)
    alert = MeasureAlert.objects.get()
    assert (measure.total, alert.kind, alert.owner) == (14, AlertKind.MARAC, w.dan)
    assert alert.due_on == add_working_days(TODAY, 1)
    assert "14 or more 'yes' answers" in alert.reason
    assert list(Deadline.objects.values_list("kind", "due_date")) == [(MARAC, alert.due_on)]


def test_a_dash_below_14_makes_no_task_unless_the_practitioner_judges_it(w):
    record(w, "dash", dash(13), by=w.dan)
    assert not MeasureAlert.objects.exists()
    with pytest.raises(ValidationError) as refused:
        record(w, "dash", dash(5), by=w.dan, judgement=True, judgement_reason=" ")
    assert "judgement_reason" in refused.value.message_dict
    record(w, "dash", dash(5), by=w.dan, judgement=True, judgement_reason="She fears for her life")
    alert = MeasureAlert.objects.get()
    assert "professional judgement" in alert.reason


def police_callout(w, on, *, family=None, people=()):
    event = SignificantEvent.objects.create(
        family=family or w.family,
        date=on,
        kind=SignificantEvent.Kind.POLICE_DA,
        what_happened="Police called by a neighbour",
        impact=SignificantEvent.Impact.HIGH,
        recorded_by=w.lead,
    )
    event.people.set(people)
    return event


def test_potential_escalation_counts_police_callouts_in_the_last_12_months(w):
    police_callout(w, TODAY - 400 * DAY)  # more than 12 months before: not counted
    police_callout(w, TODAY - 300 * DAY, people=[w.mother])
    police_callout(w, TODAY - 10 * DAY)
    measure = record(w, "dash", dash(3), by=w.dan)
    assert measure.police_callouts == 2 and not MeasureAlert.objects.exists()
    # A third, naming the adult, recorded in another family: counted (the adult's call-outs follow her).
    from safeguarding.people.tests.factories import FamilyFactory

    police_callout(w, TODAY - 20 * DAY, family=FamilyFactory(team=w.team), people=[w.mother])
    # Another family's call-out that does not name her: not counted.
    police_callout(w, TODAY - 5 * DAY, family=FamilyFactory(team=w.team))
    measure = record(w, "dash", dash(3), by=w.dan)
    assert measure.police_callouts == 3
    alert = MeasureAlert.objects.get(measure=measure)
    assert "potential escalation: 3 police call-outs for domestic abuse in the last 12 months" in alert.reason


def test_a_callout_on_the_day_12_months_before_is_outside_the_window(w):
    police_callout(w, months_before(TODAY, 12))
    police_callout(w, months_before(TODAY, 12) + DAY)
    assert record(w, "dash", dash(0), by=w.dan).police_callouts == 1


def test_months_before_keeps_the_day_or_the_last_of_a_shorter_month():
    assert months_before(datetime.date(2026, 6, 15), 12) == datetime.date(2025, 6, 15)
    assert months_before(datetime.date(2028, 2, 29), 12) == datetime.date(2027, 2, 28)
    assert months_before(datetime.date(2026, 3, 31), 1) == datetime.date(2026, 2, 28)


def test_dudit_uses_the_adults_recorded_sex_for_the_threshold(w):
    w.father.sex = "M"
    w.father.save()
    answers = {n: 0 for n in range(1, 12)} | {1: 3, 2: 1}  # 4
    man = record(w, "dudit", answers, by=w.rory, person=w.father)
    assert (man.band, man.scored_as) == ("No drug-related problems indicated", "M")
    w.mother.sex = "U"
    w.mother.save()
    unknown = record(w, "dudit", answers, by=w.mhp)
    assert (unknown.band, unknown.scored_as) == ("Drug-related problems likely", "F")


def test_only_the_adults_own_practitioners_social_workers_and_team_manager_record(w):
    record(w, by=w.mhp)
    record(w, by=w.dan)
    for refused in (w.rory, w.fsw, w.support, w.outsider, w.service):
        with pytest.raises(PermissionDenied):
            record(w, by=refused)
    # The lead social worker and the team manager once they may see her special-category data.
    with pytest.raises(PermissionDenied):
        record(w, by=w.lead)
    w.share(w.mother)
    record(w, by=w.lead)
    record(w, by=w.manager)


def test_wemwbs_is_refused_until_the_licence_is_held(w, settings):
    settings.MEASURES_LICENCES_HELD = frozenset()
    answers = {n: 2 for n in range(1, 15)}
    with pytest.raises(ValidationError) as refused:
        record(w, "wemwbs", answers)
    assert refused.value.message_dict == {
        "instrument": ["WEMWBS cannot be used until the council holds its licence"]
    }
    settings.MEASURES_LICENCES_HELD = frozenset({"wemwbs"})
    assert record(w, "wemwbs", answers).total == 42


def test_invalid_values_are_refused_with_each_field_named(w):
    with pytest.raises(ValidationError) as refused:
        record(w, answers={1: 7}, on=TODAY + DAY)
    assert set(refused.value.message_dict) == {"administered_on", "answers"}
    with pytest.raises(ValidationError) as refused:
        record(w, answers={n: None for n in range(1, 10)})
    assert refused.value.message_dict == {"answers": ["Record the answer to at least one question"]}
    assert not Measure.objects.exists()


def test_a_child_is_refused_an_adults_questionnaire(w):
    with pytest.raises((ValidationError, PermissionDenied)):
        record(w, person=w.child)


def test_a_correction_keeps_what_it_said_rescoring_and_raising_a_new_alert_once(w):
    measure = record(w, answers=phq9([1] * 8 + [0]))
    assert measure.total == 8 and not MeasureAlert.objects.exists()
    corrected = measure_correct(
        actor=w.mhp,
        measure=measure,
        version=1,
        administered_on=TODAY,
        answered_by="worker",
        answers=phq9([1] * 8 + [1]),
        reason="Item 9 was recorded against item 8",
        today=TODAY,
    )
    assert (corrected.total, corrected.version, corrected.answered_by) == (9, 2, "worker")
    before = MeasureCorrection.objects.get()
    assert (before.total, before.answers["9"], before.reason) == (8, 0, "Item 9 was recorded against item 8")
    assert MeasureAlert.objects.count() == 1
    # Corrected again with item 9 still above zero: still one alert and one task.
    measure_correct(
        actor=w.mhp,
        measure=corrected,
        version=2,
        administered_on=TODAY,
        answered_by="worker",
        answers=phq9([2] * 8 + [1]),
        reason="Answers re-read from the form",
        today=TODAY,
    )
    assert MeasureAlert.objects.count() == 1 and Deadline.objects.filter(kind=SAFETY).count() == 1
    with pytest.raises(ValidationError) as stale:
        measure_correct(
            actor=w.mhp,
            measure=corrected,
            version=2,
            administered_on=TODAY,
            answered_by="worker",
            answers=phq9([0] * 9),
            reason="Stale",
            today=TODAY,
        )
    assert "__all__" in stale.value.message_dict
    with pytest.raises(ValidationError) as no_reason:
        measure_correct(
            actor=w.mhp,
            measure=corrected,
            version=3,
            administered_on=TODAY,
            answered_by="worker",
            answers=phq9([0] * 9),
            reason="",
            today=TODAY,
        )
    assert "reason" in no_reason.value.message_dict
