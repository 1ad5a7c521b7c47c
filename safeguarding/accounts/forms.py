from __future__ import annotations

import math
import re

from django import forms
from django.contrib.auth.forms import AuthenticationForm, SetPasswordForm, UsernameField
from django.core import validators
from django.utils import timezone

from safeguarding.audit.services import client_address
from safeguarding.core.forms import GovukForm, GovukModelForm, govuk_required_messages

from .models import User
from .selectors import sign_in_locked_until, username_as_typed
from .services import email_in_use_by

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


# ---- Accounts and passwords --------------------------------------------------------------------------------

EMAIL_IN_USE = "{username}'s account already uses this email address. Each account needs its own address"


class StaffAccountAddForm(GovukModelForm):
    """The admin's form for a new member of staff. No password: the new user is emailed a link to set
    their own (services.user_password_link_send), so no administrator ever knows a caseworker's password."""

    class Meta:
        model = User
        fields = ("username", "email", "first_name", "last_name", "role", "organisation", "team")
        field_classes = {"username": UsernameField}
        help_texts = {
            "email": "A set-password link is emailed here. It must be the person's own work address.",
        }
        error_messages = {
            "username": {"required": "Enter a username", "unique": "Another account has this username"},
            "email": {"required": "Enter their work email address", "invalid": "Enter a real email address"},
            "first_name": {"required": "Enter their first name"},
            "last_name": {"required": "Enter their last name"},
            "role": {"required": "Select their role"},
            "organisation": {"required": "Select the organisation that employs them"},
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in ("email", "first_name", "last_name"):
            self.fields[name].required = True

    def clean_username(self):
        username = self.cleaned_data.get("username")
        if username and User.objects.filter(username__iexact=username).exists():
            raise forms.ValidationError("Another account has this username", code="unique")
        return username

    def clean_email(self):
        email = (self.cleaned_data.get("email") or "").strip()
        other = email_in_use_by(email=email, user=self.instance)
        if other is not None:
            raise forms.ValidationError(EMAIL_IN_USE.format(username=other.get_username()), code="in_use")
        return email


PASSWORD_MAX_LENGTH = 128


class NewPasswordForm(SetPasswordForm):
    """The user's own new password, through their set-password link: checked by AUTH_PASSWORD_VALIDATORS,
    each refusal shown against the field in the validators' words."""

    error_messages = {"password_mismatch": "The passwords do not match. Enter the same password twice"}

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(user, *args, **kwargs)
        first, second = self.fields["new_password1"], self.fields["new_password2"]
        first.label, second.label = "Create a password", "Confirm your password"
        first.help_text = (
            "At least 12 characters. Not a common password, not only numbers, and not like your name, "
            "username or email address. A few unrelated words together is easy to remember and hard to guess."
        )
        second.help_text = ""
        first.error_messages["required"] = "Enter a password"
        second.error_messages["required"] = "Enter the password again to confirm it"
        # Long enough for any pass phrase; bounded, so nobody makes the server hash a megabyte.
        for field in (first, second):
            field.max_length = PASSWORD_MAX_LENGTH
            field.validators.append(validators.MaxLengthValidator(PASSWORD_MAX_LENGTH))
            field.error_messages["max_length"] = (
                f"Your password must be {PASSWORD_MAX_LENGTH} characters or fewer"
            )
        govuk_required_messages(self)

    def clean(self):
        # Django checks the second box against the validators; the first box is the one people fix, and a
        # mismatch belongs to the second.
        self.validate_passwords("new_password1", "new_password2")
        self.validate_password_for_user(self.user, "new_password1")
        return forms.Form.clean(self)
