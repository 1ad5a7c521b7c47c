"""My families with nothing to list says why, in words that fit the user's role."""

import pytest
from django.urls import reverse

from safeguarding.accounts.tests.factories import TeamFactory, UserFactory

pytestmark = pytest.mark.django_db


def body(client, user) -> str:
    client.force_login(user)
    response = client.get(reverse("casefile:my-families"))
    assert response.status_code == 200
    return response.content.decode()


def test_a_social_worker_with_no_allocations_is_told_so(client):
    text = body(client, UserFactory(team=TeamFactory()))
    assert "You are not allocated to any families." in text
    assert "does not open families" not in text


def test_a_team_manager_with_no_allocations_is_pointed_to_team_caseload(client):
    text = body(client, UserFactory(role="team_manager", team=TeamFactory()))
    assert reverse("casefile:team-caseload") in text


def test_an_analyst_is_told_their_role_does_not_open_case_records(client):
    text = body(client, UserFactory(role="performance_analyst", team=None))
    assert "does not open families" in text
