"""Opening a case and confirming a guest's case."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.db import transaction
from django.utils import timezone
from django.utils.functional import Promise

from portal.wilayah.models import Kategori, Wilayah

from ..calendar import add_working_days
from ..kinds import ref
from ..models import (
    Channel,
    Kasus,
    Pengikut,
    Priority,
)

if TYPE_CHECKING:
    from portal.akun.models import User

from ._base import Visibility, _lock, _next_reference, kasus_log, sla_days
from .followers import pengikut_add
from .lapor import _clean_lapor_tracking_id, _lapor_unique
from .notifications import notify_reporter


def _kecamatan_of(wilayah: Wilayah | None) -> Wilayah | None:
    return wilayah.kecamatan if wilayah is not None else None


@transaction.atomic
def kasus_open(
    *,
    title: str,
    summary: str = "",
    channel: str = Channel.WEB,
    actor: User | None,
    reporter: User | None = None,
    reporter_name: str = "",
    reporter_email: str = "",
    reporter_phone: str = "",
    reporter_language: str = "id",
    kategori: Kategori | None = None,
    wilayah: Wilayah | None = None,
    priority: str = Priority.SEDANG,
    is_anonymous: bool = False,
    is_confidential: bool = False,
    confirmed: bool = True,
    kind: str = "kasus.opened",
    message: str | Promise = "",
    params: dict[str, Any] | None = None,
    by_reporter: bool = False,
    data: dict[str, Any] | None = None,
    notify: bool = True,
    lapor_tracking_id: str = "",
) -> Kasus:
    """Open a case with its first timeline entry. Unconfirmed cases stay out of the queue.

    The entry is `kind` with `params` (the channel is always among them), or a `message` without params.
    Long only because every field of a case is a keyword here; the body is create, follow, log, notify.
    """
    now = timezone.now()
    lapor_tracking_id = _clean_lapor_tracking_id(lapor_tracking_id)
    kasus = Kasus.objects.create(
        reference=_next_reference(timezone.localdate(now).year),
        title=title,
        summary=summary,
        channel=channel,
        reporter=reporter,
        reporter_name=reporter_name,
        reporter_email=(reporter_email or "").lower(),
        reporter_phone=reporter_phone,
        reporter_language=reporter_language,
        kategori=kategori,
        wilayah=wilayah,
        kecamatan=_kecamatan_of(wilayah),
        priority=priority,
        is_anonymous=is_anonymous,
        is_confidential=is_confidential,
        confirmed_at=now if confirmed else None,
        due_at=add_working_days(now, sla_days("verify_days")) if confirmed else None,
        created_at=now,
    )
    if lapor_tracking_id:
        kasus.lapor_tracking_id = lapor_tracking_id
        with _lapor_unique(lapor_tracking_id, kasus_pk=kasus.pk):
            kasus.save(update_fields=["lapor_tracking_id"])
    pengikut_add(
        kasus=kasus,
        user=reporter,
        email="" if reporter else kasus.reporter_email,
        language=reporter_language,
        reason=Pengikut.Reason.REPORTER,
        reported_kasus=kasus,
        new_case=True,
    )
    kasus_log(
        kasus=kasus,
        kind=kind,
        visibility=Visibility.PUBLIK,
        message=message,
        params=None if message and params is None else {"channel": ref("channel", channel), **(params or {})},
        by_reporter=by_reporter,
        actor=actor,
        data={"channel": channel, **(data or {})},
    )
    if confirmed and notify:
        notify_reporter(kasus, template="kasus_opened")
    return kasus


CONFIRMED_BY_EMAIL = "email"


@transaction.atomic
def kasus_confirm(*, kasus_id: int, actor: User | None, via: str = "") -> Kasus:
    """A guest confirmed their case, or staff met them at the door: the case enters the queue, its clock starts.

    `via=CONFIRMED_BY_EMAIL` when they pressed the link emailed to them: the address is then proven theirs.
    """
    kasus = _lock(kasus_id)
    if kasus.confirmed_at is not None:
        return kasus
    now = timezone.now()
    kasus.confirmed_at = now
    kasus.due_at = add_working_days(now, sla_days("verify_days"))
    kasus.save(update_fields=["confirmed_at", "due_at", "updated_at"])
    kasus_log(
        kasus=kasus,
        kind="kasus.confirmed",
        visibility=Visibility.PUBLIK,
        params={},
        actor=actor,
        by_reporter=actor is None,
        data={"via": via} if via else None,
    )
    notify_reporter(kasus, template="kasus_opened")
    return kasus
