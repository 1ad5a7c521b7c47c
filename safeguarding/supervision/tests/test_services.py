"""Group supervision's rules (issue #10 items 1, 3, 4 and 5): who schedules and chairs, the record starting
from the last analysis, actions entering and leaving My tasks, sign-off closing the Workbook's cycle exactly
once (also when two people press it at the same moment), and addenda keeping the signed-off original."""

from __future__ import annotations

import datetime
import threading

import pytest
from django.core.exceptions import ValidationError
from django.db import connection

from safeguarding.audit.models import AuditEvent, AuditSubject
from safeguarding.tasks.models import Deadline
from safeguarding.tasks.selectors import my_tasks
from safeguarding.workbook import drafts
from safeguarding.workbook.models import Chapter, Cycle
from safeguarding.workbook.services.chapters import chapter_save, chapter_start
from safeguarding.workbook.services.workbooks import workbook_ensure

from ..models import Attendance, ChildRiskAnalysis, GroupSupervision, SupervisionAction, SupervisionAddendum
from ..services import (
    analyses_to_start_from,
    invited_people,
    supervision_action_done,
    supervision_addendum_add,
    supervision_record,
    supervision_reschedule,
    supervision_schedule,
    supervision_sign_off,
)
from ..work import ACTION, CHAPTER, DUE, SIGN_OFF
from .world import MEETING, OPENED, TODAY, make_world


@pytest.fixture
def world(db):
    world = make_world()
    workbook_ensure(family=world["family"], actor=world["lead"], today=OPENED)
    return world


def schedule(world, when=MEETING, **kwargs):
    return supervision_schedule(
        actor=world["manager"], family=world["family"], scheduled_for=when, today=OPENED, **kwargs
    )


def record(world, supervision, *, actions=(), actor=None, analyses=None, version=None, **kwargs):
    people = invited_people(supervision, _allocations(world))
    attendance = {str(u.pk): Attendance.ATTENDED for u in people}
    amy, ben = world["children"]
    values = {
        "attendance": attendance,
        "family_views": "Dana came to the start of the meeting",
        "hypotheses": "Tom's drinking rises when he is out of work",
        "decisions": ["continue"],
        "analyses": analyses
        if analyses is not None
        else {
            amy.pk: {
                "worried_about": "Shouting at night",
                "working_well": "School",
                "needs_to_happen": "",
                "safety_judgement": 6,
                "reasoning": "Plan holding",
            },
            ben.pk: {
                "worried_about": "",
                "working_well": "Nursery",
                "needs_to_happen": "",
                "safety_judgement": 7,
                "reasoning": "",
            },
        },
        "actions": list(actions),
        "base_version": supervision.version if version is None else version,
        "invited_ids": [u.pk for u in people],
        "today": TODAY,
    }
    values.update(kwargs)
    return supervision_record(actor=actor or world["manager"], supervision=supervision, **values)


def _allocations(world):
    from safeguarding.allocation.models import Allocation

    return list(Allocation.objects.current().filter(family=world["family"]).select_related("worker"))


# ---- scheduling ------------------------------------------------------------------------------------------


def test_the_team_manager_schedules_and_chairs_by_default_with_the_allocations_invited(world):
    supervision = schedule(world)
    assert supervision.chair == world["manager"]
    assert supervision.cycle.number == 1
    invited = {u.pk for u in invited_people(supervision, _allocations(world))}
    assert invited == {world["manager"].pk, world["lead"].pk, world["fsw"].pk, world["da"].pk}
    event = AuditEvent.objects.filter(object_type__contains="groupsupervision", action="create").get()
    assert AuditSubject.objects.filter(
        event=event, kind="family", subject_id=str(world["family"].pk)
    ).exists()


@pytest.mark.parametrize("who", ["lead", "business_support", "da", "other_sw"])
def test_only_the_familys_managers_schedule(world, who):
    with pytest.raises(ValidationError):
        schedule(world | {"manager": world[who]})
    assert not GroupSupervision.objects.exists()


def test_a_service_manager_schedules_with_extra_invitees(world):
    supervision = supervision_schedule(
        actor=world["service_manager"],
        family=world["family"],
        scheduled_for=MEETING,
        invitees=[world["other_sw"]],
        today=OPENED,
    )
    assert supervision.chair == world["manager"]  # the family's team manager chairs, whoever books it
    assert world["other_sw"] in invited_people(supervision, _allocations(world))


def test_a_date_in_the_past_and_a_second_booking_are_refused(world):
    with pytest.raises(ValidationError) as refused:
        schedule(world, when=OPENED - datetime.timedelta(days=1))
    assert "today or later" in str(refused.value)
    schedule(world)
    with pytest.raises(ValidationError) as refused:
        schedule(world)
    assert "Reschedule" in str(refused.value)


def test_reschedule_moves_the_date_and_the_chairs_sign_off_task(world):
    supervision = schedule(world)
    later = MEETING + datetime.timedelta(days=7)
    supervision_reschedule(
        actor=world["manager"],
        supervision=supervision,
        scheduled_for=later,
        chair=world["lead"],
        today=OPENED,
    )
    supervision.refresh_from_db()
    assert supervision.scheduled_for == later and supervision.chair == world["lead"]
    task = Deadline.objects.get(kind=SIGN_OFF)
    assert task.owner == world["lead"] and task.due_date > later


# ---- the record ------------------------------------------------------------------------------------------


def test_the_chair_records_the_meeting_and_actions_go_to_their_owners(world):
    supervision = schedule(world)
    record(
        world,
        supervision,
        actions=[
            {"text": "Refer Tom to the recovery service", "owner": world["da"], "due_date": TODAY},
            {
                "text": "Visit Amy at school",
                "owner": world["lead"],
                "due_date": TODAY + datetime.timedelta(days=14),
            },
        ],
    )
    supervision.refresh_from_db()
    assert supervision.status == GroupSupervision.Status.RECORDED
    assert supervision.version == 2
    assert ChildRiskAnalysis.objects.filter(supervision=supervision).count() == 2
    lead_tasks = my_tasks(world["lead"], today=TODAY)
    lead_rows = [r for r in lead_tasks.overdue + lead_tasks.due_soon + lead_tasks.later if r.kind == ACTION]
    assert [r.basis for r in lead_rows] == ["Visit Amy at school"]
    # A partner agency's practitioner has no statutory My tasks, but has the action they own.
    da_rows = [r.basis for r in my_tasks(world["da"], today=TODAY).due_soon if r.kind == ACTION]
    assert da_rows == ["Refer Tom to the recovery service"]
    # Owned tasks are their owner's alone: the family support worker sees neither.
    fsw = my_tasks(world["fsw"], today=TODAY)
    assert not [r for r in fsw.overdue + fsw.due_soon + fsw.later if r.kind == ACTION]


@pytest.mark.parametrize("who", ["lead", "service_manager", "da"])
def test_only_the_chair_or_the_team_manager_records(world, who):
    supervision = schedule(world)
    with pytest.raises(ValidationError):
        record(world, supervision, actor=world[who])


def test_a_deputy_named_as_chair_records(world):
    supervision = schedule(world, chair=world["lead"])
    record(world, supervision, actor=world["lead"])
    supervision.refresh_from_db()
    assert supervision.recorded_by == world["lead"]


def test_an_action_owner_must_have_attended(world):
    supervision = schedule(world)
    people = invited_people(supervision, _allocations(world))
    attendance = {str(u.pk): Attendance.ATTENDED for u in people} | {
        str(world["da"].pk): Attendance.APOLOGIES
    }
    with pytest.raises(ValidationError) as refused:
        record(
            world,
            supervision,
            attendance=attendance,
            actions=[{"text": "Refer Tom", "owner": world["da"], "due_date": TODAY}],
        )
    assert "action-0-owner" in refused.value.error_dict
    assert not SupervisionAction.objects.exists()


def test_a_stale_save_is_refused_with_both_texts(world):
    supervision = schedule(world)
    record(world, supervision, version=1)
    with pytest.raises(drafts.VersionConflict) as conflict:
        record(world, supervision, version=1, hypotheses="Something else")
    assert conflict.value.theirs["hypotheses"] == "Tom's drinking rises when he is out of work"
    supervision.refresh_from_db()
    assert supervision.hypotheses == "Tom's drinking rises when he is out of work"


def test_the_record_starts_from_the_last_signed_off_analysis(world):
    first = schedule(world)
    record(world, first)
    _signed, following = supervision_sign_off(actor=world["manager"], supervision=first, today=TODAY)
    amy = world["children"][0]
    start = analyses_to_start_from(following, world["children"])
    assert start[amy.pk]["worried_about"] == "Shouting at night"
    assert start[amy.pk]["safety_judgement"] == 6
    # Once the new record is saved, it starts from its own.
    following.scheduled_for = TODAY
    following.save()
    record(world, following, analyses={amy.pk: {"worried_about": "Less shouting", "safety_judgement": 7}})
    following.refresh_from_db()
    assert analyses_to_start_from(following, world["children"])[amy.pk]["worried_about"] == "Less shouting"
    # The signed-off analysis is unchanged.
    assert ChildRiskAnalysis.objects.get(supervision=first, child=amy).worried_about == "Shouting at night"


# ---- sign-off --------------------------------------------------------------------------------------------


def test_sign_off_closes_the_cycle_locks_chapters_and_books_the_next(world, settings):
    settings.GROUP_SUPERVISION_INTERVAL_DAYS = 28
    chapter = chapter_start(actor=world["lead"], family=world["family"], today=OPENED)
    supervision = schedule(world)
    record(world, supervision)
    signed, following = supervision_sign_off(actor=world["manager"], supervision=supervision, today=TODAY)
    assert signed.status == GroupSupervision.Status.SIGNED_OFF and signed.signed_off_by == world["manager"]
    cycles = list(Cycle.objects.filter(workbook__family=world["family"]).order_by("number"))
    assert [(c.number, c.closed_on) for c in cycles] == [(1, MEETING), (2, None)]
    assert signed.cycle == cycles[0] and following.cycle == cycles[1]
    assert following.scheduled_for == MEETING + datetime.timedelta(days=28)
    assert following.chair == world["manager"] and following.status == GroupSupervision.Status.SCHEDULED
    # The chapter of the closed cycle is locked: a save is refused.
    with pytest.raises(ValidationError):
        chapter_save(
            actor=world["lead"],
            family=world["family"],
            chapter=chapter,
            values={},
            base_version=chapter.version,
            share=True,
            today=TODAY,
        )
    # Workers whose chapter was not shared see it in My tasks; the DA practitioner too, as their own task.
    owners = set(Deadline.objects.filter(kind=CHAPTER).values_list("owner_id", flat=True))
    assert owners == {world["lead"].pk, world["fsw"].pk, world["da"].pk}


def test_a_shared_chapter_gives_no_chapter_task(world):
    chapter = chapter_start(actor=world["lead"], family=world["family"], today=OPENED)
    part = chapter.parts.get()
    from safeguarding.workbook.services.chapters import part_field

    chapter_save(
        actor=world["lead"],
        family=world["family"],
        chapter=chapter,
        values={part_field(part, "work_done"): "Visited twice"},
        base_version=chapter.version,
        share=True,
        today=OPENED,
    )
    supervision = schedule(world)
    record(world, supervision)
    supervision_sign_off(actor=world["manager"], supervision=supervision, today=TODAY)
    assert world["lead"].pk not in set(
        Deadline.objects.filter(kind=CHAPTER).values_list("owner_id", flat=True)
    )


def test_sharing_a_chapter_in_the_next_cycle_ends_the_chapter_task_at_once(world):
    """Not at the next nightly rebuild: the worker who shares sees the task leave My tasks."""
    supervision = schedule(world)
    record(world, supervision)
    supervision_sign_off(actor=world["manager"], supervision=supervision, today=TODAY)
    assert Deadline.objects.filter(kind=CHAPTER, owner=world["lead"]).exists()
    from safeguarding.workbook.services.chapters import part_field

    chapter = chapter_start(actor=world["lead"], family=world["family"], today=TODAY)
    part = chapter.parts.get()
    chapter_save(
        actor=world["lead"],
        family=world["family"],
        chapter=chapter,
        values={part_field(part, "work_done"): "Visited twice since the supervision"},
        base_version=chapter.version,
        share=True,
        today=TODAY,
    )
    assert not Deadline.objects.filter(kind=CHAPTER, owner=world["lead"]).exists()
    # The others' tasks stay until they share theirs.
    assert Deadline.objects.filter(kind=CHAPTER, owner=world["fsw"]).exists()


def test_a_workbook_that_opens_makes_the_family_due_its_first_supervision_at_once(world, settings):
    """The team manager's task to hold the first supervision exists from the day the Workbook opens, not
    from the next nightly rebuild."""
    from safeguarding.allocation.tests.factories import AllocationFactory
    from safeguarding.people.tests.factories import FamilyFactory

    family = FamilyFactory(team=world["team"])
    AllocationFactory(family=family, worker=world["lead"])
    assert not Deadline.objects.filter(family=family, kind=DUE).exists()
    workbook_ensure(family=family, actor=world["lead"], today=OPENED)
    due = Deadline.objects.get(family=family, kind=DUE)
    assert due.owner == world["manager"]
    assert due.due_date == OPENED + datetime.timedelta(days=settings.GROUP_SUPERVISION_INTERVAL_DAYS)


def test_sign_off_happens_once_when_pressed_twice(world):
    supervision = schedule(world)
    record(world, supervision)
    supervision_sign_off(actor=world["manager"], supervision=supervision, today=TODAY)
    with pytest.raises(ValidationError) as refused:
        supervision_sign_off(actor=world["manager"], supervision=supervision, today=TODAY)
    assert "already been signed off" in str(refused.value)
    assert Cycle.objects.filter(workbook__family=world["family"]).count() == 2
    assert GroupSupervision.objects.filter(family=world["family"]).count() == 2


def test_sign_off_needs_a_record_and_the_chair(world):
    supervision = schedule(world)
    with pytest.raises(ValidationError) as refused:
        supervision_sign_off(actor=world["manager"], supervision=supervision, today=TODAY)
    assert "Record the meeting" in str(refused.value)
    record(world, supervision)
    for who in ("lead", "service_manager", "business_support"):
        with pytest.raises(ValidationError):
            supervision_sign_off(actor=world[who], supervision=supervision, today=TODAY)
    assert Cycle.objects.filter(workbook__family=world["family"]).count() == 1


def test_a_signed_off_record_is_read_only(world):
    supervision = schedule(world)
    record(world, supervision)
    supervision_sign_off(actor=world["manager"], supervision=supervision, today=TODAY)
    supervision.refresh_from_db()
    with pytest.raises(ValidationError):
        record(world, supervision, hypotheses="Rewritten afterwards")
    supervision.refresh_from_db()
    assert supervision.hypotheses == "Tom's drinking rises when he is out of work"


def test_two_people_pressing_sign_off_at_once_close_the_cycle_once(transactional_db):
    if connection.vendor == "sqlite":
        pytest.skip(
            "the in-memory SQLite test database is one shared cache whose locks do not wait; "
            "test_sign_off_happens_once_when_pressed_twice is SQLite's counterpart"
        )
    world = make_world()
    workbook_ensure(family=world["family"], actor=world["lead"], today=OPENED)
    supervision = schedule(world, chair=world["lead"])
    record(world, supervision)
    barrier = threading.Barrier(2)
    outcomes: list = []

    def press(user):
        try:
            barrier.wait()
            supervision_sign_off(actor=user, supervision=supervision, today=TODAY)
            outcomes.append("signed")
        except ValidationError as error:
            outcomes.append(str(error))
        except BaseException as error:  # noqa: BLE001 - reported by the assertion below
            outcomes.append(repr(error))
        finally:
            connection.close()

    threads = [threading.Thread(target=press, args=(u,)) for u in (world["manager"], world["lead"])]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(outcomes)[1] == "signed", outcomes
    assert "already been signed off" in sorted(outcomes)[0], outcomes
    assert Cycle.objects.filter(workbook__family=world["family"]).count() == 2
    assert GroupSupervision.objects.filter(family=world["family"], status="signed_off").count() == 1
    assert GroupSupervision.objects.filter(family=world["family"], status="scheduled").count() == 1


# ---- actions and addenda ---------------------------------------------------------------------------------


def test_an_action_leaves_my_tasks_when_its_owner_marks_it_done(world):
    supervision = schedule(world)
    record(
        world,
        supervision,
        actions=[{"text": "Visit Amy at school", "owner": world["lead"], "due_date": TODAY}],
    )
    action = SupervisionAction.objects.get()
    assert Deadline.objects.filter(kind=ACTION, owner=world["lead"]).exists()
    with pytest.raises(ValidationError):
        supervision_action_done(actor=world["fsw"], action=action, outcome="Done", done_on=TODAY, today=TODAY)
    with pytest.raises(ValidationError) as refused:
        supervision_action_done(actor=world["lead"], action=action, outcome="", done_on=TODAY, today=TODAY)
    assert "outcome" in refused.value.error_dict
    supervision_action_done(
        actor=world["lead"], action=action, outcome="Amy is settled", done_on=TODAY, today=TODAY
    )
    action.refresh_from_db()
    assert action.is_done and action.outcome == "Amy is settled"
    assert not Deadline.objects.filter(kind=ACTION).exists()


def test_the_chair_marks_an_action_done_after_sign_off(world):
    supervision = schedule(world)
    record(world, supervision, actions=[{"text": "Refer Tom", "owner": world["da"], "due_date": TODAY}])
    supervision_sign_off(actor=world["manager"], supervision=supervision, today=TODAY)
    action = SupervisionAction.objects.get()
    supervision_action_done(
        actor=world["manager"], action=action, outcome="Referred", done_on=TODAY, today=TODAY
    )
    assert not Deadline.objects.filter(kind=ACTION).exists()


def test_an_addendum_after_sign_off_keeps_the_original(world):
    supervision = schedule(world)
    record(world, supervision)
    with pytest.raises(ValidationError):
        supervision_addendum_add(actor=world["manager"], supervision=supervision, text="x", reason="y")
    supervision_sign_off(actor=world["manager"], supervision=supervision, today=TODAY)
    with pytest.raises(ValidationError) as refused:
        supervision_addendum_add(
            actor=world["manager"], supervision=supervision, text="Police attended", reason=""
        )
    assert "reason" in refused.value.error_dict
    with pytest.raises(ValidationError):
        supervision_addendum_add(actor=world["lead"], supervision=supervision, text="x", reason="y")
    supervision_addendum_add(
        actor=world["manager"],
        supervision=supervision,
        text="Police attended on the night",
        reason="Came later",
    )
    supervision.refresh_from_db()
    assert supervision.hypotheses == "Tom's drinking rises when he is out of work"
    assert SupervisionAddendum.objects.get().reason == "Came later"


# ---- oversight -------------------------------------------------------------------------------------------


def test_the_team_manager_has_the_supervision_due_and_the_chair_the_sign_off(world, settings):
    settings.GROUP_SUPERVISION_INTERVAL_DAYS = 28
    schedule(world)
    due = Deadline.objects.get(kind=DUE)
    assert due.owner == world["manager"] and due.due_date == OPENED + datetime.timedelta(days=28)
    sign_off = Deadline.objects.get(kind=SIGN_OFF)
    assert sign_off.owner == world["manager"] and sign_off.due_date == datetime.date(2026, 3, 30)
    assert Chapter.objects.count() == 0
