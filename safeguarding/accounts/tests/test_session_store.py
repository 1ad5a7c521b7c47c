"""Sessions are Django's database sessions, read by one plain statement (accounts/session_store.py)."""

from __future__ import annotations

import datetime

import pytest
from django.conf import settings
from django.contrib.sessions.models import Session
from django.utils import timezone

from safeguarding.accounts.session_store import SessionStore

pytestmark = pytest.mark.django_db


def test_the_settings_use_this_store():
    assert settings.SESSION_ENGINE == "safeguarding.accounts.session_store"


def test_a_saved_session_reads_back_with_its_key_in_one_query(django_assert_num_queries):
    saved = SessionStore()
    saved["accounts.last_activity"] = 1234.5
    saved["note"] = "café <b>"
    saved.save()

    read = SessionStore(session_key=saved.session_key)
    with django_assert_num_queries(1):
        assert read["note"] == "café <b>"
        assert read["accounts.last_activity"] == 1234.5
    assert read.session_key == saved.session_key


def test_an_expired_session_is_not_read_and_its_key_is_dropped():
    saved = SessionStore()
    saved["note"] = "kept"
    saved.save()
    Session.objects.filter(session_key=saved.session_key).update(
        expire_date=timezone.now() - datetime.timedelta(seconds=1)
    )

    read = SessionStore(session_key=saved.session_key)
    assert read.load() == {}
    assert read.session_key is None


def test_an_unknown_key_reads_as_an_empty_session_and_is_not_reused_on_save():
    read = SessionStore(session_key="x" * 32)
    assert "note" not in read
    read["note"] = "new"
    read.save()
    assert read.session_key != "x" * 32
    assert SessionStore(session_key=read.session_key)["note"] == "new"


def test_a_signed_in_client_is_known_on_the_next_request(client, django_user_model):
    """The whole path: sign in, then a page that needs the session's user."""
    user = django_user_model.objects.create(username="session-reader", role="social_worker")
    client.force_login(user)
    assert client.get("/accounts/").status_code == 200
    client.logout()
    assert client.get("/accounts/").status_code == 302
