"""The Indeks Kepuasan Masyarakat as PermenPANRB No. 14 Tahun 2017 (Lampiran, Bab "Pengolahan data") computes it.

Per element (unsur) the answers are 1-4 (tidak baik .. sangat baik).
- NRR per unsur = jumlah nilai unsur / jumlah responden (nilai rata-rata).
- NRR tertimbang per unsur = NRR x bobot, bobot nilai rata-rata tertimbang = jumlah bobot / jumlah unsur = 1/9
  (the regulation prints it rounded as 0,111; the exact 1/9 is used so that all-4 answers give 100, not 99,9).
- IKM unit pelayanan = jumlah NRR tertimbang x 25 (nilai dasar), so 25.00-100.00.
- Mutu pelayanan (nilai interval konversi IKM): 25,00-64,99 D (tidak baik); 65,00-76,60 C (kurang baik);
  76,61-88,30 B (baik); 88,31-100,00 A (sangat baik).
Source: Peraturan Menteri PANRB No. 14 Tahun 2017 tentang Pedoman Penyusunan Survei Kepuasan Masyarakat Unit
Penyelenggara Pelayanan Publik, Lampiran (text e.g. https://puskaandriana.blogspot.com/2023/03/permenpan-no-14-th-2017-tentang-survey.html).
"""

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

UNSUR_COUNT = 9
BOBOT = Decimal(1) / Decimal(UNSUR_COUNT)
NILAI_DASAR = Decimal(25)
TWO_PLACES = Decimal("0.01")

# (lowest IKM of the grade, grade, mutu pelayanan), best first.
GRADES: tuple[tuple[Decimal, str, Promise], ...] = (
    (Decimal("88.31"), "A", _("Sangat baik")),
    (Decimal("76.61"), "B", _("Baik")),
    (Decimal("65.00"), "C", _("Kurang baik")),
    (Decimal("25.00"), "D", _("Tidak baik")),
)


@dataclass(frozen=True)
class Ikm:
    respondents: int
    nrr: tuple[Decimal, ...]  # per unsur, 2 places
    nrr_tertimbang: Decimal  # sum of the weighted NRR, 3 places
    ikm: Decimal  # 2 places
    grade: str
    mutu: Promise


def grade_of(ikm: Decimal) -> tuple[str, Promise]:
    """The regulation's grade and quality label for an IKM already rounded to 2 places."""
    for lowest, grade, mutu in GRADES:
        if ikm >= lowest:
            return grade, mutu
    return GRADES[-1][1], GRADES[-1][2]


def compute_ikm(*, respondents: int, totals: list[int] | tuple[int, ...]) -> Ikm | None:
    """IKM from the number of respondents and the sum of the answers per unsur (u1..u9). None without answers."""
    if respondents <= 0:
        return None
    if len(totals) != UNSUR_COUNT:
        raise ValueError("nine element totals expected")
    nrr = [Decimal(total) / Decimal(respondents) for total in totals]
    weighted = sum((value * BOBOT for value in nrr), Decimal(0))
    ikm = (weighted * NILAI_DASAR).quantize(TWO_PLACES, rounding=ROUND_HALF_UP)
    grade, mutu = grade_of(ikm)
    return Ikm(
        respondents=respondents,
        nrr=tuple(value.quantize(TWO_PLACES, rounding=ROUND_HALF_UP) for value in nrr),
        nrr_tertimbang=weighted.quantize(Decimal("0.001"), rounding=ROUND_HALF_UP),
        ikm=ikm,
        grade=grade,
        mutu=mutu,
    )
