"""The integrated family assessment (issue #9 item 5): compiled from the Workbook, written by the lead social
worker, authorised by the team manager, completing each child's statutory assessment with the confirmed
factors; every version kept; stale saves refused with nothing lost; restricted parts left out.

The family is assessment_world's: Mia has an assessment waiting for authorisation, Sam does not; Dan (DA
perpetrator practitioner) works with Tom, Rosa (recovery worker) with Amy.
"""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from safeguarding.access.models import SharingBasis
from safeguarding.accounts.models import User
from safeguarding.accounts.tests.factories import UserFactory
from safeguarding.allocation.models import Allocation
from safeguarding.audit.models import AuditEvent
from safeguarding.journey.models import Assessment, EpisodeOfNeed
from safeguarding.journey.tests.factories import (
    AssessmentFactory,
    ChildProtectionPlanFactory,
    EpisodeOfNeedFactory,
    LookedAfterEpisodeFactory,
)
from safeguarding.people.models import AdultDetail
from safeguarding.people.tests.factories import FamilyMemberFactory, PersonFactory
from safeguarding.workbook import drafts
from safeguarding.workbook.drafts import VersionConflict
from safeguarding.workbook.models import (
    AssessmentVersion,
    Chapter,
    ChapterPart,
    FamilyAssessment,
    SignificantEvent,
)
from safeguarding.workbook.policies import WorkbookAccess
from safeguarding.workbook.services import assessments as services
from safeguarding.workbook.services.workbooks import cycle_close

from .assessment_world import (
    ASSESSMENT_STARTED,
    DAN_ABOUT_TOM,
    DAN_FAMILY,
    TODAY,
    build_world,
    member_n,
)

pytestmark = pytest.mark.django_db

Status = FamilyAssessment.Status


@pytest.fixture
def w():
    return build_world()


def compile_(w, **kwargs):
    return services.assessment_compile(actor=w.lena, family=w.family, today=TODAY, **kwargs)


def section_by_heading(assessment, heading):
    return next(s for s in assessment.compiled["sections"] if s["heading"] == heading)


def write_and_confirm(w, assessment, factors=("3B", "1B")):
    """The social worker writes every section and confirms Mia's factors (as the edit form saves them)."""
    texts = {
        f"life_{member_n(assessment, w.mia)}": "Mia is watchful at home and happier at school.",
        "risks": "Mia hears the arguments at night.",
        "strengths": "Amy keeps the routines going.",
        "change": "The evenings need a safety plan that holds.",
    }
    return services.assessment_save(
        actor=w.lena,
        assessment=assessment,
        base_version=assessment.version,
        texts=texts,
        factors={str(w.mia.pk): list(factors), str(w.sam.pk): ["21"]},
    )


def sent(w, **kwargs):
    assessment = write_and_confirm(w, compile_(w), **kwargs)
    return services.assessment_send(actor=w.lena, assessment=assessment)


# ---- compiling ------------------------------------------------------------------------------------------


def test_compiling_gathers_each_childs_statutory_status_the_shared_chapters_and_the_events(w):
    assessment = compile_(w)
    assert assessment.status == Status.DRAFT and assessment.written_by == w.lena
    mia = section_by_heading(assessment, "Mia Reid: statutory status")["text"]
    assert "Referral on 3 March 2025, open." in mia
    assert "assessment started 4 March 2025, waiting for authorisation" in mia
    sam = section_by_heading(assessment, "Sam Reid: statutory status")["text"]
    assert "Child in need plan since 25 March 2025." in sam
    assert "authorised on 20 March 2025" in sam
    family_part = section_by_heading(assessment, "Dan Okafor, domestic abuse perpetrator practitioner")
    assert DAN_FAMILY in family_part["text"]
    events = section_by_heading(assessment, "Significant events")["text"]
    assert "Police call-out for domestic abuse" in events and "Mia was awake and frightened." in events


def test_a_plan_shows_its_category_and_a_looked_after_child_shows_no_placement(w):
    episode = EpisodeOfNeed.objects.get(child=w.mia)
    ChildProtectionPlanFactory(episode=episode, start_date=datetime.date(2025, 3, 24), latest_category="EMO")
    LookedAfterEpisodeFactory(child=w.mia, start_date=datetime.date(2025, 5, 1), placement_postcode="DB9 9ZZ")
    mia = section_by_heading(compile_(w), "Mia Reid: statutory status")["text"]
    assert "Child protection plan since 24 March 2025, category: emotional abuse." in mia
    assert "Looked after since 1 May 2025, C1 Interim care order." in mia
    # Where a looked-after child is placed is for the child's own workers: never in a team document.
    assert "DB9" not in mia


def test_a_draft_chapter_is_never_compiled_and_an_earlier_shared_one_is_when_none_is_shared_now(w):
    _closed, current = cycle_close(actor=w.maria, family=w.family, closed_on=TODAY, today=TODAY)
    draft = Chapter.objects.create(cycle=current, author=w.faye, case_role="family_support_worker")
    ChapterPart.objects.create(chapter=draft, work_done="Unfinished thoughts, not shared")
    assessment = compile_(w)
    text = " ".join(s["text"] for s in assessment.compiled["sections"])
    assert "Unfinished thoughts" not in text
    # Dan has not shared a chapter in the new cycle: his last shared one is compiled, and says so.
    dans = section_by_heading(assessment, "Dan Okafor, domestic abuse perpetrator practitioner")
    assert DAN_FAMILY in dans["text"] and "not yet shared this cycle" in dans["note"]


def test_a_part_the_lead_may_not_read_is_left_out_with_who_to_ask(w):
    assessment = compile_(w)
    about_tom = section_by_heading(
        assessment, "Dan Okafor, domestic abuse perpetrator practitioner: about Tom Reid"
    )
    assert about_tom["text"] == ""
    assert about_tom["ask"].startswith("Restricted:") and "Ask Dan Okafor" in about_tom["ask"]
    assert DAN_ABOUT_TOM not in str(assessment.compiled)


def test_with_a_basis_for_sharing_the_part_is_compiled_and_stays_special_category(w):
    SharingBasis.objects.create(person=w.tom, basis="consent", recorded_by=w.dan)
    assessment = compile_(w)
    about_tom = section_by_heading(
        assessment, "Dan Okafor, domestic abuse perpetrator practitioner: about Tom Reid"
    )
    assert DAN_ABOUT_TOM in about_tom["text"]
    assert about_tom["sensitivity"] == "adult_special" and about_tom["about"] == str(w.tom.pk)


def test_only_the_lead_social_worker_compiles(w):
    for worker in (w.faye, w.dan, w.maria):
        with pytest.raises(PermissionDenied):
            services.assessment_compile(actor=worker, family=w.family, today=TODAY)
    assert not FamilyAssessment.objects.exists()


def test_one_assessment_of_a_kind_is_in_progress_at_a_time(w):
    compile_(w)
    with pytest.raises(ValidationError, match="already in progress"):
        compile_(w)
    # The parenting assessment is another kind.
    compile_(w, kind=FamilyAssessment.Kind.PARENTING)


# ---- proposed factors ------------------------------------------------------------------------------------


def test_factors_are_proposed_from_the_adult_practitioners_allocations_with_why(w):
    proposed = compile_(w).proposed_factors[str(w.mia.pk)]
    assert set(proposed) == {"1B", "2B", "3B"}
    assert {
        "text": "Dan Okafor, domestic abuse perpetrator practitioner, works with Tom Reid",
        "sensitivity": "ordinary",
        "about": None,
    } in proposed["3B"]
    # A recovery worker does not say whether it is drink or drugs: both, for the social worker to untick.
    assert proposed["1B"] == proposed["2B"]
    assert (
        "Rosa Lind, recovery worker (drugs and alcohol), works with Amy Okonjo" in proposed["1B"][0]["text"]
    )


def test_a_mental_health_practitioner_proposes_4b_and_every_child_gets_the_proposals(w):
    nurse = UserFactory(team=w.team, partner=True, first_name="Noor", last_name="Ali")
    Allocation.objects.create(
        family=w.family, worker=nurse, case_role="mental_health_practitioner", start_date=TODAY
    ).works_with.set([w.amy])
    assessment = compile_(w)
    for child in (w.mia, w.sam):
        assert "Noor Ali, mental health practitioner, works with Amy Okonjo" in [
            r["text"] for r in assessment.proposed_factors[str(child.pk)]["4B"]
        ]


def test_recorded_adult_detail_proposes_a_factor_only_where_the_lead_may_read_it(w):
    AdultDetail.objects.create(
        person=w.amy, topic="mental_health", summary="Low mood since the winter", recorded_by=w.rosa
    )
    without_basis = compile_(w).proposed_factors[str(w.mia.pk)]
    assert "4B" not in without_basis  # proposing it would tell the lead what the rules withhold
    FamilyAssessment.objects.all().update(status=Status.AUTHORISED)
    SharingBasis.objects.create(person=w.amy, basis="consent", recorded_by=w.rosa)
    with_basis = compile_(w).proposed_factors[str(w.mia.pk)]
    assert with_basis["4B"][0]["sensitivity"] == "adult_special"
    assert "recorded mental health detail about Amy Okonjo" in with_basis["4B"][0]["text"]


def test_a_relapse_about_a_parent_proposes_alcohol_and_drugs(w):
    event = SignificantEvent.objects.create(
        family=w.family,
        date=TODAY,
        kind="relapse",
        what_happened="Amy used again after the funeral",
        impact="medium",
        recorded_by=w.lena,
    )
    event.people.set([w.amy])
    w.family.allocations.filter(case_role="recovery_worker").update(end_date=TODAY)
    proposed = compile_(w).proposed_factors[str(w.mia.pk)]
    assert [r["text"] for r in proposed["1B"]] == [
        "Significant event on 2 June 2025: relapse into drug or alcohol use (Amy Okonjo)"
    ]
    assert proposed["2B"] == proposed["1B"]


def test_the_edit_form_ticks_the_proposals_until_the_social_worker_confirms(client, w):
    assessment = compile_(w)
    client.force_login(w.lena)
    page = client.get(reverse("workbook:assessment-edit", args=[w.family.pk, assessment.pk])).content.decode()
    n = member_n(assessment, w.mia)
    for code in ("1B", "2B", "3B"):
        assert f'name="factors_{n}" type="checkbox" value="{code}" checked' in page
    assert f'name="factors_{n}" type="checkbox" value="4B" checked' not in page
    assert "works with Tom Reid" in page
    write_and_confirm(w, assessment, factors=("3B",))
    page = client.get(reverse("workbook:assessment-edit", args=[w.family.pk, assessment.pk])).content.decode()
    assert f'name="factors_{n}" type="checkbox" value="3B" checked' in page
    assert f'name="factors_{n}" type="checkbox" value="1B" checked' not in page


# ---- saving: versions, conflicts, drafts ---------------------------------------------------------------


def test_a_stale_save_is_refused_with_both_texts_and_nothing_is_lost(w):
    assessment = compile_(w)
    opened_at = assessment.version
    services.assessment_save(
        actor=w.lena,
        assessment=assessment,
        base_version=opened_at,
        texts={"risks": "Written in the first tab"},
    )
    with pytest.raises(VersionConflict) as refused:
        services.assessment_save(
            actor=w.lena,
            assessment=assessment,
            base_version=opened_at,
            texts={"risks": "Written in the second tab"},
        )
    conflict = refused.value
    assert conflict.differing == {"risks": ("Written in the first tab", "Written in the second tab")}
    assessment.refresh_from_db()
    assert assessment.analysis["risks"] == "Written in the first tab"
    # The worker merges and saves against the current version.
    services.assessment_save(
        actor=w.lena,
        assessment=assessment,
        base_version=conflict.current_version,
        texts={"risks": "Written in the first tab. Written in the second tab"},
    )
    assessment.refresh_from_db()
    assert assessment.analysis["risks"] == "Written in the first tab. Written in the second tab"


def test_the_edit_page_shows_a_conflict_keeps_the_workers_text_and_merges_on_the_next_submit(client, w):
    assessment = compile_(w)
    url = reverse("workbook:assessment-edit", args=[w.family.pk, assessment.pk])
    services.assessment_save(
        actor=w.lena, assessment=assessment, base_version=assessment.version, texts={"risks": "Their text"}
    )
    client.force_login(w.lena)
    response = client.post(url, {"version": assessment.version, "risks": "My text"})
    assert response.status_code == 200
    page = response.content.decode()
    assert 'data-conflict-field="risks">Their text' in page
    assert ">\nMy text</textarea>" in page
    assert f'name="version" value="{assessment.version + 1}"' in page
    assessment.refresh_from_db()
    assert assessment.analysis["risks"] == "Their text"
    response = client.post(url, {"version": assessment.version, "risks": "Their text and my text"})
    assert response.status_code == 302
    assessment.refresh_from_db()
    assert assessment.analysis["risks"] == "Their text and my text"


def test_the_compiled_sections_are_editable_but_a_restricted_one_is_kept_as_it_was(w):
    assessment = compile_(w)
    events = section_by_heading(assessment, "Significant events")
    restricted = section_by_heading(
        assessment, "Dan Okafor, domestic abuse perpetrator practitioner: about Tom Reid"
    )
    services.assessment_save(
        actor=w.lena,
        assessment=assessment,
        base_version=assessment.version,
        texts={events["key"]: "Edited events", restricted["key"]: "Smuggled in"},
    )
    assessment.refresh_from_db()
    assert section_by_heading(assessment, "Significant events")["text"] == "Edited events"
    kept = section_by_heading(assessment, restricted["heading"])
    assert kept["text"] == "" and kept["ask"]


def test_unsaved_text_comes_back_from_the_server_side_draft(client, w):
    assessment = compile_(w)
    drafts.draft_save(
        actor=w.lena,
        family=w.family,
        record_type="assessment",
        record_id=assessment.pk,
        fields={"change": "Typed before the time-out"},
        base_version=assessment.version,
    )
    client.force_login(w.lena)
    page = client.get(reverse("workbook:assessment-edit", args=[w.family.pk, assessment.pk])).content.decode()
    assert "We restored text you had not saved" in page
    assert "Typed before the time-out</textarea>" in page
    client.post(
        reverse("workbook:assessment-edit", args=[w.family.pk, assessment.pk]),
        {"version": assessment.version, "change": "Typed before the time-out"},
    )
    assert drafts.draft_for(w.lena, "assessment", assessment.pk) is None


def test_the_draft_endpoint_may_keep_an_assessment_draft_for_the_lead_only_while_it_is_with_them(w):
    target = drafts.target("assessment")
    assessment = compile_(w)
    assert target.writable(w.lena, w.family, assessment.pk) == assessment
    assert target.writable(w.faye, w.family, assessment.pk) is None
    assert target.writable(w.lena, w.family, "not-an-id") is None
    assert {"risks", "life_1", "section_1"} <= set(target.fields())
    services.assessment_send(actor=w.lena, assessment=write_and_confirm(w, assessment))
    assert target.writable(w.lena, w.family, assessment.pk) is None


# ---- send, return, authorise ---------------------------------------------------------------------------


def test_sending_needs_the_analysis_and_confirmed_factors_for_each_child_being_assessed(w):
    assessment = compile_(w)
    with pytest.raises(ValidationError) as refused:
        services.assessment_send(actor=w.lena, assessment=assessment)
    problems = refused.value.message_dict
    n = member_n(assessment, w.mia)
    assert problems[f"life_{n}"] == ["Write what life is like for Mia Reid"]
    assert problems[f"factors_{n}"] == [
        "Confirm the factors identified for Mia Reid, or select No factors identified"
    ]
    assert {"risks", "strengths", "change"} <= set(problems)
    # Sam has no statutory assessment open: nothing of his is required.
    assert f"life_{member_n(assessment, w.sam)}" not in problems
    assessment.refresh_from_db()
    assert assessment.status == Status.DRAFT and not assessment.versions.exists()


def test_sending_keeps_the_version_sent_and_locks_it_from_editing(w):
    assessment = sent(w)
    assert assessment.status == Status.SENT
    version = assessment.versions.get()
    assert (version.number, version.status, version.by) == (1, Status.SENT, w.lena)
    assert version.factors[str(w.mia.pk)] == ["1B", "3B"]
    with pytest.raises(ValidationError, match="with the team manager"):
        services.assessment_save(
            actor=w.lena, assessment=assessment, base_version=assessment.version, texts={"risks": "Later"}
        )


def test_a_returned_assessment_completes_nothing_and_keeps_the_managers_comments(w):
    assessment = sent(w)
    with pytest.raises(ValidationError):
        services.assessment_return(actor=w.maria, assessment=assessment, comments="  ")
    returned = services.assessment_return(
        actor=w.maria, assessment=assessment, comments="Say more about the evenings"
    )
    assert returned.status == Status.RETURNED
    w.mia_assessment.refresh_from_db()
    assert w.mia_assessment.authorised_on is None and w.mia_assessment.factors == []
    version = returned.versions.order_by("number").last()
    assert (version.status, version.comments, version.by) == (
        Status.RETURNED,
        "Say more about the evenings",
        w.maria,
    )
    # Back with the social worker: editable again, and sendable again.
    services.assessment_save(
        actor=w.lena,
        assessment=returned,
        base_version=returned.version,
        texts={"risks": "The evenings, in detail"},
    )
    services.assessment_send(actor=w.lena, assessment=returned)


def test_authorising_completes_each_childs_open_assessment_with_the_confirmed_factors_and_the_date(w):
    assessment = sent(w, factors=("3B", "1B"))
    plan = services.assessment_authorise(actor=w.maria, assessment=assessment, today=TODAY)
    w.mia_assessment.refresh_from_db()
    assert w.mia_assessment.authorised_on == TODAY
    assert w.mia_assessment.factors == ["1B", "3B"]
    # Sam had no open assessment: listed as such, and his authorised one is untouched.
    by_child = {item.child: item for item in plan}
    assert by_child[w.sam].assessment is None
    assert Assessment.objects.get(child=w.sam).factors == ["21"]
    assessment.refresh_from_db()
    assert (assessment.status, assessment.authorised_by, assessment.authorised_on) == (
        Status.AUTHORISED,
        w.maria,
        TODAY,
    )


def test_every_version_is_kept(w):
    assessment = sent(w)
    services.assessment_return(actor=w.maria, assessment=assessment, comments="More on Sam")
    assessment.refresh_from_db()
    services.assessment_save(
        actor=w.lena,
        assessment=assessment,
        base_version=assessment.version,
        texts={"strengths": "Sam's nursery"},
    )
    services.assessment_send(actor=w.lena, assessment=assessment)
    services.assessment_authorise(actor=w.maria, assessment=assessment, today=TODAY)
    versions = list(AssessmentVersion.objects.filter(assessment=assessment).order_by("number"))
    assert [(v.number, v.status) for v in versions] == [
        (1, Status.SENT),
        (2, Status.RETURNED),
        (3, Status.SENT),
        (4, Status.AUTHORISED),
    ]
    assert versions[0].analysis["strengths"] == "Amy keeps the routines going."
    assert versions[2].analysis["strengths"] == "Sam's nursery"


def test_a_journey_rule_refusing_one_child_refuses_the_whole_authorisation(w):
    # Ava's assessment started after the day the manager authorises: the journey refuses that date.
    ava = FamilyMemberFactory(
        family=w.family,
        person=PersonFactory(first_name="Ava", last_name="Reid", date_of_birth=datetime.date(2019, 1, 1)),
    ).person
    late = AssessmentFactory(
        episode=EpisodeOfNeedFactory(child=ava), start_date=TODAY + datetime.timedelta(days=3)
    )
    assessment = compile_(w)
    assessment = write_and_confirm(w, assessment)
    services.assessment_save(
        actor=w.lena,
        assessment=assessment,
        base_version=assessment.version,
        texts={f"life_{member_n(assessment, ava)}": "Ava is settled."},
        factors={str(ava.pk): ["3B"]},
    )
    services.assessment_send(actor=w.lena, assessment=assessment)
    with pytest.raises(ValidationError) as refused:
        services.assessment_authorise(actor=w.maria, assessment=assessment, today=TODAY)
    assert any(message.startswith("Ava Reid: The authorisation date") for message in refused.value.messages)
    w.mia_assessment.refresh_from_db()
    late.refresh_from_db()
    assert w.mia_assessment.authorised_on is None and late.authorised_on is None
    assessment.refresh_from_db()
    assert assessment.status == Status.SENT and assessment.versions.count() == 1


def test_the_manager_is_shown_why_the_journey_refused_and_nothing_is_saved(client, w):
    # The page authorises on the server's today: an assessment recorded as starting after it is refused.
    late = AssessmentFactory(
        episode=EpisodeOfNeed.objects.get(child=w.mia),
        start_date=timezone.localdate() + datetime.timedelta(days=3),
    )
    Assessment.objects.filter(pk=w.mia_assessment.pk).update(authorised_on=ASSESSMENT_STARTED, factors=["21"])
    assessment = sent(w)
    client.force_login(w.maria)
    response = client.post(reverse("workbook:assessment-authorise", args=[w.family.pk, assessment.pk]))
    assert response.status_code == 200
    page = response.content.decode()
    assert "govuk-error-summary" in page and "Mia Reid: The authorisation date must be on or after" in page
    late.refresh_from_db()
    assessment.refresh_from_db()
    assert late.authorised_on is None and assessment.status == Status.SENT


def test_an_assessment_started_after_sending_has_no_confirmed_factors_and_refuses_authorisation(w):
    assessment = sent(w)
    # A new assessment for Sam, started after the assessment went to the manager.
    AssessmentFactory(episode=EpisodeOfNeed.objects.get(child=w.sam), start_date=TODAY)
    assessment.factors.pop(str(w.sam.pk))
    FamilyAssessment.objects.filter(pk=assessment.pk).update(factors=assessment.factors)
    with pytest.raises(ValidationError, match="Sam Reid has an assessment with no confirmed factors"):
        services.assessment_authorise(actor=w.maria, assessment=assessment, today=TODAY)
    w.mia_assessment.refresh_from_db()
    assert w.mia_assessment.authorised_on is None


def test_only_the_familys_manager_authorises_and_never_one_they_wrote(w):
    assessment = sent(w)
    other_manager = UserFactory(role=User.Role.TEAM_MANAGER)
    for who in (w.lena, w.faye, w.dan, other_manager):
        with pytest.raises(PermissionDenied):
            services.assessment_authorise(actor=who, assessment=assessment, today=TODAY)
        with pytest.raises(PermissionDenied):
            services.assessment_return(actor=who, assessment=assessment, comments="No")
    FamilyAssessment.objects.filter(pk=assessment.pk).update(written_by=w.maria)
    assessment.refresh_from_db()
    assert not WorkbookAccess(w.maria, w.family).can_authorise(assessment)
    with pytest.raises(PermissionDenied):
        services.assessment_authorise(actor=w.maria, assessment=assessment, today=TODAY)
    w.mia_assessment.refresh_from_db()
    assert w.mia_assessment.authorised_on is None


def test_an_assessment_is_authorised_once(w):
    assessment = sent(w)
    services.assessment_authorise(actor=w.maria, assessment=assessment, today=TODAY)
    with pytest.raises(ValidationError, match="already been authorised"):
        services.assessment_authorise(actor=w.maria, assessment=assessment, today=TODAY)


# ---- pages and who sees what --------------------------------------------------------------------------


def test_the_manager_authorises_through_the_pages_and_the_child_journey_shows_the_factors(client, w):
    assessment = sent(w)
    client.force_login(w.maria)
    journey_url = reverse("journey:child-journey", args=[w.mia.pk])
    assert "Domestic abuse: a parent or carer is the subject" not in client.get(journey_url).content.decode()
    page = client.get(reverse("workbook:assessment", args=[w.family.pk, assessment.pk])).content.decode()
    assert "Authorise" in page and "Return with comments" in page
    confirm = client.get(reverse("workbook:assessment-authorise", args=[w.family.pk, assessment.pk]))
    assert f'datetime="{ASSESSMENT_STARTED:%Y-%m-%d}"' in confirm.content.decode()
    assert "No open statutory assessment" in confirm.content.decode()
    response = client.post(reverse("workbook:assessment-authorise", args=[w.family.pk, assessment.pk]))
    assert response.status_code == 302
    w.mia_assessment.refresh_from_db()
    assert w.mia_assessment.authorised_on is not None and w.mia_assessment.factors == ["1B", "3B"]
    journey = client.get(journey_url).content.decode()
    assert "Domestic abuse: a parent or carer is the subject" in journey


def test_the_lead_sees_no_authorise_button_and_is_refused_it(client, w):
    assessment = sent(w)
    client.force_login(w.lena)
    page = client.get(reverse("workbook:assessment", args=[w.family.pk, assessment.pk])).content.decode()
    assert "assessment-authorise" not in page and "/authorise/" not in page
    assert (
        client.post(reverse("workbook:assessment-authorise", args=[w.family.pk, assessment.pk])).status_code
        == 403
    )
    assert (
        client.get(reverse("workbook:assessment-edit", args=[w.family.pk, assessment.pk])).status_code == 302
    )


def test_the_team_reads_the_assessment_and_others_are_refused(client, w):
    assessment = compile_(w)
    url = reverse("workbook:assessment", args=[w.family.pk, assessment.pk])
    for reader in (w.lena, w.faye, w.dan, w.maria):
        client.force_login(reader)
        assert client.get(url).status_code == 200
    business_support = UserFactory(team=w.team, role=User.Role.BUSINESS_SUPPORT)
    client.force_login(business_support)
    assert client.get(url).status_code == 403
    client.force_login(UserFactory())  # a social worker elsewhere
    assert client.get(url).status_code == 404
    client.force_login(w.faye)
    assert (
        client.get(reverse("workbook:assessment-edit", args=[w.family.pk, assessment.pk])).status_code == 403
    )
    assert (
        client.post(reverse("workbook:assessment-send", args=[w.family.pk, assessment.pk])).status_code == 403
    )


def test_a_section_compiled_from_special_category_data_is_withheld_from_a_reader_the_rules_withhold_it_from(
    client, w
):
    # A basis of narrower reach: the lead and managers read Dan's part about Tom; Faye does not.
    SharingBasis.objects.create(person=w.tom, basis="safeguarding", recorded_by=w.dan)
    assessment = compile_(w)
    url = reverse("workbook:assessment", args=[w.family.pk, assessment.pk])
    client.force_login(w.lena)
    assert DAN_ABOUT_TOM in client.get(url).content.decode()
    client.force_login(w.maria)
    assert DAN_ABOUT_TOM in client.get(url).content.decode()
    client.force_login(w.faye)
    page = client.get(url).content.decode()
    assert DAN_ABOUT_TOM not in page and "Restricted" in page and "Ask Dan Okafor" in page


def test_reads_and_writes_are_audited_with_the_family_and_the_people_they_are_about(client, w):
    assessment = compile_(w)
    subjects = {str(p.pk) for p in (w.mia, w.sam, w.amy, w.tom)}

    def named(event):
        rows = {(s.kind, str(s.subject_id)) for s in event.subjects.all()}
        return {pk for kind, pk in rows if kind == "person"}, {pk for kind, pk in rows if kind == "family"}

    created = AuditEvent.objects.filter(object_type="familyassessment", action="create").get()
    assert named(created) == (subjects, {str(w.family.pk)})
    client.force_login(w.faye)
    client.get(reverse("workbook:assessment", args=[w.family.pk, assessment.pk]))
    viewed = AuditEvent.objects.filter(object_type="familyassessment", action="view").latest("id")
    assert viewed.actor == w.faye and named(viewed) == (subjects, {str(w.family.pk)})
    sent_event = services.assessment_send(actor=w.lena, assessment=write_and_confirm(w, assessment))
    changes = AuditEvent.objects.filter(
        object_type="familyassessment", action="change", object_id=str(sent_event.pk)
    )
    assert changes.count() == 2 and all(named(e)[0] == subjects for e in changes)


def test_the_family_list_and_compile_pages(client, w):
    client.force_login(w.lena)
    listing = client.get(reverse("workbook:assessments", args=[w.family.pk])).content.decode()
    assert "Compile the integrated family assessment" in listing
    assert (
        client.get(reverse("workbook:assessment-compile", args=[w.family.pk, "nonsense"])).status_code == 404
    )
    response = client.post(reverse("workbook:assessment-compile", args=[w.family.pk, "integrated"]))
    assessment = FamilyAssessment.objects.get()
    assert response["Location"] == reverse("workbook:assessment-edit", args=[w.family.pk, assessment.pk])
    listing = client.get(reverse("workbook:assessments", args=[w.family.pk])).content.decode()
    assert "Integrated family assessment in progress" in listing
    client.force_login(w.faye)
    assert (
        client.post(reverse("workbook:assessment-compile", args=[w.family.pk, "parenting"])).status_code
        == 403
    )


def test_the_send_page_lists_what_is_missing_with_links_to_the_boxes(client, w):
    assessment = compile_(w)
    client.force_login(w.lena)
    response = client.post(reverse("workbook:assessment-send", args=[w.family.pk, assessment.pk]))
    page = response.content.decode()
    edit = reverse("workbook:assessment-edit", args=[w.family.pk, assessment.pk])
    n = member_n(assessment, w.mia)
    assert f'href="{edit}#id_life_{n}"' in page and f'href="{edit}#factors_{n}"' in page
    assessment.refresh_from_db()
    assert assessment.status == Status.DRAFT


def test_a_kept_version_reads_as_it_was_sent(client, w):
    assessment = sent(w)
    services.assessment_return(actor=w.maria, assessment=assessment, comments="Please add the school's view")
    assessment.refresh_from_db()
    services.assessment_save(
        actor=w.lena, assessment=assessment, base_version=assessment.version, texts={"risks": "Rewritten"}
    )
    client.force_login(w.maria)
    first = client.get(
        reverse("workbook:assessment-version", args=[w.family.pk, assessment.pk, 1])
    ).content.decode()
    assert "Mia hears the arguments at night." in first and "Rewritten" not in first
    second = client.get(
        reverse("workbook:assessment-version", args=[w.family.pk, assessment.pk, 2])
    ).content.decode()
    assert "Please add the school&#x27;s view" in second
    assert (
        client.get(reverse("workbook:assessment-version", args=[w.family.pk, assessment.pk, 9])).status_code
        == 404
    )


def test_the_compiled_assessment_page_costs_the_same_queries_however_many_events(
    client, w, django_assert_max_num_queries
):
    assessment = compile_(w)
    url = reverse("workbook:assessment", args=[w.family.pk, assessment.pk])
    client.force_login(w.maria)
    client.get(url)
    with CaptureQueriesContext(connection) as few:
        client.get(url)
    FamilyAssessment.objects.all().update(status=Status.AUTHORISED)
    for day in range(30):
        SignificantEvent.objects.create(
            family=w.family,
            date=TODAY - datetime.timedelta(days=day),
            kind="other",
            what_happened=f"Event {day}",
            impact="low",
            recorded_by=w.lena,
        )
    bigger = compile_(w)
    with CaptureQueriesContext(connection) as many:
        client.get(reverse("workbook:assessment", args=[w.family.pk, bigger.pk]))
    assert len(many) == len(few)
