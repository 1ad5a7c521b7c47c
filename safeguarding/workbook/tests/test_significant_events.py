"""Significant events: any worker in the team flags one in one step; anyone who may open the family reads
them (they are ordinary case records in the children's chronology), emergency access included."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from safeguarding.audit.models import AuditEvent, AuditSubject
from safeguarding.people.tests.factories import FamilyMemberFactory
from safeguarding.workbook.models import SignificantEvent, Workbook
from safeguarding.workbook.selectors.sessions import family_significant_events
from safeguarding.workbook.services.sessions import significant_event_record

from .test_sessions import TODAY, emergency_worker, make_family

pytestmark = pytest.mark.django_db

CALL_OUT = datetime.date(2025, 4, 5)


@pytest.fixture
def world():
    return make_family()


def flag(world, actor=None, **values):
    values.setdefault("date", CALL_OUT)
    values.setdefault("kind", SignificantEvent.Kind.POLICE_DA)
    values.setdefault(
        "what_happened", "Police were called to the home at 11pm after neighbours heard shouting."
    )
    values.setdefault("impact", SignificantEvent.Impact.HIGH)
    values.setdefault("impact_on_child", "The children were awake and frightened.")
    values.setdefault("person_ids", [world.dana.pk, world.rob.pk])
    return significant_event_record(actor=actor or world.asha, family=world.family, today=TODAY, **values)


def test_an_event_is_recorded_with_the_people_it_involved(world):
    event = flag(world, person_ids=[world.dana.pk, world.peter.pk])

    assert set(event.people.all()) == {world.dana, world.peter}
    assert (event.family, event.recorded_by, event.date) == (world.family, world.asha, CALL_OUT)
    # Recording in the Workbook opens it, if no one had yet.
    assert Workbook.objects.filter(family=world.family).exists()


@pytest.mark.parametrize("who", ["asha", "dan", "fay", "maria"])
def test_any_worker_in_the_team_flags_an_event(world, who):
    assert flag(world, actor=getattr(world, who)).recorded_by == getattr(world, who)


def test_what_an_event_must_say(world):
    cases = [
        ({"date": None}, "date", "Enter the date of the event"),
        (
            {"date": TODAY + datetime.timedelta(days=1)},
            "date",
            "The date of the event must be today or in the past",
        ),
        ({"kind": "rumour"}, "kind", "Select what kind of event it was"),
        ({"what_happened": "   "}, "what_happened", "Enter what happened"),
        ({"what_happened": "x" * 4001}, "what_happened", "What happened must be 4000 characters or fewer"),
        ({"impact": ""}, "impact", "Select the impact on the children"),
        ({"person_ids": []}, "people", "Select who the event involved"),
        (
            {"person_ids": [FamilyMemberFactory().person.pk]},
            "people",
            "Select only people who are in the family now",
        ),
    ]
    for values, field, message in cases:
        with pytest.raises(ValidationError) as refused:
            flag(world, **values)
        assert refused.value.message_dict[field] == [message], values
    assert not SignificantEvent.objects.exists()


def test_an_event_before_a_childs_birth_is_accepted(world):
    # Domestic abuse in pregnancy is part of the unborn child's story: no check against births.
    event = flag(world, date=datetime.date(2019, 11, 1), person_ids=[world.emily.pk, world.dana.pk])

    assert event.date < world.emily.date_of_birth


def test_recording_an_event_is_audited_with_everyone_it_involved_as_subjects(world):
    event = flag(world, person_ids=[world.dana.pk, world.rob.pk, world.lindsey.pk])

    audit = AuditEvent.objects.get(action=AuditEvent.Action.CREATE, object_type="significantevent")
    assert audit.object_id == str(event.pk)
    subjects = set(AuditSubject.objects.filter(event=audit).values_list("kind", "subject_id"))
    assert subjects == {
        ("family", world.family.pk),
        ("person", world.dana.pk),
        ("person", world.rob.pk),
        ("person", world.lindsey.pk),
    }


def test_family_significant_events_between_dates_newest_first_in_two_queries(world):
    for day in (1, 5, 9, 12):
        flag(world, date=datetime.date(2025, 4, day))

    with CaptureQueriesContext(connection) as captured:
        events = family_significant_events(
            world.family, since=datetime.date(2025, 4, 2), until=datetime.date(2025, 4, 12), limit=2
        )
        people = [[p.first_name for p in e.people.all()] for e in events]

    assert [e.date.day for e in events] == [12, 9]
    assert people[0] == ["Rob", "Dana"]  # eldest first
    assert len(captured) == 2
    assert [e.date.day for e in family_significant_events(world.family)] == [12, 9, 5, 1]


# ---- Pages ------------------------------------------------------------------------------------------------


def list_url(world) -> str:
    return reverse("workbook:significant-events", args=[world.family.pk])


def new_url(world) -> str:
    return reverse("workbook:significant-event-record", args=[world.family.pk])


def post_data(world, **extra):
    return {
        "date_day": "5",
        "date_month": "4",
        "date_year": "2025",
        "kind": "police_da",
        "what_happened": "Police were called after a neighbour heard shouting.\nNo arrest was made.",
        "people": [str(world.dana.pk), str(world.rob.pk)],
        "impact": "high",
        "impact_on_child": "Peter rang the police himself.",
        **extra,
    }


def test_flagging_an_event_through_the_page(client, world):
    client.force_login(world.dan)

    response = client.post(new_url(world), post_data(world), follow=True)

    page = response.content.decode()
    assert response.redirect_chain[-1][0] == list_url(world)
    event = SignificantEvent.objects.get()
    assert event.recorded_by == world.dan
    # About the adults only: it shows in every child's chronology, and the banner says so.
    assert "Police call-out for domestic abuse on 5 April 2025 recorded." in page
    assert "It shows in the chronology of Peter, Lindsey and Emily." in page
    assert f'id="event-{event.pk}"' in page
    assert "No arrest was made." in page and "Peter rang the police himself." in page


def test_an_empty_form_says_what_to_enter(client, world):
    client.force_login(world.asha)

    page = client.post(new_url(world), {"impact_on_child": ""}).content.decode()

    for message in (
        "Enter the date of the event",
        "Select what kind of event it was",
        "Enter what happened",
        "Select who the event involved",
        "Select the impact on the children",
    ):
        assert message in page
    assert not SignificantEvent.objects.exists()


def test_the_list_is_newest_first_and_a_chronology_link_opens_the_page_holding_the_event(client, world):
    oldest = flag(world, date=datetime.date(2024, 1, 1), kind=SignificantEvent.Kind.HOUSE_MOVE)
    for n in range(30):
        flag(world, date=datetime.date(2025, 1, 1) + datetime.timedelta(days=n))
    client.force_login(world.asha)

    first = client.get(list_url(world)).content.decode()
    linked = client.get(list_url(world), {"event": str(oldest.pk)}).content.decode()
    nonsense = client.get(list_url(world), {"event": "<script>"})

    assert first.count('class="govuk-summary-card"') == 25
    assert f'id="event-{oldest.pk}"' not in first
    assert f'id="event-{oldest.pk}"' in linked and "House move" in linked
    assert nonsense.status_code == 200


def test_viewing_the_list_is_audited_naming_the_family(client, world):
    flag(world, person_ids=[world.dana.pk])
    client.force_login(world.maria)

    client.get(list_url(world))

    audit = AuditEvent.objects.filter(action=AuditEvent.Action.VIEW, actor=world.maria).latest("occurred_at")
    subjects = set(AuditSubject.objects.filter(event=audit).values_list("kind", "subject_id"))
    assert subjects == {("family", world.family.pk), ("person", world.dana.pk)}
    assert audit.detail["page"] == "significant events"


def test_the_list_costs_the_same_queries_for_few_or_many_events(client, world):
    client.force_login(world.asha)
    flag(world)
    with CaptureQueriesContext(connection) as small:
        client.get(list_url(world))
    for n in range(12):
        flag(
            world,
            date=datetime.date(2025, 2, 1) + datetime.timedelta(days=n),
            person_ids=[world.peter.pk, world.lindsey.pk, world.dana.pk],
        )
    with CaptureQueriesContext(connection) as big:
        client.get(list_url(world))

    assert len(big) == len(small), "\n".join(q["sql"] for q in big.captured_queries)


@pytest.mark.parametrize(
    ("who", "list_status", "form_status"),
    [
        ("asha", 200, 200),
        ("dan", 200, 200),
        ("fay", 200, 200),
        ("maria", 200, 200),
        # Business support of the team opens the family: it reads events, and flags none.
        ("bea", 200, 403),
        # Emergency access reads the family's ordinary records, events included, and records nothing.
        ("emergency", 200, 403),
        ("stranger", 404, 404),
    ],
)
def test_who_may_read_and_flag_significant_events(client, world, who, list_status, form_status):
    from safeguarding.accounts.tests.factories import UserFactory

    flag(world)
    users = {"emergency": lambda: emergency_worker(world), "stranger": lambda: UserFactory()}
    user = users[who]() if who in users else getattr(world, who)
    client.force_login(user)

    listed = client.get(list_url(world))
    assert listed.status_code == list_status
    if list_status == 200:
        assert "Police call-out for domestic abuse" in listed.content.decode()
    assert client.get(new_url(world)).status_code == form_status
    expected_post = 302 if form_status == 200 else form_status
    assert client.post(new_url(world), post_data(world)).status_code == expected_post
    assert SignificantEvent.objects.count() == (2 if form_status == 200 else 1)
