"""The permission matrix across the whole site: what holds for every app's pages together.

Each app's table (tests/permissions/test_<app>.py) says who may open each of its pages; here, against
the union of those tables: every page has a column or a reason not to, anonymous visitors are sent to
sign in from every page, a refused user cannot save through any page that writes, forbidden and missing
records give identical 404s, and partner agencies and switched-off accounts get what the tables say.
"""

from __future__ import annotations

import re
import uuid

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from safeguarding.accounts.models import Organisation, User
from safeguarding.accounts.tests.factories import PartnerOrganisationFactory, UserFactory
from safeguarding.allocation.models import CaseRole
from safeguarding.allocation.tests.factories import AllocationFactory
from tests.permissions import (
    test_access,
    test_casefile,
    test_governance,
    test_journey,
    test_measures,
    test_outcomes,
    test_readiness,
    test_supervision,
    test_tasks,
    test_workbook,
)
from tests.permissions.matrix import (
    ALLOWED_TO_SAVE,
    ATTEMPTS,
    RELATIONSHIPS,
    make_user,
    outcome_of,
    snapshot,
    url_for,
)

APPS = (
    test_casefile,
    test_access,
    test_governance,
    test_journey,
    test_tasks,
    test_workbook,
    test_readiness,
    test_measures,
    test_outcomes,
    test_supervision,
)

# Every app's columns, and every row across all of them: the permission matrix as one table.
COLUMNS = {column: name for app in APPS for column, name in app.COLUMNS.items()}
assert len(COLUMNS) == sum(len(app.COLUMNS) for app in APPS), "a column is in two apps' tables"
EXPECTED = {
    key: {c: o for app in APPS for c, o in app.EXPECTED[key].items()} for key in test_casefile.EXPECTED
}

# Pages that are deliberately not in the matrix, and why. Anything else must have a column.
OUTSIDE_MATRIX = {
    "accounts:sign-in": "public: where everyone signs in",
    "accounts:sign-out": "ends the user's own session; shows no case data",
    "casefile:home": "only redirects to the user's start page (My families, or Outcomes for an analyst)",
    "accounts:account": "the user's own account; shows no case data",
    "accounts:two-factor-code": "the second sign-in step; shows no case data",
    "accounts:two-factor-set-up": "sets up the user's own authenticator app; shows no case data",
    "accounts:session": "how long the user's own session has left (public: answers a page whose session ended)",
    "accounts:set-password": (
        "public: opened from the emailed one-time link before the user can sign in; the link's token is the "
        "key, and the page shows only the account's username (safeguarding/accounts/tests/test_set_password.py)"
    ),
}
PUBLIC_URL_NAMES = {"accounts:sign-in", "accounts:session", "accounts:set-password"}


@pytest.mark.parametrize(("role", "relationship"), list(EXPECTED), ids=[":".join(k) for k in EXPECTED])
def test_refused_users_cannot_save_through_any_page(client, world, role, relationship):
    client.force_login(make_user(role, relationship, world))
    before = snapshot(world)
    refused = {
        c: o for c, o in EXPECTED[(role, relationship)].items() if c in ATTEMPTS and o in ("403", "404")
    }
    for column, expected in refused.items():
        response = client.post(url_for(column, world), ATTEMPTS[column](world))
        assert str(response.status_code) == expected, column
    assert snapshot(world) == before


@pytest.mark.parametrize("column", ATTEMPTS)
def test_the_attempts_are_real_saves_when_made_by_someone_allowed(client, world, column):
    # Otherwise a refusal above could pass only because the form was invalid.
    client.force_login(make_user(*ALLOWED_TO_SAVE.get(column, ("service_manager", "none")), world))
    before = snapshot(world)
    response = client.post(url_for(column, world), ATTEMPTS[column](world))
    assert response.status_code == 302
    assert snapshot(world) != before


def test_matrix_has_a_row_for_every_role_and_relationship():
    for app in APPS:
        assert set(app.EXPECTED) == {(role, rel) for role in User.Role.values for rel in RELATIONSHIPS}, app


def _url_names(patterns=None, namespace="", prefix=""):
    """Every named page in the URL configuration, with the converters its URL needs (admin and static
    files excluded: the admin has its own staff-only permissions)."""
    found = {}
    for entry in get_resolver().url_patterns if patterns is None else patterns:
        route = prefix + str(entry.pattern)
        if route.startswith(("admin/", "static/")):
            continue
        if isinstance(entry, URLResolver):
            child_ns = f"{namespace}{entry.namespace}:" if entry.namespace else namespace
            found.update(_url_names(entry.url_patterns, child_ns, route))
        elif isinstance(entry, URLPattern):
            found[f"{namespace}{entry.name}" if entry.name else f"<unnamed {route}>"] = (
                entry.pattern.converters
            )
    return found


URL_NAMES = _url_names()


def test_every_page_has_a_column_in_the_matrix_or_a_reason_not_to():
    unprotected = set(URL_NAMES) - set(COLUMNS.values()) - set(OUTSIDE_MATRIX)
    assert not unprotected, f"Add these pages to the permission matrix: {sorted(unprotected)}"


def test_matrix_names_only_pages_that_exist():
    assert set(COLUMNS.values()) | set(OUTSIDE_MATRIX) <= set(URL_NAMES)


# Sample values for URL parts that are not ids.
SAMPLE_SLUGS = {
    "step": "visit",
    "record_type": "episodeofneed",
    "number": 1,
    "kind": "integrated",
    "code": "phq9",
}


def _sample_url(name: str) -> str:
    converters = URL_NAMES[name]
    unknown = {
        k: type(c).__name__
        for k, c in converters.items()
        if type(c).__name__ != "UUIDConverter" and k not in SAMPLE_SLUGS
    }
    assert not unknown, f"give a sample value for {unknown} in {name}"
    return reverse(
        name,
        kwargs={
            key: uuid.uuid4() if type(c).__name__ == "UUIDConverter" else SAMPLE_SLUGS[key]
            for key, c in converters.items()
        },
    )


@pytest.mark.parametrize("method", ["get", "post"])
@pytest.mark.parametrize("name", sorted(set(URL_NAMES) - PUBLIC_URL_NAMES))
def test_anonymous_visitors_are_sent_to_sign_in_from_every_page(client, db, name, method):
    url = _sample_url(name)
    response = getattr(client, method)(url)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:sign-in") + "?next=")


def test_sign_in_page_is_public(client, db):
    assert client.get(reverse("accounts:sign-in")).status_code == 200


def test_signed_in_home_page_redirects_to_my_families(client, db):
    client.force_login(UserFactory())
    response = client.get(reverse("casefile:home"))
    assert response.status_code == 302 and response["Location"] == reverse("casefile:my-families")


FAMILY_PAGES = ["fam", "edit", "addp", "rel", "addr", "allo", "end", "pers", "ed_p"]


JOURNEY_PAGES = ["jour", "step", "svis", "corr", "chr", "fchr"]


def _without_csrf_token(html: bytes) -> str:
    # The CSRF token in the page's sign-out form is masked afresh on every response; nothing else may differ.
    return re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", html.decode())


@pytest.mark.parametrize("column", FAMILY_PAGES + JOURNEY_PAGES)
def test_forbidden_and_missing_records_give_identical_404s(client, world, column):
    client.force_login(make_user("social_worker", "other_team", world))
    forbidden = client.get(url_for(column, world))
    missing = client.get(
        url_for(column, world, family_id=uuid.uuid4(), person_id=uuid.uuid4(), allocation_id=uuid.uuid4())
    )
    assert forbidden.status_code == missing.status_code == 404
    assert _without_csrf_token(forbidden.content) == _without_csrf_token(missing.content)
    assert world["family"].name not in forbidden.content.decode()


@pytest.mark.parametrize(
    "kind",
    [
        Organisation.Kind.CHARITY,
        Organisation.Kind.NHS_TRUST,
        Organisation.Kind.PROBATION,
        Organisation.Kind.DRUG_ALCOHOL_PROVIDER,
        Organisation.Kind.POLICE,
    ],
)
def test_partner_agency_practitioners_read_allocated_families_but_never_change_identity(client, world, kind):
    user = make_user(
        "adult_practitioner", "allocated", world, organisation=PartnerOrganisationFactory(kind=kind)
    )
    client.force_login(user)
    outcomes = {column: outcome_of(client, column, world) for column in COLUMNS}
    assert outcomes == EXPECTED[("adult_practitioner", "allocated")]


def test_council_employed_adult_practitioner_also_cannot_change_identity_details(client, world):
    # Identity editing is a matter of role as well as employer: the role is not in the editing roles.
    user = make_user("adult_practitioner", "allocated", world, organisation=world["home"].organisation)
    client.force_login(user)
    assert not user.is_partner_agency
    assert outcome_of(client, "fam", world) == "200"
    assert outcome_of(client, "ed_p", world) == "403"


def test_partner_agency_social_worker_is_refused_identity_changes(client, world):
    # A partner-agency employee never edits the council's record, whatever role their account carries.
    user = UserFactory(
        team=world["home"], organisation=PartnerOrganisationFactory(kind=Organisation.Kind.NHS_TRUST)
    )
    AllocationFactory(family=world["family"], worker=user)
    client.force_login(user)
    assert outcome_of(client, "fam", world) == "200"
    assert {outcome_of(client, c, world) for c in ("edit", "ed_p", "addp", "addr")} == {"403"}
    assert outcome_of(client, "newf", world) == "403"


def test_team_manager_allocated_to_another_teams_family_sees_it_but_cannot_allocate(client, world):
    manager = UserFactory(role="team_manager", team=world["other"])
    AllocationFactory(family=world["family"], worker=manager, case_role=CaseRole.OTHER)
    client.force_login(manager)
    assert outcome_of(client, "fam", world) == "200"
    assert outcome_of(client, "allo", world) == "403"
    assert outcome_of(client, "end", world) == "403"


def test_team_manager_cannot_open_another_teams_caseload_by_changing_the_address(client, world):
    manager = UserFactory(role="team_manager", team=world["home"])
    client.force_login(manager)
    response = client.get(reverse("casefile:team-caseload"), {"team": world["other"].pk})
    assert response.status_code == 404
    assert world["other"].name not in response.content.decode()


def test_switched_off_account_loses_access_at_once(client, world):
    user = make_user("social_worker", "allocated", world)
    client.force_login(user)
    assert outcome_of(client, "fam", world) == "200"
    user.is_active = False
    user.save(update_fields=["is_active"])
    response = client.get(url_for("fam", world))
    assert response.status_code == 302 and response["Location"].startswith(reverse("accounts:sign-in"))
