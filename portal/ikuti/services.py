"""Writes for following: every follow needs a confirmed address; guests confirm by a signed link first."""

import datetime as dt
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import Exists, OuterRef, QuerySet
from django.urls import reverse
from django.utils import timezone

from portal.akun.models import User
from portal.akun.selectors import email_verified
from portal.kasus.models import Kasus, Pengikut, Riwayat
from portal.kasus.outbox import outbox_enqueue
from portal.kasus.selectors import reported_public_cases
from portal.kasus.services import guest_reporter_essentials_only, pengikut_add
from portal.tokens import CONFIRM_MAX_AGE, confirm_payload, confirm_token, unsubscribe_headers, unsubscribe_url
from portal.wilayah.models import Kategori, Wilayah

from .models import LanggananWilayah

PLACE_LEVELS = (Wilayah.Tingkat.KECAMATAN, Wilayah.Tingkat.DESA, Wilayah.Tingkat.KELURAHAN)
DIGEST_LIMIT = 50


class NotConfirmed(Exception):
    """The signed-in user's email is not verified yet: they must verify it before following."""


def langganan_add(
    *,
    wilayah: Wilayah,
    kategori: Kategori | None = None,
    frekuensi: str = LanggananWilayah.Frekuensi.MINGGUAN,
    user: User | None = None,
    email: str = "",
    language: str = "id",
) -> LanggananWilayah:
    """Follow a place for a confirmed address (a user's verified email, or a guest's confirmed by the link);
    following it again only updates the frequency."""
    if wilayah.tingkat not in PLACE_LEVELS:
        raise ValueError("only a kecamatan, desa or kelurahan can be followed")
    if user is not None and not email_verified(user):
        raise NotConfirmed
    owner: dict[str, Any] = {"user": user} if user is not None else {"user": None, "email": email.strip().lower()}
    with transaction.atomic():
        row, created = LanggananWilayah.objects.select_for_update().get_or_create(
            **owner,
            wilayah=wilayah,
            kategori=kategori,
            defaults={"frekuensi": frekuensi, "language": language},
        )
        if not created and row.frekuensi != frekuensi:
            row.frekuensi = frekuensi
            row.save(update_fields=["frekuensi"])
    return row


def langganan_set_frekuensi(*, user: User, pk: int, frekuensi: str) -> bool:
    return bool(LanggananWilayah.objects.filter(user=user, pk=pk).update(frekuensi=frekuensi))


def langganan_remove(*, user: User, pk: int) -> bool:
    deleted, _ = LanggananWilayah.objects.filter(user=user, pk=pk).delete()
    return bool(deleted)


def kasus_unfollow(*, user: User, kasus_id: int) -> bool:
    """Stop following a case. The reporter's own row stays: their case's updates are not optional."""
    deleted, _ = Pengikut.objects.filter(user=user, kasus_id=kasus_id).exclude(reason=Pengikut.Reason.REPORTER).delete()
    return bool(deleted)


def kasus_follow(*, kasus: Kasus, user: User) -> Pengikut | None:
    """A signed-in user with a verified email follows a public case."""
    if not email_verified(user):
        raise NotConfirmed
    with transaction.atomic():
        locked = Kasus.objects.select_for_update().get(pk=kasus.pk)
        return pengikut_add(kasus=locked, user=user, language=user.language)


def follow_request_by_email(*, email: str, language: str, target: dict[str, Any]) -> None:
    """Email a guest a link that confirms the follow; nothing else is ever sent before it is opened.

    `target` is {"kasus": id} or {"wilayah": id, "kategori": id|None, "frekuensi": ...}.
    """
    email = email.strip().lower()
    token = confirm_token({"email": email, "language": language, **target})
    outbox_enqueue(
        to=email,
        template="ikuti_confirm",
        context={
            "confirm_url": _site_url("ikuti:konfirmasi", token),
            "target": _describe(target),
            "hours": CONFIRM_MAX_AGE // 3600,
        },
        language=language,
    )


def follow_confirm(token: str) -> Pengikut | LanggananWilayah | None:
    """Create the follow a guest's confirmation link describes; None when the link is not valid."""
    payload = confirm_payload(token)
    if payload is None or not payload.get("email"):
        return None
    email, language = payload["email"], payload.get("language") or "id"
    if "kasus" in payload:
        with transaction.atomic():
            kasus = reported_public_cases().select_for_update(of=("self",)).filter(pk=payload["kasus"]).first()
            if kasus is None:
                return None
            return pengikut_add(kasus=kasus, email=email, language=language)
    if payload.get("wilayah") is None:
        return None
    wilayah = Wilayah.objects.filter(pk=payload["wilayah"], tingkat__in=PLACE_LEVELS).first()
    if wilayah is None:
        return None
    kategori = Kategori.objects.filter(pk=payload["kategori"]).first() if payload.get("kategori") else None
    frekuensi = payload.get("frekuensi")
    if frekuensi not in LanggananWilayah.Frekuensi.values:
        frekuensi = LanggananWilayah.Frekuensi.MINGGUAN
    return langganan_add(wilayah=wilayah, kategori=kategori, frekuensi=frekuensi, email=email, language=language)


def unsubscribe(*, kind: str, key: int, email: str) -> int:
    """What a one-click unsubscribe link removes: that address's follow of one case, or one place subscription;
    for a guest reporter ("r"), the case's step emails other than the answer and requests for information."""
    if kind == "r":
        return int(guest_reporter_essentials_only(kasus_id=key, email=email))
    if kind == "w":
        rows = LanggananWilayah.objects.filter(pk=key)
        deleted, _ = (rows.filter(user__email__iexact=email) | rows.filter(email__iexact=email)).delete()
        return deleted
    follows = Pengikut.objects.filter(kasus_id=key).exclude(reason=Pengikut.Reason.REPORTER)
    deleted, _ = (follows.filter(user__email__iexact=email) | follows.filter(email__iexact=email)).delete()
    return deleted


def _site_url(name: str, *args: object) -> str:
    site_url: str = settings.SITE_URL
    return site_url.rstrip("/") + reverse(name, args=args)


def _describe(target: dict[str, Any]) -> str:
    if "kasus" in target:
        kasus = Kasus.objects.filter(pk=target["kasus"]).only("reference", "title").first()
        return f"{kasus.reference} {kasus.title}" if kasus else ""
    wilayah = Wilayah.objects.filter(pk=target["wilayah"]).first() if target.get("wilayah") is not None else None
    kategori = Kategori.objects.filter(pk=target["kategori"]).first() if target.get("kategori") else None
    return ", ".join(str(x) for x in (wilayah, kategori) if x is not None)


# Digests ------------------------------------------------------------------------------------------


def digest_cases(row: LanggananWilayah, *, until: dt.datetime) -> QuerySet[Kasus]:
    """Public cases in the subscription's place verified since its last digest.

    Every case that becomes public passes through verification, so its `kasus.verified` entry dates it; a case
    confirmed by its reporter earlier but verified after the last digest is still new.
    """
    place = (
        {"kecamatan_id": row.wilayah_id}
        if row.wilayah.tingkat == Wilayah.Tingkat.KECAMATAN
        else {"wilayah_id": row.wilayah_id}
    )
    verified = Riwayat.objects.filter(
        kasus=OuterRef("pk"), kind="kasus.verified", created_at__gt=row.last_sent_at, created_at__lte=until
    )
    qs = reported_public_cases().filter(Exists(verified), **place)
    if row.kategori_id:
        qs = qs.filter(kategori_id=row.kategori_id)
    return qs.select_related("kategori", "kecamatan", "wilayah").order_by("confirmed_at", "pk")


def digest_send_due(*, now: dt.datetime | None = None) -> int:
    """Send every daily digest, and the weekly ones on Mondays. Idempotent: each row records when it was sent,
    and a row already sent today is skipped. Returns the number of emails queued."""
    now = now or timezone.now()
    today_start = timezone.localtime(now).replace(hour=0, minute=0, second=0, microsecond=0)
    due = [LanggananWilayah.Frekuensi.HARIAN]
    if timezone.localtime(now).weekday() == 0:
        due.append(LanggananWilayah.Frekuensi.MINGGUAN)
    ids = list(
        LanggananWilayah.objects.filter(frekuensi__in=due, last_sent_at__lt=today_start).values_list("pk", flat=True)
    )
    sent = 0
    for pk in ids:
        sent += _digest_one(pk, now=now, today_start=today_start)
    return sent


@transaction.atomic
def _digest_one(pk: int, *, now: dt.datetime, today_start: dt.datetime) -> int:
    row = (
        LanggananWilayah.objects.select_for_update(of=("self",))
        .select_related("user", "wilayah", "kategori")
        .filter(pk=pk, last_sent_at__lt=today_start)
        .first()
    )
    if row is None or (row.user is not None and not row.user.is_active):
        return 0
    cases = list(digest_cases(row, until=now)[:DIGEST_LIMIT])
    row.last_sent_at = now
    row.save(update_fields=["last_sent_at"])
    if not cases:
        return 0
    to = row.address
    url = unsubscribe_url("w", row.pk, to)
    outbox_enqueue(
        to=to,
        template="ikuti_digest",
        context={
            "langganan": row,
            "cases": cases,
            "limit": DIGEST_LIMIT,
            "unsubscribe_url": url,
        },
        language=row.recipient_language,
        headers=unsubscribe_headers(url),
    )
    return 1
