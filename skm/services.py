"""Writes of the satisfaction survey: invitations after a service ended, and the one answer per invitation."""

import datetime as dt
from dataclasses import dataclass

from django.db import IntegrityError, transaction
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


def _closed_cases(since: dt.datetime, now: dt.datetime) -> list[Invitee]:
    # Ditutup: accepted by the reporter or closed by itself after the answer; rejected and merged cases are not.
    rows = Kasus.objects.filter(status=Status.DITUTUP, closed_at__gte=since, closed_at__lte=now).select_related(
        "reporter"
    )
    return [
        Invitee(Unit.OPD, k.pk, k.contact_email(), k.reporter_language, k.pk, k.opd_id, k.reference)
        for k in rows
        if k.contact_email()
    ]


def _attended_audiensi(since: dt.datetime, now: dt.datetime) -> list[Invitee]:
    rows = Audiensi.objects.filter(status=AudiensiStatus.HADIR, end_at__gte=since, end_at__lte=now).select_related(
        "pemohon", "kasus"
    )
    return [
        Invitee(Unit.AUDIENSI, a.pk, a.pemohon.email, a.pemohon.language, a.kasus_id, None, a.topik)
        for a in rows
        if a.pemohon.email
    ]


def _sarasehan_attendees(since: dt.datetime, now: dt.datetime) -> list[Invitee]:
    rows = (
        PendaftaranSarasehan.objects.filter(
            checked_in_at__isnull=False, sarasehan__ends_at__gte=since, sarasehan__ends_at__lte=now
        )
        .exclude(email="")
        .select_related("sarasehan")
    )
    return [Invitee(Unit.SARASEHAN, p.pk, p.email, p.language, None, None, p.sarasehan.title) for p in rows]


def skm_send_invitations(*, now: dt.datetime | None = None) -> int:
    """Invite whoever finished a service within LOOKBACK and was not invited for it yet. Idempotent.

    Each invitation and its email are written in one transaction; the unique (unit, event, email) row makes
    a second run, or two overlapping runs, send nothing twice.
    """
    now = now or timezone.now()
    since = now - LOOKBACK
    invitees = _closed_cases(since, now) + _attended_audiensi(since, now) + _sarasehan_attendees(since, now)
    known = set(
        UndanganSurvei.objects.filter(created_at__gte=since - LOOKBACK).values_list("unit", "event_id", "email")
    )
    sent = 0
    for person in invitees:
        email = person.email.strip().lower()
        if (person.unit, person.event_id, email) in known:
            continue
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
        known.add((person.unit, person.event_id, email))
        sent += 1
    return sent


def skm_submit(*, undangan_id: int, answers: dict, now: dt.datetime | None = None) -> ResponsSurvei:
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
