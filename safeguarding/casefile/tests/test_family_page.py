"""The family page gives the picture a worker needs before a visit or a duty call (issue #8): each child's
status and due work, what is overdue across the family, who works with them and how to reach them, and a
timeline with one entry for what happened to several children at once."""

from __future__ import annotations

import datetime
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from safeguarding.accounts.tests.factories import TeamFactory, UserFactory
from safeguarding.allocation.models import CaseRole
from safeguarding.allocation.tests.factories import AllocationFactory
from safeguarding.audit.models import AuditEvent
from safeguarding.casefile import selectors
from safeguarding.journey import models as journey
from safeguarding.people.tests.factories import FamilyFactory, FamilyMemberFactory
from safeguarding.tasks.models import Deadline

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()


def ago(days: int) -> datetime.date:
    return TODAY - datetime.timedelta(days=days)


def iso(day: datetime.date) -> str:
    return f'datetime="{day:%Y-%m-%d}"'


class Family:
    """A family in a team with six children, one in each state the page shows, their lead social worker
    and the team's manager."""

    def __init__(self):
        self.team = TeamFactory()
        self.family = FamilyFactory(team=self.team, name="Whitlow family")
        self.manager = UserFactory(
            role="team_manager", team=self.team, first_name="Maria", last_name="Santos", phone="01632 960003"
        )
        self.lead = UserFactory(team=self.team, first_name="Asha", last_name="Patel", phone="01632 960001")
        AllocationFactory(family=self.family, worker=self.lead, case_role=CaseRole.LEAD_SOCIAL_WORKER)
        born = datetime.date(2012, 1, 1)

        def child(first, n):
            return FamilyMemberFactory(
                family=self.family,
                person__first_name=first,
                person__last_name="Whitlow",
                person__date_of_birth=born + datetime.timedelta(days=400 * n),
            ).person

        self.peter, self.lindsey, self.emily, self.amber, self.zoe, self.noah = (
            child(name, n) for n, name in enumerate(["Peter", "Lindsey", "Emily", "Amber", "Zoe", "Noah"])
        )
        # Peter: in care since 40 days ago, a new episode (full care order) 10 days ago.
        journey.LookedAfterEpisode.objects.create(
            child=self.peter,
            start_date=ago(40),
            reason_new_episode="S",
            legal_status="C1",
            category_of_need="N1",
            placement_type="U6",
            placement_provider="PR1",
            placement_postcode="DB7 7QZ",
            end_date=ago(10),
            reason_ceased="X1",
        )
        journey.LookedAfterEpisode.objects.create(
            child=self.peter,
            start_date=ago(10),
            reason_new_episode="L",
            legal_status="C2",
            category_of_need="N1",
            placement_type="U6",
            placement_provider="PR1",
            placement_postcode="DB7 7QZ",
        )
        # Lindsey: on a child protection plan since 60 days ago, category now emotional abuse.
        episode = self.referral(self.lindsey, 90)
        journey.ChildProtectionPlan.objects.create(
            child=self.lindsey,
            episode=episode,
            start_date=ago(60),
            initial_category="NEG",
            latest_category="EMO",
        )
        # Emily: a child in need plan since 30 days ago.
        episode = self.referral(self.emily, 50)
        journey.ChildInNeedPlan.objects.create(child=self.emily, episode=episode, start_date=ago(30))
        # Amber: referred 8 days ago, assessment started 5 days ago.
        episode = self.referral(self.amber, 8)
        journey.Assessment.objects.create(child=self.amber, episode=episode, start_date=ago(5))
        # Zoe: referral closed 20 days ago.
        episode = self.referral(self.zoe, 100)
        episode.closure_date, episode.closure_reason = ago(20), "RC7"
        episode.save()
        # Noah: never referred.

    def referral(self, child, days, closed=None):
        return journey.EpisodeOfNeed.objects.create(
            child=child,
            referral_date=ago(days),
            referral_source="3A",
            closure_date=None if closed is None else ago(closed),
            closure_reason="" if closed is None else "RC7",
        )

    def deadline(self, child, kind, due):
        return Deadline.objects.create(child=child, family=self.family, kind=kind, due_date=due, basis="test")


@pytest.fixture
def fam():
    return Family()


def page(client, user, fam) -> str:
    client.force_login(user)
    response = client.get(reverse("casefile:family-detail", args=[fam.family.pk]))
    assert response.status_code == 200
    return response.content.decode()


def child_row(body: str, person) -> str:
    """The children table's row for this child."""
    children = body[body.index('id="children"') : body.index('id="overdue"')]
    rows = [row for row in children.split('<tr class="govuk-table__row">') if person.full_name in row]
    assert len(rows) == 1, f"{person.full_name}: {len(rows)} rows"
    return rows[0]


def text(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html)).strip()


def test_each_child_has_a_status_tag_and_line(client, fam):
    body = page(client, fam.lead, fam)

    peter = child_row(body, fam.peter)
    assert 'govuk-tag govuk-tag--purple app-child-status__tag">Looked after<' in peter
    assert "Looked after since" in peter and iso(ago(40)) in peter  # the period of care, not the episode
    assert "this episode since" in peter and iso(ago(10)) in peter
    assert "Legal status: C2 Full care order" in text(peter)
    assert "Placement: U6 Foster placement with other carer: other" in text(peter)

    lindsey = child_row(body, fam.lindsey)
    assert 'govuk-tag govuk-tag--red app-child-status__tag">Child protection plan<' in lindsey
    assert "Child protection plan since" in lindsey and iso(ago(60)) in lindsey
    assert "Category: Emotional abuse" in text(lindsey)

    emily = child_row(body, fam.emily)
    assert 'class="govuk-tag app-child-status__tag">Child in need<' in emily
    assert "Child in need plan since" in emily and iso(ago(30)) in emily

    amber = child_row(body, fam.amber)
    assert ">Assessment open<" in amber
    assert "Referral received" in amber and iso(ago(8)) in amber
    assert "Assessment started" in amber and iso(ago(5)) in amber

    zoe = child_row(body, fam.zoe)
    assert 'govuk-tag--grey app-child-status__tag">Closed<' in zoe
    assert "Referral closed" in zoe and iso(ago(20)) in zoe
    assert "RC7 Services ceased" in zoe

    noah = child_row(body, fam.noah)
    assert ">No open episode<" in noah and "No referral recorded" in noah


def test_the_childs_social_worker_who_visits_them_sees_where_they_are_placed(client, fam):
    peter = child_row(page(client, fam.lead, fam), fam.peter)
    assert "Placement postcode: DB7 7QZ" in text(peter)
    assert "placed away from home" in peter


def short_breaks_child(fam, first: str, legal_status: str, *, ended: bool):
    child = FamilyMemberFactory(
        family=fam.family,
        person__first_name=first,
        person__last_name="Whitlow",
        person__date_of_birth=datetime.date(2015, 5, 5),
    ).person
    journey.LookedAfterEpisode.objects.create(
        child=child,
        start_date=ago(45),
        reason_new_episode="S",
        legal_status=legal_status,
        category_of_need="N2",
        placement_type="U6",
        placement_provider="PR1",
        end_date=ago(41) if ended else None,
        reason_ceased="E4A" if ended else "",
    )
    return child


def test_a_child_on_short_breaks_is_not_shown_as_placed_away_from_home_between_breaks(client, fam):
    # Care Planning Regulations 2010, reg 48: a child on short breaks lives at home between them.
    agreement = short_breaks_child(fam, "Ruby", "V4", ended=False)  # one episode for the whole agreement
    break_by_break = short_breaks_child(fam, "Sid", "V3", ended=True)  # at home since the break ended
    body = page(client, fam.lead, fam)

    ruby = child_row(body, agreement)
    assert "Legal status: V4 Agreed series of short breaks" in text(ruby)
    assert "living at home between breaks" in ruby and "placed away from home" not in ruby

    sid = child_row(body, break_by_break)
    assert ">Looked after<" not in sid and "placed away from home" not in sid


def test_the_parents_practitioner_is_told_the_placement_is_withheld_and_who_to_ask(client, fam):
    # An adult practitioner works with the parents the child may be protected from.
    practitioner = AllocationFactory(
        family=fam.family,
        worker=UserFactory(team=fam.team, role="adult_practitioner"),
        case_role=CaseRole.RECOVERY_WORKER,
    ).worker
    body = page(client, practitioner, fam)
    peter = child_row(body, fam.peter)
    assert "Placement postcode:" in peter and ">Withheld<" in peter
    assert "Ask Maria Santos" in peter
    # Never in the page, in any form.
    assert "DB7 7QZ" not in body and "DB7" not in body


def test_the_team_manager_and_a_service_manager_see_the_placement_postcode(client, fam):
    assert "Placement postcode: DB7 7QZ" in text(child_row(page(client, fam.manager, fam), fam.peter))
    service_manager = UserFactory(role="service_manager", team=None)
    assert "Placement postcode: DB7 7QZ" in text(child_row(page(client, service_manager, fam), fam.peter))


def test_a_partner_agency_worker_and_emergency_access_do_not_see_the_placement(client, fam):
    partner = AllocationFactory(
        family=fam.family, worker=UserFactory(partner=True, team=fam.team), case_role=CaseRole.RECOVERY_WORKER
    ).worker
    assert "DB7 7QZ" not in page(client, partner, fam)


def test_each_child_links_to_their_due_work_with_overdue_and_due_soon_counts(client, fam):
    fam.deadline(fam.lindsey, "cp_visit", ago(3))
    fam.deadline(fam.lindsey, "core_group", ago(1))
    fam.deadline(fam.lindsey, "review_conference", TODAY)  # due today: not overdue yet
    fam.deadline(fam.peter, "lac_review", ago(12))
    fam.deadline(fam.emily, "cin_visit", TODAY + datetime.timedelta(days=200))  # later: not counted

    body = page(client, fam.lead, fam)

    lindsey = child_row(body, fam.lindsey)
    journey_url = reverse("journey:child-journey", args=[fam.lindsey.pk]) + "#next-due"
    assert f'href="{journey_url}"' in lindsey
    assert "2 overdue, 1 due soon for Lindsey Whitlow" in text(lindsey)
    assert "1 overdue, 0 due soon" in text(child_row(body, fam.peter))
    assert "Nothing overdue, 0 due soon" in text(child_row(body, fam.emily))


def test_the_family_overdue_list_counts_and_links_each_item(client, fam):
    fam.deadline(fam.lindsey, "cp_visit", ago(3))
    fam.deadline(fam.lindsey, "core_group", ago(1))
    fam.deadline(fam.peter, "lac_review", ago(12))

    body = page(client, fam.lead, fam)

    glance = text(body[body.index("app-family-glance") : body.index('id="children"')])
    assert "Overdue 3 items for 2 children" in glance
    overdue = body[body.index('id="overdue"') : body.index('id="adults"')]
    assert "3 items overdue for 2 children, oldest first." in text(overdue)
    items = re.findall(r'<a class="govuk-link" href="([^"]+)">([^<]+)</a>', overdue)
    peter, lindsey = (
        reverse("journey:child-journey", args=[c.pk]) + "#next-due" for c in (fam.peter, fam.lindsey)
    )
    assert items == [
        (peter, "Looked-after review for Peter Whitlow"),
        (lindsey, "Child protection visit for Lindsey Whitlow"),
        (lindsey, "Core group for Lindsey Whitlow"),
    ]
    assert "12 days overdue" in overdue and iso(ago(12)) in overdue


def test_nothing_overdue_says_so(client, fam):
    body = page(client, fam.lead, fam)
    assert "Nothing is overdue for the children." in body
    glance = body[body.index("app-family-glance") : body.index('id="children"')]
    assert "Overdue Nothing overdue" in text(glance)


def test_who_works_with_the_family_and_how_to_reach_them(client, fam):
    partner = UserFactory(partner=True, team=fam.team, first_name="Dan", last_name="Whitfield", phone="")
    AllocationFactory(family=fam.family, worker=partner, case_role=CaseRole.DA_VICTIM_PRACTITIONER)

    body = page(client, fam.lead, fam)

    glance = body[body.index("app-family-glance") : body.index('id="children"')]
    assert "Lead social worker" in glance and "Asha Patel" in glance
    assert 'href="tel:01632960001"' in glance and f'href="mailto:{fam.lead.email}"' in glance
    assert "Team manager" in glance and "Maria Santos" in glance and 'href="tel:01632960003"' in glance
    workers = body[body.index('id="workers"') : body.index('id="timeline"')]
    dan = next(row for row in workers.split('<tr class="govuk-table__row">') if "Dan Whitfield" in row)
    assert "Domestic abuse victim practitioner" in dan
    assert partner.organisation.name in dan
    assert "tel:" not in dan and f'href="mailto:{partner.email}"' in dan  # no phone recorded: email only


def test_a_family_without_a_lead_says_so_with_the_allocate_link_for_the_manager(client):
    family = FamilyFactory()
    UserFactory(role="team_manager", team=family.team)
    manager = UserFactory(role="team_manager", team=family.team)
    client.force_login(manager)
    body = client.get(reverse("casefile:family-detail", args=[family.pk])).content.decode()
    glance = text(body[body.index("app-family-glance") : body.index('id="children"')])
    assert "Lead social worker None allocated. Allocate a lead social worker" in glance


def test_an_event_of_several_children_is_one_timeline_entry_naming_them(client, fam):
    plans = []
    for child in (fam.peter, fam.emily, fam.amber):
        episode = fam.referral(child, 200, closed=130)
        plans.append(
            journey.ChildProtectionPlan.objects.create(
                child=child,
                episode=episode,
                start_date=ago(150),
                initial_category="NEG",
                latest_category="NEG",
                end_date=ago(140),
                end_reason="other",
            )
        )
    lindsey_plan = journey.ChildProtectionPlan.objects.get(child=fam.lindsey)
    for plan in [lindsey_plan, *plans]:
        journey.CoreGroupMeeting.objects.create(child=plan.child, plan=plan, date=ago(2))

    body = page(client, fam.lead, fam)

    timeline = body[body.index('id="timeline"') :]
    titles = [text(t) for t in re.findall(r'<h3 class="moj-timeline__title">(.*?)</h3>', timeline, re.S)]
    assert titles[0] == "Core group meeting for Peter, Lindsey, Emily and Amber"
    assert titles.count("Core group meeting for Peter, Lindsey, Emily and Amber") == 1
    assert not any(t.startswith("Core group meeting for") and t != titles[0] for t in titles)
    # Each child's own record is a link away.
    first = timeline.split('<div class="moj-timeline__item">')[1]
    for child in (fam.peter, fam.lindsey, fam.emily, fam.amber):
        assert reverse("journey:child-journey", args=[child.pk]) + "#coregroupmeeting-" in first
    # An event of one child keeps their full name.
    assert "Assessment started for Amber Whitlow" in titles


def test_the_family_chronology_merges_the_same_way(client, fam):
    lindsey_plan = journey.ChildProtectionPlan.objects.get(child=fam.lindsey)
    episode = fam.referral(fam.emily, 200, closed=130)
    plan = journey.ChildProtectionPlan.objects.create(
        child=fam.emily,
        episode=episode,
        start_date=ago(150),
        initial_category="NEG",
        latest_category="NEG",
        end_date=ago(140),
        end_reason="other",
    )
    for p in (lindsey_plan, plan):
        journey.CoreGroupMeeting.objects.create(child=p.child, plan=p, date=ago(2))
    client.force_login(fam.lead)

    body = client.get(reverse("journey:family-chronology", args=[fam.family.pk])).content.decode()

    # One entry for the meeting, naming both children, with a link to each child's record.
    assert body.count('<h3 class="moj-timeline__title">Core group meeting') == 1
    assert '<span class="app-timeline__children">for Lindsey and Emily</span>' in body
    assert "View the record for" in body


def test_the_family_page_read_is_audited(client, fam):
    page(client, fam.lead, fam)
    event = AuditEvent.objects.filter(actor=fam.lead, action=AuditEvent.Action.VIEW).latest("id")
    assert event.object_type == "family" and event.family_id == fam.family.pk


def test_the_selector_counts_due_work_as_of_the_day_it_is_given(fam):
    fam.deadline(fam.lindsey, "cp_visit", ago(3))
    later = ago(-30)
    context = selectors.family_detail(fam.lead, fam.family, today=ago(5))
    assert context["due"].overdue == []
    context = selectors.family_detail(fam.lead, fam.family, today=later)
    assert [item.kind_label for item in context["due"].overdue] == ["Child protection visit"]
    assert context["due"].overdue[0].days_overdue == 33
