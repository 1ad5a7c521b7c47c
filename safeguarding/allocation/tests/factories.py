"""factory_boy factories for allocations of workers to families. Synthetic data only.

AllocationFactory(family=family, worker=sw, case_role=CaseRole.LEAD_SOCIAL_WORKER)
"""

from __future__ import annotations

import datetime

import factory
from django.utils import timezone
from factory.django import DjangoModelFactory

from safeguarding.accounts.tests.factories import UserFactory
from safeguarding.allocation.models import Allocation, CaseRole
from safeguarding.people.tests.factories import FamilyFactory

TODAY = timezone.localdate


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
