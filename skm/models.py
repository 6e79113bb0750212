from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

# The nine elements (unsur) of PermenPANRB No. 14 Tahun 2017, Lampiran, in the regulation's order.
UNSUR = (
    ("u1", _("Persyaratan")),
    ("u2", _("Sistem, mekanisme dan prosedur")),
    ("u3", _("Waktu penyelesaian")),
    ("u4", _("Biaya/tarif")),
    ("u5", _("Produk spesifikasi jenis pelayanan")),
    ("u6", _("Kompetensi pelaksana")),
    ("u7", _("Perilaku pelaksana")),
    ("u8", _("Penanganan pengaduan, saran dan masukan")),
    ("u9", _("Sarana dan prasarana")),
)
UNSUR_FIELDS = tuple(code for code, _label in UNSUR)


class Unit(models.TextChoices):
    """The service the respondent rates: a case handled by an OPD, an audiensi, a sarasehan."""

    OPD = "opd", _("Penanganan kasus oleh OPD")
    AUDIENSI = "audiensi", _("Audiensi")
    SARASEHAN = "sarasehan", _("Sarasehan")


class UndanganSurvei(models.Model):
    """One invitation per respondent and event; the signed link in its email is usable once."""

    unit = models.CharField(_("unit layanan"), max_length=12, choices=Unit.choices)
    # The event: a closed case, an attended audiensi or a sarasehan's attendance (PendaftaranSarasehan).
    event_id = models.PositiveBigIntegerField()
    email = models.EmailField(_("email"))
    language = models.CharField(max_length=5, default="id")
    kasus = models.ForeignKey("kasus.Kasus", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    opd = models.ForeignKey("wilayah.Opd", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("undangan survei")
        verbose_name_plural = _("undangan survei")
        constraints = [
            models.UniqueConstraint(fields=["unit", "event_id", "email"], name="undangan_survei_once_per_event"),
        ]

    def __str__(self) -> str:
        return f"{self.unit} {self.event_id}"


class ResponsSurvei(models.Model):
    """One completed questionnaire. Holds no name or contact: the invitation links it to nobody in public."""

    class JenisKelamin(models.TextChoices):
        L = "l", _("Laki-laki")
        P = "p", _("Perempuan")

    class Pendidikan(models.TextChoices):
        SD = "sd", _("SD ke bawah")
        SMP = "smp", _("SMP")
        SMA = "sma", _("SMA")
        D123 = "d123", _("D1/D2/D3")
        S1 = "s1", _("D4/S1")
        S2 = "s2", _("S2 ke atas")

    class Pekerjaan(models.TextChoices):
        PNS = "pns", _("PNS")
        TNI_POLRI = "tni_polri", _("TNI/Polri")
        SWASTA = "swasta", _("Swasta")
        WIRAUSAHA = "wirausaha", _("Wirausaha")
        PELAJAR = "pelajar", _("Pelajar/mahasiswa")
        LAINNYA = "lainnya", _("Lainnya")

    undangan = models.OneToOneField(UndanganSurvei, on_delete=models.PROTECT, related_name="respons")
    unit = models.CharField(_("unit layanan"), max_length=12, choices=Unit.choices)
    opd = models.ForeignKey("wilayah.Opd", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    u1 = models.PositiveSmallIntegerField()
    u2 = models.PositiveSmallIntegerField()
    u3 = models.PositiveSmallIntegerField()
    u4 = models.PositiveSmallIntegerField()
    u5 = models.PositiveSmallIntegerField()
    u6 = models.PositiveSmallIntegerField()
    u7 = models.PositiveSmallIntegerField()
    u8 = models.PositiveSmallIntegerField()
    u9 = models.PositiveSmallIntegerField()
    jenis_kelamin = models.CharField(_("jenis kelamin"), max_length=1, choices=JenisKelamin.choices, blank=True)
    pendidikan = models.CharField(_("pendidikan"), max_length=5, choices=Pendidikan.choices, blank=True)
    pekerjaan = models.CharField(_("pekerjaan"), max_length=10, choices=Pekerjaan.choices, blank=True)
    umur = models.PositiveSmallIntegerField(_("umur"), null=True, blank=True)
    saran = models.TextField(_("saran"), blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("respons survei")
        verbose_name_plural = _("respons survei")
        indexes = [models.Index(fields=["created_at", "unit"], name="respons_survei_created_unit")]
        constraints = [
            models.CheckConstraint(condition=models.Q(**{f"{u}__gte": 1, f"{u}__lte": 4}), name=f"respons_{u}_1_4")
            for u in UNSUR_FIELDS
        ]

    def __str__(self) -> str:
        return f"{self.unit} {self.created_at:%Y-%m-%d}"
