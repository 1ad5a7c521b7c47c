from __future__ import annotations

import math
import re

from django import forms
from django.contrib.auth.forms import AuthenticationForm
from django.utils import timezone

from safeguarding.audit.services import client_address
from safeguarding.core.forms import GovukForm, govuk_required_messages

from .selectors import sign_in_locked_until, username_as_typed

LOCKED_MESSAGE = (
    "There have been too many attempts to sign in. Wait {minutes} minutes, then try again. "
    "If you still cannot sign in, ask your system administrator."
)


def locked_message(locked_until) -> str:
    minutes = max(1, math.ceil((locked_until - timezone.now()).total_seconds() / 60))
    return LOCKED_MESSAGE.format(minutes=minutes)


class SignInForm(AuthenticationForm):
    error_messages = {
        "invalid_login": "Enter a correct username and password. Both are case-sensitive.",
        "inactive": "This account has been switched off. Ask your system administrator.",
    }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["username"].error_messages["required"] = "Enter your username"
        self.fields["password"].error_messages["required"] = "Enter your password"
        govuk_required_messages(self)
        # Django autofocuses the username box; GOV.UK advises against autofocus: focus would skip the
        # skip link, the heading and the instructions, and screen-reader users would land mid-page.
        self.fields["username"].widget.attrs.pop("autofocus", None)
        self.locked_until = None

    def typed_username(self) -> str:
        return username_as_typed(self.data.get("username") or "")

    def clean(self):
        # Checked before the password, and the password is not checked at all while locked: otherwise the
        # lock would still let an attacker learn when they had guessed right. Any username can be locked,
        # real or not, and the message is the same, so it does not tell anyone which usernames exist.
        self.locked_until = sign_in_locked_until(
            username=self.typed_username(), ip_address=client_address(self.request)
        )
        if self.locked_until:
            raise forms.ValidationError(locked_message(self.locked_until), code="locked")
        return super().clean()


class SecurityCodeForm(GovukForm):
    code = forms.CharField(
        label="Security code",
        help_text="The 6-digit code your authenticator app shows now",
        max_length=20,
        widget=forms.TextInput(
            attrs={
                "class": "govuk-input--width-5",
                "inputmode": "numeric",
                "autocomplete": "one-time-code",
                "spellcheck": "false",
            }
        ),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["code"].error_messages["required"] = "Enter the security code"

    def clean_code(self) -> str:
        # People copy codes with the space some apps show in the middle ("123 456").
        code = re.sub(r"[\s-]", "", self.cleaned_data["code"])
        if not re.fullmatch(r"\d{6}", code):
            raise forms.ValidationError("The security code must be 6 numbers", code="format")
        return code
