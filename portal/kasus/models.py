import datetime as dt
import re
import secrets

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


def new_tracking_token() -> str:
    return secrets.token_urlsafe(24)


class Status(models.TextChoices):
    BARU = "baru", _("Baru")
    DIVERIFIKASI = "diverifikasi", _("Diverifikasi")
    DITOLAK = "ditolak", _("Ditolak")
    MENUNGGU_INFORMASI = "menunggu_informasi", _("Menunggu informasi")
    DIDISPOSISIKAN = "didisposisikan", _("Didisposisikan")
    DITINDAKLANJUTI = "ditindaklanjuti", _("Ditindaklanjuti")
    DIJAWAB = "dijawab", _("Dijawab")
    DITUTUP = "ditutup", _("Ditutup")
    DIBUKA_KEMBALI = "dibuka_kembali", _("Dibuka kembali")
    DIGABUNG = "digabung", _("Digabung")


CLOSED_STATUSES = frozenset({Status.DITOLAK, Status.DITUTUP, Status.DIGABUNG})
OPEN_STATUSES = frozenset(Status.values) - CLOSED_STATUSES
# Statuses whose deadline the regency must meet: a paused case waits for the reporter's information,
# an answered one for the reporter's reply (it closes by itself), so neither can be late.
LATE_STATUSES = OPEN_STATUSES - {Status.MENUNGGU_INFORMASI, Status.DIJAWAB}


def late_q(now: dt.datetime | None = None) -> models.Q:
    """Late: waiting on the regency past the promised deadline. One definition for every view and figure."""
    return models.Q(status__in=LATE_STATUSES, due_at__lt=now or timezone.now())


class Channel(models.TextChoices):
    WEB = "web", _("Formulir web")
    MEDIA_SOSIAL = "media_sosial", _("Media sosial")
    WHATSAPP = "whatsapp", _("WhatsApp")
    TELEPON = "telepon", _("Telepon")
    SURAT = "surat", _("Surat")
    LANGSUNG = "langsung", _("Datang langsung")
    AUDIENSI = "audiensi", _("Audiensi")
    SARASEHAN = "sarasehan", _("Sarasehan")
    LAPOR = "lapor", _("SP4N-LAPOR!")


# An SP4N-LAPOR! tracking number as staff copy it: 6 to 20 letters and digits, single hyphens allowed inside
# (LAPOR shows numbers like "1234567" or "#1234567"; regional exports add prefixes like "WNG-2600131").
LAPOR_TRACKING_ID_RE = re.compile(r"^(?=.{6,20}$)[A-Z0-9]+(?:-[A-Z0-9]+)*$")


def normalize_lapor_tracking_id(value: str) -> str:
    """What staff paste, as stored: no spaces, no leading '#', upper case."""
    return (value or "").strip().lstrip("#").strip().upper()


def validate_lapor_tracking_id(value: str) -> None:
    if value and not LAPOR_TRACKING_ID_RE.match(normalize_lapor_tracking_id(value)):
        raise ValidationError(
            _("Nomor SP4N-LAPOR! terdiri dari 6–20 huruf atau angka (boleh dengan tanda hubung), mis. 1234567."),
            code="invalid",
        )


class Priority(models.TextChoices):
    RENDAH = "rendah", _("Rendah")
    SEDANG = "sedang", _("Sedang")
    TINGGI = "tinggi", _("Tinggi")
    DARURAT = "darurat", _("Darurat")


class KasusQuerySet(models.QuerySet["Kasus"]):
    def confirmed(self) -> "KasusQuerySet":
        return self.filter(confirmed_at__isnull=False)

    def open(self) -> "KasusQuerySet":
        return self.filter(status__in=OPEN_STATUSES)

    def overdue(self, now: dt.datetime | None = None) -> "KasusQuerySet":
        return self.filter(late_q(now))


class Kasus(models.Model):
    """One matter raised by residents; every aspirasi, audiensi and sarasehan point belongs to one."""

    # The module's enum, reachable from a case in templates: {% if kasus.status == kasus.Status.DIJAWAB %}.
    Status = Status

    reference = models.CharField(_("nomor"), max_length=20, unique=True)
    tracking_token = models.CharField(max_length=64, unique=True, default=new_tracking_token, editable=False)
    title = models.CharField(_("judul"), max_length=200)
    summary = models.TextField(_("ringkasan"), blank=True)
    kategori = models.ForeignKey(
        "wilayah.Kategori", verbose_name=_("kategori"), null=True, blank=True, on_delete=models.PROTECT
    )
    wilayah = models.ForeignKey(
        "wilayah.Wilayah", verbose_name=_("wilayah"), null=True, blank=True, on_delete=models.PROTECT
    )
    # Denormalised from wilayah so the queue can filter by kecamatan on one index.
    kecamatan = models.ForeignKey(
        "wilayah.Wilayah",
        verbose_name=_("kecamatan"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        editable=False,
    )
    opd = models.ForeignKey("wilayah.Opd", verbose_name=_("OPD"), null=True, blank=True, on_delete=models.PROTECT)
    # The officer who works the case next; set only by staff_tools.kasus_assign, which logs it.
    assigned_to = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("ditugaskan kepada"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="kasus_ditugaskan",
        editable=False,
    )
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.BARU)
    status_before_pause = models.CharField(max_length=20, choices=Status.choices, blank=True, editable=False)
    priority = models.CharField(_("prioritas"), max_length=10, choices=Priority.choices, default=Priority.SEDANG)
    channel = models.CharField(_("kanal"), max_length=20, choices=Channel.choices, default=Channel.WEB)

    reporter = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("pelapor"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="kasus_dilaporkan",
    )
    reporter_name = models.CharField(_("nama pelapor"), max_length=150, blank=True)
    reporter_email = models.EmailField(_("email pelapor"), blank=True)
    reporter_phone = models.CharField(_("telepon pelapor"), max_length=20, blank=True)
    reporter_language = models.CharField(max_length=5, default="id")
    is_anonymous = models.BooleanField(_("anonim"), default=False)
    is_confidential = models.BooleanField(_("rahasia"), default=False)

    due_at = models.DateTimeField(_("batas waktu"), null=True, blank=True)
    sla_remaining_days = models.PositiveSmallIntegerField(null=True, blank=True, editable=False)
    # Escalation never moves due_at: the deadline promised to the reporter stays, and so does the lateness.
    escalation_level = models.PositiveSmallIntegerField(_("tingkat eskalasi"), default=0)
    escalated_at = models.DateTimeField(_("dieskalasi pada"), null=True, blank=True, editable=False)
    next_escalation_at = models.DateTimeField(_("eskalasi berikutnya"), null=True, blank=True, editable=False)
    merged_into = models.ForeignKey(
        "self", verbose_name=_("digabung ke"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    lapor_tracking_id = models.CharField(
        _("nomor SP4N-LAPOR!"), max_length=40, blank=True, validators=[validate_lapor_tracking_id]
    )
    rating = models.PositiveSmallIntegerField(_("penilaian"), null=True, blank=True)
    # The pin (WGS 84), written only through portal.kasus.titik; plain numbers, no PostGIS (portal/wilayah/geo.py).
    titik_lat = models.FloatField(_("lintang"), null=True, blank=True, editable=False)
    titik_lng = models.FloatField(_("bujur"), null=True, blank=True, editable=False)

    confirmed_at = models.DateTimeField(_("dikonfirmasi"), null=True, blank=True)
    answered_at = models.DateTimeField(_("dijawab pada"), null=True, blank=True)
    closed_at = models.DateTimeField(_("ditutup pada"), null=True, blank=True)
    created_at = models.DateTimeField(_("dibuat"), default=timezone.now, db_index=True)
    updated_at = models.DateTimeField(_("diperbarui"), auto_now=True)

    objects = KasusQuerySet.as_manager()

    # Set by the staff queue for its template, per viewer; not stored.
    show_identity: bool

    class Meta:
        verbose_name = _("kasus")
        verbose_name_plural = _("kasus")
        ordering = ["-created_at"]
        indexes = [
            # Ending in the queue's tie-breaker (-id), so a page under a status filter is read in index order; without
            # it PostgreSQL walked the newest cases of every status, 15,000 rows for one kecamatan's closed cases.
            models.Index(fields=["status", "-created_at", "-id"], name="kasus_status_created"),
            models.Index(fields=["kecamatan", "status", "-created_at", "-id"], name="kasus_kec_status_created"),
            models.Index(fields=["opd", "status", "-created_at", "-id"], name="kasus_opd_status_created"),
            models.Index(fields=["due_at"], name="kasus_due_at"),
            # "Already reported nearby": a latitude band, then the longitude inside the same index.
            models.Index(
                fields=["titik_lat", "titik_lng"], condition=models.Q(titik_lat__isnull=False), name="kasus_titik"
            ),
            # "Already reported nearby" reads open public cases only: the pins of the few open ones, not of every
            # closed case in the box, so the read does not grow with years of closed cases.
            models.Index(
                fields=["titik_lat", "titik_lng"],
                condition=models.Q(
                    titik_lat__isnull=False,
                    confirmed_at__isnull=False,
                    is_confidential=False,
                    status__in=sorted(OPEN_STATUSES),
                ),
                name="kasus_open_titik",
            ),
            # The maps count confirmed cases per desa (late ones too) and "similar title in the same desa" reads
            # one desa's open cases: both from this index.
            models.Index(
                fields=["wilayah", "status", "due_at"],
                condition=models.Q(confirmed_at__isnull=False),
                name="kasus_confirmed_wilayah",
            ),
            # The queue reads one page of confirmed cases newest first, under each filter: one index per filter in
            # that order, so a page costs the same at 10,000 or 1,000,000 cases.
            models.Index(
                fields=["-created_at", "-id"], condition=models.Q(confirmed_at__isnull=False), name="kasus_queue_new"
            ),
            # Its overdue part, under any filter: the index's own columns decide lateness and the filter without
            # reading the table.
            models.Index(
                fields=["-created_at", "-id", "due_at", "status", "kecamatan", "kategori", "opd"],
                condition=models.Q(confirmed_at__isnull=False, status__in=sorted(LATE_STATUSES)),
                name="kasus_queue_late",
            ),
            # The queue under a status filter, every status: a page's ids and the lateness test from the index alone.
            # For a status the newest cases seldom have (ditutup), PostgreSQL otherwise walked the created_at index
            # back through thousands of newer open cases: a cost that grew with the table.
            models.Index(
                fields=["status", "-created_at", "-id", "due_at"],
                condition=models.Q(confirmed_at__isnull=False),
                name="kasus_queue_status",
            ),
            models.Index(
                fields=["kecamatan", "-created_at", "-id"],
                condition=models.Q(confirmed_at__isnull=False),
                name="kasus_queue_kecamatan",
            ),
            models.Index(
                fields=["kategori", "-created_at", "-id"],
                condition=models.Q(confirmed_at__isnull=False),
                name="kasus_queue_kategori",
            ),
            models.Index(
                fields=["opd", "-created_at", "-id"],
                condition=models.Q(confirmed_at__isnull=False),
                name="kasus_queue_opd",
            ),
            # The queue counts confirmed cases only: small partial indexes answer its counts without the table.
            models.Index(
                fields=["status"], condition=models.Q(confirmed_at__isnull=False), name="kasus_confirmed_status"
            ),
            models.Index(
                fields=["kecamatan", "status"],
                condition=models.Q(confirmed_at__isnull=False),
                name="kasus_confirmed_kec_status",
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(rating__isnull=True) | models.Q(rating__gte=1, rating__lte=5),
                name="kasus_rating_1_to_5",
            ),
            # One case per SP4N-LAPOR! report; most cases have none.
            models.UniqueConstraint(
                fields=["lapor_tracking_id"],
                condition=~models.Q(lapor_tracking_id=""),
                name="kasus_lapor_tracking_id_unique",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.reference} {self.title}"

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES

    @property
    def is_overdue(self) -> bool:
        return self.status in LATE_STATUSES and self.due_at is not None and self.due_at < timezone.now()

    @property
    def is_publicly_visible(self) -> bool:
        return not self.is_confidential

    def reporter_display(self) -> str:
        if self.reporter_id and self.reporter is not None:
            return self.reporter.full_name or self.reporter.email
        return self.reporter_name

    def contact_email(self) -> str:
        if self.reporter_id and self.reporter is not None:
            return self.reporter.email
        return self.reporter_email


class Kabar(models.TextChoices):
    """Which case emails a resident wants: requests for information and the answer always go."""

    SEMUA = "semua", _("Setiap langkah kasus")
    PENTING = "penting", _("Hanya jawaban dan permintaan informasi")


class Pengikut(models.Model):
    """A person who follows a case and gets its public updates: a user, or a guest's email and language.

    Written only through portal.kasus.services. The reporter of every case follows it; a merge adds the
    merged case's followers to the survivor.
    """

    class Reason(models.TextChoices):
        REPORTER = "reporter", _("Pelapor")
        MERGED_REPORTER = "merged_reporter", _("Pelapor kasus yang digabung")
        FOLLOW = "follow", _("Mengikuti")

    kasus = models.ForeignKey(Kasus, on_delete=models.CASCADE, related_name="pengikut")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.CASCADE, related_name="mengikuti"
    )
    email = models.EmailField(_("email"), blank=True)
    language = models.CharField(max_length=5, default="id")
    reason = models.CharField(_("alasan"), max_length=20, choices=Reason.choices, default=Reason.FOLLOW)
    # The case this person reported, when they follow as its reporter (itself, or a case merged into this one).
    reported_kasus = models.ForeignKey(
        Kasus, null=True, blank=True, on_delete=models.SET_NULL, related_name="+", editable=False
    )
    # Empty: the account's choice (PreferensiNotifikasi), or every step for a guest.
    kabar = models.CharField(_("email kabar"), max_length=10, choices=Kabar.choices, blank=True, default="")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("pengikut")
        verbose_name_plural = _("pengikut")
        ordering = ["created_at", "id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(user__isnull=False, email="") | models.Q(user__isnull=True) & ~models.Q(email=""),
                name="pengikut_user_or_email",
            ),
            models.UniqueConstraint(
                fields=["kasus", "user"], condition=models.Q(user__isnull=False), name="pengikut_unique_user"
            ),
            models.UniqueConstraint(
                fields=["kasus", "email"], condition=models.Q(user__isnull=True), name="pengikut_unique_email"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.kasus_id}: {self.user_id or self.email}"


class ReferenceSequence(models.Model):
    """The last case number issued in a year; rows are locked when a number is taken."""

    year = models.PositiveSmallIntegerField(primary_key=True)
    last = models.PositiveIntegerField(default=0)

    def __str__(self) -> str:
        return f"{self.year}: {self.last}"


class Riwayat(models.Model):
    """One timeline entry of a case. Append-only: written through kasus_log() only."""

    class Visibility(models.TextChoices):
        PUBLIK = "publik", _("Publik")
        PELAPOR = "pelapor", _("Pelapor")
        INTERNAL = "internal", _("Internal")

    kasus = models.ForeignKey(Kasus, on_delete=models.CASCADE, related_name="riwayat")
    kind = models.CharField(_("jenis"), max_length=40)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("oleh"), null=True, blank=True, on_delete=models.SET_NULL
    )
    visibility = models.CharField(_("visibilitas"), max_length=10, choices=Visibility.choices)
    # Only text a person wrote (an answer, a note, a reason); entries older than params hold their whole text here.
    message = models.TextField(_("pesan"), blank=True)
    # The values the kind's message template is rendered with, in the reader's language (see kinds.py).
    # Null on entries written before templates: their stored message is shown as it is.
    params = models.JSONField(null=True, blank=True)
    # Taken through the reporter's capabilities (tracking link, /kasus-saya/): shown as the reporter, never by name
    # to whoever may not know who reported an anonymous case.
    by_reporter = models.BooleanField(default=False)
    data = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(_("waktu"), default=timezone.now)

    # Set for the timeline template, per viewer (selectors.present_entries and the case pages); not stored.
    body: str
    actor_label: str
    show_message: bool

    class Meta:
        verbose_name = _("riwayat")
        verbose_name_plural = _("riwayat")
        ordering = ["created_at", "id"]
        indexes = [models.Index(fields=["kasus", "created_at"], name="riwayat_kasus_created")]

    def __str__(self) -> str:
        return f"{self.kind} @ {self.created_at:%Y-%m-%d %H:%M}"

    @property
    def text(self) -> str:
        """The entry's text in the active language."""
        from .kinds import riwayat_text

        return riwayat_text(self)


class TindakLanjut(models.Model):
    """A commitment about a case: who does what by when."""

    class Status(models.TextChoices):
        TERBUKA = "terbuka", _("Terbuka")
        SELESAI = "selesai", _("Selesai")

    kasus = models.ForeignKey(Kasus, on_delete=models.CASCADE, related_name="tindak_lanjut")
    description = models.TextField(_("uraian"))
    opd = models.ForeignKey("wilayah.Opd", verbose_name=_("OPD"), on_delete=models.PROTECT)
    due_date = models.DateField(_("tenggat"))
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.TERBUKA)
    source = models.CharField(_("sumber"), max_length=200, blank=True)
    source_kind = models.CharField(max_length=40, blank=True)
    source_id = models.PositiveBigIntegerField(null=True, blank=True)
    done_at = models.DateTimeField(_("selesai pada"), null=True, blank=True)
    evidence = models.TextField(_("bukti penyelesaian"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    # Set by the staff case page for its template: the form that marks this item done, for whoever may; not stored.
    done_form: forms.Form | None

    class Meta:
        verbose_name = _("tindak lanjut")
        verbose_name_plural = _("tindak lanjut")
        ordering = ["due_date", "id"]

    def __str__(self) -> str:
        return self.description[:60]

    @property
    def is_late(self) -> bool:
        return self.status == self.Status.TERBUKA and self.due_date < timezone.localdate()

    @property
    def display_status(self) -> str:
        if self.is_late:
            return str(_("Terlambat"))
        return self.get_status_display()


class HariLibur(models.Model):
    """An extra day off (cuti bersama) entered by staff, on top of the national holidays."""

    date = models.DateField(_("tanggal"), unique=True)
    name = models.CharField(_("keterangan"), max_length=150)

    class Meta:
        verbose_name = _("hari libur tambahan")
        verbose_name_plural = _("hari libur tambahan")
        ordering = ["date"]

    def __str__(self) -> str:
        return f"{self.date:%Y-%m-%d} {self.name}"


class OutboxEmail(models.Model):
    """An email rendered and stored in the same transaction as the change it reports."""

    class State(models.TextChoices):
        PENDING = "pending", _("Menunggu")
        SENT = "sent", _("Terkirim")
        FAILED = "failed", _("Gagal")
        # Held for the recipient's daily digest: never sent on its own (portal.kasus.digest).
        DIGEST = "digest", _("Menunggu ringkasan harian")

    to = models.EmailField()
    subject = models.CharField(max_length=250)
    body_text = models.TextField()
    body_html = models.TextField(blank=True)
    attachments = models.JSONField(default=list, blank=True)
    # Extra message headers, e.g. RFC 8058 List-Unsubscribe on follower updates and digests.
    headers = models.JSONField(default=dict, blank=True)
    template = models.CharField(max_length=100)
    kasus = models.ForeignKey(Kasus, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    state = models.CharField(max_length=10, choices=State.choices, default=State.PENDING)
    attempts = models.PositiveSmallIntegerField(default=0)
    last_error = models.TextField(blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    sent_at = models.DateTimeField(null=True, blank=True)
    # After a temporary failure the next try waits (growing backoff); a sender holds the row until
    # lease_until, so a crashed worker's row is tried again once its lease ends, never by two at once.
    next_attempt_at = models.DateTimeField(null=True, blank=True)
    lease_until = models.DateTimeField(null=True, blank=True)
    # Why a failed email will not be tried again (the mail server refused the address, or attempts ran out).
    failed_reason = models.CharField(max_length=300, blank=True)

    class Meta:
        verbose_name = _("email keluar")
        verbose_name_plural = _("email keluar")
        indexes = [models.Index(fields=["state", "created_at"], name="outbox_state_created")]

    def __str__(self) -> str:
        return f"{self.to}: {self.subject}"


class KodeAkses(models.Model):
    """A one-time code emailed to a confidential case's reporter; only its hash is kept.

    A forwarded tracking link shows a confidential case but does not act on it: the code proves the
    visitor reads the reporter's mailbox. Only the newest code of a case counts.
    """

    kasus = models.ForeignKey(Kasus, on_delete=models.CASCADE, related_name="kode_akses")
    code_hash = models.CharField(max_length=64)
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()
    attempts = models.PositiveSmallIntegerField(default=0)
    used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("kode akses")
        verbose_name_plural = _("kode akses")
        indexes = [models.Index(fields=["kasus", "created_at"], name="kode_akses_kasus_created")]

    def __str__(self) -> str:
        return f"{self.kasus_id} {self.created_at:%Y-%m-%d %H:%M}"


class FilterTersimpan(models.Model):
    """A staff member's named queue filter: the queue's query string, reopened with one click."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="filter_tersimpan")
    name = models.CharField(_("nama"), max_length=80)
    query = models.CharField(_("saringan"), max_length=1000)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("filter tersimpan")
        verbose_name_plural = _("filter tersimpan")
        ordering = ["name", "pk"]
        constraints = [models.UniqueConstraint(fields=["user", "name"], name="filter_tersimpan_user_name")]

    def __str__(self) -> str:
        return self.name


class PreferensiNotifikasi(models.Model):
    """An account's email choices: which case updates it wants, and (staff) routine notices as a daily digest."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="preferensi_notifikasi"
    )
    kabar = models.CharField(_("email kabar kasus"), max_length=10, choices=Kabar.choices, default=Kabar.SEMUA)
    digest = models.BooleanField(_("ringkasan harian untuk pemberitahuan rutin"), default=False)

    class Meta:
        verbose_name = _("preferensi notifikasi")
        verbose_name_plural = _("preferensi notifikasi")

    def __str__(self) -> str:
        return f"{self.user_id}: {self.kabar}"


class TemplatJawaban(models.Model):
    """A reply staff start from when answering or asking the reporter for information; for one kategori or any."""

    kategori = models.ForeignKey(
        "wilayah.Kategori", verbose_name=_("kategori"), null=True, blank=True, on_delete=models.CASCADE
    )
    title = models.CharField(_("judul"), max_length=120)
    body = models.TextField(_("isi"), max_length=5000)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("templat jawaban")
        verbose_name_plural = _("templat jawaban")
        ordering = ["title", "pk"]

    def __str__(self) -> str:
        return self.title
