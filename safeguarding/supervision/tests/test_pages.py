"""The supervision pages (issue #10 items 1 to 5 and 7): the team's page, the pack assembled from what is
recorded, the meeting record with autosave and refused stale saves, sign-off, actions in My tasks and on
Timeliness; and the pack and team page in a fixed number of queries."""

from __future__ import annotations

import datetime
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils.html import escape

from safeguarding.accounts.models import User
from safeguarding.accounts.tests.factories import UserFactory
from safeguarding.allocation.models import CaseRole
from safeguarding.allocation.tests.factories import AllocationFactory
from safeguarding.people.tests.factories import FamilyFactory, FamilyMemberFactory
from safeguarding.tasks.models import Deadline
from safeguarding.workbook.models import SignificantEvent, TextDraft
from safeguarding.workbook.services.chapters import chapter_save, chapter_start, part_field
from safeguarding.workbook.services.workbooks import cycle_close, workbook_ensure

from ..models import GroupSupervision, SupervisionAction
from ..services import (
    supervision_record,
    supervision_reschedule,
    supervision_schedule,
    supervision_sign_off,
)
from ..work import ACTION
from .world import make_world

pytestmark = pytest.mark.django_db

# The pages use the real today (timezone.localdate); the records are dated from it.
from django.utils import timezone  # noqa: E402

TODAY = timezone.localdate()
OPENED = TODAY - datetime.timedelta(days=40)


@pytest.fixture
def world():
    world = make_world()
    workbook_ensure(family=world["family"], actor=world["lead"], today=OPENED)
    return world


def _times(html: str) -> list[str]:
    return re.findall(r'<time datetime="([^"]+)"', html)


def _book(world, when=TODAY):
    return supervision_schedule(
        actor=world["manager"], family=world["family"], scheduled_for=when, today=when
    )


def _record(world, supervision, **extra):
    from safeguarding.allocation.models import Allocation

    from ..services import invited_people

    people = invited_people(
        supervision,
        list(Allocation.objects.current().filter(family=world["family"]).select_related("worker")),
    )
    return supervision_record(
        actor=world["manager"],
        supervision=supervision,
        attendance={str(u.pk): "attended" for u in people},
        family_views="Dana joined by phone",
        hypotheses="Work stress",
        decisions=["continue"],
        analyses={
            c.pk: {"worried_about": f"Worry for {c.first_name}", "safety_judgement": 5}
            for c in world["children"]
        },
        base_version=supervision.version,
        invited_ids=[u.pk for u in people],
        today=supervision.scheduled_for,
        **extra,
    )


# ---- scheduling and the team's page ---------------------------------------------------------------------


def test_the_team_manager_schedules_from_the_family_page_link(client, world):
    client.force_login(world["manager"])
    response = client.get(reverse("supervision:family", args=[world["family"].pk]))
    assert response["Location"] == reverse("supervision:schedule", args=[world["family"].pk])
    day = TODAY + datetime.timedelta(days=3)
    response = client.post(
        reverse("supervision:schedule", args=[world["family"].pk]),
        {
            "scheduled_for_day": day.day,
            "scheduled_for_month": day.month,
            "scheduled_for_year": day.year,
            "chair": str(world["manager"].pk),
            "invitees": [str(world["other_sw"].pk)],
        },
    )
    assert response.status_code == 302
    supervision = GroupSupervision.objects.get()
    assert supervision.scheduled_for == day and list(supervision.invitees.all()) == [world["other_sw"]]


def test_an_empty_schedule_form_says_what_to_do(client, world):
    client.force_login(world["manager"])
    # A browser always posts something (the CSRF token): an empty form is one with every box blank.
    response = client.post(
        reverse("supervision:schedule", args=[world["family"].pk]), {"scheduled_for_day": ""}
    )
    assert response.status_code == 200
    assert "Enter the date of the group supervision" in response.content.decode()
    assert not GroupSupervision.objects.exists()


def test_the_team_page_lists_supervisions_by_day_with_who_is_invited_and_overdue_families(client, world):
    # The family's supervision was signed off today: not overdue, and the next is booked in 28 days.
    supervision = _book(world)
    _record(world, supervision)
    supervision_sign_off(actor=world["manager"], supervision=supervision, today=TODAY)
    following = GroupSupervision.objects.exclude(status="signed_off").get()
    # Another family of the team, whose Workbook opened long ago with no supervision since: overdue.
    late = FamilyFactory(team=world["team"], name="Overdue family")
    AllocationFactory(family=late, case_role=CaseRole.LEAD_SOCIAL_WORKER, worker__team=world["team"])
    workbook_ensure(family=late, today=TODAY - datetime.timedelta(days=60))
    client.force_login(world["manager"])
    response = client.get(reverse("supervision:home"), follow=True)
    html = response.content.decode()
    assert response.status_code == 200
    assert f'data-day="{following.scheduled_for:%Y-%m-%d}"' in html
    # Escaped as the page writes them: a generated surname may have an apostrophe (O'Connor).
    assert escape(world["lead"].display_name) in html and escape(world["da"].display_name) in html
    overdue = html.split("data-overdue-families")[1].split("</table>")[0]
    # By each family's link (its id), not its name: a generated name can sit inside another.
    listed = set(re.findall(r'href="/families/([^/]+)/supervision/"', overdue))
    assert listed == {str(late.pk)}


def test_the_team_page_costs_the_same_for_one_family_or_many(client, world):
    client.force_login(world["manager"])

    def count():
        with CaptureQueriesContext(connection) as queries:
            assert client.get(reverse("supervision:team", args=[world["team"].pk])).status_code == 200
        return len(queries)

    _book(world)
    small = count()
    for n in range(4):
        family = FamilyFactory(team=world["team"])
        for _ in range(3):
            AllocationFactory(family=family, worker__team=world["team"])
        workbook_ensure(family=family, today=OPENED)
        supervision = supervision_schedule(
            actor=world["manager"],
            family=family,
            scheduled_for=TODAY + datetime.timedelta(days=n),
            today=TODAY,
        )
        supervision.invitees.set([world["other_sw"]])
    assert count() == small


# ---- the pack --------------------------------------------------------------------------------------------


def test_the_pack_assembles_children_chapters_events_and_last_actions(client, world):
    lead, family = world["lead"], world["family"]
    chapter = chapter_start(actor=lead, family=family, today=OPENED)
    chapter_save(
        actor=lead,
        family=family,
        chapter=chapter,
        values={part_field(chapter.parts.get(), "work_done"): "Two visits"},
        base_version=chapter.version,
        share=True,
        today=OPENED,
    )
    first = _book(world, when=OPENED + datetime.timedelta(days=7))
    _record(
        world,
        first,
        actions=[{"text": "Refer Tom to the recovery service", "owner": world["da"], "due_date": TODAY}],
    )
    supervision_sign_off(actor=world["manager"], supervision=first, today=TODAY)
    event = SignificantEvent.objects.create(
        family=family,
        date=TODAY - datetime.timedelta(days=1),
        kind=SignificantEvent.Kind.POLICE_DA,
        what_happened="Police called after shouting",
        impact=SignificantEvent.Impact.HIGH,
        recorded_by=lead,
    )
    following = GroupSupervision.objects.exclude(status="signed_off").get()
    client.force_login(world["fsw"])
    html = client.get(reverse("supervision:pack", args=[family.pk, following.pk])).content.decode()
    for child in world["children"]:
        assert f'data-child="{child.pk}"' in html
    # Cycle 2 has no chapters yet: every worker's is not yet shared.
    chapters = html.split("data-chapters")[1].split("</table>")[0]
    assert chapters.count("Not yet shared") == 3
    assert event.what_happened in html
    last = html.split('id="last-actions"')[1]
    assert "Refer Tom to the recovery service" in last and 'data-done="no"' in last
    # The signed-off pack shows the lead's shared chapter of cycle 1.
    html = client.get(reverse("supervision:pack", args=[family.pk, first.pk])).content.decode()
    assert reverse("workbook:chapter-detail", args=[family.pk, chapter.pk]) in html


def test_the_pack_shows_each_parents_latest_scores_as_the_sharing_rules_allow(client, world):
    """Issue #11: the pack shows the latest scores and their direction; a parent's questionnaires are
    special-category data, so without a basis for sharing the chair sees "Restricted", not which ones."""
    from safeguarding.access.models import SharingBasis
    from safeguarding.measures.definitions import shipped
    from safeguarding.measures.services import measure_record

    phq9 = next(i for i in shipped() if i.code == "phq9")
    # Before the Workbook opened (the pack's "since" when there was no supervision before), and since.
    for days, score in ((45, 2), (2, 1)):
        measure_record(
            actor=world["da"],
            family=world["family"],
            person=world["father"],
            instrument=phq9,
            administered_on=TODAY - datetime.timedelta(days=days),
            answered_by="self",
            answers={n: score for n in range(1, 10)},
            today=TODAY,
        )
    supervision = _book(world)
    url = reverse("supervision:pack", args=[world["family"].pk, supervision.pk])
    client.force_login(world["manager"])
    section = client.get(url).content.decode().split('id="measures"')[1].split("</table>")[0]
    assert "Restricted" in section and "PHQ-9" not in section
    SharingBasis.objects.create(person=world["father"], basis="consent", recorded_by=world["lead"])
    section = client.get(url).content.decode().split('id="measures"')[1].split("</table>")[0]
    assert "PHQ-9" in section and "Restricted" not in section
    assert re.search(r"data-score>9 \(Mild\)", section)
    assert re.search(r"data-change>Down 9: recovery", section)


def test_the_pack_costs_the_same_whatever_the_children_workers_cycles_and_actions(client, world):
    family, team = world["family"], world["team"]
    client.force_login(world["manager"])
    # A signed-off supervision with one action before, and four more and three more cycles after.
    past = GroupSupervision.objects.create(
        family=family,
        scheduled_for=TODAY - datetime.timedelta(days=5),
        status="signed_off",
        chair=world["manager"],
        signed_off_at=timezone.now(),
    )
    SupervisionAction.objects.create(supervision=past, text="Action", owner=world["lead"], due_date=TODAY)
    supervision = _book(world)

    def count():
        with CaptureQueriesContext(connection) as queries:
            response = client.get(reverse("supervision:pack", args=[family.pk, supervision.pk]))
        assert response.status_code == 200
        return len(queries)

    small = count()
    for name in ("Cal", "Dot", "Eve"):
        FamilyMemberFactory(family=family, person__first_name=name)
    for _ in range(3):
        AllocationFactory(family=family, worker__team=team)
    # Earlier cycles with signed-off supervisions and their actions.
    supervision.delete()
    for n in range(3):
        cycle_close(
            actor=world["manager"], family=family, closed_on=OPENED + datetime.timedelta(days=n), today=TODAY
        )
    for n in range(4):
        SupervisionAction.objects.create(
            supervision=past, text=f"Action {n}", owner=world["lead"], due_date=TODAY
        )
    supervision = _book(world)
    assert count() == small


# ---- the record ------------------------------------------------------------------------------------------


def test_the_record_form_starts_from_the_last_analysis_and_saves(client, world):
    first = _book(world, when=OPENED + datetime.timedelta(days=7))
    _record(world, first)
    supervision_sign_off(actor=world["manager"], supervision=first, today=TODAY)
    following = GroupSupervision.objects.exclude(status="signed_off").get()
    following.scheduled_for = TODAY
    following.save()
    client.force_login(world["manager"])
    url = reverse("supervision:record", args=[world["family"].pk, following.pk])
    html = client.get(url).content.decode()
    amy = world["children"][0]
    assert "Worry for Amy" in html
    assert f'name="child-{amy.pk}-safety_judgement" type="radio" value="5" checked' in html
    response = client.post(
        url,
        {
            "version": following.version,
            **{
                f"attendance-{u.pk}": "attended"
                for u in (world["manager"], world["lead"], world["fsw"], world["da"])
            },
            f"child-{amy.pk}-worried_about": "Less shouting",
            f"child-{amy.pk}-safety_judgement": "7",
            "decisions": ["continue", "other"],
            "decision_other": "Family group conference",
            "action-0-text": "Book the family group conference",
            "action-0-owner": str(world["lead"].pk),
            "action-0-due_date_day": TODAY.day,
            "action-0-due_date_month": TODAY.month,
            "action-0-due_date_year": TODAY.year,
        },
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    following.refresh_from_db()
    assert following.decision_labels == ["Continue the plan", "Family group conference"]
    assert following.analyses.get(child=amy).safety_judgement == 7
    assert Deadline.objects.filter(kind=ACTION, owner=world["lead"], child__isnull=True).exists()


def test_an_action_without_an_owner_or_date_is_refused_with_messages(client, world):
    supervision = _book(world)
    client.force_login(world["manager"])
    response = client.post(
        reverse("supervision:record", args=[world["family"].pk, supervision.pk]),
        {
            "version": supervision.version,
            f"attendance-{world['manager'].pk}": "attended",
            "decisions": ["continue"],
            "action-1-text": "Something to do",
        },
    )
    html = response.content.decode()
    assert "Select an owner for action 2" in html and "Enter the date action 2 is due" in html
    assert escape(f"Select whether {world['lead'].display_name} attended") in html
    assert not SupervisionAction.objects.exists()


def test_a_stale_record_is_refused_with_both_texts(client, world):
    supervision = _book(world)
    url = reverse("supervision:record", args=[world["family"].pk, supervision.pk])
    _record(world, supervision)
    client.force_login(world["manager"])
    response = client.post(
        url,
        {
            "version": 1,
            **{
                f"attendance-{u.pk}": "attended"
                for u in (world["manager"], world["lead"], world["fsw"], world["da"])
            },
            "hypotheses": "My own idea",
            "decisions": ["continue"],
        },
    )
    html = response.content.decode()
    assert "Someone saved this since you opened it" in html
    assert "Work stress" in html and "My own idea" in html
    assert 'name="version" value="2"' in html


def test_the_chair_autosaves_a_draft_and_it_comes_back(client, world):
    supervision = _book(world)
    client.force_login(world["manager"])
    draft_url = reverse("workbook:draft-save", args=[world["family"].pk, "supervision", supervision.pk])
    assert client.post(draft_url, {"version": 1, "hypotheses": "Typed, not saved"}).status_code == 200
    html = client.get(
        reverse("supervision:record", args=[world["family"].pk, supervision.pk])
    ).content.decode()
    assert "We restored text you had not saved" in html and "Typed, not saved" in html
    # Nobody but the chair keeps a draft of the record.
    client.force_login(world["lead"])
    assert client.post(draft_url, {"version": 1, "hypotheses": "Lead's"}).status_code == 404
    assert TextDraft.objects.count() == 1


# ---- sign-off, actions ----------------------------------------------------------------------------------


def test_sign_off_page_closes_the_cycle_and_the_workbook_shows_the_next(client, world):
    supervision = _book(world)
    _record(world, supervision)
    client.force_login(world["manager"])
    url = reverse("supervision:sign-off", args=[world["family"].pk, supervision.pk])
    response = client.post(url, {"confirm": ""})
    assert "Confirm that the record is complete" in response.content.decode()
    response = client.post(url, {"confirm": "on"})
    assert response.status_code == 302
    supervision.refresh_from_db()
    assert supervision.is_signed_off
    html = client.get(reverse("workbook:workbook", args=[world["family"].pk])).content.decode()
    assert "Cycle 2" in html
    # Pressed again (another tab): told, nothing changes.
    response = client.post(url, {"confirm": "on"})
    assert response.status_code == 302
    assert GroupSupervision.objects.count() == 2


def test_an_action_is_in_its_owners_my_tasks_until_marked_done(client, world):
    supervision = _book(world)
    _record(
        world,
        supervision,
        actions=[{"text": "Visit Amy at school", "owner": world["fsw"], "due_date": TODAY}],
    )
    action = SupervisionAction.objects.get()
    client.force_login(world["fsw"])
    html = client.get(reverse("tasks:my-tasks")).content.decode()
    done_url = reverse("supervision:action-done", args=[world["family"].pk, supervision.pk, action.pk])
    assert "Visit Amy at school" in html and done_url in html
    client.force_login(world["lead"])
    assert "Visit Amy at school" not in client.get(reverse("tasks:my-tasks")).content.decode()
    client.force_login(world["fsw"])
    response = client.post(
        done_url,
        {
            "outcome": "Amy settled",
            "done_on_day": TODAY.day,
            "done_on_month": TODAY.month,
            "done_on_year": TODAY.year,
        },
    )
    assert response.status_code == 302
    assert "Visit Amy at school" not in client.get(reverse("tasks:my-tasks")).content.decode()


def test_someone_invited_by_name_opens_that_pack_and_nothing_else_of_the_family(client, world):
    """A social worker of the team who is not allocated (a consultant social worker) is invited: they open
    this supervision's pack, audited as by invitation, but not the family's case file or its other
    supervisions; the adults' restricted detail is withheld from them as from any unallocated reader."""
    from safeguarding.audit.models import AuditEvent

    consultant = world["other_sw"]
    earlier = _book(world)
    _record(world, earlier)
    supervision_sign_off(actor=world["manager"], supervision=earlier, today=TODAY)
    supervision = GroupSupervision.objects.exclude(status="signed_off").get()
    supervision_reschedule(
        actor=world["manager"],
        supervision=supervision,
        scheduled_for=supervision.scheduled_for,
        chair=world["manager"],
        invitees=[consultant],
        today=TODAY,
    )
    family_id = world["family"].pk
    client.force_login(consultant)
    assert client.get(reverse("casefile:family-detail", args=[family_id])).status_code == 404
    assert client.get(reverse("supervision:pack", args=[family_id, earlier.pk])).status_code == 404
    response = client.get(reverse("supervision:pack", args=[family_id, supervision.pk]))
    assert response.status_code == 200
    html = response.content.decode()
    assert "Amy" in html and "Not shown under emergency access" not in html
    event = AuditEvent.objects.filter(actor=consultant, action="view").latest("id")
    assert event.detail["by_invitation"] is True
    assert str(family_id) in {str(s.subject_id) for s in event.subjects.all()}
    # Not a chair: the record stays the chair's.
    assert client.get(reverse("supervision:record", args=[family_id, supervision.pk])).status_code == 403
    # Someone not invited is refused as if there were no such family, and the refusal is audited.
    client.force_login(world["stranger"])
    assert client.get(reverse("supervision:pack", args=[family_id, supervision.pk])).status_code == 404
    assert AuditEvent.objects.filter(actor=world["stranger"], action="denied").exists()


def test_a_partner_agency_owner_opens_my_tasks_for_their_action(client, world):
    client.force_login(world["da"])
    assert "Refer Tom" not in client.get(reverse("tasks:my-tasks")).content.decode()
    supervision = _book(world)
    _record(world, supervision, actions=[{"text": "Refer Tom", "owner": world["da"], "due_date": TODAY}])
    response = client.get(reverse("tasks:my-tasks"))
    assert response.status_code == 200 and "Refer Tom" in response.content.decode()


def test_an_addendum_page_adds_below_the_original(client, world):
    supervision = _book(world)
    _record(world, supervision)
    supervision_sign_off(actor=world["manager"], supervision=supervision, today=TODAY)
    client.force_login(world["manager"])
    response = client.post(
        reverse("supervision:addendum", args=[world["family"].pk, supervision.pk]),
        {"text": "Police attended that night", "reason": "Came to light later"},
    )
    assert response.status_code == 302
    html = client.get(reverse("supervision:pack", args=[world["family"].pk, supervision.pk])).content.decode()
    assert "Police attended that night" in html and "Work stress" in html


def test_the_family_page_panel_shows_the_next_date_and_open_actions(client, world):
    supervision = _book(world)
    _record(world, supervision, actions=[{"text": "Refer Tom", "owner": world["da"], "due_date": TODAY}])
    client.force_login(world["lead"])
    html = client.get(reverse("casefile:family-detail", args=[world["family"].pk])).content.decode()
    assert 'data-open-actions="1"' in html
    assert f'<time datetime="{TODAY:%Y-%m-%d}" data-next-supervision>' in html
    client.force_login(world["business_support"])
    html = client.get(reverse("casefile:family-detail", args=[world["family"].pk])).content.decode()
    assert "supervision-heading" not in html


# ---- oversight -------------------------------------------------------------------------------------------


def test_timeliness_counts_overdue_actions_against_their_owner(client, world):
    supervision = _book(world, when=TODAY - datetime.timedelta(days=10))
    _record(
        world,
        supervision,
        actions=[
            {"text": "Refer Tom", "owner": world["fsw"], "due_date": TODAY - datetime.timedelta(days=2)}
        ],
    )
    client.force_login(world["manager"])
    html = client.get(reverse("tasks:team-timeliness", args=[world["team"].pk])).content.decode()
    assert "Action from group supervision" in html
    response = client.get(
        reverse("tasks:team-overdue", args=[world["team"].pk]), {"kind": ACTION, "worker": world["fsw"].pk}
    )
    assert "Refer Tom" in response.content.decode()
    response = client.get(
        reverse("tasks:team-overdue", args=[world["team"].pk]), {"kind": ACTION, "worker": world["lead"].pk}
    )
    assert "Refer Tom" not in response.content.decode()


def test_a_manager_of_another_team_is_refused_the_team_page(client, world):
    client.force_login(UserFactory(role=User.Role.TEAM_MANAGER))
    assert client.get(reverse("supervision:team", args=[world["team"].pk])).status_code == 404


def test_a_decision_that_implies_a_statutory_step_links_to_it_on_each_childs_journey(client, world):
    supervision = _book(world)
    _record(world, supervision)
    GroupSupervision.objects.filter(pk=supervision.pk).update(decisions=["legal_planning"])
    client.force_login(world["manager"])
    html = client.get(reverse("supervision:pack", args=[world["family"].pk, supervision.pk])).content.decode()
    for child in world["children"]:
        assert reverse("journey:step", args=[child.pk, "pre-proceedings"]) in html
