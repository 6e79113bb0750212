from collections.abc import Callable, Iterable, Sequence
from functools import wraps
from typing import TYPE_CHECKING, Any, TypeVar, cast

from django.contrib import admin
from django.contrib.admin.apps import AdminConfig
from django.contrib.admin.options import IncorrectLookupParameters
from django.contrib.admin.views.main import SEARCH_VAR
from django.contrib.admin.widgets import AutocompleteSelect
from django.db import models
from django.db.models import Model, QuerySet
from django.forms import ModelForm
from django.http import HttpRequest, HttpResponseBase
from django.shortcuts import render

from portal import bounds

if TYPE_CHECKING:
    from portal.akun.models import User

_View = TypeVar("_View", bound=Callable[..., HttpResponseBase])


def _admin_user(request: HttpRequest) -> "User":
    """The signed-in staff member: PortalAdminSite.has_permission lets no one else into a ModelAdmin's views."""
    return cast("User", request.user)


class PortalAdminSite(admin.AdminSite):
    """The Django admin for reference data and users: staff with two-factor sign-in only."""

    site_header = "Portal Aspirasi & Audiensi"
    site_title = "Portal Aspirasi & Audiensi"

    # Longer searches are no search; SQLite refuses LIKE patterns past 50,000 characters.
    search_max = 200

    def has_permission(self, request: HttpRequest) -> bool:
        from portal.akun.access import has_mfa  # the admin app loads before allauth's models

        return super().has_permission(request) and has_mfa(request.user)

    def admin_view(self, view: _View, cacheable: bool = False) -> _View:
        inner = super().admin_view(view, cacheable)

        @wraps(inner)
        def bounded(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
            if len(request.GET.get(SEARCH_VAR, "")) > self.search_max:
                return render(request, "400.html", status=400)
            return inner(request, *args, **kwargs)

        return cast(_View, bounded)  # called as the view it wraps

    def register(
        self,
        model_or_iterable: type[Model] | Iterable[type[Model]],
        admin_class: type[admin.ModelAdmin] | None = None,
        **options: Any,
    ) -> None:
        """Every model's many-to-many choices refuse ids out of range before querying (SQLite overflows)."""
        super().register(model_or_iterable, admin_class, **options)
        for model in [model_or_iterable] if isinstance(model_or_iterable, type) else model_or_iterable:
            if model in self._registry:  # a swapped model (auth.User) is not registered
                # BaseModelAdmin.__init__ copies the overrides into a dict of dicts; the stubs say Mapping.
                overrides = cast(dict[Any, dict[str, Any]], self._registry[model].formfield_overrides)
                overrides.setdefault(models.ManyToManyField, {}).setdefault(
                    "form_class", bounds.ModelMultipleChoiceField
                )


class PortalAdminConfig(AdminConfig):
    default_site = "portal.admin_site.PortalAdminSite"


class _IdsOnlyAutocompleteSelect(AutocompleteSelect):
    """Re-showing a refused form must not query with a value that is no id: Django's widget raises."""

    def optgroups(
        self, name: str, value: Sequence[str], attr: dict[str, Any] | None = None
    ) -> list[tuple[str | None, list[dict[str, Any]], int | None]]:
        ids = [v for v in value if str(v).isascii() and str(v).isdigit() and int(v) <= bounds.ID_MAX]
        return super().optgroups(name, ids, attr)


class IdsOnlyAutocompleteMixin(admin.ModelAdmin):
    """For a ModelAdmin whose autocomplete fields point at integer primary keys."""

    def formfield_for_foreignkey(self, db_field: Any, request: HttpRequest, **kwargs: Any) -> Any:
        if "widget" not in kwargs and db_field.name in self.get_autocomplete_fields(request):
            kwargs["widget"] = _IdsOnlyAutocompleteSelect(db_field, self.admin_site, using=kwargs.get("using"))
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


class BoundedDateHierarchyMixin(admin.ModelAdmin):
    """Django's date drill-down turns ?<field>__year=2147483648 into an OverflowError: refuse it first."""

    def get_changelist_instance(self, request: HttpRequest) -> Any:
        for part in ("year", "month", "day") if self.date_hierarchy else ():
            value = request.GET.get(f"{self.date_hierarchy}__{part}")
            if value is not None and not (value.isascii() and value.isdigit() and len(value) <= 4):
                raise IncorrectLookupParameters(value)
        return super().get_changelist_instance(request)


class ReadOnlyAdminMixin:
    """For a model a service owns: the admin shows it, and every write goes through the service.

    No add, change or delete permission, and so no bulk "delete selected" action either (Django offers it
    only to users who may delete).
    """

    def has_add_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return False


class ReferenceAdminMixin(admin.ModelAdmin):
    """For reference data: editable here, but every save and delete goes through the reference services,
    which write an audit entry with the admin and the changed fields."""

    def save_model(self, request: HttpRequest, obj: Model, form: ModelForm, change: bool) -> None:
        from portal.wilayah.services import reference_save

        # Many-to-many values (a user's roles) are saved by the service too, so the entry shows them.
        reference_save(actor=_admin_user(request), obj=obj, changed_fields=form.changed_data, save_m2m=form.save_m2m)

    def save_related(self, request: HttpRequest, form: ModelForm, formsets: Any, change: bool) -> None:
        for formset in formsets:
            self.save_formset(request, form, formset, change=change)

    def delete_model(self, request: HttpRequest, obj: Model) -> None:
        from portal.wilayah.services import reference_delete

        reference_delete(actor=_admin_user(request), obj=obj)

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet[Any]) -> None:
        from portal.wilayah.services import reference_delete

        for obj in queryset:
            reference_delete(actor=_admin_user(request), obj=obj)
