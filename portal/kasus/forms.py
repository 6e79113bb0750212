"""Input shape of the case pages' forms. Rules live in portal.kasus.services."""

import uuid
from collections.abc import Callable, Mapping
from typing import Any, cast

from django import forms
from django.utils.translation import gettext_lazy as _

from portal import bounds
from portal.widgets import OptionsInPythonSelect
from portal.wilayah.models import DESA_LEVELS, Kategori, Opd, Wilayah

from .models import Kabar, Priority, validate_lapor_tracking_id
from .selectors import OFFICERS, CommitmentFilter

# A form's choice lists by field name, each read only when a form renders it.
LazyChoices = Mapping[str, Callable[[], list[tuple[Any, Any]]]]


def _text(rows: int = 3) -> forms.Textarea:
    return forms.Textarea(attrs={"rows": rows})


class SharedChoicesForm(forms.Form):
    """A form whose choice lists the page passes in: read once (and cached) and shared by the page's forms."""

    def __init__(self, *args: Any, choices: LazyChoices | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name, options in (choices or {}).items():
            if name in self.fields:
                cast(forms.ChoiceField, self.fields[name]).choices = options


class ActionForm(SharedChoicesForm):
    """A staff action. The hidden token makes a double submit harmless."""

    idem = forms.CharField(widget=forms.HiddenInput, required=False, max_length=64)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if not self.is_bound:
            self.fields["idem"].initial = uuid.uuid4().hex


class VerifyForm(ActionForm):
    kategori = forms.ModelChoiceField(
        widget=OptionsInPythonSelect, label=_("Kategori"), queryset=Kategori.objects.filter(is_active=True)
    )
    priority = forms.ChoiceField(widget=OptionsInPythonSelect, label=_("Prioritas"), choices=Priority.choices)
    note = forms.CharField(label=_("Pesan untuk pelapor (opsional)"), required=False, widget=_text(2), max_length=2000)


class VerifyDisposeForm(ActionForm):
    kategori = forms.ModelChoiceField(
        widget=OptionsInPythonSelect, label=_("Kategori"), queryset=Kategori.objects.filter(is_active=True)
    )
    priority = forms.ChoiceField(widget=OptionsInPythonSelect, label=_("Prioritas"), choices=Priority.choices)
    opd = forms.ModelChoiceField(
        widget=OptionsInPythonSelect,
        label=_("OPD tujuan"),
        queryset=Opd.objects.filter(is_active=True),
        required=False,
        empty_label=_("OPD utama kategori"),
        help_text=_("Kosongkan untuk memakai OPD utama kategori yang dipilih."),
    )
    note = forms.CharField(
        label=_("Catatan internal untuk OPD (opsional)"), required=False, widget=_text(2), max_length=2000
    )

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        kategori = data.get("kategori")
        if kategori is not None and data.get("opd") is None:
            if kategori.default_opd is None or not kategori.default_opd.is_active:
                self.add_error("opd", _("Kategori ini belum punya OPD utama. Pilih OPD tujuan."))
            else:
                data["opd"] = kategori.default_opd
        return data


class AssignForm(ActionForm):
    officer = forms.ModelChoiceField(
        widget=OptionsInPythonSelect,
        label=_("Petugas"),
        queryset=OFFICERS,
        required=False,
        empty_label=_("Tidak ada (lepas penugasan)"),
    )


class RejectForm(ActionForm):
    reason = forms.CharField(label=_("Alasan penolakan"), widget=_text(), max_length=2000)


class RequestInfoForm(ActionForm):
    question = forms.CharField(label=_("Informasi yang diminta dari pelapor"), widget=_text(), max_length=2000)


class DisposeForm(ActionForm):
    opd = forms.ModelChoiceField(
        widget=OptionsInPythonSelect, label=_("OPD tujuan"), queryset=Opd.objects.filter(is_active=True)
    )
    note = forms.CharField(
        label=_("Catatan internal untuk OPD (opsional)"), required=False, widget=_text(2), max_length=2000
    )


class StartForm(ActionForm):
    note = forms.CharField(label=_("Pesan untuk pelapor (opsional)"), required=False, widget=_text(2), max_length=2000)


class AnswerForm(ActionForm):
    answer = forms.CharField(label=_("Jawaban untuk pelapor"), widget=_text(5), max_length=5000)


class NoteForm(ActionForm):
    message = forms.CharField(label=_("Catatan internal"), widget=_text(), max_length=5000)


class TindakLanjutForm(ActionForm):
    description = forms.CharField(label=_("Uraian tindak lanjut"), widget=_text(), max_length=2000)
    opd = forms.ModelChoiceField(
        widget=OptionsInPythonSelect, label=_("OPD penanggung jawab"), queryset=Opd.objects.filter(is_active=True)
    )
    due_date = bounds.DateField(label=_("Tenggat"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"))


class TindakLanjutDoneForm(ActionForm):
    evidence = forms.CharField(label=_("Bukti penyelesaian"), widget=_text(2), max_length=5000)


class MergeForm(ActionForm):
    into_reference = forms.CharField(
        label=_("Gabungkan ke kasus nomor"),
        max_length=20,
        widget=forms.TextInput(attrs={"placeholder": "KSS-2026-000123", "autocomplete": "off"}),
    )
    reason = forms.CharField(label=_("Alasan (opsional)"), required=False, widget=_text(2), max_length=2000)


class UpdateDetailsForm(ActionForm):
    kategori = forms.ModelChoiceField(
        widget=OptionsInPythonSelect,
        label=_("Kategori"),
        queryset=Kategori.objects.filter(is_active=True),
        required=False,
    )
    wilayah = forms.ModelChoiceField(
        widget=OptionsInPythonSelect,
        label=_("Wilayah"),
        queryset=Wilayah.objects.filter(tingkat__in=[Wilayah.Tingkat.KECAMATAN, *DESA_LEVELS]),
        required=False,
    )
    priority = forms.ChoiceField(widget=OptionsInPythonSelect, label=_("Prioritas"), choices=Priority.choices)


class LaporForm(ActionForm):
    lapor_tracking_id = forms.CharField(
        label=_("Nomor SP4N-LAPOR!"),
        required=False,
        max_length=40,
        validators=[validate_lapor_tracking_id],
        help_text=_("Nomor pelacakan laporan di lapor.go.id. Kosongkan untuk menghapus tautan."),
    )


class TrackForm(forms.Form):
    reference = forms.CharField(
        label=_("Nomor kasus"),
        max_length=20,
        widget=forms.TextInput(attrs={"placeholder": "KSS-2026-000123", "autocomplete": "off"}),
    )
    email = forms.EmailField(label=_("Email yang Anda pakai saat melapor"), max_length=254)


class KodeAksesForm(forms.Form):
    code = forms.RegexField(
        label=_("Kode dari email"),
        regex=r"^\d{6}$",
        max_length=6,
        error_messages={"invalid": _("Kode terdiri atas 6 angka.")},
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "one-time-code", "size": 8}),
    )


class CommitmentFilterForm(forms.Form):
    status = forms.ChoiceField(
        widget=OptionsInPythonSelect, label=_("Status"), choices=CommitmentFilter.choices, required=False
    )
    opd = forms.ModelChoiceField(
        widget=OptionsInPythonSelect,
        label=_("OPD"),
        queryset=Opd.objects.filter(is_active=True),
        required=False,
        empty_label=_("Semua OPD"),
    )


class CaseIdsField(forms.TypedMultipleChoiceField):
    """Any id is accepted here; the service keeps only the cases this officer may open."""

    def valid_value(self, value: Any) -> bool:
        return str(value).isdigit() and len(str(value)) < 12


class BulkForm(SharedChoicesForm):
    """One action for the cases ticked on the queue; the OPD or officer it needs is checked here."""

    ACTIONS = [
        ("verifikasi", _("Verifikasi")),
        ("disposisi", _("Verifikasi dan disposisikan ke OPD")),
        ("tugaskan", _("Tugaskan ke petugas")),
    ]

    kasus = CaseIdsField(
        label=_("Kasus"), coerce=int, choices=(), error_messages={"required": _("Pilih setidaknya satu kasus.")}
    )
    aksi = forms.ChoiceField(widget=OptionsInPythonSelect, label=_("Tindakan untuk kasus terpilih"), choices=ACTIONS)
    opd = forms.ModelChoiceField(
        widget=OptionsInPythonSelect, label=_("OPD tujuan"), queryset=Opd.objects.filter(is_active=True), required=False
    )
    officer = forms.ModelChoiceField(
        widget=OptionsInPythonSelect,
        label=_("Petugas"),
        queryset=OFFICERS,
        required=False,
        empty_label=_("Tidak ada (lepas penugasan)"),
    )

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        if data.get("aksi") == "disposisi" and not data.get("opd"):
            self.add_error("opd", _("Pilih OPD tujuan disposisi."))
        return data


class SaveFilterForm(forms.Form):
    name = forms.CharField(label=_("Nama filter"), max_length=80)
    query = forms.CharField(widget=forms.HiddenInput, required=False, max_length=2000)


class PreferensiForm(forms.Form):
    kabar = forms.ChoiceField(
        label=_("Email tentang kasus Anda dan kasus yang Anda ikuti"),
        choices=Kabar.choices,
        widget=forms.RadioSelect,
        help_text=_("Permintaan informasi dan jawaban selalu dikirim."),
    )
    digest = forms.BooleanField(
        label=_("Kumpulkan pemberitahuan rutin (disposisi, keterlambatan) dalam satu email harian"), required=False
    )


class KabarKasusForm(forms.Form):
    kabar = forms.ChoiceField(
        label=_("Email tentang kasus ini"),
        choices=[("", _("Ikuti pilihan di akun saya")), *Kabar.choices],
        widget=forms.RadioSelect,
        required=False,
    )


class TemplatForm(forms.Form):
    title = forms.CharField(label=_("Judul templat"), max_length=120)
    kategori = forms.ModelChoiceField(
        label=_("Kategori"),
        queryset=Kategori.objects.filter(is_active=True),
        required=False,
        empty_label=_("Semua kategori"),
    )
    body = forms.CharField(label=_("Isi"), widget=_text(6), max_length=5000)
