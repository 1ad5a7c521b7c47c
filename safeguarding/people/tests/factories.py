"""factory_boy factories for families, people and their addresses. Synthetic data only.

NHS numbers come from the 999 range the NHS sets aside for testing and always carry a correct modulus 11
check digit; postcodes use the non-existent DB area, like the demo council.

    FamilyMemberFactory(family=family)                           # a child in the family
    FamilyMemberFactory(family=family, adult=True)               # an adult in the family
"""

from __future__ import annotations

import datetime

import factory
from django.utils import timezone
from factory.django import DjangoModelFactory

from safeguarding.accounts.tests.factories import TeamFactory
from safeguarding.people.identifiers import nhs_number_check_digit
from safeguarding.people.models import Address, Family, FamilyMember, Person, Relationship

TODAY = timezone.localdate


def synthetic_nhs_number(n: int) -> str:
    """The n-th valid NHS number in the 999 test range; different n give different numbers.

    Each n owns a block of ten candidates. Within ten consecutive numbers the weighted sum moves in steps
    of 2 (the ninth digit's weight), which are distinct modulo 11, so at most one candidate is invalid.
    """
    base = (n % 100_000) * 10
    for offset in range(10):
        first_nine = f"999{base + offset:06d}"
        check = nhs_number_check_digit(first_nine)
        if check is not None:
            return first_nine + str(check)
    raise AssertionError("unreachable: a block of ten always holds a valid NHS number")


class FamilyFactory(DjangoModelFactory):
    class Meta:
        model = Family

    name = factory.Sequence(lambda n: f"Testfamily{n} family")
    reference = factory.Sequence(lambda n: f"TST-{n:06d}")
    team = factory.SubFactory(TeamFactory)


class PersonFactory(DjangoModelFactory):
    """A child of primary-school age by default; pass date_of_birth for an adult."""

    class Meta:
        model = Person

    first_name = factory.Faker("first_name", locale="en_GB")
    last_name = factory.Sequence(lambda n: f"Surname{n}")
    date_of_birth = factory.Sequence(lambda n: datetime.date(2016, 1, 1) + datetime.timedelta(days=n % 1500))
    sex = "U"
    nhs_number = factory.Sequence(synthetic_nhs_number)
    council_id = factory.Sequence(lambda n: f"T{n:07d}")


class FamilyMemberFactory(DjangoModelFactory):
    """A person's membership of a family: a child by default, `adult=True` for an adult (born 1990)."""

    class Meta:
        model = FamilyMember

    family = factory.SubFactory(FamilyFactory)
    member_type = FamilyMember.MemberType.CHILD
    person = factory.SubFactory(PersonFactory)
    joined_on = factory.LazyFunction(lambda: TODAY() - datetime.timedelta(days=365))

    class Params:
        adult = factory.Trait(
            member_type=FamilyMember.MemberType.ADULT,
            person=factory.SubFactory(PersonFactory, date_of_birth=datetime.date(1990, 6, 15)),
        )


class RelationshipFactory(DjangoModelFactory):
    class Meta:
        model = Relationship

    person = factory.SubFactory(PersonFactory, date_of_birth=datetime.date(1990, 6, 15))
    relative = factory.SubFactory(PersonFactory)
    kind = Relationship.Kind.MOTHER


class AddressFactory(DjangoModelFactory):
    class Meta:
        model = Address

    person = factory.SubFactory(PersonFactory)
    line_1 = factory.Sequence(lambda n: f"{n % 200 + 1} Synthetic Street")
    town = "Demoborough"
    postcode = factory.Sequence(lambda n: f"DB{n % 9 + 1} {n % 9 + 1}AA")
    moved_in_on = factory.LazyFunction(lambda: TODAY() - datetime.timedelta(days=400))
