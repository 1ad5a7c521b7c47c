"""Writes about signing in: failed attempts and lockouts, the two steps of signing in, and setting up an
authenticator app. Each writes its own audit event in the same transaction."""

from __future__ import annotations

import datetime
import enum

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice

from safeguarding.audit.services import Action, audit_record, client_address

from .models import SignInFailure, SignInLockout
from .selectors import sign_in_locked_until, two_factor_device_for, username_as_typed

AUTHENTICATOR_APP = "Authenticator app"


def sign_in_failure_record(
    *, username: str, request, actor=None, step: str = "password"
) -> datetime.datetime | None:
    """Record a failed sign-in (a wrong password, or a wrong code at the second step) and lock the username,
    or the address it came from, when it reaches its limit within the window.

    Returns when the new lock ends, or None if this failure locked nothing. The username is counted as
    typed whether or not it is a real account, so a lock says nothing about which usernames exist.
    """
    username = username_as_typed(username)
    address = client_address(request)
    now = timezone.now()
    window_start = now - datetime.timedelta(seconds=settings.SIGN_IN_FAILURE_WINDOW_SECONDS)
    counted = [(SignInLockout.Scope.USERNAME, username, Q(username=username), settings.SIGN_IN_FAILURE_LIMIT)]
    if address:
        counted.append(
            (
                SignInLockout.Scope.ADDRESS,
                address,
                Q(ip_address=address),
                settings.SIGN_IN_ADDRESS_FAILURE_LIMIT,
            )
        )
    locked_until = None
    with transaction.atomic():
        audit_record(
            actor=actor,
            action=Action.SIGN_IN_FAILED if step == "password" else Action.TWO_FACTOR_FAILED,
            request=request,
            detail={"username": username},
        )
        SignInFailure.objects.create(username=username, ip_address=address, occurred_at=now)
        # Failures older than the window no longer count for anything; keep the table small.
        SignInFailure.objects.filter(
            Q(username=username) | Q(ip_address=address), occurred_at__lt=window_start
        ).delete()
        for scope, key, match, limit in counted:
            # After a lock ends the count starts again: failures from before it were what caused it.
            previous = SignInLockout.objects.filter(scope=scope, key=key).values_list(
                "locked_until", flat=True
            )
            since = max([window_start, *previous])
            failures = SignInFailure.objects.filter(match, occurred_at__gte=since).count()
            if failures < limit:
                continue
            until = now + datetime.timedelta(seconds=settings.SIGN_IN_LOCKOUT_SECONDS)
            SignInLockout.objects.update_or_create(
                scope=scope, key=key, defaults={"locked_at": now, "locked_until": until}
            )
            audit_record(
                actor=None,
                action=Action.SIGN_IN_LOCKED,
                request=request,
                detail={"scope": scope, scope: key, "failures": failures, "locked_until": until.isoformat()},
            )
            locked_until = max(until, locked_until) if locked_until else until
    return locked_until


def sign_in_refused_record(*, username: str, request, locked_until: datetime.datetime) -> None:
    """Record an attempt refused because the username or address is locked. Its password is never checked,
    so it is not a failure and does not lengthen the lock."""
    audit_record(
        actor=None,
        action=Action.SIGN_IN_FAILED,
        request=request,
        detail={
            "username": username_as_typed(username),
            "refused": "locked",
            "locked_until": locked_until.isoformat(),
        },
    )


def sign_in_record(*, actor, request, second_step: str | None) -> None:
    """The password was right. `second_step` is what the user must still do ("code", "set-up") or None
    when they are now fully signed in."""
    with transaction.atomic():
        audit_record(
            actor=actor, action=Action.SIGN_IN, request=request, detail={"second_step": second_step or "none"}
        )
        if second_step is None:
            _failures_clear(actor)


def _failures_clear(user) -> None:
    # A successful sign-in clears the username's count, but not its address's: an attacker who holds one
    # account must not be able to reset the count for the guesses they make at others.
    SignInFailure.objects.filter(username=user.get_username()).delete()


class CodeCheck(enum.Enum):
    VERIFIED = "verified"
    WRONG = "wrong"
    TOO_SOON = "too soon"  # django-otp holds a device back for 1, 2, 4 ... seconds after each wrong code
    LOCKED = "locked"  # the username or address is locked: the code is not checked


def two_factor_code_verify(*, actor, code: str, request) -> tuple[CodeCheck, TOTPDevice | None]:
    """Check the second step's code against the user's authenticator app. A wrong code counts towards the
    username's lockout like a wrong password: otherwise a stolen password would allow endless guessing."""
    if sign_in_locked_until(username=actor.get_username(), ip_address=client_address(request)):
        return CodeCheck.LOCKED, None
    with transaction.atomic():
        device = two_factor_device_for(actor)
        if device is not None:
            # Locks the device row on PostgreSQL, so two requests cannot both spend the same code.
            device = TOTPDevice.objects.select_for_update().get(pk=device.pk)
            if not device.verify_is_allowed()[0]:
                return CodeCheck.TOO_SOON, None
        verified = device is not None and device.verify_token(code)
        if verified:
            audit_record(actor=actor, action=Action.TWO_FACTOR_VERIFIED, obj=device, request=request)
            _failures_clear(actor)
            return CodeCheck.VERIFIED, device
    locked = sign_in_failure_record(username=actor.get_username(), request=request, actor=actor, step="code")
    return (CodeCheck.LOCKED if locked else CodeCheck.WRONG), None


def two_factor_device_start(*, actor) -> TOTPDevice:
    """A new secret for the user to add to their authenticator app: unconfirmed, so it does not count until
    they prove the app has it. The same one is shown again until then (reloading the page changes nothing)."""
    device = TOTPDevice.objects.filter(user=actor, confirmed=False).order_by("-created_at").first()
    if device is None:
        device = TOTPDevice(user=actor, name=AUTHENTICATOR_APP, confirmed=False)
        device.full_clean()
        device.save()
    return device


def two_factor_device_confirm(*, actor, device: TOTPDevice, code: str, request) -> bool:
    """Confirm the new authenticator app with a code from it; it then replaces any app set up before."""
    with transaction.atomic():
        device = TOTPDevice.objects.select_for_update().get(pk=device.pk, user=actor, confirmed=False)
        if not device.verify_token(code):
            return False
        device.confirmed = True
        device.save(update_fields=["confirmed"])
        replaced, _ = TOTPDevice.objects.filter(user=actor).exclude(pk=device.pk).delete()
        _failures_clear(actor)  # password and a new app proven: fully signed in
        audit_record(
            actor=actor,
            action=Action.TWO_FACTOR_ENROLLED,
            obj=device,
            request=request,
            detail={"replaced_previous": bool(replaced)},
        )
    return True
