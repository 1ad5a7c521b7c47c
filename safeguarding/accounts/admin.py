"""System administrators manage organisations, teams and staff here. The admin shows no case content."""

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin

from .models import Organisation, Team, User


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
