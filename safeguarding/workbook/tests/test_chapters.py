"""Chapters (issue #9 items 1, 2, 7 and 8): a chapter per worker per cycle, pre-filled, shared, locked when
the cycle closes (changes are addenda, the original kept), never silently overwritten, drafts kept on the
server, and an adult practitioner's part about an adult shown or restricted per the sensitivity table."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils.html import escape

from safeguarding.access.services import emergency_access_start, sharing_basis_record
from safeguarding.accounts import sessions
from safeguarding.accounts.models import User
from safeguarding.accounts.tests.factories import UserFactory
from safeguarding.allocation.models import CaseRole
from safeguarding.allocation.tests.factories import AllocationFactory
from safeguarding.audit.models import AuditEvent, AuditSubject
from safeguarding.journey.tests.factories import VisitFactory
from safeguarding.people.tests.factories import FamilyFactory, FamilyMemberFactory
from safeguarding.workbook import drafts
from safeguarding.workbook.models import Chapter, ChapterPart, Session, SessionParticipant, SignificantEvent
from safeguarding.workbook.services.chapters import (
    chapter_addendum_add,
    chapter_save,
    chapter_start,
    part_field,
)
from safeguarding.workbook.services.workbooks import cycle_close, workbook_ensure

pytestmark = pytest.mark.django_db

# Fixed dates: the suite must pass on any day it runs.
OPENED = datetime.date(2026, 3, 2)
CLOSED = datetime.date(2026, 3, 30)
TODAY = datetime.date(2026, 4, 20)
PRIVATE = "Has been using again since the synthetic anniversary"


@pytest.fixture
def family():
    family = FamilyFactory()
    team = family.team
    mother = FamilyMemberFactory(family=family, adult=True, person__first_name="Dana").person
    father = FamilyMemberFactory(family=family, adult=True, person__first_name="Tom").person
    children = [
        FamilyMemberFactory(family=family, person__first_name=name).person for name in ("Amy", "Ben", "Cal")
    ]
    lead = AllocationFactory(family=family, case_role=CaseRole.LEAD_SOCIAL_WORKER, worker__team=team).worker
    other_sw = AllocationFactory(family=family, case_role=CaseRole.SOCIAL_WORKER, worker__team=team).worker
    da = AllocationFactory(
        family=family, case_role=CaseRole.DA_PERPETRATOR_PRACTITIONER, worker__partner=True, worker__team=team
    )
    da.works_with.set([father])
    manager = UserFactory(role=User.Role.TEAM_MANAGER, team=team)
    return {
        "family": family,
        "mother": mother,
        "father": father,
        "children": children,
        "lead": lead,
        "other_sw": other_sw,
        "da": da.worker,
        "manager": manager,
        "business_support": UserFactory(role=User.Role.BUSINESS_SUPPORT, team=team),
    }


def _fields(chapter, **sections):
    part = chapter.parts.get()
    return {part_field(part, key): text for key, text in sections.items()}


def test_the_workbook_opens_with_its_first_cycle_for_the_team(client, family):
    client.force_login(family["lead"])
    response = client.get(reverse("workbook:workbook", args=[family["family"].pk]))
    assert response.status_code == 200
    workbook = family["family"].workbook
    assert [c.number for c in workbook.cycles.all()] == [1]
    body = response.content.decode()
    # Every allocated worker's chapter, not started yet.
    for worker in (family["lead"], family["other_sw"], family["da"]):
        assert escape(worker.display_name) in body  # as the page writes it (O'Neill)
    assert body.count("Not started") == 3


@pytest.mark.parametrize("who,status", [("business_support", 403), ("stranger", 404)])
def test_outside_the_team_the_workbook_is_refused(client, family, who, status):
    user = UserFactory() if who == "stranger" else family[who]
    client.force_login(user)
    assert client.get(reverse("workbook:workbook", args=[family["family"].pk])).status_code == status


def test_emergency_access_sees_no_chapters(client, family):
    chapter = chapter_start(actor=family["lead"], family=family["family"], today=OPENED)
    chapter_save(
        actor=family["lead"],
        family=family["family"],
        chapter=chapter,
        base_version=1,
        share=True,
        values=_fields(chapter, worries="Synthetic worry"),
        today=OPENED,
    )
    duty = UserFactory(role=User.Role.SOCIAL_WORKER)
    emergency_access_start(actor=duty, family=family["family"], reason="Police called the duty line")
    client.force_login(duty)
    for url in (
        reverse("workbook:workbook", args=[family["family"].pk]),
        reverse("workbook:chapter-detail", args=[family["family"].pk, chapter.pk]),
        reverse("workbook:cycle", args=[family["family"].pk, 1]),
    ):
        assert client.get(url).status_code == 403
    assert (
        "Synthetic worry"
        not in client.get(reverse("casefile:family-detail", args=[family["family"].pk])).content.decode()
    )


def test_a_new_chapter_opens_with_what_the_system_holds_for_the_cycle(family):
    f, lead = family["family"], family["lead"]
    _workbook, cycle = workbook_ensure(family=f, actor=lead, today=OPENED)
    # Last cycle's next steps, a session seeing two children, a visit made without a session, an event.
    first = chapter_start(actor=lead, family=f, today=OPENED)
    chapter_save(
        actor=lead,
        family=f,
        chapter=first,
        base_version=1,
        share=True,
        today=OPENED,
        values=_fields(first, next_steps="Visit weekly and meet the school"),
    )
    cycle_close(actor=family["manager"], family=f, closed_on=CLOSED, today=CLOSED)
    amy, ben, cal = family["children"]
    session = Session.objects.create(
        family=f,
        date=datetime.date(2026, 4, 2),
        kind=Session.Kind.HOME_VISIT,
        recorded_by=lead,
        note="Kitchen tidy, food in",
    )
    SessionParticipant.objects.create(session=session, person=amy, seen_alone=True)
    SessionParticipant.objects.create(session=session, person=ben)
    VisitFactory(child=cal, date=datetime.date(2026, 4, 9), visited_by=lead, seen_alone=False)
    VisitFactory(child=cal, date=datetime.date(2026, 3, 9), visited_by=lead)  # last cycle: not listed
    event = SignificantEvent.objects.create(
        family=f,
        date=datetime.date(2026, 4, 5),
        kind=SignificantEvent.Kind.POLICE_DA,
        what_happened="Police called by a neighbour after shouting",
        impact=SignificantEvent.Impact.HIGH,
        recorded_by=family["other_sw"],
    )
    event.people.set([family["mother"], family["father"]])

    chapter = chapter_start(actor=lead, family=f, today=TODAY)
    part = chapter.parts.get()
    assert part.about_person is None and part.sensitivity == "ordinary"
    assert part.work_done.startswith("Last time I said I would: Visit weekly and meet the school")
    assert (
        "2 April 2026: home visit with Amy and Ben (Amy seen alone). Kitchen tidy, food in" in part.work_done
    )
    assert "9 April 2026: statutory visit to Cal (seen)" in part.work_done
    assert "9 March 2026" not in part.work_done
    assert "5 April 2026: Police call-out for domestic abuse (Dana and Tom)" in part.what_changed
    assert "Police called by a neighbour" in part.what_changed


def test_an_adult_practitioner_writes_a_part_about_each_adult_they_work_with(family):
    chapter = chapter_start(actor=family["da"], family=family["family"], today=OPENED)
    part = chapter.parts.get()
    assert part.about_person == family["father"]
    assert part.sensitivity == "adult_special"
    assert chapter.case_role == CaseRole.DA_PERPETRATOR_PRACTITIONER


def test_only_allocated_workers_start_a_chapter(family):
    with pytest.raises(ValidationError):
        chapter_start(actor=family["manager"], family=family["family"], today=OPENED)


def test_a_draft_is_the_authors_until_shared(client, family):
    f = family["family"]
    chapter = chapter_start(actor=family["lead"], family=f, today=OPENED)
    chapter_save(
        actor=family["lead"],
        family=f,
        chapter=chapter,
        base_version=1,
        values=_fields(chapter, worries="Draft"),
        today=OPENED,
    )
    url = reverse("workbook:chapter-detail", args=[f.pk, chapter.pk])
    client.force_login(family["other_sw"])
    assert client.get(url).status_code == 404
    chapter_save(
        actor=family["lead"], family=f, chapter=chapter, base_version=2, values={}, share=True, today=OPENED
    )
    response = client.get(url)
    assert response.status_code == 200 and "Draft" in response.content.decode()
    chapter.refresh_from_db()
    assert chapter.state == Chapter.State.SHARED and chapter.shared_on == OPENED


def test_sharing_an_empty_chapter_is_refused(family):
    chapter = chapter_start(actor=family["other_sw"], family=family["family"], today=OPENED)
    with pytest.raises(ValidationError, match="Write at least one section"):
        chapter_save(
            actor=family["other_sw"],
            family=family["family"],
            chapter=chapter,
            base_version=1,
            values={},
            share=True,
            today=OPENED,
        )


def test_the_second_of_two_saves_from_the_same_version_is_refused_with_both_texts(family):
    f, lead = family["family"], family["lead"]
    chapter = chapter_start(actor=lead, family=f, today=OPENED)
    field = part_field(chapter.parts.get(), "worries")
    # Two tabs opened at version 1. The first saves.
    chapter_save(
        actor=lead, family=f, chapter=chapter, base_version=1, values={field: "From tab one"}, today=OPENED
    )
    with pytest.raises(drafts.VersionConflict) as refused:
        chapter_save(
            actor=lead,
            family=f,
            chapter=chapter,
            base_version=1,
            values={field: "From tab two"},
            today=OPENED,
        )
    assert refused.value.differing[field] == ("From tab one", "From tab two")
    assert refused.value.current_version == 2
    assert ChapterPart.objects.get(chapter=chapter).worries == "From tab one"
    # Merged and saved against the current version: accepted.
    chapter_save(
        actor=lead,
        family=f,
        chapter=chapter,
        base_version=2,
        values={field: "From tab one. From tab two"},
        today=OPENED,
    )
    assert ChapterPart.objects.get(chapter=chapter).worries == "From tab one. From tab two"


def test_a_stale_save_through_the_page_shows_both_texts_and_keeps_the_workers(client, family):
    f, lead = family["family"], family["lead"]
    chapter = chapter_start(actor=lead, family=f, today=OPENED)
    field = part_field(chapter.parts.get(), "worries")
    chapter_save(
        actor=lead, family=f, chapter=chapter, base_version=1, values={field: "Saved elsewhere"}, today=OPENED
    )
    client.force_login(lead)
    url = reverse("workbook:chapter-edit", args=[f.pk, chapter.pk])
    response = client.post(url, {"version": "1", field: "Typed here"})
    assert response.status_code == 200
    body = response.content.decode()
    assert "Someone saved this since you opened it" in body
    assert "Saved elsewhere" in body and "Typed here" in body
    assert 'name="version" value="2"' in body
    assert ChapterPart.objects.get(chapter=chapter).worries == "Saved elsewhere"


def test_a_closed_cycle_locks_its_chapters_and_an_addendum_keeps_the_original(client, family):
    f, lead = family["family"], family["lead"]
    chapter = chapter_start(actor=lead, family=f, today=OPENED)
    chapter_save(
        actor=lead,
        family=f,
        chapter=chapter,
        base_version=1,
        share=True,
        values=_fields(chapter, worries="As read at supervision"),
        today=OPENED,
    )
    closed, following = cycle_close(actor=family["manager"], family=f, closed_on=CLOSED, today=TODAY)
    assert following.number == 2 and following.started_on == CLOSED
    with pytest.raises(ValidationError, match="locked"):
        chapter_save(
            actor=lead,
            family=f,
            chapter=chapter,
            base_version=2,
            values=_fields(chapter, worries="Rewritten"),
            today=TODAY,
        )
    part = chapter.parts.get()
    with pytest.raises(ValidationError) as missing:
        chapter_addendum_add(actor=lead, family=f, chapter=chapter, part=part, text="More", reason="")
    assert "reason" in missing.value.message_dict
    chapter_addendum_add(
        actor=lead,
        family=f,
        chapter=chapter,
        part=part,
        text="The school rang after supervision",
        reason="New information",
    )
    part.refresh_from_db()
    assert part.worries == "As read at supervision"
    client.force_login(family["other_sw"])
    body = client.get(reverse("workbook:chapter-detail", args=[f.pk, chapter.pk])).content.decode()
    assert "As read at supervision" in body
    assert "The school rang after supervision" in body and "New information" in body


@pytest.mark.parametrize(
    "closed_on,message",
    [
        (TODAY + datetime.timedelta(days=1), "today or in the past"),
        (OPENED - datetime.timedelta(days=1), "on or after"),
    ],
)
def test_a_cycle_cannot_close_in_the_future_or_before_it_started(family, closed_on, message):
    workbook_ensure(family=family["family"], today=OPENED)
    with pytest.raises(ValidationError, match=message):
        cycle_close(actor=family["manager"], family=family["family"], closed_on=closed_on, today=TODAY)


def test_only_the_familys_managers_close_a_cycle(client, family):
    workbook_ensure(family=family["family"], today=OPENED)
    url = reverse("workbook:cycle-close", args=[family["family"].pk])
    client.force_login(family["lead"])
    assert client.get(url).status_code == 403
    client.force_login(family["manager"])
    response = client.post(url, {"closed_on_day": "30", "closed_on_month": "3", "closed_on_year": "2026"})
    assert response.status_code == 302


# ---- Who reads an adult practitioner's part about an adult (ADR 10, ADR 14) -------------------------


@pytest.fixture
def shared_da_chapter(family):
    chapter = chapter_start(actor=family["da"], family=family["family"], today=OPENED)
    chapter_save(
        actor=family["da"],
        family=family["family"],
        chapter=chapter,
        base_version=1,
        share=True,
        values=_fields(chapter, what_changed=PRIVATE),
        today=OPENED,
    )
    return chapter


def _reads(client, user, family, chapter) -> bool:
    client.force_login(user)
    response = client.get(reverse("workbook:chapter-detail", args=[family["family"].pk, chapter.pk]))
    assert response.status_code == 200
    body = response.content.decode()
    if PRIVATE in body:
        return True
    assert "Restricted" in body, "a withheld part says so, and who to ask"
    return False


@pytest.mark.parametrize(
    "basis,who,reads",
    [
        (None, "da", True),
        (None, "lead", False),
        (None, "other_sw", False),
        (None, "manager", False),
        ("lead_and_managers", "lead", True),
        ("lead_and_managers", "manager", True),
        ("lead_and_managers", "other_sw", False),
        ("team", "other_sw", True),
        ("team", "lead", True),
    ],
)
def test_a_part_about_an_adult_is_shown_per_the_sharing_basis(
    client, family, shared_da_chapter, basis, who, reads
):
    if basis:
        sharing_basis_record(
            actor=family["da"], family=family["family"], person=family["father"], basis="consent", scope=basis
        )
    assert _reads(client, family[who], family, shared_da_chapter) is reads


def test_reading_a_chapter_is_audited_naming_the_family_and_the_adult(client, family, shared_da_chapter):
    client.force_login(family["lead"])
    client.get(reverse("workbook:chapter-detail", args=[family["family"].pk, shared_da_chapter.pk]))
    event = AuditEvent.objects.filter(actor=family["lead"], action="view", object_type="chapter").last()
    subjects = set(AuditSubject.objects.filter(event=event).values_list("kind", "subject_id"))
    assert ("family", family["family"].pk) in subjects
    assert ("person", family["father"].pk) in subjects


# ---- Drafts --------------------------------------------------------------------------------------


def test_a_draft_saved_while_typing_comes_back_after_the_session_ends(client, family):
    f, lead = family["family"], family["lead"]
    chapter = chapter_start(actor=lead, family=f, today=OPENED)
    field = part_field(chapter.parts.get(), "meaning_for_children")
    client.force_login(lead)
    response = client.post(
        reverse("workbook:draft-save", args=[f.pk, "chapter", chapter.pk]),
        {"version": "1", field: "Amy is calmer at school"},
    )
    assert response.status_code == 200 and "saved_at" in response.json()
    assert ChapterPart.objects.get(chapter=chapter).meaning_for_children == ""  # a draft, not the record
    client.logout()
    client.force_login(lead)
    body = client.get(reverse("workbook:chapter-edit", args=[f.pk, chapter.pk])).content.decode()
    assert "Amy is calmer at school" in body
    assert "We restored text you had not saved" in body
    # Saving the chapter removes the draft.
    client.post(
        reverse("workbook:chapter-edit", args=[f.pk, chapter.pk]), {"version": "1", field: "Amy is calmer"}
    )
    assert drafts.draft_for(lead, "chapter", chapter.pk) is None


def test_a_draft_is_refused_for_a_chapter_that_is_not_yours(client, family):
    chapter = chapter_start(actor=family["lead"], family=family["family"], today=OPENED)
    client.force_login(family["other_sw"])
    url = reverse("workbook:draft-save", args=[family["family"].pk, "chapter", chapter.pk])
    assert client.post(url, {"version": "1"}).status_code == 404
    assert (
        client.post(
            reverse("workbook:draft-save", args=[family["family"].pk, "no-such-type", chapter.pk]), {}
        ).status_code
        == 404
    )


def test_a_draft_after_the_session_timed_out_is_answered_signed_out_not_kept(client, family):
    chapter = chapter_start(actor=family["lead"], family=family["family"], today=OPENED)
    client.force_login(family["lead"])
    session = client.session
    session[sessions.LAST_ACTIVITY] = 0  # long ago: the session has timed out
    session.save()
    response = client.post(
        reverse("workbook:draft-save", args=[family["family"].pk, "chapter", chapter.pk]), {"version": "1"}
    )
    # The script is told it is signed out; the request is not kept as a form to show after signing in.
    assert response.status_code == 401
    assert sessions.UNSAVED_FORM not in client.session


# ---- Query counts -------------------------------------------------------------------------------


def _queries(client, url) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


def test_the_workbook_and_cycle_pages_cost_the_same_queries_whatever_the_number_of_cycles(client, family):
    f, lead = family["family"], family["lead"]
    workbook_ensure(family=f, today=OPENED)
    client.force_login(lead)
    workbook_url = reverse("workbook:workbook", args=[f.pk])
    for worker in (lead, family["other_sw"], family["da"]):
        chapter = chapter_start(actor=worker, family=f, today=OPENED)
        chapter_save(
            actor=worker,
            family=f,
            chapter=chapter,
            base_version=1,
            share=True,
            values={part_field(p, "worries"): "Synthetic" for p in chapter.parts.all()},
            today=OPENED,
        )
    few = (_queries(client, workbook_url), _queries(client, reverse("workbook:cycle", args=[f.pk, 1])))
    day = OPENED
    for _ in range(4):
        day += datetime.timedelta(days=7)
        cycle_close(actor=family["manager"], family=f, closed_on=day, today=TODAY)
        for worker in (lead, family["other_sw"], family["da"]):
            chapter = chapter_start(actor=worker, family=f, today=day)
            chapter_save(
                actor=worker,
                family=f,
                chapter=chapter,
                base_version=1,
                share=True,
                values={part_field(p, "worries"): "More" for p in chapter.parts.all()},
                today=day,
            )
    many = (_queries(client, workbook_url), _queries(client, reverse("workbook:cycle", args=[f.pk, 5])))
    assert many == few


def test_a_chapter_page_costs_the_same_queries_whatever_its_sessions_and_addenda(client, family):
    f, da = family["family"], family["da"]
    da.allocations.get().works_with.set([family["father"], family["mother"]])
    workbook_ensure(family=f, today=OPENED)
    chapter = chapter_start(actor=da, family=f, today=OPENED)
    client.force_login(da)
    urls = [
        reverse("workbook:chapter-detail", args=[f.pk, chapter.pk]),
        reverse("workbook:chapter-edit", args=[f.pk, chapter.pk]),
    ]
    few = [_queries(client, url) for url in urls]
    for day in range(3, 20):
        session = Session.objects.create(
            family=f, date=datetime.date(2026, 3, day), kind=Session.Kind.OFFICE, recorded_by=da
        )
        SessionParticipant.objects.create(session=session, person=family["father"])
    cycle_close(actor=family["manager"], family=f, closed_on=CLOSED, today=TODAY)
    for part in chapter.parts.all():
        for n in range(3):
            chapter_addendum_add(
                actor=da, family=f, chapter=chapter, part=part, text=f"More {n}", reason="New"
            )
    assert _queries(client, urls[0]) == few[0]
