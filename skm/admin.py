from django.contrib import admin

from .models import ResponsSurvei, UndanganSurvei


@admin.register(UndanganSurvei)
class UndanganSurveiAdmin(admin.ModelAdmin):
    list_display = ("unit", "event_id", "created_at", "used_at")
    list_filter = ("unit",)
    readonly_fields = [f.name for f in UndanganSurvei._meta.fields]

    def has_add_permission(self, request) -> bool:
        return False


@admin.register(ResponsSurvei)
class ResponsSurveiAdmin(admin.ModelAdmin):
    list_display = ("unit", "opd", "created_at")
    list_filter = ("unit",)
    readonly_fields = [f.name for f in ResponsSurvei._meta.fields]

    def has_add_permission(self, request) -> bool:
        return False
