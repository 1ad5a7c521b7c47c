"""The permission matrix: who may open and change a family's record, by role and relationship to it.

This table is the security model. Each cell is one test that signs in as a user with that role and that
relationship to one family (in the North team, say) and tries the action through the real URL:

- 200: the page opens;  403: the user may see the family but not do this;
- 404: the family is invisible to them: the same answer as for a family that does not exist;
- yes/no: whether the family (or its child) is listed on My families / in search results (the page
  itself opens, or its status code is given instead).

Relationships to the family:
- allocated:  in the family's team and currently allocated to it;
- ended:      in the family's team, allocated once but the allocation has ended;
- same_team:  in the family's team, never allocated;
- other_team: in another team, never allocated;
- none:       in no team, never allocated.
- emergency:  in another team, with current emergency (break-glass) access to the family: read-only, and
              only council casework roles can hold it (for anyone else the grant counts for nothing).

A partner-agency adult practitioner (a charity here; other agency kinds are checked below) reads what they
are allocated to but never changes identity details: the council is the data controller.

The statutory journey (jour to fchr, issue #4) is read by everyone who may see the child, and recorded and
corrected only by the council's social workers and managers who hold the case (not through emergency
access; a family support worker records visits only). My tasks is for council children's social care
staff; Timeliness for team managers (their own team) and service managers. Someone with no Timeliness
page at all is refused a team's page (403); a team manager asking for another team's gets 404.

The audit pages (alog to ucsv) follow the audit policy, not the case policy: a record's access log and
subject access answer 404 to everyone but the family's team manager (logs only), service managers and
the auditor, even to workers who may open the record itself; the auditor, who has no case pages, may
open every record's log.
"""

from __future__ import annotations

import datetime
import re
import uuid

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone

from safeguarding.access.models import EmergencyAccess, SharingBasis
from safeguarding.accounts.models import Organisation, User
from safeguarding.accounts.tests.factories import PartnerOrganisationFactory, TeamFactory, UserFactory
from safeguarding.allocation.models import Allocation, CaseRole
from safeguarding.allocation.tests.factories import AllocationFactory
from safeguarding.journey.models import Correction, EpisodeOfNeed, Visit
from safeguarding.people.models import Address, AdultDetail, Family, Person, Relationship
from safeguarding.people.tests.factories import FamilyFactory, FamilyMemberFactory

# Column -> the URL name it exercises. The URL walk below fails for any page that has no column here.
COLUMNS = {
    "fam": "casefile:family-detail",  # open the family page
    "pers": "casefile:person-detail",  # open a child's page
    "edit": "casefile:family-edit",  # change the family's details
    "ed_p": "casefile:person-edit",  # change a person's identity details
    "addp": "casefile:person-create",  # add a person to the family
    "rel": "casefile:relationship-create",  # record a relationship
    "addr": "casefile:address-create",  # record a new address
    "allo": "casefile:allocation-create",  # allocate a worker
    "end": "casefile:allocation-end",  # end a worker's allocation
    "newf": "casefile:family-create",  # create a family (no family yet: depends on role and team)
    "mine": "casefile:my-families",  # the family is listed on My families
    "srch": "casefile:search",  # the child is found by search
    "load": "casefile:team-caseload",  # open Team caseload
    "adet": "casefile:adult-detail-create",  # record the mother's health, substance or offending detail
    "basis": "access:sharing-basis-create",  # record the basis for sharing the mother's information
    "wdrw": "access:sharing-basis-withdraw",  # withdraw that basis
    "emer": "access:emergency-access",  # ask for emergency (break-glass) access to a family
    "esrc": "access:emergency-access-search",  # find a family for emergency access by name and birth date
    "alog": "governance:family-access-log",  # who has seen the family's record
    "acsv": "governance:family-access-log-csv",  # download it as CSV
    "plog": "governance:person-access-log",  # who has seen the child's record
    "pcsv": "governance:person-access-log-csv",  # download it as CSV
    "sar": "governance:subject-access",  # the child's subject access bundle (the page offering it)
    "audt": "governance:home",  # the audit landing page (find a record's log)
    "unus": "governance:unusual-access",  # the unusual-access report
    "ucsv": "governance:unusual-access-csv",  # download it as CSV
    "jour": "journey:child-journey",  # the child's statutory journey
    "step": "journey:step",  # record a referral for the child
    "svis": "journey:step",  # record a visit to the child (family support workers may)
    "corr": "journey:record-correct",  # correct the child's referral
    "chr": "journey:child-chronology",  # the child's chronology
    "fchr": "journey:family-chronology",  # the family's chronology
    "task": "tasks:my-tasks",  # My tasks (the user's own deadlines; no family in the URL)
    "time": "tasks:timeliness",  # Timeliness (302: a team manager is sent to their own team)
    "ttim": "tasks:team-timeliness",  # the family's team's timeliness
    "tovd": "tasks:team-overdue",  # the family's team's overdue deadlines
}

# fmt: off
MATRIX = """
role                  relationship fam  pers edit ed_p addp rel  addr allo end  newf mine srch load adet basis wdrw emer esrc alog acsv plog pcsv sar  audt unus ucsv jour step svis corr chr  fchr task time ttim tovd
social_worker         allocated    200  200  200  200  200  200  200  403  403  200  yes  yes  403  403  403   403  200  200  404  404  404  404  404  403  403  403  200  200  200  200  200  200  200  403  403  403
social_worker         ended        404  404  404  404  404  404  404  404  404  200  no   no   403  404  404   404  200  200  404  404  404  404  404  403  403  403  404  404  404  404  404  404  200  403  403  403
social_worker         same_team    404  404  404  404  404  404  404  404  404  200  no   no   403  404  404   404  200  200  404  404  404  404  404  403  403  403  404  404  404  404  404  404  200  403  403  403
social_worker         other_team   404  404  404  404  404  404  404  404  404  200  no   no   403  404  404   404  200  200  404  404  404  404  404  403  403  403  404  404  404  404  404  404  200  403  403  403
social_worker         none         404  404  404  404  404  404  404  404  404  403  no   no   403  404  404   404  200  200  404  404  404  404  404  403  403  403  404  404  404  404  404  404  200  403  403  403
social_worker         emergency    200  200  403  403  403  403  403  403  403  200  no   yes  403  403  403   403  200  200  404  404  404  404  404  403  403  403  200  403  403  403  200  200  200  403  403  403
adult_practitioner    allocated    200  200  403  403  403  403  403  403  403  403  yes  yes  403  403  403   403  403  403  404  404  404  404  404  403  403  403  200  403  403  403  200  200  403  403  403  403
adult_practitioner    ended        404  404  404  404  404  404  404  404  404  403  no   no   403  404  404   404  403  403  404  404  404  404  404  403  403  403  404  404  404  404  404  404  403  403  403  403
adult_practitioner    same_team    404  404  404  404  404  404  404  404  404  403  no   no   403  404  404   404  403  403  404  404  404  404  404  403  403  403  404  404  404  404  404  404  403  403  403  403
adult_practitioner    other_team   404  404  404  404  404  404  404  404  404  403  no   no   403  404  404   404  403  403  404  404  404  404  404  403  403  403  404  404  404  404  404  404  403  403  403  403
adult_practitioner    none         404  404  404  404  404  404  404  404  404  403  no   no   403  404  404   404  403  403  404  404  404  404  404  403  403  403  404  404  404  404  404  404  403  403  403  403
adult_practitioner    emergency    404  404  404  404  404  404  404  404  404  403  no   no   403  404  404   404  403  403  404  404  404  404  404  403  403  403  404  404  404  404  404  404  403  403  403  403
family_support_worker allocated    200  200  200  200  200  200  200  403  403  200  yes  yes  403  403  403   403  200  200  404  404  404  404  404  403  403  403  200  403  200  403  200  200  200  403  403  403
family_support_worker ended        404  404  404  404  404  404  404  404  404  200  no   no   403  404  404   404  200  200  404  404  404  404  404  403  403  403  404  404  404  404  404  404  200  403  403  403
family_support_worker same_team    404  404  404  404  404  404  404  404  404  200  no   no   403  404  404   404  200  200  404  404  404  404  404  403  403  403  404  404  404  404  404  404  200  403  403  403
family_support_worker other_team   404  404  404  404  404  404  404  404  404  200  no   no   403  404  404   404  200  200  404  404  404  404  404  403  403  403  404  404  404  404  404  404  200  403  403  403
family_support_worker none         404  404  404  404  404  404  404  404  404  403  no   no   403  404  404   404  200  200  404  404  404  404  404  403  403  403  404  404  404  404  404  404  200  403  403  403
family_support_worker emergency    200  200  403  403  403  403  403  403  403  200  no   yes  403  403  403   403  200  200  404  404  404  404  404  403  403  403  200  403  403  403  200  200  200  403  403  403
team_manager          allocated    200  200  200  200  200  200  200  200  200  200  yes  yes  200  200  200   200  200  200  200  200  200  200  404  403  403  403  200  200  200  200  200  200  200  302  200  200
team_manager          ended        200  200  200  200  200  200  200  200  200  200  no   yes  200  200  200   200  200  200  200  200  200  200  404  403  403  403  200  200  200  200  200  200  200  302  200  200
team_manager          same_team    200  200  200  200  200  200  200  200  200  200  no   yes  200  200  200   200  200  200  200  200  200  200  404  403  403  403  200  200  200  200  200  200  200  302  200  200
team_manager          other_team   404  404  404  404  404  404  404  404  404  200  no   no   200  404  404   404  200  200  404  404  404  404  404  403  403  403  404  404  404  404  404  404  200  302  404  404
team_manager          none         404  404  404  404  404  404  404  404  404  403  no   no   403  404  404   404  200  200  404  404  404  404  404  403  403  403  404  404  404  404  404  404  200  403  403  403
team_manager          emergency    200  200  403  403  403  403  403  403  403  200  no   yes  200  403  403   403  200  200  404  404  404  404  404  403  403  403  200  403  403  403  200  200  200  302  404  404
business_support      allocated    200  200  200  200  200  200  200  403  403  200  yes  yes  403  403  403   403  200  200  404  404  404  404  404  403  403  403  200  403  403  403  200  200  403  403  403  403
business_support      ended        200  200  200  200  200  200  200  403  403  200  no   yes  403  403  403   403  200  200  404  404  404  404  404  403  403  403  200  403  403  403  200  200  403  403  403  403
business_support      same_team    200  200  200  200  200  200  200  403  403  200  no   yes  403  403  403   403  200  200  404  404  404  404  404  403  403  403  200  403  403  403  200  200  403  403  403  403
business_support      other_team   404  404  404  404  404  404  404  404  404  200  no   no   403  404  404   404  200  200  404  404  404  404  404  403  403  403  404  404  404  404  404  404  403  403  403  403
business_support      none         404  404  404  404  404  404  404  404  404  403  no   no   403  404  404   404  200  200  404  404  404  404  404  403  403  403  404  404  404  404  404  404  403  403  403  403
business_support      emergency    200  200  403  403  403  403  403  403  403  200  no   yes  403  403  403   403  200  200  404  404  404  404  404  403  403  403  200  403  403  403  200  200  403  403  403  403
service_manager       allocated    200  200  200  200  200  200  200  200  200  200  yes  yes  200  200  200   200  403  403  200  200  200  200  200  200  200  200  200  200  200  200  200  200  200  200  200  200
service_manager       ended        200  200  200  200  200  200  200  200  200  200  no   yes  200  200  200   200  403  403  200  200  200  200  200  200  200  200  200  200  200  200  200  200  200  200  200  200
service_manager       same_team    200  200  200  200  200  200  200  200  200  200  no   yes  200  200  200   200  403  403  200  200  200  200  200  200  200  200  200  200  200  200  200  200  200  200  200  200
service_manager       other_team   200  200  200  200  200  200  200  200  200  200  no   yes  200  200  200   200  403  403  200  200  200  200  200  200  200  200  200  200  200  200  200  200  200  200  200  200
service_manager       none         200  200  200  200  200  200  200  200  200  200  no   yes  200  200  200   200  403  403  200  200  200  200  200  200  200  200  200  200  200  200  200  200  200  200  200  200
service_manager       emergency    200  200  200  200  200  200  200  200  200  200  no   yes  200  200  200   200  403  403  200  200  200  200  200  200  200  200  200  200  200  200  200  200  200  200  200  200
performance_analyst   allocated    404  404  404  404  404  404  404  404  404  403  no   403  403  404  404   404  403  403  404  404  404  404  404  403  403  403  404  404  404  404  404  404  403  403  403  403
performance_analyst   ended        404  404  404  404  404  404  404  404  404  403  no   403  403  404  404   404  403  403  404  404  404  404  404  403  403  403  404  404  404  404  404  404  403  403  403  403
performance_analyst   same_team    404  404  404  404  404  404  404  404  404  403  no   403  403  404  404   404  403  403  404  404  404  404  404  403  403  403  404  404  404  404  404  404  403  403  403  403
performance_analyst   other_team   404  404  404  404  404  404  404  404  404  403  no   403  403  404  404   404  403  403  404  404  404  404  404  403  403  403  404  404  404  404  404  404  403  403  403  403
performance_analyst   none         404  404  404  404  404  404  404  404  404  403  no   403  403  404  404   404  403  403  404  404  404  404  404  403  403  403  404  404  404  404  404  404  403  403  403  403
performance_analyst   emergency    404  404  404  404  404  404  404  404  404  403  no   403  403  404  404   404  403  403  404  404  404  404  404  403  403  403  404  404  404  404  404  404  403  403  403  403
auditor               allocated    404  404  404  404  404  404  404  404  404  403  no   403  403  404  404   404  403  403  200  200  200  200  200  200  200  200  404  404  404  404  404  404  403  403  403  403
auditor               ended        404  404  404  404  404  404  404  404  404  403  no   403  403  404  404   404  403  403  200  200  200  200  200  200  200  200  404  404  404  404  404  404  403  403  403  403
auditor               same_team    404  404  404  404  404  404  404  404  404  403  no   403  403  404  404   404  403  403  200  200  200  200  200  200  200  200  404  404  404  404  404  404  403  403  403  403
auditor               other_team   404  404  404  404  404  404  404  404  404  403  no   403  403  404  404   404  403  403  200  200  200  200  200  200  200  200  404  404  404  404  404  404  403  403  403  403
auditor               none         404  404  404  404  404  404  404  404  404  403  no   403  403  404  404   404  403  403  200  200  200  200  200  200  200  200  404  404  404  404  404  404  403  403  403  403
auditor               emergency    404  404  404  404  404  404  404  404  404  403  no   403  403  404  404   404  403  403  200  200  200  200  200  200  200  200  404  404  404  404  404  404  403  403  403  403
system_administrator  allocated    404  404  404  404  404  404  404  404  404  403  no   403  403  404  404   404  403  403  404  404  404  404  404  403  403  403  404  404  404  404  404  404  403  403  403  403
system_administrator  ended        404  404  404  404  404  404  404  404  404  403  no   403  403  404  404   404  403  403  404  404  404  404  404  403  403  403  404  404  404  404  404  404  403  403  403  403
system_administrator  same_team    404  404  404  404  404  404  404  404  404  403  no   403  403  404  404   404  403  403  404  404  404  404  404  403  403  403  404  404  404  404  404  404  403  403  403  403
system_administrator  other_team   404  404  404  404  404  404  404  404  404  403  no   403  403  404  404   404  403  403  404  404  404  404  404  403  403  403  404  404  404  404  404  404  403  403  403  403
system_administrator  none         404  404  404  404  404  404  404  404  404  403  no   403  403  404  404   404  403  403  404  404  404  404  404  403  403  403  404  404  404  404  404  404  403  403  403  403
system_administrator  emergency    404  404  404  404  404  404  404  404  404  403  no   403  403  404  404   404  403  403  404  404  404  404  404  403  403  403  404  404  404  404  404  404  403  403  403  403
"""
# fmt: on

# Pages that are deliberately not in the matrix, and why. Anything else must have a column.
OUTSIDE_MATRIX = {
    "accounts:sign-in": "public: where everyone signs in",
    "accounts:sign-out": "ends the user's own session; shows no case data",
    "casefile:home": "only redirects to My families",
    "accounts:account": "the user's own account; shows no case data",
    "accounts:two-factor-code": "the second sign-in step; shows no case data",
    "accounts:two-factor-set-up": "sets up the user's own authenticator app; shows no case data",
    "accounts:session": "how long the user's own session has left (public: answers a page whose session ended)",
}
PUBLIC_URL_NAMES = {"accounts:sign-in", "accounts:session"}

RELATIONSHIPS = ("allocated", "ended", "same_team", "other_team", "none", "emergency")


def _parse(table: str) -> dict[tuple[str, str], dict[str, str]]:
    header, *rows = [line.split() for line in table.strip().splitlines()]
    assert header[2:] == list(COLUMNS), "matrix header and COLUMNS disagree"
    parsed = {}
    for row in rows:
        assert len(row) == len(header), f"matrix row has the wrong number of cells: {row}"
        parsed[(row[0], row[1])] = dict(zip(header[2:], row[2:], strict=True))
    return parsed


EXPECTED = _parse(MATRIX)
CELLS = [
    (role, rel, column, outcome) for (role, rel), row in EXPECTED.items() for column, outcome in row.items()
]

SEARCH_SURNAME = "Zyxmatrix"


@pytest.fixture
def world(db):
    """One family in the home team, with a child, their mother and a lead social worker; and another team."""
    home, other = (
        TeamFactory(name="North Family Safeguarding Team"),
        TeamFactory(name="South Family Safeguarding"),
    )
    family = FamilyFactory(team=home, name=f"{SEARCH_SURNAME} family")
    child = FamilyMemberFactory(family=family, person__last_name=SEARCH_SURNAME).person
    mother = FamilyMemberFactory(family=family, adult=True).person
    lead = AllocationFactory(family=family, case_role=CaseRole.LEAD_SOCIAL_WORKER)
    spare = UserFactory(team=home)  # a worker in the team, not yet allocated
    basis = SharingBasis.objects.create(person=mother, basis="consent", recorded_by=lead.worker)
    # A closed referral: one to correct, and no open one in the way of recording another.
    episode = EpisodeOfNeed.objects.create(
        child=child,
        referral_date=datetime.date(2024, 1, 8),
        referral_source="2A",
        closure_date=datetime.date(2024, 3, 1),
        closure_reason="RC7",
    )
    return {
        "episode": episode,
        "basis": basis,
        "home": home,
        "other": other,
        "family": family,
        "child": child,
        "mother": mother,
        "lead": lead,
        "spare": spare,
    }


def make_user(role: str, relationship: str, world, organisation=None):
    team = {"other_team": world["other"], "emergency": world["other"], "none": None}.get(
        relationship, world["home"]
    )
    if role == "adult_practitioner":
        user = UserFactory(
            partner=True, team=team, **({"organisation": organisation} if organisation else {})
        )
    elif role == "system_administrator":
        user = UserFactory(superuser=True, team=team)
    else:
        user = UserFactory(role=role, team=team)
    if relationship in ("allocated", "ended"):
        AllocationFactory(
            family=world["family"], worker=user, case_role=CaseRole.OTHER, ended=relationship == "ended"
        )
    if relationship == "emergency":
        now = timezone.now()
        EmergencyAccess.objects.create(
            worker=user,
            family=world["family"],
            reason="Matrix test",
            expires_at=now + datetime.timedelta(hours=1),
        )
    return user


def url_for(column: str, world, *, family_id=None, person_id=None, allocation_id=None) -> str:
    """The URL a column exercises, for the world's family (or the ids given instead)."""
    family_id = family_id or world["family"].pk
    person_id = person_id or world["child"].pk
    allocation_id = allocation_id or world["lead"].pk
    name = COLUMNS[column]
    kwargs = {
        "fam": {"family_id": family_id},
        "edit": {"family_id": family_id},
        "addp": {"family_id": family_id},
        "rel": {"family_id": family_id},
        "allo": {"family_id": family_id},
        "pers": {"person_id": person_id},
        "ed_p": {"person_id": person_id},
        "addr": {"family_id": family_id, "person_id": person_id},
        "end": {"family_id": family_id, "allocation_id": allocation_id},
        "alog": {"family_id": family_id},
        "acsv": {"family_id": family_id},
        "plog": {"person_id": person_id},
        "pcsv": {"person_id": person_id},
        "sar": {"person_id": person_id},
        "adet": {"family_id": family_id, "person_id": world["mother"].pk},
        "basis": {"family_id": family_id, "person_id": world["mother"].pk},
        "wdrw": {"family_id": family_id, "person_id": world["mother"].pk, "basis_id": world["basis"].pk},
        "jour": {"person_id": person_id},
        "step": {"person_id": person_id, "step": "referral"},
        "svis": {"person_id": person_id, "step": "visit"},
        "corr": {"person_id": person_id, "record_type": "episodeofneed", "record_id": world["episode"].pk},
        "chr": {"person_id": person_id},
        "fchr": {"family_id": family_id},
        "ttim": {"team_id": world["home"].pk},
        "tovd": {"team_id": world["home"].pk},
    }.get(column, {})
    url = reverse(name, kwargs=kwargs)
    return url


def outcome_of(client, column: str, world) -> str:
    if column == "srch":  # search is a POST: no names in URLs
        response = client.post(url_for(column, world), {"q": SEARCH_SURNAME})
    else:
        response = client.get(url_for(column, world))
    if response.status_code != 200:
        return str(response.status_code)
    if column == "mine":
        return "yes" if world["family"].reference in response.content.decode() else "no"
    if column == "srch":
        child_url = reverse("casefile:person-detail", args=[world["child"].pk])
        return "yes" if child_url in response.content.decode() else "no"
    return str(response.status_code)


@pytest.mark.parametrize(
    ("role", "relationship", "column", "expected"), CELLS, ids=[":".join(c[:3]) for c in CELLS]
)
def test_permission_matrix(client, world, role, relationship, column, expected):
    client.force_login(make_user(role, relationship, world))
    assert outcome_of(client, column, world) == expected


# What a refused user tries to save on each page that writes. A refusal must hold for POST as for GET.
ATTEMPTS = {
    "edit": lambda w: {"name": "Renamed family"},
    "ed_p": lambda w: {"first_name": "Renamed", "last_name": "Person", "sex": "U", "ethnicity": "NOBT"},
    "addp": lambda w: {
        "member_type": "adult",
        "first_name": "Added",
        "last_name": "Person",
        "sex": "U",
        "ethnicity": "NOBT",
        "confirm_not_duplicate": "yes",
    },
    "rel": lambda w: {"person": w["mother"].pk, "relative": w["child"].pk, "kind": "mother"},
    "addr": lambda w: {"line_1": "1 New Road", "town": "Demoborough", "postcode": "DB1 1AA"},
    "allo": lambda w: {"worker": w["spare"].pk, "case_role": CaseRole.OTHER},
    "end": lambda w: {"reason_code": "worker_left", "confirm": "yes"},
    "newf": lambda w: {"name": "Added family", "team": w["home"].pk},
    "adet": lambda w: {"topic": "mental_health", "summary": "Synthetic note"},
    "basis": lambda w: {"basis": "consent"},
    "wdrw": lambda w: {},
    "emer": lambda w: {"reference": w["family"].reference, "reason": "Refused user tries emergency access"},
    "step": lambda w: {
        **_date_boxes("referral_date", timezone.localdate() - datetime.timedelta(days=3)),
        "referral_source": "6",
        "no_further_action": "false",
    },
    "svis": lambda w: {
        **_date_boxes("date", timezone.localdate() - datetime.timedelta(days=1)),
        "child_seen": "true",
        "seen_alone": "false",
    },
    "corr": lambda w: {
        **_date_boxes("referral_date", datetime.date(2024, 1, 8)),
        "referral_source": "6",
        "no_further_action": "false",
        **_date_boxes("closure_date", datetime.date(2024, 3, 1)),
        "closure_reason": "RC7",
        "reason": "The police made the referral",
    },
}


def _date_boxes(name: str, day: datetime.date) -> dict:
    return {f"{name}_day": day.day, f"{name}_month": day.month, f"{name}_year": day.year}


# Who makes each attempt in the test that the attempts are real saves: a service manager can do all but
# ask for emergency access (they see every family already), which a social worker in another team can.
ALLOWED_TO_SAVE = {"emer": ("social_worker", "other_team")}


def snapshot(world) -> tuple:
    family, child = world["family"], world["child"]
    return (
        Family.objects.values_list("name", flat=True).get(pk=family.pk),
        Family.objects.count(),
        Person.objects.values_list("first_name", flat=True).get(pk=child.pk),
        Person.objects.count(),
        Relationship.objects.count(),
        Address.objects.count(),
        sorted(Allocation.objects.values_list("pk", "end_date")),
        AdultDetail.objects.count(),
        sorted(SharingBasis.objects.values_list("pk", "withdrawn_on")),
        EmergencyAccess.objects.count(),
        EpisodeOfNeed.objects.count(),
        EpisodeOfNeed.objects.values_list("referral_source", flat=True).get(pk=world["episode"].pk),
        Visit.objects.count(),
        Correction.objects.count(),
    )


@pytest.mark.parametrize(("role", "relationship"), list(EXPECTED), ids=[":".join(k) for k in EXPECTED])
def test_refused_users_cannot_save_through_any_page(client, world, role, relationship):
    client.force_login(make_user(role, relationship, world))
    before = snapshot(world)
    refused = {
        c: o for c, o in EXPECTED[(role, relationship)].items() if c in ATTEMPTS and o in ("403", "404")
    }
    for column, expected in refused.items():
        response = client.post(url_for(column, world), ATTEMPTS[column](world))
        assert str(response.status_code) == expected, column
    assert snapshot(world) == before


@pytest.mark.parametrize("column", ATTEMPTS)
def test_the_attempts_are_real_saves_when_made_by_someone_allowed(client, world, column):
    # Otherwise a refusal above could pass only because the form was invalid.
    client.force_login(make_user(*ALLOWED_TO_SAVE.get(column, ("service_manager", "none")), world))
    before = snapshot(world)
    response = client.post(url_for(column, world), ATTEMPTS[column](world))
    assert response.status_code == 302
    assert snapshot(world) != before


def test_matrix_has_a_row_for_every_role_and_relationship():
    assert set(EXPECTED) == {(role, rel) for role in User.Role.values for rel in RELATIONSHIPS}


def _url_names(patterns=None, namespace="", prefix=""):
    """Every named page in the URL configuration, with the converters its URL needs (admin and static
    files excluded: the admin has its own staff-only permissions)."""
    found = {}
    for entry in get_resolver().url_patterns if patterns is None else patterns:
        route = prefix + str(entry.pattern)
        if route.startswith(("admin/", "static/")):
            continue
        if isinstance(entry, URLResolver):
            child_ns = f"{namespace}{entry.namespace}:" if entry.namespace else namespace
            found.update(_url_names(entry.url_patterns, child_ns, route))
        elif isinstance(entry, URLPattern):
            found[f"{namespace}{entry.name}" if entry.name else f"<unnamed {route}>"] = (
                entry.pattern.converters
            )
    return found


URL_NAMES = _url_names()


def test_every_page_has_a_column_in_the_matrix_or_a_reason_not_to():
    unprotected = set(URL_NAMES) - set(COLUMNS.values()) - set(OUTSIDE_MATRIX)
    assert not unprotected, f"Add these pages to the permission matrix: {sorted(unprotected)}"


def test_matrix_names_only_pages_that_exist():
    assert set(COLUMNS.values()) | set(OUTSIDE_MATRIX) <= set(URL_NAMES)


# Sample values for URL parts that are not ids.
SAMPLE_SLUGS = {"step": "visit", "record_type": "episodeofneed"}


def _sample_url(name: str) -> str:
    converters = URL_NAMES[name]
    unknown = {
        k: type(c).__name__
        for k, c in converters.items()
        if type(c).__name__ != "UUIDConverter" and k not in SAMPLE_SLUGS
    }
    assert not unknown, f"give a sample value for {unknown} in {name}"
    return reverse(
        name,
        kwargs={
            key: uuid.uuid4() if type(c).__name__ == "UUIDConverter" else SAMPLE_SLUGS[key]
            for key, c in converters.items()
        },
    )


@pytest.mark.parametrize("method", ["get", "post"])
@pytest.mark.parametrize("name", sorted(set(URL_NAMES) - PUBLIC_URL_NAMES))
def test_anonymous_visitors_are_sent_to_sign_in_from_every_page(client, db, name, method):
    url = _sample_url(name)
    response = getattr(client, method)(url)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:sign-in") + "?next=")


def test_sign_in_page_is_public(client, db):
    assert client.get(reverse("accounts:sign-in")).status_code == 200


def test_signed_in_home_page_redirects_to_my_families(client, db):
    client.force_login(UserFactory())
    response = client.get(reverse("casefile:home"))
    assert response.status_code == 302 and response["Location"] == reverse("casefile:my-families")


FAMILY_PAGES = ["fam", "edit", "addp", "rel", "addr", "allo", "end", "pers", "ed_p"]
JOURNEY_PAGES = ["jour", "step", "svis", "corr", "chr", "fchr"]


def _without_csrf_token(html: bytes) -> str:
    # The CSRF token in the page's sign-out form is masked afresh on every response; nothing else may differ.
    return re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", html.decode())


@pytest.mark.parametrize("column", FAMILY_PAGES + JOURNEY_PAGES)
def test_forbidden_and_missing_records_give_identical_404s(client, world, column):
    client.force_login(make_user("social_worker", "other_team", world))
    forbidden = client.get(url_for(column, world))
    missing = client.get(
        url_for(column, world, family_id=uuid.uuid4(), person_id=uuid.uuid4(), allocation_id=uuid.uuid4())
    )
    assert forbidden.status_code == missing.status_code == 404
    assert _without_csrf_token(forbidden.content) == _without_csrf_token(missing.content)
    assert world["family"].name not in forbidden.content.decode()


@pytest.mark.parametrize(
    "kind",
    [
        Organisation.Kind.CHARITY,
        Organisation.Kind.NHS_TRUST,
        Organisation.Kind.PROBATION,
        Organisation.Kind.DRUG_ALCOHOL_PROVIDER,
        Organisation.Kind.POLICE,
    ],
)
def test_partner_agency_practitioners_read_allocated_families_but_never_change_identity(client, world, kind):
    user = make_user(
        "adult_practitioner", "allocated", world, organisation=PartnerOrganisationFactory(kind=kind)
    )
    client.force_login(user)
    outcomes = {column: outcome_of(client, column, world) for column in COLUMNS}
    assert outcomes == EXPECTED[("adult_practitioner", "allocated")]


def test_council_employed_adult_practitioner_also_cannot_change_identity_details(client, world):
    # Identity editing is a matter of role as well as employer: the role is not in the editing roles.
    user = make_user("adult_practitioner", "allocated", world, organisation=world["home"].organisation)
    client.force_login(user)
    assert not user.is_partner_agency
    assert outcome_of(client, "fam", world) == "200"
    assert outcome_of(client, "ed_p", world) == "403"


def test_partner_agency_social_worker_is_refused_identity_changes(client, world):
    # A partner-agency employee never edits the council's record, whatever role their account carries.
    user = UserFactory(
        team=world["home"], organisation=PartnerOrganisationFactory(kind=Organisation.Kind.NHS_TRUST)
    )
    AllocationFactory(family=world["family"], worker=user)
    client.force_login(user)
    assert outcome_of(client, "fam", world) == "200"
    assert {outcome_of(client, c, world) for c in ("edit", "ed_p", "addp", "addr")} == {"403"}
    assert outcome_of(client, "newf", world) == "403"


def test_team_manager_allocated_to_another_teams_family_sees_it_but_cannot_allocate(client, world):
    manager = UserFactory(role="team_manager", team=world["other"])
    AllocationFactory(family=world["family"], worker=manager, case_role=CaseRole.OTHER)
    client.force_login(manager)
    assert outcome_of(client, "fam", world) == "200"
    assert outcome_of(client, "allo", world) == "403"
    assert outcome_of(client, "end", world) == "403"


def test_team_manager_cannot_open_another_teams_caseload_by_changing_the_address(client, world):
    manager = UserFactory(role="team_manager", team=world["home"])
    client.force_login(manager)
    response = client.get(reverse("casefile:team-caseload"), {"team": world["other"].pk})
    assert response.status_code == 404
    assert world["other"].name not in response.content.decode()


def test_switched_off_account_loses_access_at_once(client, world):
    user = make_user("social_worker", "allocated", world)
    client.force_login(user)
    assert outcome_of(client, "fam", world) == "200"
    user.is_active = False
    user.save(update_fields=["is_active"])
    response = client.get(url_for("fam", world))
    assert response.status_code == 302 and response["Location"].startswith(reverse("accounts:sign-in"))
