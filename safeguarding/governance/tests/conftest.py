"""A small council for the audit pages' tests, and a way to write events as if at another time."""

from __future__ import annotations

import contextlib
import datetime
import types

import pytest
from django.utils import timezone

from safeguarding.accounts.tests.factories import TeamFactory, UserFactory
from safeguarding.allocation.models import CaseRole
from safeguarding.allocation.tests.factories import AllocationFactory
from safeguarding.audit import services
from safeguarding.people.tests.factories import (
    AddressFactory,
    FamilyFactory,
    FamilyMemberFactory,
    RelationshipFactory,
)


@pytest.fixture
def council(db):
    """The Carter family in the North team (Mia, her brother Leo and their mother Dana), the Other
    family in the South team, and staff in every role the audit pages care about."""
    north, south = (
        TeamFactory(name="North Family Safeguarding Team"),
        TeamFactory(name="South Family Safeguarding"),
    )
    carter = FamilyFactory(team=north, name="Carter family", reference="FAM-CARTER")
    mia = FamilyMemberFactory(
        family=carter, person__first_name="Mia", person__last_name="Carter", person__council_id="C0000001"
    ).person
    leo = FamilyMemberFactory(
        family=carter, person__first_name="Leo", person__last_name="Carter", person__council_id="C0000002"
    ).person
    dana = FamilyMemberFactory(
        family=carter, adult=True, person__first_name="Dana", person__last_name="Carter"
    ).person
    RelationshipFactory(person=dana, relative=mia)
    AddressFactory(person=mia, line_1="1 Mia Street")
    AddressFactory(person=leo, line_1="9 Leo Lane")
    other = FamilyFactory(team=south, name="Other family", reference="FAM-OTHER")
    stranger = FamilyMemberFactory(
        family=other, person__first_name="Sam", person__last_name="Stranger", person__council_id="C0000099"
    ).person
    AddressFactory(person=stranger, line_1="99 Stranger Road")
    worker = UserFactory(team=north, username="asha", first_name="Asha", last_name="Patel")
    AllocationFactory(family=carter, worker=worker, case_role=CaseRole.LEAD_SOCIAL_WORKER)
    return types.SimpleNamespace(
        north=north,
        south=south,
        carter=carter,
        mia=mia,
        leo=leo,
        dana=dana,
        other=other,
        stranger=stranger,
        worker=worker,
        manager=UserFactory(
            role="team_manager", team=north, username="maria", first_name="Maria", last_name="Santos"
        ),
        other_manager=UserFactory(role="team_manager", team=south, username="tom.south"),
        service_manager=UserFactory(role="service_manager", team=None, username="owen", first_name="Owen"),
        auditor=UserFactory(
            role="auditor", team=None, username="alex", first_name="Alex", last_name="Morgan"
        ),
        outsider=UserFactory(team=south, username="ben", first_name="Ben", last_name="Turner"),
    )


@pytest.fixture
def recorded_at(monkeypatch):
    """`with recorded_at(when): audit_record(...)` writes the event as if at `when` (events cannot be
    back-dated after they are written: the log refuses changes)."""

    @contextlib.contextmanager
    def at(when: datetime.datetime):
        monkeypatch.setattr(services, "timezone", types.SimpleNamespace(now=lambda: when))
        try:
            yield
        finally:
            monkeypatch.setattr(services, "timezone", timezone)

    return at
