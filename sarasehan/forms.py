from typing import Any, cast

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from portal import bounds
from portal.akun.models import User
from portal.kasus.models import Kasus
from portal.wilayah.models import DESA_LEVELS, Kategori, Opd, Pejabat, Wilayah
from portal.wilayah.options import wilayah_groups

from .models import CAPACITY_MAX, PendaftaranSarasehan, Sarasehan
from .services import EDITABLE_FIELDS


class DesaChoiceField(forms.ModelChoiceField):
    """A desa/kelurahan in the shared grouped <select> (portal.wilayah.options), validated against the live table."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(queryset=Wilayah.objects.filter(tingkat__in=DESA_LEVELS), **kwargs)

    def refresh_options(self) -> None:
        groups = [(kec.nama, [(d.pk, d.nama) for d in desa]) for kec, desa in wilayah_groups()]
        self.choices = [("", self.empty_label), *groups]


class DateTimeInput(forms.DateTimeInput):
    input_type = "datetime-local"

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(format="%Y-%m-%dT%H:%M", **kwargs)


class SarasehanForm(forms.ModelForm):
    kecamatan = forms.ModelChoiceField(
        label=_("Kecamatan"), queryset=Wilayah.objects.filter(tingkat=Wilayah.Tingkat.KECAMATAN), required=False
    )
    pejabat = bounds.ModelMultipleChoiceField(
        label=_("Pejabat yang hadir"),
        queryset=Pejabat.objects.filter(is_active=True),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    class Meta:
        model = Sarasehan
        fields = list(EDITABLE_FIELDS)
        widgets = {
            "starts_at": DateTimeInput(),
            "ends_at": DateTimeInput(),
            "registration_opens_at": DateTimeInput(),
            "registration_closes_at": DateTimeInput(),
            "description": forms.Textarea(attrs={"rows": 4}),
            "agenda": forms.Textarea(attrs={"rows": 4}),
        }
        field_classes = {
            "starts_at": bounds.DateTimeField,
            "ends_at": bounds.DateTimeField,
            "registration_opens_at": bounds.DateTimeField,
            "registration_closes_at": bounds.DateTimeField,
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        bounds.limit_integer(cast(forms.IntegerField, self.fields["capacity"]), 1, CAPACITY_MAX)
        bounds.limit_length(cast(forms.CharField, self.fields["description"]), 5000)
        bounds.limit_length(cast(forms.CharField, self.fields["agenda"]), 5000)


class CancelSarasehanForm(forms.Form):
    reason = forms.CharField(label=_("Alasan pembatalan"), max_length=2000, widget=forms.Textarea(attrs={"rows": 2}))


class OwnKasusChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Kasus) -> str:
        return f"{obj.reference} {obj.title}"


class PesertaChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: PendaftaranSarasehan) -> str:
        return f"{obj.name} ({obj.code})"


class PendaftaranForm(forms.Form):
    name = forms.CharField(
        label=_("Nama lengkap"), max_length=150, error_messages={"required": _("Tuliskan nama lengkap Anda.")}
    )
    email = forms.EmailField(
        label=_("Email"),
        max_length=254,
        error_messages={
            "required": _("Tuliskan email Anda."),
            "invalid": _("Tuliskan email dengan format yang benar, misalnya nama@contoh.id."),
        },
    )
    phone = forms.CharField(label=_("Nomor telepon/WhatsApp"), max_length=20, required=False)
    desa = DesaChoiceField(label=_("Desa/kelurahan"), required=False)
    topic = forms.CharField(
        label=_("Persoalan yang ingin Anda sampaikan (opsional)"),
        help_text=_("Kami membukanya sebagai kasus yang dapat Anda lacak, dan membawanya ke sarasehan."),
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        max_length=2000,
    )
    kasus = OwnKasusChoiceField(
        label=_("Atau bawa kasus Anda yang sedang berjalan"),
        queryset=Kasus.objects.none(),
        required=False,
    )
    website = forms.CharField(  # honeypot: people never see it, form-filling bots do
        required=False,
        max_length=200,
        label=_("Jangan diisi"),
        widget=forms.TextInput(attrs={"tabindex": "-1", "autocomplete": "off"}),
    )

    def __init__(
        self, *args: Any, user: User | None = None, own_cases: QuerySet[Kasus] | None = None, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        cast(DesaChoiceField, self.fields["desa"]).refresh_options()
        if user is not None and user.is_authenticated:
            self.fields["email"].disabled = True
            self.fields["email"].required = False
            cast(OwnKasusChoiceField, self.fields["kasus"]).queryset = own_cases
        else:
            del self.fields["kasus"]

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        if data.get("website"):
            raise forms.ValidationError(_("Formulir tidak dapat dikirim."))
        if data.get("kasus") and data.get("topic"):
            raise forms.ValidationError(_("Pilih salah satu: tulis persoalan baru atau bawa kasus yang sudah ada."))
        return data


class CheckInForm(forms.Form):
    code = forms.CharField(
        label=_("Kode pendaftaran"),
        max_length=300,
        widget=forms.TextInput(
            attrs={"autofocus": True, "autocomplete": "off", "autocapitalize": "characters", "inputmode": "text"}
        ),
        help_text=_("Ketik kode 8 karakter, atau pindai kode QR."),
    )


class WalkInForm(forms.Form):
    name = forms.CharField(label=_("Nama"), max_length=150)
    phone = forms.CharField(label=_("Nomor telepon"), max_length=20, required=False)
    email = forms.EmailField(label=_("Email (opsional)"), max_length=254, required=False)
    desa = DesaChoiceField(label=_("Desa/kelurahan"), required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(DesaChoiceField, self.fields["desa"]).refresh_options()


class PoinForm(forms.Form):
    pendaftaran = PesertaChoiceField(
        label=_("Peserta yang menyampaikan"), queryset=PendaftaranSarasehan.objects.none(), required=False
    )
    speaker_name = forms.CharField(
        label=_("Atau nama penyampai"), max_length=150, required=False, help_text=_("Bila tidak terdaftar.")
    )
    content = forms.CharField(
        label=_("Persoalan yang disampaikan"), max_length=5000, widget=forms.Textarea(attrs={"rows": 3})
    )
    kasus_reference = forms.CharField(
        label=_("Nomor kasus yang sudah ada (opsional)"),
        max_length=20,
        required=False,
        help_text=_("Kosongkan untuk membuka kasus baru."),
    )
    kategori = forms.ModelChoiceField(
        label=_("Kategori"), queryset=Kategori.objects.filter(is_active=True), required=False
    )
    opd_answered = forms.ModelChoiceField(
        label=_("OPD yang menjawab di tempat"), queryset=Opd.objects.filter(is_active=True), required=False
    )
    answer = forms.CharField(
        label=_("Jawaban di tempat"), max_length=5000, widget=forms.Textarea(attrs={"rows": 2}), required=False
    )
    followup = forms.CharField(
        label=_("Tindak lanjut yang dijanjikan"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
        required=False,
    )
    followup_opd = forms.ModelChoiceField(
        label=_("OPD penanggung jawab"), queryset=Opd.objects.filter(is_active=True), required=False
    )
    followup_due = bounds.DateField(
        label=_("Tenggat"), required=False, widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )
    token = forms.CharField(widget=forms.HiddenInput, max_length=64)

    def __init__(self, *args: Any, sarasehan: Sarasehan | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(PesertaChoiceField, self.fields["pendaftaran"]).queryset = PendaftaranSarasehan.objects.filter(
            sarasehan=sarasehan, checked_in_at__isnull=False
        ).order_by("name")

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        if not data.get("pendaftaran") and not (data.get("speaker_name") or "").strip():
            raise forms.ValidationError(_("Pilih peserta atau tuliskan nama penyampai."))
        if (data.get("followup") or "").strip() and not (data.get("followup_opd") and data.get("followup_due")):
            raise forms.ValidationError(_("Tindak lanjut yang dijanjikan perlu OPD dan tenggat."))
        return data


class NotulenForm(forms.Form):
    notulen = forms.CharField(label=_("Notulen"), max_length=bounds.TEXT_MAX, widget=forms.Textarea(attrs={"rows": 12}))


class AgendaFilterForm(forms.Form):
    kecamatan = forms.ModelChoiceField(
        label=_("Kecamatan"), queryset=Wilayah.objects.filter(tingkat=Wilayah.Tingkat.KECAMATAN), required=False
    )
    kategori = forms.ModelChoiceField(label=_("Kategori"), queryset=Kategori.objects.all(), required=False)


class AgendaAddForm(forms.Form):
    """The cases ticked on the agenda page."""

    kasus = bounds.IdListField()
    invite = forms.BooleanField(required=False)
