import django_filters
from django import forms
from django.utils.translation import gettext_lazy as _

from portal.widgets import OptionsInPythonSelect
from portal.wilayah.models import Kategori, Opd, Wilayah

from .models import Kasus, Status
from .selectors import queue_late_q, search_q


class KasusFilter(django_filters.FilterSet):
    """Filters of the staff queue; every field is optional and travels in the query string."""

    q = django_filters.CharFilter(
        label=_("Cari"),
        method="filter_text",
        max_length=200,
        widget=forms.TextInput(
            attrs={"type": "search", "placeholder": _("Nomor kasus atau SP4N-LAPOR!, judul atau ringkasan")}
        ),
    )
    status = django_filters.ChoiceFilter(
        widget=OptionsInPythonSelect, label=_("Status"), choices=Status.choices, empty_label=_("Semua status")
    )
    kategori = django_filters.ModelChoiceFilter(
        widget=OptionsInPythonSelect,
        label=_("Kategori"),
        queryset=Kategori.objects.order_by("nama"),
        empty_label=_("Semua kategori"),
    )
    kecamatan = django_filters.ModelChoiceFilter(
        widget=OptionsInPythonSelect,
        label=_("Kecamatan"),
        queryset=Wilayah.objects.filter(tingkat=Wilayah.Tingkat.KECAMATAN).order_by("nama"),
        empty_label=_("Semua kecamatan"),
    )
    opd = django_filters.ModelChoiceFilter(
        widget=OptionsInPythonSelect, label=_("OPD"), queryset=Opd.objects.order_by("nama"), empty_label=_("Semua OPD")
    )
    overdue = django_filters.BooleanFilter(
        label=_("Hanya yang terlambat"), method="filter_overdue", widget=forms.CheckboxInput
    )
    mine = django_filters.BooleanFilter(
        label=_("Ditugaskan kepada saya"), method="filter_mine", widget=forms.CheckboxInput
    )

    class Meta:
        model = Kasus
        fields = ["q", "status", "kategori", "kecamatan", "opd", "overdue", "mine"]

    def __init__(self, *args, hide_opd: bool = False, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        if hide_opd:
            # OPD staff only ever see their own OPD's cases; the choice would be noise.
            del self.filters["opd"]

    def lateness(self) -> tuple[str, bool]:
        """(status filter, is a text search): what queue_late_q and OverdueFirst take from the chosen filters."""
        chosen = self.form.cleaned_data if self.is_valid() else {}
        return chosen.get("status") or "", bool((chosen.get("q") or "").strip())

    def filter_text(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(search_q(value))

    def filter_mine(self, queryset, name, value):
        if not value or self.user is None:
            return queryset
        return queryset.filter(assigned_to=self.user)

    def filter_overdue(self, queryset, name, value):
        if not value:
            return queryset
        status, searched = self.lateness()
        return queryset.filter(queue_late_q(status=status, searched=searched))
