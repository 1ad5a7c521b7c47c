"""Who may open, read and record an adult's readiness to change (policies.py, ADR 10): a table per basis for
sharing, so each cell is a rule someone can point at."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from safeguarding.access.models import EmergencyAccess, SharingBasis
from safeguarding.accounts.models import User
from safeguarding.accounts.tests.factories import UserFactory

from ..policies import ReadinessAccess
from .world import build_world

pytestmark = pytest.mark.django_db

# who: (opens the pages, reads the mother's readings, records for the mother)
NO_BASIS = {
    "dan": (True, True, True),  # her own practitioner
    "rory": (True, False, False),  # works with the father, not her
    "lead": (True, False, False),
    "sw": (True, False, False),
    "fsw": (True, False, False),
    "manager": (True, False, False),
    "service": (True, False, False),
    "support": (False, False, False),
    "outsider": (False, False, False),
}
LEAD_AND_MANAGERS = {
    **NO_BASIS,
    "lead": (True, True, True),
    "manager": (True, True, True),
    # A service manager reads, but records no MI conversation: they do not hold one with the parent.
    "service": (True, True, False),
}
TEAM = {
    **LEAD_AND_MANAGERS,
    "sw": (True, True, True),
    "rory": (True, True, False),  # reads, as everyone allocated does; records for the father only
    "fsw": (True, True, False),  # a family support worker reads, but is not among those who record
}


@pytest.mark.parametrize(
    ("basis", "table"),
    [
        (None, NO_BASIS),
        (SharingBasis.Scope.LEAD_AND_MANAGERS, LEAD_AND_MANAGERS),
        (SharingBasis.Scope.TEAM, TEAM),
    ],
    ids=["no basis", "lead and managers", "team"],
)
def test_who_opens_reads_and_records_for_the_mother(basis, table):
    w = build_world()
    if basis:
        w.share(w.mother, basis)
    for who, (opens, reads, records) in table.items():
        access = ReadinessAccess(getattr(w, who), w.family)
        assert (access.can_open, access.for_adult(w.mother.pk).visible, access.can_record(w.mother.pk)) == (
            opens,
            reads,
            records,
        ), who


def test_the_fathers_own_practitioner_records_for_him_and_not_for_the_mother():
    w = build_world()
    access = ReadinessAccess(w.rory, w.family)
    assert access.can_record(w.father.pk)
    assert not access.can_record(w.mother.pk)


def test_a_withheld_reading_says_who_to_ask():
    w = build_world()
    shown = ReadinessAccess(w.lead, w.family).for_adult(w.mother.pk)
    assert not shown.visible
    assert w.dan.display_name in shown.ask


def test_emergency_access_neither_opens_nor_records():
    w = build_world()
    w.share(w.mother, SharingBasis.Scope.TEAM)
    duty = UserFactory(role=User.Role.SOCIAL_WORKER)
    EmergencyAccess.objects.create(
        worker=duty,
        family=w.family,
        reason="Out of hours",
        expires_at=timezone.now() + datetime.timedelta(hours=1),
    )
    access = ReadinessAccess(duty, w.family)
    assert not access.can_open
    assert not access.for_adult(w.mother.pk).visible
    assert not access.can_record(w.mother.pk)


def test_a_deactivated_practitioner_records_nothing():
    w = build_world()
    w.dan.is_active = False
    w.dan.save()
    assert not ReadinessAccess(w.dan, w.family).can_record(w.mother.pk)


def test_analysts_and_auditors_have_no_readiness_pages():
    w = build_world()
    for role in (User.Role.PERFORMANCE_ANALYST, User.Role.AUDITOR, User.Role.SYSTEM_ADMINISTRATOR):
        access = ReadinessAccess(UserFactory(role=role, team=w.team), w.family)
        assert not access.can_open and not access.can_record(w.mother.pk), role
