"""Writes of the satisfaction survey: invitations after a service ended, and the one answer per invitation."""

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import Exists, OuterRef
from django.db.models.expressions import Combinable, NegatedExpression
from django.utils import timezone
from django.utils.translation import gettext as _

from audiensi.models import Audiensi
from audiensi.models import Status as AudiensiStatus
from portal.kasus.models import Kasus, Status
from portal.kasus.outbox import outbox_enqueue
from sarasehan.models import PendaftaranSarasehan

from .models import UNSUR_FIELDS, ResponsSurvei, UndanganSurvei, Unit
from .selectors import invitation_token

# Services that ended longer ago than this are not surveyed: the first run must not write to years of residents.
LOOKBACK = dt.timedelta(days=30)


class SurveiError(Exception):
    pass


@dataclass(frozen=True)
class Invitee:
    unit: str
    event_id: int
    email: str
    language: str
    kasus_id: int | None
    opd_id: int | None
    what: str  # how the email names the service


def _not_invited(unit: str) -> "NegatedExpression[Combinable]":
    return ~Exists(UndanganSurvei.objects.filter(unit=unit, event_id=OuterRef("pk")))


def _closed_cases(since: dt.datetime, now: dt.datetime) -> list[Invitee]:
    # Ditutup: accepted by the reporter or closed by itself after the answer; rejected and merged cases are not.
    rows = (
        Kasus.objects.filter(status=Status.DITUTUP, closed_at__gte=since, closed_at__lte=now)
        .filter(_not_invited(Unit.OPD))
        .select_related("reporter")
    )
    return [
        Invitee(Unit.OPD, k.pk, k.contact_email(), k.reporter_language, k.pk, k.opd_id, k.reference)
        for k in rows
        if k.contact_email()
    ]


def _attended_audiensi(since: dt.datetime, now: dt.datetime) -> list[Invitee]:
    rows = (
        Audiensi.objects.filter(status=AudiensiStatus.HADIR, ends_at__gte=since, ends_at__lte=now)
        .filter(_not_invited(Unit.AUDIENSI))
        .select_related("pemohon")
    )
    return [
        Invitee(Unit.AUDIENSI, a.pk, a.pemohon.email, a.pemohon.language, a.kasus_id, None, a.topic)
        for a in rows
        if a.pemohon.email
    ]


def _sarasehan_attendees(since: dt.datetime, now: dt.datetime) -> list[Invitee]:
    rows = (
        PendaftaranSarasehan.objects.filter(
            checked_in_at__isnull=False, sarasehan__ends_at__gte=since, sarasehan__ends_at__lte=now
        )
        .exclude(email="")
        .filter(_not_invited(Unit.SARASEHAN))
        .select_related("sarasehan")
    )
    return [Invitee(Unit.SARASEHAN, p.pk, p.email, p.language, None, None, p.sarasehan.title) for p in rows]


def skm_send_invitations(*, now: dt.datetime | None = None) -> int:
    """Invite whoever finished a service within LOOKBACK and was not invited for it yet. Idempotent.

    Events already invited are left out in the query; each invitation and its email are written in one
    transaction, and the unique (unit, event, email) row makes two overlapping runs send nothing twice.
    """
    now = now or timezone.now()
    since = now - LOOKBACK
    invitees = _closed_cases(since, now) + _attended_audiensi(since, now) + _sarasehan_attendees(since, now)
    sent = 0
    for person in invitees:
        email = person.email.strip().lower()
        try:
            with transaction.atomic():
                undangan = UndanganSurvei.objects.create(
                    unit=person.unit,
                    event_id=person.event_id,
                    email=email,
                    language=person.language or "id",
                    kasus_id=person.kasus_id,
                    opd_id=person.opd_id,
                    created_at=now,
                )
                outbox_enqueue(
                    to=email,
                    template="skm_invitation",
                    context={"undangan": undangan, "what": person.what, "token": invitation_token(undangan)},
                    language=undangan.language,
                )
        except IntegrityError:
            continue  # another run invited this person for this event meanwhile
        sent += 1
    return sent


def skm_submit(*, undangan_id: int, answers: dict[str, Any], now: dt.datetime | None = None) -> ResponsSurvei:
    """Store the answers of one invitation, once: the invitation row is locked and marked used."""
    now = now or timezone.now()
    with transaction.atomic():
        undangan = UndanganSurvei.objects.select_for_update().get(pk=undangan_id)
        if undangan.used_at is not None:
            raise SurveiError(_("Survei ini sudah diisi. Terima kasih."))
        respons = ResponsSurvei.objects.create(
            undangan=undangan,
            unit=undangan.unit,
            opd_id=undangan.opd_id,
            created_at=now,
            **{u: answers[u] for u in UNSUR_FIELDS},
            jenis_kelamin=answers.get("jenis_kelamin") or "",
            pendidikan=answers.get("pendidikan") or "",
            pekerjaan=answers.get("pekerjaan") or "",
            umur=answers.get("umur"),
            saran=answers.get("saran") or "",
        )
        undangan.used_at = now
        undangan.save(update_fields=["used_at"])
    return respons
