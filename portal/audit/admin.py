from django.contrib import admin
from django.http import HttpRequest

from portal.admin_site import BoundedDateHierarchyMixin

from .models import AuditEntry


@admin.register(AuditEntry)
class AuditEntryAdmin(BoundedDateHierarchyMixin, admin.ModelAdmin):
    """Read-only: the trail is written by services only (e.g. who saw a protected reporter's identity)."""

    list_display = ["created_at", "action", "actor", "object_type", "object_id", "object_repr"]
    list_filter = ["action"]
    search_fields = ["action", "object_id"]
    date_hierarchy = "created_at"
    list_select_related = ["actor"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: AuditEntry | None = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: AuditEntry | None = None) -> bool:
        return False
