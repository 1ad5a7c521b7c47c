"""Writes to families and people. Each service checks nothing about permissions (views and policies do)
but validates the record, saves it and writes its audit event in one transaction."""

from __future__ import annotations

import datetime
import secrets

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from safeguarding.accounts.models import Team
from safeguarding.audit.services import Action, audit_record

from .identifiers import normalise_nhs_number, normalise_upn
from .models import Address, AdultDetail, Family, FamilyMember, Person, Relationship

# Person fields a form may set; anything else is ignored rather than trusted.
PERSON_FIELDS = (
    "first_name",
    "middle_names",
    "last_name",
    "known_as",
    "date_of_birth",
    "expected_date_of_birth",
    "date_of_death",
    "sex",
    "ethnicity",
    "disabilities",
    "first_language",
    "nhs_number",
    "upn",
    "council_id",
)


def _new_family_reference() -> str:
    for _ in range(20):
        reference = f"FAM-{secrets.token_hex(3).upper()}"
        if not Family.objects.filter(reference=reference).exists():
            return reference
    raise RuntimeError("Could not allocate a family reference")


@transaction.atomic
def family_create(*, actor, name: str, team: Team, request=None) -> Family:
    """Add a family to the register. Opening one from the case file goes through
    allocation.services.family_open, which also allocates whoever opened it."""
    family = Family(name=name.strip(), team=team, created_by=actor, reference=_new_family_reference())
    family.full_clean()
    family.save()
    audit_record(actor=actor, action=Action.CREATE, obj=family, family_id=family.pk, request=request)
    return family


@transaction.atomic
def family_update(*, actor, family: Family, name: str, request=None) -> Family:
    before = family.name
    family.name = name.strip()
    family.full_clean()
    family.save(update_fields=["name", "updated_at"])
    audit_record(
        actor=actor,
        action=Action.CHANGE,
        obj=family,
        family_id=family.pk,
        request=request,
        detail={"changed": {"name": [before, family.name]}} if before != family.name else {},
    )
    return family


def _clean_person_values(values: dict) -> dict:
    cleaned = {k: v for k, v in values.items() if k in PERSON_FIELDS}
    if "nhs_number" in cleaned:
        cleaned["nhs_number"] = normalise_nhs_number(cleaned["nhs_number"] or "")
    if "upn" in cleaned:
        cleaned["upn"] = normalise_upn(cleaned["upn"] or "")
    for key in ("first_name", "middle_names", "last_name", "known_as", "first_language", "council_id"):
        if key in cleaned and cleaned[key] is not None:
            cleaned[key] = cleaned[key].strip()
    return cleaned


@transaction.atomic
def person_create(
    *,
    actor,
    family: Family,
    member_type: str,
    values: dict,
    joined_on: datetime.date | None = None,
    request=None,
) -> Person:
    """Create a person as a member of a family (a person is always recorded in the context of a family)."""
    person = Person(created_by=actor, **_clean_person_values(values))
    person.full_clean()
    person.save()
    membership = FamilyMember(
        family=family, person=person, member_type=member_type, joined_on=joined_on or timezone.localdate()
    )
    membership.full_clean()
    membership.save()
    audit_record(
        actor=actor,
        action=Action.CREATE,
        obj=person,
        family_id=family.pk,
        people=[person.pk],
        request=request,
        detail={"member_type": member_type},
    )
    return person


def _display(value) -> str:
    if isinstance(value, datetime.date):
        return value.isoformat()
    return "" if value is None else str(value)


@transaction.atomic
def person_update(*, actor, person: Person, values: dict, request=None) -> Person:
    """Correct or add to a person's details. The previous values are kept in the audit event, so a
    correction never loses what was recorded before."""
    cleaned = _clean_person_values(values)
    changed = {}
    for key, new in cleaned.items():
        old = getattr(person, key)
        if old != new:
            changed[key] = [_display(old), _display(new)]
            setattr(person, key, new)
    if not changed:
        return person
    person.full_clean()
    person.save()
    family_ids = person.family_ids()
    audit_record(
        actor=actor,
        action=Action.CHANGE,
        obj=person,
        family_id=family_ids[0] if len(family_ids) == 1 else None,
        families=family_ids,
        people=[person.pk],
        request=request,
        detail={"changed": changed, "families": [str(f) for f in family_ids]},
    )
    return person


@transaction.atomic
def relationship_create(
    *, actor, family: Family, person: Person, relative: Person, kind: str, description: str = "", request=None
) -> Relationship:
    relationship = Relationship(person=person, relative=relative, kind=kind, description=description.strip())
    relationship.full_clean()
    try:
        with transaction.atomic():
            relationship.save()
    except IntegrityError:
        raise ValidationError("That relationship is already recorded") from None
    audit_record(
        actor=actor,
        action=Action.CREATE,
        obj=relationship,
        family_id=family.pk,
        people=[person.pk, relative.pk],
        request=request,
        detail={"person": str(person.pk), "relative": str(relative.pk), "kind": kind},
    )
    return relationship


@transaction.atomic
def address_create(*, actor, family: Family, person: Person, values: dict, request=None) -> Address:
    """Record a person's new address. Their previous current address is closed on the move-in date, so the
    address history stays whole."""
    address = Address(person=person, **values)
    address.postcode = address.postcode.strip().upper()
    address.full_clean()
    moved_in = address.moved_in_on or timezone.localdate()
    for previous in person.addresses.filter(moved_out_on__isnull=True):
        previous.moved_out_on = max(moved_in, previous.moved_in_on or moved_in)
        previous.save(update_fields=["moved_out_on", "updated_at"])
    address.save()
    audit_record(
        actor=actor,
        action=Action.CREATE,
        obj=address,
        family_id=family.pk,
        people=[address.person_id],
        request=request,
    )
    return address


@transaction.atomic
def adult_detail_record(
    *, actor, family: Family, person: Person, topic: str, summary: str, request=None
) -> AdultDetail:
    """An adult practitioner records detail about an adult's health, substance use, domestic abuse or
    offending. Restricted by its sensitivity class (safeguarding/access/policies.py)."""
    detail = AdultDetail(person=person, topic=topic, summary=summary.strip(), recorded_by=actor)
    detail.full_clean()
    detail.save()
    audit_record(
        actor=actor,
        action=Action.CREATE,
        obj=detail,
        family_id=family.pk,
        people=[person.pk],
        request=request,
        detail={"person": str(person.pk), "topic": topic},
    )
    return detail
