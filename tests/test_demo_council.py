"""The shared demo council (conftest.py at the top of the repository): what a test gets back is exactly the
council that was built, its audit log still verifies, and a test that does not ask for it never sees it."""

from io import StringIO

import pytest
from django.core.management import call_command

from safeguarding.accounts.models import User
from safeguarding.audit.models import AuditEvent
from safeguarding.audit.services import Action, audit_record
from safeguarding.people.models import Family
from tests import demo_snapshot


def assert_exactly_the_built_council(rows: list[demo_snapshot.Table]) -> None:
    now = {table: found for table, (_columns, found) in demo_snapshot.read_all().items()}
    assert len(rows) > 20
    for table in rows:
        assert sorted(now[table.name]) == sorted(table.rows), table.name


def verify_audit_log() -> str:
    out = StringIO()
    call_command("audit_verify", stdout=out)
    return out.getvalue()


def test_a_test_gets_the_rows_the_generator_wrote_and_the_audit_log_verifies(demo_council, demo_council_rows):
    assert_exactly_the_built_council(demo_council_rows)
    assert Family.objects.count() == 60
    assert AuditEvent.objects.filter(action=Action.BREAK_GLASS, actor__username="ben").exists()
    verify_audit_log()
    # The chain goes on from the written-back events, and new rows get ids of their own.
    audit_record(actor=User.objects.get(username="asha"), action=Action.SEARCH, detail={"q": "x"})
    User.objects.create(username="not-in-the-demo")
    verify_audit_log()


@pytest.mark.django_db(transaction=True)
def test_a_transactional_test_gets_them_committed(demo_council, demo_council_rows):
    assert_exactly_the_built_council(demo_council_rows)
    audit_record(actor=User.objects.get(username="maria"), action=Action.SEARCH, detail={"q": "y"})
    verify_audit_log()


def test_a_test_that_does_not_ask_for_the_demo_never_sees_it(db):
    # pytest-django runs this after the first test of the module (ordinary tests in file order), so the
    # demo council was in the database a moment ago.
    assert not User.objects.filter(username__in=["asha", "maria", "ben"]).exists()
    assert not Family.objects.exists()
    assert not AuditEvent.objects.exists()
