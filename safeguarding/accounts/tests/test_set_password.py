"""No system administrator sets or sees a password (issue #8): the admin has no password boxes and no
"change password" page, a new account has no usable password, and the account's owner sets their own
through a one-time link emailed to the account's address. The administrator is told where the link went,
never the link. Every link sent and every password set through one is audited, naming the user, and shows
among the changes to staff access on the unusual-access report."""

from __future__ import annotations

import datetime
import re

import pytest
from django.contrib.auth.tokens import default_token_generator
from django.core import mail
from django.test import override_settings
from django.urls import reverse

from safeguarding.accounts import services
from safeguarding.accounts.models import User
from safeguarding.accounts.tests.factories import TEST_PASSWORD
from safeguarding.accounts.tests.test_admin_access_changes import change_form
from safeguarding.audit.models import AuditEvent

Action = AuditEvent.Action
NEW_PASSWORD = "Kettle-orbit-lantern-meadow"
LINK = re.compile(r"http://testserver(/accounts/set-password/[^/\s]+/[^/\s]+/)")


def new_account_form(staff, **changes) -> dict:
    values = {
        "username": "nia.worker",
        "email": "nia.worker@test.invalid",
        "first_name": "Nia",
        "last_name": "Worker",
        "role": User.Role.SOCIAL_WORKER,
        "organisation": staff["north"].organisation_id,
        "team": staff["north"].pk,
    }
    return {**values, **changes}


def link_in(message) -> str:
    [path] = LINK.findall(message.body)
    return path


def token_of(path: str) -> str:
    return path.rstrip("/").rsplit("/", 1)[1]


def send_link(client, admin, user):
    client.force_login(admin)
    return client.post(
        reverse("admin:accounts_user_changelist"),
        {"action": "send_password_link", "_selected_action": [user.pk]},
        follow=True,
    )


def open_link(client, path: str):
    """Open the emailed link as its owner would: it moves to an address without the token."""
    response = client.get(path)
    assert response.status_code == 302
    assert token_of(path) not in response["Location"]
    return response["Location"]


def set_password(client, form_url: str, password: str = NEW_PASSWORD, again: str | None = None):
    return client.post(form_url, {"new_password1": password, "new_password2": again or password})


def page(response) -> str:
    return response.content.decode().replace("&#x27;", "'")


# ---- The admin ---------------------------------------------------------------------------------------------


def test_the_admin_add_form_has_no_password_boxes_and_a_new_account_has_no_usable_password(client, staff):
    client.force_login(staff["sami"])
    form = page(client.get(reverse("admin:accounts_user_add")))
    for box in ('name="password1"', 'name="password2"', 'name="usable_password"'):
        assert box not in form
    assert "You will not see it" in form

    # A password posted anyway (a crafted request) is ignored.
    smuggled = {
        "password1": "Admin-knows-this-42",
        "password2": "Admin-knows-this-42",
        "usable_password": "true",
    }
    response = client.post(
        reverse("admin:accounts_user_add"), {**new_account_form(staff), **smuggled}, follow=True
    )
    assert response.status_code == 200
    nia = User.objects.get(username="nia.worker")
    assert not nia.has_usable_password()
    assert not client.login(username="nia.worker", password="Admin-knows-this-42")

    # The link went to Nia, and the administrator was told where, not what.
    [message] = mail.outbox
    assert message.to == ["nia.worker@test.invalid"]
    path = link_in(message)
    body = page(response)
    assert "A set-password link was sent to nia.worker@test.invalid." in body
    assert token_of(path) not in body and "set-password/" not in body


def test_the_new_account_and_the_link_sent_are_audited_naming_the_user(staff, client):
    client.force_login(staff["sami"])
    client.post(reverse("admin:accounts_user_add"), new_account_form(staff))
    nia = User.objects.get(username="nia.worker")
    [sent] = AuditEvent.objects.filter(action=Action.PASSWORD_LINK_SENT)
    assert (sent.actor, sent.object_type, sent.object_id) == (staff["sami"], "user", str(nia.pk))
    assert sent.detail == {"user": "nia.worker", "sent_to": "nia.worker@test.invalid", "new_account": True}
    assert token_of(link_in(mail.outbox[0])) not in str(sent.detail)
    created = AuditEvent.objects.get(action=Action.ACCESS_CHANGE, object_id=str(nia.pk))
    assert created.detail["changes"]["email"] == {"before": None, "after": "nia.worker@test.invalid"}


def test_a_new_account_needs_its_own_email_address(client, staff):
    client.force_login(staff["sami"])
    # Sami cannot give a casework account the address their own set-password links would reach.
    response = client.post(
        reverse("admin:accounts_user_add"), new_account_form(staff, email="SAMI@test.invalid")
    )
    assert response.status_code == 200
    assert list(response.context["adminform"].form.errors) == ["email"]
    assert "sami's account already uses this email address" in page(response)
    response = client.post(reverse("admin:accounts_user_add"), new_account_form(staff, email=""))
    assert "Enter their work email address" in page(response)
    assert not User.objects.filter(username="nia.worker").exists()
    assert not mail.outbox


def test_the_admin_change_page_offers_no_password_change_and_its_address_is_gone(client, staff):
    sami, asha = staff["sami"], staff["asha"]
    client.force_login(sami)
    change = page(client.get(reverse("admin:accounts_user_change", args=[asha.pk])))
    assert "password/" not in change and 'name="password"' not in change
    url = reverse("admin:auth_user_password_change", args=[asha.pk])
    assert client.get(url).status_code == 404
    response = client.post(url, {"password1": "Admin-knows-this-42", "password2": "Admin-knows-this-42"})
    assert response.status_code == 404
    assert client.login(username="asha", password=TEST_PASSWORD)
    assert not client.login(username="asha", password="Admin-knows-this-42")


def test_changing_someones_email_address_is_an_audited_change_of_access_and_never_ones_own(client, staff):
    sami, asha = staff["sami"], staff["asha"]
    client.force_login(sami)
    url = reverse("admin:accounts_user_change", args=[asha.pk])
    assert client.post(url, change_form(asha, email="asha.patel@test.invalid")).status_code == 302
    [event] = AuditEvent.objects.filter(action=Action.ACCESS_CHANGE, object_id=str(asha.pk))
    assert event.detail["changes"] == {
        "email": {"before": "asha@test.invalid", "after": "asha.patel@test.invalid"}
    }

    # Another account's address is refused as a new account's is.
    response = client.post(url, change_form(asha, email="Sami@test.invalid"))
    assert "sami's account already uses this email address" in page(response)
    response = client.post(
        reverse("admin:accounts_user_change", args=[sami.pk]), change_form(sami, email="x@test.invalid")
    )
    assert response.status_code == 200
    assert "You cannot change your own email address" in page(response)
    assert User.objects.get(pk=sami.pk).email == "sami@test.invalid"


def test_a_new_link_for_a_forgotten_password_keeps_the_old_one_working_until_it_is_used(client, staff):
    sami, asha = staff["sami"], staff["asha"]
    response = send_link(client, sami, asha)
    [message] = mail.outbox
    assert message.to == ["asha@test.invalid"]
    body = page(response)
    assert "A set-password link was sent to asha@test.invalid." in body
    assert token_of(link_in(message)) not in body
    # An administrator's click locks nobody out.
    client.logout()
    assert client.login(username="asha", password=TEST_PASSWORD)
    [sent] = AuditEvent.objects.filter(action=Action.PASSWORD_LINK_SENT)
    assert (sent.actor, sent.object_id, sent.detail["new_account"]) == (sami, str(asha.pk), False)


def test_the_users_page_has_a_button_that_sends_a_new_link_in_place_of_change_password(client, staff):
    sami, asha = staff["sami"], staff["asha"]
    client.force_login(sami)
    change_url = reverse("admin:accounts_user_change", args=[asha.pk])
    send_url = reverse("admin:accounts_user_send_password_link", args=[asha.pk])
    assert f'action="{send_url}"' in page(client.get(change_url))
    assert "Send a new set-password link" not in page(client.get(reverse("admin:accounts_user_add")))
    assert client.get(send_url).status_code == 405  # a link followed sends nothing
    assert not mail.outbox
    response = client.post(send_url, follow=True)
    assert response.redirect_chain[-1][0] == change_url
    [message] = mail.outbox
    assert message.to == ["asha@test.invalid"]
    body = page(response)
    assert "A set-password link was sent to asha@test.invalid." in body
    assert token_of(link_in(message)) not in body


def test_no_link_is_sent_for_a_switched_off_account(client, staff):
    asha = staff["asha"]
    services.user_change_access(actor=staff["sami"], user=asha, is_active=False)
    response = send_link(client, staff["sami"], asha)
    assert "No link was sent: the account asha is switched off" in page(response)
    assert not mail.outbox
    assert not AuditEvent.objects.filter(action=Action.PASSWORD_LINK_SENT).exists()


# ---- The link ----------------------------------------------------------------------------------------------


@pytest.fixture
def emailed_link(client, staff):
    """The link emailed to Asha, and the client signed out (she opens it on her own)."""
    send_link(client, staff["sami"], staff["asha"])
    client.logout()
    return link_in(mail.outbox[-1])


def test_the_link_sets_the_owners_password_once_and_leads_to_sign_in(client, staff, emailed_link):
    asha = staff["asha"]
    form_url = open_link(client, emailed_link)
    form = page(client.get(form_url))
    assert "Set your password" in form and "Your username is <strong>asha</strong>" in form

    response = set_password(client, form_url)
    assert response.status_code == 302 and response["Location"] == reverse("accounts:sign-in")
    assert "Your password is set." in page(client.get(response["Location"]))
    assert client.login(username="asha", password=NEW_PASSWORD)
    assert not client.login(username="asha", password=TEST_PASSWORD)
    [done] = AuditEvent.objects.filter(action=Action.PASSWORD_SET)
    assert (done.actor, done.object_type, done.object_id) == (asha, "user", str(asha.pk))
    assert NEW_PASSWORD not in str(done.detail)

    # Once used, the link is spent: neither the link nor the form sets a password again.
    client.logout()
    again = client.get(emailed_link)
    assert again.status_code == 200 and "This link cannot be used" in page(again)
    assert 'name="new_password1"' not in page(again)
    assert "This link cannot be used" in page(set_password(client, form_url, "Another-pass-phrase-77"))
    assert client.login(username="asha", password=NEW_PASSWORD)
    assert AuditEvent.objects.filter(action=Action.PASSWORD_SET).count() == 1


def test_signing_in_spends_an_unused_link(client, staff, emailed_link):
    # Asha remembered her password after all: the link she did not use no longer works.
    assert (
        client.post(reverse("accounts:sign-in"), {"username": "asha", "password": TEST_PASSWORD}).status_code
        == 302
    )
    client.logout()
    assert "This link cannot be used" in page(client.get(emailed_link))


def test_the_link_expires(client, staff, emailed_link, monkeypatch):
    # The token generator's clock, moved past PASSWORD_RESET_TIMEOUT (three days) from when it was sent.
    sent_at = default_token_generator._now()
    with override_settings(PASSWORD_RESET_TIMEOUT=3 * 24 * 60 * 60):
        monkeypatch.setattr(
            default_token_generator, "_now", lambda: sent_at + datetime.timedelta(days=3, minutes=1)
        )
        response = client.get(emailed_link)
    assert response.status_code == 200 and "This link cannot be used" in page(response)
    assert client.login(username="asha", password=TEST_PASSWORD)


def test_the_link_of_a_switched_off_account_is_refused(client, staff, emailed_link):
    form_url = open_link(client, emailed_link)
    services.user_change_access(actor=staff["sami"], user=staff["asha"], is_active=False)
    assert "This link cannot be used" in page(client.get(emailed_link))
    response = set_password(client, form_url)
    assert "This link cannot be used" in page(response)
    assert User.objects.get(pk=staff["asha"].pk).check_password(TEST_PASSWORD)
    assert not AuditEvent.objects.filter(action=Action.PASSWORD_SET).exists()


@pytest.mark.parametrize(
    ("password", "again", "field", "message"),
    [
        ("", "", "new_password1", "Enter a password"),
        (
            "Short-1",
            "Short-1",
            "new_password1",
            "This password is too short. It must contain at least 12 characters.",
        ),
        ("password1234", "password1234", "new_password1", "This password is too common."),
        ("184729365018", "184729365018", "new_password1", "This password is entirely numeric."),
        ("asha@test.invalid!", "asha@test.invalid!", "new_password1", "The password is too similar to the"),
        (
            NEW_PASSWORD,
            NEW_PASSWORD + "x",
            "new_password2",
            "The passwords do not match. Enter the same password twice",
        ),
        ("x" * 129, "x" * 129, "new_password1", "Your password must be 128 characters or fewer"),
    ],
)
def test_a_password_the_validators_refuse_is_explained_against_its_box(
    client, staff, emailed_link, password, again, field, message
):
    form_url = open_link(client, emailed_link)
    response = client.post(form_url, {"new_password1": password, "new_password2": again})
    assert response.status_code == 200
    assert field in response.context["form"].errors
    body = page(response)
    assert "govuk-error-summary" in body and message in body
    assert User.objects.get(pk=staff["asha"].pk).check_password(TEST_PASSWORD)
    assert not AuditEvent.objects.filter(action=Action.PASSWORD_SET).exists()
    # The link still works: a mistake does not spend it.
    assert set_password(client, form_url).status_code == 302


@override_settings(REQUIRE_TWO_FACTOR=True)
def test_where_two_step_sign_in_is_required_the_new_password_leads_into_setting_it_up(
    client, staff, emailed_link
):
    set_password(client, open_link(client, emailed_link))
    response = client.post(reverse("accounts:sign-in"), {"username": "asha", "password": NEW_PASSWORD})
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:two-factor-set-up"))


# ---- The unusual-access report -----------------------------------------------------------------------------


def test_links_sent_and_used_show_among_the_changes_to_staff_access(client, staff, emailed_link):
    set_password(client, open_link(client, emailed_link))
    client.force_login(staff["alex"])
    body = page(client.get(reverse("governance:unusual-access")))
    section = body.split('id="access-changes"')[1]
    assert "Changes to staff access (2)" in body
    assert "Set-password link sent to asha@test.invalid" in section and "Sami Admin" in section
    assert "Password set by the account's owner through a set-password link" in section
    rows = b"".join(client.get(reverse("governance:unusual-access-csv")).streaming_content).decode(
        "utf-8-sig"
    )
    assert "Sent a set-password link" in rows and "asha@test.invalid" in rows
