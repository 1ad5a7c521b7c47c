"""The council's before and after (issue #11 item 6): hand-made measures whose totals we choose, so that each
figure the page shows is the one a manager would work out by hand: first and latest per adult, reliable
change and recovery at the thresholds, small numbers withheld, and the DASH quarters."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from safeguarding.accounts.tests.factories import TeamFactory, UserFactory
from safeguarding.people.tests.factories import FamilyFactory, PersonFactory

from .. import instruments
from ..models import Measure
from ..selectors import council_outcomes, last_quarters

pytestmark = pytest.mark.django_db
TODAY = datetime.date(2026, 6, 15)
ADULT = datetime.date(1990, 1, 1)


@pytest.fixture
def team():
    return TeamFactory()


@pytest.fixture
def worker(team):
    return UserFactory(team=team)


def measure(family, person, by, code, total, on, **extra):
    scored = total is not None
    return Measure.objects.create(
        family=family,
        person=person,
        instrument=code,
        instrument_version=1,
        administered_on=on,
        answered_by="self",
        answers={},
        total=None if not scored else Decimal(total),
        not_scored_reason="" if scored else "Too many answers missing",
        recorded_by=by,
        **extra,
    )


def adults_with(team, by, code, pairs, *, first_on=datetime.date(2025, 1, 10), gap=90):
    """One adult per (first, latest) pair, each in a family of `team`; latest None: only one score."""
    for first, latest in pairs:
        family = FamilyFactory(team=team)
        adult = PersonFactory(date_of_birth=ADULT)
        measure(family, adult, by, code, first, first_on)
        if latest is not None:
            measure(family, adult, by, code, latest, first_on + datetime.timedelta(days=gap))


def outcome_of(code, team_ids=None):
    found = instruments.every()
    result = council_outcomes(team_ids=team_ids, today=TODAY, found=found)
    return next(o for o in result.instruments if o.instrument.code == code)


def test_first_and_latest_are_each_adults_earliest_and_latest_scores(team, worker):
    """An adult's middle score counts for nothing: from 20 (first) to 8 (latest) is reliable improvement
    and recovery, however high they scored in between."""
    family, adult = FamilyFactory(team=team), PersonFactory(date_of_birth=ADULT)
    measure(family, adult, worker, "phq9", 8, datetime.date(2025, 9, 1))
    measure(family, adult, worker, "phq9", 27, datetime.date(2025, 5, 1))
    measure(family, adult, worker, "phq9", 20, datetime.date(2025, 1, 1))
    # Four more adults, so that the shares may be shown: each from 12 to 12 (no reliable change).
    adults_with(team, worker, "phq9", [(12, 12)] * 4)
    phq9 = outcome_of("phq9")
    assert phq9.adults.value == 5 and phq9.paired.value == 5
    assert phq9.mean_first == Decimal("13.6") and phq9.mean_latest == Decimal("11.2")
    assert phq9.improvement.text == "20%" and phq9.no_change.text == "80%"
    assert phq9.deterioration.text == "0%"
    assert phq9.recovery.part == 1 and phq9.recovery.whole == 5


def test_reliable_change_and_recovery_at_the_talking_therapies_thresholds(team, worker):
    """PHQ-9: a fall of 6 is reliable improvement and 5 is not; a rise of 6 is reliable deterioration.
    Recovery needs a start at 10 or more and an end below 10 with reliable improvement: 16 to 10 improves
    but does not recover; 9 to 3 improves but was never a case, so it is not in recovery's count."""
    adults_with(team, worker, "phq9", [(16, 10), (15, 9), (12, 7), (9, 3), (4, 10), (5, 10)])
    phq9 = outcome_of("phq9")
    assert phq9.paired.value == 6
    assert (phq9.improvement.part, phq9.deterioration.part, phq9.no_change.part) == (3, 1, 2)
    # Cases at the start: 16, 15 and 12; of them only 15 to 9 recovered. Three starters: not shown.
    assert (phq9.recovery.part, phq9.recovery.whole) == (1, 3)
    assert phq9.recovery.text == "not shown (fewer than 5 adults)"
    assert phq9.improvement.text == "50%"


def test_fewer_than_five_adults_are_never_shown_as_a_number(team, worker):
    """Four adults with PHQ-9s, three of them twice: a manager may not read counts, means or shares of
    them, because a small count about a team can point to a parent."""
    adults_with(team, worker, "phq9", [(20, 5), (20, 5), (20, 5), (20, None)])
    phq9 = outcome_of("phq9")
    assert phq9.adults.text == "fewer than 5" and phq9.paired.text == "fewer than 5"
    assert phq9.mean_first is None and phq9.mean_first_text == "not shown (fewer than 5 adults)"
    assert phq9.improvement.text == "not shown (fewer than 5 adults)"
    assert phq9.mean_difference_text == "not shown (fewer than 5 adults)"
    # Five is shown.
    adults_with(team, worker, "phq9", [(20, 5), (20, 5)])
    phq9 = outcome_of("phq9")
    assert phq9.adults.text == "6" and phq9.paired.text == "5" and phq9.improvement.text == "100%"


def test_no_criterion_shows_the_mean_difference_only(team, worker):
    adults_with(team, worker, "audit", [(20, 10), (18, 12), (30, 20), (10, 10), (22, 8)])
    audit = outcome_of("audit")
    assert audit.improvement is None and audit.recovery is None
    assert audit.mean_difference == Decimal("-8") and audit.mean_difference_text == "-8.0"


def test_unscored_measures_are_left_out_and_counted(team, worker):
    adults_with(team, worker, "gad7", [(10, None)] * 5)
    family, adult = FamilyFactory(team=team), PersonFactory(date_of_birth=ADULT)
    measure(family, adult, worker, "gad7", None, datetime.date(2025, 1, 1))
    gad7 = outcome_of("gad7")
    assert gad7.adults.value == 5 and gad7.paired.value == 0 and gad7.not_scored.value == 1


def test_a_team_sees_only_its_own_families_measures(team, worker):
    other = TeamFactory()
    adults_with(team, worker, "phq9", [(20, 5)] * 5)
    adults_with(other, UserFactory(team=other), "phq9", [(5, 20)] * 6)
    assert outcome_of("phq9", [team.pk]).improvement.text == "100%"
    assert outcome_of("phq9", [other.pk]).deterioration.text == "100%"
    assert outcome_of("phq9").paired.value == 11


def test_the_last_twelve_quarters_end_with_todays():
    quarters = last_quarters(TODAY)
    assert len(quarters) == 12
    assert quarters[-1] == (datetime.date(2026, 4, 1), datetime.date(2026, 6, 30))
    assert quarters[0] == (datetime.date(2023, 7, 1), datetime.date(2023, 9, 30))
    day = datetime.timedelta(days=1)
    assert all(b[0] - a[1] == day for a, b in zip(quarters, quarters[1:], strict=False))
    assert last_quarters(datetime.date(2026, 1, 1))[-1][0] == datetime.date(2026, 1, 1)


def test_dash_high_risk_share_per_quarter_at_fourteen_yes(team, worker):
    """In April to June 2026: 14 and 24 'yes' are high risk, 13 is not, out of 5 checklists; in January to
    March 2026, 3 checklists: too few to show a share. One from before the 12 quarters is left out."""
    family = FamilyFactory(team=team)
    for total in (14, 24, 13, 0, 5):
        measure(family, PersonFactory(date_of_birth=ADULT), worker, "dash", total, datetime.date(2026, 5, 1))
    for total in (20, 20, 20):
        measure(family, PersonFactory(date_of_birth=ADULT), worker, "dash", total, datetime.date(2026, 2, 1))
    measure(family, PersonFactory(date_of_birth=ADULT), worker, "dash", 20, datetime.date(2023, 6, 30))
    result = council_outcomes(team_ids=None, today=TODAY, found=instruments.every())
    latest, before = result.quarters[-1], result.quarters[-2]
    assert latest.checklists.text == "5" and latest.high.text == "40%"
    assert before.checklists.text == "fewer than 5" and before.high.text == "not shown (fewer than 5 adults)"
    assert sum(q.checklists.value for q in result.quarters) == 8
    assert result.high_risk_at_least == 14
    # The chart plots the one quarter with enough checklists, and says so.
    assert result.chart is not None and "1 of 12 quarters" in result.chart.description


def test_same_queries_for_one_adult_and_for_many(team, worker):
    adults_with(team, worker, "phq9", [(20, 5)])
    found = instruments.every()
    with CaptureQueriesContext(connection) as one:
        council_outcomes(team_ids=[team.pk], today=TODAY, found=found)
    adults_with(team, worker, "phq9", [(20, 5), (12, 11)] * 10)
    adults_with(team, worker, "dash", [(15, 3), (4, None)] * 5)
    adults_with(team, worker, "core10", [(20, 5)] * 6)
    with CaptureQueriesContext(connection) as many:
        result = council_outcomes(team_ids=[team.pk], today=TODAY, found=found)
    assert len(one) == len(many) == 3
    assert {o.instrument.code for o in result.instruments} == {"phq9", "dash", "core10"}


# ---- the page --------------------------------------------------------------------------------------------

PAGE = "/measures/outcomes/"


@pytest.fixture
def two_teams(team, worker):
    """Team: six adults from PHQ-9 20 to 5 (all reliably improved and recovered); other: two adults."""
    other = TeamFactory()
    adults_with(team, worker, "phq9", [(20, 5)] * 6)
    adults_with(other, UserFactory(team=other), "phq9", [(5, 20)] * 2)
    return team, other


def phq9_cells(page: str) -> dict:
    import re

    table = re.search(r'data-instrument="phq9".*?</table>', page, re.S).group(0)
    return {
        row: re.sub(r"<[^>]+>", "", cell).strip()
        for row, cell in re.findall(r'data-row="([a-z-]+)">.*?<td[^>]*>(.*?)</td>', table, re.S)
    }


def test_an_analyst_sees_every_team_and_chooses_one_without_names(client, two_teams):
    from django.urls import reverse

    from safeguarding.audit.models import AuditEvent

    team, other = two_teams
    assert reverse("measures:outcomes") == PAGE
    client.force_login(UserFactory(role="performance_analyst", team=None))
    page = client.get(PAGE).content.decode()
    cells = phq9_cells(page)
    assert cells["adults"] == "8" and cells["improvement"] == "75%" and cells["deterioration"] == "25%"
    assert f'value="{other.pk}"' in page and "Parent outcomes" in page
    # The families' names and references, and the adults' names, are nowhere on the page.
    for measure_row in Measure.objects.select_related("family", "person"):
        assert measure_row.family.reference not in page and measure_row.family.name not in page
        assert measure_row.person.last_name not in page
    chosen = client.get(PAGE, {"team": str(team.pk)}).content.decode()
    assert phq9_cells(chosen)["improvement"] == "100%" and phq9_cells(chosen)["recovery"] == "100%"
    small = phq9_cells(client.get(PAGE, {"team": str(other.pk)}).content.decode())
    assert small["adults"] == "fewer than 5" and small["improvement"] == "not shown (fewer than 5 adults)"
    events = AuditEvent.objects.filter(detail__page="parent_outcomes")
    assert events.count() == 3 and {e.detail["team"] for e in events} == {"all", str(team.pk), str(other.pk)}
    assert all(not e.object_id and e.family_id is None for e in events)


def test_a_team_manager_sees_their_own_team_only(client, two_teams):
    team, other = two_teams
    client.force_login(UserFactory(role="team_manager", team=team))
    page = client.get(PAGE).content.decode()
    assert phq9_cells(page)["adults"] == "6" and 'name="team"' not in page
    assert client.get(PAGE, {"team": str(team.pk)}).status_code == 200
    assert client.get(PAGE, {"team": str(other.pk)}).status_code == 404


@pytest.mark.parametrize(
    "value",
    ["nonsense", "0", "' OR 1=1 --", "%00", "a" * 5000, "00000000-0000-0000-0000-000000000000", "🙂", "[]"],
)
def test_a_bad_team_is_not_found_never_an_error(client, two_teams, value):
    client.force_login(UserFactory(role="service_manager", team=None))
    assert client.get(PAGE, {"team": value}).status_code == 404
    assert client.get(f"{PAGE}?team={value}&team=x").status_code == 404


@pytest.mark.parametrize(
    "role", ["social_worker", "family_support_worker", "business_support", "auditor", "adult_practitioner"]
)
def test_everyone_else_is_refused_and_has_no_link(client, team, role):
    user = UserFactory(role=role, team=team)
    client.force_login(user)
    assert client.get(PAGE).status_code == 403
    assert 'href="/measures/outcomes/"' not in client.get("/my-families/").content.decode()


def test_the_header_links_to_the_page_for_those_who_may_open_it(client, team):
    client.force_login(UserFactory(role="team_manager", team=team))
    page = client.get(PAGE).content.decode()
    assert 'href="/measures/outcomes/"' in page
    assert "fewer than 5" in page and "can identify a parent" in page
