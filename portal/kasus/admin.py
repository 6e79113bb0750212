from django.contrib import admin, messages
from django.db.models import Model, QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from portal.admin_site import BoundedDateHierarchyMixin, ReadOnlyAdminMixin, ReferenceAdminMixin
from portal.akun.roles import ADMIN, has_role

from .models import HariLibur, Kasus, OutboxEmail, Riwayat, TindakLanjut
from .outbox import outbox_requeue


class ReadOnlyAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    """Cases, their timeline and the outbox change only through the kasus services."""


class RiwayatInline(admin.TabularInline):
    model = Riwayat
    readonly_fields = ("created_at", "kind", "visibility", "actor", "by_reporter", "text")
    fields = readonly_fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return False

    @admin.display(description=_("teks"))
    def text(self, obj: Riwayat) -> str:
        return obj.text


@admin.register(Kasus)
class KasusAdmin(ReadOnlyAdmin):
    """Cases change only through the services (staff back-office); the admin is for reading."""

    list_display = ["reference", "title", "status", "opd", "kecamatan", "created_at"]
    list_filter = ["status", "channel", "priority"]
    search_fields = ["reference", "title", "lapor_tracking_id"]
    list_select_related = ["opd", "kecamatan"]
    inlines = [RiwayatInline]


@admin.register(Riwayat)
class RiwayatAdmin(ReadOnlyAdmin):
    list_display = ["kasus", "kind", "visibility", "actor", "created_at"]
    list_filter = ["visibility", "kind"]
    list_select_related = ["kasus", "actor"]


@admin.register(TindakLanjut)
class TindakLanjutAdmin(ReadOnlyAdmin):
    list_display = ["kasus", "description", "opd", "due_date", "status"]
    list_filter = ["status", "opd"]
    list_select_related = ["kasus", "opd"]


@admin.register(HariLibur)
class HariLiburAdmin(ReferenceAdminMixin, BoundedDateHierarchyMixin, admin.ModelAdmin):
    list_display = ["date", "name"]
    date_hierarchy = "date"


@admin.register(OutboxEmail)
class OutboxEmailAdmin(ReadOnlyAdmin):
    list_display = ["to", "subject", "state", "attempts", "created_at", "sent_at"]
    list_filter = ["state", "template"]
    search_fields = ["to", "subject"]
    actions = ["requeue"]

    @admin.action(description=_("Kirim ulang email yang gagal"), permissions=["requeue"])
    def requeue(self, request: HttpRequest, queryset: QuerySet[OutboxEmail]) -> None:
        count = outbox_requeue(outbox_ids=list(queryset.values_list("pk", flat=True)))
        self.message_user(
            request,
            ngettext("%(count)d email dikirim ulang.", "%(count)d email dikirim ulang.", count) % {"count": count},
            messages.SUCCESS,
        )

    def has_requeue_permission(self, request: HttpRequest) -> bool:
        return has_role(request.user, ADMIN)
