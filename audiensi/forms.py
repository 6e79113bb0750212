import datetime as dt
from typing import Any, cast

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from portal import bounds
from portal.akun.models import User
from portal.wilayah.models import Opd, Pejabat

from . import services
from .models import ATURAN_RANGES, PENGATURAN_RANGES, AturanMingguan, PengaturanAudiensi, Status
from .selectors import Slot, parse_slot_value


class SlotField(forms.ChoiceField):
    """A radio list of free slots; the value names the pejabat and the local start time."""

    widget = forms.RadioSelect
    default_error_messages = {
        "required": _("Pilih waktu audiensi."),
        "invalid_choice": _("Pilih waktu audiensi dari daftar."),
    }

    def valid_value(self, value: Any) -> bool:
        # A slot taken since the page was rendered is refused by the service with a clear message.
        return parse_slot_value(value) is not None


def slot_choices(slots: list[Slot]) -> list[tuple[str, str]]:
    return [
        (
            s.value,
            f"{s.pejabat.display_jabatan} · "
            f"{timezone.localtime(s.start):%d-%m-%Y %H:%M}-{timezone.localtime(s.end):%H:%M}",
        )
        for s in slots
    ]


class AjukanForm(forms.Form):
    slot = SlotField(label=_("Pilih pejabat dan waktu"))
    topic = forms.CharField(
        label=_("Topik yang ingin disampaikan"),
        max_length=200,
        error_messages={"required": _("Tuliskan topik yang ingin Anda sampaikan.")},
    )
    ringkasan = forms.CharField(
        label=_("Uraian singkat"),
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Untuk kasus baru: apa masalahnya dan apa yang Anda harapkan."),
    )
    jumlah_peserta = forms.IntegerField(
        label=_("Jumlah peserta"),
        min_value=1,
        max_value=10,
        initial=1,
        error_messages={
            "required": _("Tuliskan jumlah peserta, 1 sampai 10."),
            "invalid": _("Tuliskan jumlah peserta dengan angka, 1 sampai 10."),
            "min_value": _("Jumlah peserta paling sedikit 1."),
            "max_value": _("Jumlah peserta paling banyak 10."),
        },
    )
    anggota = forms.CharField(
        label=_("Nama anggota rombongan"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Satu nama per baris, selain Anda sendiri."),
    )
    kasus_reference = forms.CharField(
        label=_("Nomor kasus Anda yang terkait (opsional)"),
        required=False,
        max_length=20,
        help_text=_("Misalnya KSS-2026-000123. Kosongkan untuk membuka kasus baru."),
    )
    idempotency_key = forms.CharField(widget=forms.HiddenInput, max_length=64)

    def __init__(self, *args: Any, slots: list[Slot], user: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.user = user
        cast(SlotField, self.fields["slot"]).choices = slot_choices(slots)

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        # Checked here too, so a wrong reference is reported together with the other errors.
        if data.get("kasus_reference"):
            try:
                services.kasus_reference_check(user=self.user, reference=data["kasus_reference"])
            except services.AudiensiError as exc:
                self.add_error("kasus_reference", str(exc))
        size = data.get("jumlah_peserta")
        names = [line.strip() for line in (data.get("anggota") or "").splitlines() if line.strip()]
        if size and len(names) > size - 1:
            self.add_error("anggota", _("Jumlah nama anggota melebihi jumlah peserta."))
        if size and size > 1 and not names:
            self.add_error("anggota", _("Tuliskan nama anggota rombongan."))
        return data


class RescheduleForm(forms.Form):
    slot = SlotField(label=_("Pilih waktu baru"))
    reason = forms.CharField(label=_("Alasan (opsional)"), required=False, max_length=500)

    def __init__(self, *args: Any, slots: list[Slot], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(SlotField, self.fields["slot"]).choices = slot_choices(slots)


class ReasonForm(forms.Form):
    reason = forms.CharField(label=_("Alasan"), widget=forms.Textarea(attrs={"rows": 3}), max_length=1000)


class ConfirmForm(forms.Form):
    reason = forms.CharField(label=_("Catatan untuk pemohon (opsional)"), required=False, max_length=1000)


class OptionalReasonForm(forms.Form):
    reason = forms.CharField(label=_("Alasan (opsional)"), required=False, max_length=1000)


class ProposeForm(forms.Form):
    slot = SlotField(label=_("Waktu yang diusulkan"))
    reason = forms.CharField(label=_("Alasan"), max_length=1000)

    def __init__(self, *args: Any, slots: list[Slot], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(SlotField, self.fields["slot"]).choices = slot_choices(slots)


class HandoverPejabatForm(forms.Form):
    pejabat = forms.ModelChoiceField(label=_("Alihkan kepada"), queryset=Pejabat.objects.filter(is_active=True))
    reason = forms.CharField(label=_("Alasan"), max_length=1000)


class HandoverOpdForm(forms.Form):
    opd = forms.ModelChoiceField(label=_("Kepala OPD"), queryset=Opd.objects.filter(is_active=True))
    reason = forms.CharField(label=_("Alasan"), max_length=1000)


class CheckInForm(forms.Form):
    hadir = forms.TypedChoiceField(
        label=_("Kehadiran"),
        choices=[("1", _("Hadir")), ("0", _("Tidak hadir"))],
        coerce=lambda v: v == "1",
        widget=forms.RadioSelect,
    )
    note = forms.CharField(label=_("Catatan (opsional)"), required=False, max_length=500)


class NotulenForm(forms.Form):
    notulen = forms.CharField(
        label=_("Notulen (publik)"),
        max_length=bounds.TEXT_MAX,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_("Tampil di halaman pelacakan kasus bila kasus tidak rahasia."),
    )
    notulen_internal = forms.CharField(
        label=_("Catatan internal"),
        required=False,
        max_length=bounds.TEXT_MAX,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class TindakLanjutForm(forms.Form):
    description = forms.CharField(
        label=_("Tindak lanjut yang dijanjikan"), max_length=2000, widget=forms.Textarea(attrs={"rows": 3})
    )
    opd = forms.ModelChoiceField(label=_("OPD penanggung jawab"), queryset=Opd.objects.filter(is_active=True))
    due_date = bounds.DateField(label=_("Tenggat"), widget=forms.DateInput(attrs={"type": "date"}))


class PengaturanForm(forms.ModelForm):
    class Meta:
        model = PengaturanAudiensi
        fields = ["min_hari_kerja", "max_hari", "batas_permohonan_terbuka", "masa_tahan_hari_kerja"]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name, (low, high) in PENGATURAN_RANGES.items():
            bounds.limit_integer(cast(forms.IntegerField, self.fields[name]), low, high)


class AturanForm(forms.ModelForm):
    class Meta:
        model = AturanMingguan
        fields = ["weekday", "start_time", "end_time", "slot_minutes", "buffer_minutes"]
        widgets = {
            "start_time": forms.TimeInput(attrs={"type": "time"}),
            "end_time": forms.TimeInput(attrs={"type": "time"}),
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name, (low, high) in ATURAN_RANGES.items():
            bounds.limit_integer(cast(forms.IntegerField, self.fields[name]), low, high)


class PengecualianForm(forms.Form):
    date = bounds.DateField(label=_("Tanggal"), widget=forms.DateInput(attrs={"type": "date"}))
    start_time = forms.TimeField(label=_("Mulai"), required=False, widget=forms.TimeInput(attrs={"type": "time"}))
    end_time = forms.TimeField(label=_("Selesai"), required=False, widget=forms.TimeInput(attrs={"type": "time"}))
    reason = forms.CharField(label=_("Keterangan"), max_length=200)


class StaffListFilterForm(forms.Form):
    """The query string of the protokol's list; a value out of shape filters nothing."""

    status = forms.ChoiceField(choices=Status.choices, required=False)
    pejabat = forms.SlugField(max_length=100, required=False)

    def value(self, name: str) -> str:
        self.is_valid()  # each field that passes still filters
        return self.cleaned_data.get(name, "")


class DayForm(forms.Form):
    tanggal = bounds.DateField(label=_("Tanggal"), required=False, widget=forms.DateInput(attrs={"type": "date"}))

    def day(self) -> dt.date:
        if self.is_valid() and self.cleaned_data.get("tanggal"):
            return self.cleaned_data["tanggal"]
        return timezone.localdate()
