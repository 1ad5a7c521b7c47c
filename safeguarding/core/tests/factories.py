"""factory_boy factories for the whole test suite. Synthetic data only.

NHS numbers come from the 999 range the NHS sets aside for testing and always carry a correct modulus 11
check digit; postcodes use the non-existent DB area, like the demo council.

    sw = UserFactory(team=team)                                  # a council social worker in `team`
    dan = UserFactory(partner=True, team=team)                   # an adult practitioner from a charity
    AllocationFactory(family=family, worker=sw, case_role=CaseRole.LEAD_SOCIAL_WORKER)
    FamilyMemberFactory(family=family)                           # a child in the family
    FamilyMemberFactory(family=family, adult=True)               # an adult in the family
"""

from __future__ import annotations

import datetime

import factory
from django.utils import timezone
from factory.django import DjangoModelFactory

from safeguarding.accounts.models import Organisation, Team, User
from safeguarding.allocation.models import Allocation, CaseRole
from safeguarding.people.identifiers import nhs_number_check_digit
from safeguarding.people.models import Address, Family, FamilyMember, Person, Relationship

TEST_PASSWORD = "synthetic-test-password-1"
COUNCIL_NAME = "Synthetic Borough Council"
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


class OrganisationFactory(DjangoModelFactory):
    """The council by default (one shared row); `PartnerOrganisationFactory` for a partner agency."""

    class Meta:
        model = Organisation
        django_get_or_create = ("name",)

    name = COUNCIL_NAME
    kind = Organisation.Kind.COUNCIL

    class Params:
        partner = factory.Trait(
            name=factory.Sequence(lambda n: f"Synthetic Partner Agency {n}"), kind=Organisation.Kind.CHARITY
        )


class PartnerOrganisationFactory(OrganisationFactory):
    """A partner agency that employs adult practitioners: kind=charity, nhs_trust, probation, ..."""

    name = factory.Sequence(lambda n: f"Synthetic Partner Agency {n}")
    kind = Organisation.Kind.CHARITY


class TeamFactory(DjangoModelFactory):
    class Meta:
        model = Team

    name = factory.Sequence(lambda n: f"Team {n} Family Safeguarding")
    organisation = factory.SubFactory(OrganisationFactory)


class UserFactory(DjangoModelFactory):
    """A member of staff, a council social worker in a new team unless told otherwise.

    `partner=True` makes an adult practitioner employed by a partner agency (a charity unless
    `organisation` is given); `superuser=True` makes a system administrator with Django superuser rights.
    The password is TEST_PASSWORD.
    """

    class Meta:
        model = User

    username = factory.Sequence(lambda n: f"user{n}")
    first_name = factory.Faker("first_name", locale="en_GB")
    last_name = factory.Faker("last_name", locale="en_GB")
    email = factory.LazyAttribute(lambda o: f"{o.username}@test.invalid")
    role = User.Role.SOCIAL_WORKER
    team = factory.SubFactory(TeamFactory)
    organisation = factory.LazyAttribute(lambda o: o.team.organisation if o.team else OrganisationFactory())
    password = factory.django.Password(TEST_PASSWORD)
    is_active = True

    class Params:
        partner = factory.Trait(
            role=User.Role.ADULT_PRACTITIONER,
            organisation=factory.SubFactory(PartnerOrganisationFactory),
        )
        superuser = factory.Trait(
            role=User.Role.SYSTEM_ADMINISTRATOR, team=None, is_staff=True, is_superuser=True
        )


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


class AllocationFactory(DjangoModelFactory):
    """A current allocation of a worker in the family's team, as a (non-lead) social worker by default."""

    class Meta:
        model = Allocation

    family = factory.SubFactory(FamilyFactory)
    worker = factory.SubFactory(UserFactory, team=factory.SelfAttribute("..family.team"))
    case_role = CaseRole.SOCIAL_WORKER
    start_date = factory.LazyFunction(lambda: TODAY() - datetime.timedelta(days=30))
    end_date = None

    class Params:
        ended = factory.Trait(
            end_date=factory.LazyFunction(lambda: TODAY() - datetime.timedelta(days=1)),
            end_reason="Case transferred",
        )
