"""Information governance's one write: producing a subject access bundle, recorded as it is made."""

from __future__ import annotations

from django.db import transaction

from safeguarding.audit.services import Action, audit_record

from .subject_access import build


def subject_access_bundle_create(*, actor, person, request=None):
    """Produce everything held about a person, and who has accessed it, as a ZIP; record that it was made.

    The event is written in the same transaction as the bundle is read, so a bundle is never handed out
    unrecorded. Its detail lists the files, not their contents.
    """
    with transaction.atomic():
        bundle = build(person, produced_by=actor)
        family_ids = [str(pk) for pk in person.family_ids()]
        audit_record(
            actor=actor,
            action=Action.SUBJECT_ACCESS,
            obj=person,
            family_id=family_ids[0] if len(family_ids) == 1 else None,
            families=family_ids,
            people=[person.pk],
            request=request,
            detail={"files": list(bundle.files), "access_log_events": bundle.events, "families": family_ids},
        )
    return bundle
