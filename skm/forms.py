import datetime as dt
from typing import Any

from django import forms
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from .models import UNSUR, ResponsSurvei

SCALE = [
    (1, _("1 — Tidak baik")),
    (2, _("2 — Kurang baik")),
    (3, _("3 — Baik")),
    (4, _("4 — Sangat baik")),
]


class SurveiForm(forms.Form):
    """The regulation's questionnaire: nine elements on the 1-4 scale, then optional questions about the respondent."""

    jenis_kelamin = forms.ChoiceField(
        label=_("Jenis kelamin"), required=False, choices=[("", "—"), *ResponsSurvei.JenisKelamin.choices]
    )
    pendidikan = forms.ChoiceField(
        label=_("Pendidikan"), required=False, choices=[("", "—"), *ResponsSurvei.Pendidikan.choices]
    )
    pekerjaan = forms.ChoiceField(
        label=_("Pekerjaan"), required=False, choices=[("", "—"), *ResponsSurvei.Pekerjaan.choices]
    )
    umur = forms.IntegerField(label=_("Umur (tahun)"), required=False, min_value=15, max_value=120)
    saran = forms.CharField(label=_("Saran dan masukan"), required=False, max_length=2000, widget=forms.Textarea)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        elements = {
            code: forms.TypedChoiceField(label=label, choices=SCALE, coerce=int, widget=forms.RadioSelect)
            for code, label in UNSUR
        }
        # The elements come first, as on the regulation's form.
        self.fields = {**elements, **self.fields}


class PeriodForm(forms.Form):
    """A bounded period: at most five years, defaulting to this year so far."""

    mulai = forms.DateField(label=_("Dari tanggal"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    sampai = forms.DateField(label=_("Sampai tanggal"), required=False, widget=forms.DateInput(attrs={"type": "date"}))

    MAX_DAYS = 5 * 366

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        today = timezone.localdate()
        start = data.get("mulai") or today.replace(month=1, day=1)
        end = data.get("sampai") or today
        if end < start:
            raise forms.ValidationError(_("Tanggal akhir harus sesudah tanggal awal."))
        if (end - start).days > self.MAX_DAYS:
            raise forms.ValidationError(_("Periode paling panjang lima tahun."))
        data["mulai"], data["sampai"] = start, end
        return data

    @staticmethod
    def presets() -> list[tuple[Promise, dt.date, dt.date]]:
        """(label, start, end) of the periods readers ask for most."""
        today = timezone.localdate()
        month = today.replace(day=1)
        last_month_end = month - dt.timedelta(days=1)
        year = today.replace(month=1, day=1)
        return [
            (_("Bulan ini"), month, today),
            (_("Bulan lalu"), last_month_end.replace(day=1), last_month_end),
            (_("Tahun ini"), year, today),
            (_("Tahun lalu"), year.replace(year=year.year - 1), year - dt.timedelta(days=1)),
        ]

    def period(self) -> tuple[dt.date, dt.date]:
        """The cleaned period, or this year so far when the input was invalid."""
        if self.is_valid():
            return self.cleaned_data["mulai"], self.cleaned_data["sampai"]
        today = timezone.localdate()
        return today.replace(month=1, day=1), today
