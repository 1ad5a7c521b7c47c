"""The admin shows a system administrator no case content: not on a delete confirmation, not through a
filter in the address, not through any model it registers. Users and teams are never deleted."""

from __future__ import annotations

import pytest
from django.contrib import admin
from django.test import RequestFactory
from django.urls import reverse

from safeguarding.access.models import SharingBasis
from safeguarding.accounts.admin import ADMIN_APPS, CASE_RECORDS_REFER
from safeguarding.accounts.admin_site import ADMIN_REFERENCE_MODELS
from safeguarding.accounts.models import Organisation, Team, User
from safeguarding.accounts.tests.factories import OrganisationFactory, TeamFactory, UserFactory
from safeguarding.allocation.models import CaseRole
from safeguarding.allocation.tests.factories import AllocationFactory
from safeguarding.audit.models import AuditEvent
from safeguarding.people.models import AdultDetail
from safeguarding.people.tests.factories import FamilyFactory, FamilyMemberFactory

# Words that appear only in the case records below: none may reach an admin page.
CASE_WORDS = ["Carter", "FAM-CARTER", "Dana", "Drug or alcohol use", "Safeguarding of children", "consent"]


@pytest.fixture
def held(db):
    """The North team holds the Carter family; Asha is its allocated social worker and has recorded an
    adult's restricted detail and a basis for sharing it."""
    north = TeamFactory(name="North Family Safeguarding Team")
    carter = FamilyFactory(team=north, name="Carter family", reference="FAM-CARTER")
    dana = FamilyMemberFactory(
        family=carter, adult=True, person__first_name="Dana", person__last_name="Carter"
    ).person
    asha = UserFactory(team=north, username="asha", first_name="Asha", last_name="Patel")
    AllocationFactory(family=carter, worker=asha, case_role=CaseRole.LEAD_SOCIAL_WORKER)
    AdultDetail.objects.create(
        person=dana, topic=AdultDetail.Topic.SUBSTANCE_USE, summary="Synthetic summary", recorded_by=asha
    )
    SharingBasis.objects.create(person=dana, basis=SharingBasis.Basis.SAFEGUARDING, recorded_by=asha)
    return north, asha


@pytest.fixture
def sysadmin_client(client, db):
    client.force_login(UserFactory(superuser=True, username="sami", first_name="Sami", last_name="Admin"))
    return client


def assert_no_case_content(body: str):
    found = [word for word in CASE_WORDS if word in body]
    assert found == [], f"case content on an admin page: {found}"


def test_a_team_cannot_be_deleted_and_no_admin_page_about_it_names_its_families(sysadmin_client, held):
    north, _ = held
    assert sysadmin_client.get(reverse("admin:accounts_team_delete", args=[north.pk])).status_code == 403
    assert sysadmin_client.post(reverse("admin:accounts_team_delete", args=[north.pk])).status_code == 403
    for url in [
        reverse("admin:accounts_team_changelist"),
        reverse("admin:accounts_team_change", args=[north.pk]),
        reverse("admin:accounts_team_history", args=[north.pk]),
    ]:
        response = sysadmin_client.get(url)
        assert response.status_code == 200
        assert_no_case_content(response.content.decode())
    # The changelist offers no bulk deletion either.
    changelist = sysadmin_client.get(reverse("admin:accounts_team_changelist"))
    assert "delete_selected" not in changelist.content.decode()
    assert Team.objects.filter(pk=north.pk).exists()


def test_a_user_cannot_be_deleted_and_no_admin_page_about_them_names_their_cases(sysadmin_client, held):
    _, asha = held
    delete_url = reverse("admin:accounts_user_delete", args=[asha.pk])
    assert sysadmin_client.get(delete_url).status_code == 403
    assert sysadmin_client.post(delete_url, {"post": "yes"}).status_code == 403
    response = sysadmin_client.post(
        reverse("admin:accounts_user_changelist"),
        {"action": "delete_selected", "_selected_action": [asha.pk], "post": "yes"},
    )
    assert User.objects.filter(pk=asha.pk).exists()
    for url in [
        reverse("admin:accounts_user_changelist"),
        reverse("admin:accounts_user_change", args=[asha.pk]),
        reverse("admin:accounts_user_history", args=[asha.pk]),
    ]:
        response = sysadmin_client.get(url)
        assert response.status_code == 200
        assert_no_case_content(response.content.decode())
    assert (
        "delete_selected"
        not in sysadmin_client.get(reverse("admin:accounts_user_changelist")).content.decode()
    )


@pytest.mark.parametrize("model", [Team, User])
def test_the_summary_of_what_a_deletion_would_touch_names_no_case_record(held, model):
    # The delete confirmation and "delete selected" both render this summary. Were deletion ever allowed
    # again, it must still list no family, allocation, adult's detail or sharing basis.
    north, asha = held
    obj = north if model is Team else asha
    request = RequestFactory().get("/")
    request.user = UserFactory(superuser=True)
    to_delete, counts, _, protected = admin.site._registry[model].get_deleted_objects([obj], request)
    assert (to_delete, counts, protected) == ([], {}, [CASE_RECORDS_REFER])


def test_an_organisation_delete_page_lists_no_case_record(sysadmin_client, held):
    north, _ = held
    response = sysadmin_client.get(
        reverse("admin:accounts_organisation_delete", args=[north.organisation.pk])
    )
    body = response.content.decode()
    assert response.status_code == 200
    assert_no_case_content(body)
    # Its teams and staff protect it (staff records, not case records): it is not deleted.
    sysadmin_client.post(
        reverse("admin:accounts_organisation_delete", args=[north.organisation.pk]), {"post": "yes"}
    )
    assert Organisation.objects.filter(pk=north.organisation.pk).exists()


def test_an_organisation_with_nothing_pointing_at_it_may_be_deleted(sysadmin_client):
    unused = OrganisationFactory(name="Synthetic Agency Never Used", kind=Organisation.Kind.CHARITY)
    url = reverse("admin:accounts_organisation_delete", args=[unused.pk])
    response = sysadmin_client.post(url, {"post": "yes"})
    assert response.status_code == 302
    assert not Organisation.objects.filter(pk=unused.pk).exists()


@pytest.mark.parametrize(
    ("changelist", "lookup"),
    [
        ("admin:accounts_user_changelist", "allocations__isnull=False"),
        ("admin:accounts_user_changelist", "emergency_access__isnull=False"),
        ("admin:accounts_team_changelist", "families__isnull=False"),
        ("admin:accounts_team_changelist", "members__allocations__isnull=False"),
        ("admin:accounts_organisation_changelist", "teams__families__isnull=False"),
    ],
)
def test_no_changelist_filters_through_a_case_record(sysadmin_client, held, changelist, lookup):
    # Django would allow a filter through any one relation: which workers hold cases, which teams hold
    # families. Refused as a suspicious request.
    assert sysadmin_client.get(f"{reverse(changelist)}?{lookup}").status_code == 400


def test_the_changelist_filters_still_work(sysadmin_client, held):
    north, asha = held
    response = sysadmin_client.get(f"{reverse('admin:accounts_user_changelist')}?team__id__exact={north.pk}")
    assert response.status_code == 200
    assert asha.username in response.content.decode()


@pytest.mark.parametrize(
    ("app_label", "model_name", "field_name"),
    [
        ("people", "family", "team"),
        ("allocation", "allocation", "worker"),
        ("access", "sharingbasis", "person"),
    ],
)
def test_autocomplete_reaches_no_case_record(sysadmin_client, held, app_label, model_name, field_name):
    params = {"app_label": app_label, "model_name": model_name, "field_name": field_name, "term": "Carter"}
    response = sysadmin_client.get(reverse("admin:autocomplete"), params)
    assert response.status_code == 403
    assert_no_case_content(response.content.decode())


def test_the_admin_registers_only_staff_and_sign_in_models():
    # Any case model registered here would put case content in front of the system administrator.
    registered = {
        model
        for model in admin.site._registry
        if model is not AuditEvent and model._meta.label_lower not in ADMIN_REFERENCE_MODELS
    }
    assert {model._meta.app_label for model in registered} <= ADMIN_APPS


def test_the_audit_log_in_the_admin_is_the_auditors_not_the_system_administrators(sysadmin_client):
    assert sysadmin_client.get(reverse("admin:audit_auditevent_changelist")).status_code == 403
    assert "Audit events" not in sysadmin_client.get(reverse("admin:index")).content.decode()
