"""The system administrator edits the modules of the programme of direct work with parents here.

Only the modules: they are reference data (a name, a purpose, prompts for the worker, an order), the same
for every family. What families did in them (ModuleWork), sessions and assessments are case content, and
the admin shows none (accounts/admin.py): they are not registered, the module admin's changelist cannot
filter through them, and a module is retired (not active) rather than deleted, since sessions and module
work refer to it.
"""

from django.contrib import admin

from safeguarding.accounts.admin import NoCaseContentAdmin

from .models import ParentingModule


@admin.register(ParentingModule)
class ParentingModuleAdmin(NoCaseContentAdmin):
    list_display = ["order", "name", "active"]
    list_display_links = ["name"]
    list_filter = ["active"]
    search_fields = ["name"]
    fields = ["name", "purpose", "prompts", "order", "active"]
    ordering = ["order", "name"]

    def has_delete_permission(self, request, obj=None):
        # Sessions and parents' module work refer to a module: retire it (untick Active) instead.
        return False
