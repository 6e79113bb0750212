"""Following a place. Following a case is portal.kasus.Pengikut; `selectors.following_of()` lists both as one list."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class LanggananWilayah(models.Model):
    """A confirmed address that gets a digest of new public cases in a desa or kecamatan (optionally one kategori).

    Rows exist only for confirmed addresses: a guest's row is created when the confirmation link is opened.
    """

    class Frekuensi(models.TextChoices):
        HARIAN = "harian", _("Harian")
        MINGGUAN = "mingguan", _("Mingguan")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.CASCADE, related_name="langganan_wilayah"
    )
    email = models.EmailField(_("email"), blank=True)
    language = models.CharField(max_length=5, default="id")
    wilayah = models.ForeignKey(
        "wilayah.Wilayah", verbose_name=_("wilayah"), on_delete=models.CASCADE, related_name="+"
    )
    kategori = models.ForeignKey(
        "wilayah.Kategori",
        verbose_name=_("kategori"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
    )
    frekuensi = models.CharField(_("frekuensi"), max_length=10, choices=Frekuensi.choices, default=Frekuensi.MINGGUAN)
    # The digest covers cases confirmed after this moment; it moves forward with each digest sent.
    last_sent_at = models.DateTimeField(default=timezone.now)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("langganan wilayah")
        verbose_name_plural = _("langganan wilayah")
        ordering = ["created_at", "id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(user__isnull=False, email="") | models.Q(user__isnull=True) & ~models.Q(email=""),
                name="langganan_user_or_email",
            ),
        ]
        indexes = [models.Index(fields=["frekuensi", "last_sent_at"], name="langganan_frek_sent")]

    def __str__(self) -> str:
        return f"{self.wilayah_id}/{self.kategori_id or '-'}: {self.user_id or self.email}"

    @property
    def address(self) -> str:
        return self.user.email if self.user is not None else self.email

    @property
    def recipient_language(self) -> str:
        return self.user.language if self.user is not None else self.language
