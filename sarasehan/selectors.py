"""Reads of sarasehan reused by views, the home page, emails and panels."""

import datetime as dt
import io
import re
from typing import TYPE_CHECKING, TypedDict, cast

import segno
from django.conf import settings
from django.core import signing
from django.db.models import Count, Exists, OuterRef, Prefetch, Q, QuerySet, prefetch_related_objects
from django.db.models.functions import Now
from django.urls import reverse
from django.utils import timezone

from portal.akun.models import User
from portal.kasus.models import Kasus

from .models import AgendaSarasehan, PendaftaranSarasehan, PoinSarasehan, Sarasehan

if TYPE_CHECKING:
    from django_stubs_ext import WithAnnotations

TOKEN_SALT = "sarasehan.pendaftaran"  # noqa: S105 - a signing namespace, not a secret
CODE_IN_TEXT = re.compile(r"(?:kode=)?([A-Za-z0-9]{6,12})/?\s*$")
# A registration link works until the day after its sarasehan ends (checked against the event as it is now,
# so a moved sarasehan moves the expiry); the signature's own age bounds links of events scheduled far ahead.
LINK_GRACE = dt.timedelta(days=1)
LINK_MAX_AGE = dt.timedelta(days=400)


class RegistrationLinkExpired(Exception):
    """The link is genuine but its sarasehan ended more than a day ago (or the signature is too old)."""


def upcoming(*, limit: int | None = None) -> list[Sarasehan]:
    qs = Sarasehan.objects.upcoming().select_related("kecamatan")
    return list(qs[:limit] if limit else qs)


def held_between(start: dt.datetime, end: dt.datetime) -> list[Sarasehan]:
    """Sarasehan not cancelled starting from `start` to `end`, with their pejabat: the audiensi calendar shows them."""
    return list(
        Sarasehan.objects.filter(starts_at__gte=start, starts_at__lte=end)
        .exclude(status=Sarasehan.Status.DIBATALKAN)
        .prefetch_related("pejabat")
        .order_by("starts_at")
    )


def past(*, limit: int = 30) -> list[Sarasehan]:
    return list(Sarasehan.objects.past().select_related("kecamatan")[:limit])


class LapsedHolds(TypedDict):
    has_lapsed_holds: bool


def public_detail(slug: str) -> "WithAnnotations[Sarasehan, LapsedHolds]":
    """A published or cancelled sarasehan; raises DoesNotExist otherwise.

    `has_lapsed_holds` tells the page to give back seats whose unconfirmed hold lapsed before counting them.
    """
    lapsed = PendaftaranSarasehan.objects.filter(
        sarasehan=OuterRef("pk"), status=PendaftaranSarasehan.Status.MENUNGGU_KONFIRMASI, hold_expires_at__lte=Now()
    )
    sarasehan = (
        Sarasehan.objects.public().select_related("kecamatan").annotate(has_lapsed_holds=Exists(lapsed)).get(slug=slug)
    )
    # django-stubs types the annotated queryset but drops the annotation at get() on a custom QuerySet.
    return cast("WithAnnotations[Sarasehan, LapsedHolds]", sarasehan)


def with_page_details(sarasehan: Sarasehan) -> Sarasehan:
    """Load what the public page shows (pejabat, agenda cases that are not confidential) in two queries."""
    prefetch_related_objects(
        [sarasehan],
        "pejabat",
        Prefetch(
            "agenda_items",
            queryset=AgendaSarasehan.objects.select_related("kasus").filter(kasus__is_confidential=False),
        ),
    )
    return sarasehan


def points_public(sarasehan: Sarasehan) -> list[PoinSarasehan]:
    """Points raised, for the public page: the case's reference, title and status, never the speaker."""
    return list(
        PoinSarasehan.objects.filter(sarasehan=sarasehan, kasus__is_confidential=False)
        .select_related("kasus", "opd_answered", "tindak_lanjut__opd")
        .only(
            "content",
            "answer",
            "created_at",
            "sarasehan_id",
            "kasus__reference",
            "kasus__title",
            "kasus__status",
            "opd_answered__nama",
            "opd_answered__singkatan",
            "tindak_lanjut__description",
            "tindak_lanjut__due_date",
            "tindak_lanjut__status",
            "tindak_lanjut__opd__nama",
            "tindak_lanjut__opd__singkatan",
        )
    )


def registration_token(pendaftaran: PendaftaranSarasehan) -> str:
    return signing.dumps(pendaftaran.pk, salt=TOKEN_SALT, compress=True)


def registration_from_token(token: str, *, now: dt.datetime | None = None) -> PendaftaranSarasehan | None:
    """The registration a signed link points to, or None when the link was altered.

    Raises RegistrationLinkExpired once the sarasehan is over (plus LINK_GRACE).
    """
    try:
        pk = signing.loads(token, salt=TOKEN_SALT, max_age=LINK_MAX_AGE)
    except signing.SignatureExpired:
        raise RegistrationLinkExpired
    except signing.BadSignature:
        return None
    if not isinstance(pk, int):
        return None
    reg = PendaftaranSarasehan.objects.select_related("sarasehan__kecamatan", "desa", "kasus").filter(pk=pk).first()
    if reg is not None and reg.sarasehan.ends_at + LINK_GRACE < (now or timezone.now()):
        raise RegistrationLinkExpired
    return reg


def registration_url(pendaftaran: PendaftaranSarasehan, *, absolute: bool = True) -> str:
    path = reverse("sarasehan:registration", args=[registration_token(pendaftaran)])
    return f"{settings.SITE_URL}{path}" if absolute else path


def checkin_url(sarasehan: Sarasehan, code: str) -> str:
    return f"{settings.SITE_URL}{reverse('sarasehan:checkin', args=[sarasehan.slug])}?kode={code}"


def qr_for(sarasehan: Sarasehan, code: str) -> segno.QRCode:
    # The QR holds the check-in URL: a staff phone camera opens the check-in page with the code filled in.
    # A fixed mask: every reader decodes it, and choosing the best one costs 8x the time of a registration.
    return segno.make(checkin_url(sarasehan, code), error="m", mask=0)


def qr_svg_inline(pendaftaran: PendaftaranSarasehan) -> str:
    return qr_for(pendaftaran.sarasehan, pendaftaran.code).svg_inline(scale=5, omitsize=True, title=pendaftaran.code)


def qr_png_bytes(sarasehan: Sarasehan, code: str) -> bytes:
    # PNG, not SVG: Gmail, Outlook and most phone mail apps do not show SVG attachments.
    out = io.BytesIO()
    qr_for(sarasehan, code).save(out, kind="png", scale=8, border=4)
    return out.getvalue()


def code_from_input(text: str) -> str:
    """The registration code from what was typed or scanned (the code itself or a URL holding it)."""
    text = (text or "").strip()
    if "/" not in text and "=" not in text:
        # A typed code: people copy it in groups ("ABCD EFGH", "abcd-efgh"); spaces, dashes and case carry nothing.
        text = re.sub(r"[\s-]+", "", text)
    match = CODE_IN_TEXT.search(text)
    return match.group(1).upper() if match else ""


def already_in(sarasehan: Sarasehan, text: str) -> bool:
    """Whether the code typed or scanned belongs to someone of this sarasehan already marked present."""
    code = code_from_input(text)
    return bool(code) and sarasehan.pendaftaran.filter(code=code, checked_in_at__isnull=False).exists()


def registrations_of_user(user: User) -> list[PendaftaranSarasehan]:
    return list(
        PendaftaranSarasehan.objects.filter(user=user)
        .select_related("sarasehan")
        .order_by("-sarasehan__starts_at", "-pk")
    )


def open_cases_of_user(user: User) -> QuerySet[Kasus]:
    return Kasus.objects.open().filter(reporter=user).only("pk", "reference", "title").order_by("-created_at")


def checkin_summary(sarasehan: Sarasehan) -> dict[str, int]:
    """Counts for the door in one query."""
    S = PendaftaranSarasehan.Status
    return PendaftaranSarasehan.objects.filter(sarasehan=sarasehan).aggregate(
        terdaftar=Count("pk", filter=Q(status=S.TERDAFTAR)),
        menunggu=Count("pk", filter=Q(status=S.MENUNGGU)),
        hadir=Count("pk", filter=Q(checked_in_at__isnull=False)),
        langsung=Count("pk", filter=Q(status=S.LANGSUNG)),
    )


def waitlist_position(pendaftaran: PendaftaranSarasehan) -> int | None:
    """1 for the first person waiting; None when not on the waitlist."""
    if pendaftaran.status != PendaftaranSarasehan.Status.MENUNGGU:
        return None
    ahead = PendaftaranSarasehan.objects.filter(
        Q(created_at__lt=pendaftaran.created_at) | Q(created_at=pendaftaran.created_at, pk__lt=pendaftaran.pk),
        sarasehan_id=pendaftaran.sarasehan_id,
        status=PendaftaranSarasehan.Status.MENUNGGU,
    ).count()
    return ahead + 1
