"""The Workbook itself and its cycles."""

from __future__ import annotations

import datetime

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from safeguarding.audit.services import Action, audit_record
from safeguarding.core.locks import for_update

from .. import signals
from ..models import Cycle, Workbook


@transaction.atomic
def workbook_ensure(*, family, actor=None, today: datetime.date | None = None) -> tuple[Workbook, Cycle]:
    """The family's Workbook and its open cycle, opening them if this is the first time.

    A family has a Workbook once it has allocated workers; it opens the first time anyone in the team
    opens it or records in it, with the first cycle starting that day. Allocation sits below the Workbook
    and knows nothing of it, so the Workbook opens itself rather than being opened by allocation."""
    today = today or timezone.localdate()
    workbook = Workbook.objects.filter(family=family).first()
    if workbook is None:
        try:
            with transaction.atomic():
                workbook = Workbook.objects.create(family=family, opened_on=today, opened_by=actor)
                Cycle.objects.create(workbook=workbook, number=1, started_on=today)
        except IntegrityError:
            # Two workers opened it at the same moment: the other's is the family's Workbook.
            workbook = Workbook.objects.get(family=family)
        else:
            audit_record(
                actor=actor,
                action=Action.CREATE,
                obj=workbook,
                family_id=family.pk,
                families=[family.pk],
                detail={"workbook_opened": str(today)},
            )
            signals.workbook_opened.send(sender=Workbook, workbook=workbook, family=family)
    cycle = Cycle.objects.filter(workbook=workbook, closed_on__isnull=True).first()
    if cycle is None:  # pragma: no cover - a closed cycle always opens the next one (cycle_close)
        last = Cycle.objects.filter(workbook=workbook).order_by("-number").first()
        cycle = Cycle.objects.create(
            workbook=workbook, number=(last.number + 1) if last else 1, started_on=today
        )
    return workbook, cycle


@transaction.atomic
def cycle_close(
    *,
    actor,
    family,
    closed_on: datetime.date,
    note: str = "",
    today: datetime.date | None = None,
    request=None,
) -> tuple[Cycle, Cycle]:
    """Close the family's open cycle on `closed_on` and start the next the same day.

    Group case supervision closes cycles (the next capability); until then the family's manager closes one
    by hand, with the date. Chapters of the closed cycle are locked from then on: a change is an addendum."""
    today = today or timezone.localdate()
    _workbook, cycle = workbook_ensure(family=family, actor=actor, today=today)
    cycle = for_update(Cycle.objects).get(pk=cycle.pk)
    if cycle.closed_on is not None:
        raise ValidationError("This cycle has already been closed. Open the Workbook again.")
    if closed_on is None:
        raise ValidationError({"closed_on": "Enter the date the cycle closed"})
    if closed_on > today:
        raise ValidationError({"closed_on": "The date the cycle closed must be today or in the past"})
    if closed_on < cycle.started_on:
        started = f"{cycle.started_on:%-d %B %Y}"
        raise ValidationError(
            {"closed_on": f"The date the cycle closed must be on or after the day it started, {started}"}
        )
    cycle.closed_on = closed_on
    cycle.closed_by = actor
    cycle.close_note = (note or "").strip()[:500]
    cycle.full_clean()
    cycle.save()
    next_cycle = Cycle.objects.create(workbook=cycle.workbook, number=cycle.number + 1, started_on=closed_on)
    audit_record(
        actor=actor,
        action=Action.CHANGE,
        obj=cycle,
        family_id=family.pk,
        families=[family.pk],
        request=request,
        detail={"cycle_closed": cycle.number, "closed_on": str(closed_on), "next_cycle": next_cycle.number},
    )
    return cycle, next_cycle
