"""Who may read and record an adult's measures, and close the alerts they raise (issue #11; ADR 10).

A measure (mood, anxiety, drinking, drug use, the abuse an adult suffers) is special-category data about
the adult, so, as for readiness readings (readiness.policies):

- **Opening the pages** is for the family's team (workbook.policies.WorkbookAccess): everyone allocated to
  the family now and the family's managers. Business support and emergency access may open the family but
  not its practice record (403).
- **Reading the measures** follows FamilyDisclosure.for_record("adult_special", adult): the adult's own
  practitioners always; the lead social worker and the managers once a basis for sharing is recorded;
  everyone allocated once a basis covering the team is. Anyone else in the team sees "Restricted" and who
  to ask, and not which questionnaires the adult has done either.
- **Recording** (and correcting) is for the workers who administer questionnaires to the adult: their own
  practitioners, the family's lead social worker and social workers (who complete a DASH with a victim),
  and the family's team manager; only where they may read the adult's measures too (a result is read
  against the ones before it).
- **Closing an alert** is for its owner (the worker who recorded the measure) or the family's team manager,
  who answers for the team's safety work when the worker is away.
"""

from __future__ import annotations

from django.db.models import QuerySet

from safeguarding.accounts.models import Team
from safeguarding.accounts.policies import Role, is_active_staff, is_team_manager_of
from safeguarding.workbook.policies import AdultRecordAccess

from .models import Measure


class MeasuresAccess(AdultRecordAccess):
    """One user's measures rights in one family (workbook.policies.AdultRecordAccess), and who closes an
    alert a measure raised."""

    sensitivity = Measure.sensitivity

    def can_close(self, alert) -> bool:
        """The alert's owner, or the family's team manager; never once it is closed."""
        if alert.closed_on is not None or not is_active_staff(self.user) or self.disclosure.emergency_only:
            return False
        return alert.owner_id == self.user.pk or is_team_manager_of(self.user, self.family.team_id)


# ---- the council's before and after (issue #11 item 6) ------------------------------------------------
# Aggregates only, for everyone who opens it: no names, no family references. A performance analyst and a
# service manager see every team (or choose one); a team manager sees their own team only, and another team
# is "not found". Partner agencies' staff and every other role are refused (403). Council staff only.

OUTCOMES_ALL_TEAMS_ROLES = frozenset({Role.PERFORMANCE_ANALYST, Role.SERVICE_MANAGER})


def outcomes_page_shown(user) -> bool:
    """Whether the user may open the page (and the header shows its link): answered without a query."""
    if not is_active_staff(user) or user.is_partner_agency:
        return False
    return user.role in OUTCOMES_ALL_TEAMS_ROLES or (
        user.role == Role.TEAM_MANAGER and user.team_id is not None
    )


def outcomes_teams_visible_to(user) -> QuerySet[Team]:
    """The teams whose figures the user may see, by name."""
    if not outcomes_page_shown(user):
        return Team.objects.none()
    if user.role in OUTCOMES_ALL_TEAMS_ROLES:
        return Team.objects.order_by("name")
    return Team.objects.filter(pk=user.team_id)


def outcomes_sees_every_team(user) -> bool:
    return outcomes_page_shown(user) and user.role in OUTCOMES_ALL_TEAMS_ROLES
