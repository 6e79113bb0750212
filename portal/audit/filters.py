import datetime as dt
from typing import Any

import django_filters
from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from portal import bounds

from . import selectors
from .models import AuditEntry

DATE_WIDGET = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class BoundedDateFilter(django_filters.DateFilter):
    """A date between 2000 and 2100 (portal.bounds), also in the browser's date picker."""

    field_class = bounds.DateField


class AuditFilter(django_filters.FilterSet):
    """Filters of the audit page; every field is optional and travels in the query string."""

    actor = django_filters.ModelChoiceFilter(label=_("Oleh"), queryset=selectors.actors(), empty_label=_("Siapa saja"))
    object_type = django_filters.ChoiceFilter(label=_("Jenis objek"), choices=[], empty_label=_("Semua jenis"))
    object_id = django_filters.CharFilter(label=_("Id objek"), max_length=40)
    since = BoundedDateFilter(label=_("Dari tanggal"), method="filter_since", widget=DATE_WIDGET)
    until = BoundedDateFilter(label=_("Sampai tanggal"), method="filter_until", widget=DATE_WIDGET)

    class Meta:
        model = AuditEntry
        fields = ["actor", "object_type", "object_id", "since", "until"]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.filters["object_type"].extra["choices"] = selectors.object_type_choices()

    def filter_since(self, queryset: QuerySet[AuditEntry], name: str, value: dt.date) -> QuerySet[AuditEntry]:
        return queryset.filter(created_at__date__gte=value)

    def filter_until(self, queryset: QuerySet[AuditEntry], name: str, value: dt.date) -> QuerySet[AuditEntry]:
        return queryset.filter(created_at__date__lte=value)
