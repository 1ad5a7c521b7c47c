"""Sign in and out, the second sign-in step, setting one's own password through an emailed link, the account
page and the session's keep-alive. The one place
that decides who the user is: single sign-on would replace the sign-in views."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import NON_FIELD_ERRORS
from django.http import JsonResponse
from django.shortcuts import redirect, render, resolve_url
from django.utils.decorators import method_decorator
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods
from django_otp import login as otp_login

from safeguarding.audit.services import Action, audit_record

from . import selectors, services, sessions, two_factor
from .forms import NewPasswordForm, SecurityCodeForm, SignInForm, locked_message
from .services import CodeCheck

# Why the sign-in page is shown, when it is not a fresh visit: kept in the (anonymous) session.
SIGN_IN_NOTICE = "accounts.sign_in_notice"
WRONG_CODE = "The security code is not correct or has expired. Enter the code your app shows now"
WRONG_SET_UP_CODE = (
    "The security code is not correct. Check you added the key to your app, then enter the code it shows now"
)
# django-otp makes each wrong code wait longer before the next is checked (1, 2, 4 ... seconds).
TOO_SOON = "You entered a wrong code a moment ago. Wait a few seconds, then enter the code your app shows now"


@method_decorator(login_not_required, name="dispatch")
class SignInView(auth_views.LoginView):
    template_name = "accounts/sign_in.html"
    form_class = SignInForm
    redirect_authenticated_user = True

    def form_valid(self, form):
        user = form.get_user()
        response = super().form_valid(form)  # signs in: a new session key, the inactivity clock started
        if selectors.two_factor_device_for(user) is not None:
            second_step = two_factor.CODE
            # Owed even where two-step sign-in is optional: the user chose to protect their account with it.
            self.request.session[two_factor.PENDING] = True
        elif settings.REQUIRE_TWO_FACTOR:
            second_step = two_factor.SET_UP
        else:
            second_step = None
        services.sign_in_record(actor=user, request=self.request, second_step=second_step)
        if second_step is None:
            return response
        step = "accounts:two-factor-code" if second_step == two_factor.CODE else "accounts:two-factor-set-up"
        return redirect(f"{resolve_url(step)}?{urlencode({self.redirect_field_name: response['Location']})}")

    def form_invalid(self, form):
        username = form.typed_username()
        if form.locked_until:
            services.sign_in_refused_record(
                username=username, request=self.request, locked_until=form.locked_until
            )
        else:
            locked_until = services.sign_in_failure_record(username=username, request=self.request)
            if locked_until:
                # This failure reached the limit: say so now rather than on the next try.
                form.errors[NON_FIELD_ERRORS] = form.error_class([locked_message(locked_until)])
        return super().form_invalid(form)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        session = self.request.session
        if sessions.unsaved_form_waiting(self.request):
            context["notice"] = "unsaved"
        elif sessions.timed_out_user_id(self.request):
            context["notice"] = "inactive"
        else:
            context["notice"] = session.pop(SIGN_IN_NOTICE, None)
        context["idle_minutes"] = settings.SESSION_IDLE_TIMEOUT_SECONDS // 60
        context["lockout_minutes"] = settings.SIGN_IN_LOCKOUT_SECONDS // 60
        return context


@method_decorator(login_not_required, name="dispatch")
class SetPasswordView(auth_views.PasswordResetConfirmView):
    """Set one's own password through the one-time link emailed to the account's address (a new account,
    or a forgotten password): no administrator ever sets or sees it.

    Django's view checks the link, keeps its token in the session and moves to an address without it,
    so the token does not linger in the browser's history. Here, the account must also be active, and the
    password is set by the service, which checks the token again under a lock and audits the setting.
    Afterwards the user signs in with it, which leads into two-step sign-in as every sign-in does."""

    form_class = NewPasswordForm
    template_name = "accounts/set_password.html"
    # What the address says in place of the token once it is in the session (not a secret).
    reset_url_token = "new"  # noqa: S105

    def get_user(self, uidb64):
        user = super().get_user(uidb64)
        return user if user is not None and user.is_active else None

    def form_valid(self, form):
        token = self.request.session.get(auth_views.INTERNAL_RESET_SESSION_TOKEN, "")
        try:
            services.user_password_set(
                user=self.user, token=token, password=form.cleaned_data["new_password1"], request=self.request
            )
        except services.PasswordLinkRefused:
            self.validlink = False
            return self.render_to_response(self.get_context_data())
        finally:
            self.request.session.pop(auth_views.INTERNAL_RESET_SESSION_TOKEN, None)
        if self.request.user.is_authenticated:
            # Someone else was signed in on this browser: the next step is this user's sign-in.
            logout(self.request)
        self.request.session[SIGN_IN_NOTICE] = "password_set"
        return redirect("accounts:sign-in")


class SignOutView(auth_views.LogoutView):
    template_name = "accounts/signed_out.html"

    def post(self, request, *args, **kwargs):
        if request.user.is_authenticated:
            audit_record(actor=request.user, action=Action.SIGN_OUT, request=request)
        return super().post(request, *args, **kwargs)


def _next_url(request) -> str:
    """Where to go once the second step is done: the page the user first asked for, if it is ours."""
    target = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return resolve_url(settings.LOGIN_REDIRECT_URL)


def _signed_in_fully(request, device) -> None:
    otp_login(request, device)
    request.session.pop(two_factor.PENDING, None)


@never_cache
@require_http_methods(["GET", "POST"])
def two_factor_code(request):
    """The second sign-in step: the code from the user's authenticator app."""
    if two_factor.outstanding(request) != two_factor.CODE:
        return redirect(_next_url(request))
    user = request.user
    form = SecurityCodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        outcome, device = services.two_factor_code_verify(
            actor=user, code=form.cleaned_data["code"], request=request
        )
        if outcome is CodeCheck.VERIFIED:
            _signed_in_fully(request, device)
            return redirect(_next_url(request))
        if outcome is CodeCheck.LOCKED:
            # Too many wrong codes: the password step must be passed again once the lock ends.
            logout(request)
            request.session[SIGN_IN_NOTICE] = "locked"
            return redirect("accounts:sign-in")
        form.add_error("code", TOO_SOON if outcome is CodeCheck.TOO_SOON else WRONG_CODE)
    return render(request, "accounts/two_factor_code.html", {"form": form, "next": _next_url(request)})


@never_cache
@require_http_methods(["GET", "POST"])
def two_factor_set_up(request):
    """Set up an authenticator app: scan the QR code (or type the key), then prove it with a code. Owed
    before anything else where two-step sign-in is required; offered on the Account page elsewhere."""
    owed = two_factor.outstanding(request)
    if owed == two_factor.CODE:
        # A new app may not be set up in place of the code owed for the one already set up.
        return redirect("accounts:two-factor-code")
    user = request.user
    device = services.two_factor_device_start(actor=user)
    form = SecurityCodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid() and not selectors.two_factor_code_may_be_checked(device):
        form.add_error("code", TOO_SOON)
    elif request.method == "POST" and form.is_valid():
        if services.two_factor_device_confirm(
            actor=user, device=device, code=form.cleaned_data["code"], request=request
        ):
            _signed_in_fully(request, device)
            messages.success(
                request, "Two-step sign-in is set up. You will be asked for a code each time you sign in."
            )
            return redirect(_next_url(request) if owed else "accounts:account")
        form.add_error("code", WRONG_SET_UP_CODE)
    context = {
        "form": form,
        "owed": owed,
        "next": _next_url(request),
        "qr_code": two_factor.qr_code_svg(device, label="QR code to scan with your authenticator app"),
        "secret": two_factor.secret_in_groups(device),
        "replacing": selectors.two_factor_device_for(user) is not None,
    }
    return render(request, "accounts/two_factor_set_up.html", context)


def account(request):
    """The user's own account: who they are signed in as, and their two-step sign-in."""
    device = selectors.two_factor_device_for(request.user)
    return render(request, "accounts/account.html", {"device": device})


@login_not_required
@never_cache
@require_http_methods(["GET", "POST"])
def session_status(request):
    """How long the session has left (GET), or keep it alive (POST, the warning's "Stay signed in").

    The timeout warning script asks before it warns, so a session kept alive in another tab is not
    warned about, and a GET here does not itself count as activity. Open to everyone so that a script on a
    page whose session has ended gets an answer rather than the sign-in page."""
    signed_in = request.user.is_authenticated and not two_factor.outstanding(request)
    if signed_in and request.method == "POST":
        sessions.activity_touch(request, force=True)
    return JsonResponse(
        {"signed_in": signed_in, "seconds_left": round(sessions.seconds_left(request)) if signed_in else 0}
    )


# Read by IdleSessionMiddleware: asking how long is left is not activity.
session_status.session_activity_exempt = True
