import datetime as dt
import secrets

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from portal.bounds import between

# Sane ranges of the booking rules: the booking window and holds are computed with them day by day.
PENGATURAN_RANGES = {
    "min_hari_kerja": (0, 60),
    "max_hari": (1, 366),
    "batas_permohonan_terbuka": (1, 10),
    "masa_tahan_hari_kerja": (1, 30),
}
ATURAN_RANGES = {"slot_minutes": (5, 480), "buffer_minutes": (0, 240)}


def new_feed_token() -> str:
    return secrets.token_urlsafe(24)


class PengaturanAudiensi(models.Model):
    """Booking rules of one pejabat: the booking window, holds and the per-resident limit."""

    pejabat = models.OneToOneField(
        "wilayah.Pejabat", verbose_name=_("pejabat"), on_delete=models.CASCADE, related_name="pengaturan_audiensi"
    )
    min_hari_kerja = models.PositiveSmallIntegerField(
        _("paling cepat (hari kerja ke depan)"),
        default=2,
        validators=between(*PENGATURAN_RANGES["min_hari_kerja"]),
        help_text=_("Slot paling cepat dapat dipesan pada hari kerja ke-N setelah hari ini."),
    )
    max_hari = models.PositiveSmallIntegerField(
        _("paling lambat (hari kalender ke depan)"),
        default=30,
        validators=between(*PENGATURAN_RANGES["max_hari"]),
    )
    batas_permohonan_terbuka = models.PositiveSmallIntegerField(
        _("batas permohonan terbuka per warga"),
        default=1,
        validators=between(*PENGATURAN_RANGES["batas_permohonan_terbuka"]),
    )
    masa_tahan_hari_kerja = models.PositiveSmallIntegerField(
        _("masa tahan permohonan (hari kerja)"),
        default=2,
        validators=between(*PENGATURAN_RANGES["masa_tahan_hari_kerja"]),
        help_text=_("Permohonan yang belum diputuskan protokol dalam waktu ini kedaluwarsa dan slotnya dilepas."),
    )
    feed_token = models.CharField(max_length=64, unique=True, default=new_feed_token, editable=False)

    class Meta:
        verbose_name = _("pengaturan audiensi")
        verbose_name_plural = _("pengaturan audiensi")

    def __str__(self) -> str:
        return str(self.pejabat)


class AturanMingguan(models.Model):
    """A weekly opening: on this weekday, from..to, in slots of N minutes with a buffer between them."""

    class Hari(models.IntegerChoices):
        SENIN = 0, _("Senin")
        SELASA = 1, _("Selasa")
        RABU = 2, _("Rabu")
        KAMIS = 3, _("Kamis")
        JUMAT = 4, _("Jumat")
        SABTU = 5, _("Sabtu")
        MINGGU = 6, _("Minggu")

    pejabat = models.ForeignKey(
        "wilayah.Pejabat", verbose_name=_("pejabat"), on_delete=models.CASCADE, related_name="aturan_audiensi"
    )
    weekday = models.PositiveSmallIntegerField(_("hari"), choices=Hari.choices)
    start_time = models.TimeField(_("mulai"))
    end_time = models.TimeField(_("selesai"))
    slot_minutes = models.PositiveSmallIntegerField(
        _("lama slot (menit)"), default=30, validators=between(*ATURAN_RANGES["slot_minutes"])
    )
    buffer_minutes = models.PositiveSmallIntegerField(
        _("jeda antar slot (menit)"), default=10, validators=between(*ATURAN_RANGES["buffer_minutes"])
    )

    class Meta:
        verbose_name = _("aturan mingguan")
        verbose_name_plural = _("aturan mingguan")
        ordering = ["pejabat", "weekday", "start_time"]
        constraints = [
            models.CheckConstraint(condition=models.Q(end_time__gt=models.F("start_time")), name="aturan_end_after"),
            models.CheckConstraint(condition=models.Q(slot_minutes__gte=5), name="aturan_slot_min_5"),
        ]

    def __str__(self) -> str:
        return f"{self.get_weekday_display()} {self.start_time:%H:%M}-{self.end_time:%H:%M}"


class Pengecualian(models.Model):
    """A date exception: the whole day off (no times) or the pejabat's own agenda blocking part of it."""

    pejabat = models.ForeignKey(
        "wilayah.Pejabat", verbose_name=_("pejabat"), on_delete=models.CASCADE, related_name="pengecualian_audiensi"
    )
    date = models.DateField(_("tanggal"))
    start_time = models.TimeField(_("mulai"), null=True, blank=True)
    end_time = models.TimeField(_("selesai"), null=True, blank=True)
    reason = models.CharField(_("keterangan"), max_length=200)

    class Meta:
        verbose_name = _("pengecualian jadwal")
        verbose_name_plural = _("pengecualian jadwal")
        ordering = ["date", "start_time"]
        indexes = [models.Index(fields=["pejabat", "date"], name="pengecualian_pejabat_date")]

    def __str__(self) -> str:
        if self.start_time and self.end_time:
            return f"{self.date:%d-%m-%Y} {self.start_time:%H:%M}-{self.end_time:%H:%M} {self.reason}"
        return f"{self.date:%d-%m-%Y} {self.reason}"

    @property
    def is_full_day(self) -> bool:
        return self.start_time is None or self.end_time is None


class Status(models.TextChoices):
    MENUNGGU = "menunggu", _("Menunggu keputusan protokol")
    DIUSULKAN = "diusulkan", _("Jadwal lain diusulkan")
    DIKONFIRMASI = "dikonfirmasi", _("Dikonfirmasi")
    HADIR = "hadir", _("Terlaksana")
    TIDAK_HADIR = "tidak_hadir", _("Pemohon tidak hadir")
    DIALIHKAN = "dialihkan", _("Dialihkan ke OPD")
    DITOLAK = "ditolak", _("Ditolak")
    DIBATALKAN = "dibatalkan", _("Dibatalkan")
    KEDALUWARSA = "kedaluwarsa", _("Kedaluwarsa")


# Statuses that occupy the pejabat's time. The exclusion constraint (migration 0002) lists the same values.
HELD_STATUSES = (Status.MENUNGGU, Status.DIUSULKAN, Status.DIKONFIRMASI, Status.HADIR)
# Statuses in which the resident still waits for the meeting.
OPEN_STATUSES = (Status.MENUNGGU, Status.DIUSULKAN, Status.DIKONFIRMASI)


class AudiensiQuerySet(models.QuerySet["Audiensi"]):
    def held(self) -> "AudiensiQuerySet":
        return self.filter(status__in=HELD_STATUSES)

    def overlapping(self, start: dt.datetime, end: dt.datetime) -> "AudiensiQuerySet":
        return self.filter(starts_at__lt=end, ends_at__gt=start)


class Audiensi(models.Model):
    """A face-to-face audience with a pejabat in one time slot, on a case."""

    # The module's enum, reachable from an audiensi in templates, like Kasus.Status.
    Status = Status

    kasus = models.ForeignKey("kasus.Kasus", verbose_name=_("kasus"), on_delete=models.PROTECT, related_name="audiensi")
    pejabat = models.ForeignKey(
        "wilayah.Pejabat", verbose_name=_("pejabat"), on_delete=models.PROTECT, related_name="audiensi"
    )
    pemohon = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("pemohon"), on_delete=models.PROTECT, related_name="audiensi"
    )
    starts_at = models.DateTimeField(_("mulai"))
    ends_at = models.DateTimeField(_("selesai"))
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.MENUNGGU)
    topic = models.CharField(_("topik"), max_length=200)
    jumlah_peserta = models.PositiveSmallIntegerField(_("jumlah peserta"), default=1)
    anggota = models.TextField(_("nama anggota rombongan"), blank=True)
    opd = models.ForeignKey(
        "wilayah.Opd", verbose_name=_("dialihkan ke OPD"), null=True, blank=True, on_delete=models.PROTECT
    )
    expires_at = models.DateTimeField(_("kedaluwarsa pada"), null=True, blank=True)
    checked_in_at = models.DateTimeField(_("dicatat hadir"), null=True, blank=True)
    notulen = models.TextField(_("notulen (publik)"), blank=True)
    notulen_internal = models.TextField(_("catatan internal"), blank=True)
    reminder_sent_at = models.DateTimeField(null=True, blank=True, editable=False)
    idempotency_key = models.CharField(max_length=64, unique=True, null=True, blank=True, editable=False)
    created_at = models.DateTimeField(_("diajukan"), default=timezone.now)
    updated_at = models.DateTimeField(_("diperbarui"), auto_now=True)

    objects = AudiensiQuerySet.as_manager()

    class Meta:
        verbose_name = _("audiensi")
        verbose_name_plural = _("audiensi")
        ordering = ["starts_at"]
        indexes = [
            models.Index(fields=["pejabat", "starts_at"], name="audiensi_pejabat_start"),
            models.Index(fields=["status", "starts_at"], name="audiensi_status_start"),
            models.Index(fields=["pemohon", "status"], name="audiensi_pemohon_status"),
        ]
        constraints = [
            models.CheckConstraint(condition=models.Q(ends_at__gt=models.F("starts_at")), name="audiensi_end_after"),
            models.CheckConstraint(
                condition=models.Q(jumlah_peserta__gte=1, jumlah_peserta__lte=10), name="audiensi_peserta_1_10"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.pejabat.jabatan} {timezone.localtime(self.starts_at):%d-%m-%Y %H:%M}"

    @property
    def is_held(self) -> bool:
        return self.status in HELD_STATUSES

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES
