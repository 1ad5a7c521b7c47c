"""Hostile input through sign-in (its fields and its `next` parameter) and through the set-password form
and its link (the values and checks are in inputs.py). Signed out: these are the forms anyone may post.
"""

from __future__ import annotations

from urllib.parse import urlsplit

import pytest
from django.test import RequestFactory
from django.urls import reverse

from safeguarding.accounts import services
from safeguarding.accounts.tests.factories import UserFactory
from safeguarding.demo import personas
from tests.hostile.inputs import (
    HOSTILE,
    MUST_REFUSE,
    SCRIPT,
    FormUnderTest,
    assert_handled,
    assert_no_raw_markup,
    post_each_hostile_value,
)

FORMS = {
    "sign in": FormUnderTest(
        None,
        lambda c: reverse("accounts:sign-in"),
        lambda c: {"username": "asha", "password": "wrong"},
        ("username", "password", "next"),
    ),
}
FORM_FIELDS = [(form, field) for form, spec in FORMS.items() for field in spec.fields]


@pytest.mark.parametrize(("form", "field"), FORM_FIELDS, ids=[f"{f}: {field}" for f, field in FORM_FIELDS])
def test_hostile_value_in_any_form_field_is_saved_escaped_or_refused_never_a_server_error(
    client, council, form, field
):
    post_each_hostile_value(client, council, FORMS[form], form, field)


def test_nul_byte_in_the_sign_in_username_is_refused_without_a_server_error(client, council):
    # The failed sign-in is audited with the username tried: PostgreSQL's JSON cannot hold a NUL byte.
    response = client.post(reverse("accounts:sign-in"), {"username": "asha\x00", "password": "x"})
    assert response.status_code == 200
    assert "govuk-error-summary" in response.content.decode()


@pytest.mark.parametrize(
    "target", [SCRIPT, "javascript:alert(1)", "https://evil.example/", "//evil.example/", "/\\evil.example/"]
)
def test_sign_in_next_parameter_is_escaped_and_never_followed_off_site(client, council, target):
    page = client.get(reverse("accounts:sign-in"), {"next": target})
    assert_no_raw_markup(page)
    response = client.post(
        reverse("accounts:sign-in"), {"username": "asha", "password": personas.DEMO_PASSWORD, "next": target}
    )
    assert response.status_code == 302
    location = urlsplit(response["Location"])
    assert (location.scheme, location.netloc) == ("", "")
    assert "<" not in response["Location"] and "evil" not in response["Location"]


# ---- Setting one's password through the emailed link (issue #8) --------------------------------------------


def _set_password_form(client, user) -> str:
    """Open a fresh set-password link for `user`, as its owner would: the address of the form it leads to."""
    request = RequestFactory().get("/")
    path = urlsplit(services.password_link_url(user=user, request=request)).path
    response = client.get(path)
    assert response.status_code == 302
    return response["Location"]


@pytest.mark.parametrize("both_boxes", [True, False], ids=["in both boxes", "in the first box"])
def test_hostile_value_as_a_new_password_is_refused_or_set_never_a_server_error(client, council, both_boxes):
    # A member of staff of its own, so that a password set here changes no persona's.
    user = UserFactory(username="hostile-new-starter", email="hostile-new-starter@test.invalid")
    for label, value in HOSTILE.items():
        form_url = _set_password_form(client, user)
        again = value if both_boxes else "Kettle-orbit-lantern-meadow"
        response = client.post(form_url, {"new_password1": value, "new_password2": again})
        outcome = assert_handled(client, response, f"new password = {label}")
        if label in MUST_REFUSE or not both_boxes:
            assert outcome == "refused", f"new password = {label}: {outcome}"
        user.refresh_from_db()  # a password set spends the link: the next one is made from the new one


@pytest.mark.parametrize(
    ("uidb64", "token"),
    [
        ("MTIzNDU2Nzg5MDEyMzQ1Njc4OTAxMjM0NTY3ODkw", "abc-123"),  # a 40-digit account number
        ("LTE", "x"),  # -1
        ("PHNjcmlwdD4", SCRIPT),  # "<script>"
        ("%00", "%00"),
        ("AAAA", "new"),  # the form's address without a token in the session
        ("Mg", "0-" + "f" * 500),
    ],
)
def test_a_forged_or_broken_set_password_link_is_refused_without_a_server_error(
    client, council, uidb64, token
):
    response = client.get(f"/accounts/set-password/{uidb64}/{token}/")
    assert response.status_code in (200, 404)
    body = assert_no_raw_markup(response)
    if response.status_code == 200:
        assert "This link cannot be used" in body and 'name="new_password1"' not in body
    posted = client.post(
        f"/accounts/set-password/{uidb64}/{token}/", {"new_password1": "x", "new_password2": "x"}
    )
    assert posted.status_code in (200, 404)
