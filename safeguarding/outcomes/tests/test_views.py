"""The outcome pages as their users try them (issue #12): who sees what, the figures in the tables, the
drill-down a manager may follow (audited), the CSV downloads, the Family Safeguarding start marked, the
published comparators beside the council's own, and refusals for anything else.

Records are dated from the day the suite runs (`TODAY`): the pages show the last complete DfE years before
today, so the records sit in the last complete year (`YEAR`) and its months.
"""

from __future__ import annotations

import csv
import datetime
import io
import re

import pytest
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone

from safeguarding.accounts.models import User
from safeguarding.accounts.tests.factories import TeamFactory, UserFactory
from safeguarding.allocation.models import CaseRole
from safeguarding.allocation.tests.factories import AllocationFactory
from safeguarding.audit.models import AuditEvent
from safeguarding.core.calendar import add_months
from safeguarding.journey.models import EpisodeOfNeed
from safeguarding.journey.tests.factories import (
    AssessmentFactory,
    CareProceedingsFactory,
    ChildProtectionPlanFactory,
    EpisodeOfNeedFactory,
    LookedAfterEpisodeFactory,
)
from safeguarding.outcomes import published
from safeguarding.outcomes.figures import dfe_year, dfe_year_of
from safeguarding.outcomes.models import OutcomeSnapshot
from safeguarding.people.tests.factories import FamilyFactory, FamilyMemberFactory, PersonFactory

pytestmark = pytest.mark.django_db
Role = User.Role
TODAY = timezone.localdate()
YEAR = dfe_year(dfe_year_of(TODAY).end.year - 1)  # the last complete year to 31 March
DAY = datetime.timedelta(days=1)


def child_episode(child):
    return EpisodeOfNeed.objects.get(child=child)


def child_in(team, *, name):
    family = FamilyFactory(team=team, name=f"{name} family")
    person = PersonFactory(first_name=name, last_name="Synthetic")
    FamilyMemberFactory(family=family, person=person, joined_on=YEAR.start - 400 * DAY)
    return family, person


@pytest.fixture
def world():
    published.ensure_loaded()
    north, south = TeamFactory(name="North"), TeamFactory(name="South")
    w = type("World", (), {})()
    w.north, w.south = north, south
    w.family, w.ava = child_in(north, name="Ava")
    _family, w.ben = child_in(north, name="Ben")
    w.other_family, w.cal = child_in(south, name="Cal")
    start = YEAR.start + 30 * DAY
    for child in (w.ava, w.ben, w.cal):
        episode = EpisodeOfNeedFactory(child=child, referral_date=start - 20 * DAY)
        ChildProtectionPlanFactory(child=child, episode=episode, start_date=start)
    LookedAfterEpisodeFactory(child=w.cal, start_date=start + 40 * DAY)
    CareProceedingsFactory(child=w.cal, application_date=start + 35 * DAY)
    # Fixed names for everyone who signs in: each page shows its user's own name, and a random one ("Callum
    # Green", "Callum Ward") could hold a child's first name ("Cal"), which pages check they never show.
    w.analyst = UserFactory(role=Role.PERFORMANCE_ANALYST, team=None, first_name="Priya", last_name="Osei")
    w.head = UserFactory(role=Role.SERVICE_MANAGER, team=None, first_name="Hannah", last_name="Moss")
    w.manager = UserFactory(role=Role.TEAM_MANAGER, team=north, first_name="Maria", last_name="Lopes")
    w.worker = UserFactory(team=north, first_name="Asha", last_name="Patel")
    w.partner = UserFactory(partner=True, team=north, first_name="Owen", last_name="Price")
    AllocationFactory(family=w.family, worker=w.worker, case_role=CaseRole.LEAD_SOCIAL_WORKER)
    return w


def page(client, user, name="outcomes:home", **params):
    client.force_login(user)
    response = client.get(reverse(name), params)
    return response, response.content.decode() if not getattr(response, "streaming", False) else ""


def year_cell(html, figure, year_index=-1):
    """The text of one figure's cell in the yearly table (the last complete year by default)."""
    row = html.split(f'data-figure="{figure}"')[1].split("</tr>")[0]
    cell = row.split('govuk-table__cell--numeric">')[1:][year_index].split("</td>")[0]
    return re.sub(r"<[^>]+>", "", cell).strip()


def test_the_analyst_lands_on_outcomes_and_sees_the_whole_council_without_a_name(client, world):
    client.force_login(world.analyst)
    assert client.get("/")["Location"] == reverse("outcomes:home")
    response, html = page(client, world.analyst)
    assert response.status_code == 200
    assert "Whole council" in html
    # Three children on plans at 31 March; one child started care, one care proceedings application.
    assert year_cell(html, "cp_plans_at").startswith("3")
    assert year_cell(html, "started_looked_after").startswith("1")
    assert year_cell(html, "care_applications").startswith("1")
    for child in (world.ava, world.ben, world.cal):
        assert child.first_name not in html
    assert reverse("outcomes:children") not in html
    assert (
        client.get(reverse("outcomes:children"), {"figure": "cp_plans_at", "period": "2025-y"}).status_code
        == 403
    )


def test_a_team_manager_sees_their_team_beside_the_whole_council_and_no_other_team(client, world):
    response, html = page(client, world.manager)
    assert response.status_code == 200
    assert year_cell(html, "cp_plans_at").startswith("2")  # Ava and Ben, not Cal
    council_table = html.split('id="council-years-table"')[1]
    assert year_cell(council_table, "cp_plans_at").startswith("3")
    response, _html = page(client, world.manager, team=str(world.south.pk))
    assert response.status_code == 404
    response, _html = page(client, world.manager, team="not-a-team")
    assert response.status_code == 404


def test_a_head_of_service_chooses_a_team(client, world):
    _response, html = page(client, world.head, team=str(world.south.pk))
    assert "South" in html and year_cell(html, "cp_plans_at").startswith("1")


@pytest.mark.parametrize("who", ["worker", "partner"])
def test_caseworkers_and_partner_agencies_are_refused_and_see_no_link(client, world, who):
    user = getattr(world, who)
    for name in ("outcomes:home", "outcomes:monthly", "outcomes:evaluation", "outcomes:similar"):
        assert page(client, user, name)[0].status_code == 403
    client.force_login(user)
    assert reverse("outcomes:home") not in client.get(reverse("casefile:my-families")).content.decode()


def test_a_manager_drills_down_to_the_children_they_may_see_and_it_is_audited(client, world):
    params = {"figure": "cp_plans_at", "period": f"{YEAR.end.year}-y"}
    response, html = page(client, world.manager, "outcomes:children", **params)
    assert response.status_code == 200
    assert "Ava Synthetic" in html and "Ben Synthetic" in html and "Cal" not in html
    event = AuditEvent.objects.filter(detail__page="outcome_children").get()
    subjects = {(s.kind, s.subject_id) for s in event.subjects.all()}
    assert ("person", world.ava.pk) in subjects and ("family", world.family.pk) in subjects
    assert ("person", world.cal.pk) not in subjects
    # The drill-down link is on the manager's page.
    assert reverse("outcomes:children") in page(client, world.manager)[1]


@pytest.mark.parametrize(
    "params",
    [
        {"figure": "nonsense", "period": "2025-y"},
        {"figure": "cp_plans_at", "period": "2025-13"},
        {"figure": "cp_plans_at", "period": "x"},
        {"figure": "cp_plans_at", "period": "9999-y"},
        {"figure": "cp_plans_at"},
    ],
)
def test_a_drill_down_to_nothing_is_not_found(client, world, params):
    assert page(client, world.head, "outcomes:children", **params)[0].status_code == 404


def test_the_monthly_csv_has_a_row_per_complete_month_and_the_figures_of_the_page(client, world):
    client.force_login(world.head)
    response = client.get(reverse("outcomes:home"), {"download": "monthly"})
    assert response["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode("utf-8-sig"))))
    header, body = rows[0], rows[1:]
    assert header[0] == "Month" and "CP plans open" in header
    march = next(r for r in body if r[0] == f"March {YEAR.end.year}")
    assert march[header.index("CP plans open")] == "3"


@override_settings(FAMILY_SAFEGUARDING_STARTED=None)
def test_without_a_start_date_the_page_says_so_and_marks_nothing(client, world):
    _response, html = page(client, world.head)
    assert 'id="no-start"' in html and "Family Safeguarding started</text>" not in html


def test_the_start_of_family_safeguarding_is_marked_on_the_charts(client, world):
    started = YEAR.start + 60 * DAY
    with override_settings(FAMILY_SAFEGUARDING_STARTED=started.isoformat()):
        _response, html = page(client, world.head)
    assert "Family Safeguarding started</text>" in html
    assert f'datetime="{started.isoformat()}"' in html


def test_figures_are_as_at_their_last_refresh_until_worked_out_again(client, world):
    page(client, world.head)
    kept = OutcomeSnapshot.objects.get(scope_key=OutcomeSnapshot.COUNCIL)
    extra = PersonFactory(first_name="Dee")
    FamilyMemberFactory(family=world.family, person=extra, joined_on=YEAR.start - 400 * DAY)
    episode = EpisodeOfNeedFactory(child=extra, referral_date=YEAR.start)
    ChildProtectionPlanFactory(child=extra, episode=episode, start_date=YEAR.start + DAY)
    assert year_cell(page(client, world.head)[1], "cp_plans_at").startswith("3")
    client.post(reverse("outcomes:refresh"), {"next": "outcomes:home"})
    assert OutcomeSnapshot.objects.get(scope_key=OutcomeSnapshot.COUNCIL).computed_at > kept.computed_at
    assert year_cell(page(client, world.head)[1], "cp_plans_at").startswith("4")


def test_similar_councils_shows_the_published_figures_beside_the_neighbours(client, world):
    with override_settings(COUNCIL_LA_CODE="874"):
        response, html = page(client, world.analyst, "outcomes:similar", measure="cla_at31_rate")
    assert response.status_code == 200
    # Peterborough, 2025: 72 per 10,000 against its neighbours' median of 79.5 (see test_published).
    row = html.split('data-year="2025"')[1].split("</tr>")[0]
    assert "data-council>72<" in row and "data-neighbours>79.5" in row
    assert "no comparator" in html  # care proceedings
    assert "Does not show cause" in html or "does not show cause" in html
    assert page(client, world.analyst, "outcomes:similar", measure="nonsense")[0].status_code == 404


def test_the_evaluation_page_shows_only_complete_18_month_cohorts(client, world):
    _response, html = page(client, world.head, "outcomes:evaluation")
    shown = [datetime.date.fromisoformat(c.split('"')[0]) for c in html.split('data-month="')[1:]]
    assert shown, "the referrals of the last complete year's first months have had their 18 months"
    for first_day in shown:
        month_end = add_months(first_day, 1) - DAY
        assert add_months(month_end, 18) <= TODAY


def test_our_own_count_of_a_factor_is_beside_the_published_one_for_a_year_not_yet_published(client, world):
    """Assessments completed in the last complete year: Ava's found domestic abuse concerning a parent,
    Ben's found none (21), so our own share is 1 of 1 episodes with factors, 100%."""
    for child, found in ((world.ava, ["3B", "4B"]), (world.ben, ["21"])):
        episode = child_episode(child)
        AssessmentFactory(
            episode=episode,
            child=child,
            start_date=YEAR.start + 2 * DAY,
            authorised_on=YEAR.start + 40 * DAY,
            factors=found,
        )
    _response, html = page(client, world.analyst, "outcomes:similar", measure="factor_domestic_abuse_parent")
    row = html.split(f'data-year="{YEAR.end.year}"')[1].split("</tr>")[0]
    assert "data-own>100.0<" in row
    assert "not published this year yet" in row
