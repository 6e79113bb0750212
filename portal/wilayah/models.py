from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _


def in_reader_language(indonesian: str, english: str) -> str:
    """The English name under English when there is one; Indonesian otherwise."""
    if english and (get_language() or "").startswith("en"):
        return english
    return indonesian


class Wilayah(models.Model):
    """An administrative region with its Kemendagri code."""

    class Tingkat(models.TextChoices):
        KABUPATEN = "kabupaten", _("Kabupaten")
        KECAMATAN = "kecamatan", _("Kecamatan")
        DESA = "desa", _("Desa")
        KELURAHAN = "kelurahan", _("Kelurahan")

    kode = models.CharField(_("kode Kemendagri"), max_length=13, unique=True)
    nama = models.CharField(_("nama"), max_length=100)
    tingkat = models.CharField(_("tingkat"), max_length=10, choices=Tingkat.choices, db_index=True)
    parent = models.ForeignKey(
        "self", verbose_name=_("induk"), null=True, blank=True, on_delete=models.PROTECT, related_name="children"
    )
    # Residents of a kecamatan, for "cases per 10,000 residents"; empty shows "—" rather than a guess.
    penduduk = models.PositiveIntegerField(_("jumlah penduduk"), null=True, blank=True)
    # Shown under the map beside "per 10,000 residents": a figure without its source is not published.
    penduduk_sumber = models.CharField(
        _("sumber jumlah penduduk"),
        max_length=200,
        blank=True,
        help_text=_(
            "Publikasi dan tahun data, misalnya: BPS Kabupaten Wonogiri, Kabupaten Wonogiri Dalam Angka 2025, "
            "tabel penduduk menurut kecamatan (angka 2024)."
        ),
    )

    class Meta:
        ordering = ["kode"]
        verbose_name = _("wilayah")
        verbose_name_plural = _("wilayah")

    def __str__(self) -> str:
        # The level's word goes where the reader's language puts it: "Kecamatan Baturetno", "Baturetno District".
        return _("%(tingkat)s %(nama)s") % {"tingkat": self.get_tingkat_display(), "nama": self.nama}

    def clean(self) -> None:
        if self.penduduk is not None and not self.penduduk_sumber.strip():
            raise ValidationError({"penduduk_sumber": _("Sebutkan sumber jumlah penduduk.")})

    @property
    def is_desa(self) -> bool:
        """A desa or a kelurahan: where a resident lives."""
        return self.tingkat in DESA_LEVELS

    @property
    def kecamatan(self) -> "Wilayah | None":
        if self.tingkat == self.Tingkat.KECAMATAN:
            return self
        if self.is_desa:
            return self.parent
        return None


# The levels a resident lives at: every desa or kelurahan select and query names them through this.
DESA_LEVELS = (Wilayah.Tingkat.DESA, Wilayah.Tingkat.KELURAHAN)


class Opd(models.Model):
    """Organisasi Perangkat Daerah: an agency that acts on disposed cases."""

    nama = models.CharField(_("nama"), max_length=150, unique=True)
    nama_en = models.CharField(_("nama (Inggris)"), max_length=150, blank=True, help_text=_("Kosong: sama."))
    singkatan = models.CharField(_("singkatan"), max_length=30, blank=True)
    email = models.EmailField(_("email"), blank=True)
    is_active = models.BooleanField(_("aktif"), default=True)

    class Meta:
        ordering = ["nama"]
        verbose_name = _("OPD")
        verbose_name_plural = _("OPD")

    def __str__(self) -> str:
        return self.singkatan or self.display_name

    @property
    def display_name(self) -> str:
        return in_reader_language(self.nama, self.nama_en)


class Kategori(models.Model):
    nama = models.CharField(_("nama"), max_length=100, unique=True)
    nama_en = models.CharField(_("nama (Inggris)"), max_length=100, blank=True, help_text=_("Kosong: sama."))
    slug = models.SlugField(_("slug"), max_length=100, unique=True)
    default_opd = models.ForeignKey(
        Opd, verbose_name=_("OPD utama"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    is_active = models.BooleanField(_("aktif"), default=True)

    class Meta:
        ordering = ["nama"]
        verbose_name = _("kategori")
        verbose_name_plural = _("kategori")

    def __str__(self) -> str:
        return self.display_name

    @property
    def display_name(self) -> str:
        return in_reader_language(self.nama, self.nama_en)


class Pejabat(models.Model):
    """An official residents can meet in an audiensi."""

    jabatan = models.CharField(_("jabatan"), max_length=100)
    jabatan_en = models.CharField(_("jabatan (Inggris)"), max_length=100, blank=True, help_text=_("Kosong: sama."))
    nama = models.CharField(_("nama"), max_length=150)
    slug = models.SlugField(_("slug"), max_length=100, unique=True)
    email = models.EmailField(_("email"), blank=True)
    lokasi = models.CharField(_("lokasi audiensi"), max_length=200, blank=True)
    urutan = models.PositiveSmallIntegerField(_("urutan"), default=0)
    is_active = models.BooleanField(_("aktif"), default=True)

    class Meta:
        ordering = ["urutan", "jabatan"]
        verbose_name = _("pejabat")
        verbose_name_plural = _("pejabat")

    def __str__(self) -> str:
        return f"{self.display_jabatan} ({self.nama})"

    @property
    def display_jabatan(self) -> str:
        return in_reader_language(self.jabatan, self.jabatan_en)
