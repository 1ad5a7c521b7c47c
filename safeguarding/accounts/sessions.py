"""Inactivity sign-out, and keeping what a signed-out user typed.

A worker writing up a visit can be interrupted for longer than the 30 minutes a session lasts without use.
When they come back and press Save, their session has gone. Throwing away what they wrote would be the
worst thing a case system could do to them, so a POST that arrives after the session timed out is kept in
the (new, anonymous) session, they are sent to sign in, and the first time they open that page again it
is shown filled in with what they typed, for them to check and save. It is never saved for them.

What a user typed goes back only to the same user: the timed-out session says whose it was. A form posted
by someone whose session we cannot tie to a user (it was signed out by hand, or is older than
SESSION_COOKIE_AGE) is not kept, because on a shared computer the next person to sign in would see it.
"""

from __future__ import annotations

import time

from django.conf import settings
from django.contrib.auth import logout
from django.http import QueryDict

from safeguarding.audit.services import Action, audit_record

LAST_ACTIVITY = "accounts.last_activity"
TIMED_OUT_USER = "accounts.timed_out_user"
UNSAVED_FORM = "accounts.unsaved_form"
# The field our timeout script adds when it submits a form after the session ran out, so that a session
# that is somehow alive again (signed in in another tab meanwhile) still does not save it unseen.
EXPIRED_MARKER = "app_session_expired"


def _activity_resolution() -> float:
    # Stamping the session costs a database write; once a minute is precise enough for a 30-minute limit
    # (the warning script asks the server how long is left before it warns).
    return min(60.0, settings.SESSION_IDLE_TIMEOUT_SECONDS / 30)


def seconds_left(request) -> float:
    """How long the signed-in session has before it times out (0 if it has)."""
    last = request.session.get(LAST_ACTIVITY)
    if last is None:
        return float(settings.SESSION_IDLE_TIMEOUT_SECONDS)
    return max(0.0, settings.SESSION_IDLE_TIMEOUT_SECONDS - (time.time() - last))


def activity_touch(request, *, force: bool = False) -> None:
    """Note that the user did something now, so the inactivity limit starts again."""
    now = time.time()
    last = request.session.get(LAST_ACTIVITY)
    if force or last is None or now - last >= _activity_resolution():
        request.session[LAST_ACTIVITY] = now


def timed_out(request) -> bool:
    return request.user.is_authenticated and seconds_left(request) <= 0


def sign_out_inactive(request) -> None:
    """Sign out a session that has not been used for the inactivity limit, remembering whose it was."""
    user = request.user
    audit_record(actor=user, action=Action.SIGN_OUT, request=request, detail={"reason": "inactive"})
    logout(request)
    request.session[TIMED_OUT_USER] = str(user.pk)


def timed_out_user_id(request) -> str | None:
    return request.session.get(TIMED_OUT_USER)


def unsaved_form_keep(request, *, owner_id: str) -> None:
    """Keep the fields of this POST for `owner_id`, to give back on their next visit to the same page.

    The CSRF token is left out (it would be stale), and so is anything named like a password: a password
    is never written into a session."""
    data = {
        key: request.POST.getlist(key)
        for key in request.POST
        if key not in ("csrfmiddlewaretoken", EXPIRED_MARKER) and "password" not in key.lower()
    }
    request.session[UNSAVED_FORM] = {
        "owner": str(owner_id),
        "path": request.path,
        "data": data,
        "at": time.time(),
    }


def unsaved_form_waiting(request) -> bool:
    return UNSAVED_FORM in request.session


def unsaved_form_take(request) -> QueryDict | None:
    """What this user typed on this page before they were signed out, if anything (given back once)."""
    kept = request.session.get(UNSAVED_FORM)
    if not kept or kept.get("path") != request.path or kept.get("owner") != str(request.user.pk):
        return None
    del request.session[UNSAVED_FORM]
    data = QueryDict(mutable=True)
    for key, values in kept["data"].items():
        data.setlist(key, values)
    data._mutable = False
    return data


def signed_in(request, user) -> None:
    """After a sign-in: start the inactivity clock, and drop a kept form that belongs to someone else."""
    activity_touch(request, force=True)
    request.session.pop(TIMED_OUT_USER, None)
    kept = request.session.get(UNSAVED_FORM)
    if kept and kept.get("owner") != str(user.pk):
        del request.session[UNSAVED_FORM]
