"""Reads about sign-in: lockouts and two-step sign-in devices."""

from __future__ import annotations

import datetime

from django.db.models import Max, Q
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice

from .models import SignInLockout


def username_as_typed(raw: str) -> str:
    """A typed username as it is counted, locked and audited: at most 150 characters, and no NUL, which
    PostgreSQL cannot store or compare (U+FFFD shows the auditor that something odd was typed)."""
    return (raw or "")[:150].replace("\x00", "\ufffd")


def sign_in_locked_until(*, username: str, ip_address: str | None) -> datetime.datetime | None:
    """When the lock on this username or address ends, if either is locked now (one query)."""
    scopes = Q(scope=SignInLockout.Scope.USERNAME, key=username_as_typed(username))
    if ip_address:
        scopes |= Q(scope=SignInLockout.Scope.ADDRESS, key=ip_address)
    return SignInLockout.objects.filter(scopes, locked_until__gt=timezone.now()).aggregate(
        until=Max("locked_until")
    )["until"]


def two_factor_device_for(user) -> TOTPDevice | None:
    """The user's confirmed authenticator app, if they have set one up."""
    return TOTPDevice.objects.filter(user=user, confirmed=True).order_by("-created_at").first()


def two_factor_code_may_be_checked(device: TOTPDevice | None) -> bool:
    """False while django-otp holds the device back after a wrong code (no device: nothing to wait for)."""
    return device is None or device.verify_is_allowed()[0]
