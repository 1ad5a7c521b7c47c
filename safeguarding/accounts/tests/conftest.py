"""Staff for the tests of changes to access: a system administrator, a social worker, an auditor."""

from __future__ import annotations

import pytest

from safeguarding.accounts.models import User
from safeguarding.accounts.tests.factories import TeamFactory, UserFactory


@pytest.fixture
def staff(db):
    north = TeamFactory(name="North Family Safeguarding Team")
    south = TeamFactory(name="South Family Safeguarding Team")
    return {
        "north": north,
        "south": south,
        "sami": UserFactory(superuser=True, username="sami", first_name="Sami", last_name="Admin"),
        "asha": UserFactory(team=north, username="asha", first_name="Asha", last_name="Patel"),
        "alex": UserFactory(
            role=User.Role.AUDITOR, team=None, username="alex", first_name="Alex", last_name="Morgan"
        ),
    }
