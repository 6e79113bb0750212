from typing import Any, ClassVar

from django.contrib.auth.models import AbstractUser, UserManager
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class EmailUserManager(UserManager["User"]):
    use_in_migrations = True

    def _create_user(self, email: str | None, password: str | None, **extra_fields: Any) -> "User":
        if not email:
            raise ValueError("email is required")
        user = self.model(email=self.normalize_email(email).lower(), **extra_fields)
        user.set_password(password)
        user.save(using=self._db)
        return user

    # Email is the login and there is no username, so the first argument differs from UserManager's.
    def create_user(  # type: ignore[override]
        self, email: str | None = None, password: str | None = None, **extra_fields: Any
    ) -> "User":
        extra_fields.setdefault("is_staff", False)
        extra_fields.setdefault("is_superuser", False)
        return self._create_user(email, password, **extra_fields)

    def create_superuser(  # type: ignore[override]  # no username, as in create_user
        self, email: str | None = None, password: str | None = None, **extra_fields: Any
    ) -> "User":
        extra_fields.setdefault("is_staff", True)
        extra_fields.setdefault("is_superuser", True)
        return self._create_user(email, password, **extra_fields)


class User(AbstractUser):
    """A person with an account; email is the login. Roles are groups (see roles.py)."""

    # Removing AbstractUser's fields: the stubs type them as str, the model has no such columns.
    username = None  # type: ignore[assignment]
    first_name = None  # type: ignore[assignment]
    last_name = None  # type: ignore[assignment]
    email = models.EmailField(_("email"), unique=True)
    full_name = models.CharField(_("nama lengkap"), max_length=150, blank=True)
    phone = models.CharField(_("nomor telepon"), max_length=20, blank=True)
    wilayah = models.ForeignKey(
        "wilayah.Wilayah",
        verbose_name=_("desa/kelurahan tempat tinggal"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    opd = models.ForeignKey(
        "wilayah.Opd",
        verbose_name=_("OPD"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="staff",
        help_text=_("Hanya untuk akun dengan peran OPD."),
    )
    language = models.CharField(
        _("bahasa"), max_length=5, choices=[("id", "Bahasa Indonesia"), ("en", "English")], default="id"
    )

    USERNAME_FIELD = "email"
    REQUIRED_FIELDS: ClassVar[list[str]] = []

    objects: ClassVar[EmailUserManager] = EmailUserManager()

    class Meta:
        verbose_name = _("pengguna")
        verbose_name_plural = _("pengguna")

    def __str__(self) -> str:
        return self.full_name or self.email

    def get_full_name(self) -> str:
        return self.full_name or self.email

    def get_short_name(self) -> str:
        return self.full_name.split(" ")[0] if self.full_name else self.email


class PermintaanDataPribadi(models.Model):
    """A resident's request under UU PDP No. 27/2022, made on the portal, by letter or in person.

    Deadlines run from received_at (see datapribadi.services.PDP_DEADLINES for the articles).
    """

    class Jenis(models.TextChoices):
        AKSES = "akses", _("Akses dan salinan data")
        KOREKSI = "koreksi", _("Pembetulan data")
        PENGHAPUSAN = "penghapusan", _("Penghapusan data")

    class Kanal(models.TextChoices):
        PORTAL = "portal", _("Portal")
        SURAT = "surat", _("Surat")
        LANGSUNG = "langsung", _("Datang langsung")

    class Status(models.TextChoices):
        BARU = "baru", _("Baru")
        MENUNGGU_KEPUTUSAN = "menunggu_keputusan", _("Menunggu keputusan petugas")
        SELESAI = "selesai", _("Selesai")
        DITOLAK = "ditolak", _("Ditolak")

    jenis = models.CharField(_("jenis"), max_length=20, choices=Jenis.choices)
    kanal = models.CharField(_("kanal"), max_length=20, choices=Kanal.choices, default=Kanal.PORTAL)
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.BARU)
    user = models.ForeignKey(
        User, verbose_name=_("akun pemohon"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    detail = models.TextField(_("isi permintaan"), blank=True)
    # Lampiran ids a still-open case may need: staff decide each one (keep or delete) before the request is done.
    pending_lampiran = models.JSONField(default=list, blank=True)
    answer = models.TextField(_("jawaban"), blank=True)
    received_at = models.DateTimeField(_("diterima"), default=timezone.now)
    due_at = models.DateTimeField(_("batas waktu"))
    handled_by = models.ForeignKey(
        User, verbose_name=_("ditangani oleh"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    done_at = models.DateTimeField(_("selesai pada"), null=True, blank=True)

    class Meta:
        verbose_name = _("permintaan data pribadi")
        verbose_name_plural = _("permintaan data pribadi")
        ordering = ["due_at", "id"]
        indexes = [models.Index(fields=["status", "due_at"], name="pdp_status_due")]

    def __str__(self) -> str:
        return f"PDP-{self.pk} {self.jenis}"

    @property
    def is_overdue(self) -> bool:
        return self.status in OPEN_PDP_STATUSES and self.due_at < timezone.now()


OPEN_PDP_STATUSES = (PermintaanDataPribadi.Status.BARU, PermintaanDataPribadi.Status.MENUNGGU_KEPUTUSAN)
