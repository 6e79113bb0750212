from django.contrib import admin
from django.db import models

from portal.admin_site import ReadOnlyAdminMixin

from .models import Aspirasi, Lampiran


class LampiranInline(ReadOnlyAdminMixin, admin.TabularInline):
    model = Lampiran
    extra = 0
    fields = ("role", "original_name", "content_type", "size", "sha256", "created_at")
    readonly_fields = fields
    can_delete = False
    show_change_link = False


@admin.register(Aspirasi)
class AspirasiAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    """Read-only: submissions and their files change only through the aspirasi services."""

    list_display = ("pk", "kasus", "jenis", "channel", "created_at")
    list_filter = ("jenis", "channel")
    search_fields = ("kasus__reference",)
    raw_id_fields = ("kasus", "created_by")
    readonly_fields = ("idempotency_key", "consent_at", "consent_version", "confirm_expires_at", "created_at")
    inlines = [LampiranInline]
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}


@admin.register(Lampiran)
class LampiranAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ("original_name", "kasus", "role", "content_type", "size", "created_at")
    list_filter = ("role", "content_type")
    search_fields = ("kasus__reference", "sha256")
    raw_id_fields = ("kasus", "aspirasi", "uploaded_by")
    readonly_fields = ("file", "original_name", "content_type", "size", "sha256", "created_at")
