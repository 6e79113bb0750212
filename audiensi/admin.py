from django.contrib import admin

from portal.admin_site import BoundedDateHierarchyMixin

from .models import AturanMingguan, Audiensi, PengaturanAudiensi, Pengecualian


@admin.register(PengaturanAudiensi)
class PengaturanAudiensiAdmin(admin.ModelAdmin):
    list_display = ["pejabat", "min_hari_kerja", "max_hari", "batas_permohonan_terbuka", "masa_tahan_hari_kerja"]


@admin.register(AturanMingguan)
class AturanMingguanAdmin(admin.ModelAdmin):
    list_display = ["pejabat", "weekday", "start_time", "end_time", "slot_minutes", "buffer_minutes"]
    list_filter = ["pejabat", "weekday"]


@admin.register(Pengecualian)
class PengecualianAdmin(BoundedDateHierarchyMixin, admin.ModelAdmin):
    list_display = ["pejabat", "date", "start_time", "end_time", "reason"]
    list_filter = ["pejabat"]
    date_hierarchy = "date"


@admin.register(Audiensi)
class AudiensiAdmin(BoundedDateHierarchyMixin, admin.ModelAdmin):
    """Read-only: every change goes through the services so that the case timeline records it."""

    list_display = ["pejabat", "start_at", "status", "kasus", "pemohon"]
    list_filter = ["status", "pejabat"]
    date_hierarchy = "start_at"
    search_fields = ["kasus__reference", "topik", "pemohon__email"]
    list_select_related = ["pejabat", "kasus", "pemohon"]

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False
