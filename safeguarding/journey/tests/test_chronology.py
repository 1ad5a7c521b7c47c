"""The chronology: events from every journey record, newest first, filtered by kind, for one child or a whole
family, in one query for any number of children; and the provider registry other capabilities add to."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from safeguarding.audit.models import AuditEvent
from safeguarding.core import chronology
from safeguarding.core import chronology as chronology_registry
from safeguarding.core.chronology import ChronologyEvent, child_chronology
from safeguarding.journey import chronology as journey_chronology
from safeguarding.journey import models as journey
from safeguarding.people.tests.factories import FamilyMemberFactory

from .journeys import day, do, make_world
from .test_views import allocated

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    return make_world()


def titles(events) -> list[str]:
    return [event.title for event in events]


def test_events_come_newest_first_with_a_days_events_in_the_order_they_happened(world):
    do(
        world.sw,
        world.child,
        "referral",
        "assessment",
        "strategy-discussion",
        "initial-conference",
        "cp-plan",
    )
    journey.Visit.objects.create(child=world.child, date=day(12), child_seen=False)

    events = child_chronology([world.child.pk])

    assert [e.date for e in events] == sorted((e.date for e in events), reverse=True)
    assert titles(events) == [
        "Visit: child not seen",
        "Child protection plan started",  # the plan starts at the conference, the same day
        "Initial child protection conference",
        "Strategy discussion",
        "Assessment started",
        "Referral received",
    ]
    assert {e.child_name for e in events} == {world.child.full_name}


def test_events_say_what_the_record_says(world):
    do(world.sw, world.child, "referral", "assessment")
    assessment = journey.Assessment.objects.get()
    assessment.authorised_on, assessment.factors = day(20), ["3B", "1B"]
    assessment.save()
    journey.Visit.objects.create(child=world.child, date=day(21), child_seen=True, seen_alone=True)
    journey.Visit.objects.create(child=world.child, date=day(22), child_seen=True)
    do(world.sw, world.child, "looked-after")
    journey.MissingEpisode.objects.create(child=world.child, kind="A", start_date=day(70), end_date=day(71))

    by_title = {e.title: e for e in child_chronology([world.child.pk])}

    assert (
        by_title["Referral received"].detail
        == "From: Schools. Primary need: N1 Abuse, neglect and exploitation."
    )
    assert "3B Domestic abuse: a parent or carer is the subject" in by_title["Assessment authorised"].detail
    assert "Visit: child seen alone" in by_title and "Visit: child seen" in by_title
    started = by_title["Looked-after episode started"].detail
    assert "S Started to be looked after" in started and "C1 Interim care order" in started
    assert "U6 Foster placement with other carer: other" in started
    assert by_title["Away from placement without authorisation"].detail == f"Returned {day(71):%-d %B %Y}."
    assert by_title["Referral received"].link.endswith(
        f"#episodeofneed-{journey.EpisodeOfNeed.objects.get().pk}"
    )


def test_filter_by_kind(world):
    do(world.sw, world.child, "referral")
    journey.Visit.objects.create(child=world.child, date=day(3), child_seen=True)

    assert titles(child_chronology([world.child.pk], ["visit"])) == ["Visit: child seen"]
    assert titles(child_chronology([world.child.pk], ["referral"])) == ["Referral received"]
    assert child_chronology([world.child.pk], ["missing"]) == []


def test_closures_and_ends_are_events_of_their_own(world):
    do(world.sw, world.child, "referral", "strategy-discussion", "initial-conference", "cp-plan")
    plan = journey.ChildProtectionPlan.objects.get()
    plan.end_date, plan.end_reason = day(40), "step_down_cin"
    plan.save()
    episode = journey.EpisodeOfNeed.objects.get()
    episode.closure_date, episode.closure_reason = day(41), "RC7"
    episode.save()

    newest = child_chronology([world.child.pk], limit=2)

    assert titles(newest) == ["Referral closed", "Child protection plan ended"]
    assert "RC7" in newest[0].detail
    assert newest[1].detail == "Stepped down to a child in need plan."


def test_one_query_for_one_child_or_many(world, django_assert_num_queries):
    children = [world.child] + [FamilyMemberFactory(family=world.family).person for _ in range(4)]
    for child in children:
        journey.Visit.objects.create(child=child, date=day(1), child_seen=True)
        journey.EpisodeOfNeed.objects.create(child=child, referral_date=day(0), referral_source="6")
    names = {child.pk: child.full_name for child in children}

    # One query per registered provider (the journey's, and the Workbook's significant events), whatever
    # the number of children.
    providers = len(chronology_registry._REGISTRY)
    with django_assert_num_queries(providers):
        one = child_chronology([world.child.pk], names=names)
    with django_assert_num_queries(providers):
        many = child_chronology(list(names), names=names)
    with django_assert_num_queries(providers + 1):  # and one more for the names when the caller has not
        child_chronology(list(names))

    assert len(one) == 2 and len(many) == 10


def test_pages_of_events_neither_repeat_nor_skip(world):
    for n in range(7):
        journey.Visit.objects.create(child=world.child, date=day(n // 2), child_seen=True)
    every = child_chronology([world.child.pk])
    pages = [child_chronology([world.child.pk], limit=3, offset=offset) for offset in (0, 3, 6)]
    assert [e for page in pages for e in page] == every


# --- the registry --------------------------------------------------------------------------------------


@pytest.fixture
def significant_events():
    def provider(child_ids, kinds, limit):
        return [
            ChronologyEvent(
                date=datetime.date(2020, 1, 1),
                kind="test-significant",
                kind_label="Significant",
                title="Old event",
                child_id=child_id,
            )
            for child_id in child_ids
        ] + [
            ChronologyEvent(
                date=timezone.localdate(),
                kind="test-significant",
                kind_label="Significant",
                title="New event",
                child_id=child_id,
            )
            for child_id in child_ids
        ]

    chronology.register(provider, kinds={"test-significant": "Significant events"})
    yield provider
    chronology.unregister(provider)


def test_a_registered_provider_adds_its_events_in_date_order_and_to_the_filter(world, significant_events):
    do(world.sw, world.child, "referral")

    events = child_chronology([world.child.pk])

    assert titles(events) == ["New event", "Referral received", "Old event"]
    assert events[0].child_name == world.child.full_name
    assert titles(child_chronology([world.child.pk], ["test-significant"])) == ["New event", "Old event"]
    assert titles(child_chronology([world.child.pk], ["referral"])) == ["Referral received"]
    assert chronology.all_kinds()["test-significant"] == "Significant events"


def test_a_provider_is_not_asked_for_kinds_it_does_not_give(world):
    calls = []

    def provider(child_ids, kinds, limit):
        calls.append(kinds)
        return []

    chronology.register(provider, kinds={"test-other": "Other"})
    try:
        child_chronology([world.child.pk], ["visit"])
        child_chronology([world.child.pk])
    finally:
        chronology.unregister(provider)
    assert calls == [None]
    assert "test-other" not in chronology.all_kinds()


def test_two_providers_cannot_claim_the_same_kind():
    with pytest.raises(ValueError, match="already registered"):
        chronology.register(lambda child_ids, kinds, limit: [], kinds={"visit": "Visits again"})


# --- the pages -----------------------------------------------------------------------------------------


def test_the_childs_chronology_page_shows_a_timeline_and_filters_without_javascript(client, world):
    do(world.sw, world.child, "referral")
    journey.Visit.objects.create(child=world.child, date=day(3), child_seen=True)
    client.force_login(world.sw)
    url = reverse("journey:child-chronology", args=[world.child.pk])

    body = client.get(url).content.decode()
    assert 'class="moj-timeline"' in body
    assert body.index("Visit: child seen") < body.index("Referral received")
    assert f'<time datetime="{day(3):%Y-%m-%d}">{day(3):%-d %B %Y}</time>' in body
    assert 'name="kind" type="checkbox" value="visit"' in body

    filtered = client.get(url, {"kind": "visit"}).content.decode()
    assert "Visit: child seen" in filtered and "Referral received" not in filtered
    assert 'value="visit" checked' in filtered and "Clear filter" in filtered


def test_an_unknown_kind_in_the_filter_is_explained_and_everything_shown(client, world):
    do(world.sw, world.child, "referral")
    client.force_login(world.sw)
    response = client.get(reverse("journey:child-chronology", args=[world.child.pk]), {"kind": "<b>nope</b>"})
    assert response.status_code == 200
    body = response.content.decode()
    assert "Select kinds of event from the list" in body
    assert "Referral received" in body and "<b>nope</b>" not in body


def test_a_long_chronology_is_paged(client, world):
    for n in range(105):
        journey.Visit.objects.create(child=world.child, date=day(n % 140), child_seen=True)
    client.force_login(world.sw)
    url = reverse("journey:child-chronology", args=[world.child.pk])

    first = client.get(url).content.decode()
    assert first.count('class="moj-timeline__item"') == 100
    assert "Older events" in first and "Newer events" not in first
    second = client.get(url, {"page": "2"}).content.decode()
    assert second.count('class="moj-timeline__item"') == 5 and "Newer events" in second
    assert client.get(url, {"page": "x"}).status_code == 200
    assert "There are no more events" in client.get(url, {"page": "99"}).content.decode()


def test_the_family_chronology_has_every_childs_events_with_their_names(client, world):
    sibling = FamilyMemberFactory(family=world.family, person__first_name="Noah").person
    do(world.sw, world.child, "referral")
    journey.Visit.objects.create(child=sibling, date=day(5), child_seen=True)
    client.force_login(world.sw)

    response = client.get(reverse("journey:family-chronology", args=[world.family.pk]))

    body = response.content.decode()
    assert "Referral received" in body and f"for {world.child.full_name}" in body
    assert "Visit: child seen" in body and f"for {sibling.full_name}" in body
    event = AuditEvent.objects.filter(actor=world.sw, action=AuditEvent.Action.VIEW).latest("id")
    assert event.object_type == "family" and event.family_id == world.family.pk


def test_the_family_chronology_leaves_out_the_adults_and_children_who_have_left(client, world):
    gone = FamilyMemberFactory(family=world.family, left_on=day(1)).person
    journey.Visit.objects.create(child=gone, date=day(5), child_seen=True)
    client.force_login(world.sw)
    body = client.get(reverse("journey:family-chronology", args=[world.family.pk])).content.decode()
    assert gone.full_name not in body
    assert "No events recorded" in body


def test_a_partner_agency_practitioner_sees_the_chronology_of_a_family_they_work_with(client, world):
    do(world.sw, world.child, "referral")
    client.force_login(allocated(world, partner=True))
    assert client.get(reverse("journey:family-chronology", args=[world.family.pk])).status_code == 200
    assert client.get(reverse("journey:child-chronology", args=[world.child.pk])).status_code == 200


def test_the_compiled_chronology_is_reused_for_other_children_and_shows_only_their_events(world):
    """The union's SQL is compiled once for a number of children and run with the real ids: a second child
    asked for with the same shape of query must get their own events, never the first child's."""
    other = FamilyMemberFactory(family=world.family, member_type="child").person
    do(world.sw, world.child, "referral")
    do(world.sw, other, "referral", "assessment")
    journey_chronology._compiled.cache_clear()

    first = child_chronology([world.child.pk], limit=10)
    second = child_chronology([other.pk], limit=10)

    assert journey_chronology._compiled.cache_info().hits >= 1
    assert {e.child_id for e in first} == {world.child.pk}
    assert {e.child_id for e in second} == {other.pk}
    assert "Assessment started" in titles(second) and "Assessment started" not in titles(first)
    assert all(isinstance(e.date, datetime.date) for e in first + second)
