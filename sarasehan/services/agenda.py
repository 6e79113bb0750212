"""The agenda: open cases put on a sarasehan, their reporters invited."""

from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from portal.akun.models import User
from portal.kasus.kinds import moment
from portal.kasus.models import Kasus, Riwayat
from portal.kasus.services import (
    kasus_log,
    notify_reporter,
)

from ..models import AgendaSarasehan
from ._base import Status, _lock, _lock_cases

# Agenda from open cases


@transaction.atomic
def agenda_add_cases(*, sarasehan_id: int, actor: User | None, kasus_ids: list[int], invite: bool = True) -> int:
    """Put open cases on the agenda; their timelines record it and their reporters are invited."""
    _lock_cases(*kasus_ids)
    sarasehan = _lock(sarasehan_id, "agenda")
    present = set(AgendaSarasehan.objects.filter(sarasehan=sarasehan).values_list("kasus_id", flat=True))
    added = 0
    for kasus in Kasus.objects.open().confirmed().filter(pk__in=kasus_ids).select_related("reporter"):
        if kasus.pk in present:
            continue
        item = AgendaSarasehan.objects.create(sarasehan=sarasehan, kasus=kasus)
        kasus_log(
            kasus=kasus,
            kind="sarasehan.agenda",
            visibility=Riwayat.Visibility.PUBLIK,
            params={"title": sarasehan.title, "when": moment(sarasehan.starts_at)},
            actor=actor,
            data={"sarasehan": sarasehan.pk},
        )
        if invite and sarasehan.status == Status.TERBIT:
            notify_reporter(
                kasus,
                template="sarasehan_invited",
                context={
                    "sarasehan": sarasehan,
                    "sarasehan_url": settings.SITE_URL + reverse("sarasehan:detail", args=[sarasehan.slug]),
                },
            )
            item.invited_at = timezone.now()
            item.save(update_fields=["invited_at"])
        added += 1
    return added
