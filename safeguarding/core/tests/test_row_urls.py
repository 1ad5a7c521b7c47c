"""Row links reversed once (core.urls) and queries compiled once with the day swapped in (core.compiled)."""

from __future__ import annotations

import datetime
import uuid

import pytest
from django.db import connection
from django.db.models import F
from django.urls import reverse

from safeguarding.allocation.models import Allocation
from safeguarding.allocation.tests.factories import AllocationFactory
from safeguarding.core.compiled import as_uuid, compile_for_ids, compile_models
from safeguarding.core.urls import RowUrls
from safeguarding.people.models import FamilyMember
from safeguarding.people.tests.factories import FamilyMemberFactory


def test_each_row_gets_the_link_reverse_would_give_it():
    urls = RowUrls()
    families = [uuid.uuid4() for _ in range(3)]
    people = [uuid.uuid4() for _ in range(3)]
    for family_id, person_id in zip(families, people, strict=True):
        person_url = reverse("casefile:person-detail", args=[person_id])
        assert urls("casefile:person-detail", person_id) == person_url
        assert urls("casefile:address-create", family_id, person_id) == reverse(
            "casefile:address-create", args=[family_id, person_id]
        )


def test_ids_it_cannot_place_safely_are_reversed_in_full():
    urls = RowUrls()
    same = uuid.uuid4()
    other = uuid.uuid4()
    # The same id twice: the split cannot tell which place is which, so every call reverses.
    twice = reverse("casefile:address-create", args=[same, same])
    assert urls("casefile:address-create", same, same) == twice
    assert urls("casefile:address-create", other, same) == reverse(
        "casefile:address-create", args=[other, same]
    )
    # An id given as text is reversed (and checked by the URL's converter) every time.
    assert urls("casefile:person-detail", str(other)) == reverse("casefile:person-detail", args=[other])


@pytest.mark.django_db
def test_a_compiled_query_takes_each_runs_date_not_the_one_it_was_compiled_with():
    member = FamilyMemberFactory(joined_on=datetime.date(2026, 3, 1))

    def build(ids, day):
        return FamilyMember.objects.filter(family_id=ids[0], joined_on__lt=day).values("pk")

    compiled = compile_for_ids(build, 1, dates=1)
    # Compiled once, run on two days: only the later one sees the member who joined in between.
    _, before = compiled.run([member.family_id], [datetime.date(2026, 2, 1)])
    _, after = compiled.run([member.family_id], [datetime.date(2026, 4, 1)])
    assert before == []
    assert [as_uuid(pk) for (pk,) in after] == [member.pk]


@pytest.mark.django_db
def test_a_query_without_the_stand_in_date_is_refused():
    def build(ids, day):
        return FamilyMember.objects.filter(family_id=ids[0]).values("pk")

    with pytest.raises(ValueError):
        compile_for_ids(build, 1, dates=1)


@pytest.mark.django_db
def test_a_compiled_model_query_gives_what_the_orm_gives_for_each_runs_ids_and_numbers(
    django_assert_num_queries,
):
    first = FamilyMemberFactory(adult=True)
    second = FamilyMemberFactory(adult=True)
    allocations = {}
    for member in (first, second):
        allocation = AllocationFactory(family=member.family)
        allocation.works_with.add(member.person)
        allocations[member.family_id] = allocation

    def build(ids, worker_id):
        return (
            Allocation.objects.filter(family_id=ids[0], worker_id=worker_id)
            .select_related("worker__team")
            .prefetch_related("works_with")
        )

    # Compiled once with stand-ins, run for two families and workers: each run's own rows, with their
    # related objects and prefetches, in the queries the ORM would make (the allocations, the prefetch).
    compiled = compile_models(build, 1, numbers=1)
    for member in (first, second):
        allocation = allocations[member.family_id]
        with django_assert_num_queries(2):
            found = list(compiled.queryset([member.family_id], numbers=[allocation.worker_id]))
            assert [a.pk for a in found] == [allocation.pk]
            assert found[0].worker.team == allocation.worker.team
            assert list(found[0].works_with.all()) == [member.person]
    # Another worker's id finds nothing.
    assert list(compiled.queryset([first.family_id], numbers=[allocations[second.family_id].worker_id])) == []


@pytest.mark.django_db
def test_a_query_without_the_stand_in_number_is_refused():
    def build(ids, number):
        return FamilyMember.objects.filter(family_id=ids[0])

    with pytest.raises(ValueError):
        compile_models(build, 1, numbers=1)


@pytest.mark.django_db
@pytest.mark.skipif(
    connection.vendor != "postgresql", reason="psycopg converts placeholders on PostgreSQL only"
)
@pytest.mark.parametrize(
    ("count", "columns"),
    [(120, 0), (1, 150)],
    ids=["over 50 parameters", "over 4,096 characters"],
)
def test_psycopg_converts_a_long_compiled_query_once_not_on_every_run(count, columns):
    """The family timeline's query is over 4,096 characters and 50 parameters, which psycopg does not
    remember by default: it was tokenized again on every page (core.compiled). A query over either
    limit, run twice, is converted once."""
    from psycopg import _queries

    def build(ids):
        names = {f"name_{n}": F("person__first_name") for n in range(columns)}
        return FamilyMember.objects.filter(person_id__in=ids).annotate(**names).values_list("pk", *names)

    compiled = compile_for_ids(build, count)
    assert len(compiled.sql) > 4_096 or len(compiled.params) > 50
    ids = [uuid.uuid4() for _ in range(count)]
    compiled.run(ids)
    hits = _queries._query2pg.cache_info().hits
    compiled.run(ids)
    assert _queries._query2pg.cache_info().hits == hits + 1
