from django.contrib import admin

from portal.admin_site import ReadOnlyAdminMixin

from .models import ResponsSurvei, UndanganSurvei


@admin.register(UndanganSurvei)
class UndanganSurveiAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ("unit", "event_id", "created_at", "used_at")
    list_filter = ("unit",)


@admin.register(ResponsSurvei)
class ResponsSurveiAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ("unit", "opd", "created_at")
    list_filter = ("unit",)
