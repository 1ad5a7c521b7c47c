"""Sign-in throttling and lockout: counted in the database, per username and per address."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from safeguarding.accounts.models import SignInFailure, SignInLockout
from safeguarding.accounts.tests.factories import TEST_PASSWORD, UserFactory
from safeguarding.audit.models import AuditEvent

Action = AuditEvent.Action
SIGN_IN = reverse("accounts:sign-in")
LOCKED = "There have been too many attempts to sign in"
WRONG = "Enter a correct username and password"


WRONG_PASSWORD = "wrong-password-123"


def attempt(client, username, password=WRONG_PASSWORD, address="192.0.2.10"):
    return client.post(SIGN_IN, {"username": username, "password": password}, REMOTE_ADDR=address)


def signed_in(client) -> bool:
    return "_auth_user_id" in client.session


@pytest.fixture
def user(db):
    return UserFactory(username="casey")


def test_four_wrong_passwords_still_let_the_right_one_in(client, user):
    for _ in range(4):
        assert WRONG in attempt(client, "casey").content.decode()
    response = attempt(client, "casey", TEST_PASSWORD)
    assert response.status_code == 302
    assert signed_in(client)


def test_fifth_wrong_password_locks_the_username_and_the_right_one_is_then_refused(client, user):
    for _ in range(4):
        attempt(client, "casey")
    fifth = attempt(client, "casey").content.decode()
    assert LOCKED in fifth and "Wait 15 minutes" in fifth
    response = attempt(client, "casey", TEST_PASSWORD)
    assert response.status_code == 200
    assert LOCKED in response.content.decode()
    assert not signed_in(client)


def test_lock_from_one_address_holds_for_the_username_from_any_address(client, user):
    for _ in range(5):
        attempt(client, "casey", address="192.0.2.10")
    response = attempt(client, "casey", TEST_PASSWORD, address="198.51.100.7")
    assert LOCKED in response.content.decode()
    assert not signed_in(client)


def test_a_username_that_does_not_exist_is_locked_with_the_same_message(client, user):
    # Locking only real accounts, or wording it differently, would tell an attacker which usernames exist.
    real = [attempt(client, "casey").content.decode() for _ in range(5)]
    made_up = [attempt(client, "nobody-by-this-name").content.decode() for _ in range(5)]
    assert LOCKED in real[-1] and LOCKED in made_up[-1]
    for a, b in zip(real, made_up, strict=True):
        assert (WRONG in a, LOCKED in a) == (WRONG in b, LOCKED in b)
    assert set(SignInLockout.objects.values_list("key", flat=True)) == {"casey", "nobody-by-this-name"}


def test_lock_ends_after_fifteen_minutes(client, user):
    for _ in range(5):
        attempt(client, "casey")
    SignInLockout.objects.update(locked_until=timezone.now() - datetime.timedelta(seconds=1))
    assert attempt(client, "casey", TEST_PASSWORD).status_code == 302


def test_lock_lasts_fifteen_minutes_from_the_fifth_failure(client, user):
    for _ in range(5):
        attempt(client, "casey")
    lock = SignInLockout.objects.get(scope="username", key="casey")
    assert (
        datetime.timedelta(minutes=14, seconds=59)
        < lock.locked_until - timezone.now()
        <= datetime.timedelta(minutes=15)
    )


def test_attempts_while_locked_do_not_lengthen_the_lock(client, user):
    for _ in range(5):
        attempt(client, "casey")
    until = SignInLockout.objects.get(key="casey").locked_until
    for _ in range(5):
        attempt(client, "casey")
    assert SignInLockout.objects.get(key="casey").locked_until == until


def test_failures_older_than_the_window_do_not_count(client, user):
    for _ in range(4):
        attempt(client, "casey")
    SignInFailure.objects.update(occurred_at=timezone.now() - datetime.timedelta(minutes=16))
    assert WRONG in attempt(client, "casey").content.decode()
    assert not SignInLockout.objects.exists()


def test_successful_sign_in_clears_the_count(client, user):
    for _ in range(4):
        attempt(client, "casey")
    assert attempt(client, "casey", TEST_PASSWORD).status_code == 302
    client.logout()
    for _ in range(4):
        assert WRONG in attempt(client, "casey").content.decode()
    assert not SignInLockout.objects.exists()


def test_count_starts_again_when_a_lock_ends(client, user):
    for _ in range(5):
        attempt(client, "casey")
    # As if the five failures were ten minutes ago and a short lock has just ended: the failures are still
    # inside the fifteen-minute window, but caused the lock, and no longer count.
    SignInFailure.objects.update(occurred_at=timezone.now() - datetime.timedelta(minutes=10))
    SignInLockout.objects.update(locked_until=timezone.now() - datetime.timedelta(seconds=1))
    assert WRONG in attempt(client, "casey").content.decode()


def test_one_address_failing_against_many_usernames_is_locked_at_twenty(client, db):
    for n in range(19):
        assert WRONG in attempt(client, f"guess-{n}", address="203.0.113.5").content.decode()
    assert LOCKED in attempt(client, "guess-19", address="203.0.113.5").content.decode()
    real = UserFactory()
    response = attempt(client, real.username, TEST_PASSWORD, address="203.0.113.5")
    assert LOCKED in response.content.decode()
    # Someone elsewhere is not affected.
    assert attempt(client, real.username, TEST_PASSWORD, address="198.51.100.7").status_code == 302


def test_signing_in_to_one_account_does_not_reset_an_address_guessing_at_others(client, db):
    mine = UserFactory()
    for n in range(10):
        attempt(client, f"victim-{n}", address="203.0.113.5")
    assert attempt(client, mine.username, TEST_PASSWORD, address="203.0.113.5").status_code == 302
    client.logout()
    for n in range(9):
        attempt(client, f"victim-{n}", address="203.0.113.5")
    assert LOCKED in attempt(client, "victim-9", address="203.0.113.5").content.decode()


def test_limits_come_from_settings(client, user, settings):
    settings.SIGN_IN_FAILURE_LIMIT = 2
    settings.SIGN_IN_LOCKOUT_SECONDS = 60
    attempt(client, "casey")
    response = attempt(client, "casey").content.decode()
    assert LOCKED in response and "Wait 1 minutes" in response


def test_attempts_are_counted_in_the_database_so_every_app_process_sees_them(client, user):
    for _ in range(3):
        attempt(client, "casey")
    assert SignInFailure.objects.filter(username="casey").count() == 3
    # Two more from another process (here: rows written directly, as another process would).
    SignInFailure.objects.create(username="casey", ip_address="192.0.2.99")
    assert LOCKED in attempt(client, "casey").content.decode()


def test_lockout_is_audited_once_with_who_and_until_when(client, user):
    for _ in range(7):
        attempt(client, "casey")
    locked = AuditEvent.objects.filter(action=Action.SIGN_IN_LOCKED)
    assert locked.count() == 1
    event = locked.get()
    assert event.detail["scope"] == "username" and event.detail["username"] == "casey"
    assert event.detail["failures"] == 5 and event.ip_address == "192.0.2.10"
    refused = AuditEvent.objects.filter(action=Action.SIGN_IN_FAILED, detail__refused="locked")
    assert refused.count() == 2  # the sixth and seventh attempts, refused unchecked


def test_address_lockout_is_audited_with_the_address(client, db):
    for n in range(20):
        attempt(client, f"guess-{n}", address="203.0.113.5")
    event = AuditEvent.objects.get(action=Action.SIGN_IN_LOCKED, detail__scope="address")
    assert event.detail["address"] == "203.0.113.5"


def test_nul_in_the_username_is_counted_and_locked_without_a_server_error(client, db):
    for _ in range(5):
        response = attempt(client, "casey\x00")
        assert response.status_code == 200
    assert LOCKED in response.content.decode()
    assert SignInLockout.objects.filter(key="casey\ufffd").exists()
