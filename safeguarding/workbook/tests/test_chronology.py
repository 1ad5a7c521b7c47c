"""Significant events in the children's chronology beside their statutory events: in each named child's,
in every current child's when only adults are named, merged into one entry on a family's chronology, in one
query for any number of children."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse

from safeguarding.core.chronology import all_kinds, child_chronology
from safeguarding.people.tests.factories import FamilyMemberFactory
from safeguarding.workbook.chronology import KIND, significant_events
from safeguarding.workbook.models import SignificantEvent

from .test_sessions import make_family
from .test_significant_events import CALL_OUT, flag

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    return make_family()


def ours(events):
    return [e for e in events if e.kind == KIND]


def test_the_kind_is_registered_for_the_chronology_filter():
    assert all_kinds()[KIND] == "Significant events"


def test_an_event_shows_for_each_child_it_names_and_no_other(world):
    event = flag(world, kind=SignificantEvent.Kind.MISSING, person_ids=[world.lindsey.pk])

    lindseys = ours(child_chronology([world.lindsey.pk]))
    peters = ours(child_chronology([world.peter.pk]))

    assert peters == []
    [entry] = lindseys
    assert entry.title == "Child missing"
    assert entry.date == CALL_OUT
    assert entry.child_id == world.lindsey.pk
    assert entry.link == (
        reverse("workbook:significant-events", args=[world.family.pk]) + f"?event={event.pk}#event-{event.pk}"
    )


def test_an_event_naming_only_adults_shows_for_every_child_in_the_family_now(world):
    left = FamilyMemberFactory(family=world.family, left_on=datetime.date(2025, 1, 1)).person
    flag(world, person_ids=[world.dana.pk, world.rob.pk])

    for child in world.children:
        [entry] = ours(child_chronology([child.pk]))
        assert entry.title == "Police call-out for domestic abuse"
    # A child who has left the family is not part of what happens in it now.
    assert ours(child_chronology([left.pk])) == []


def test_an_event_naming_a_child_and_adults_shows_only_for_that_child(world):
    flag(world, person_ids=[world.dana.pk, world.emily.pk])

    assert len(ours(child_chronology([world.emily.pk]))) == 1
    assert ours(child_chronology([world.peter.pk, world.lindsey.pk])) == []


def test_the_detail_is_the_first_line_of_what_happened_and_the_impact(world):
    flag(
        world,
        what_happened="\n  Police called at 11pm after shouting\nThe father left before they arrived.",
        impact=SignificantEvent.Impact.MEDIUM,
    )

    [entry] = ours(child_chronology([world.peter.pk]))

    assert entry.detail == "Police called at 11pm after shouting. Medium impact: the plan needs to respond."


def test_a_family_chronology_merges_an_event_into_one_entry_naming_the_children(world):
    flag(world)
    names = {c.pk: c.full_name for c in world.children}
    short = {c.pk: c.first_name for c in world.children}

    merged = ours(child_chronology(list(names), names=names, merge=True, short_names=short))

    [entry] = merged
    assert entry.child_name == "Peter, Lindsey and Emily"
    assert [c.child_id for c in entry.children] == [c.pk for c in world.children]


def test_events_sit_beside_statutory_events_newest_first(world):
    flag(world, date=datetime.date(2025, 3, 20))

    events = child_chronology([world.peter.pk])

    titles = [e.title for e in events]
    # The plan started at the conference on 24 March; the call-out came four days before.
    assert titles.index("Child protection plan started") < titles.index("Police call-out for domestic abuse")
    assert [e.date for e in events] == sorted((e.date for e in events), reverse=True)


def test_one_query_for_one_child_or_many_and_the_limit_is_honoured(world, django_assert_num_queries):
    for n in range(6):
        flag(world, date=datetime.date(2025, 4, 1) + datetime.timedelta(days=n))
        flag(world, date=datetime.date(2025, 3, 1) + datetime.timedelta(days=n), person_ids=[world.peter.pk])
    ids = [c.pk for c in world.children]

    with django_assert_num_queries(1):
        one = list(significant_events([world.peter.pk], None, None))
    with django_assert_num_queries(1):
        many = list(significant_events(ids, None, None))
    with django_assert_num_queries(1):
        newest = list(significant_events(ids, None, 4))

    assert len(one) == 12 and len(many) == 6 * 3 + 6
    assert len(newest) == 4
    assert [e.date for e in newest] == [datetime.date(2025, 4, 6)] * 3 + [datetime.date(2025, 4, 5)]


def test_asking_for_other_kinds_reads_nothing(world, django_assert_num_queries):
    flag(world)

    with django_assert_num_queries(0):
        assert significant_events([world.peter.pk], frozenset({"visit"}), None) == []


# ---- The pages ------------------------------------------------------------------------------------------


def test_the_family_page_timeline_shows_the_event_once_for_all_the_children(client, world):
    flag(world, date=datetime.date(2025, 4, 14))
    client.force_login(world.asha)

    page = client.get(reverse("casefile:family-detail", args=[world.family.pk])).content.decode()

    timeline = page[page.index('id="timeline"') :]
    assert timeline.count("Police call-out for domestic abuse") == 1
    assert "for Peter, Lindsey and Emily" in timeline


def test_the_child_and_family_chronology_pages_show_the_event(client, world):
    flag(world, person_ids=[world.peter.pk])
    client.force_login(world.fay)

    childs = client.get(reverse("journey:child-chronology", args=[world.peter.pk])).content.decode()
    family = client.get(reverse("journey:family-chronology", args=[world.family.pk])).content.decode()
    lindseys = client.get(reverse("journey:child-chronology", args=[world.lindsey.pk])).content.decode()
    filtered = client.get(
        reverse("journey:child-chronology", args=[world.peter.pk]), {"kind": "visit"}
    ).content.decode()

    assert "Police call-out for domestic abuse" in childs
    assert "Police call-out for domestic abuse" in family
    assert "Police call-out for domestic abuse" not in lindseys
    assert "Police call-out for domestic abuse" not in filtered
