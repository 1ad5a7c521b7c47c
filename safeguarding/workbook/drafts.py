"""Nothing typed is lost: server-side drafts while a worker types, and refused stale saves (issue #9 item 7).

- **Drafts.** Each long-text form (a chapter, an assessment, a parent's module work) saves what is typed
  as a `TextDraft` every few seconds of idle typing, when a field loses focus and when the page is left
  (static/workbook/autosave.mjs; without JavaScript the form still saves by plain submission). The draft
  is the author's alone, kept on the server so it comes back after a time-out, a closed tab or a crashed
  browser on any device they sign in from, and removed when the record is saved.
- **Stale saves.** Every record with long text carries a `version`, sent with the form. A save that
  started from an older version (another tab, another person) is refused with `VersionConflict`, which
  carries both texts; the form shows theirs beside the worker's own, still in the boxes, and the next
  submit is against the current version, so the worker merges and nothing is silently overwritten.

Which record types take drafts, and who may write one, is registered by each writer (`register`), so the
one autosave endpoint refuses a draft for a record its user could not save.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from safeguarding.audit.services import Action, audit_record
from safeguarding.core.locks import for_update

from .models import TextDraft

# Autosave's audit granularity: one event per draft per sitting.
DRAFT_AUDIT_INTERVAL = datetime.timedelta(minutes=10)
# Longest text a draft keeps for one field (the records' own limit is 10,000 characters).
DRAFT_FIELD_LIMIT = 20_000


class VersionConflict(Exception):
    """A save that started from an older version of the record than the one saved now."""

    def __init__(self, *, record, theirs: dict, yours: dict, saved_by: str = "", saved_at=None):
        super().__init__("This record was saved by someone else since you opened it")
        self.record = record
        self.theirs = theirs
        self.yours = yours
        self.saved_by = saved_by
        self.saved_at = saved_at
        self.current_version = record.version
        # {field: what the worker calls it}, set by the view, for the list of texts that differ.
        self.labels: dict = {}

    @property
    def differing(self) -> dict:
        """{field: (theirs, yours)} for the fields where the two texts differ."""
        return {
            field: (self.theirs.get(field, ""), self.yours.get(field, ""))
            for field in self.yours
            if (self.theirs.get(field, "") or "").strip() != (self.yours.get(field, "") or "").strip()
        }

    @property
    def differing_list(self) -> list[tuple[str, str, str]]:
        """[(field, label, the text saved now)] for each field that differs."""
        return [
            (field, str(self.labels.get(field, "Your text")), theirs)
            for field, (theirs, _yours) in self.differing.items()
        ]


def check_version(record, base_version, *, theirs: dict, yours: dict, saved_by: str = "") -> None:
    """Refuse a save that did not start from the record's current version (call inside the transaction,
    on the row locked with core.locks.for_update)."""
    try:
        base = int(base_version)
    except (TypeError, ValueError):
        raise ValidationError("The form is out of date. Open it again from the Workbook.") from None
    if base != record.version:
        raise VersionConflict(
            record=record, theirs=theirs, yours=yours, saved_by=saved_by, saved_at=record.updated_at
        )


@dataclass(frozen=True)
class DraftTarget:
    """How the autosave endpoint finds a record of one type and checks the user may write it."""

    record_type: str
    # (user, family, record_id) -> the record, or None if it is not the family's or the user may not
    # write it now (a locked chapter, an assessment with the manager).
    writable: Callable
    # The form field names a draft may hold.
    fields: Callable


_TARGETS: dict[str, DraftTarget] = {}


def register(target: DraftTarget) -> None:
    _TARGETS[target.record_type] = target


def target(record_type: str) -> DraftTarget | None:
    return _TARGETS.get(record_type)


@transaction.atomic
def draft_save(
    *, actor, family, record_type: str, record_id, fields: dict, base_version, subjects=(), request=None
) -> TextDraft:
    """Keep what the worker has typed and not yet saved. Only text fields, each within the limit."""
    # NUL characters are dropped: PostgreSQL's JSON cannot hold them, and no worker types one.
    clean = {
        str(name): str(value).replace("\x00", "")[:DRAFT_FIELD_LIMIT]
        for name, value in fields.items()
        if isinstance(value, str)
    }
    try:
        base = int(base_version)
    except (TypeError, ValueError):
        base = 0
    if not 0 <= base < 2**31:
        base = 0  # not a version this form was given: treated as "from an unknown version"
    draft, created = for_update(TextDraft.objects).get_or_create(
        author=actor,
        record_type=record_type,
        record_id=record_id,
        defaults={"family": family, "fields": clean, "base_version": base},
    )
    now = timezone.now()
    if not created:
        draft.fields = {**draft.fields, **clean}
        draft.base_version = base
    if draft.audited_at is None or now - draft.audited_at >= DRAFT_AUDIT_INTERVAL:
        draft.audited_at = now
        audit_record(
            actor=actor,
            action=Action.CHANGE,
            obj=draft,
            family_id=family.pk,
            families=[family.pk],
            people=list(subjects),
            request=request,
            detail={"draft_of": record_type, "record": str(record_id), "fields": sorted(clean)},
        )
    draft.save()
    return draft


def draft_for(actor, record_type: str, record_id) -> TextDraft | None:
    return TextDraft.objects.filter(author=actor, record_type=record_type, record_id=record_id).first()


def draft_discard(*, actor, record_type: str, record_id) -> None:
    """The record was saved (or the worker chose the saved text): the draft has done its job."""
    TextDraft.objects.filter(author=actor, record_type=record_type, record_id=record_id).delete()


def with_draft(initial: dict, draft: TextDraft | None, field_names) -> tuple[dict, bool]:
    """The form's starting values: the saved record's, with the worker's unsaved draft over them.
    Returns (values, restored) where restored says whether any draft text differed from what is saved."""
    if draft is None:
        return initial, False
    values = dict(initial)
    restored = False
    for name in field_names:
        if name in draft.fields and draft.fields[name] != (initial.get(name) or ""):
            values[name] = draft.fields[name]
            restored = True
    return values, restored
