"""Reads for emergency access: finding a family by a child's or adult's name and date of birth.

A duty worker called out of hours has a name and a date of birth, not a family reference. Breaking glass is
for families the worker cannot see, so the search covers the whole council. It shows only what is needed to
choose the family (its name, reference and team, and the person matched), never an address, the family's
other members or anything recorded about them; opening the family is then the audited, reasoned grant.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.db.models import Q

from safeguarding.people.models import FamilyMember

from .policies import families_visible_to

# More matches than this and none are shown: the worker is asked to narrow the search, so that a common
# surname does not list a page of the council's families.
EMERGENCY_SEARCH_LIMIT = 20


@dataclass(frozen=True)
class EmergencyMatch:
    family_id: object
    family_name: str
    reference: str
    team: str
    person_name: str
    date_of_birth: datetime.date
    visible: bool  # the worker can open the family already: no need to break glass


@dataclass(frozen=True)
class EmergencySearch:
    matches: list[EmergencyMatch]
    too_many: bool = False


def emergency_access_search(
    user, *, last_name: str, date_of_birth: datetime.date, first_name: str = ""
) -> EmergencySearch:
    """Families in which a person with this last name (any capitals) and date of birth is a member now, and
    whose first name or known-as name starts with `first_name` if given. Two queries."""
    memberships = FamilyMember.objects.filter(
        left_on__isnull=True,
        person__date_of_birth=date_of_birth,
        person__last_name__iexact=last_name.strip(),
    )
    first_name = first_name.strip()
    if first_name:
        memberships = memberships.filter(
            Q(person__first_name__istartswith=first_name) | Q(person__known_as__istartswith=first_name)
        )
    found = list(
        memberships.select_related("person", "family__team").order_by(
            "family__name", "family__reference", "person__first_name", "pk"
        )[: EMERGENCY_SEARCH_LIMIT + 1]
    )
    if len(found) > EMERGENCY_SEARCH_LIMIT:
        return EmergencySearch(matches=[], too_many=True)
    visible = (
        set(
            families_visible_to(user).filter(pk__in={m.family_id for m in found}).values_list("pk", flat=True)
        )
        if found
        else set()
    )
    return EmergencySearch(
        matches=[
            EmergencyMatch(
                family_id=m.family_id,
                family_name=m.family.name,
                reference=m.family.reference,
                team=m.family.team.name,
                person_name=m.person.full_name,
                date_of_birth=m.person.date_of_birth,
                visible=m.family_id in visible,
            )
            for m in found
        ]
    )
