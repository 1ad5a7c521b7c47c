"""Sign in and out. The one place that decides who the user is: single sign-on would replace these views."""

from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_not_required
from django.contrib.auth.forms import AuthenticationForm
from django.utils.decorators import method_decorator

from safeguarding.audit.services import Action, audit_record
from safeguarding.core.forms import govuk_required_messages


class SignInForm(AuthenticationForm):
    error_messages = {
        "invalid_login": "Enter a correct username and password. Both are case-sensitive.",
        "inactive": "This account has been switched off. Ask your system administrator.",
    }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        govuk_required_messages(self)
        # Django autofocuses the username box; GOV.UK advises against autofocus: focus would skip the
        # skip link, the heading and the instructions, and screen-reader users would land mid-page.
        self.fields["username"].widget.attrs.pop("autofocus", None)


@method_decorator(login_not_required, name="dispatch")
class SignInView(auth_views.LoginView):
    template_name = "accounts/sign_in.html"
    form_class = SignInForm
    redirect_authenticated_user = True

    def form_valid(self, form):
        response = super().form_valid(form)
        audit_record(actor=form.get_user(), action=Action.SIGN_IN, request=self.request)
        return response

    def form_invalid(self, form):
        # The username tried is recorded so an auditor can see repeated failures against one account.
        # NUL is replaced because PostgreSQL cannot store it in the JSON detail (a 500 on sign-in otherwise);
        # U+FFFD keeps it visible to the auditor that something odd was typed.
        username = (self.request.POST.get("username") or "")[:150].replace("\x00", "\ufffd")
        audit_record(
            actor=None, action=Action.SIGN_IN_FAILED, request=self.request, detail={"username": username}
        )
        return super().form_invalid(form)


class SignOutView(auth_views.LogoutView):
    template_name = "accounts/signed_out.html"

    def post(self, request, *args, **kwargs):
        if request.user.is_authenticated:
            audit_record(actor=request.user, action=Action.SIGN_OUT, request=request)
        return super().post(request, *args, **kwargs)
