"""Demo data: one upcoming sarasehan in a kecamatan hall, one past one with notulen and points raised. Idempotent."""

import datetime as dt

from django.db import transaction
from django.utils import timezone

from portal.akun.models import User
from portal.wilayah.models import Kategori, Opd, Pejabat, Wilayah

from . import services
from .models import Sarasehan

UPCOMING = "Sarasehan Infrastruktur dan Air Bersih Kecamatan Wonogiri"
PAST = "Sarasehan Pertanian dan Irigasi Kecamatan Wonogiri"


def _at(days: int, hour: int) -> dt.datetime:
    day = timezone.localdate() + dt.timedelta(days=days)
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour)))


def seed_demo(*, stdout) -> None:
    if Sarasehan.objects.filter(title__in=[UPCOMING, PAST]).count() == 2:
        stdout.write("sarasehan: demo data already present\n")
        return
    protokol = User.objects.filter(email="protokol@wonogirikab.go.id").first()
    kecamatan = Wilayah.objects.filter(tingkat=Wilayah.Tingkat.KECAMATAN, nama="Wonogiri").first()
    desa = Wilayah.objects.filter(parent=kecamatan).order_by("nama").first()
    pejabat = list(Pejabat.objects.filter(slug__in=["bupati", "wakil-bupati"]))
    with transaction.atomic():
        if not Sarasehan.objects.filter(title=UPCOMING).exists():
            _upcoming(protokol, kecamatan, desa, pejabat)
        if not Sarasehan.objects.filter(title=PAST).exists():
            _past(protokol, kecamatan, desa, pejabat)
    stdout.write("sarasehan: 1 upcoming (registration open), 1 past with notulen and points raised\n")


def _upcoming(protokol, kecamatan, desa, pejabat) -> None:
    s = services.sarasehan_create(
        actor=protokol,
        title=UPCOMING,
        theme="Jalan desa, jembatan, dan air bersih musim kemarau",
        description="Bupati dan OPD teknis mendengar langsung persoalan warga Kecamatan Wonogiri.",
        venue="Pendapa Kecamatan Wonogiri",
        kecamatan=kecamatan,
        starts_at=_at(10, 9),
        ends_at=_at(10, 12),
        capacity=120,
        registration_opens_at=timezone.now() - dt.timedelta(days=1),
        registration_closes_at=_at(9, 16),
        agenda="1. Pembukaan oleh Bupati\n2. Paparan DPUPR\n3. Dialog warga\n4. Penutup",
        pejabat=pejabat,
    )
    services.sarasehan_publish(sarasehan_id=s.pk, actor=protokol)
    for n in (1, 2):
        user = User.objects.filter(email=f"warga{n}@example.org").first()
        if user is not None:
            services.pendaftaran_create(sarasehan_id=s.pk, name=user.full_name, email=user.email, user=user, desa=desa)
    guest = services.pendaftaran_create(
        sarasehan_id=s.pk,
        name="Sri Lestari",
        email="sri.lestari@example.org",
        phone="081311112222",
        desa=desa,
        topic="Pipa PDAM di RT 03 bocor sejak sebulan, air tidak mengalir ke rumah warga.",
    )
    # She opened the link in her email.
    services.pendaftaran_confirm(pendaftaran_id=guest.pk, actor=None)


def _past(protokol, kecamatan, desa, pejabat) -> None:
    # Long only because it walks one past sarasehan through the real services, step by step, as staff did.
    s = services.sarasehan_create(
        actor=protokol,
        title=PAST,
        theme="Pupuk bersubsidi dan saluran irigasi",
        venue="Aula Kecamatan Wonogiri",
        kecamatan=kecamatan,
        starts_at=_at(-14, 9),
        ends_at=_at(-14, 12),
        capacity=80,
        registration_opens_at=_at(-30, 8),
        registration_closes_at=_at(-15, 16),
        pejabat=pejabat[:1],
    )
    services.sarasehan_publish(sarasehan_id=s.pk, actor=protokol)
    # Recorded at the door on the day, as protokol would have.
    on_the_day = _at(-14, 10)
    farmers = [
        services.pendaftaran_walk_in(
            sarasehan_id=s.pk, actor=protokol, name=name, phone=phone, desa=desa, email=email, now=on_the_day
        )
        for name, phone, email in [
            ("Pak Sukiman", "081200001111", "sukiman@example.org"),
            ("Bu Partini", "081200002222", ""),
        ]
    ]
    dispertan = Opd.objects.filter(singkatan="Dispertan").first()
    dpupr = Opd.objects.filter(singkatan="DPUPR").first()
    pertanian = Kategori.objects.filter(slug="pertanian").first()
    services.poin_record(
        sarasehan_id=s.pk,
        actor=protokol,
        pendaftaran_id=farmers[0].pk,
        content="Pupuk bersubsidi di kios Desa sering habis saat musim tanam.",
        kategori=pertanian,
        opd_answered=dispertan,
        answer="Kuota akan ditinjau bersama distributor.",
        followup="Evaluasi kuota pupuk bersubsidi per kios",
        followup_opd=dispertan,
        followup_due=timezone.localdate() + dt.timedelta(days=14),
        idempotency_key="demo-sarasehan-pupuk",
        now=on_the_day,
    )
    if dpupr is not None:
        services.poin_record(
            sarasehan_id=s.pk,
            actor=protokol,
            pendaftaran_id=farmers[1].pk,
            content="Saluran irigasi tersier di Dusun Krajan jebol sepanjang 20 meter.",
            followup="Survei dan perbaikan saluran irigasi tersier",
            followup_opd=dpupr,
            followup_due=timezone.localdate() + dt.timedelta(days=30),
            idempotency_key="demo-sarasehan-irigasi",
            now=on_the_day,
        )
    services.notulen_publish(
        sarasehan_id=s.pk,
        actor=protokol,
        notulen=(
            "Sarasehan dibuka oleh Bupati pukul 09.00 dan dihadiri 2 warga tercatat serta perwakilan Dispertan "
            "dan DPUPR.\n\nPokok bahasan: ketersediaan pupuk bersubsidi dan kerusakan saluran irigasi. Setiap "
            "persoalan dicatat sebagai kasus dengan tindak lanjut dan tenggatnya.\n\nSarasehan ditutup pukul 11.45."
        ),
    )
