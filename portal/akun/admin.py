from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.utils.translation import gettext_lazy as _

from portal.admin_site import IdsOnlyAutocompleteMixin, ReferenceAdminMixin

from .models import PermintaanDataPribadi, User


@admin.register(User)
class UserAdmin(ReferenceAdminMixin, IdsOnlyAutocompleteMixin, BaseUserAdmin):
    """Role (group) and OPD changes are saved through the reference services, which audit them."""

    ordering = ["email"]
    list_display = ["email", "full_name", "opd", "is_active", "is_staff"]
    list_filter = ["groups", "opd", "is_active", "is_staff"]
    search_fields = ["email", "full_name", "phone"]
    autocomplete_fields = ["wilayah"]
    fieldsets = (
        (None, {"fields": ("email", "password")}),
        (_("Data diri"), {"fields": ("full_name", "phone", "wilayah", "language")}),
        (_("Peran"), {"fields": ("groups", "opd", "is_active", "is_staff", "is_superuser")}),
        (_("Waktu"), {"fields": ("last_login", "date_joined")}),
    )
    add_fieldsets = ((None, {"classes": ("wide",), "fields": ("email", "full_name", "password1", "password2")}),)


@admin.register(PermintaanDataPribadi)
class PermintaanDataPribadiAdmin(admin.ModelAdmin):
    """Read-only: requests are recorded and answered on the staff page, where each step is audited."""

    list_display = ["__str__", "kanal", "status", "received_at", "due_at", "handled_by"]
    list_filter = ["jenis", "kanal", "status"]

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False
