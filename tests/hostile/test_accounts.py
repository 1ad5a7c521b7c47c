"""Hostile input through sign-in: its fields and its `next` parameter (the values and checks are in
inputs.py). Signed out: the sign-in form is the one form anyone may post.
"""

from __future__ import annotations

from urllib.parse import urlsplit

import pytest
from django.urls import reverse

from safeguarding.demo import personas
from tests.hostile.inputs import (
    SCRIPT,
    FormUnderTest,
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
