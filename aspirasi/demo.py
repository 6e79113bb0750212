"""Demo data: the demo cases that came in as written submissions get their aspirasi, a photo and an answer file."""

import io

from django.db import transaction
from django.db.models import Exists, F, OuterRef
from django.utils.translation import gettext as _
from PIL import Image, ImageDraw

from portal.kasus.models import Channel, Kasus, Riwayat, Status
from portal.wilayah import geo
from portal.wilayah.models import DESA_LEVELS, Wilayah

from .files import CleanFile, make_thumbnail
from .models import CONSENT_VERSION, Aspirasi, Jenis, Lampiran
from .services import lampiran_store

WRITTEN_CHANNELS = (
    Channel.WEB,
    Channel.MEDIA_SOSIAL,
    Channel.WHATSAPP,
    Channel.TELEPON,
    Channel.SURAT,
    Channel.LANGSUNG,
)
JENIS_CYCLE = (Jenis.PENGADUAN, Jenis.ASPIRASI, Jenis.PENGADUAN, Jenis.PERMINTAAN_INFORMASI)


def _photo(label: str) -> CleanFile:
    im = Image.new("RGB", (640, 420), (120, 140, 110))
    ImageDraw.Draw(im).text((20, 20), label, fill=(255, 255, 255))
    out = io.BytesIO()
    im.save(out, "JPEG", quality=80)
    content = out.getvalue()
    return CleanFile(
        name="foto-lokasi.jpg", content=content, content_type="image/jpeg", thumbnail=make_thumbnail(content)
    )


def _pdf(reference: str) -> CleanFile:
    body = (
        b"%PDF-1.4\n1 0 obj << /Type /Catalog /Pages 2 0 R >> endobj\n2 0 obj << /Type /Pages /Kids [] /Count 0 >> "
        b"endobj\n% Berita acara penanganan " + reference.encode() + b"\ntrailer << /Root 1 0 R >>\n%%EOF\n"
    )
    return CleanFile(name="berita-acara.pdf", content=body, content_type="application/pdf")


def seed_demo(*, stdout) -> None:
    """Idempotent: cases that already have an aspirasi are left alone."""
    demo_ids = Riwayat.objects.filter(kind="kasus.opened", data__has_key="demo").values("kasus_id")
    cases = list(
        Kasus.objects.filter(pk__in=demo_ids, channel__in=WRITTEN_CHANNELS)
        .exclude(Exists(Aspirasi.objects.filter(kasus=OuterRef("pk"))))
        .order_by("pk")[:200]
    )
    for n, kasus in enumerate(cases):
        with transaction.atomic():
            aspirasi = Aspirasi.objects.create(
                kasus=kasus,
                origin_kasus=kasus,
                jenis=JENIS_CYCLE[n % len(JENIS_CYCLE)],
                description=kasus.summary or kasus.title,
                address_detail=f"RT {n % 7 + 1:02d}/RW {n % 4 + 1:02d}",
                channel=kasus.channel,
                source_url=f"https://www.instagram.com/p/demo{kasus.pk}/"
                if kasus.channel == Channel.MEDIA_SOSIAL
                else "",
                consent_at=kasus.created_at,
                consent_version=CONSENT_VERSION,
                created_at=kasus.created_at,
            )
            if n % 3 == 0:
                lampiran_store(
                    kasus=kasus,
                    aspirasi=aspirasi,
                    files=[_photo(kasus.title)],
                    role=Lampiran.Role.SUBMISSION,
                    actor=None,
                )
            if kasus.status in (Status.DIJAWAB, Status.DITUTUP) and n % 2 == 0:
                lampiran_store(
                    kasus=kasus, aspirasi=None, files=[_pdf(kasus.reference)], role=Lampiran.Role.ANSWER, actor=None
                )
    stdout.write(_("Aspirasi demo: %(n)d baru.") % {"n": len(cases)})
    pin_cases(Kasus.objects.filter(pk__in=demo_ids))


# Demo pins scatter up to this many degrees (about 330 m) around their desa's centroid.
PIN_SPREAD = 0.003


def pin_cases(cases) -> int:
    """Give cases in a desa and without a pin one near the desa's centroid, spread by their id, so the maps and
    the nearby list have something to show. One UPDATE per desa: also used for the benchmark's million cases."""
    updated = 0
    for pk, kode in Wilayah.objects.filter(tingkat__in=DESA_LEVELS).values_list("pk", "kode"):
        centroid = geo.centroid_of(kode)
        if centroid is None:
            continue
        # Two coprime moduli spread consecutive ids over a grid, with no product that could overflow.
        updated += cases.filter(wilayah_id=pk, titik_lat__isnull=True).update(
            titik_lat=centroid[0] + (F("pk") % 997 - 498) * (PIN_SPREAD / 498),
            titik_lng=centroid[1] + (F("pk") % 991 - 495) * (PIN_SPREAD / 495),
        )
    return updated
