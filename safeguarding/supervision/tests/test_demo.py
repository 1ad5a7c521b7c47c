"""The demo council's group supervisions (issue #10, the demo bar): every open family's closed Workbook
cycles have a signed-off supervision on the day they closed, with a risk analysis for each child; some of
the last supervisions' actions are overdue; maria chairs one today in the North team."""

from __future__ import annotations

import pytest
from django.db.models import Count, Q

from safeguarding.demo import personas
from safeguarding.people.models import Family
from safeguarding.supervision.models import GroupSupervision, SupervisionAction
from safeguarding.tasks.models import Deadline
from safeguarding.workbook.models import Cycle


@pytest.fixture
def council(demo_council):
    return demo_council


def test_every_closed_cycle_of_an_open_family_was_closed_at_a_signed_off_supervision(council, db):
    open_families = Family.objects.filter(closed_on__isnull=True, workbook__isnull=False)
    closed = set(
        Cycle.objects.filter(workbook__family__in=open_families, closed_on__isnull=False).values_list(
            "pk", "closed_on"
        )
    )
    signed = set(
        GroupSupervision.objects.filter(status="signed_off", family__in=open_families).values_list(
            "cycle_id", "scheduled_for"
        )
    )
    assert closed and closed == signed
    # Each open family has its next one booked.
    booked = GroupSupervision.objects.exclude(status="signed_off").values_list("family_id", flat=True)
    assert set(open_families.values_list("pk", flat=True)) == set(booked)
    without_analysis = GroupSupervision.objects.filter(status="signed_off").annotate(n=Count("analyses"))
    assert without_analysis.filter(n=0).count() < without_analysis.count() / 10


def test_maria_chairs_one_today_and_some_actions_are_overdue(council, db):
    from django.utils import timezone

    today = timezone.localdate()
    mine = GroupSupervision.objects.filter(chair__username="maria", scheduled_for=today).exclude(
        status="signed_off"
    )
    assert mine.filter(family__team__name=personas.NORTH_TEAM).count() == 1
    overdue = SupervisionAction.objects.filter(Q(done_on__isnull=True), due_date__lt=today)
    assert overdue.exists()
    assert Deadline.objects.filter(kind="sv_action", owner__isnull=False, due_date__lt=today).count() == (
        overdue.filter(supervision__family__closed_on__isnull=True).count()
    )
