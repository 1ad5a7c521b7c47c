from django.contrib import admin

from .models import AuditEvent


@admin.register(AuditEvent)
class AuditEventAdmin(admin.ModelAdmin):
    """Read-only: audit events are never changed or removed, not even by a system administrator."""

    list_display = ["occurred_at", "actor_username", "action", "object_type", "object_id", "ip_address"]
    list_filter = ["action", "object_type"]
    search_fields = ["actor_username", "object_id"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    # Only the auditor role reads the audit log. Not the system administrator, although a superuser:
    # the log holds search terms and corrected values, which are case content.
    def has_view_permission(self, request, obj=None):
        return request.user.is_active and getattr(request.user, "role", "") == "auditor"

    def has_module_permission(self, request):
        return self.has_view_permission(request)
