"""Input shape of the residents' personal-data rights (UU No. 27 Tahun 2022) and the staff handling them."""

from django import forms
from django.utils.translation import gettext_lazy as _

from portal import bounds
from portal.akun.models import PermintaanDataPribadi


class EraseForm(forms.Form):
    confirm = forms.BooleanField(
        label=_(
            "Saya mengerti: akun saya ditutup dan identitas saya dihapus dari kasus saya. Ini tidak bisa dibatalkan."
        )
    )


class PermintaanForm(forms.Form):
    """A request made by letter or in person, recorded by staff."""

    jenis = forms.ChoiceField(label=_("Jenis permintaan"), choices=PermintaanDataPribadi.Jenis.choices)
    kanal = forms.ChoiceField(
        label=_("Diterima melalui"),
        choices=[c for c in PermintaanDataPribadi.Kanal.choices if c[0] != PermintaanDataPribadi.Kanal.PORTAL],
    )
    email = forms.EmailField(label=_("Email akun pemohon (bila ada)"), required=False)
    received_at = bounds.DateTimeField(
        label=_("Diterima pada"), widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")
    )
    detail = forms.CharField(label=_("Isi permintaan"), widget=forms.Textarea(attrs={"rows": 3}), max_length=4000)


class JawabanForm(forms.Form):
    answer = forms.CharField(label=_("Jawaban"), widget=forms.Textarea(attrs={"rows": 3}), max_length=4000)
    refused = forms.BooleanField(label=_("Tolak permintaan"), required=False)


class KeputusanLampiranForm(forms.Form):
    lampiran = forms.IntegerField(min_value=1, max_value=bounds.ID_MAX, widget=forms.HiddenInput)
    keep = forms.BooleanField(label=_("Simpan untuk kasus"), required=False)
    reason = forms.CharField(label=_("Alasan"), max_length=500, required=False)
