from collections.abc import Callable
from typing import Any, ClassVar

from django import forms
from django.contrib import admin
from django.db.models import Model, QuerySet
from django.http import HttpRequest

from portal.admin_site import BoundedDateHierarchyMixin, ReadOnlyAdminMixin

from . import services
from .models import AturanMingguan, Audiensi, PengaturanAudiensi, Pengecualian


class ServiceAddForm(forms.ModelForm):
    """An admin add form whose row is created by a service, so the service's checks apply.

    The service runs at the end of validation, inside the admin's transaction, so that what it refuses
    (an overlapping rule) shows as a form error instead of a failed save.
    """

    actor: Any = None
    create: ClassVar[Callable[..., Model]]

    def full_clean(self) -> None:
        super().full_clean()
        if not self.is_bound or self._errors:
            return
        try:
            self.instance = type(self).create(actor=self.actor, **self.cleaned_data)
        except services.AudiensiError as exc:
            self.add_error(None, str(exc))


class ServiceAddAdmin(admin.ModelAdmin):
    """Add and delete through the availability services; rows are never edited in place."""

    add_form: type[ServiceAddForm]

    def get_form(self, request: HttpRequest, obj: Model | None = None, change: bool = False, **kwargs: Any) -> Any:
        if obj is not None:
            return super().get_form(request, obj, change=change, **kwargs)
        kwargs["form"] = type("AdminAddForm", (self.add_form,), {"actor": request.user})
        return super().get_form(request, obj, change=change, **kwargs)

    def has_change_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return False

    def save_model(self, request: HttpRequest, obj: Model, form: Any, change: bool) -> None:
        """Nothing left to do: the form's service created the row while validating."""

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet[Any]) -> None:
        for obj in queryset:
            self.delete_model(request, obj)


class AturanForm(ServiceAddForm):
    create = staticmethod(services.aturan_add)

    class Meta:
        model = AturanMingguan
        fields = ["pejabat", "weekday", "start_time", "end_time", "slot_minutes", "buffer_minutes"]


class PengecualianForm(ServiceAddForm):
    create = staticmethod(services.pengecualian_add)

    class Meta:
        model = Pengecualian
        fields = ["pejabat", "date", "start_time", "end_time", "reason"]


@admin.register(PengaturanAudiensi)
class PengaturanAudiensiAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    """Read-only: protokol staff change booking settings on their own page, through pengaturan_save."""

    list_display = ["pejabat", "min_hari_kerja", "max_hari", "batas_permohonan_terbuka", "masa_tahan_hari_kerja"]


@admin.register(AturanMingguan)
class AturanMingguanAdmin(ServiceAddAdmin):
    list_display = ["pejabat", "weekday", "start_time", "end_time", "slot_minutes", "buffer_minutes"]
    list_filter = ["pejabat", "weekday"]
    add_form = AturanForm

    def delete_model(self, request: HttpRequest, obj: AturanMingguan) -> None:
        services.aturan_delete(aturan_id=obj.pk, pejabat=obj.pejabat, actor=request.user)


@admin.register(Pengecualian)
class PengecualianAdmin(BoundedDateHierarchyMixin, ServiceAddAdmin):
    list_display = ["pejabat", "date", "start_time", "end_time", "reason"]
    list_filter = ["pejabat"]
    date_hierarchy = "date"
    add_form = PengecualianForm

    def delete_model(self, request: HttpRequest, obj: Pengecualian) -> None:
        services.pengecualian_delete(pengecualian_id=obj.pk, pejabat=obj.pejabat, actor=request.user)


@admin.register(Audiensi)
class AudiensiAdmin(ReadOnlyAdminMixin, BoundedDateHierarchyMixin, admin.ModelAdmin):
    """Read-only: every change goes through the services so that the case timeline records it."""

    list_display = ["pejabat", "start_at", "status", "kasus", "pemohon"]
    list_filter = ["status", "pejabat"]
    date_hierarchy = "start_at"
    search_fields = ["kasus__reference", "topik", "pemohon__email"]
    list_select_related = ["pejabat", "kasus", "pemohon"]
