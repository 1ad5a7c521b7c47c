"""The programme of direct work with parents and the parenting assessment (issue #9 item 6): each parent's
progress through the modules, a parent's work on one module (version-checked, drafted, special-category
when one of their own adult practitioners writes it), the parenting assessment compiled from the module
analyses and authorised without touching the children's journeys, and the modules in the admin.
"""

from __future__ import annotations

import pytest
from django.contrib import admin
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils.html import escape

from safeguarding.access.models import SharingBasis
from safeguarding.accounts.models import User
from safeguarding.accounts.tests.factories import UserFactory
from safeguarding.workbook import drafts
from safeguarding.workbook.drafts import VersionConflict
from safeguarding.workbook.models import (
    FamilyAssessment,
    ModuleWork,
    ParentingModule,
    Session,
    SessionParticipant,
)
from safeguarding.workbook.selectors.assessments import module_work_id
from safeguarding.workbook.services import assessments as assessment_services
from safeguarding.workbook.services.modules import module_work_save

from .assessment_world import TODAY, build_world, member_n

pytestmark = pytest.mark.django_db

State = ModuleWork.State


@pytest.fixture
def w():
    return build_world()


@pytest.fixture
def modules():
    return list(ParentingModule.objects.filter(active=True).order_by("order"))


def save(w, who, parent, module, *, version=1, state=State.IN_PROGRESS, **texts):
    values = {"covered": "", "reflections": "", "analysis": "", "state": state, **texts}
    return module_work_save(
        actor=who,
        family=w.family,
        parent=parent,
        module=module,
        base_version=version,
        values=values,
        today=TODAY,
    )


def session_on(w, module, *people, note=""):
    session = Session.objects.create(
        family=w.family, date=TODAY, kind="home_visit", module=module, note=note, recorded_by=w.faye
    )
    for person in people:
        SessionParticipant.objects.create(session=session, person=person)
    return session


def url(w, parent, module):
    return reverse("workbook:module-work", args=[w.family.pk, parent.pk, module.pk])


# ---- the programme --------------------------------------------------------------------------------------


def test_eight_modules_ship_as_a_starting_point(modules):
    assert len(modules) == 8
    assert all(m.purpose and m.prompt_list for m in modules)


def test_the_programme_shows_each_parent_and_module_with_its_state_and_sessions(client, w, modules):
    first, second, third = modules[:3]
    session_on(w, first, w.amy, w.mia)
    session_on(w, first, w.amy)
    save(w, w.faye, w.amy, second, state=State.COMPLETED, analysis="Amy plans the mornings well.")
    save(w, w.faye, w.tom, third, state=State.NOT_STARTED, covered="A first look at the week")
    client.force_login(w.maria)
    page = client.get(reverse("workbook:modules", args=[w.family.pk])).content.decode()
    assert "Amy Okonjo" in page and "Tom Reid" in page
    assert "1 of 8 modules completed, 1 in progress." in page  # Amy
    assert "0 of 8 modules completed, 1 in progress." in page  # Tom: something written is in progress
    amy_rows = page[page.index('id="parent-' + str(w.amy.pk)) :]
    first_row = amy_rows[amy_rows.index(first.name) :]
    assert "In progress" in first_row[:600] and ">2</td>" in first_row[:800]


def test_the_programme_page_costs_the_same_queries_however_many_sessions(client, w, modules):
    client.force_login(w.maria)
    page = reverse("workbook:modules", args=[w.family.pk])
    client.get(page)
    with CaptureQueriesContext(connection) as few:
        client.get(page)
    for module in modules:
        for _ in range(3):
            session_on(w, module, w.amy, w.tom)
        save(w, w.faye, w.amy, module, covered="Covered")
    with CaptureQueriesContext(connection) as many:
        client.get(page)
    assert len(many) == len(few)


# ---- a parent's work on a module -------------------------------------------------------------------------


def test_module_work_shows_the_purpose_prompts_and_the_sessions_with_that_parent(client, w, modules):
    module = modules[3]
    session_on(w, module, w.tom, note="Talked about evenings")
    session_on(w, module, w.amy, note="Only Amy this time")
    client.force_login(w.faye)
    page = client.get(url(w, w.tom, module)).content.decode()
    assert escape(module.purpose) in page and escape(module.prompt_list[0]) in page
    assert "Talked about evenings" in page and "Only Amy this time" not in page


def test_saving_module_work_records_it_and_completing_needs_the_analysis(w, modules):
    module = modules[0]
    with pytest.raises(ValidationError) as refused:
        save(w, w.faye, w.amy, module, state=State.COMPLETED, covered="Worries, in Amy's words")
    assert refused.value.message_dict["analysis"] == [
        "Write your analysis before you mark the module completed"
    ]
    assert not ModuleWork.objects.exists()
    work = save(w, w.faye, w.amy, module, state=State.COMPLETED, analysis="Amy names the worries clearly.")
    assert (work.state, work.completed_on, work.updated_by, work.sensitivity) == (
        State.COMPLETED,
        TODAY,
        w.faye,
        "ordinary",
    )
    assert work.pk == module_work_id(w.family.pk, w.amy.pk, module.pk)


def test_module_work_begun_under_another_id_is_found_and_saved_not_inserted_again(client, w, modules):
    # Work a module session began, or an import wrote, before it had its lasting id: the page opens it and
    # a save changes it (a second row would break the one-record-per-parent-and-module rule: a server error).
    module = modules[1]
    begun = ModuleWork.objects.create(family=w.family, parent=w.amy, module=module, state=State.IN_PROGRESS)
    client.force_login(w.faye)
    assert client.get(url(w, w.amy, module)).status_code == 200
    work = save(w, w.faye, w.amy, module, version=begun.version, covered="Routines, in Amy's words")
    assert work.pk == begun.pk
    assert ModuleWork.objects.filter(family=w.family, parent=w.amy, module=module).count() == 1


def test_a_stale_module_work_save_is_refused_with_both_texts(w, modules):
    module = modules[0]
    first = save(w, w.faye, w.amy, module, covered="Faye's notes")
    with pytest.raises(VersionConflict) as refused:
        save(w, w.lena, w.amy, module, version=first.version - 1, covered="Lena's notes")
    assert refused.value.differing["covered"] == ("Faye's notes", "Lena's notes")
    assert refused.value.saved_by == w.faye.display_name
    first.refresh_from_db()
    assert first.covered == "Faye's notes"


def test_two_first_saves_of_the_same_module_work_do_not_overwrite_each_other(w, modules):
    module = modules[0]
    save(w, w.faye, w.amy, module, covered="First")
    with pytest.raises(VersionConflict):
        save(w, w.lena, w.amy, module, version=1, covered="Second, from a page opened before the first save")
    assert ModuleWork.objects.get().covered == "First"


def test_module_work_written_by_the_parents_own_practitioner_is_special_category_and_stays_so(
    client, w, modules
):
    module = modules[4]
    work = save(w, w.rosa, w.amy, module, analysis="Amy's use is lower on weekdays.")
    assert work.sensitivity == "adult_special"
    # Faye, without a basis for sharing, sees that it is restricted and who to ask; she cannot change it.
    client.force_login(w.faye)
    page = client.get(url(w, w.amy, module)).content.decode()
    assert "Amy's use is lower" not in page and "Restricted" in page and "Ask Rosa Lind" in page
    assert (
        client.post(url(w, w.amy, module), {"version": work.version, "state": "in_progress"}).status_code
        == 403
    )
    with pytest.raises(PermissionDenied):
        save(w, w.faye, w.amy, module, version=work.version, analysis="Overwritten")
    # The lead, with a basis for sharing, reads and edits it; it stays special-category.
    SharingBasis.objects.create(person=w.amy, basis="safeguarding", recorded_by=w.rosa)
    edited = save(
        w, w.lena, w.amy, module, version=work.version, analysis="Amy's use is lower on weekdays, she says."
    )
    assert edited.sensitivity == "adult_special"
    client.force_login(w.faye)
    assert "Amy's use is lower" not in client.get(url(w, w.amy, module)).content.decode()


def test_module_work_is_for_the_familys_adults_and_the_team(client, w, modules):
    module = modules[0]
    with pytest.raises(ValidationError):
        save(w, w.faye, w.mia, module, covered="A child is not a parent in the programme")
    outsider = UserFactory()
    with pytest.raises(PermissionDenied):
        save(w, outsider, w.amy, module, covered="Not on the team")
    client.force_login(w.faye)
    assert client.get(url(w, w.mia, module)).status_code == 404
    business_support = UserFactory(team=w.team, role=User.Role.BUSINESS_SUPPORT)
    client.force_login(business_support)
    assert client.get(url(w, w.amy, module)).status_code == 403


def test_the_module_work_page_saves_through_the_form_and_restores_a_draft(client, w, modules):
    module = modules[1]
    client.force_login(w.faye)
    work_id = module_work_id(w.family.pk, w.tom.pk, module.pk)
    drafts.draft_save(
        actor=w.faye,
        family=w.family,
        record_type="module-work",
        record_id=work_id,
        fields={"reflections": "Tom said the mornings are the hardest"},
        base_version=1,
    )
    page = client.get(url(w, w.tom, module)).content.decode()
    assert "We restored text you had not saved" in page and "Tom said the mornings are the hardest" in page
    response = client.post(
        url(w, w.tom, module),
        {
            "version": "1",
            "covered": "",
            "reflections": "Tom said the mornings are the hardest",
            "analysis": "",
            "state": "in_progress",
        },
    )
    assert response.status_code == 302
    assert ModuleWork.objects.get(pk=work_id).reflections == "Tom said the mornings are the hardest"
    assert drafts.draft_for(w.faye, "module-work", work_id) is None


def test_the_draft_endpoint_may_keep_a_draft_of_module_work_not_saved_yet(w, modules):
    target = drafts.target("module-work")
    work_id = module_work_id(w.family.pk, w.tom.pk, modules[0].pk)
    assert target.writable(w.faye, w.family, work_id).pk == work_id
    assert target.writable(w.faye, w.family, module_work_id(w.family.pk, w.mia.pk, modules[0].pk)) is None
    assert target.writable(UserFactory(), w.family, work_id) is None
    assert set(target.fields()) == {"covered", "reflections", "analysis"}


# ---- the parenting assessment -----------------------------------------------------------------------------


def test_the_parenting_assessment_is_compiled_from_the_module_analyses_and_the_chapters(w, modules):
    save(w, w.faye, w.amy, modules[0], analysis="Amy can say what worries the school.")
    save(w, w.rosa, w.amy, modules[4], analysis="Amy's use is lower on weekdays.")
    save(w, w.faye, w.tom, modules[1], covered="Covered only, no analysis yet")
    assessment = assessment_services.assessment_compile(
        actor=w.lena, family=w.family, today=TODAY, kind=FamilyAssessment.Kind.PARENTING
    )
    sections = {s["heading"]: s for s in assessment.compiled["sections"]}
    assert sections[f"Amy Okonjo: {modules[0].name}"]["text"] == "Amy can say what worries the school."
    restricted = sections[f"Amy Okonjo: {modules[4].name}"]
    assert restricted["text"] == "" and "Ask Rosa Lind" in restricted["ask"]
    assert not any(heading.startswith("Tom Reid:") for heading in sections)
    assert "Dan Okafor, domestic abuse perpetrator practitioner" in sections
    assert assessment.proposed_factors == {}


def test_the_parenting_assessment_is_sent_and_authorised_without_touching_the_journeys(w, modules):
    assessment = assessment_services.assessment_compile(
        actor=w.lena, family=w.family, today=TODAY, kind=FamilyAssessment.Kind.PARENTING
    )
    with pytest.raises(ValidationError) as refused:
        assessment_services.assessment_send(actor=w.lena, assessment=assessment)
    assert f"parent_{member_n(assessment, w.amy)}" in refused.value.message_dict
    texts = {f"parent_{member_n(assessment, p)}": f"{p.first_name} as a parent" for p in (w.amy, w.tom)}
    texts |= {"risks": "Evenings", "strengths": "Routines", "change": "A plan for the evenings"}
    assessment = assessment_services.assessment_save(
        actor=w.lena, assessment=assessment, base_version=assessment.version, texts=texts
    )
    assessment_services.assessment_send(actor=w.lena, assessment=assessment)
    plan = assessment_services.assessment_authorise(actor=w.maria, assessment=assessment, today=TODAY)
    assert plan == []
    w.mia_assessment.refresh_from_db()
    assert w.mia_assessment.authorised_on is None
    assessment.refresh_from_db()
    assert assessment.status == FamilyAssessment.Status.AUTHORISED and assessment.versions.count() == 2


# ---- the modules in the admin -----------------------------------------------------------------------------


@pytest.fixture
def sysadmin_client(client):
    client.force_login(UserFactory(superuser=True))
    return client


def test_the_system_administrator_edits_a_module_in_the_admin(sysadmin_client, modules):
    module = modules[0]
    change = reverse("admin:workbook_parentingmodule_change", args=[module.pk])
    assert sysadmin_client.get(change).status_code == 200
    response = sysadmin_client.post(
        change,
        {
            "name": "Our family and the worries",
            "purpose": "Agree the worries",
            "prompts": "One\nTwo",
            "order": 1,
            "active": "on",
        },
    )
    assert response.status_code == 302
    module.refresh_from_db()
    assert (module.name, module.prompt_list) == ("Our family and the worries", ["One", "Two"])


def test_the_admin_shows_no_module_work_and_deletes_no_module(sysadmin_client, w, modules):
    save(w, w.faye, w.amy, modules[0], analysis="Case content")
    assert ModuleWork not in admin.site._registry and FamilyAssessment not in admin.site._registry
    delete = reverse("admin:workbook_parentingmodule_delete", args=[modules[0].pk])
    assert sysadmin_client.get(delete).status_code == 403
    changelist = reverse("admin:workbook_parentingmodule_changelist")
    assert sysadmin_client.get(f"{changelist}?work__parent__first_name=Amy").status_code == 400
    assert "Case content" not in sysadmin_client.get(changelist).content.decode()
