"""Demo data for audiensi: weekly availability for the Bupati and Wakil Bupati, two requests. Idempotent."""

import datetime as dt

from django.db import transaction

from portal.akun.models import User
from portal.wilayah.models import Pejabat

from . import selectors, services
from .models import AturanMingguan, Audiensi, PengaturanAudiensi

RULES = {
    # slug: [(weekday, from, to, slot minutes, buffer minutes)]
    "bupati": [(1, dt.time(9), dt.time(12), 30, 10), (3, dt.time(9), dt.time(12), 30, 10)],
    "wakil-bupati": [(0, dt.time(13), dt.time(15), 30, 10), (2, dt.time(9), dt.time(11, 30), 30, 10)],
}

REQUESTS = [
    ("bupati", "Perbaikan jembatan penghubung antar-dusun", 3, "Sutrisno\nWartini"),
    ("wakil-bupati", "Dukungan pemasaran produk UMKM batik desa", 1, ""),
]


def seed_demo(*, stdout) -> None:
    with transaction.atomic():
        for slug, rules in RULES.items():
            pejabat = Pejabat.objects.filter(slug=slug).first()
            if pejabat is None:
                continue
            PengaturanAudiensi.objects.get_or_create(pejabat=pejabat)
            for weekday, start, end, slot, buffer in rules:
                AturanMingguan.objects.get_or_create(
                    pejabat=pejabat,
                    weekday=weekday,
                    start_time=start,
                    defaults={"end_time": end, "slot_minutes": slot, "buffer_minutes": buffer},
                )
    warga = User.objects.filter(email="warga1@example.org").first()
    if warga is None or Audiensi.objects.filter(pemohon=warga).exists():
        stdout.write("audiensi: availability ready\n")
        return
    pejabat_list = selectors.bookable_pejabat()
    free = selectors.free_slots(pejabat_list, limit_per_pejabat=3)
    by_slug = {p.slug: p for p in pejabat_list}
    for slug, topic, size, members in REQUESTS:
        pejabat = by_slug.get(slug)
        if pejabat is None or not free.get(pejabat.pk):
            continue
        try:
            services.audiensi_request(
                user=warga,
                pejabat=pejabat,
                start=free[pejabat.pk][-1].start,
                topic=topic,
                jumlah_peserta=size,
                anggota=members,
                idempotency_key=f"demo-{slug}",
            )
        except services.AudiensiError as exc:
            stdout.write(f"audiensi: demo request skipped ({exc})\n")
    stdout.write("audiensi: availability and demo requests ready (protokol@wonogirikab.go.id decides them)\n")
