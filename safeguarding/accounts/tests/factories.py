"""factory_boy factories for staff and the organisations they work for. Synthetic data only.

    sw = UserFactory(team=team)                                  # a council social worker in `team`
    dan = UserFactory(partner=True, team=team)                   # an adult practitioner from a charity

Each app's tests keep the factories for its own models: families and people in
`safeguarding.people.tests.factories`, allocations in `safeguarding.allocation.tests.factories`, the
statutory journey in `safeguarding.journey.tests.factories`.
"""

from __future__ import annotations

import factory
from factory.django import DjangoModelFactory

from safeguarding.accounts.models import Organisation, Team, User

TEST_PASSWORD = "synthetic-test-password-1"
COUNCIL_NAME = "Synthetic Borough Council"


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
