"""The unusual-access report: break-glass use, emergency access searches, views of records of people who
share the viewer's surname, bursts of views and refused attempts, for a period (the last 30 days unless
chosen), for the auditor and service managers. Each finding is a question for a manager, not proof of
wrongdoing.
"""

from __future__ import annotations

import csv
import datetime
import io

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from safeguarding.accounts.tests.factories import UserFactory
from safeguarding.audit.models import AuditEvent
from safeguarding.audit.services import audit_record
from safeguarding.governance import selectors
from safeguarding.governance.selectors import Period
from safeguarding.people.tests.factories import FamilyFactory, FamilyMemberFactory

Action = AuditEvent.Action
NOON = datetime.time(12)


def days_ago(days: int, at: datetime.time = NOON) -> datetime.datetime:
    return timezone.make_aware(
        datetime.datetime.combine(timezone.localdate() - datetime.timedelta(days=days), at)
    )


def report(period: Period | None = None) -> selectors.UnusualAccess:
    return selectors.unusual_access(period or Period.last_days(30))


def view(user, record, *, family_id=None, **detail):
    """A view as access_family and access_person write it: naming the family, or the person."""
    family_id = family_id or (record.pk if record._meta.model_name == "family" else None)
    people = [record.pk] if record._meta.model_name == "person" else []
    return audit_record(
        actor=user, action=Action.VIEW, obj=record, family_id=family_id, people=people, detail=detail
    )


# ---- Break-glass -------------------------------------------------------------------------------------------


def test_break_glass_use_is_listed_with_the_family_and_the_reason(council, recorded_at):
    with recorded_at(days_ago(3)):
        audit_record(
            actor=council.outsider,
            action=Action.BREAK_GLASS,
            family_id=council.carter.pk,
            detail={
                "reason": "Police call out of hours about Mia",
                "expires_at": days_ago(3, datetime.time(16)).isoformat(),
            },
        )
    with recorded_at(days_ago(45)):
        audit_record(
            actor=council.outsider,
            action=Action.BREAK_GLASS,
            family_id=council.other.pk,
            detail={"reason": "old"},
        )
    [row] = report().break_glass
    assert (row.event.actor, row.family, row.event.detail["reason"]) == (
        council.outsider,
        council.carter,
        "Police call out of hours about Mia",
    )


def test_every_emergency_access_search_is_listed_with_what_was_searched_for(client, council, recorded_at):
    """A search of the whole council by name and date of birth is how break-glass starts: each one is on
    the report, found or not, and the people search's own searches are not."""
    searched = {
        "emergency_access_search": True,
        "first_name": "Mia",
        "last_name": "Carter",
        "date_of_birth": "2017-04-02",
        "results": 1,
        "too_many": False,
    }
    with recorded_at(days_ago(2)):
        audit_record(actor=council.outsider, action=Action.SEARCH, detail=searched)
    with recorded_at(days_ago(40)):
        audit_record(actor=council.outsider, action=Action.SEARCH, detail={**searched, "results": 0})
    audit_record(actor=council.worker, action=Action.SEARCH, detail={"query": "Carter"})
    [row] = report().emergency_searches
    assert (row.event.actor, row.event.detail["results"]) == (council.outsider, 1)
    client.force_login(council.auditor)
    page = client.get(reverse("governance:unusual-access")).content.decode()
    assert page.count("data-emergency-search") == 1 and "Mia Carter, born 2017-04-02" in page
    assert "Emergency access search" in [r[0] for r in selectors.unusual_access_rows(report())]


# ---- Shared surnames ---------------------------------------------------------------------------------------


def test_a_worker_viewing_the_page_of_someone_with_their_surname_is_listed(council):
    carter_worker = UserFactory(team=council.north, username="jo", first_name="Jo", last_name="CARTER")
    for _ in range(3):
        view(carter_worker, council.mia, family_id=council.carter.pk)
    view(carter_worker, council.stranger)  # a different surname
    view(council.worker, council.mia)  # Patel is not Carter
    [match] = report().same_surname
    assert (match.worker, match.record_type, match.record, match.views) == (
        carter_worker,
        "Person",
        "Mia Carter",
        3,
    )


def test_a_worker_viewing_a_family_page_where_someone_shares_their_surname_is_listed(council):
    carter_worker = UserFactory(team=council.north, last_name="carter")
    view(carter_worker, council.carter)
    view(carter_worker, council.other)
    [match] = report().same_surname
    assert (match.worker, match.record_type, match.record) == (carter_worker, "Family", str(council.carter))


def test_looking_at_a_records_access_log_is_not_a_view_of_the_record(council):
    auditor = UserFactory(role="auditor", team=None, last_name="Carter")
    view(auditor, council.carter, access_log=True)
    view(auditor, council.mia, access_log=True)
    assert report().same_surname == []


def test_a_worker_without_a_last_name_matches_nobody(council):
    nameless = UserFactory(team=council.north, last_name="")
    nobody = FamilyMemberFactory(family=council.carter, person__last_name="").person
    view(nameless, nobody)
    assert report().same_surname == []


# ---- Bursts ------------------------------------------------------------------------------------------------


@pytest.fixture
def burst_limits(settings):
    settings.AUDIT_BURST_FAMILIES = 3
    settings.AUDIT_BURST_MINUTES = 10


def view_families_at(user, families, times, recorded_at):
    for family, when in zip(families, times, strict=True):
        with recorded_at(when):
            view(user, family)


def test_more_than_n_families_within_m_minutes_is_a_burst(council, burst_limits, recorded_at):
    families = [FamilyFactory() for _ in range(4)]
    start = days_ago(1)
    view_families_at(
        council.worker, families, [start + datetime.timedelta(minutes=2 * i) for i in range(4)], recorded_at
    )
    [burst] = report().bursts
    assert (burst.worker, burst.starts, burst.ends, burst.families) == (
        council.worker,
        start,
        start + datetime.timedelta(minutes=6),
        4,
    )


def test_exactly_n_families_or_views_spread_out_are_not_bursts(council, burst_limits, recorded_at):
    families = [FamilyFactory() for _ in range(4)]
    start = days_ago(1)
    # Three families within a minute: not more than three.
    view_families_at(
        council.worker, families[:3], [start + datetime.timedelta(seconds=i) for i in range(3)], recorded_at
    )
    # Four families, but ten minutes or more apart from one another.
    view_families_at(
        council.manager, families, [start + datetime.timedelta(minutes=10 * i) for i in range(4)], recorded_at
    )
    # The same family many times.
    view_families_at(
        council.outsider,
        [families[0]] * 10,
        [start + datetime.timedelta(seconds=i) for i in range(10)],
        recorded_at,
    )
    assert report().bursts == []


def test_one_long_stretch_of_views_is_one_burst(council, burst_limits, recorded_at):
    families = [FamilyFactory() for _ in range(12)]
    start = days_ago(2)
    view_families_at(
        council.worker, families, [start + datetime.timedelta(minutes=i) for i in range(12)], recorded_at
    )
    [burst] = report().bursts
    assert burst.starts == start and burst.ends == start + datetime.timedelta(minutes=11)
    assert burst.families == 10  # the most in any ten minutes


def _brute_force_peak(times_and_families, minutes):
    window = datetime.timedelta(minutes=minutes)
    return max(
        (len({f for t, f in times_and_families if at - window < t <= at}) for at, _ in times_and_families),
        default=0,
    )


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    views=st.lists(st.tuples(st.integers(0, 180), st.integers(0, 7)), min_size=1, max_size=25),
)
def test_bursts_match_a_brute_force_count_for_any_pattern_of_views(council, burst_limits, recorded_at, views):
    # The report pre-filters workers with a count per bucket in the database; whatever the timing, it
    # must find exactly the bursts a direct count over every window finds.
    worker = UserFactory(team=council.north)
    families = [council.carter, council.other, *[FamilyFactory() for _ in range(6)]]
    start = days_ago(1, datetime.time(9, 7))
    written = []
    for minute, family_index in sorted(views):
        when = start + datetime.timedelta(minutes=minute)
        with recorded_at(when):
            view(worker, families[family_index])
        written.append((when, families[family_index].pk))
    peak = _brute_force_peak(written, 10)
    found = [b for b in report().bursts if b.worker == worker]
    assert bool(found) == (peak > 3)
    if found:
        assert max(b.families for b in found) == peak


# ---- Refusals, the period, the page ------------------------------------------------------------------------


def test_refused_attempts_are_counted_by_worker_most_first(council, recorded_at):
    for _ in range(3):
        audit_record(
            actor=council.outsider, action=Action.DENIED, detail={"family_id": str(council.carter.pk)}
        )
    audit_record(actor=council.worker, action=Action.DENIED, detail={"path": "/team-caseload/"})
    with recorded_at(days_ago(31)):
        audit_record(actor=council.worker, action=Action.DENIED, detail={"path": "/team-caseload/"})
    assert [(r.worker, r.count) for r in report().refusals] == [(council.outsider, 3), (council.worker, 1)]


def test_the_default_period_is_the_last_30_days_including_today(council, recorded_at):
    for days in (0, 29, 30):
        with recorded_at(days_ago(days, datetime.time(0, 0))):
            audit_record(actor=council.worker, action=Action.DENIED, detail={"days": days})
    [refusals] = report().refusals
    assert refusals.count == 2


def test_the_report_costs_the_same_number_of_queries_however_much_there_is_to_report(
    council, burst_limits, recorded_at
):
    def count() -> int:
        with CaptureQueriesContext(connection) as captured:
            report()
        return len(captured)

    carter_worker = UserFactory(team=council.north, last_name="Carter")
    view(carter_worker, council.mia)
    view(carter_worker, council.carter)
    audit_record(
        actor=council.outsider, action=Action.BREAK_GLASS, family_id=council.carter.pk, detail={"reason": "x"}
    )
    audit_record(actor=council.outsider, action=Action.DENIED, detail={})
    audit_record(actor=council.outsider, action=Action.SEARCH, detail={"emergency_access_search": True})
    view_families_at(council.worker, [FamilyFactory() for _ in range(4)], [days_ago(1)] * 4, recorded_at)
    small = count()
    for n in range(5):
        worker = UserFactory(team=council.north, last_name="Carter")
        view(worker, council.leo)
        view(worker, council.carter)
        audit_record(
            actor=worker, action=Action.BREAK_GLASS, family_id=council.other.pk, detail={"reason": str(n)}
        )
        audit_record(actor=worker, action=Action.DENIED, detail={})
        audit_record(actor=worker, action=Action.SEARCH, detail={"emergency_access_search": True})
        view_families_at(worker, [FamilyFactory() for _ in range(5)], [days_ago(2)] * 5, recorded_at)
    assert count() == small
    assert small <= 13  # one query per finding, and the staff and records they name


@pytest.mark.parametrize("who", ["auditor", "service_manager"])
def test_the_auditor_and_service_managers_see_the_report_and_looking_is_recorded(client, council, who):
    client.force_login(getattr(council, who))
    response = client.get(reverse("governance:unusual-access"))
    assert response.status_code == 200
    body = response.content.decode()
    assert "Staff addresses are not recorded" in body
    event = AuditEvent.objects.order_by("-id").first()
    assert (event.action, event.detail["report"]) == (Action.VIEW, "unusual_access")
    assert event.detail["to"] == timezone.localdate().isoformat()


@pytest.mark.parametrize("who", ["worker", "manager", "outsider"])
def test_everyone_else_is_refused_the_report(client, council, who):
    client.force_login(getattr(council, who))
    assert client.get(reverse("governance:unusual-access")).status_code == 403
    assert client.get(reverse("governance:unusual-access-csv")).status_code == 403


@pytest.mark.parametrize(
    ("dates", "message"),
    [
        ({"date_from": (2026, 6, 5), "date_to": (2026, 6, 1)}, "must be the same as or after"),
        ({"date_from": (2024, 1, 1), "date_to": (2026, 1, 1)}, "The period must be a year or shorter"),
        ({"date_from": (9999, 1, 1)}, "The 'from' date must be today or earlier"),
    ],
)
def test_a_period_that_cannot_be_reported_is_explained(client, council, dates, message):
    client.force_login(council.auditor)
    params = {
        f"{name}_{part}": value
        for name, (year, month, day) in dates.items()
        for part, value in (("day", day), ("month", month), ("year", year))
    }
    body = client.get(reverse("governance:unusual-access"), params).content.decode()
    assert "There is a problem" in body and message in body.replace("&#x27;", "'")


def test_the_csv_holds_every_finding_of_the_period_shown(client, council, burst_limits, recorded_at):
    carter_worker = UserFactory(team=council.north, username="jo.carter", last_name="Carter")
    view(carter_worker, council.mia)
    audit_record(
        actor=council.outsider,
        action=Action.BREAK_GLASS,
        family_id=council.carter.pk,
        detail={"reason": "Duty"},
    )
    audit_record(actor=council.outsider, action=Action.DENIED, detail={})
    audit_record(
        actor=council.outsider,
        action=Action.SEARCH,
        detail={"emergency_access_search": True, "last_name": "Carter", "date_of_birth": "2017-04-02"},
    )
    view_families_at(council.worker, [FamilyFactory() for _ in range(4)], [days_ago(1)] * 4, recorded_at)
    client.force_login(council.auditor)
    page = client.get(reverse("governance:unusual-access")).content.decode()
    csv_url = page.split('href="/audit/unusual-access.csv')[1].split('"')[0].replace("&amp;", "&")
    response = client.get("/audit/unusual-access.csv" + csv_url)
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode("utf-8-sig"))))
    assert rows[0][0] == "Finding"
    assert sorted(r[0] for r in rows[1:]) == [
        "Break-glass access",
        "Burst of views",
        "Emergency access search",
        "Refused attempts",
        "Viewer shares the surname",
    ]
    assert AuditEvent.objects.order_by("-id").first().action == Action.EXPORT
