"""Sessions: one entry for what a worker did with the family, however many of them took part.

The rule the law cares about: one home visit that sees three children on child protection plans records
each child's statutory visit, so their visit clocks (tasks.Deadline rows) move from that one entry; a phone
call, or a visit by a worker who does not visit children, moves none; and a visit the journey refuses for
one child refuses the whole session, with nothing saved.

Dates are built from a fixed TODAY in the past (the journey's own rules refuse a date after the real today).
"""

from __future__ import annotations

import datetime
import re
from types import SimpleNamespace

import pytest
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from safeguarding.access.models import EmergencyAccess, SharingBasis
from safeguarding.access.policies import FamilyDisclosure
from safeguarding.accounts.models import User
from safeguarding.accounts.tests.factories import TeamFactory, UserFactory
from safeguarding.allocation.models import CaseRole
from safeguarding.allocation.tests.factories import AllocationFactory
from safeguarding.audit.models import AuditEvent, AuditSubject
from safeguarding.journey import clocks
from safeguarding.journey.deadlines import deadlines_refresh
from safeguarding.journey.models import DeadlineKind, Visit
from safeguarding.journey.tests.factories import EpisodeOfNeedFactory, plan_at_conference
from safeguarding.people.tests.factories import FamilyFactory, FamilyMemberFactory
from safeguarding.tasks.models import Deadline
from safeguarding.workbook.models import ModuleWork, ParentingModule, Session, SessionParticipant
from safeguarding.workbook.selectors import sessions as selectors
from safeguarding.workbook.services import sessions as services
from safeguarding.workbook.services.sessions import session_record

pytestmark = pytest.mark.django_db

TODAY = datetime.date(2025, 4, 15)
REFERRAL = datetime.date(2025, 3, 3)
PLAN_START = datetime.date(2025, 3, 24)  # the initial conference: each child's plan starts here
VISIT_DAY = datetime.date(2025, 4, 10)


def make_family() -> SimpleNamespace:
    """The Testfamily family: Peter, Lindsey and Emily on child protection plans, their mother Dana and
    father Rob; Asha their lead social worker, Dan Dana's domestic abuse practitioner (a partner agency),
    Fay their family support worker, Maria the team manager, and Bea the team's business support."""
    team = TeamFactory()
    family = FamilyFactory(team=team)

    def child(first_name, born):
        return FamilyMemberFactory(
            family=family, person__first_name=first_name, person__date_of_birth=born
        ).person

    peter = child("Peter", datetime.date(2013, 5, 2))
    lindsey = child("Lindsey", datetime.date(2016, 9, 12))
    emily = child("Emily", datetime.date(2020, 1, 30))
    dana = FamilyMemberFactory(family=family, adult=True, person__first_name="Dana").person
    rob = FamilyMemberFactory(
        family=family, adult=True, person__first_name="Rob", person__date_of_birth=datetime.date(1987, 3, 1)
    ).person
    asha = AllocationFactory(
        family=family, case_role=CaseRole.LEAD_SOCIAL_WORKER, worker__first_name="Asha"
    ).worker
    dan = UserFactory(partner=True, team=team, first_name="Dan", last_name="Whitfield")
    AllocationFactory(family=family, worker=dan, case_role=CaseRole.DA_VICTIM_PRACTITIONER).works_with.add(
        dana
    )
    fay = UserFactory(role=User.Role.FAMILY_SUPPORT_WORKER, team=team, first_name="Fay")
    AllocationFactory(family=family, worker=fay, case_role=CaseRole.FAMILY_SUPPORT_WORKER)
    maria = UserFactory(role=User.Role.TEAM_MANAGER, team=team, first_name="Maria", last_name="Santos")
    bea = UserFactory(role=User.Role.BUSINESS_SUPPORT, team=team)
    children = [peter, lindsey, emily]
    for person in children:
        plan_at_conference(EpisodeOfNeedFactory(child=person, referral_date=REFERRAL), PLAN_START)
    deadlines_refresh([c.pk for c in children])
    return SimpleNamespace(
        team=team,
        family=family,
        peter=peter,
        lindsey=lindsey,
        emily=emily,
        children=children,
        dana=dana,
        rob=rob,
        asha=asha,
        dan=dan,
        fay=fay,
        maria=maria,
        bea=bea,
    )


@pytest.fixture
def world():
    return make_family()


def record(world, actor=None, **values):
    values.setdefault("date", VISIT_DAY)
    values.setdefault("kind", Session.Kind.HOME_VISIT)
    values.setdefault("participant_ids", [p.pk for p in world.children])
    return session_record(actor=actor or world.asha, family=world.family, today=TODAY, **values)


def visit_due(child) -> datetime.date:
    return Deadline.objects.get(child=child, kind=DeadlineKind.CP_VISIT).due_date


def saved_nothing() -> bool:
    return not (Session.objects.exists() or SessionParticipant.objects.exists() or Visit.objects.exists())


def messages_of(error: ValidationError) -> dict[str, list[str]]:
    return error.value.message_dict


# ---- One session, every child's statutory visit ----------------------------------------------------------


def test_one_home_visit_seeing_three_children_records_three_visits_and_moves_their_clocks(world):
    before = {c.pk: visit_due(c) for c in world.children}
    # No visit yet: each child's first visit runs from the start of their plan.
    expected_before = clocks.next_visit_due(PLAN_START, every_working_days=settings.CP_VISIT_WORKING_DAYS)
    assert set(before.values()) == {expected_before}

    session = record(world, participant_ids=[*(c.pk for c in world.children), world.dana.pk])

    visits = Visit.objects.filter(child__in=world.children)
    assert visits.count() == 3
    assert {v.child_id for v in visits} == {c.pk for c in world.children}
    assert all(v.date == VISIT_DAY and v.child_seen and v.visited_by == world.asha for v in visits)
    expected_after = clocks.next_visit_due(VISIT_DAY, every_working_days=settings.CP_VISIT_WORKING_DAYS)
    for child in world.children:
        assert visit_due(child) == expected_after > before[child.pk]
    # Each child's participant row links the visit it made; the adult's has none.
    links = dict(SessionParticipant.objects.filter(session=session).values_list("person_id", "visit_id"))
    assert {links[c.pk] for c in world.children} == {v.pk for v in visits}
    assert links[world.dana.pk] is None
    assert [c.pk for c in session.visits_recorded] == [c.pk for c in world.children]


def test_seen_alone_goes_on_the_visit_of_the_child_seen_alone_only(world):
    record(world, seen_alone_ids=[world.lindsey.pk])

    alone = dict(Visit.objects.values_list("child_id", "seen_alone"))
    assert alone == {world.peter.pk: False, world.lindsey.pk: True, world.emily.pk: False}
    assert SessionParticipant.objects.get(person=world.lindsey).seen_alone


@pytest.mark.parametrize("kind", [Session.Kind.OFFICE, Session.Kind.SCHOOL_VISIT])
def test_office_and_school_visits_seeing_the_children_are_statutory_visits_too(world, kind):
    record(world, kind=kind, participant_ids=[world.emily.pk])

    assert list(Visit.objects.values_list("child_id", flat=True)) == [world.emily.pk]


@pytest.mark.parametrize("kind", [Session.Kind.PHONE, Session.Kind.VIDEO, Session.Kind.GROUP])
def test_a_call_or_a_group_session_makes_no_statutory_visit_and_moves_no_clock(world, kind):
    before = {c.pk: visit_due(c) for c in world.children}

    session = record(world, kind=kind)

    assert Session.objects.filter(pk=session.pk).exists()
    assert not Visit.objects.exists()
    assert {c.pk: visit_due(c) for c in world.children} == before
    assert session.visits_recorded == []


def test_an_adult_practitioners_home_visit_with_the_children_makes_no_statutory_visit(world):
    # Partner-agency practitioners never record statutory visits (journey.policies): the council answers
    # for them. Dan's session is still recorded, and it is not special-category: children were present.
    before = {c.pk: visit_due(c) for c in world.children}

    session = record(world, actor=world.dan, participant_ids=[world.dana.pk, world.peter.pk])

    assert not Visit.objects.exists()
    assert visit_due(world.peter) == before[world.peter.pk]
    assert session.case_role == CaseRole.DA_VICTIM_PRACTITIONER
    assert session.sensitivity == "ordinary"


def test_a_family_support_worker_records_the_childrens_visits(world):
    record(world, actor=world.fay)

    assert Visit.objects.filter(visited_by=world.fay).count() == 3


def test_a_manager_not_allocated_records_a_session_and_its_visits(world):
    session = record(world, actor=world.maria, participant_ids=[world.peter.pk])

    assert session.case_role == ""
    assert Visit.objects.get().child == world.peter


def test_a_date_before_one_childs_birth_refuses_the_whole_session_and_saves_nothing(world):
    before = {c.pk: visit_due(c) for c in world.children}

    with pytest.raises(ValidationError) as refused:
        record(world, date=datetime.date(2020, 1, 1))

    assert messages_of(refused)["date"] == [
        f"The date of the session must be on or after {world.emily.full_name}'s date of birth, "
        "30 January 2020"
    ]
    assert saved_nothing()
    assert {c.pk: visit_due(c) for c in world.children} == before


def test_when_the_journey_refuses_one_childs_visit_the_whole_session_is_refused_with_nothing_saved(
    world, monkeypatch
):
    # The first two children's visits are written, then the journey refuses the third (a rule this
    # service does not know): the two already written are rolled back with the session.
    real = services.journey_record

    def refusing_emily(*, child, **kwargs):
        if child == world.emily:
            raise ValidationError({"date": "The date of the visit must be on a day the child was at home"})
        return real(child=child, **kwargs)

    monkeypatch.setattr(services, "journey_record", refusing_emily)
    before = {c.pk: visit_due(c) for c in world.children}

    with pytest.raises(ValidationError) as refused:
        record(world)

    message = " ".join(refused.value.messages)
    assert f"{world.emily.full_name}'s visit could not be recorded" in message
    assert "must be on a day the child was at home" in message
    assert saved_nothing()
    assert {c.pk: visit_due(c) for c in world.children} == before
    assert not AuditEvent.objects.filter(object_type="session").exists()


def test_a_child_who_died_before_the_date_is_refused(world):
    world.emily.date_of_death = datetime.date(2025, 4, 1)
    world.emily.save()

    with pytest.raises(ValidationError) as refused:
        record(world)

    assert "date of death" in messages_of(refused)["date"][0]
    assert saved_nothing()


# ---- What a session must say ------------------------------------------------------------------------------


def test_the_date_is_required_and_not_in_the_future(world):
    with pytest.raises(ValidationError) as empty:
        record(world, date=None)
    with pytest.raises(ValidationError) as future:
        record(world, date=TODAY + datetime.timedelta(days=1))

    assert messages_of(empty)["date"] == ["Enter the date of the session"]
    assert messages_of(future)["date"] == ["The date of the session must be today or in the past"]
    assert saved_nothing()


def test_a_session_on_today_is_accepted(world):
    # TODAY is fixed in the past, so the journey's own "not in the future" rule agrees.
    assert record(world, date=TODAY).date == TODAY


def test_at_least_one_person_takes_part(world):
    with pytest.raises(ValidationError) as refused:
        record(world, participant_ids=[])

    assert messages_of(refused)["participants"] == ["Select who took part"]


def test_participants_are_current_members_of_the_family(world):
    stranger = FamilyMemberFactory().person
    left = FamilyMemberFactory(family=world.family, left_on=datetime.date(2025, 1, 1)).person

    for ids in ([stranger.pk], [world.peter.pk, left.pk], ["not-an-id"]):
        with pytest.raises(ValidationError) as refused:
            record(world, participant_ids=ids)
        assert messages_of(refused)["participants"] == ["Select only people who are in the family now"]
    assert saved_nothing()


def test_an_unborn_child_cannot_take_part(world):
    unborn = FamilyMemberFactory(
        family=world.family,
        person__date_of_birth=None,
        person__expected_date_of_birth=datetime.date(2025, 8, 1),
    ).person

    with pytest.raises(ValidationError) as refused:
        record(world, participant_ids=[unborn.pk, world.dana.pk])

    assert "not born yet" in messages_of(refused)["date"][0]


def test_seen_alone_only_for_children_who_took_part(world):
    for ids in ([world.emily.pk], [world.dana.pk]):
        with pytest.raises(ValidationError) as refused:
            record(world, participant_ids=[world.peter.pk, world.dana.pk], seen_alone_ids=ids)
        assert messages_of(refused)["seen_alone"] == ["Select seen alone only for children who took part"]


def test_a_child_is_not_seen_alone_on_a_phone_call(world):
    with pytest.raises(ValidationError) as refused:
        record(world, kind=Session.Kind.PHONE, seen_alone_ids=[world.peter.pk])

    assert "phone call" in messages_of(refused)["seen_alone"][0]


def test_the_type_must_be_one_of_the_list(world):
    with pytest.raises(ValidationError) as refused:
        record(world, kind="seance")

    assert messages_of(refused)["kind"] == ["Select the type of session"]


# ---- Module sessions -----------------------------------------------------------------------------------


def module(order=1) -> ParentingModule:
    return ParentingModule.objects.filter(active=True).order_by("order")[order - 1]


def test_a_module_session_starts_each_parents_work_on_the_module(world):
    first, second = module(1), module(2)
    # Rob's work on the first module was made earlier and not started; Dana's on the second is finished.
    ModuleWork.objects.create(family=world.family, parent=world.rob, module=first)
    ModuleWork.objects.create(
        family=world.family, parent=world.dana, module=second, state=ModuleWork.State.COMPLETED
    )

    record(world, kind=Session.Kind.OFFICE, participant_ids=[world.dana.pk, world.rob.pk], module=first)
    record(world, kind=Session.Kind.OFFICE, participant_ids=[world.dana.pk], module=second.pk)

    states = {(w.parent_id, w.module_id): w.state for w in ModuleWork.objects.all()}
    assert states == {
        (world.dana.pk, first.pk): ModuleWork.State.IN_PROGRESS,
        (world.rob.pk, first.pk): ModuleWork.State.IN_PROGRESS,
        # Working on a completed module again does not reopen it.
        (world.dana.pk, second.pk): ModuleWork.State.COMPLETED,
    }
    assert Session.objects.filter(module=first).count() == 1


def test_a_module_needs_an_adult_and_must_be_in_use(world):
    retired = module(3)
    retired.active = False
    retired.save()

    with pytest.raises(ValidationError) as children_only:
        record(world, module=module(1))
    with pytest.raises(ValidationError) as not_in_use:
        record(world, participant_ids=[world.dana.pk], module=retired)

    assert "select the adults who took part" in messages_of(children_only)["module"][0]
    assert messages_of(not_in_use)["module"] == ["Select a module from the list"]
    assert not ModuleWork.objects.exists()


# ---- Sensitivity of the note ----------------------------------------------------------------------------


def test_an_adult_practitioners_session_with_adults_only_is_special_category(world):
    dans = record(world, actor=world.dan, kind=Session.Kind.OFFICE, participant_ids=[world.dana.pk])
    ashas = record(world, kind=Session.Kind.OFFICE, participant_ids=[world.dana.pk])

    assert (dans.sensitivity, dans.case_role) == ("adult_special", CaseRole.DA_VICTIM_PRACTITIONER)
    assert (ashas.sensitivity, ashas.case_role) == ("ordinary", CaseRole.LEAD_SOCIAL_WORKER)


def _disclosure(world, user, session):
    participants = list(session.participants.all())
    return selectors.note_disclosure(user, FamilyDisclosure(user, world.family), session, participants)


def test_a_restricted_note_is_shown_and_withheld_as_the_sensitivity_table_says(world):
    session = record(
        world,
        actor=world.dan,
        kind=Session.Kind.OFFICE,
        participant_ids=[world.dana.pk],
        note="Talked about the safety plan",
    )

    # No basis recorded: Dan (her practitioner, and the author) reads it; everyone else is told who to ask.
    assert _disclosure(world, world.dan, session).visible
    for user in (world.asha, world.fay, world.maria):
        withheld = _disclosure(world, user, session)
        assert not withheld.visible and withheld.label == "Restricted"
        assert "Dan Whitfield" in withheld.ask

    # A basis for the lead and managers: Asha and Maria read it, Fay still does not.
    basis = SharingBasis.objects.create(person=world.dana, basis="consent", recorded_by=world.dan)
    assert _disclosure(world, world.asha, session).visible
    assert _disclosure(world, world.maria, session).visible
    assert not _disclosure(world, world.fay, session).visible

    # A basis that covers the team: everyone allocated reads it.
    basis.scope = SharingBasis.Scope.TEAM
    basis.save()
    assert _disclosure(world, world.fay, session).visible


def test_a_note_about_two_adults_is_shown_only_where_both_may_be_disclosed(world):
    session = record(
        world, actor=world.dan, kind=Session.Kind.OFFICE, participant_ids=[world.dana.pk, world.rob.pk]
    )
    SharingBasis.objects.create(
        person=world.dana, basis="consent", scope=SharingBasis.Scope.TEAM, recorded_by=world.dan
    )

    assert not _disclosure(world, world.fay, session).visible
    SharingBasis.objects.create(
        person=world.rob, basis="consent", scope=SharingBasis.Scope.TEAM, recorded_by=world.dan
    )
    assert _disclosure(world, world.fay, session).visible


# ---- Audit ------------------------------------------------------------------------------------------------


def test_recording_a_session_is_audited_naming_the_family_and_everyone_who_took_part(world):
    session = record(world, participant_ids=[world.peter.pk, world.dana.pk])

    event = AuditEvent.objects.get(action=AuditEvent.Action.CREATE, object_type="session")
    assert event.object_id == str(session.pk) and event.actor == world.asha
    subjects = set(AuditSubject.objects.filter(event=event).values_list("kind", "subject_id"))
    assert subjects == {
        ("family", world.family.pk),
        ("person", world.peter.pk),
        ("person", world.dana.pk),
    }
    visit = Visit.objects.get()
    assert event.detail["visits"] == {str(world.peter.pk): str(visit.pk)}
    # The journey audits the visit it made too, against the child.
    assert AuditEvent.objects.filter(object_type="visit", object_id=str(visit.pk)).exists()


# ---- Selectors ------------------------------------------------------------------------------------------


def test_worker_sessions_are_one_workers_between_two_dates_oldest_first_in_two_queries(world):
    record(world, date=datetime.date(2025, 4, 1), kind=Session.Kind.PHONE)
    record(world, date=datetime.date(2025, 4, 8), kind=Session.Kind.PHONE)
    record(world, date=datetime.date(2025, 3, 1), kind=Session.Kind.PHONE)
    record(world, actor=world.fay, date=datetime.date(2025, 4, 2), kind=Session.Kind.PHONE)

    with CaptureQueriesContext(connection) as captured:
        found = selectors.worker_sessions(
            world.family, world.asha, since=datetime.date(2025, 3, 24), until=datetime.date(2025, 4, 8)
        )
        names = [[p.person.first_name for p in s.participants.all()] for s in found]

    assert [s.date for s in found] == [datetime.date(2025, 4, 1), datetime.date(2025, 4, 8)]
    assert names[0] == ["Peter", "Lindsey", "Emily"]
    assert len(captured) == 2


# ---- Pages ------------------------------------------------------------------------------------------------


def sessions_url(world) -> str:
    return reverse("workbook:sessions", args=[world.family.pk])


def new_url(world) -> str:
    return reverse("workbook:session-record", args=[world.family.pk])


def post_data(world, day=VISIT_DAY, **extra):
    return {
        "date_day": str(day.day),
        "date_month": str(day.month),
        "date_year": str(day.year),
        "kind": "home_visit",
        "participants": [str(c.pk) for c in world.children],
        "seen_alone": [str(world.peter.pk)],
        "module": "",
        "note": "Saw all three at home after school",
        **extra,
    }


def test_the_form_offers_each_child_with_a_seen_alone_box_and_each_adult(client, world):
    client.force_login(world.asha)

    page = client.get(new_url(world)).content.decode()

    for child in world.children:
        assert f'value="{child.pk}"' in page
        assert f"{child.full_name} was seen alone" in page
    assert world.dana.full_name in page and world.rob.full_name in page
    # The date starts empty: nothing is assumed about when the session was.
    assert re.search(r'name="date_day"[^>]*value=""', page)


def test_saving_a_home_visit_says_whose_visits_were_recorded_with_links_to_their_journeys(client, world):
    client.force_login(world.asha)

    response = client.post(new_url(world), post_data(world), follow=True)

    assert response.redirect_chain[-1][0] == sessions_url(world)
    page = response.content.decode()
    assert "Visits recorded for" in page
    for child in world.children:
        assert reverse("journey:child-journey", args=[child.pk]) in page
    assert re.search(r">Peter</a>, <a[^>]*>Lindsey</a> and <a[^>]*>Emily</a>", page)
    assert Visit.objects.count() == 3
    assert Visit.objects.get(child=world.peter).seen_alone


def test_a_phone_call_saves_without_mentioning_visits(client, world):
    client.force_login(world.asha)

    response = client.post(new_url(world), post_data(world, kind="phone", seen_alone=[]), follow=True)

    assert "Phone call on 10 April 2025 recorded." in response.content.decode()
    assert "Visits recorded" not in response.content.decode()


def test_a_refused_session_shows_the_message_and_keeps_what_was_typed(client, world):
    client.force_login(world.asha)

    response = client.post(new_url(world), post_data(world, day=datetime.date(2019, 6, 1)))

    page = response.content.decode()
    assert response.status_code == 200
    assert "govuk-error-summary" in page and "date of birth" in page
    assert "Saw all three at home after school" in page
    assert saved_nothing()


def test_an_empty_form_says_what_to_enter(client, world):
    client.force_login(world.asha)

    page = client.post(new_url(world), {"note": ""}).content.decode()

    for message in ("Enter the date of the session", "Select the type of session", "Select who took part"):
        assert message in page


def test_the_sessions_list_shows_the_newest_first_with_restricted_notes_withheld(client, world):
    record(world, date=datetime.date(2025, 4, 1), kind=Session.Kind.PHONE, note="Called about school")
    record(
        world,
        actor=world.dan,
        date=datetime.date(2025, 4, 9),
        kind=Session.Kind.OFFICE,
        participant_ids=[world.dana.pk],
        note="Worked on the safety plan",
    )
    client.force_login(world.fay)

    page = client.get(sessions_url(world)).content.decode()

    assert page.index("2025-04-09") < page.index("2025-04-01")
    assert "Called about school" in page
    # Date, type and who took part are the team's; the note is not.
    assert "Office appointment" in page and world.dana.full_name in page
    assert "Worked on the safety plan" not in page
    assert "Restricted" in page and "Dan Whitfield" in page

    client.force_login(world.dan)
    assert "Worked on the safety plan" in client.get(sessions_url(world)).content.decode()


def test_the_sessions_list_filters_by_worker_and_pages_by_25(client, world):
    for n in range(26):
        record(world, date=datetime.date(2025, 1, 1) + datetime.timedelta(days=n), kind=Session.Kind.PHONE)
    record(world, actor=world.fay, date=datetime.date(2025, 3, 1), kind=Session.Kind.VIDEO)
    client.force_login(world.maria)

    first = client.get(sessions_url(world)).content.decode()
    second = client.get(sessions_url(world), {"page": "2"}).content.decode()
    fays = client.get(sessions_url(world), {"worker": str(world.fay.pk)}).content.decode()

    assert first.count('id="session-') == 25 and second.count('id="session-') == 2
    assert "27 sessions" in first
    assert fays.count('id="session-') == 1 and "Video call" in fays


def test_the_sessions_list_costs_the_same_queries_for_few_or_many_sessions(client, world):
    client.force_login(world.asha)
    record(world, kind=Session.Kind.PHONE)
    with CaptureQueriesContext(connection) as small:
        client.get(sessions_url(world))
    for n in range(10):
        record(
            world,
            date=datetime.date(2025, 2, 1) + datetime.timedelta(days=n),
            module=module(1),
            participant_ids=[c.pk for c in world.children] + [world.dana.pk, world.rob.pk],
        )
    with CaptureQueriesContext(connection) as big:
        client.get(sessions_url(world))

    assert len(big) == len(small), "\n".join(q["sql"] for q in big.captured_queries)


def test_viewing_the_sessions_list_is_audited_naming_the_family_and_the_people_shown(client, world):
    record(world, participant_ids=[world.peter.pk])
    client.force_login(world.maria)

    client.get(sessions_url(world))

    event = AuditEvent.objects.filter(action=AuditEvent.Action.VIEW, actor=world.maria).latest("occurred_at")
    subjects = set(AuditSubject.objects.filter(event=event).values_list("kind", "subject_id"))
    assert subjects == {("family", world.family.pk), ("person", world.peter.pk)}


# ---- Who may read and record sessions -------------------------------------------------------------------


def emergency_worker(world) -> User:
    other_team = TeamFactory()
    worker = UserFactory(team=other_team)
    EmergencyAccess.objects.create(
        worker=worker,
        family=world.family,
        reason="Out-of-hours call from the police",
        expires_at=datetime.datetime.now(datetime.UTC) + datetime.timedelta(hours=4),
    )
    return worker


@pytest.mark.parametrize(
    ("who", "list_status", "form_status"),
    [
        ("asha", 200, 200),
        ("dan", 200, 200),
        ("fay", 200, 200),
        ("maria", 200, 200),
        # Business support sees the family's register, not its practice record.
        ("bea", 403, 403),
        # Emergency access reads the family, never the team's sessions, and records nothing.
        ("emergency", 403, 403),
        # Someone with no access to the family is told it does not exist.
        ("stranger", 404, 404),
    ],
)
def test_who_may_read_and_record_sessions(client, world, who, list_status, form_status):
    users = {
        "emergency": lambda: emergency_worker(world),
        "stranger": lambda: UserFactory(),
    }
    user = users[who]() if who in users else getattr(world, who)
    client.force_login(user)

    assert client.get(sessions_url(world)).status_code == list_status
    assert client.get(new_url(world)).status_code == form_status
    assert client.post(new_url(world), post_data(world)).status_code == (
        302 if form_status == 200 else form_status
    )
    assert Session.objects.exists() == (form_status == 200)


def test_a_refusal_of_the_sessions_page_is_audited_against_the_family(client, world):
    client.force_login(world.bea)

    client.get(sessions_url(world))

    refusals = AuditEvent.objects.filter(action=AuditEvent.Action.DENIED, actor=world.bea)
    assert AuditSubject.objects.filter(event__in=refusals, kind="family", subject_id=world.family.pk).exists()


def test_a_family_of_another_team_is_not_found(client, world):
    client.force_login(world.asha)
    other = FamilyFactory()

    assert client.get(reverse("workbook:sessions", args=[other.pk])).status_code == 404
