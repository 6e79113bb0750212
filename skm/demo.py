"""Demo data: a year of survey answers per OPD, audiensi and sarasehan, and promises kept, late and pending.

Idempotent: nothing is added when the demo answers are already there.
"""

import datetime as dt
import random
from io import TextIOBase

from django.db import transaction
from django.utils import timezone

from portal.kasus import services as kasus_services
from portal.kasus.models import Kasus, Status, TindakLanjut
from portal.wilayah.models import Opd

from .models import UNSUR_FIELDS, ResponsSurvei, UndanganSurvei, Unit

DEMO_DOMAIN = "survei.demo.invalid"
# (what was promised, days from today to the due date, done?)
PROMISES = [
    ("Penambalan jalan kabupaten di ruas yang dilaporkan", -40, True),
    ("Pemasangan lampu penerangan jalan di tikungan", 20, True),
    ("Normalisasi saluran irigasi tersier", -10, False),
    ("Pengiriman tangki air bersih dua kali seminggu", -5, True),
    ("Survei lokasi jembatan gantung", 15, False),
]


def seed_demo(*, stdout: TextIOBase) -> None:
    if UndanganSurvei.objects.filter(email__endswith=DEMO_DOMAIN).exists():
        stdout.write("skm: demo data already present\n")
        return
    with transaction.atomic():
        answers = _answers(random.Random(14_2017))  # noqa: S311 - demo data, not security
        promises = _promises()
    stdout.write(f"skm: {answers} survey answers, {promises} follow-up promises\n")


def _answers(rng: random.Random) -> int:
    opds = list(Opd.objects.filter(is_active=True).order_by("nama")[:6])
    units = [(Unit.OPD, opd) for opd in opds] + [(Unit.AUDIENSI, None), (Unit.SARASEHAN, None)]
    now = timezone.now()
    made = 0
    for index, (unit, opd) in enumerate(units):
        # Each unit has its own level, so the grades on the page differ (A to C).
        level = 2.6 + (index % 4) * 0.4
        for n in range(12):
            at = now - dt.timedelta(days=rng.randint(0, 330))
            undangan = UndanganSurvei.objects.create(
                unit=unit,
                event_id=index * 100 + n,
                email=f"responden{index}-{n}@{DEMO_DOMAIN}",
                opd=opd,
                created_at=at,
                used_at=at,
            )
            scores = {u: min(4, max(1, round(rng.gauss(level, 0.6)))) for u in UNSUR_FIELDS}
            ResponsSurvei.objects.create(
                undangan=undangan,
                unit=unit,
                opd=opd,
                created_at=at,
                jenis_kelamin=rng.choice(["l", "p"]),
                pendidikan=rng.choice(["sma", "s1", "smp"]),
                pekerjaan=rng.choice(["swasta", "wirausaha", "pns"]),
                umur=rng.randint(20, 65),
                **scores,
            )
            made += 1
    return made


def _promises() -> int:
    cases = list(
        Kasus.objects.filter(confirmed_at__isnull=False, is_confidential=False, opd__isnull=False)
        .exclude(status__in=[Status.BARU, Status.DITOLAK, Status.DIGABUNG])
        .order_by("created_at")[: len(PROMISES)]
    )
    if not cases:
        return 0
    today = timezone.localdate()
    made = 0
    for index, (description, days, done) in enumerate(PROMISES):
        kasus = cases[index % len(cases)]
        assert kasus.opd is not None  # the query keeps only cases with an OPD
        if TindakLanjut.objects.filter(kasus=kasus, description=description).exists():
            continue
        item = kasus_services.tindak_lanjut_add(
            kasus_id=kasus.pk,
            actor=None,
            description=description,
            opd=kasus.opd,
            due_date=today + dt.timedelta(days=days),
        )
        if done:
            kasus_services.tindak_lanjut_complete(
                tindak_lanjut_id=item.pk, actor=None, evidence="Dokumentasi foto dan berita acara penyelesaian."
            )
        made += 1
    return made
