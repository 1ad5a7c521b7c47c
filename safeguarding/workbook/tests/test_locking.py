"""A worker's save and their own autosave at the same moment must both go through (PostgreSQL).

CI at stop 15 showed "deadlock detected" on PostgreSQL as the lead social worker pressed Save on an
assessment while autosave kept her draft: the save had locked the assessment and, through
select_related, the family's row; the draft's request had written its audit event (holding the audit
chain lock) and, at COMMIT, checked its deferred foreign key to that family; the save then wanted the
chain lock. core.locks.for_update now locks only the record, in FOR NO KEY UPDATE mode, which a foreign
key check does not wait for.
"""

from __future__ import annotations

import threading

import pytest
from django.db import connection, transaction

from safeguarding.audit.models import AuditEvent
from safeguarding.audit.services import Action, audit_record
from safeguarding.workbook import drafts
from safeguarding.workbook.models import TextDraft
from safeguarding.workbook.services import assessments as services

from .assessment_world import TODAY, build_world


def test_a_draft_kept_while_the_assessment_is_being_saved_does_not_deadlock(transactional_db):
    if connection.vendor != "postgresql":
        pytest.skip("SQLite takes one lock for the whole database; the row locks are PostgreSQL's")
    w = build_world()
    assessment = services.assessment_compile(actor=w.lena, family=w.family, today=TODAY)
    locked = threading.Event()
    draft_kept = threading.Event()
    errors: list[BaseException] = []

    def save_holding_the_assessment():
        # The save's own steps: lock the assessment, then (after the draft request has run) audit it.
        try:
            with transaction.atomic():
                services._locked(assessment)
                locked.set()
                draft_kept.wait(timeout=10)
                audit_record(
                    actor=w.lena,
                    action=Action.CHANGE,
                    obj=assessment,
                    family_id=w.family.pk,
                    families=[w.family.pk],
                    detail={"saved": True},
                )
        except BaseException as error:  # noqa: BLE001 - reported by the assertion below
            errors.append(error)
        finally:
            connection.close()

    saving = threading.Thread(target=save_holding_the_assessment)
    saving.start()
    assert locked.wait(timeout=10)
    try:
        with transaction.atomic():
            # Before the fix this COMMIT waited for the family's row until the save gave up or deadlocked.
            with connection.cursor() as cursor:
                cursor.execute("SET LOCAL lock_timeout = '3s'")
            drafts.draft_save(
                actor=w.lena,
                family=w.family,
                record_type="assessment",
                record_id=assessment.pk,
                fields={"change": "Typed while Save was pressed"},
                base_version=assessment.version,
            )
    finally:
        draft_kept.set()
        saving.join(timeout=20)
    assert errors == []
    assert TextDraft.objects.filter(author=w.lena, record_id=assessment.pk).exists()
    assert AuditEvent.objects.filter(detail__saved=True).count() == 1
