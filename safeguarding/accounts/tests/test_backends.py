"""The signed-in user is found with their organisation in one query (safeguarding/accounts/backends.py)."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from safeguarding.accounts.backends import UserBackend
from safeguarding.accounts.tests.factories import TEST_PASSWORD, UserFactory

pytestmark = pytest.mark.django_db


def test_the_signed_in_user_comes_with_their_organisation(django_assert_num_queries):
    practitioner = UserFactory(partner=True)
    with django_assert_num_queries(1):
        user = UserBackend().get_user(practitioner.pk)
        assert user.organisation.name == practitioner.organisation.name
        assert user.is_partner_agency


def test_a_switched_off_or_unknown_user_is_not_found():
    switched_off = UserFactory(is_active=False)
    assert UserBackend().get_user(switched_off.pk) is None
    assert UserBackend().get_user(0) is None


def test_a_signed_in_request_reads_the_organisation_with_its_user(client, partner_user):
    """Signing in, and every request after it, go through the backend the settings name: no page reads
    the organisation on its own (the footer and the policies read it on every page)."""
    assert client.login(username=partner_user.username, password=TEST_PASSWORD)
    with CaptureQueriesContext(connection) as queries:
        response = client.get("/accounts/")
    assert response.status_code == 200
    assert partner_user.organisation.name in response.content.decode()
    assert not [q["sql"] for q in queries if 'FROM "accounts_organisation"' in q["sql"]]


@pytest.fixture
def partner_user():
    return UserFactory(partner=True)


def test_the_user_is_found_by_an_id_as_the_session_keeps_it():
    """The session keeps the id as text; anything that is not an id finds no one rather than failing."""
    worker = UserFactory()
    assert UserBackend().get_user(str(worker.pk)) == worker
    assert UserBackend().get_user(worker.pk).organisation == worker.organisation
    for nonsense in ("", "abc", None, "1.5"):
        assert UserBackend().get_user(nonsense) is None
