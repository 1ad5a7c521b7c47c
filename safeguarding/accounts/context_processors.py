from django.conf import settings

from safeguarding.core.navigation import path_for

from . import two_factor


def session_timeout(request):
    """The timings the timeout warning script reads from <body>; only on pages of a fully signed-in user."""
    user = getattr(request, "user", None)
    if not (user and user.is_authenticated):
        return {}
    owed = two_factor.outstanding(request)
    if owed:
        # Hides the menu: until the second step is done, no other page opens anyway.
        return {"two_factor_owed": owed}
    return {
        "session_timeout": {
            # The configured limit, not the time left: the script asks the server (status_url) how long
            # is really left before it warns, and a page that is the same for every request is easier to test.
            "seconds": settings.SESSION_IDLE_TIMEOUT_SECONDS,
            "warning": settings.SESSION_TIMEOUT_WARNING_SECONDS,
            "warning_text": _duration(settings.SESSION_TIMEOUT_WARNING_SECONDS),
            "status_url": path_for("accounts:session"),
        }
    }


def _duration(seconds: int) -> str:
    # The same wording as session-timeout.mjs's describe(), which takes over once the dialog opens.
    minutes, rest = divmod(seconds, 60)
    parts = [f"{minutes} minute{'s' if minutes != 1 else ''}"] if minutes else []
    if rest or not minutes:
        parts.append(f"{rest} second{'s' if rest != 1 else ''}")
    return " ".join(parts)
