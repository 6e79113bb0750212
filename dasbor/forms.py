import datetime as dt
from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .figures import Period, month_period

MAX_RANGE_DAYS = 3 * 366


class PeriodForm(forms.Form):
    """Which period the dashboard shows; anything invalid falls back to this month."""

    THIS_MONTH, LAST_MONTH, THIS_YEAR, RANGE = "bulan-ini", "bulan-lalu", "tahun-ini", "rentang"
    periode = forms.ChoiceField(
        label=_("Periode"),
        required=False,
        choices=[
            (THIS_MONTH, _("Bulan ini")),
            (LAST_MONTH, _("Bulan lalu")),
            (THIS_YEAR, _("Tahun ini")),
            (RANGE, _("Rentang tanggal")),
        ],
    )
    dari = forms.DateField(label=_("Dari"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    sampai = forms.DateField(label=_("Sampai"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    peta = forms.ChoiceField(
        label=_("Warna peta"),
        required=False,
        choices=[("per_10k", _("Kasus per 10.000 penduduk")), ("on_time_pct", _("Dijawab tepat waktu (%)"))],
    )

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        if data.get("periode") == self.RANGE:
            start, end = data.get("dari"), data.get("sampai")
            if not start or not end or end < start:
                raise forms.ValidationError(_("Isi tanggal awal dan akhir; tanggal akhir tidak boleh sebelum awal."))
            if (end - start).days > MAX_RANGE_DAYS:
                raise forms.ValidationError(_("Rentang paling panjang tiga tahun."))
        return data

    def period(self) -> Period:
        today = timezone.localdate()
        data = self.cleaned_data if self.is_valid() else {}
        choice = data.get("periode") or self.THIS_MONTH
        if choice == self.LAST_MONTH:
            last = today.replace(day=1) - dt.timedelta(days=1)
            return month_period(last.year, last.month)
        if choice == self.THIS_YEAR:
            return Period(dt.date(today.year, 1, 1), dt.date(today.year, 12, 31))
        if choice == self.RANGE:
            return Period(data["dari"], data["sampai"])
        return month_period(today.year, today.month)

    def measure(self) -> str:
        """The chosen map measure, or "" for the map's default."""
        return (self.cleaned_data.get("peta") if self.is_valid() else "") or ""


class MonthForm(forms.Form):
    bulan = forms.RegexField(label=_("Bulan"), regex=r"^\d{4}-(0[1-9]|1[0-2])$", required=False)

    def period(self, default: Period) -> Period:
        if self.is_valid() and self.cleaned_data.get("bulan"):
            year, month = map(int, self.cleaned_data["bulan"].split("-"))
            if 2000 <= year <= 2100:
                return month_period(year, month)
        return default
