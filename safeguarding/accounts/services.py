"""Writes about signing in (failed attempts and lockouts, the two steps of signing in, setting up an
authenticator app), about passwords (the emailed set-password link and its use) and about staff access (a
user's role, team, organisation, email address, admin rights and activation; closing a team). Each writes
its own audit event in the same transaction."""

from __future__ import annotations

import datetime
import enum
from typing import Any

from django.conf import settings
from django.contrib.auth.tokens import default_token_generator
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.db import transaction
from django.db.models import Q
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from django_otp.plugins.otp_totp.models import TOTPDevice

from safeguarding.audit.services import Action, audit_record, client_address
from safeguarding.core.locks import for_update

from .models import Organisation, SignInFailure, SignInLockout, Team, User
from .policies import user_access_can_change
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
            device = for_update(TOTPDevice.objects).get(pk=device.pk)
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
        device = for_update(TOTPDevice.objects).get(pk=device.pk, user=actor, confirmed=False)
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


# ---- Staff access: role, team, organisation, admin rights, activation ------------------------------------

# What a user may see or do in the system. Every change to one of these is audited, naming the user.
# The email address is among them: a set-password link goes to it, so whoever reads that mailbox can take
# the account. Changing it is audited, and nobody changes their own.
ACCESS_FIELDS = ("role", "team", "organisation", "email", "is_active", "is_staff", "is_superuser")
ACCESS_FIELD_LABELS = {
    "role": "role",
    "team": "team",
    "organisation": "organisation",
    "email": "email address",
    "is_active": "active status",
    "is_staff": "staff status",
    "is_superuser": "superuser status",
}
OWN_ACCESS = "own_access"  # the code of the error that refuses a change to one's own access
CLOSED_TEAM = "closed_team"


class _Unchanged:
    def __repr__(self):
        return "UNCHANGED"


UNCHANGED: Any = _Unchanged()


def _access_value(user, name: str):
    """A comparable form of one access field: a related row by its key, so nothing is fetched."""
    if name in ("team", "organisation"):
        return getattr(user, f"{name}_id")
    return getattr(user, name)


def _key_of(value):
    return value.pk if isinstance(value, Team | Organisation) else value


def _recorded(value):
    """An access value as the audit event keeps it: a team or organisation by id and by its name at the
    time (the event must still read if the team is renamed), a role by its code."""
    if isinstance(value, Team | Organisation):
        return {"id": str(value.pk), "name": value.name}
    return value


def user_access_change_errors(*, actor, user, changes: dict[str, Any]) -> dict[str, ValidationError]:
    """Why the changes (field name to new value, only fields whose value changes) may not be made, by field.

    Shared by the service and the admin's form, so the admin shows the same refusal as a field error.
    """
    errors: dict[str, ValidationError] = {}
    if not user_access_can_change(actor, user):
        for name in changes:
            errors[name] = ValidationError(
                f"You cannot change your own {ACCESS_FIELD_LABELS[name]}. "
                "Ask another system administrator to make this change.",
                code=OWN_ACCESS,
            )
    team = changes.get("team")
    # Asked of the database: the caller's copy of the team may predate its closing.
    if (
        "team" not in errors
        and isinstance(team, Team)
        and not Team.objects.filter(pk=team.pk, is_active=True).exists()
    ):
        errors["team"] = ValidationError(f"{team.name} is closed. Choose an open team.", code=CLOSED_TEAM)
    return errors


def user_access_change_refused_record(*, actor, user, fields, request=None) -> None:
    """Record an attempt to change one's own access. It shows among the refused attempts in the
    unusual-access report: an administrator trying to widen their own access is a question to ask."""
    audit_record(
        actor=actor,
        action=Action.DENIED,
        obj=user,
        request=request,
        detail={"access_change": sorted(fields), "user": user.get_username()},
    )


def user_change_access(
    *,
    actor,
    user: User,
    role: str = UNCHANGED,
    team: Team | None = UNCHANGED,
    organisation: Organisation | None = UNCHANGED,
    email: str = UNCHANGED,
    is_active: bool = UNCHANGED,
    is_staff: bool = UNCHANGED,
    is_superuser: bool = UNCHANGED,
    request=None,
) -> dict[str, dict]:
    """Change what a member of staff may see or do: their role, team, organisation, admin rights, or
    whether their account is active. Deactivating is how someone leaves: a user is never deleted, since
    allocations, records and audit events name them.

    Nobody may change their own access (policies.user_access_can_change). The change and its audit event
    (the user as its object, each field's value before and after) are written in one transaction.
    Returns the changes made, {field: {"before": ..., "after": ...}}; empty if nothing changed.
    """
    given = {
        "role": role,
        "team": team,
        "organisation": organisation,
        "email": email,
        "is_active": is_active,
        "is_staff": is_staff,
        "is_superuser": is_superuser,
    }
    wanted = {name: value for name, value in given.items() if value is not UNCHANGED}
    with transaction.atomic():
        stored = for_update(User.objects).get(pk=user.pk)
        changes = {
            name: value for name, value in wanted.items() if _access_value(stored, name) != _key_of(value)
        }
        refused = user_access_change_errors(actor=actor, user=stored, changes=changes)
        if changes and not refused:
            recorded = {
                name: {"before": _recorded(getattr(stored, name)), "after": _recorded(value)}
                for name, value in changes.items()
            }
            for name, value in changes.items():
                setattr(stored, name, value)
            stored.full_clean()
            stored.save(update_fields=list(changes))
            audit_record(
                actor=actor,
                action=Action.ACCESS_CHANGE,
                obj=stored,
                request=request,
                detail={"user": stored.get_username(), "changes": recorded},
            )
    if refused:
        # Recorded after the transaction: the refusal is kept although nothing else is written.
        own = [name for name, error in refused.items() if error.code == OWN_ACCESS]
        if own:
            user_access_change_refused_record(actor=actor, user=stored, fields=own, request=request)
        raise ValidationError(refused)
    if not changes:
        return {}
    for name, value in changes.items():
        setattr(user, name, value)  # the caller's copy matches what was saved
    return recorded


def user_create(*, actor, user: User, request=None) -> User:
    """Add a member of staff, with no password anyone could sign in with: its owner sets one through the
    link `user_password_link_send` emails them. An administrator who chose the password could sign in as a
    caseworker and read case records that they must never see. A new account's access is recorded as a
    change from nothing, so the audit log holds every grant of access."""
    changes = {name: getattr(user, name) for name in ACCESS_FIELDS}
    errors = user_access_change_errors(actor=actor, user=user, changes=changes)
    if errors:
        raise ValidationError(errors)
    user.set_unusable_password()
    with transaction.atomic():
        user.full_clean()
        user.save()
        audit_record(
            actor=actor,
            action=Action.ACCESS_CHANGE,
            obj=user,
            request=request,
            detail={
                "user": user.get_username(),
                "created": True,
                "changes": {
                    name: {"before": None, "after": _recorded(value)} for name, value in changes.items()
                },
            },
        )
    return user


def email_in_use_by(*, email: str, user: User | None = None) -> User | None:
    """Another account with this email address, if any (letter case aside). Each account needs its own, so
    that its set-password link reaches only its owner: an administrator cannot give a new casework account
    the address they already use for their own."""
    if not email:
        return None
    others = User.objects.filter(email__iexact=email.strip())
    if user is not None and user.pk:
        others = others.exclude(pk=user.pk)
    return others.first()


# ---- Passwords: set by their owner through an emailed link, never by an administrator ---------------------


class PasswordLinkRefused(Exception):
    """The link cannot be sent: the account is switched off or has no email address (the message says)."""


def password_link_url(*, user: User, request) -> str:
    uid = urlsafe_base64_encode(force_bytes(user.pk))
    token = default_token_generator.make_token(user)
    return request.build_absolute_uri(reverse("accounts:set-password", args=[uid, token]))


def user_password_link_send(*, actor, user: User, request, new_account: bool = False) -> str:
    """Email the account's owner a one-time link to set their password, to the address on the account.
    Returns that address, to tell the administrator where it went: never the link, which would let them
    set the password themselves.

    Sending a link leaves the current password as it is: an administrator's click must not lock anyone
    out, and only the mailbox's owner can use the link. The link is spent when a password is set through
    it or the user signs in (Django's token covers the password hash, the last sign-in and the email
    address), and expires after PASSWORD_RESET_TIMEOUT. The sending is audited, naming the user and the
    address; if the email cannot be sent, nothing is recorded and the error reaches the caller.
    """
    if not user.is_active:
        raise PasswordLinkRefused(
            f"No link was sent: the account {user.get_username()} is switched off. Reactivate it first."
        )
    if not user.email:
        raise PasswordLinkRefused(
            f"No link was sent: the account {user.get_username()} has no email address. Add one first."
        )
    link = password_link_url(user=user, request=request)
    hours = settings.PASSWORD_RESET_TIMEOUT // 3600
    context = {
        "user": user,
        "link": link,
        "new_account": new_account,
        "expires": f"{hours // 24} days" if hours % 24 == 0 and hours >= 48 else f"{hours} hours",
        "service_name": settings.SERVICE_NAME,
        "council_name": settings.COUNCIL_NAME,
    }
    with transaction.atomic():
        audit_record(
            actor=actor,
            action=Action.PASSWORD_LINK_SENT,
            obj=user,
            request=request,
            detail={"user": user.get_username(), "sent_to": user.email, "new_account": new_account},
        )
        # Last, inside the transaction: a mail server that refuses the message undoes the audit event.
        send_mail(
            subject=f"Set your password for {settings.SERVICE_NAME}",
            message=render_to_string("accounts/email/set_password.txt", context),
            from_email=None,
            recipient_list=[user.email],
        )
    return user.email


def user_password_link_valid(*, user: User | None, token: str) -> bool:
    """Whether a set-password link may be used: a real, active account and a token not yet spent or
    expired. A switched-off account's link is refused: its owner has left, or access is suspended."""
    return user is not None and user.is_active and default_token_generator.check_token(user, token)


def user_password_set(*, user: User, token: str, password: str, request) -> User:
    """Set the user's own password through their link. The token is checked again with the account's row
    locked, so two submissions of one link cannot both succeed; the new password spends the link. The
    password itself has been checked by AUTH_PASSWORD_VALIDATORS in the form."""
    with transaction.atomic():
        stored = for_update(User.objects).get(pk=user.pk)
        if not user_password_link_valid(user=stored, token=token):
            raise PasswordLinkRefused("This link has expired or has already been used.")
        stored.set_password(password)
        stored.save(update_fields=["password"])
        audit_record(
            actor=stored,
            action=Action.PASSWORD_SET,
            obj=stored,
            request=request,
            detail={"user": stored.get_username()},
        )
    return stored


def team_close_errors(*, team: Team) -> dict[str, ValidationError]:
    """A team with active members cannot close: they would keep seeing its families through a team that
    no longer exists. Each must be moved or deactivated first, and each of those changes is audited."""
    members = team.members.filter(is_active=True).count()
    if not members:
        return {}
    return {
        "is_active": ValidationError(
            f"{team.name} has {members} active member{'s' if members != 1 else ''}. "
            "Move them to another team, or deactivate them, before closing it.",
            code="active_members",
        )
    }


def team_close(*, actor, team: Team, request=None) -> Team:
    """Close a team instead of deleting it: its families, allocations and audit events keep pointing at it.
    A closed team takes no new members (user_change_access refuses)."""
    with transaction.atomic():
        team = for_update(Team.objects).get(pk=team.pk)
        if not team.is_active:
            return team
        errors = team_close_errors(team=team)
        if errors:
            raise ValidationError(errors)
        team.is_active = False
        team.save(update_fields=["is_active", "updated_at"])
        audit_record(
            actor=actor, action=Action.TEAM_CLOSE, obj=team, request=request, detail={"team": team.name}
        )
    return team


def team_reopen(*, actor, team: Team, request=None) -> Team:
    """Reopen a closed team, so staff may be moved into it again."""
    with transaction.atomic():
        team = for_update(Team.objects).get(pk=team.pk)
        if team.is_active:
            return team
        team.is_active = True
        team.save(update_fields=["is_active", "updated_at"])
        audit_record(
            actor=actor, action=Action.TEAM_REOPEN, obj=team, request=request, detail={"team": team.name}
        )
    return team
