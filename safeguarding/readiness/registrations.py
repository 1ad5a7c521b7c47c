"""What readiness adds to the pages below it: a panel on the family page (each adult's latest readings), a
link on an adult's page, and the record types the Workbook's autosave endpoint keeps drafts of."""

from safeguarding.access.policies import uuid_or_none
from safeguarding.core import panels
from safeguarding.people.models import FamilyMember
from safeguarding.workbook import drafts

from . import selectors, services
from .models import ReadinessRecord
from .policies import ReadinessAccess


def _family_panel(user, family, disclosure, *, today):
    access = ReadinessAccess(user, family, disclosure)
    if not access.can_open:
        return None
    context = selectors.family_panel(access, family)
    return context if context["entries"] else None


def _person_panel(user, person, family, disclosure, memberships, *, today):
    """A link to an adult's readiness history from their page, for the family's team."""
    is_adult = any(
        m.family_id == family.pk and m.member_type == FamilyMember.MemberType.ADULT for m in memberships
    )
    if not is_adult:
        return None
    access = ReadinessAccess(user, family, disclosure)
    if not access.can_open:
        return None
    return {"family": family, "adult": person, "disclosure": access.for_adult(person.pk)}


panels.register(
    panels.FamilyPanel(
        slug="readiness", order=20, template="readiness/_family_panel.html", context=_family_panel
    )
)
panels.register_person_panel(
    panels.PersonPanel(
        slug="readiness", order=10, template="readiness/_person_panel.html", context=_person_panel
    )
)


def _new_writable(user, family, record_id):
    """A new reading's draft: its id names the family and one of its current adults the user may record
    for (services.new_draft_id)."""
    pk = uuid_or_none(record_id)
    if pk is None:
        return None
    access = ReadinessAccess(user, family)
    adults = FamilyMember.objects.filter(
        family=family, member_type=FamilyMember.MemberType.ADULT, left_on__isnull=True
    ).values_list("person_id", flat=True)
    adult_id = next((a for a in adults if services.new_draft_id(family.pk, a) == pk), None)
    if adult_id is None or not access.can_record(adult_id):
        return None
    return ReadinessRecord(pk=pk, family=family, adult_id=adult_id)


def _correct_writable(user, family, record_id):
    pk = uuid_or_none(record_id)
    if pk is None:
        return None
    reading = ReadinessRecord.objects.filter(pk=pk, family=family).first()
    if reading is None or not ReadinessAccess(user, family).can_record(reading.adult_id):
        return None
    return reading


drafts.register(
    drafts.DraftTarget(
        record_type=services.NEW_DRAFT_TYPE, writable=_new_writable, fields=lambda: services.TEXT_FIELDS
    )
)
drafts.register(
    drafts.DraftTarget(
        record_type=services.CORRECT_DRAFT_TYPE,
        writable=_correct_writable,
        fields=lambda: services.TEXT_FIELDS,
    )
)
