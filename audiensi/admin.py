from typing import Any

from django import forms
from django.contrib import admin
from django.db.models import Model, QuerySet
from django.http import HttpRequest

from portal.admin_site import BoundedDateHierarchyMixin, ReadOnlyAdminMixin
from portal.akun.models import User
from portal.akun.requests import admin_actor

from . import availability, services
from .models import AturanMingguan, Audiensi, PengaturanAudiensi, Pengecualian


class ServiceForm(forms.ModelForm):
    """An admin form whose row is written by a service, so the service's checks apply and it logs.

    The service runs at the end of validation, inside the admin's transaction, so that what it refuses
    (an overlapping rule) shows as a form error instead of a failed save.
    """

    actor: User | None = None

    def save_through_service(self) -> Model:
        raise NotImplementedError

    def full_clean(self) -> None:
        super().full_clean()
        if not self.is_bound or self.errors:
            return
        try:
            self.instance = self.save_through_service()
        except services.AudiensiError as exc:
            self.add_error(None, str(exc))


class ServiceFormAdmin(admin.ModelAdmin):
    """Writes through `service_form`; deleting goes through `delete_model`, which subclasses route to a service."""

    service_form: type[ServiceForm]

    def get_form(self, request: HttpRequest, obj: Model | None = None, change: bool = False, **kwargs: Any) -> Any:
        kwargs["form"] = type("AdminServiceForm", (self.service_form,), {"actor": request.user})
        return super().get_form(request, obj, change=change, **kwargs)

    def save_model(self, request: HttpRequest, obj: Model, form: Any, change: bool) -> None:
        """Nothing left to do: the form's service saved the row while validating."""

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet[Any]) -> None:
        for obj in queryset:
            self.delete_model(request, obj)


class ServiceAddAdmin(ServiceFormAdmin):
    """Rows that are added and deleted, never edited in place (availability rules and exceptions)."""

    def has_change_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return False


class PengaturanForm(ServiceForm):
    class Meta:
        model = PengaturanAudiensi
        fields = ["pejabat", "min_hari_kerja", "max_hari", "batas_permohonan_terbuka", "masa_tahan_hari_kerja"]

    def save_through_service(self) -> Model:
        values = dict(self.cleaned_data)
        pejabat = values.pop("pejabat", None) or self.instance.pejabat
        return availability.pengaturan_save(pejabat=pejabat, actor=self.actor, **values)


class AturanForm(ServiceForm):
    class Meta:
        model = AturanMingguan
        fields = ["pejabat", "weekday", "start_time", "end_time", "slot_minutes", "buffer_minutes"]

    def save_through_service(self) -> Model:
        return availability.aturan_add(actor=self.actor, **self.cleaned_data)


class PengecualianForm(ServiceForm):
    class Meta:
        model = Pengecualian
        fields = ["pejabat", "date", "start_time", "end_time", "reason"]

    def save_through_service(self) -> Model:
        return availability.pengecualian_add(actor=self.actor, **self.cleaned_data)


@admin.register(PengaturanAudiensi)
class PengaturanAudiensiAdmin(ServiceFormAdmin):
    """Booking settings are saved through pengaturan_save, like on the protokol page; never deleted here."""

    list_display = ["pejabat", "min_hari_kerja", "max_hari", "batas_permohonan_terbuka", "masa_tahan_hari_kerja"]
    service_form = PengaturanForm

    def get_readonly_fields(self, request: HttpRequest, obj: Model | None = None) -> list[str]:
        # The service keys the settings by pejabat: moving them to another pejabat is no edit.
        return ["pejabat"] if obj is not None else []

    def has_delete_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return False


@admin.register(AturanMingguan)
class AturanMingguanAdmin(ServiceAddAdmin):
    list_display = ["pejabat", "weekday", "start_time", "end_time", "slot_minutes", "buffer_minutes"]
    list_filter = ["pejabat", "weekday"]
    service_form = AturanForm

    def delete_model(self, request: HttpRequest, obj: AturanMingguan) -> None:
        availability.aturan_delete(aturan_id=obj.pk, pejabat=obj.pejabat, actor=admin_actor(request))


@admin.register(Pengecualian)
class PengecualianAdmin(BoundedDateHierarchyMixin, ServiceAddAdmin):
    list_display = ["pejabat", "date", "start_time", "end_time", "reason"]
    list_filter = ["pejabat"]
    date_hierarchy = "date"
    service_form = PengecualianForm

    def delete_model(self, request: HttpRequest, obj: Pengecualian) -> None:
        availability.pengecualian_delete(pengecualian_id=obj.pk, pejabat=obj.pejabat, actor=admin_actor(request))


@admin.register(Audiensi)
class AudiensiAdmin(ReadOnlyAdminMixin, BoundedDateHierarchyMixin, admin.ModelAdmin):
    """Read-only: every change goes through the services so that the case timeline records it."""

    list_display = ["pejabat", "starts_at", "status", "kasus", "pemohon"]
    list_filter = ["status", "pejabat"]
    date_hierarchy = "starts_at"
    search_fields = ["kasus__reference", "topic", "pemohon__email"]
    list_select_related = ["pejabat", "kasus", "pemohon"]
