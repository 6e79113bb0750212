import secrets
from pathlib import PurePosixPath

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from portal.kasus.models import Channel

# Bump when the consent text in templates/aspirasi/_consent.html changes: each aspirasi records which one it saw.
CONSENT_VERSION = "2026-01"


class Jenis(models.TextChoices):
    ASPIRASI = "aspirasi", _("Aspirasi (saran)")
    PENGADUAN = "pengaduan", _("Pengaduan (keluhan)")
    PERMINTAAN_INFORMASI = "permintaan_informasi", _("Permintaan informasi")


class Aspirasi(models.Model):
    """A written submission: what the resident wrote, through which channel, with which consent."""

    kasus = models.ForeignKey("kasus.Kasus", on_delete=models.CASCADE, related_name="aspirasi")
    # The case this report opened, whose reporter sent it. `kasus` moves on a merge; this does not.
    origin_kasus = models.ForeignKey(
        "kasus.Kasus",
        verbose_name=_("kasus asal"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        editable=False,
    )
    jenis = models.CharField(_("jenis"), max_length=25, choices=Jenis.choices, default=Jenis.ASPIRASI)
    description = models.TextField(_("uraian"))
    address_detail = models.CharField(_("detail alamat/lokasi"), max_length=255, blank=True)
    channel = models.CharField(_("kanal"), max_length=20, choices=Channel.choices, default=Channel.WEB)
    source_url = models.URLField(_("tautan unggahan"), max_length=500, blank=True)
    consent_at = models.DateTimeField(_("persetujuan diberikan"), null=True, blank=True)
    consent_version = models.CharField(_("versi pernyataan persetujuan"), max_length=20, blank=True)
    # A random key from the form: a double click or a resubmitted form finds the first case.
    idempotency_key = models.CharField(max_length=64, unique=True, null=True, blank=True, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("dicatat oleh"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    confirm_expires_at = models.DateTimeField(_("batas konfirmasi email"), null=True, blank=True)
    created_at = models.DateTimeField(_("dibuat"), default=timezone.now)

    class Meta:
        verbose_name = _("aspirasi")
        verbose_name_plural = _("aspirasi")
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return f"{self.get_jenis_display()} #{self.pk}"


def lampiran_upload_to(instance: "Lampiran", filename: str) -> str:
    # Only the extension of the detected type survives; the name is random.
    suffix = PurePosixPath(filename).suffix.lower()
    now = timezone.now()
    return f"lampiran/{now:%Y/%m}/{secrets.token_hex(16)}{suffix}"


class Lampiran(models.Model):
    """A file attached to a case. Stored under a random name, served only through an access-checked view."""

    class Role(models.TextChoices):
        SUBMISSION = "submission", _("Lampiran laporan")
        INFO = "info", _("Informasi tambahan")
        ANSWER = "answer", _("Lampiran jawaban")

    kasus = models.ForeignKey("kasus.Kasus", on_delete=models.CASCADE, related_name="lampiran")
    aspirasi = models.ForeignKey(Aspirasi, null=True, blank=True, on_delete=models.SET_NULL, related_name="lampiran")
    # The case it was sent on (its reporter's, or the one an OPD answered). `kasus` moves on a merge; this does not,
    # so each reporter keeps their own files and never sees another reporter's.
    origin_kasus = models.ForeignKey(
        "kasus.Kasus",
        verbose_name=_("kasus asal"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        editable=False,
    )
    role = models.CharField(_("peran"), max_length=12, choices=Role.choices, default=Role.SUBMISSION)
    file = models.FileField(_("berkas"), upload_to=lampiran_upload_to, max_length=200)
    original_name = models.CharField(_("nama berkas"), max_length=150)
    content_type = models.CharField(_("jenis berkas"), max_length=50)
    size = models.PositiveIntegerField(_("ukuran"))
    sha256 = models.CharField(max_length=64)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(_("diunggah"), default=timezone.now)

    class Meta:
        verbose_name = _("lampiran")
        verbose_name_plural = _("lampiran")
        ordering = ["created_at", "id"]
        indexes = [models.Index(fields=["kasus", "role"], name="lampiran_kasus_role")]

    def __str__(self) -> str:
        return self.original_name

    @property
    def extension(self) -> str:
        return {"image/jpeg": "jpg", "image/png": "png", "application/pdf": "pdf"}.get(self.content_type, "bin")

    @property
    def is_image(self) -> bool:
        return self.content_type.startswith("image/")

    @property
    def thumbnail_name(self) -> str:
        """Where an image's thumbnail is stored: beside the file, under the same random name."""
        return f"{self.file.name}.kecil.jpg"
