from functools import wraps

from django.contrib import admin
from django.contrib.admin.apps import AdminConfig
from django.contrib.admin.options import IncorrectLookupParameters
from django.contrib.admin.views.main import SEARCH_VAR
from django.contrib.admin.widgets import AutocompleteSelect
from django.db import models
from django.shortcuts import render

from portal import bounds


class PortalAdminSite(admin.AdminSite):
    """The Django admin for reference data and users: staff with two-factor sign-in only."""

    site_header = "Portal Aspirasi & Audiensi"
    site_title = "Portal Aspirasi & Audiensi"

    # Longer searches are no search; SQLite refuses LIKE patterns past 50,000 characters.
    search_max = 200

    def has_permission(self, request):
        from portal.akun.access import has_mfa  # the admin app loads before allauth's models

        return super().has_permission(request) and has_mfa(request.user)

    def admin_view(self, view, cacheable=False):
        inner = super().admin_view(view, cacheable)

        @wraps(inner)
        def bounded(request, *args, **kwargs):
            if len(request.GET.get(SEARCH_VAR, "")) > self.search_max:
                return render(request, "400.html", status=400)
            return inner(request, *args, **kwargs)

        return bounded

    def register(self, model_or_iterable, admin_class=None, **options):
        """Every model's many-to-many choices refuse ids out of range before querying (SQLite overflows)."""
        super().register(model_or_iterable, admin_class, **options)
        for model in [model_or_iterable] if isinstance(model_or_iterable, type) else model_or_iterable:
            if model in self._registry:  # a swapped model (auth.User) is not registered
                m2m = self._registry[model].formfield_overrides.setdefault(models.ManyToManyField, {})
                m2m.setdefault("form_class", bounds.ModelMultipleChoiceField)


class PortalAdminConfig(AdminConfig):
    default_site = "portal.admin_site.PortalAdminSite"


class _IdsOnlyAutocompleteSelect(AutocompleteSelect):
    """Re-showing a refused form must not query with a value that is no id: Django's widget raises."""

    def optgroups(self, name, value, attr=None):
        ids = [v for v in value if str(v).isascii() and str(v).isdigit() and int(v) <= bounds.ID_MAX]
        return super().optgroups(name, ids, attr)


class IdsOnlyAutocompleteMixin:
    """For a ModelAdmin whose autocomplete fields point at integer primary keys."""

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if "widget" not in kwargs and db_field.name in self.get_autocomplete_fields(request):
            kwargs["widget"] = _IdsOnlyAutocompleteSelect(db_field, self.admin_site, using=kwargs.get("using"))
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


class BoundedDateHierarchyMixin:
    """Django's date drill-down turns ?<field>__year=2147483648 into an OverflowError: refuse it first."""

    def get_changelist_instance(self, request):
        for part in ("year", "month", "day") if self.date_hierarchy else ():
            value = request.GET.get(f"{self.date_hierarchy}__{part}")
            if value is not None and not (value.isascii() and value.isdigit() and len(value) <= 4):
                raise IncorrectLookupParameters(value)
        return super().get_changelist_instance(request)
