"""Search by name finds the same people in the same order on SQLite and PostgreSQL (issue #8).

On PostgreSQL the people matching a name term are looked up field by field from the trigram indexes
before the rest of the search runs (casefile/selectors.py); these pin what that must not change: which
fields a term matches, the order of the results, the first SEARCH_RESULT_LIMIT of them and the 'more'
flag, and that only people the user may see are found."""

import datetime

import pytest

from safeguarding.accounts.tests.factories import TeamFactory, UserFactory
from safeguarding.casefile.selectors import SEARCH_RESULT_LIMIT, search_people
from safeguarding.people.models import Person
from safeguarding.people.tests.factories import FamilyFactory, FamilyMemberFactory, PersonFactory

pytestmark = pytest.mark.django_db


def member(family, **fields):
    return FamilyMemberFactory(family=family, person=PersonFactory(**fields)).person


def names(people) -> list[tuple]:
    return [(p.last_name, p.first_name, p.date_of_birth) for p in people]


def test_a_term_matches_any_part_of_a_first_last_or_known_as_name_or_a_whole_council_id():
    manager = UserFactory(role="service_manager", team=None)
    family = FamilyFactory()
    found = {
        member(family, first_name="Ann", last_name="Arrowsmith").pk,
        member(family, first_name="Smithy", last_name="Jones").pk,
        member(family, first_name="Zoe", last_name="Brown", known_as="Smitty Smith").pk,
        member(family, first_name="Leo", last_name="SMITHSON").pk,
        member(family, first_name="Eve", last_name="Green", council_id="SMITH").pk,
    }
    member(family, first_name="Sam", last_name="Smyth", council_id="SMITH1")
    member(family, first_name="Mia", last_name="Smit")

    people, more = search_people(manager, "smith")

    assert {p.pk for p in people} == found
    assert more is False


def test_results_are_in_surname_first_name_birth_order_and_stop_at_the_limit():
    manager = UserFactory(role="service_manager", team=None)
    family = FamilyFactory()
    born = datetime.date(2015, 5, 1)
    # Matched through different fields, created out of order, with ties on surname and first name.
    for i in range(SEARCH_RESULT_LIMIT + 5):
        member(
            family,
            first_name=("Ava", "Ben", "Cal")[i % 3],
            last_name=("Smith", "Goldsmith", "Smithers", "Blacksmith")[i % 4],
            date_of_birth=born - datetime.timedelta(days=i * 7 % 30),
        )
    member(family, first_name="Smithy", last_name="Aaron")
    member(family, first_name="Zed", last_name="Zulu", known_as="Smithie")
    member(family, first_name="Ned", last_name="Other")

    people, more = search_people(manager, "Smith")

    assert more is True
    assert len(people) == SEARCH_RESULT_LIMIT
    everyone = sorted(
        _all_matching("smith"),
        key=lambda p: (p.last_name, p.first_name, p.date_of_birth, p.pk),
    )
    assert [p.pk for p in people] == [p.pk for p in everyone[:SEARCH_RESULT_LIMIT]]
    assert names(people)[0] == ("Aaron", "Smithy", people[0].date_of_birth)
    assert ("Zulu", "Zed") not in [(p.last_name, p.first_name) for p in people]


def _all_matching(term):
    term = term.lower()
    return [
        p
        for p in Person.objects.all()
        if term in p.first_name.lower() or term in p.last_name.lower() or term in p.known_as.lower()
    ]


def test_every_term_must_match_and_a_date_narrows_by_birth():
    manager = UserFactory(role="service_manager", team=None)
    family = FamilyFactory()
    mia = member(family, first_name="Mia", last_name="Carter", date_of_birth=datetime.date(2019, 4, 3))
    member(family, first_name="Mia", last_name="Carter", date_of_birth=datetime.date(2018, 1, 9))
    member(family, first_name="Mia", last_name="Jones")
    member(family, first_name="Tom", last_name="Carter")

    assert [p.pk for p in search_people(manager, "Carter Mia 03/04/2019")[0]] == [mia.pk]
    assert len(search_people(manager, "mia carter")[0]) == 2
    assert len(search_people(manager, "carter")[0]) == 3


def test_only_people_in_families_the_worker_may_see_are_found():
    team = TeamFactory()
    worker = UserFactory(role="team_manager", team=team)
    seen = member(FamilyFactory(team=team), first_name="Ivy", last_name="Hollingsworth")
    member(FamilyFactory(team=TeamFactory()), first_name="Ada", last_name="Hollingsworth")

    people, more = search_people(worker, "Hollingsworth")

    assert [p.pk for p in people] == [seen.pk]
    assert more is False
