"""Signing out after inactivity, the keep-alive behind the timeout warning, and giving back what a user
typed when their session ran out before they pressed Save."""

from __future__ import annotations

import re
import time

import pytest
from django.urls import reverse

from safeguarding.accounts import sessions
from safeguarding.accounts.tests.factories import TEST_PASSWORD, UserFactory
from safeguarding.allocation.models import CaseRole
from safeguarding.allocation.tests.factories import AllocationFactory
from safeguarding.audit.models import AuditEvent
from safeguarding.people.models import Family, Person
from safeguarding.people.tests.factories import FamilyFactory

Action = AuditEvent.Action
SIGN_IN = reverse("accounts:sign-in")
SESSION = reverse("accounts:session")
MY_FAMILIES = reverse("casefile:my-families")
BANNER = "You were signed out before this was saved. Check your answers and save again."


@pytest.fixture
def worker(db):
    return UserFactory()


@pytest.fixture
def family(worker):
    family = FamilyFactory(team=worker.team, name="Quennell family")
    AllocationFactory(family=family, worker=worker, case_role=CaseRole.LEAD_SOCIAL_WORKER)
    return family


def idle_for(client, seconds: float) -> None:
    """As if the user's last request was `seconds` ago."""
    session = client.session
    session[sessions.LAST_ACTIVITY] = time.time() - seconds
    session.save()


def last_activity(client) -> float:
    return client.session[sessions.LAST_ACTIVITY]


def sign_in_again(client, user, next_url: str):
    response = client.post(SIGN_IN, {"username": user.username, "password": TEST_PASSWORD, "next": next_url})
    assert response.status_code == 302 and response["Location"] == next_url
    return response


# --- inactivity ---------------------------------------------------------------------------------------


def test_session_unused_for_thirty_minutes_is_signed_out(client, worker):
    client.force_login(worker)
    idle_for(client, 30 * 60 + 1)
    response = client.get(MY_FAMILIES)
    assert response.status_code == 302 and response["Location"] == f"{SIGN_IN}?next={MY_FAMILIES}"
    assert "_auth_user_id" not in client.session
    event = AuditEvent.objects.get(action=Action.SIGN_OUT)
    assert (event.actor, event.detail) == (worker, {"reason": "inactive"})
    notice = client.get(response["Location"]).content.decode()
    assert "You were signed out after 30 minutes without activity" in notice


def test_session_used_within_thirty_minutes_stays_and_the_limit_slides(client, worker):
    client.force_login(worker)
    idle_for(client, 29 * 60)
    assert client.get(MY_FAMILIES).status_code == 200
    assert time.time() - last_activity(client) < 5
    idle_for(client, 29 * 60)
    assert client.get(MY_FAMILIES).status_code == 200


def test_session_is_stamped_at_most_once_a_minute(client, worker):
    # Each stamp is a database write; a click every few seconds need not write each time.
    client.force_login(worker)
    idle_for(client, 10)
    before = last_activity(client)
    client.get(MY_FAMILIES)
    assert last_activity(client) == before


def test_idle_limit_comes_from_settings(client, worker, settings):
    settings.SESSION_IDLE_TIMEOUT_SECONDS = 60
    client.force_login(worker)
    idle_for(client, 61)
    assert client.get(MY_FAMILIES).status_code == 302


def test_session_row_outlives_the_idle_limit_and_the_cookie_ends_with_the_browser(settings):
    # So that a form posted after the idle limit can still be tied to who typed it.
    assert settings.SESSION_COOKIE_AGE > settings.SESSION_IDLE_TIMEOUT_SECONDS
    assert settings.SESSION_EXPIRE_AT_BROWSER_CLOSE


# --- the keep-alive the warning uses ----------------------------------------------------------------------


def test_status_says_how_long_is_left_without_counting_as_activity(client, worker):
    client.force_login(worker)
    idle_for(client, 20 * 60)
    before = last_activity(client)
    answer = client.get(SESSION).json()
    assert answer["signed_in"] is True and 595 <= answer["seconds_left"] <= 600
    assert last_activity(client) == before


def test_stay_signed_in_starts_the_thirty_minutes_again(client, worker):
    client.force_login(worker)
    idle_for(client, 29 * 60)
    answer = client.post(SESSION).json()
    assert answer == {"signed_in": True, "seconds_left": 1800}
    assert time.time() - last_activity(client) < 5


def test_status_of_a_session_that_has_run_out_signs_it_out(client, worker):
    client.force_login(worker)
    idle_for(client, 31 * 60)
    assert client.get(SESSION).json() == {"signed_in": False, "seconds_left": 0}
    assert client.post(SESSION).json() == {"signed_in": False, "seconds_left": 0}
    assert client.get(MY_FAMILIES).status_code == 302


def test_keep_alive_needs_the_csrf_token(worker):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    client.force_login(worker)
    assert client.post(SESSION).status_code == 403


def test_status_is_never_cached(client, worker):
    client.force_login(worker)
    assert "no-store" in client.get(SESSION)["Cache-Control"]


def test_pages_carry_the_timings_for_the_warning_script(client, worker, settings):
    settings.SESSION_IDLE_TIMEOUT_SECONDS = 600
    settings.SESSION_TIMEOUT_WARNING_SECONDS = 90
    client.force_login(worker)
    body = client.get(MY_FAMILIES).content.decode()
    tag = re.search(r"<body [^>]*>", body).group(0)
    assert 'data-session-timeout="600"' in tag and 'data-session-warning="90"' in tag
    assert f'data-session-url="{SESSION}"' in tag
    assert '<dialog class="app-timeout-dialog"' in body and "You’ll be signed out soon" in body
    assert "1 minute 30 seconds" in body
    client.logout()
    assert "data-session-timeout" not in client.get(SIGN_IN).content.decode()


# --- nothing typed is lost ----------------------------------------------------------------------------------


def add_person_url(family) -> str:
    return reverse("casefile:person-create", args=[family.pk])


TYPED = {
    "csrfmiddlewaretoken": "stale-token",
    "member_type": "child",
    "first_name": "Marigold",
    "last_name": "Quennell",
    "known_as": "Goldie <b>",
    "date_of_birth_day": "3",
    "date_of_birth_month": "4",
    "date_of_birth_year": "2019",
    "sex": "F",
    "ethnicity": "WBRI",
    "disabilities": ["HAND", "VIS"],
    "first_language": "English",
}


def test_form_posted_after_the_session_ran_out_is_kept_not_saved(client, worker, family):
    client.force_login(worker)
    idle_for(client, 31 * 60)
    url = add_person_url(family)
    response = client.post(url, {**TYPED, "new_password": "hunter2hunter2"})
    assert response.status_code == 302 and response["Location"] == f"{SIGN_IN}?next={url}"
    assert not Person.objects.filter(first_name="Marigold").exists()
    kept = client.session[sessions.UNSAVED_FORM]
    assert kept["owner"] == str(worker.pk) and kept["path"] == url
    assert kept["data"]["first_name"] == ["Marigold"] and kept["data"]["disabilities"] == ["HAND", "VIS"]
    # Never the CSRF token, never a password.
    assert "csrfmiddlewaretoken" not in kept["data"] and "new_password" not in kept["data"]
    notice = client.get(response["Location"]).content.decode()
    assert "before your changes were saved" in notice


def test_after_signing_in_again_the_form_comes_back_filled_in_with_a_banner(client, worker, family):
    client.force_login(worker)
    idle_for(client, 31 * 60)
    url = add_person_url(family)
    client.post(url, TYPED)
    sign_in_again(client, worker, url)
    page = client.get(url)
    body = page.content.decode()
    assert BANNER in body
    assert 'value="Marigold"' in body and 'value="Goldie &lt;b&gt;"' in body
    assert re.search(r'value="HAND"\s+checked', body) and re.search(r'value="F"\s*checked', body)
    assert 'name="date_of_birth_year" type="text" inputmode="numeric" value="2019"' in body
    # Shown, never saved for them: they check it and press Save themselves.
    assert not Person.objects.filter(first_name="Marigold").exists()
    # Given back once.
    again = client.get(url).content.decode()
    assert BANNER not in again and "Marigold" not in again
    # Saving it is an ordinary POST.
    client.post(url, {**TYPED, "confirm_not_duplicate": "yes"})
    assert Person.objects.filter(first_name="Marigold").exists()


def test_kept_form_is_given_back_only_on_its_own_page(client, worker, family):
    client.force_login(worker)
    idle_for(client, 31 * 60)
    url = add_person_url(family)
    client.post(url, TYPED)
    sign_in_again(client, worker, url)
    other = reverse("casefile:family-edit", args=[family.pk])
    assert BANNER not in client.get(other).content.decode()
    assert BANNER in client.get(url).content.decode()


def test_kept_form_is_never_shown_to_someone_else_who_signs_in(client, worker, family):
    client.force_login(worker)
    idle_for(client, 31 * 60)
    url = add_person_url(family)
    client.post(url, TYPED)
    manager = UserFactory(role="team_manager", team=worker.team)
    sign_in_again(client, manager, url)
    body = client.get(url).content.decode()
    assert BANNER not in body and "Marigold" not in body
    assert sessions.UNSAVED_FORM not in client.session


def test_post_from_someone_never_signed_in_is_not_kept(client, family):
    url = add_person_url(family)
    response = client.post(url, TYPED)
    assert response.status_code == 302 and response["Location"] == f"{SIGN_IN}?next={url}"
    assert sessions.UNSAVED_FORM not in client.session


def test_post_after_signing_out_by_hand_is_not_kept(client, worker, family):
    # Whose typing it was is not known once the session has been ended on purpose (a shared computer).
    client.force_login(worker)
    client.post(reverse("accounts:sign-out"))
    client.post(add_person_url(family), TYPED)
    assert sessions.UNSAVED_FORM not in client.session


def test_form_submitted_by_the_timeout_script_is_never_saved_even_if_signed_in_again(client, worker, family):
    # The script submits the form only after the server said the session had ended; if the user signed in
    # again in another tab meanwhile, the form must still come back to be checked, not be saved.
    client.force_login(worker)
    url = add_person_url(family)
    response = client.post(url, {**TYPED, sessions.EXPIRED_MARKER: "1"})
    assert response.status_code == 302 and response["Location"] == url
    assert not Person.objects.filter(first_name="Marigold").exists()
    body = client.get(url).content.decode()
    assert BANNER in body and 'value="Marigold"' in body and sessions.EXPIRED_MARKER not in body


def test_a_search_typed_before_the_session_ran_out_comes_back_but_is_not_run(client, worker, family):
    client.force_login(worker)
    idle_for(client, 31 * 60)
    url = reverse("casefile:search")
    client.post(url, {"q": "Quennell"})
    sign_in_again(client, worker, url)
    searches = AuditEvent.objects.filter(action=Action.SEARCH).count()
    body = client.get(url).content.decode()
    assert BANNER in body and 'value="Quennell"' in body
    assert "result" not in body.split("</form>")[-1]
    assert AuditEvent.objects.filter(action=Action.SEARCH).count() == searches


def test_kept_form_survives_the_two_step_sign_in(client, worker, family, settings):
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from .test_two_factor import code_for

    device = TOTPDevice.objects.create(user=worker, name="Authenticator app", confirmed=True)
    client.force_login(worker)
    idle_for(client, 31 * 60)
    url = add_person_url(family)
    client.post(url, TYPED)
    response = client.post(SIGN_IN, {"username": worker.username, "password": TEST_PASSWORD, "next": url})
    # A visit to the form page before the code is given must not use the kept form up.
    assert client.get(url)["Location"].startswith(reverse("accounts:two-factor-code"))
    assert client.post(response["Location"], {"code": code_for(device), "next": url})["Location"] == url
    assert BANNER in client.get(url).content.decode()


def test_every_family_and_allocation_form_binds_through_form_data():
    # The views' forms take form_data(request), so each of them gets its typing back.
    from pathlib import Path

    for path in ["safeguarding/casefile/views.py", "safeguarding/casefile/allocation_views.py"]:
        source = (Path(__file__).resolve().parents[3] / path).read_text()
        assert "request.POST or None" not in source, path
        assert "form_data(request)" in source, path


def test_family_create_form_is_given_back(client, db):
    manager = UserFactory(role="team_manager")
    client.force_login(manager)
    idle_for(client, 31 * 60)
    url = reverse("casefile:family-create")
    client.post(url, {"name": "Bramblewood family"})
    sign_in_again(client, manager, url)
    body = client.get(url).content.decode()
    assert BANNER in body and 'value="Bramblewood family"' in body
    assert not Family.objects.filter(name="Bramblewood family").exists()


def test_status_answers_a_page_whose_session_has_gone_rather_than_redirecting(client, db):
    # The warning script on a page left open gets an answer it can act on, not the sign-in page's HTML.
    response = client.get(SESSION)
    assert response.status_code == 200
    assert response.json() == {"signed_in": False, "seconds_left": 0}
