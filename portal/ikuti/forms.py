from django import forms
from django.utils.translation import gettext_lazy as _

from portal.wilayah.models import Kategori, Wilayah

from .models import LanggananWilayah


class EmailForm(forms.Form):
    """A guest's address: the follow starts only once they open the link sent there."""

    email = forms.EmailField(label=_("Email Anda"), max_length=254)


class PlaceForm(forms.Form):
    kecamatan = forms.ModelChoiceField(
        label=_("Kecamatan"), queryset=Wilayah.objects.filter(tingkat=Wilayah.Tingkat.KECAMATAN)
    )
    desa = forms.ModelChoiceField(
        label=_("Desa/kelurahan (kosongkan untuk seluruh kecamatan)"),
        queryset=Wilayah.objects.filter(tingkat__in=[Wilayah.Tingkat.DESA, Wilayah.Tingkat.KELURAHAN]).select_related(
            "parent"
        ),
        required=False,
    )
    kategori = forms.ModelChoiceField(
        label=_("Kategori (kosongkan untuk semua)"), queryset=Kategori.objects.filter(is_active=True), required=False
    )
    frekuensi = forms.ChoiceField(
        label=_("Ringkasan dikirim"), choices=LanggananWilayah.Frekuensi.choices, initial="mingguan"
    )

    def clean(self):
        data = super().clean() or {}
        desa, kecamatan = data.get("desa"), data.get("kecamatan")
        if desa is not None and kecamatan is not None and desa.parent_id != kecamatan.pk:
            self.add_error("desa", _("Desa ini tidak berada di kecamatan yang dipilih."))
        return data

    @property
    def place(self) -> Wilayah:
        return self.cleaned_data.get("desa") or self.cleaned_data["kecamatan"]


class PlaceGuestForm(PlaceForm, EmailForm):
    pass


class FrekuensiForm(forms.Form):
    frekuensi = forms.ChoiceField(choices=LanggananWilayah.Frekuensi.choices)
