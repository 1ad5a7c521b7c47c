"""Row links reversed once (core.urls) and queries compiled once with the day swapped in (core.compiled)."""

from __future__ import annotations

import datetime
import uuid

import pytest
from django.urls import reverse

from safeguarding.core.compiled import as_uuid, compile_for_ids
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
