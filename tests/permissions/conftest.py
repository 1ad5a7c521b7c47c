"""The permission matrix's one family and its people: see matrix.py.

The family is written once per test module (tests/held.py), not once per test: the matrix has thousands
of cells, each a request against the same family, and writing the family was half of each cell's time.
Each test still runs in its own savepoint, rolled back after it, and gets its own copies of the objects."""

from __future__ import annotations

import copy
import datetime

import pytest
from django.utils import timezone

from safeguarding.access.models import SharingBasis
from safeguarding.accounts.tests.factories import TeamFactory, UserFactory
from safeguarding.allocation.models import CaseRole
from safeguarding.allocation.tests.factories import AllocationFactory
from safeguarding.journey.models import EpisodeOfNeed
from safeguarding.measures.models import Measure, MeasureAlert
from safeguarding.people.tests.factories import FamilyFactory, FamilyMemberFactory
from safeguarding.readiness.models import ReadinessRecord
from safeguarding.supervision.models import GroupSupervision, SupervisionAction
from safeguarding.workbook.models import AssessmentVersion, FamilyAssessment, ParentingModule
from safeguarding.workbook.services.chapters import chapter_save, chapter_start, part_field
from tests import held
from tests.permissions.matrix import SEARCH_SURNAME


def build_world() -> dict:
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
    # A Workbook with the lead social worker's chapter shared in its first cycle (tests/permissions/test_workbook.py).
    chapter = chapter_start(actor=lead.worker, family=family)
    chapter_save(
        actor=lead.worker,
        family=family,
        chapter=chapter,
        base_version=chapter.version,
        share=True,
        values={part_field(chapter.parts.get(), "worries"): "Synthetic worry"},
    )
    # A reading of the mother's readiness to change (tests/permissions/test_readiness.py), written directly:
    # nobody in the matrix is her own practitioner.
    readiness = ReadinessRecord.objects.create(
        family=family,
        adult=mother,
        behaviour="safety_from_abuse",
        importance=5,
        confidence=4,
        stage="contemplation",
        in_their_words="Synthetic words",
        recorded_on=datetime.date(2024, 2, 1),
        recorded_by=lead.worker,
    )
    # A PHQ-9 of the mother's with item 9 above zero, and the safety check it raised, owned by the lead
    # (tests/permissions/test_measures.py), written directly: nobody in the matrix is her practitioner.
    measure = Measure.objects.create(
        family=family,
        person=mother,
        instrument="phq9",
        instrument_version=1,
        administered_on=datetime.date(2024, 2, 1),
        answered_by="self",
        answers={str(n): 1 for n in range(1, 10)},
        total=9,
        band="Mild",
        band_index=1,
        recorded_by=lead.worker,
    )
    measure_alert = MeasureAlert.objects.create(
        measure=measure,
        family=family,
        person=mother,
        kind="safety_check",
        reason="Synthetic alert reason",
        raised_on=datetime.date(2024, 2, 1),
        due_on=datetime.date(2024, 2, 1),
        owner=lead.worker,
    )
    # An integrated assessment the lead is writing, and a parenting assessment sent to the team manager.
    integrated = FamilyAssessment.objects.create(
        family=family, kind=FamilyAssessment.Kind.INTEGRATED, written_by=lead.worker
    )
    AssessmentVersion.objects.create(
        assessment=integrated, number=1, status=FamilyAssessment.Status.DRAFT, by=lead.worker
    )
    parenting = FamilyAssessment.objects.create(
        family=family,
        kind=FamilyAssessment.Kind.PARENTING,
        status=FamilyAssessment.Status.SENT,
        written_by=lead.worker,
        analysis={"risks": "Synthetic"},
    )
    # Group supervision (tests/permissions/test_supervision.py): a signed-off one with an open action the
    # lead owns, and the next, held today and recorded, chaired by the lead as the manager's deputy.
    today = timezone.localdate()
    last = GroupSupervision.objects.create(
        family=family,
        scheduled_for=today - datetime.timedelta(days=28),
        status=GroupSupervision.Status.SIGNED_OFF,
        chair=lead.worker,
        signed_off_at=timezone.now(),
        signed_off_by=lead.worker,
        attendance={str(lead.worker.pk): "attended"},
        decisions=["continue"],
    )
    action = SupervisionAction.objects.create(
        supervision=last, text="Visit the child at school", owner=lead.worker, due_date=today
    )
    supervision = GroupSupervision.objects.create(
        family=family,
        scheduled_for=today,
        status=GroupSupervision.Status.RECORDED,
        chair=lead.worker,
        attendance={str(lead.worker.pk): "attended"},
        decisions=["continue"],
    )
    return {
        "supervision": supervision,
        "last_supervision": last,
        "supervision_action": action,
        "assessment": integrated,
        "sent_assessment": parenting,
        "module": ParentingModule.objects.order_by("order").first(),
        "chapter": chapter,
        "readiness": readiness,
        "measure": measure,
        "measure_alert": measure_alert,
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


@pytest.fixture(scope="module")
def _world_for_the_module(request, django_db_setup, django_db_blocker):
    """The family written once for a module whose every test asks for `world` and none commits; else None."""
    if not held.every_test_asks_for(request, "world"):
        yield None
        return
    with held.outer_transaction(django_db_blocker, request.getfixturevalue("reference_rows")):
        with django_db_blocker.unblock():
            built = build_world()
            held.settle_constraints()
        yield built


@pytest.fixture
def world(db, _world_for_the_module) -> dict:
    if _world_for_the_module is None:
        return build_world()
    # The database is back as it was built at the start of each test (the savepoint before the test
    # is rolled back); copies keep one test's changes to the objects in memory from reaching the next.
    return copy.deepcopy(_world_for_the_module)
