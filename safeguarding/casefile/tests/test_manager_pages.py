"""Managers land on their team's work (issue #8): families with overdue work, without a lead social worker
and newly allocated; Team caseload links to each worker's families and the team's family lists; the
allocation form shows each worker's caseload. Workers keep My families as it was."""

from __future__ import annotations

import datetime
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from safeguarding.accounts.tests.factories import TeamFactory, UserFactory
from safeguarding.allocation.models import CaseRole
from safeguarding.allocation.tests.factories import AllocationFactory
from safeguarding.casefile import caseload
from safeguarding.people.tests.factories import FamilyFactory, FamilyMemberFactory
from safeguarding.tasks.models import Deadline

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()


def ago(days: int) -> datetime.date:
    return TODAY - datetime.timedelta(days=days)


def text(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html)).strip()


def section(body: str, anchor: str) -> str:
    start = body.index(f'id="{anchor}"')
    end = body.find('<h2 class="govuk-heading-m"', start + 1)
    return body[start : end if end != -1 else None]


class Service:
    """Two teams. North: a family with overdue work (Ashby), one without a lead (Brook), one allocated
    five days ago (Cole), and one settled (Dale); South: a family with overdue work (Eyre)."""

    def __init__(self):
        self.north, self.south = TeamFactory(name="North Team"), TeamFactory(name="South Team")
        self.maria = UserFactory(role="team_manager", team=self.north, first_name="Maria", last_name="Santos")
        self.owen = UserFactory(role="service_manager", team=None)
        self.asha = UserFactory(team=self.north, first_name="Asha", last_name="Patel")
        self.ben = UserFactory(team=self.north, first_name="Ben", last_name="Turner")
        self.south_lead = UserFactory(team=self.south, first_name="Sol", last_name="Reyes")
        self.ashby = self.family("Ashby", self.north, lead=self.asha, since=ago(200), overdue=3)
        self.brook = self.family("Brook", self.north, lead=None, overdue=1)
        self.cole = self.family("Cole", self.north, lead=self.ben, since=ago(5))
        self.dale = self.family("Dale", self.north, lead=self.asha, since=ago(100))
        self.eyre = self.family("Eyre", self.south, lead=self.south_lead, since=ago(300), overdue=2)

    def family(self, name, team, *, lead, since=None, overdue=0):
        family = FamilyFactory(team=team, name=f"{name} family")
        children = [FamilyMemberFactory(family=family).person for _ in range(2)]
        if lead is not None:
            AllocationFactory(
                family=family, worker=lead, case_role=CaseRole.LEAD_SOCIAL_WORKER, start_date=since
            )
        for n in range(overdue):
            Deadline.objects.create(
                child=children[n % 2], family=family, kind="cp_visit", due_date=ago(n + 1), basis="test"
            )
        Deadline.objects.create(child=children[0], family=family, kind="core_group", due_date=TODAY, basis="")
        return family


@pytest.fixture
def service():
    return Service()


def landing(client, user, **params) -> str:
    client.force_login(user)
    response = client.get(reverse("casefile:my-families"), params)
    assert response.status_code == 200
    return response.content.decode()


def test_a_team_manager_lands_on_their_teams_work(client, service):
    body = landing(client, service.maria)

    assert '<h1 class="govuk-heading-l">My families</h1>' in body
    assert "North Team holds" in text(body) and "4 open families" in text(body)

    overdue = section(body, "overdue-families")
    assert "2 families have overdue work, most overdue first." in text(overdue)
    rows = re.findall(r'href="/families/([^/]+)/">([^<]+)</a>', overdue)
    assert [name for _, name in rows] == ["Ashby family", "Brook family"]
    ashby = text(overdue.split("Ashby family")[1].split("</tr>")[0])
    assert "Asha Patel" in ashby and "3" in ashby.split()
    assert "Eyre family" not in body  # another team's

    no_lead = section(body, "no-lead")
    assert "Brook family" in no_lead and "Ashby family" not in no_lead
    assert reverse("casefile:allocation-create", args=[service.brook.pk]) in no_lead

    new = section(body, "new-families")
    assert "Cole family" in new and "Ben Turner" in new and "Dale family" not in new
    assert f'datetime="{ago(5):%Y-%m-%d}"' in new

    assert "Families you are allocated to" in body and "You are not allocated to any families." in body


def test_a_service_manager_sees_every_team_or_picks_one(client, service):
    body = landing(client, service.owen)
    assert "All teams" in body and "The teams hold" in text(body) and "5 open families" in text(body)
    overdue = section(body, "overdue-families")
    assert [n for _, n in re.findall(r'href="/families/([^/]+)/">([^<]+)</a>', overdue)] == [
        "Ashby family",
        "Eyre family",
        "Brook family",
    ]
    assert "South Team" in overdue  # which team each family is in

    south = landing(client, service.owen, team=service.south.pk)
    assert "Eyre family" in south and "Ashby family" not in south
    assert client.get(reverse("casefile:my-families"), {"team": "nonsense"}).status_code == 404


def test_a_team_manager_cannot_ask_for_another_team(client, service):
    client.force_login(service.maria)
    assert client.get(reverse("casefile:my-families"), {"team": service.south.pk}).status_code == 404


def test_a_worker_keeps_my_families_as_it_was(client, service):
    body = landing(client, service.asha)
    assert "You are allocated to 2 families." in body
    assert "Families with overdue work" not in body and "without a lead social worker" not in body
    assert "Brook family" not in body


def test_a_manager_allocated_to_nothing_is_not_told_their_role_opens_no_records(client, service):
    body = landing(client, service.maria)
    assert "does not open families" not in body
    analyst = UserFactory(role="performance_analyst", team=None)
    assert "does not open families' case records" in landing(client, analyst)


def test_the_landing_lists_are_the_first_few_with_a_link_to_all(client, service, monkeypatch):
    monkeypatch.setattr(caseload, "LANDING_LIST", 1)
    body = landing(client, service.maria)
    overdue = section(body, "overdue-families")
    assert "the 1 with most overdue" in text(overdue)
    link = reverse("casefile:team-caseload") + f"?team={service.north.pk}&amp;show=overdue"
    assert f'href="{link}">All 2 families with overdue work' in overdue


def test_team_caseload_links_to_each_workers_families_and_the_teams_lists(client, service):
    client.force_login(service.maria)
    body = client.get(reverse("casefile:team-caseload")).content.decode()
    worker_link = f'href="?team={service.north.pk}&amp;worker={service.asha.pk}">'
    assert worker_link + 'Asha Patel<span class="govuk-visually-hidden">: their families</span></a>' in body
    assert f'href="?team={service.north.pk}&amp;show=all">The team\'s 4 open families</a>' in body

    families = client.get(reverse("casefile:team-caseload"), {"worker": service.asha.pk}).content.decode()
    assert "Asha Patel&#x27;s families" in families
    assert "Ashby family" in families and "Dale family" in families and "Cole family" not in families
    assert "Lead social worker" in families and "holds 2 families now" in text(families)

    team = client.get(reverse("casefile:team-caseload"), {"show": "all"}).content.decode()
    assert all(f"{n} family" in team for n in ("Ashby", "Brook", "Cole", "Dale"))
    assert "Eyre family" not in team
    no_lead = client.get(reverse("casefile:team-caseload"), {"show": "no-lead"}).content.decode()
    assert "Brook family" in no_lead and "Ashby family" not in no_lead


def test_a_workers_families_elsewhere_are_counted_never_named(client, service):
    AllocationFactory(family=service.eyre, worker=service.asha, case_role=CaseRole.SOCIAL_WORKER)
    client.force_login(service.maria)
    body = client.get(reverse("casefile:team-caseload"), {"worker": service.asha.pk}).content.decode()
    assert "holds 3 families now, 1 of them in a team whose families you cannot open" in text(body)
    assert "Eyre" not in body


def test_every_list_of_families_is_in_each_familys_access_log(client, service):
    """A list shows each family's name, children and due work: reading the record, so one event names
    every family shown (issue #8), and each family's access log finds it through its subjects."""
    from safeguarding.audit.models import AuditEvent, AuditSubject

    def named(user, page):
        event = AuditEvent.objects.filter(actor=user, action="view", detail__page=page).latest("id")
        return set(
            AuditSubject.objects.filter(event=event, kind="family").values_list("subject_id", flat=True)
        )

    landing(client, service.maria)
    assert named(service.maria, "my_families") == {service.ashby.pk, service.brook.pk, service.cole.pk}
    landing(client, service.asha)
    assert named(service.asha, "my_families") == {service.ashby.pk, service.dale.pk}

    client.force_login(service.maria)
    client.get(reverse("casefile:team-caseload"), {"show": "no-lead"})
    assert named(service.maria, "team_families") == {service.brook.pk}
    client.get(reverse("casefile:team-caseload"), {"worker": service.asha.pk})
    assert named(service.maria, "worker_families") == {service.ashby.pk, service.dale.pk}

    # A list that showed no family writes nothing.
    lonely = UserFactory(team=TeamFactory())
    landing(client, lonely)
    assert not AuditEvent.objects.filter(actor=lonely, action="view").exists()


def test_team_caseload_refuses_other_teams_workers_and_unknown_lists(client, service):
    client.force_login(service.maria)
    url = reverse("casefile:team-caseload")
    assert client.get(url, {"worker": service.south_lead.pk}).status_code == 404
    for nonsense in ("x", "-1", "1.5", "9" * 40, "٣"):
        assert client.get(url, {"worker": nonsense}).status_code == 404
    assert client.get(url, {"show": "everything"}).status_code == 404
    assert client.get(url, {"show": "all", "team": service.south.pk}).status_code == 404
    client.force_login(service.asha)
    assert client.get(url, {"show": "all"}).status_code == 403


def test_the_allocation_form_shows_each_workers_caseload(client, service):
    client.force_login(service.maria)
    body = client.get(reverse("casefile:allocation-create", args=[service.brook.pk])).content.decode()
    options = dict(re.findall(r'<option value="(\d+)"[^>]*>([^<]+)</option>', body))
    assert options[str(service.asha.pk)].endswith(": holds 2 families")
    assert options[str(service.ben.pk)].endswith(": holds 1 family")
    assert options[str(service.maria.pk)].endswith(": holds 0 families")
    assert "how many families they hold now" in body
