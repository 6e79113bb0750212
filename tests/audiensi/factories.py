"""Audiensi test data: availability for a pejabat and a held request made through the service."""

import datetime as dt

from audiensi import selectors, services
from audiensi.models import AturanMingguan, Audiensi, PengaturanAudiensi
from portal.wilayah.models import Pejabat
from tests.factories import PejabatFactory, UserFactory


def open_availability(
    pejabat: Pejabat | None = None,
    *,
    weekdays=(0, 1, 2, 3, 4),
    start=dt.time(9),
    end=dt.time(12),
    slot_minutes=30,
    buffer_minutes=10,
    **settings,
) -> Pejabat:
    pejabat = pejabat or PejabatFactory()
    PengaturanAudiensi.objects.update_or_create(pejabat=pejabat, defaults=settings)
    for weekday in weekdays:
        AturanMingguan.objects.create(
            pejabat=pejabat,
            weekday=weekday,
            start_time=start,
            end_time=end,
            slot_minutes=slot_minutes,
            buffer_minutes=buffer_minutes,
        )
    return Pejabat.objects.select_related("pengaturan_audiensi").get(pk=pejabat.pk)


def slots_of(pejabat: Pejabat) -> list[selectors.Slot]:
    fresh = Pejabat.objects.select_related("pengaturan_audiensi").get(pk=pejabat.pk)
    return selectors.free_slots([fresh])[pejabat.pk]


def request_audiensi(pejabat: Pejabat, *, user=None, index: int = 0, **kwargs) -> Audiensi:
    slot = slots_of(pejabat)[index]
    defaults = {"topic": "Jembatan desa putus", "jumlah_peserta": 2, "anggota": "Sutrisno"}
    defaults.update(kwargs)
    return services.audiensi_request(user=user or UserFactory(), pejabat=pejabat, start=slot.start, **defaults)
