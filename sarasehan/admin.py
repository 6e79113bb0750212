from django.contrib import admin

from .models import AgendaSarasehan, PendaftaranSarasehan, PoinSarasehan, Sarasehan


class AgendaInline(admin.TabularInline):
    model = AgendaSarasehan
    raw_id_fields = ["kasus"]
    extra = 0


@admin.register(Sarasehan)
class SarasehanAdmin(admin.ModelAdmin):
    list_display = ["title", "starts_at", "venue", "status", "confirmed_count", "capacity"]
    list_filter = ["status", "kecamatan"]
    search_fields = ["title", "venue", "slug"]
    # Seats and status change only through the services (they enforce the waitlist).
    readonly_fields = ["confirmed_count", "status", "published_at", "reminder_sent_at", "notulen_published_at"]
    filter_horizontal = ["pejabat"]
    inlines = [AgendaInline]


@admin.register(PendaftaranSarasehan)
class PendaftaranAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "email", "sarasehan", "status", "checked_in_at", "created_at"]
    list_filter = ["status", "sarasehan"]
    search_fields = ["code", "name", "email"]
    raw_id_fields = ["user", "kasus", "desa", "checked_in_by"]
    list_select_related = ["sarasehan"]

    def has_change_permission(self, request, obj=None):
        return False

    def has_add_permission(self, request):
        return False


@admin.register(PoinSarasehan)
class PoinAdmin(admin.ModelAdmin):
    list_display = ["sarasehan", "speaker_name", "kasus", "created_at"]
    list_filter = ["sarasehan"]
    raw_id_fields = ["pendaftaran", "kasus", "tindak_lanjut"]
    list_select_related = ["sarasehan", "kasus"]

    def has_change_permission(self, request, obj=None):
        return False

    def has_add_permission(self, request):
        return False
