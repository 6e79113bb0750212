import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, cast

from django import forms
from django.core.exceptions import ValidationError
from django.http import QueryDict
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from portal import bounds
from portal.akun.models import User
from portal.kasus.models import Channel, validate_lapor_tracking_id
from portal.kasus.titik import OUTSIDE_REGENCY
from portal.widgets import OptionsInPythonSelect
from portal.wilayah import geo
from portal.wilayah.models import Kategori, Opd, Wilayah

from . import files
from .models import Jenis
from .services import STAFF_CHANNELS

# Each kecamatan with its desa/kelurahan (aspirasi.selectors.wilayah_options).
WilayahOptions = Sequence[tuple[Wilayah, list[Wilayah]]]
# Written instead of the idempotency key into a form page kept by the page cache; each answer gets a fresh key.
IDEMPOTENCY_KEY_PLACEHOLDER = "page-cache-idempotency-key-placeholder"


def new_idempotency_key() -> str:
    return uuid.uuid4().hex


class MultipleFileInput(forms.FileInput):
    allow_multiple_selected = True


class AttachmentsField(forms.FileField):
    """Up to five files in one input; the content checks run in the form's clean_lampiran."""

    widget = MultipleFileInput(attrs={"accept": "image/jpeg,image/png,application/pdf"})

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("required", False)
        kwargs.setdefault("label", _("Lampiran"))
        kwargs.setdefault(
            "help_text", _("Paling banyak 5 berkas: foto JPEG/PNG atau dokumen PDF, masing-masing maksimal 10 MB.")
        )
        super().__init__(**kwargs)

    def clean(self, data: Any, initial: Any = None) -> list[Any]:
        items = data if isinstance(data, list | tuple) else ([data] if data else [])
        return [item for item in items if item]


class AttachmentsMixin:
    cleaned_data: dict[str, Any]  # mixed into a Form

    def clean_lampiran(self) -> list[files.CleanFile]:
        accepted, errors = files.clean_uploads(self.cleaned_data.get("lampiran") or [])
        if errors:
            raise ValidationError(errors)
        return accepted


@dataclass(frozen=True)
class _WilayahIndex:
    """What a WilayahField needs from the options: its grouped choices and the lookups by id and code."""

    choices: list[tuple[str, Any]]
    by_id: dict[int, Wilayah]
    by_kode: dict[str, Wilayah]
    kecamatan_by_id: dict[int | None, Wilayah]


# The options last indexed and their index. wilayah_groups() returns the same list until the regions change, so one
# build serves every form of this process: building and checking some 330 choices on each POST was a tenth of a
# submission's Python time.
_INDEXED: list[tuple[WilayahOptions, _WilayahIndex]] = []


def _wilayah_index(options: WilayahOptions) -> _WilayahIndex:
    if _INDEXED and _INDEXED[0][0] is options:
        return _INDEXED[0][1]
    # (value, label) and, per kecamatan, (name, its desa's (value, label)s): Django's grouped choices.
    choices: list[tuple[str, Any]] = [("", _("— pilih desa/kelurahan (boleh dikosongkan) —"))]
    index = _WilayahIndex(choices, {}, {}, {})
    for kec, desa_list in options:
        choices.append((kec.nama, [(str(d.pk), d.nama) for d in desa_list]))
        index.by_id.update({d.pk: d for d in desa_list})
        index.by_kode.update({d.kode: d for d in desa_list})
        index.kecamatan_by_id[kec.pk] = kec
    _INDEXED[:] = [(options, index)]
    return index


class WilayahField(forms.TypedChoiceField):
    """A desa/kelurahan chosen from a <select> grouped by kecamatan: works without JavaScript."""

    widget = OptionsInPythonSelect

    def __init__(self, *, options: WilayahOptions, **kwargs: Any) -> None:
        index = _wilayah_index(options)
        self.by_id = index.by_id
        self.by_kode = index.by_kode
        self.kecamatan_by_id = index.kecamatan_by_id
        # A callable: the choices are read when the <select> is drawn, not copied for every form.
        super().__init__(choices=lambda: index.choices, coerce=int, empty_value=None, **kwargs)

    def valid_value(self, value: Any) -> bool:
        return str(value).isdigit() and int(value) in self.by_id

    def clean(self, value: Any) -> Wilayah | None:
        pk = super().clean(value)
        return self.by_id.get(pk) if pk is not None else None


class KecamatanField(forms.ModelChoiceField):
    """A kecamatan, found among the options the form already holds for its desa list; the table only without them."""

    known: dict[int | None, Wilayah] = {}

    def to_python(self, value: Any) -> Wilayah | None:
        if value in self.empty_values:
            return None
        if not self.known:
            return cast(Wilayah | None, super().to_python(value))
        found = self.known.get(int(value)) if str(value).isdigit() else None
        if found is None:
            raise ValidationError(self.error_messages["invalid_choice"], code="invalid_choice", params={"value": value})
        return found


class AspirasiForm(AttachmentsMixin, forms.Form):
    jenis = forms.ChoiceField(
        label=_("Jenis"),
        choices=Jenis.choices,
        widget=forms.RadioSelect,
        initial=Jenis.ASPIRASI,
        error_messages={"required": _("Pilih jenis laporan."), "invalid_choice": _("Pilih jenis laporan.")},
    )
    title = forms.CharField(
        label=_("Judul"),
        max_length=200,
        help_text=_("Satu kalimat singkat tentang masalahnya."),
        error_messages={"required": _("Tuliskan judul laporan Anda.")},
    )
    description = forms.CharField(
        label=_("Uraian"),
        max_length=5000,
        error_messages={"required": _("Ceritakan masalahnya di uraian.")},
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_("Apa yang terjadi, di mana, sejak kapan, dan apa yang Anda harapkan."),
    )
    kategori = forms.ModelChoiceField(
        label=_("Kategori"),
        queryset=Kategori.objects.filter(is_active=True),
        required=False,
        empty_label=_("— tidak tahu / biar petugas yang menentukan —"),
        widget=OptionsInPythonSelect,
    )
    kecamatan = KecamatanField(
        label=_("Kecamatan"),
        queryset=Wilayah.objects.filter(tingkat=Wilayah.Tingkat.KECAMATAN),
        required=False,
        empty_label=_("— pilih kecamatan —"),
        error_messages={"invalid_choice": _("Pilih kecamatan dari daftar.")},
        widget=OptionsInPythonSelect,
    )
    address_detail = forms.CharField(
        label=_("Detail lokasi"),
        max_length=255,
        required=False,
        help_text=_("Nama jalan, dusun, RT/RW, atau patokan terdekat."),
    )
    # The pin, placed on the map by JavaScript; without it the form works on the desa select alone.
    titik_lat = forms.FloatField(required=False, min_value=-90, max_value=90, widget=forms.HiddenInput)
    titik_lng = forms.FloatField(required=False, min_value=-180, max_value=180, widget=forms.HiddenInput)
    lampiran = AttachmentsField()
    is_anonymous = forms.BooleanField(
        label=_("Anonim: sembunyikan identitas saya dari OPD dan publik"),
        required=False,
        help_text=_("Hanya petugas verifikasi yang dapat melihat nama dan kontak Anda."),
    )
    is_confidential = forms.BooleanField(
        label=_("Rahasia: isi laporan tidak pernah ditampilkan ke publik"),
        required=False,
        help_text=_("Laporan tetap ditangani petugas dan OPD terkait, tetapi tidak muncul di halaman transparansi."),
    )
    reporter_name = forms.CharField(label=_("Nama"), max_length=150, required=False)
    reporter_email = forms.EmailField(
        label=_("Email"),
        max_length=254,
        required=False,
        help_text=_("Kami kirim tautan konfirmasi ke email ini; laporan masuk antrean setelah Anda mengekliknya."),
    )
    reporter_phone = forms.RegexField(
        label=_("Nomor telepon/WhatsApp (opsional)"),
        regex=r"^\+?[0-9 ()-]{8,20}$",
        max_length=20,
        required=False,
        error_messages={"invalid": _("Nomor telepon tidak valid.")},
    )
    consent = forms.BooleanField(
        label=_("Saya telah membaca dan menyetujui pemrosesan data pribadi di atas."),
        error_messages={"required": _("Persetujuan diperlukan agar laporan dapat diproses.")},
    )
    idempotency_key = forms.RegexField(regex=r"^[0-9a-f]{32}$", max_length=32, widget=forms.HiddenInput)
    # Honeypot: invisible to people, filled in by naive bots.
    website = forms.CharField(
        required=False,
        max_length=200,
        label=_("Jangan diisi"),
        widget=forms.TextInput(attrs={"autocomplete": "off", "tabindex": "-1"}),
    )

    guest_fields = ("reporter_name", "reporter_email", "reporter_phone")
    email_required = True

    def __init__(
        self, *args: Any, user: User | None = None, wilayah_options: WilayahOptions = (), **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.user = user if getattr(user, "is_authenticated", False) else None
        self.fields["desa"] = WilayahField(
            options=wilayah_options,
            label=_("Desa/kelurahan"),
            required=False,
            help_text=_("Daftar dikelompokkan per kecamatan; pilih langsung desa/kelurahan Anda."),
        )
        # With JavaScript, choosing a kecamatan narrows the desa list (htmx); without it the grouped list works.
        self.fields["kecamatan"].widget.attrs.update(
            {
                "hx-get": reverse("aspirasi:desa_options"),
                "hx-target": "#id_desa",
                "hx-trigger": "change",
                "hx-swap": "innerHTML",
            }
        )
        if wilayah_options:
            # The options are already loaded for the desa list: no second query for the kecamatan list, nor for
            # the kecamatan chosen.
            kecamatan = cast(KecamatanField, self.fields["kecamatan"])  # declared above
            kecamatan.choices = [("", kecamatan.empty_label)] + [(kec.pk, kec.nama) for kec, _desa in wilayah_options]
            kecamatan.known = cast(WilayahField, self.fields["desa"]).kecamatan_by_id
        # Required unless a desa is chosen (clean() checks); marked like every required field.
        self.fields["kecamatan"].marked_required = True  # type: ignore[attr-defined]  # read by the field layout
        self.order_fields(
            [
                "jenis",
                "title",
                "description",
                "kategori",
                "titik_lat",
                "titik_lng",
                "kecamatan",
                "desa",
                "address_detail",
                "lampiran",
            ]
        )
        if self.user is not None:
            for name in self.guest_fields:
                del self.fields[name]
        if not self.is_bound:
            self.initial.setdefault("idempotency_key", new_idempotency_key())
        self.fields["idempotency_key"].error_messages["required"] = _(
            "Formulir kedaluwarsa. Periksa isian Anda lalu kirim lagi."
        )

    @property
    def is_honeypot(self) -> bool:
        return bool(self.data.get("website"))

    def clean_titik(self, data: dict[str, Any]) -> None:
        """A pin outside the regency is refused; inside, its desa fills an empty choice (the resident's wins)."""
        lat, lng = data.get("titik_lat"), data.get("titik_lng")
        if lat is None or lng is None:
            data["titik"] = None
            return
        found = geo.desa_at(lat, lng)
        if found is None:
            self.add_error("titik_lat", OUTSIDE_REGENCY)
            data["titik"] = None
            return
        data["titik"] = (lat, lng)
        field = cast(WilayahField, self.fields["desa"])  # set in __init__
        desa = field.by_kode.get(found.kode)
        chosen_kec = data.get("kecamatan")
        if desa is not None and data.get("desa") is None and (chosen_kec is None or chosen_kec.pk == desa.parent_id):
            data["desa"], data["kecamatan"] = desa, field.kecamatan_by_id.get(desa.parent_id)
            # Shown pre-selected on the next render, where the resident can correct it.
            shown = cast(QueryDict, self.data).copy()  # request.POST; a copy can be changed
            shown[self.add_prefix("desa")] = str(desa.pk)
            shown[self.add_prefix("kecamatan")] = str(desa.parent_id)
            self.data = shown

    @property
    def photo_gps(self) -> tuple[float, float] | None:
        """The first uploaded photo's GPS position inside the regency, offered as the pin (never set silently)."""
        for item in (getattr(self, "cleaned_data", None) or {}).get("lampiran") or []:
            if item.gps is not None and geo.desa_at(*item.gps) is not None:
                return item.gps
        return None

    # The fields of the case itself, named as aspirasi_submit takes them, for both the resident's and staff's forms.
    CASE_FIELDS = (
        "jenis",
        "title",
        "description",
        "kategori",
        "wilayah",
        "address_detail",
        "is_anonymous",
        "is_confidential",
        "idempotency_key",
        "consent",
        "titik",
    )

    def case_fields(self) -> dict[str, Any]:
        return {name: self.cleaned_data[name] for name in self.CASE_FIELDS}

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        self.clean_titik(data)
        kec, desa = data.get("kecamatan"), data.get("desa")
        if desa is not None:
            if kec is not None and desa.parent_id != kec.pk:
                self.add_error("desa", _("Desa/kelurahan ini tidak berada di kecamatan yang dipilih."))
            data["wilayah"] = desa
        elif kec is not None:
            data["wilayah"] = kec
        elif "kecamatan" not in self.errors:
            self.add_error("kecamatan", _("Pilih kecamatan lokasi masalahnya."))
        if self.user is None and "reporter_name" in self.fields and not data.get("is_anonymous"):
            if not data.get("reporter_name"):
                self.add_error("reporter_name", _("Tuliskan nama Anda, atau pilih anonim."))
            if self.email_required and not data.get("reporter_email") and "reporter_email" not in self.errors:
                self.add_error("reporter_email", _("Tuliskan email Anda, atau pilih anonim."))
        return data


class StaffRecordForm(AspirasiForm):
    """A petugas records an aspirasi that came through another channel, on a resident's behalf."""

    # A resident who phoned or walked in may give only a phone number.
    email_required = False

    channel = forms.ChoiceField(
        label=_("Kanal"), choices=[(c.value, c.label) for c in STAFF_CHANNELS], initial=Channel.WHATSAPP
    )
    source_url = forms.URLField(
        label=_("Tautan unggahan media sosial"),
        required=False,
        max_length=500,
        assume_scheme="https",
        help_text=_("Wajib untuk kanal media sosial."),
    )
    lapor_tracking_id = forms.CharField(
        label=_("Nomor SP4N-LAPOR!"),
        required=False,
        max_length=40,
        validators=[validate_lapor_tracking_id],
        help_text=_("Wajib untuk kanal SP4N-LAPOR!: nomor pelacakan laporan di lapor.go.id."),
    )
    consent = forms.BooleanField(
        label=_("Warga telah diberi tahu isi pernyataan pelindungan data pribadi dan menyetujuinya."),
        error_messages={"required": _("Catat persetujuan warga sebelum menyimpan.")},
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs["user"] = None
        super().__init__(*args, **kwargs)
        self.order_fields(["channel", "source_url", "lapor_tracking_id"] + list(self.fields))
        self.fields["reporter_email"].help_text = _("Bila diisi, warga menerima nomor kasus dan tautan pelacakan.")
        self.fields["reporter_name"].label = _("Nama warga")

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if data.get("channel") == Channel.MEDIA_SOSIAL and not data.get("source_url"):
            self.add_error("source_url", _("Sertakan tautan unggahan media sosialnya."))
        if data.get("channel") == Channel.LAPOR and not data.get("lapor_tracking_id"):
            if "lapor_tracking_id" not in self.errors:
                self.add_error("lapor_tracking_id", _("Sertakan nomor pelacakan SP4N-LAPOR!-nya."))
        return data


class InfoForm(AttachmentsMixin, forms.Form):
    message = forms.CharField(label=_("Informasi tambahan"), max_length=5000, widget=forms.Textarea(attrs={"rows": 4}))
    lampiran = AttachmentsField()


class AcceptForm(forms.Form):
    rating = forms.TypedChoiceField(
        label=_("Penilaian Anda atas penanganan laporan"),
        choices=[(i, str(i)) for i in range(1, 6)],
        coerce=int,
        widget=forms.RadioSelect,
        help_text=_("1 = sangat tidak puas, 5 = sangat puas."),
        error_messages={"required": _("Pilih penilaian 1 sampai 5.")},
    )
    comment = forms.CharField(
        label=_("Komentar (opsional)"), max_length=2000, required=False, widget=forms.Textarea(attrs={"rows": 3})
    )


class DisputeForm(forms.Form):
    reason = forms.CharField(
        label=_("Mengapa jawaban belum menyelesaikan masalah?"),
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 4}),
    )


# Prefixes keep these forms apart from the case page's own action forms.
ANSWER_PREFIX = "jawablampiran"
REROUTE_PREFIX = "alih"


class AnswerForm(AttachmentsMixin, forms.Form):
    answer = forms.CharField(
        label=_("Jawaban untuk pelapor (publik)"), max_length=10000, widget=forms.Textarea(attrs={"rows": 6})
    )
    lampiran = AttachmentsField()


class RerouteForm(forms.Form):
    reason = forms.CharField(label=_("Alasan pengalihan"), max_length=2000, widget=forms.Textarea(attrs={"rows": 3}))
    suggested_opd = forms.ModelChoiceField(
        label=_("OPD yang menurut Anda berwenang"),
        queryset=Opd.objects.filter(is_active=True),
        required=False,
        empty_label=_("— tidak tahu —"),
    )


class DesaOptionsForm(forms.Form):
    """The query string of the htmx desa/kelurahan list."""

    kecamatan = forms.IntegerField(required=False, min_value=1, max_value=bounds.ID_MAX)
