import datetime as dt
import secrets

from django.conf import settings
from django.db import models
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from portal.bounds import between, validate_year

# No 0/O, 1/I/L: codes are read aloud and typed at the door.
CODE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
CODE_LENGTH = 8
CAPACITY_MAX = 100_000


def new_code() -> str:
    return "".join(secrets.choice(CODE_ALPHABET) for _i in range(CODE_LENGTH))


class SarasehanQuerySet(models.QuerySet["Sarasehan"]):
    def published(self) -> "SarasehanQuerySet":
        return self.filter(status=Sarasehan.Status.TERBIT)

    def public(self) -> "SarasehanQuerySet":
        return self.filter(status__in=[Sarasehan.Status.TERBIT, Sarasehan.Status.DIBATALKAN])

    def upcoming(self, now: dt.datetime | None = None) -> "SarasehanQuerySet":
        return self.public().filter(ends_at__gte=now or timezone.now()).order_by("starts_at", "pk")

    def past(self, now: dt.datetime | None = None) -> "SarasehanQuerySet":
        return self.public().filter(ends_at__lt=now or timezone.now()).order_by("-starts_at", "-pk")


class Sarasehan(models.Model):
    """A public forum with a venue, a capacity and registrations."""

    class Status(models.TextChoices):
        DRAF = "draf", _("Draf")
        TERBIT = "terbit", _("Terbit")
        DIBATALKAN = "dibatalkan", _("Dibatalkan")

    class Window(models.TextChoices):
        """Where a moment falls in the registration window or the door's (registration_state, door_state)."""

        BELUM_DIBUKA = "belum_dibuka"
        DIBUKA = "dibuka"
        DITUTUP = "ditutup"
        TIDAK_TERSEDIA = "tidak_tersedia"  # registration only: a draft or a cancelled sarasehan

    slug = models.SlugField(_("slug"), max_length=120, unique=True)
    title = models.CharField(_("judul"), max_length=200)
    theme = models.CharField(_("tema"), max_length=200, blank=True)
    description = models.TextField(_("deskripsi"), blank=True)
    venue = models.CharField(_("tempat"), max_length=200)
    kecamatan = models.ForeignKey(
        "wilayah.Wilayah",
        verbose_name=_("kecamatan"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        limit_choices_to={"tingkat": "kecamatan"},
    )
    starts_at = models.DateTimeField(_("mulai"), validators=[validate_year])
    ends_at = models.DateTimeField(_("selesai"), validators=[validate_year])
    capacity = models.PositiveIntegerField(_("kapasitas"), validators=between(1, CAPACITY_MAX))
    # Seats taken by online registrations; the database refuses more than capacity.
    confirmed_count = models.PositiveIntegerField(_("kursi terisi"), default=0, editable=False)
    registration_opens_at = models.DateTimeField(_("pendaftaran dibuka"), validators=[validate_year])
    registration_closes_at = models.DateTimeField(_("pendaftaran ditutup"), validators=[validate_year])
    pejabat = models.ManyToManyField("wilayah.Pejabat", verbose_name=_("pejabat yang hadir"), blank=True)
    agenda = models.TextField(_("agenda"), blank=True)
    status = models.CharField(_("status"), max_length=12, choices=Status.choices, default=Status.DRAF)
    cancel_reason = models.TextField(_("alasan pembatalan"), blank=True)
    notulen = models.TextField(_("notulen"), blank=True)
    notulen_published_at = models.DateTimeField(_("notulen diterbitkan"), null=True, blank=True)
    reminder_sent_at = models.DateTimeField(null=True, blank=True, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    published_at = models.DateTimeField(null=True, blank=True, editable=False)
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    updated_at = models.DateTimeField(auto_now=True)

    objects = SarasehanQuerySet.as_manager()

    class Meta:
        verbose_name = _("sarasehan")
        verbose_name_plural = _("sarasehan")
        ordering = ["-starts_at"]
        indexes = [models.Index(fields=["status", "ends_at"], name="sarasehan_status_ends")]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(confirmed_count__lte=models.F("capacity")), name="sarasehan_seats_within_capacity"
            ),
            models.CheckConstraint(condition=models.Q(confirmed_count__gte=0), name="sarasehan_seats_not_negative"),
            models.CheckConstraint(condition=models.Q(ends_at__gt=models.F("starts_at")), name="sarasehan_ends_after"),
            models.CheckConstraint(
                condition=models.Q(registration_closes_at__gt=models.F("registration_opens_at")),
                name="sarasehan_registration_window",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def seats_left(self) -> int:
        return max(self.capacity - self.confirmed_count, 0)

    @property
    def is_past(self) -> bool:
        return self.ends_at < timezone.now()

    @property
    def is_cancelled(self) -> bool:
        return self.status == self.Status.DIBATALKAN

    @property
    def door_opens_at(self) -> dt.datetime:
        return self.starts_at - dt.timedelta(minutes=settings.SARASEHAN_DOOR_OPENS_MINUTES)

    @property
    def door_closes_at(self) -> dt.datetime:
        """The end of the (local) day the sarasehan ends on: the door stays open for that day only."""
        last_day = timezone.localtime(self.ends_at).date() + dt.timedelta(days=1)
        return timezone.make_aware(dt.datetime.combine(last_day, dt.time.min))

    def door_state(self, now=None) -> "Sarasehan.Window":
        """Check-in, walk-ins and points raised happen while the door is DIBUKA."""
        now = now or timezone.now()
        if now < self.door_opens_at:
            return self.Window.BELUM_DIBUKA
        return self.Window.DIBUKA if now < self.door_closes_at else self.Window.DITUTUP

    def registration_state(self, now=None) -> "Sarasehan.Window":
        """BELUM_DIBUKA, DIBUKA, DITUTUP or TIDAK_TERSEDIA (draft or cancelled)."""
        now = now or timezone.now()
        if self.status != self.Status.TERBIT:
            return self.Window.TIDAK_TERSEDIA
        if now < self.registration_opens_at:
            return self.Window.BELUM_DIBUKA
        if now >= self.registration_closes_at or now >= self.ends_at:
            return self.Window.DITUTUP
        return self.Window.DIBUKA


class AgendaSarasehan(models.Model):
    """An open case put on a sarasehan's agenda; its reporter is invited."""

    sarasehan = models.ForeignKey(Sarasehan, on_delete=models.CASCADE, related_name="agenda_items")
    kasus = models.ForeignKey("kasus.Kasus", on_delete=models.CASCADE, related_name="agenda_sarasehan")
    invited_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("agenda sarasehan")
        verbose_name_plural = _("agenda sarasehan")
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return f"{self.sarasehan_id}: {self.kasus_id}"


class PendaftaranSarasehan(models.Model):
    """A registration. Terdaftar holds a seat; menunggu is the waitlist; langsung is a walk-in without a seat.

    Menunggu konfirmasi is a guest whose email is not confirmed yet: it holds a seat only while
    hold_expires_at is set (and in the future), and never stands on the waitlist.
    """

    class Status(models.TextChoices):
        MENUNGGU_KONFIRMASI = "menunggu_konfirmasi", _("Menunggu konfirmasi")
        TERDAFTAR = "terdaftar", _("Terdaftar")
        MENUNGGU = "menunggu", _("Daftar tunggu")
        DIBATALKAN = "dibatalkan", _("Dibatalkan")
        LANGSUNG = "langsung", _("Datang langsung")

    sarasehan = models.ForeignKey(Sarasehan, on_delete=models.CASCADE, related_name="pendaftaran")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="pendaftaran_sarasehan",
    )
    name = models.CharField(_("nama"), max_length=150)
    email = models.EmailField(_("email"), blank=True)
    phone = models.CharField(_("nomor telepon"), max_length=20, blank=True)
    desa = models.ForeignKey(
        "wilayah.Wilayah", verbose_name=_("desa/kelurahan"), null=True, blank=True, on_delete=models.PROTECT
    )
    language = models.CharField(max_length=5, default="id")
    code = models.CharField(_("kode"), max_length=12, unique=True, default=new_code)
    status = models.CharField(_("status"), max_length=20, choices=Status.choices)
    # Set while an unconfirmed guest holds a seat; cleared when the seat is confirmed or released.
    hold_expires_at = models.DateTimeField(_("kursi ditahan sampai"), null=True, blank=True)
    email_confirmed_at = models.DateTimeField(_("email dikonfirmasi"), null=True, blank=True)
    topic = models.TextField(_("persoalan yang ingin disampaikan"), blank=True)
    # The case the registrant's matter lives in (opened at registration, or one of theirs).
    kasus = models.ForeignKey(
        "kasus.Kasus", null=True, blank=True, on_delete=models.SET_NULL, related_name="pendaftaran_sarasehan"
    )
    checked_in_at = models.DateTimeField(_("hadir pada"), null=True, blank=True)
    checked_in_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    promoted_at = models.DateTimeField(null=True, blank=True)
    cancelled_at = models.DateTimeField(null=True, blank=True)
    # Arrival order: set while the sarasehan row is locked, so it is the waitlist order.
    created_at = models.DateTimeField(_("didaftarkan"), default=timezone.now)

    class Meta:
        verbose_name = _("pendaftaran sarasehan")
        verbose_name_plural = _("pendaftaran sarasehan")
        ordering = ["created_at", "id"]
        indexes = [
            models.Index(fields=["sarasehan", "status", "created_at"], name="pendaftaran_queue"),
            models.Index(
                fields=["hold_expires_at"], condition=models.Q(hold_expires_at__isnull=False), name="pendaftaran_holds"
            ),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["sarasehan", "email"],
                condition=~models.Q(email=""),
                name="pendaftaran_one_per_email",
            ),
            models.CheckConstraint(condition=models.Q(email=Lower("email")), name="pendaftaran_email_lowercase"),
            models.CheckConstraint(
                condition=models.Q(hold_expires_at__isnull=True) | models.Q(status="menunggu_konfirmasi"),
                name="pendaftaran_hold_only_unconfirmed",
            ),
            models.CheckConstraint(
                condition=models.Q(
                    status__in=["menunggu_konfirmasi", "terdaftar", "menunggu", "dibatalkan", "langsung"]
                ),
                name="pendaftaran_status_valid",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"

    @property
    def is_active(self) -> bool:
        return self.status != self.Status.DIBATALKAN


class PoinSarasehan(models.Model):
    """A point raised at a sarasehan; it lives on in a case."""

    sarasehan = models.ForeignKey(Sarasehan, on_delete=models.CASCADE, related_name="poin")
    pendaftaran = models.ForeignKey(
        PendaftaranSarasehan, null=True, blank=True, on_delete=models.SET_NULL, related_name="poin"
    )
    speaker_name = models.CharField(_("disampaikan oleh"), max_length=150)
    content = models.TextField(_("persoalan"))
    kasus = models.ForeignKey("kasus.Kasus", on_delete=models.PROTECT, related_name="poin_sarasehan")
    opd_answered = models.ForeignKey(
        "wilayah.Opd",
        verbose_name=_("OPD yang menjawab di tempat"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    answer = models.TextField(_("jawaban di tempat"), blank=True)
    tindak_lanjut = models.ForeignKey(
        "kasus.TindakLanjut", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    idempotency_key = models.CharField(max_length=40, unique=True, null=True, blank=True, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("poin sarasehan")
        verbose_name_plural = _("poin sarasehan")
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return self.content[:60]
