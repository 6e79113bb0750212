from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import URLPattern, path, reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from portal.admin_site import ReadOnlyAdminMixin
from portal.akun.requests import AuthenticatedHttpRequest
from portal.akun.roles import ADMIN, has_role

from . import services
from .models import CAPACITY_MAX, AgendaSarasehan, PendaftaranSarasehan, PoinSarasehan, Sarasehan


class CapacityForm(forms.Form):
    capacity = forms.IntegerField(label=_("Kapasitas"), min_value=1, max_value=CAPACITY_MAX)


class AgendaInline(ReadOnlyAdminMixin, admin.TabularInline):
    model = AgendaSarasehan
    raw_id_fields = ["kasus"]
    extra = 0


@admin.register(Sarasehan)
class SarasehanAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    """Read-only: a forum changes through the services (staff pages), so seats and the waitlist stay right.

    The one change an admin makes here, the capacity, goes through sarasehan_change_capacity, which
    promotes people from the waitlist and logs who changed it.
    """

    list_display = ["title", "starts_at", "venue", "status", "confirmed_count", "capacity"]
    list_filter = ["status", "kecamatan"]
    search_fields = ["title", "venue", "slug"]
    readonly_fields = ["capacity_link"]
    filter_horizontal = ["pejabat"]
    inlines = [AgendaInline]

    def get_urls(self) -> list[URLPattern]:
        capacity = path(
            "<int:object_id>/kapasitas/",
            self.admin_site.admin_view(self.capacity_view),
            name="sarasehan_sarasehan_capacity",
        )
        return [capacity, *super().get_urls()]

    @admin.display(description=_("Ubah kapasitas"))
    def capacity_link(self, obj: Sarasehan) -> str:
        url = reverse("admin:sarasehan_sarasehan_capacity", args=[obj.pk])
        return format_html('<a href="{}">{}</a>', url, _("Ubah kapasitas"))

    def has_capacity_permission(self, request: HttpRequest) -> bool:
        return has_role(request.user, ADMIN)

    def capacity_view(self, request: AuthenticatedHttpRequest, object_id: int) -> HttpResponse:
        if not self.has_capacity_permission(request):
            raise PermissionDenied
        sarasehan = get_object_or_404(Sarasehan, pk=object_id)
        form = CapacityForm(request.POST or None, initial={"capacity": sarasehan.capacity})
        if request.method == "POST" and form.is_valid():
            try:
                services.sarasehan_change_capacity(
                    sarasehan_id=sarasehan.pk, actor=request.user, capacity=form.cleaned_data["capacity"]
                )
            except services.SarasehanError as exc:
                form.add_error("capacity", str(exc))
            else:
                self.message_user(request, _("Kapasitas diubah."), messages.SUCCESS)
                return redirect("admin:sarasehan_sarasehan_change", sarasehan.pk)
        context = {
            **self.admin_site.each_context(request),
            "title": _("Ubah kapasitas"),
            "opts": self.opts,
            "original": sarasehan,
            "form": form,
        }
        return TemplateResponse(request, "admin/service_form.html", context)


@admin.register(PendaftaranSarasehan)
class PendaftaranAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    """Read-only; cancelling goes through pendaftaran_cancel, which frees the seat for the waitlist."""

    list_display = ["code", "name", "email", "sarasehan", "status", "checked_in_at", "created_at"]
    list_filter = ["status", "sarasehan"]
    search_fields = ["code", "name", "email"]
    raw_id_fields = ["user", "kasus", "desa", "checked_in_by"]
    list_select_related = ["sarasehan"]
    actions = ["cancel"]

    @admin.action(description=_("Batalkan pendaftaran terpilih"), permissions=["cancel"])
    def cancel(self, request: HttpRequest, queryset: QuerySet[PendaftaranSarasehan]) -> None:
        cancelled = 0
        for pendaftaran_id in queryset.values_list("pk", flat=True):
            try:
                services.pendaftaran_cancel(pendaftaran_id=pendaftaran_id, actor=request.user)
            except services.SarasehanError as exc:
                self.message_user(request, str(exc), messages.WARNING)
            else:
                cancelled += 1
        message = ngettext("%(count)d pendaftaran dibatalkan.", "%(count)d pendaftaran dibatalkan.", cancelled) % {
            "count": cancelled
        }
        self.message_user(request, message, messages.SUCCESS)

    def has_cancel_permission(self, request: HttpRequest) -> bool:
        return has_role(request.user, ADMIN)


@admin.register(PoinSarasehan)
class PoinAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["sarasehan", "speaker_name", "kasus", "created_at"]
    list_filter = ["sarasehan"]
    raw_id_fields = ["pendaftaran", "kasus", "tindak_lanjut"]
    list_select_related = ["sarasehan", "kasus"]
