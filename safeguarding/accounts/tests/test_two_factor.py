"""Two-step sign-in with an authenticator app (TOTP): the code step, setting an app up, and the rule that
no other page opens until the step owed is done."""

from __future__ import annotations

import base64
import re
import time
from urllib.parse import quote

import pytest
from django.test import override_settings
from django.urls import reverse
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from safeguarding.accounts.models import SignInLockout
from safeguarding.accounts.tests.factories import TEST_PASSWORD, UserFactory
from safeguarding.audit.models import AuditEvent

Action = AuditEvent.Action
SIGN_IN = reverse("accounts:sign-in")
CODE = reverse("accounts:two-factor-code")
SET_UP = reverse("accounts:two-factor-set-up")
MY_FAMILIES = reverse("casefile:my-families")
WRONG_CODE = "The security code is not correct or has expired"


def code_for(device: TOTPDevice, *, steps_ahead: int = 0) -> str:
    """The code the user's app shows now (or `steps_ahead` 30-second steps from now)."""
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    totp.time = time.time() + steps_ahead * device.step
    return f"{totp.token():06d}"


def wrong_code_for(device: TOTPDevice) -> str:
    accepted = {code_for(device, steps_ahead=n) for n in (-1, 0, 1)}
    return next(c for c in ("111111", "222222", "333333", "444444") if c not in accepted)


def sign_in(client, user, next_url: str = ""):
    data = {"username": user.username, "password": TEST_PASSWORD}
    if next_url:
        data["next"] = next_url
    return client.post(SIGN_IN, data)


@pytest.fixture
def user(db):
    return UserFactory()


@pytest.fixture
def device(user):
    return TOTPDevice.objects.create(user=user, name="Authenticator app", confirmed=True)


@pytest.fixture(autouse=True)
def no_code_throttle(settings):
    # django-otp also slows repeated wrong codes down (1 s, 2 s, 4 s ...); tests that type a wrong code
    # and then the right one would otherwise wait. Our own lockout is what these tests are about.
    settings.OTP_TOTP_THROTTLE_FACTOR = 0


# --- the code step ------------------------------------------------------------------------------------


def test_user_with_an_app_is_asked_for_a_code_after_the_password(client, user, device):
    response = sign_in(client, user, next_url="/search/")
    assert response.status_code == 302
    assert response["Location"] == f"{CODE}?next={quote('/search/', safe='')}"
    page = client.get(response["Location"])
    body = page.content.decode()
    assert "Enter your security code" in body
    assert 'autocomplete="one-time-code"' in body and 'inputmode="numeric"' in body
    event = AuditEvent.objects.filter(action=Action.SIGN_IN).get()
    assert (event.actor, event.detail) == (user, {"second_step": "code"})


def test_no_other_page_opens_until_the_code_is_given(client, user, device):
    sign_in(client, user)
    for url in [MY_FAMILIES, reverse("casefile:search"), reverse("accounts:account"), "/admin/", SET_UP]:
        response = client.get(url)
        assert response.status_code == 302, url
        assert response["Location"].startswith(CODE + "?next="), url
    # POSTs too: a form cannot be saved before the second step.
    response = client.post(reverse("casefile:family-create"), {"name": "Sneaky family"})
    assert response["Location"].startswith(CODE)


def test_menu_is_hidden_until_the_code_is_given(client, user, device):
    sign_in(client, user)
    body = client.get(CODE).content.decode()
    assert "My families</a>" not in body
    assert "data-session-timeout" not in body  # no timeout warning on the sign-in steps


def test_right_code_completes_sign_in_and_goes_where_the_user_was_going(client, user, device):
    sign_in(client, user, next_url="/search/")
    response = client.post(CODE, {"code": code_for(device), "next": "/search/"})
    assert response.status_code == 302 and response["Location"] == "/search/"
    assert client.get(MY_FAMILIES).status_code == 200
    verified = AuditEvent.objects.get(action=Action.TWO_FACTOR_VERIFIED)
    assert verified.actor == user


def test_code_may_be_typed_with_a_space(client, user, device):
    sign_in(client, user)
    code = code_for(device)
    response = client.post(CODE, {"code": f"{code[:3]} {code[3:]}"})
    assert response.status_code == 302


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("", "Enter the security code"),
        ("12345", "The security code must be 6 numbers"),
        ("abcdef", "must be 6 numbers"),
    ],
)
def test_badly_formed_code_is_explained_in_a_govuk_error(client, user, device, typed, message):
    sign_in(client, user)
    body = client.post(CODE, {"code": typed}).content.decode()
    assert "There is a problem" in body and message in body
    assert '<a href="#id_code">' in body
    assert client.get(MY_FAMILIES).status_code == 302


def test_wrong_code_is_refused_and_audited(client, user, device):
    sign_in(client, user)
    response = client.post(CODE, {"code": wrong_code_for(device)})
    body = response.content.decode()
    assert response.status_code == 200 and WRONG_CODE in body and "Error: Enter your security code" in body
    assert client.get(MY_FAMILIES).status_code == 302
    failed = AuditEvent.objects.get(action=Action.TWO_FACTOR_FAILED)
    assert (failed.actor, failed.detail) == (user, {"username": user.username})


def test_a_code_cannot_be_used_twice(client, user, device):
    sign_in(client, user)
    code = code_for(device)
    assert client.post(CODE, {"code": code}).status_code == 302
    client.logout()
    sign_in(client, user)
    assert WRONG_CODE in client.post(CODE, {"code": code}).content.decode()


def test_five_wrong_codes_lock_the_account_and_sign_the_user_out(client, user, device):
    sign_in(client, user)
    for _ in range(4):
        assert WRONG_CODE in client.post(CODE, {"code": wrong_code_for(device)}).content.decode()
    response = client.post(CODE, {"code": wrong_code_for(device)})
    assert response.status_code == 302 and response["Location"] == SIGN_IN
    assert "_auth_user_id" not in client.session
    assert "There have been too many attempts to sign in" in client.get(SIGN_IN).content.decode()
    assert SignInLockout.objects.filter(scope="username", key=user.username).exists()
    # The password alone no longer gets as far as the code step.
    assert sign_in(client, user).status_code == 200


def test_a_stolen_password_cannot_skip_the_code_by_setting_up_a_new_app(client, user, device):
    sign_in(client, user)
    response = client.get(SET_UP)
    assert response.status_code == 302 and response["Location"].startswith(CODE)
    assert client.post(SET_UP, {"code": "123456"})["Location"].startswith(CODE)
    assert TOTPDevice.objects.filter(user=user).count() == 1


def test_code_page_sends_someone_with_nothing_owed_on(client, user):
    client.force_login(user)
    response = client.get(CODE + "?next=/search/")
    assert response.status_code == 302 and response["Location"] == "/search/"


# --- setting up an app ------------------------------------------------------------------------------------


def set_up_device(user) -> TOTPDevice:
    return TOTPDevice.objects.get(user=user, confirmed=False)


@override_settings(REQUIRE_TWO_FACTOR=True)
def test_where_required_a_user_without_an_app_must_set_one_up_before_anything_else(client, user):
    response = sign_in(client, user, next_url="/search/")
    assert response["Location"].startswith(SET_UP + "?next=")
    for url in [MY_FAMILIES, reverse("accounts:account"), "/admin/", CODE]:
        response = client.get(url)
        assert response.status_code == 302 and response["Location"].startswith(SET_UP), url
    event = AuditEvent.objects.get(action=Action.SIGN_IN)
    assert event.detail == {"second_step": "set-up"}


@override_settings(REQUIRE_TWO_FACTOR=True)
def test_set_up_page_shows_a_qr_code_and_the_key_in_groups(client, user):
    sign_in(client, user)
    body = client.get(SET_UP).content.decode()
    device = set_up_device(user)
    secret = re.search(r'<code class="app-secret-key" id="secret-key">([A-Z2-7 ]+)</code>', body).group(1)
    assert all(len(group) == 4 for group in secret.split(" ")) and len(secret.replace(" ", "")) == 32
    # The key shown is the device's key (base32), and the QR code is drawn inline as SVG.
    assert base64.b32decode(secret.replace(" ", "")) == device.bin_key
    svg = re.search(r"<svg [^>]*>", body).group(0)
    for attribute in [
        'class="app-qr-code"',
        'role="img"',
        'aria-label="QR code to scan with your authenticator app"',
    ]:
        assert attribute in svg
    assert "style=" not in body
    assert "You need to set up two-step sign-in before you can use" in body
    # Reloading shows the same key: the app the user has just added keeps working.
    assert secret in client.get(SET_UP).content.decode()
    assert response_no_store(client.get(SET_UP))


def response_no_store(response) -> bool:
    return "no-store" in response.get("Cache-Control", "")


@override_settings(REQUIRE_TWO_FACTOR=True)
def test_confirming_with_a_code_from_the_app_signs_the_user_in(client, user):
    sign_in(client, user, next_url="/search/")
    client.get(SET_UP)
    device = set_up_device(user)
    response = client.post(SET_UP, {"code": code_for(device), "next": "/search/"})
    assert response.status_code == 302 and response["Location"] == "/search/"
    device.refresh_from_db()
    assert device.confirmed
    assert client.get(MY_FAMILIES).status_code == 200
    enrolled = AuditEvent.objects.get(action=Action.TWO_FACTOR_ENROLLED)
    assert enrolled.actor == user and enrolled.detail == {"replaced_previous": False}


@override_settings(REQUIRE_TWO_FACTOR=True)
def test_wrong_code_when_setting_up_leaves_the_app_unconfirmed(client, user):
    sign_in(client, user)
    client.get(SET_UP)
    device = set_up_device(user)
    body = client.post(SET_UP, {"code": wrong_code_for(device)}).content.decode()
    assert "There is a problem" in body and "The security code is not correct" in body
    assert not TOTPDevice.objects.filter(user=user, confirmed=True).exists()
    assert client.get(MY_FAMILIES).status_code == 302


@override_settings(REQUIRE_TWO_FACTOR=True)
def test_once_set_up_the_next_sign_in_asks_for_a_code(client, user):
    sign_in(client, user)
    client.get(SET_UP)
    device = set_up_device(user)
    client.post(SET_UP, {"code": code_for(device)})
    client.logout()
    assert sign_in(client, user)["Location"].startswith(CODE)
    assert client.post(CODE, {"code": code_for(device, steps_ahead=1)}).status_code == 302
    assert client.get(MY_FAMILIES).status_code == 200


@override_settings(REQUIRE_TWO_FACTOR=True)
def test_a_session_signed_in_before_two_step_sign_in_was_required_must_set_it_up(client, user):
    client.force_login(user)
    response = client.get(MY_FAMILIES)
    assert response.status_code == 302 and response["Location"].startswith(SET_UP)


@override_settings(REQUIRE_TWO_FACTOR=True)
def test_admin_pages_need_the_second_step_too(client, db):
    admin = UserFactory(superuser=True)
    TOTPDevice.objects.create(user=admin, name="Authenticator app", confirmed=True)
    sign_in(client, admin, next_url="/admin/")
    assert client.get("/admin/")["Location"].startswith(CODE)


# --- optional two-step sign-in (the demo) --------------------------------------------------------------


def test_where_optional_a_user_without_an_app_signs_straight_in(client, user):
    response = sign_in(client, user)
    # The start page: casefile:home sends a social worker on to My families.
    assert response["Location"] == reverse("casefile:home")
    assert client.get(response["Location"])["Location"] == MY_FAMILIES
    assert client.get(MY_FAMILIES).status_code == 200
    assert AuditEvent.objects.get(action=Action.SIGN_IN).detail == {"second_step": "none"}


def test_anyone_can_set_up_an_app_from_their_account_page(client, user):
    client.force_login(user)
    account = client.get(reverse("accounts:account")).content.decode()
    assert "Only your password protects your account" in account
    assert f'href="{SET_UP}"' in account
    client.get(SET_UP)
    device = set_up_device(user)
    response = client.post(SET_UP, {"code": code_for(device)})
    assert response["Location"] == reverse("accounts:account")
    account = client.get(reverse("accounts:account")).content.decode()
    assert "You enter a code from your authenticator app each time you sign in" in account
    assert "Two-step sign-in is set up" in account
    client.logout()
    assert sign_in(client, user)["Location"].startswith(CODE)


def test_header_links_to_the_account_page(client, user):
    client.force_login(user)
    assert f'href="{reverse("accounts:account")}"' in client.get(MY_FAMILIES).content.decode()


def test_setting_up_a_new_app_replaces_the_old_one(client, user, device):
    sign_in(client, user)
    client.post(CODE, {"code": code_for(device)})
    assert "This replaces the authenticator app you set up before" in client.get(SET_UP).content.decode()
    new = set_up_device(user)
    assert client.post(SET_UP, {"code": code_for(new)}).status_code == 302
    assert list(TOTPDevice.objects.filter(user=user)) == [new]
    assert AuditEvent.objects.get(action=Action.TWO_FACTOR_ENROLLED).detail == {"replaced_previous": True}


# --- the admin -----------------------------------------------------------------------------------------


def test_admin_sign_in_goes_through_the_services_own_sign_in_page(client, db):
    response = client.get("/admin/login/?next=/admin/")
    assert response.status_code == 302
    assert response["Location"] == f"{SIGN_IN}?next=/admin/"


def test_admin_shows_no_authenticator_keys_and_cannot_add_a_device(client, db):
    admin = UserFactory(superuser=True)
    device = TOTPDevice.objects.create(user=UserFactory(), name="Authenticator app", confirmed=True)
    client.force_login(admin)
    listing = client.get(reverse("admin:otp_totp_totpdevice_changelist"))
    assert listing.status_code == 200
    page = client.get(reverse("admin:otp_totp_totpdevice_change", args=[device.pk])).content.decode()
    assert device.key not in page
    assert client.get(reverse("admin:otp_totp_totpdevice_add")).status_code == 403
