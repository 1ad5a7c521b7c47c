"""A seed and a day give the same Workbooks (safeguarding/demo/workbook.py draws everything from a
random.Random seeded from the council's seed, in a fixed order). In a module of its own: the demo council
that tests/test_demo_workbook.py shares for its whole module would be in the way of building another."""

import datetime

from django.db import transaction

from safeguarding.demo.generator import build_council
from safeguarding.measures.models import Measure, MeasureAlert
from safeguarding.readiness.models import ReadinessRecord
from safeguarding.workbook import models as w

DAY = datetime.date(2026, 3, 16)


def _snapshot() -> list:
    parts = w.ChapterPart.objects.select_related("chapter__cycle", "chapter__author", "about_person")
    sessions = w.Session.objects.select_related("recorded_by")
    events = w.SignificantEvent.objects.all()
    return [
        sorted(
            (
                str(p.chapter.cycle.started_on),
                p.chapter.author.username,
                str(p.about_person),
                p.work_done,
                p.next_steps,
            )
            for p in parts
        ),
        sorted((str(s.date), s.kind, s.recorded_by.username, s.note) for s in sessions),
        sorted((str(e.date), e.kind, e.what_happened) for e in events),
        sorted(w.FamilyAssessment.objects.values_list("kind", "status", "authorised_on")),
        # Issue #10: the parents' readiness rulers (safeguarding/demo/readiness.py) come from the seed too.
        sorted(
            (str(r.recorded_on), r.behaviour, r.importance, r.confidence, r.stage, r.in_their_words)
            for r in ReadinessRecord.objects.all()
        ),
        # Issue #11: the parents' measures and their alerts (safeguarding/demo/measures.py) too.
        sorted(
            (str(m.administered_on), m.instrument, str(m.total), m.band, sorted(m.answers.items()))
            for m in Measure.objects.all()
        ),
        sorted(MeasureAlert.objects.values_list("kind", "raised_on", "due_on", "closed_on")),
    ]


def test_a_seed_and_a_day_give_the_same_workbooks(db):
    snapshots = []
    for _ in range(2):
        with transaction.atomic():
            build_council(scale="demo", seed=11, today=DAY)
            snapshots.append(_snapshot())
            transaction.set_rollback(True)
    assert snapshots[0] == snapshots[1]
    assert len(snapshots[0][0]) > 500
    assert len(snapshots[0][-3]) > 50
    assert len(snapshots[0][-2]) > 50 and snapshots[0][-1]
