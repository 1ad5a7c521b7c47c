"""Who may use a page now: signed out after inactivity, and held at the second sign-in step until it is
done. Both run before Django's LoginRequiredMiddleware (see settings.MIDDLEWARE)."""

from __future__ import annotations

from django.contrib.auth.views import redirect_to_login
from django.http import HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.functional import LazyObject, empty

from . import sessions, two_factor


class PlainUserMiddleware:
    """Put the signed-in user on the request as the user object itself, once a view is about to run.

    Django's AuthenticationMiddleware and django-otp's OTPMiddleware each wrap request.user in a lazy
    object, one inside the other. Every attribute read through the two costs about 10 microseconds (each
    wrapper fails a lookup on itself before asking the object inside), and a page's policies, header
    and footer read the user's role, team and organisation hundreds of times: about 1 ms of a cheap page
    and several of the family page. The user is loaded here, as the middlewares after this one would
    load it anyway, and is the same object (with django-otp's is_verified and otp_device) either way.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        user = getattr(request, "user", None)
        while isinstance(user, LazyObject):
            if user._wrapped is empty:
                user._setup()
            user = user._wrapped
        if user is not None:
            request.user = user


class IdleSessionMiddleware:
    """Sign out a session unused for SESSION_IDLE_TIMEOUT_SECONDS, and keep the form a user submitted
    after that happened (see sessions.py) instead of dropping it with a redirect to sign in."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        if request.user.is_authenticated:
            if sessions.timed_out(request):
                sessions.sign_out_inactive(request)
            elif not getattr(view_func, "session_activity_exempt", False):
                sessions.activity_touch(request)

        if request.method == "POST" and getattr(view_func, "login_required", True):
            return self._keep_unsaved_post(request, view_func)
        if request.method == "GET" and request.user.is_authenticated and not two_factor.outstanding(request):
            request.restored_form_data = sessions.unsaved_form_take(request)
        return None

    @staticmethod
    def _keep_unsaved_post(request, view_func=None):
        if request.user.is_authenticated:
            if sessions.EXPIRED_MARKER in request.POST:
                # Our timeout script submitted this because the session had run out, but the user has signed
                # in again meanwhile (in another tab): show it back to them rather than save it unseen.
                sessions.unsaved_form_keep(request, owner_id=request.user.pk)
                return redirect(request.path)
            return None
        owner_id = sessions.timed_out_user_id(request)
        if owner_id is None:
            return None  # LoginRequiredMiddleware sends them to sign in
        if getattr(view_func, "autosave_endpoint", False):
            # A background draft save (workbook autosave) after the session ended: the drafts saved before
            # it are on the server already; say so to the script instead of keeping this as a form to show.
            return HttpResponse("Signed out", status=401)
        sessions.unsaved_form_keep(request, owner_id=owner_id)
        if getattr(request, "htmx", False):
            # An htmx request would swap the sign-in page into part of this one; send the whole tab there.
            response = HttpResponse(status=204)
            response["HX-Redirect"] = redirect_to_login(request.get_full_path())["Location"]
            return response
        return redirect_to_login(request.get_full_path())


class TwoFactorMiddleware:
    """Until a signed-in user has given their code (or, where it is required, set up an app), every page
    but the sign-in steps sends them back to the step they owe."""

    ALWAYS_ALLOWED = {"accounts:sign-in", "accounts:sign-out", "accounts:session"}
    STEPS = {two_factor.CODE: "accounts:two-factor-code", two_factor.SET_UP: "accounts:two-factor-set-up"}

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        owed = two_factor.outstanding(request)
        if owed is None:
            return None
        step = self.STEPS[owed]
        match = request.resolver_match
        # Only the step owed: someone holding just the password may not set up a new app in place of the
        # code owed for the one already set up.
        if match is not None and match.view_name in self.ALWAYS_ALLOWED | {step}:
            return None
        return redirect_to_login(request.get_full_path(), login_url=reverse(step))
