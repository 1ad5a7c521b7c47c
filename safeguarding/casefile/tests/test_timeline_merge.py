"""One thing that happened to several children is one entry of the family's timeline and chronology
(core.chronology's merge), named as a person would say it, with pages that neither repeat nor skip."""

from __future__ import annotations

import datetime
from types import SimpleNamespace

import pytest
from django.utils import timezone

from safeguarding.core import chronology as chronology_registry
from safeguarding.core.chronology import child_chronology, child_names, natural_list
from safeguarding.journey import models as journey
from safeguarding.people.tests.factories import FamilyFactory, FamilyMemberFactory

pytestmark = pytest.mark.django_db

BASE = timezone.localdate() - datetime.timedelta(days=300)


def day(n: int) -> datetime.date:
    return BASE + datetime.timedelta(days=n)


def test_natural_list():
    assert natural_list([]) == ""
    assert natural_list(["Peter"]) == "Peter"
    assert natural_list(["Peter", "Lindsey"]) == "Peter and Lindsey"
    assert natural_list(["Peter", "Lindsey", "Emily", "Amber"]) == "Peter, Lindsey, Emily and Amber"


def test_children_are_named_by_first_or_known_as_name_unless_two_share_it():
    people = [
        SimpleNamespace(pk=1, first_name="Peter", known_as="", full_name="Peter Lane"),
        SimpleNamespace(pk=2, first_name="Margaret", known_as="Peggy", full_name="Margaret Lane"),
        SimpleNamespace(pk=3, first_name="Sam", known_as="", full_name="Sam Lane"),
        SimpleNamespace(pk=4, first_name="Sam", known_as="", full_name="Sam Hale"),
    ]
    full, short = child_names(people)
    assert list(full) == [1, 2, 3, 4]
    assert short == {1: "Peter", 2: "Peggy", 3: "Sam Lane", 4: "Sam Hale"}


@pytest.fixture
def children():
    family = FamilyFactory()
    return [
        FamilyMemberFactory(family=family, person__first_name=name, person__last_name="Lane").person
        for name in ("Peter", "Lindsey", "Emily", "Amber")
    ]


def visit(child, n, seen=True):
    return journey.Visit.objects.create(child=child, date=day(n), child_seen=seen)


def chronology(children, **kwargs):
    names, short = child_names(children)
    return child_chronology(list(names), names=names, short_names=short, merge=True, **kwargs)


def test_the_same_event_of_several_children_is_one_entry_in_the_familys_order(children):
    for child in reversed(children):
        visit(child, 10)

    [entry] = chronology(children)

    assert entry.title == "Visit: child seen"
    assert entry.child_name == "Peter, Lindsey, Emily and Amber"
    assert [c.child_id for c in entry.children] == [c.pk for c in children]
    assert all(str(c.child_id) in c.link for c in entry.children)
    assert entry.link == entry.children[0].link


def test_events_that_differ_in_day_title_or_detail_stay_apart(children):
    peter, lindsey, emily, _ = children
    visit(peter, 10)
    visit(lindsey, 11)  # another day
    visit(emily, 10, seen=False)  # another title
    entries = chronology(children)
    assert sorted((e.date, e.title, e.child_name) for e in entries) == [
        (day(10), "Visit: child not seen", "Emily Lane"),
        (day(10), "Visit: child seen", "Peter Lane"),
        (day(11), "Visit: child seen", "Lindsey Lane"),
    ]
    assert all(not e.children for e in entries)


def test_a_childs_two_identical_events_stay_two_entries(children):
    peter, lindsey, _, _ = children
    visit(peter, 10)
    visit(peter, 10)
    visit(lindsey, 10)
    entries = chronology(children)
    assert sorted(e.child_name for e in entries) == ["Peter Lane", "Peter and Lindsey"]


def test_merged_pages_neither_repeat_nor_skip_and_cost_one_query(children, django_assert_num_queries):
    for n in range(12):
        for child in children[: 1 + n % 4]:
            visit(child, n)
    every = chronology(children)
    assert len(every) == 12

    # One query per registered provider of events, however many children and pages.
    with django_assert_num_queries(len(chronology_registry._REGISTRY)):
        first = chronology(children, limit=5)
    pages = [first] + [chronology(children, limit=5, offset=offset) for offset in (5, 10)]

    assert [e for page in pages for e in page] == every
    assert [len(page) for page in pages] == [5, 5, 2]


def test_a_page_reads_more_when_one_days_events_outnumber_what_it_read(children):
    # Five visits to each child on one day: twenty events, five entries of four children.
    for _ in range(5):
        for child in children:
            visit(child, 3)
    visit(children[0], 1)
    entries = chronology(children, limit=1)
    assert len(entries) == 1 and entries[0].child_name == "Peter, Lindsey, Emily and Amber"
    everyone = "Peter, Lindsey, Emily and Amber"
    assert [e.child_name for e in chronology(children)] == [everyone] * 5 + ["Peter Lane"]


def test_without_merge_each_childs_event_is_its_own_entry(children):
    for child in children:
        visit(child, 10)
    names, _ = child_names(children)
    assert len(child_chronology(list(names), names=names)) == 4
