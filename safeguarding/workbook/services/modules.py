"""A parent's work on one module of the programme of direct work with parents (issue #9 item 6).

Per parent and module the team records what was covered, the parent's reflections and the worker's
analysis, and where the parent has got to (not started, in progress, completed). The analyses feed the
parenting assessment.

Who may read it. Module work is about one adult. Written by the family's social workers, family support
worker or parenting assessor it is an ordinary case record, read by the whole team: parenting is what the
team assesses together. Written by one of that adult's own adult practitioners (their domestic abuse,
drugs and alcohol or mental health practitioner, psychologist or probation officer) it becomes
special-category data about the adult, as their chapter part about the adult is (ADR 10): it is then
`adult_special`, shown per FamilyDisclosure (the adult's own practitioners; the lead and managers, or the
whole team, once a basis for sharing is recorded; "Restricted" and who to ask for everyone else). The
class is kept on the record and never lowered: a later edit by someone else must not make what the
practitioner wrote readable by the whole team. Only someone who may read it may change it.

A parent's work on a module has one id from the start (selectors.assessments.module_work_id), so what is
typed before the first save is kept as a draft against it.
"""

from __future__ import annotations

import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction

from safeguarding.access.models import Sensitivity
from safeguarding.audit.services import Action, audit_record
from safeguarding.core.locks import for_update
from safeguarding.people.models import FamilyMember

from ..drafts import VersionConflict, check_version
from ..models import ModuleWork
from ..policies import WorkbookAccess
from ..selectors.assessments import module_work_id

TEXT_FIELDS = ("covered", "reflections", "analysis")
TEXT_LIMIT = 10_000


def module_work_find(family, parent, module) -> ModuleWork:
    """The parent's work on the module: the saved record, or a new one (unsaved) with its lasting id."""
    # Found by whose work on which module, not by the id: work a session started (or the demo wrote) may
    # have been saved before it had its lasting id.
    pk = module_work_id(family.pk, parent.pk, module.pk)
    work = (
        ModuleWork.objects.filter(family=family, parent=parent, module=module)
        .select_related("updated_by")
        .first()
    )
    if work is None:
        work = ModuleWork(pk=pk, family=family, parent=parent, module=module)
    return work


def module_work_readable(access: WorkbookAccess, work: ModuleWork) -> bool:
    return access.can_view and access.disclosure.for_record(work.sensitivity, work.parent_id).visible


def module_work_writable(access: WorkbookAccess, work: ModuleWork) -> bool:
    return access.can_record_module_work and module_work_readable(access, work)


@transaction.atomic
def module_work_save(
    *, actor, family, parent, module, base_version, values: dict, today: datetime.date, request=None
) -> ModuleWork:
    """Save the parent's work on the module. Refused (VersionConflict) if it was saved since the worker
    opened it, with both texts."""
    access = WorkbookAccess(actor, family)
    if not access.can_record_module_work:
        raise PermissionDenied("Only the family's team records module work")
    if not FamilyMember.objects.filter(
        family=family, person=parent, member_type=FamilyMember.MemberType.ADULT, left_on__isnull=True
    ).exists():
        raise ValidationError("Module work is recorded for the family's adults")
    pk = module_work_id(family.pk, parent.pk, module.pk)
    work = for_update(ModuleWork.objects).filter(family=family, parent=parent, module=module).first()
    created = work is None
    if created:
        if not module.active:
            raise ValidationError("This module is no longer part of the programme")
        work = ModuleWork(pk=pk, family=family, parent=parent, module=module)
    elif not module_work_readable(access, work):
        raise PermissionDenied("Only those who may read this module work may change it")
    yours = {}
    errors = {}
    for name in TEXT_FIELDS:
        text = values.get(name, "")
        if not isinstance(text, str) or "\x00" in text:
            errors[name] = "Enter text only"
        elif len(text) > TEXT_LIMIT:
            errors[name] = f"The text must be {TEXT_LIMIT:,} characters or fewer"
        else:
            yours[name] = text.strip()
    state = values.get("state")
    if state not in ModuleWork.State.values:
        errors["state"] = "Select how far the parent has got with this module"
    elif state == ModuleWork.State.COMPLETED and not yours.get("analysis"):
        errors.setdefault("analysis", "Write your analysis before you mark the module completed")
    if errors:
        raise ValidationError(errors)
    theirs = {name: getattr(work, name) for name in TEXT_FIELDS}
    saved_by = work.updated_by.display_name if work.updated_by_id else ""
    check_version(work, base_version, theirs=theirs, yours=yours, saved_by=saved_by)
    for name, text in yours.items():
        setattr(work, name, text)
    if state == ModuleWork.State.COMPLETED:
        work.completed_on = work.completed_on if work.state == ModuleWork.State.COMPLETED else today
    else:
        work.completed_on = None
    work.state = state
    if access.disclosure.is_own_practitioner(parent.pk):
        work.sensitivity = Sensitivity.ADULT_SPECIAL
    work.updated_by = actor
    work.version += 1
    work.full_clean(validate_constraints=False)
    if created:
        try:
            with transaction.atomic():
                work.save(force_insert=True)
        except IntegrityError:
            # Someone saved the first version at the same moment: theirs is kept, and this is a conflict.
            current = ModuleWork.objects.get(family=family, parent=parent, module=module)
            raise VersionConflict(
                record=current,
                theirs={name: getattr(current, name) for name in TEXT_FIELDS},
                yours=yours,
                saved_by=current.updated_by.display_name if current.updated_by_id else "",
                saved_at=current.updated_at,
            ) from None
    else:
        work.save()
    audit_record(
        actor=actor,
        action=Action.CREATE if created else Action.CHANGE,
        obj=work,
        family_id=family.pk,
        families=[family.pk],
        people=[parent.pk],
        request=request,
        detail={
            "module": module.name,
            "state": state,
            "fields": sorted(n for n in TEXT_FIELDS if yours[n] != theirs[n]),
            "sensitivity": work.sensitivity,
        },
    )
    return work
