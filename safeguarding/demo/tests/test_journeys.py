"""The demo council's statutory histories (safeguarding/demo/journeys.py).

- Every record the generator writes passes the entry rules a worker's record must pass (rules.check) and
  the model's own validation (full_clean): the strongest test there is that the histories are consistent.
- The mix of where children are on the journey is close to the targets derived from the DfE's figures,
  within a band worked out from the size of the council (see `band`).
- A seed gives the same council; the personas' caseloads have work overdue and due soon.
"""

from __future__ import annotations

import datetime
import math
import uuid
from collections import defaultdict

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from safeguarding.accounts.models import User
from safeguarding.allocation.models import Allocation, CaseRole
from safeguarding.core import calendar
from safeguarding.demo import generator, journeys
from safeguarding.demo.generator import Scale, build_council
from safeguarding.journey import models as j
from safeguarding.journey import rules
from safeguarding.people.models import FamilyMember
from safeguarding.tasks import policies
from safeguarding.tasks.models import Deadline

RECORDS = (
    j.EpisodeOfNeed,
    j.Assessment,
    j.Section47Enquiry,
    j.ChildProtectionPlan,
    j.ReviewConference,
    j.CoreGroupMeeting,
    j.ChildInNeedPlan,
    j.Visit,
    j.PreProceedings,
    j.PreProceedingsMeeting,
    j.CareProceedings,
    j.CourtHearing,
    j.LookedAfterEpisode,
    j.LookedAfterReview,
    j.MissingEpisode,
)
# What rules.check reads through each record (loaded with it, so the check is not one query per field).
PARENTS = {
    j.Assessment: ("episode",),
    j.Section47Enquiry: ("episode",),
    j.ChildProtectionPlan: ("episode",),
    j.ChildInNeedPlan: ("episode",),
    j.ReviewConference: ("plan",),
    j.CoreGroupMeeting: ("plan",),
    j.PreProceedingsMeeting: ("pre_proceedings",),
    j.CourtHearing: ("proceedings",),
}
# A fixed day, so that the tests do not depend on the day they run (a Monday in term time).
TODAY = datetime.date(2026, 3, 16)


def broken_records(today: datetime.date) -> list[str]:
    """Every journey record that fails rules.check or the model's own validation, with why.

    The model's validation is full_clean less the parts the database has already checked for every row: its
    unique and check constraints hold for each row written, and its foreign keys are checked here for every
    table at once (they are deferred to the commit, which a test never reaches). Asking full_clean for them
    again was a query per key and per constraint of each record, 3,600 records: most of this test's time.
    No journey model limits a key's choices or has a clean() of its own, so nothing else is skipped."""
    connection.check_constraints()
    found = []
    for model in RECORDS:
        keys = [f.name for f in model._meta.concrete_fields if f.is_relation]
        for record in model.objects.select_related("child", *PARENTS.get(model, ())).iterator(chunk_size=500):
            try:
                rules.check(record)
                record.full_clean(exclude=keys, validate_unique=False, validate_constraints=False)
            except ValidationError as error:
                found.append(f"{model.__name__} {record} of child {record.child_id}: {error.messages}")
    return found


@pytest.fixture
def council(demo_council):
    """The demo council as `build_council(scale="demo", seed=2026)` writes it today, built once per test
    database (see conftest.py at the top of the repository)."""


@pytest.fixture
def council_on_a_fixed_day(db, monkeypatch):
    """The demo council as it would be seeded on TODAY (the rules' "not in the future" uses the same day)."""
    monkeypatch.setattr(rules.timezone, "localdate", lambda *args: TODAY)
    return build_council(scale="demo", seed=2026, today=TODAY, histories_only=True)


# ---- Consistency -----------------------------------------------------------------------------------------


@pytest.mark.slow
def test_every_generated_record_passes_the_entry_rules_and_model_validation(council):
    assert sum(model.objects.count() for model in RECORDS) > 2000
    assert broken_records(timezone.localdate()) == []


def test_the_check_finds_a_code_outside_its_list_and_a_key_to_nothing(council):
    plan = j.ChildProtectionPlan.objects.first()
    j.ChildProtectionPlan.objects.filter(pk=plan.pk).update(latest_category="XX")
    broken = broken_records(timezone.localdate())
    assert len(broken) == 1 and broken[0].startswith("ChildProtectionPlan"), broken
    j.ChildProtectionPlan.objects.filter(pk=plan.pk).update(
        latest_category=plan.latest_category, episode_id=uuid.uuid4()
    )
    with pytest.raises(IntegrityError), transaction.atomic():
        broken_records(timezone.localdate())
    j.ChildProtectionPlan.objects.filter(pk=plan.pk).update(episode_id=plan.episode_id)


@pytest.mark.slow
def test_a_council_seeded_on_another_day_passes_them_too(council_on_a_fixed_day):
    # A different day moves every bank holiday, weekend and month end the clocks meet.
    assert broken_records(TODAY) == []
    latest = max(
        max(model.objects.values_list(field, flat=True), default=TODAY)
        for model, field in (
            (j.Visit, "date"),
            (j.EpisodeOfNeed, "referral_date"),
            (j.ReviewConference, "date"),
        )
    )
    assert latest <= TODAY


def test_every_kind_of_record_is_in_the_demo(council):
    for model in RECORDS:
        assert model.objects.exists(), f"the demo council has no {model._meta.verbose_name}"
    episodes = j.LookedAfterEpisode.objects
    assert episodes.filter(legal_status="C2", reason_new_episode="L").exists()  # a final care order
    assert episodes.filter(legal_status="V2", reason_new_episode="S").exists()  # section 20
    assert episodes.filter(reason_new_episode="P").exists()  # a change of placement
    assert episodes.filter(reason_ceased="X1").exists()
    assert j.EpisodeOfNeed.objects.filter(no_further_action=True).exists()
    assert j.EpisodeOfNeed.objects.filter(closure_reason__in=("RC8", "RC9")).exists()
    assert j.Section47Enquiry.objects.filter(icpc_not_required=True).exists()
    assert j.ChildProtectionPlan.objects.filter(end_reason="step_down_cin").exists()
    assert j.PreProceedings.objects.filter(decision_date__isnull=True).exists()


def test_every_child_has_one_open_episode_and_unborn_children_only_pre_birth_work(council):
    children = FamilyMember.objects.filter(member_type="child").select_related("person")
    open_episodes = defaultdict(int)
    for child_id in j.EpisodeOfNeed.objects.filter(closure_date__isnull=True).values_list(
        "child_id", flat=True
    ):
        open_episodes[child_id] += 1
    unborn = []
    for member in children:
        assert open_episodes[member.person_id] == 1, member.person
        if member.person.date_of_birth is None:
            unborn.append(member.person_id)
    assert unborn, "the demo council has an unborn child"
    for model in RECORDS:
        if model not in (j.EpisodeOfNeed, j.Assessment):
            assert not model.objects.filter(child_id__in=unborn).exists(), model


def test_visits_are_made_by_the_lead_social_worker_since_their_allocation(council):
    leads = {
        a.family_id: a for a in Allocation.objects.current().filter(case_role=CaseRole.LEAD_SOCIAL_WORKER)
    }
    family_of = dict(FamilyMember.objects.filter(member_type="child").values_list("person_id", "family_id"))
    visits = list(j.Visit.objects.values_list("child_id", "date", "visited_by_id"))
    assert all(visited_by is not None for _child, _day, visited_by in visits)
    checked = 0
    for child_id, day, visited_by in visits:
        lead = leads.get(family_of[child_id])
        if lead is not None and day >= lead.start_date:
            assert visited_by == lead.worker_id
            checked += 1
    assert checked > 100


# ---- Proportions ---------------------------------------------------------------------------------------


def band(share: float, sizes: list[int], *, spread: float = 4.0) -> float:
    """How far a share may fall from its target by chance: `spread` standard errors.

    Siblings share their family's journey, so a share over children is a share over families weighted by
    their size: its variance is p(1-p) * sum(m^2) / (sum m)^2 for families of sizes m (a cluster sample).
    Four standard errors: a fixed seed gives one draw, and four leaves room for unrelated changes to the
    generator (another draw order) without letting a wrong rate through."""
    total = sum(sizes)
    return spread * math.sqrt(share * (1 - share) * sum(m * m for m in sizes)) / total


@pytest.fixture
def county(db, monkeypatch):
    """A council of 1,000 families (about 2,600 children): big enough for the shares to mean something,
    small enough to seed in seconds."""
    monkeypatch.setitem(generator.SCALES, "county", Scale(teams=10, families_per_team=100))
    build_council(scale="county", seed=2026, histories_only=True)
    family_of = dict(FamilyMember.objects.filter(member_type="child").values_list("person_id", "family_id"))
    return family_of


def _sizes(child_ids, family_of) -> list[int]:
    per_family = defaultdict(int)
    for child_id in child_ids:
        per_family[family_of[child_id]] += 1
    return list(per_family.values())


@pytest.mark.slow
def test_a_county_sized_council_matches_the_national_picture(county):
    """One council of 1,000 families for all three checks: seeding it is most of the time."""
    where_children_are_today(county)
    histories(county)
    timeliness()


def where_children_are_today(family_of):
    children = list(family_of)
    sizes = _sizes(children, family_of)
    n = len(children)
    cp = set(j.ChildProtectionPlan.objects.filter(end_date__isnull=True).values_list("child_id", flat=True))
    lac = set(j.LookedAfterEpisode.objects.filter(end_date__isnull=True).values_list("child_id", flat=True))
    cin = set(j.ChildInNeedPlan.objects.filter(end_date__isnull=True).values_list("child_id", flat=True))
    waiting = set(
        j.Section47Enquiry.objects.filter(icpc_date__isnull=True, icpc_not_required=False).values_list(
            "child_id", flat=True
        )
    )
    achieved = {
        "cp_plan": len(cp) / n,
        "looked_after": len(lac) / n,
        "cin_plan": len(cin - waiting) / n,
        "icpc_pending": len(waiting) / n,
        "under_assessment": (n - len(cp | lac | cin | waiting)) / n,
    }
    for name, share in achieved.items():
        target = journeys.TARGETS[name]
        assert abs(share - target) <= band(target, sizes), (name, share, target, band(target, sizes))


def histories(family_of):
    today = timezone.localdate()
    # Re-referrals (c1): current referrals within 12 months of the child's previous referral.
    referrals = defaultdict(list)
    for child_id, day, closed in j.EpisodeOfNeed.objects.values_list(
        "child_id", "referral_date", "closure_date"
    ):
        referrals[child_id].append((day, closed))
    current, again = [], 0
    for child_id, episodes in referrals.items():
        episodes.sort()
        day, closed = episodes[-1]
        assert closed is None
        current.append(child_id)
        again += len(episodes) > 1 and (day - episodes[-2][0]).days <= 365
    target = journeys.TARGETS["rereferral_12_months"]
    assert abs(again / len(current) - target) <= band(target, _sizes(current, family_of))

    # Second or subsequent plans (d3), among the plans that started in the last year.
    plans = defaultdict(list)
    for child_id, start in j.ChildProtectionPlan.objects.values_list("child_id", "start_date"):
        plans[child_id].append(start)
    started, subsequent = [], 0
    for child_id, starts in plans.items():
        for position, start in enumerate(sorted(starts)):
            if start > today - datetime.timedelta(days=365):
                started.append(child_id)
                subsequent += position > 0
    target = journeys.TARGETS["subsequent_cp_plan"]
    assert abs(subsequent / len(started) - target) <= band(target, _sizes(started, family_of))

    # How long the open plans have lasted (d5): up to 3 months, and a year or more.
    open_plans = list(
        j.ChildProtectionPlan.objects.filter(end_date__isnull=True).values_list("child_id", "start_date")
    )
    sizes = _sizes([child_id for child_id, _start in open_plans], family_of)
    short = sum((today - start).days <= 91 for _child, start in open_plans) / len(open_plans)
    long = sum((today - start).days >= 365 for _child, start in open_plans) / len(open_plans)
    short_target = journeys.CP_DURATIONS[0][2]
    long_target = journeys.CP_DURATIONS[3][2] + journeys.CP_DURATIONS[4][2]
    assert abs(short - short_target) <= band(short_target, sizes)
    assert abs(long - long_target) <= band(long_target, sizes)


def timeliness():
    """Most current work is on time, and some of every kind is not.

    "Most" is the claim, not a tighter share: lateness is drawn per family (LATENESS) and siblings share
    it, so a kind with few deadlines (about 40 children waiting for a conference, in some 15 families)
    swings by several families from one "today" to the next."""
    today = timezone.localdate()
    kinds = defaultdict(lambda: [0, 0])
    for kind, due in Deadline.objects.values_list("kind", "due_date"):
        kinds[kind][0] += 1
        kinds[kind][1] += due < today
    for kind in (
        "assessment",
        "icpc",
        "cp_visit",
        "cin_visit",
        "core_group",
        "review_conference",
        "lac_visit",
    ):
        total, overdue = kinds[kind]
        assert total, kind
        assert 0 < overdue / total < 0.5, (kind, overdue, total)


# ---- Seeds and personas ----------------------------------------------------------------------------------


def _columns(model) -> list[str]:
    """Every column but the timestamps; workers by username, since a rolled-back build does not give
    their numeric ids back on PostgreSQL (sequences are not transactional)."""
    columns = []
    for f in model._meta.concrete_fields:
        if f.attname in ("created_at", "updated_at"):
            continue
        columns.append(f"{f.name}__username" if f.is_relation and f.related_model is User else f.attname)
    return columns


def _snapshot() -> dict:
    return {
        model.__name__: sorted(
            tuple(str(v) for v in row) for row in model.objects.values_list(*_columns(model))
        )
        for model in RECORDS
    }


def test_a_seed_gives_the_same_histories(db):
    # The first council in full, the second with its histories only: the histories are the same (the tests
    # above that build `histories_only` councils rely on it).
    with transaction.atomic():
        build_council(scale="demo", seed=11, today=TODAY)
        first = _snapshot()
        transaction.set_rollback(True)
    with transaction.atomic():
        build_council(scale="demo", seed=11, today=TODAY, histories_only=True)
        assert _snapshot() == first
        transaction.set_rollback(True)
    build_council(scale="demo", seed=12, today=TODAY, histories_only=True)
    assert _snapshot() != first


def _overdue_and_due_soon(deadlines) -> tuple[int, int]:
    today = timezone.localdate()
    soon = calendar.add_working_days(today, 5)
    dates = [d.due_date for d in deadlines]
    return sum(d < today for d in dates), sum(today <= d <= soon for d in dates)


def test_the_personas_have_work_overdue_and_due_soon(council):
    for username in ("asha", "ben"):
        overdue, due_soon = _overdue_and_due_soon(
            policies.deadlines_for_tasks(User.objects.get(username=username))
        )
        assert overdue and due_soon, (username, overdue, due_soon)
    maria = User.objects.get(username="maria")
    team = policies.deadlines_for_team(maria, maria.team)
    overdue, due_soon = _overdue_and_due_soon(team)
    assert overdue >= 5 and due_soon >= 5, (overdue, due_soon)
    kinds = set(team.values_list("kind", flat=True))
    assert {"assessment", "icpc", "cp_visit", "cin_visit", "review_conference", "lac_review"} <= kinds
