"""Demo data: made-up populations per kecamatan, labelled as such, so the demo's map can shade by residents.

Real figures are entered by an admin with their source (BPS Kabupaten Wonogiri, "Kabupaten Wonogiri Dalam
Angka"); none ship with the portal. Only kecamatan without a population get a demo one: a real figure is
never overwritten.
"""

import zlib

from django.db.models import Count

from .models import Wilayah

# Stored as the figure's source, so the map says these numbers are not real wherever it shows them.
DEMO_SOURCE = "DATA DEMO: angka rekaan untuk mencoba peta, bukan data BPS"


def demo_population(kode: str, villages: int) -> int:
    """About 3,500 residents per desa, varied by the code so that the map has contrast; the same every run."""
    return villages * 3500 + zlib.crc32(kode.encode()) % 9000


def seed_demo(*, stdout) -> None:
    missing = Wilayah.objects.filter(tingkat=Wilayah.Tingkat.KECAMATAN, penduduk__isnull=True).annotate(
        villages=Count("children")
    )
    count = 0
    for kecamatan in missing:
        Wilayah.objects.filter(pk=kecamatan.pk).update(
            penduduk=demo_population(kecamatan.kode, kecamatan.villages), penduduk_sumber=DEMO_SOURCE
        )
        count += 1
    if count:
        stdout.write(f"wilayah: demo populations (not BPS figures) for {count} kecamatan\n")
