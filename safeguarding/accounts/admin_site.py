"""The admin site, signing in and out through the service's own pages."""

from django.contrib import admin
from django.contrib.auth import REDIRECT_FIELD_NAME
from django.contrib.auth.decorators import login_not_required
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.decorators import method_decorator
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.cache import never_cache

from safeguarding.audit.services import Action, audit_record

# Apps whose rows the admin may show: staff and their sign-in, never case records (see accounts/admin.py).
ADMIN_APPS = frozenset({"accounts", "auth", "admin", "otp_totp"})
# Reference data in case apps that a system administrator edits: rows with no case content in them (the
# Workbook's modules of work with parents). Registered with an admin that shows no case record.
ADMIN_REFERENCE_MODELS = frozenset({"workbook.parentingmodule"})


class SafeguardingAdminSite(admin.AdminSite):
    """Django's admin has its own sign-in form, which would skip the lockout, the second sign-in step and
    the audit of signing in. Here it sends people to the service's sign-in page instead."""

    @method_decorator(never_cache)
    @login_not_required
    def login(self, request, extra_context=None):
        target = request.GET.get(REDIRECT_FIELD_NAME, "")
        if not url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
            target = reverse("admin:index", current_app=self.name)
        if request.user.is_authenticated:
            # Signed in but not staff: the admin's own answer would be to show its form again.
            return redirect(target if request.user.is_staff else "casefile:home")
        return redirect_to_login(target)

    def logout(self, request, extra_context=None):
        if request.method == "POST" and request.user.is_authenticated:
            audit_record(actor=request.user, action=Action.SIGN_OUT, request=request)
        return super().logout(request, extra_context)

    def autocomplete_view(self, request):
        # Django answers for any model's foreign key whose target is registered here, so a case model's
        # field (a family's team, an allocation's worker) would be searchable too. Only the admin's own.
        if request.GET.get("app_label") not in ADMIN_APPS:
            raise PermissionDenied
        return super().autocomplete_view(request)
