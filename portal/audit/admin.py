from django.contrib import admin

from portal.admin_site import BoundedDateHierarchyMixin, ReadOnlyAdminMixin

from .models import AuditEntry


@admin.register(AuditEntry)
class AuditEntryAdmin(ReadOnlyAdminMixin, BoundedDateHierarchyMixin, admin.ModelAdmin):
    """Append-only: entries are written by portal.audit.services.audit_record() and never edited."""

    list_display = ["created_at", "action", "actor", "object_type", "object_id", "object_repr"]
    list_filter = ["action", "object_type"]
    search_fields = ["action", "object_repr", "object_id", "actor__email"]
    date_hierarchy = "created_at"
    list_select_related = ["actor"]
