"""My tasks and Timeliness: who sees whose deadlines, how they are grouped, the drill-down, and the audit.

The council: the Carter family (Mia) held by Asha and the Baker family (Ben) held by Sam, both in the
North team managed by Maria; the Other family (Ola) in the South team; the Doe family (Dee) in the North
team with no lead social worker. Owen is a service manager. Deadlines are written as rows (what
deadlines_refresh keeps) so that each test says exactly what is due when.
"""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from safeguarding.accounts.tests.factories import PartnerOrganisationFactory, TeamFactory, UserFactory
from safeguarding.allocation.models import CaseRole
from safeguarding.allocation.tests.factories import AllocationFactory
from safeguarding.audit.models import AuditEvent
from safeguarding.journey.deadlines import deadlines_refresh
from safeguarding.journey.models import DeadlineKind, EpisodeOfNeed
from safeguarding.people.tests.factories import FamilyFactory, FamilyMemberFactory
from safeguarding.tasks import selectors
from safeguarding.tasks.models import Deadline

Kind = DeadlineKind
LEAD = CaseRole.LEAD_SOCIAL_WORKER
TODAY = timezone.localdate
# A Monday: due soon runs to the Monday after (5 working days, no bank holiday in between).
MONDAY = datetime.date(2026, 3, 2)


def days(n: int) -> datetime.date:
    return TODAY() + datetime.timedelta(days=n)


def due(child, family, kind: str, on: datetime.date) -> Deadline:
    return Deadline.objects.create(
        child=child, family=family, kind=kind, due_date=on, basis="Synthetic basis"
    )


class Council:
    pass


@pytest.fixture
def council(db):
    c = Council()
    c.north = TeamFactory(name="North Family Safeguarding Team")
    c.south = TeamFactory(name="South Family Safeguarding Team")
    c.asha = UserFactory(team=c.north, first_name="Asha", last_name="Patel")
    c.sam = UserFactory(team=c.north, first_name="Sam", last_name="Okafor")
    c.sol = UserFactory(team=c.south, first_name="Sol", last_name="Reyes")
    c.maria = UserFactory(role="team_manager", team=c.north, first_name="Maria", last_name="Santos")
    c.tom = UserFactory(role="team_manager", team=c.south, first_name="Tom", last_name="Hughes")
    c.owen = UserFactory(role="service_manager", team=None, first_name="Owen", last_name="Price")
    c.fay = UserFactory(role="family_support_worker", team=c.north, first_name="Fay", last_name="Hill")

    c.carter = FamilyFactory(team=c.north, name="Carter family", reference="FAM-CARTER")
    c.mia = FamilyMemberFactory(family=c.carter, person__first_name="Mia", person__last_name="Carter").person
    c.baker = FamilyFactory(team=c.north, name="Baker family", reference="FAM-BAKER")
    c.ben = FamilyMemberFactory(family=c.baker, person__first_name="Ben", person__last_name="Baker").person
    c.other = FamilyFactory(team=c.south, name="Other family", reference="FAM-OTHER")
    c.ola = FamilyMemberFactory(family=c.other, person__first_name="Ola", person__last_name="Other").person
    c.doe = FamilyFactory(team=c.north, name="Doe family", reference="FAM-DOE")
    c.dee = FamilyMemberFactory(family=c.doe, person__first_name="Dee", person__last_name="Doe").person

    AllocationFactory(family=c.carter, worker=c.asha, case_role=LEAD)
    AllocationFactory(family=c.carter, worker=c.fay, case_role=CaseRole.FAMILY_SUPPORT_WORKER)
    c.dan = UserFactory(partner=True, team=c.north, organisation=PartnerOrganisationFactory())
    AllocationFactory(family=c.carter, worker=c.dan, case_role=CaseRole.DA_VICTIM_PRACTITIONER)
    AllocationFactory(family=c.baker, worker=c.sam, case_role=LEAD)
    AllocationFactory(family=c.other, worker=c.sol, case_role=LEAD)

    due(c.mia, c.carter, Kind.ASSESSMENT, days(-3))
    due(c.mia, c.carter, Kind.CP_VISIT, days(1))
    due(c.ben, c.baker, Kind.REVIEW_CONFERENCE, days(-10))
    due(c.ola, c.other, Kind.ICPC, days(-1))
    due(c.dee, c.doe, Kind.ASSESSMENT, days(-20))
    return c


def signed_in(client, user):
    client.force_login(user)
    return client


def page(client, name: str, *args, **params):
    return client.get(reverse(name, args=args), params)


# ---- My tasks: grouping (selectors) ----------------------------------------------------------------------


def test_my_tasks_groups_deadlines_as_overdue_due_soon_and_later_as_of_the_given_day(council):
    c = council
    due(c.mia, c.carter, Kind.CORE_GROUP, datetime.date(2026, 2, 27))  # the Friday before: overdue
    due(c.mia, c.carter, Kind.REVIEW_CONFERENCE, MONDAY)  # due today: still in time
    due(c.mia, c.carter, Kind.LAC_VISIT, datetime.date(2026, 3, 9))  # 5 working days on: due soon
    due(c.mia, c.carter, Kind.PROCEEDINGS, datetime.date(2026, 3, 10))  # 6 working days on: later
    Deadline.objects.filter(child=c.mia, kind__in=[Kind.ASSESSMENT, Kind.CP_VISIT]).delete()

    tasks = selectors.my_tasks(c.asha, today=MONDAY)
    assert tasks.due_soon_until == datetime.date(2026, 3, 9)
    assert [(r.kind, r.days_overdue) for r in tasks.overdue] == [(Kind.CORE_GROUP, 3)]
    assert [r.kind for r in tasks.due_soon] == [Kind.REVIEW_CONFERENCE, Kind.LAC_VISIT]
    assert [r.kind for r in tasks.later] == [Kind.PROCEEDINGS]
    assert [child.child_name for child in tasks.by_child] == ["Mia Carter"]
    assert tasks.family_ids == [str(c.carter.pk)]


def test_my_tasks_by_child_puts_the_most_urgent_child_first(council):
    c = council
    leo = FamilyMemberFactory(family=c.carter, person__first_name="Leo", person__last_name="Carter").person
    due(leo, c.carter, Kind.CP_VISIT, days(-30))
    tasks = selectors.my_tasks(c.asha, today=TODAY())
    assert [child.child_name for child in tasks.by_child] == ["Leo Carter", "Mia Carter"]
    assert [child.overdue for child in tasks.by_child] == [1, 1]
    assert [len(child.tasks) for child in tasks.by_child] == [1, 2]


# ---- My tasks: who sees what -----------------------------------------------------------------------------


def test_a_social_worker_sees_the_deadlines_of_the_families_they_hold_only(client, council):
    response = page(signed_in(client, council.asha), "tasks:my-tasks")
    assert response.status_code == 200
    body = response.content.decode()
    assert "Mia Carter" in body
    for other in ("Ben Baker", "Ola Other", "Dee Doe"):
        assert other not in body  # another worker's family, another team's, a family nobody holds
    assert reverse("journey:child-journey", args=[council.mia.pk]) in body
    assert "Overdue" in body and "3 days overdue" in body
    assert "Due soon" in body


def test_a_family_support_worker_sees_the_deadlines_of_the_families_they_support(client, council):
    body = page(signed_in(client, council.fay), "tasks:my-tasks").content.decode()
    assert "Mia Carter" in body and "Ben Baker" not in body


def test_an_ended_allocation_takes_the_deadlines_off_my_tasks(client, council):
    council.carter.allocations.filter(worker=council.asha).update(end_date=TODAY())
    body = page(signed_in(client, council.asha), "tasks:my-tasks").content.decode()
    assert "Mia Carter" not in body
    assert "You have no outstanding deadlines" in body


def test_my_tasks_by_child(client, council):
    response = page(signed_in(client, council.asha), "tasks:my-tasks", view="child")
    body = response.content.decode()
    assert "Deadlines by child, most urgent first" in body
    assert "Mia Carter" in body and "Assessment: due" in body


@pytest.mark.parametrize(
    "role", ["performance_analyst", "auditor", "business_support", "system_administrator"]
)
def test_roles_that_hold_no_childrens_deadlines_are_refused_my_tasks(client, council, role):
    user = UserFactory(role=role, team=council.north)
    assert page(signed_in(client, user), "tasks:my-tasks").status_code == 403
    assert AuditEvent.objects.filter(actor=user, action=AuditEvent.Action.DENIED).exists()


def test_a_partner_agency_practitioner_has_my_tasks_without_the_childrens_dates(client, council):
    """Adult practitioners' work arrives as tasks of their own (issue #10), so they have My tasks; the
    children's statutory dates of a family they work with stay the council's."""
    response = page(signed_in(client, council.dan), "tasks:my-tasks")
    assert response.status_code == 200
    body = response.content.decode()
    assert "Mia Carter" not in body and "Assessment: due" not in body


def test_managers_may_open_my_tasks_for_the_families_they_hold(client, council):
    AllocationFactory(family=council.doe, worker=council.maria, case_role=CaseRole.SOCIAL_WORKER)
    body = page(signed_in(client, council.maria), "tasks:my-tasks").content.decode()
    assert "Dee Doe" in body and "Mia Carter" not in body
    assert page(signed_in(client, council.owen), "tasks:my-tasks").status_code == 200


def test_my_tasks_needs_signing_in(client, council):
    response = page(client, "tasks:my-tasks")
    assert response.status_code == 302 and "sign-in" in response["Location"]


# ---- My tasks: audit -------------------------------------------------------------------------------------


def test_opening_my_tasks_is_audited_once_with_the_families_it_showed(client, council):
    AllocationFactory(family=council.baker, worker=council.asha, case_role=CaseRole.SOCIAL_WORKER)
    before = AuditEvent.objects.count()
    page(signed_in(client, council.asha), "tasks:my-tasks")
    events = list(AuditEvent.objects.order_by("id")[before:])
    assert len(events) == 1
    event = events[0]
    assert (event.action, event.actor_id, event.family_id) == (AuditEvent.Action.VIEW, council.asha.pk, None)
    assert event.detail["page"] == "my_tasks"
    assert sorted(event.detail["families"]) == sorted([str(council.carter.pk), str(council.baker.pk)])
    assert event.detail["deadlines"] == 3


def test_an_empty_my_tasks_writes_no_audit_event(client, council):
    before = AuditEvent.objects.count()
    page(signed_in(client, council.owen), "tasks:my-tasks")
    assert AuditEvent.objects.count() == before


# ---- Timeliness: who may see which team ------------------------------------------------------------------


def test_a_team_manager_goes_straight_to_their_own_team(client, council):
    response = page(signed_in(client, council.maria), "tasks:timeliness")
    assert response.status_code == 302
    assert response["Location"] == reverse("tasks:team-timeliness", args=[council.north.pk])


def test_a_team_manager_sees_their_team_and_another_team_is_not_found(client, council):
    client = signed_in(client, council.maria)
    assert page(client, "tasks:team-timeliness", council.north.pk).status_code == 200
    assert page(client, "tasks:team-timeliness", council.south.pk).status_code == 404
    assert page(client, "tasks:team-overdue", council.south.pk).status_code == 404


def test_a_service_manager_sees_every_team(client, council):
    client = signed_in(client, council.owen)
    response = page(client, "tasks:timeliness")
    assert response.status_code == 200
    body = response.content.decode()
    assert "North Family Safeguarding Team" in body and "South Family Safeguarding Team" in body
    teams = {row.team.name: (row.overdue, row.due_soon) for row in response.context["teams"]}
    assert teams == {"North Family Safeguarding Team": (3, 1), "South Family Safeguarding Team": (1, 0)}
    assert page(client, "tasks:team-timeliness", council.south.pk).status_code == 200
    assert page(client, "tasks:team-overdue", council.south.pk).status_code == 200


@pytest.mark.parametrize("who", ["asha", "fay", "dan", "analyst", "auditor", "business_support"])
@pytest.mark.parametrize("name", ["tasks:timeliness", "tasks:team-timeliness", "tasks:team-overdue"])
def test_only_managers_may_open_timeliness(client, council, who, name):
    extra = {"analyst": "performance_analyst", "auditor": "auditor", "business_support": "business_support"}
    user = UserFactory(role=extra[who], team=council.north) if who in extra else getattr(council, who)
    args = [] if name == "tasks:timeliness" else [council.north.pk]
    assert page(signed_in(client, user), name, *args).status_code == 403


def test_a_team_manager_with_no_team_may_not_open_timeliness(client, council):
    manager = UserFactory(role="team_manager", team=None)
    assert page(signed_in(client, manager), "tasks:timeliness").status_code == 403


def test_an_unknown_team_is_not_found(client, council):
    client = signed_in(client, council.owen)
    assert page(client, "tasks:team-timeliness", council.carter.pk).status_code == 404


# ---- Timeliness: the team's counts -----------------------------------------------------------------------


def test_team_timeliness_counts_overdue_by_lead_social_worker_and_kind(client, council):
    c = council
    due(c.mia, c.carter, Kind.CP_VISIT, days(-2))
    response = page(signed_in(client, c.maria), "tasks:team-timeliness", c.north.pk)
    summary = response.context["summary"]
    assert (summary.overdue, summary.due_soon) == (4, 1)
    workers = {(row.worker.display_name if row.worker else None): row for row in summary.workers}
    # Every social worker in the team is listed, and families without a lead have a row of their own.
    assert set(workers) == {"Asha Patel", "Sam Okafor", None}
    assert workers["Asha Patel"].overdue_by_kind == {Kind.ASSESSMENT: 1, Kind.CP_VISIT: 1}
    assert workers["Asha Patel"].due_soon == 1
    assert workers["Sam Okafor"].overdue_by_kind == {Kind.REVIEW_CONFERENCE: 1}
    assert workers[None].overdue_by_kind == {Kind.ASSESSMENT: 1}
    assert [k.kind for k in summary.overdue_kinds] == [Kind.ASSESSMENT, Kind.REVIEW_CONFERENCE, Kind.CP_VISIT]
    body = response.content.decode()
    assert "No lead social worker" in body
    drill = reverse("tasks:team-overdue", args=[c.north.pk])
    assert f"{drill}?worker={c.asha.pk}&amp;kind=assessment" in body
    assert f"{drill}?kind=review_conference" in body
    assert "Ola Other" not in body  # another team's child


def test_team_timeliness_names_no_child_and_is_not_audited(client, council):
    before = AuditEvent.objects.count()
    body = page(signed_in(client, council.maria), "tasks:team-timeliness", council.north.pk).content.decode()
    assert "Mia Carter" not in body
    assert AuditEvent.objects.count() == before


# ---- The overdue drill-down ------------------------------------------------------------------------------


def overdue_children(response) -> list[str]:
    return [row.child_name for row in response.context["overdue"].rows]


def test_the_drill_down_lists_the_teams_overdue_deadlines_longest_overdue_first(client, council):
    response = page(signed_in(client, council.maria), "tasks:team-overdue", council.north.pk)
    assert response.status_code == 200
    assert overdue_children(response) == ["Dee Doe", "Ben Baker", "Mia Carter"]
    body = response.content.decode()
    assert "3 overdue deadlines" in body
    assert reverse("journey:child-journey", args=[council.dee.pk]) in body
    assert "20 days overdue" in body
    leads = [row.lead.display_name if row.lead else None for row in response.context["overdue"].rows]
    assert leads == [None, "Sam Okafor", "Asha Patel"]


def test_the_drill_down_filters_by_kind_and_by_lead_social_worker(client, council):
    client = signed_in(client, council.maria)
    north = council.north.pk
    assert overdue_children(page(client, "tasks:team-overdue", north, kind="assessment")) == [
        "Dee Doe",
        "Mia Carter",
    ]
    assert overdue_children(page(client, "tasks:team-overdue", north, worker=council.asha.pk)) == [
        "Mia Carter"
    ]
    assert overdue_children(page(client, "tasks:team-overdue", north, worker="none")) == ["Dee Doe"]
    assert (
        overdue_children(page(client, "tasks:team-overdue", north, worker=council.sam.pk, kind="assessment"))
        == []
    )


@pytest.mark.parametrize(
    "params",
    [
        {"kind": "tea_break"},
        {"worker": "asha"},
        {"worker": "12ab"},
        {"worker": "-1"},
        {"worker": "٣"},  # a digit, but not an ASCII one
        {"worker": "99999999"},  # nobody
    ],
)
def test_the_drill_down_refuses_an_unknown_filter_as_not_found(client, council, params):
    assert (
        page(signed_in(client, council.maria), "tasks:team-overdue", council.north.pk, **params).status_code
        == 404
    )


def test_the_drill_down_is_paged_at_100(client, council):
    for n in range(105):
        due(council.dee, council.doe, Kind.CP_VISIT, days(-30 - n))
    client = signed_in(client, council.maria)
    first = page(client, "tasks:team-overdue", council.north.pk)
    assert len(first.context["overdue"].rows) == 100
    assert "108 overdue deadlines" in first.content.decode()
    second = page(client, "tasks:team-overdue", council.north.pk, page=2)
    assert len(second.context["overdue"].rows) == 8


def test_the_drill_down_is_audited_once_with_the_families_it_showed(client, council):
    before = AuditEvent.objects.count()
    page(signed_in(client, council.maria), "tasks:team-overdue", council.north.pk, kind="assessment")
    events = list(AuditEvent.objects.order_by("id")[before:])
    assert len(events) == 1
    assert events[0].action == AuditEvent.Action.VIEW
    assert events[0].detail["page"] == "team_overdue"
    assert events[0].detail["kind"] == "assessment"
    assert sorted(events[0].detail["families"]) == sorted([str(council.carter.pk), str(council.doe.pk)])


# ---- Navigation ------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("who", "my_tasks", "timeliness"),
    [
        ("asha", True, False),
        ("fay", True, False),
        ("maria", True, True),
        ("owen", True, True),
        ("dan", True, False),  # his own tasks (issue #10), not the children's dates
    ],
)
def test_the_header_links_to_the_pages_the_user_may_open(client, council, who, my_tasks, timeliness):
    body = page(signed_in(client, getattr(council, who)), "casefile:my-families").content.decode()
    assert (reverse("tasks:my-tasks") in body) is my_tasks
    assert (reverse("tasks:timeliness") in body) is timeliness


# ---- From records to the page ----------------------------------------------------------------------------


def test_a_referral_recorded_shows_on_the_lead_social_workers_tasks_after_a_refresh(client, council):
    Deadline.objects.all().delete()
    EpisodeOfNeed.objects.create(child=council.mia, referral_date=days(-100), referral_source="3A")
    deadlines_refresh([council.mia.pk])
    tasks = selectors.my_tasks(council.asha, today=TODAY())
    assert [(r.kind, r.child_id) for r in tasks.overdue] == [(Kind.ASSESSMENT, council.mia.pk)]
