from django.contrib import admin

from portal.admin_site import ReadOnlyAdminMixin

from .models import AuditEntry


@admin.register(AuditEntry)
class AuditEntryAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    """Append-only: entries are written by portal.audit.services.audit_record() and never edited."""

    list_display = ["created_at", "actor", "action", "object_type", "object_repr"]
    list_filter = ["action", "object_type"]
    search_fields = ["object_repr", "object_id", "actor__email"]
    list_select_related = ["actor"]
