"""System administrators manage organisations, teams and staff here. The admin shows no case content.

A system administrator has no case access (access/policies.py), and the admin must not give them any by
the back door. Django's admin reaches related rows in ways that are easy to miss: the delete confirmation
lists everything a deletion would touch or is blocked by (a team's families by name and reference, a
worker's allocations, the adults whose details they recorded); a changelist filters by any single
relation named in the address (`?allocations__isnull=False`); the autocomplete answers for any model's
foreign key (admin_site.py). Each is refused for rows outside the admin's own apps (ADMIN_APPS). Users
and teams are never deleted: they are deactivated or closed, since case records and audit events name them.

Changes to a user's access (role, team, organisation, email address, admin rights, activation) go through
`services.user_change_access`, which refuses a change to one's own access and audits every change. No
administrator sets a password: the owner of the account sets it through an emailed link (UserAdmin).
"""

from django.contrib import admin, messages
from django.contrib.admin.utils import NestedObjects, unquote
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.core.exceptions import FieldDoesNotExist, PermissionDenied, ValidationError
from django.db import router
from django.db.models.constants import LOOKUP_SEP
from django.http import Http404, HttpResponseNotAllowed
from django.shortcuts import redirect
from django.urls import path
from django_otp.plugins.otp_totp.models import TOTPDevice

from . import services
from .admin_site import ADMIN_APPS
from .forms import EMAIL_IN_USE, StaffAccountAddForm
from .models import Organisation, SignInLockout, Team, User

CASE_RECORDS_REFER = "Records in the case system refer to this, so it cannot be deleted."


def _admin_may_show(model) -> bool:
    return model._meta.app_label in ADMIN_APPS


class NoCaseContentAdmin(admin.ModelAdmin):
    """An admin that never names, lists or filters by a case record."""

    def get_deleted_objects(self, objs, request):
        # Django lists every row a deletion would remove or is blocked by, each by its str(): for a team,
        # its families' names and references. If any is outside the admin's apps, list none of them.
        collector = NestedObjects(using=router.db_for_write(self.model))
        collector.collect(objs)
        touched = set(collector.model_objs) | {type(obj) for obj in collector.protected}
        if not all(_admin_may_show(model) for model in touched):
            return [], {}, set(), [CASE_RECORDS_REFER]
        return super().get_deleted_objects(objs, request)

    def lookup_allowed(self, lookup, value, request=None):
        # Django allows a filter through any one relation in the address; refuse any that reaches a case
        # record, which would tell which teams hold families or which workers hold cases.
        model = self.model
        for part in lookup.split(LOOKUP_SEP):
            try:
                field = model._meta.get_field(part)
            except FieldDoesNotExist:
                break
            if not field.is_relation:
                break
            model = field.related_model
            if not _admin_may_show(model):
                return False
        return super().lookup_allowed(lookup, value, request)


@admin.register(Organisation)
class OrganisationAdmin(NoCaseContentAdmin):
    list_display = ["name", "kind"]
    list_filter = ["kind"]
    search_fields = ["name"]


@admin.register(Team)
class TeamAdmin(NoCaseContentAdmin):
    """Teams are closed, not deleted: families, allocations and audit events name them."""

    list_display = ["name", "organisation", "is_active"]
    list_filter = ["is_active"]
    search_fields = ["name"]

    def has_delete_permission(self, request, obj=None):
        return False

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change=change, **kwargs)

        class TeamForm(form):
            def clean(self):
                cleaned = super().clean()
                if self.instance.pk and self.instance.is_active and cleaned.get("is_active") is False:
                    for field, error in services.team_close_errors(team=self.instance).items():
                        self.add_error(field, error)
                return cleaned

        return TeamForm

    def save_model(self, request, obj, form, change):
        if not change or "is_active" not in form.changed_data:
            super().save_model(request, obj, form, change)
            return
        # Closing or reopening is audited by its service; every other field is saved here.
        is_active = obj.is_active
        obj.is_active = not is_active
        super().save_model(request, obj, form, change)
        service = services.team_reopen if is_active else services.team_close
        obj.is_active = service(actor=request.user, team=obj, request=request).is_active


@admin.register(User)
class UserAdmin(NoCaseContentAdmin, DjangoUserAdmin):
    """Staff are deactivated, not deleted. Role, team, organisation, email address, admin rights and
    activation are changed through `services.user_change_access`: never one's own, and always audited.

    An administrator never sets or sees a password (issue #8): one who did could sign in as a caseworker
    and read the case records they must never see. A new account has no usable password; its owner is
    emailed a one-time link to set their own, and "Send a new set-password link" does the same for someone
    who has forgotten theirs. Django's own "change password" page and the add form's password boxes are
    gone."""

    list_display = ["username", "first_name", "last_name", "role", "organisation", "team", "is_active"]
    list_filter = ["role", "organisation", "team", "is_active"]
    fieldsets = (
        (None, {"fields": ("username",)}),
        *DjangoUserAdmin.fieldsets[1:],
        ("Family Safeguarding", {"fields": ("role", "organisation", "team", "job_title", "phone")}),
    )
    add_form = StaffAccountAddForm
    # Django's add page says "First, enter a username and password": ours has no password to enter.
    add_form_template = None
    add_fieldsets = (
        (
            None,
            {
                "fields": ("username", "email", "first_name", "last_name", "role", "organisation", "team"),
                "description": (
                    "The new user is emailed a link to set their own password. You will not see it."
                ),
            },
        ),
    )
    actions = ["deactivate", "send_password_link"]

    def has_delete_permission(self, request, obj=None):
        return False

    def user_change_password(self, request, id, form_url=""):
        # Django's page for an administrator to type someone's new password: not here.
        raise Http404

    def get_urls(self):
        send = path(
            "<id>/send-password-link/",
            self.admin_site.admin_view(self.send_password_link_view),
            name="accounts_user_send_password_link",
        )
        return [send, *super().get_urls()]

    def send_password_link_view(self, request, id):
        """The button on a user's page: email them a new set-password link (POST only)."""
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        user = self.get_object(request, unquote(id))
        if user is None:
            raise Http404
        if not self.has_change_permission(request, user):
            raise PermissionDenied
        self._send_password_link(request, user)
        return redirect("admin:accounts_user_change", user.pk)

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change=change, **kwargs)
        actor = request.user

        class AccessForm(form):
            def __init__(self, *args, **kwargs):
                super().__init__(*args, **kwargs)
                # Django's change form shows the password hash with a link to change it.
                self.fields.pop("password", None)

            def clean_email(self):
                email = (self.cleaned_data.get("email") or "").strip()
                if email.lower() == (self.initial.get("email") or "").lower():
                    return email  # unchanged: an older account sharing it does not block other edits
                other = services.email_in_use_by(email=email, user=self.instance)
                if other is not None:
                    raise ValidationError(EMAIL_IN_USE.format(username=other.get_username()), code="in_use")
                return email

            def clean(self):
                cleaned = super().clean()
                changes = {
                    name: cleaned[name]
                    for name in services.ACCESS_FIELDS
                    if name in self.changed_data and name in cleaned
                }
                errors = services.user_access_change_errors(actor=actor, user=self.instance, changes=changes)
                for field, error in errors.items():
                    self.add_error(field, error)
                return cleaned

        return AccessForm

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        form = context["adminform"].form
        own = [
            field
            for field, errors in form.errors.as_data().items()
            if any(error.code == services.OWN_ACCESS for error in errors)
        ]
        if own and obj is not None:
            services.user_access_change_refused_record(
                actor=request.user, user=obj, fields=own, request=request
            )
        return super().render_change_form(request, context, add, change, form_url, obj)

    def save_model(self, request, obj, form, change):
        if not change:
            services.user_create(actor=request.user, user=obj, request=request)
            self._send_password_link(request, obj, new_account=True)
            return
        # The access fields are changed by the service, which audits them; every other field is saved here.
        wanted = {name: getattr(obj, name) for name in services.ACCESS_FIELDS if name in form.changed_data}
        stored = User.objects.get(pk=obj.pk)
        for name in wanted:
            setattr(obj, name, getattr(stored, name))
        super().save_model(request, obj, form, change)
        services.user_change_access(actor=request.user, user=obj, request=request, **wanted)

    def _send_password_link(self, request, user, *, new_account=False) -> bool:
        """Send the link and tell the administrator where it went: the address, never the link."""
        try:
            sent_to = services.user_password_link_send(
                actor=request.user, user=user, request=request, new_account=new_account
            )
        except services.PasswordLinkRefused as refused:
            self.message_user(request, str(refused), messages.ERROR)
            return False
        except OSError:
            # The mail server refused or could not be reached: nothing was sent or recorded.
            self.message_user(
                request,
                f"The set-password link for {user.get_username()} could not be sent. Try again later with "
                '"Send a new set-password link".',
                messages.ERROR,
            )
            return False
        self.message_user(request, f"A set-password link was sent to {sent_to}.", messages.SUCCESS)
        return True

    @admin.action(description="Send a new set-password link", permissions=["change"])
    def send_password_link(self, request, queryset):
        # For someone who has forgotten their password. Their current password keeps working until they
        # use the link: an administrator's click does not lock anyone out.
        for user in queryset.order_by("username"):
            self._send_password_link(request, user)

    @admin.action(description="Deactivate selected users", permissions=["change"])
    def deactivate(self, request, queryset):
        done, refused = 0, []
        for user in queryset.filter(is_active=True):
            try:
                services.user_change_access(actor=request.user, user=user, is_active=False, request=request)
            except ValidationError:
                refused.append(user.get_username())
            else:
                done += 1
        if done:
            self.message_user(
                request, f"Deactivated {done} user{'s' if done != 1 else ''}.", messages.SUCCESS
            )
        if refused:
            self.message_user(
                request,
                f"You cannot deactivate your own account ({', '.join(refused)}). "
                "Ask another system administrator.",
                messages.ERROR,
            )


@admin.register(SignInLockout)
class SignInLockoutAdmin(NoCaseContentAdmin):
    """Who is locked out of signing in, and until when. Deleting a lockout lifts it early (for example once
    the user has confirmed by phone that the failed attempts were theirs)."""

    list_display = ["scope", "key", "locked_at", "locked_until"]
    list_filter = ["scope"]
    search_fields = ["key"]
    readonly_fields = ["scope", "key", "locked_at", "locked_until"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


# django-otp's own device admin can add a device with a key the administrator chooses, which would let
# them make the user's codes. Ours lists devices and can delete one (a lost phone: the user sets up a new
# app at their next sign-in) and nothing else: no keys, no QR codes, no new devices.
admin.site.unregister(TOTPDevice)


@admin.register(TOTPDevice)
class AuthenticatorAppAdmin(NoCaseContentAdmin):
    list_display = ["user", "name", "confirmed", "created_at", "last_used_at"]
    list_filter = ["confirmed"]
    search_fields = ["user__username", "user__first_name", "user__last_name"]
    fields = ["user", "name", "confirmed", "created_at", "last_used_at"]
    readonly_fields = fields
    list_select_related = ["user"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
