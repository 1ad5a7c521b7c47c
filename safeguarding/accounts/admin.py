"""System administrators manage organisations, teams and staff here. The admin shows no case content."""

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django_otp.plugins.otp_totp.models import TOTPDevice

from .models import Organisation, SignInLockout, Team, User


@admin.register(Organisation)
class OrganisationAdmin(admin.ModelAdmin):
    list_display = ["name", "kind"]
    list_filter = ["kind"]
    search_fields = ["name"]


@admin.register(Team)
class TeamAdmin(admin.ModelAdmin):
    list_display = ["name", "organisation"]
    search_fields = ["name"]


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    list_display = ["username", "first_name", "last_name", "role", "organisation", "team", "is_active"]
    list_filter = ["role", "organisation", "team", "is_active"]
    fieldsets = (
        *DjangoUserAdmin.fieldsets,
        ("Family Safeguarding", {"fields": ("role", "organisation", "team", "job_title")}),
    )
    add_fieldsets = (
        *DjangoUserAdmin.add_fieldsets,
        ("Family Safeguarding", {"fields": ("first_name", "last_name", "role", "organisation", "team")}),
    )


@admin.register(SignInLockout)
class SignInLockoutAdmin(admin.ModelAdmin):
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
class AuthenticatorAppAdmin(admin.ModelAdmin):
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
