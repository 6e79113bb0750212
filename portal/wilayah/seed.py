"""Reference data loaded by migrations: the regency's regions and a starting list of OPD, kategori, pejabat.

Wilayah source: the table `wilayah` of db/wilayah.sql in the public repository
cahyadsn/wilayah (MIT License, copyright (c) 2017-2025 Cahya DSN), rows whose
code starts with `33.12` (Kepmendagri No 300.2.2-2138 Tahun 2025). See data/README.md.
"""

import csv
from pathlib import Path
from typing import Any

WILAYAH_CSV = Path(__file__).resolve().parent / "data" / "wilayah-wonogiri.csv"

OPD = [
    ("Dinas Kesehatan", "Dinkes"),
    ("Dinas Pendidikan dan Kebudayaan", "Disdikbud"),
    ("Dinas Pekerjaan Umum dan Penataan Ruang", "DPUPR"),
    ("Dinas Perumahan dan Kawasan Permukiman", "Disperkim"),
    ("Dinas Sosial", "Dinsos"),
    ("Dinas Kependudukan dan Pencatatan Sipil", "Disdukcapil"),
    ("Badan Penanggulangan Bencana Daerah", "BPBD"),
    ("Dinas Lingkungan Hidup", "DLH"),
    ("Dinas Perhubungan", "Dishub"),
    ("Dinas Pertanian dan Pangan", "Dispertan"),
    ("Dinas Penanaman Modal dan Pelayanan Terpadu Satu Pintu", "DPMPTSP"),
    ("Dinas Komunikasi dan Informatika", "Diskominfo"),
    ("Dinas Tenaga Kerja, Koperasi dan UKM", "Disnakerkop UKM"),
    ("Satuan Polisi Pamong Praja", "Satpol PP"),
    ("Badan Pengelolaan Pendapatan Daerah", "Bapenda"),
    ("Rumah Sakit Umum Daerah dr. Soediran Mangun Sumarso", "RSUD"),
]

KATEGORI = [
    ("Infrastruktur dan Jalan", "infrastruktur-jalan", "DPUPR"),
    ("Kesehatan", "kesehatan", "Dinkes"),
    ("Pendidikan", "pendidikan", "Disdikbud"),
    ("Administrasi Kependudukan", "administrasi-kependudukan", "Disdukcapil"),
    ("Bantuan Sosial", "bantuan-sosial", "Dinsos"),
    ("Bencana dan Kedaruratan", "bencana", "BPBD"),
    ("Lingkungan dan Sampah", "lingkungan", "DLH"),
    ("Air Bersih dan Sanitasi", "air-bersih", "Disperkim"),
    ("Transportasi dan Perhubungan", "transportasi", "Dishub"),
    ("Pertanian dan Pangan", "pertanian", "Dispertan"),
    ("Perizinan dan Investasi", "perizinan", "DPMPTSP"),
    ("Ketenagakerjaan dan UMKM", "ketenagakerjaan-umkm", "Disnakerkop UKM"),
    ("Ketertiban Umum", "ketertiban", "Satpol PP"),
    ("Pajak Daerah", "pajak-daerah", "Bapenda"),
    ("Lainnya", "lainnya", None),
]

PEJABAT = [
    ("Bupati Wonogiri", "Bupati Wonogiri", "bupati", "Pendapa Rumah Dinas Bupati, Jl. Diponegoro, Wonogiri", 1),
    ("Wakil Bupati Wonogiri", "Wakil Bupati Wonogiri", "wakil-bupati", "Ruang Wakil Bupati, Kantor Setda Wonogiri", 2),
]


def read_wilayah_rows() -> list[dict[str, str]]:
    with WILAYAH_CSV.open(encoding="utf-8") as fh:
        return list(csv.DictReader(fh))


def load_wilayah(Wilayah) -> None:
    by_code: dict[str, Any] = {}
    for row in read_wilayah_rows():
        parent = by_code.get(row["kode_induk"])
        obj, _ = Wilayah.objects.update_or_create(
            kode=row["kode"], defaults={"nama": row["nama"], "tingkat": row["tingkat"], "parent": parent}
        )
        by_code[row["kode"]] = obj


def load_reference(Opd, Kategori, Pejabat) -> None:
    opd_by_abbr: dict[str | None, Any] = {}
    for nama, singkatan in OPD:
        opd_by_abbr[singkatan], _ = Opd.objects.get_or_create(nama=nama, defaults={"singkatan": singkatan})
    for nama, slug, abbr in KATEGORI:
        Kategori.objects.get_or_create(slug=slug, defaults={"nama": nama, "default_opd": opd_by_abbr.get(abbr)})
    for jabatan, nama, slug, lokasi, urutan in PEJABAT:
        Pejabat.objects.get_or_create(
            slug=slug, defaults={"jabatan": jabatan, "nama": nama, "lokasi": lokasi, "urutan": urutan}
        )


# English names where they differ from the Indonesian; loaded by a later migration.
OPD_EN = {
    "Dinas Kesehatan": "Health Office",
    "Dinas Pendidikan dan Kebudayaan": "Education and Culture Office",
    "Dinas Pekerjaan Umum dan Penataan Ruang": "Public Works and Spatial Planning Office",
    "Dinas Perumahan dan Kawasan Permukiman": "Housing and Settlements Office",
    "Dinas Sosial": "Social Affairs Office",
    "Dinas Kependudukan dan Pencatatan Sipil": "Population and Civil Registration Office",
    "Badan Penanggulangan Bencana Daerah": "Regional Disaster Management Agency",
    "Dinas Lingkungan Hidup": "Environment Office",
    "Dinas Perhubungan": "Transportation Office",
    "Dinas Pertanian dan Pangan": "Agriculture and Food Office",
    "Dinas Penanaman Modal dan Pelayanan Terpadu Satu Pintu": "Investment and One-Stop Services Office",
    "Dinas Komunikasi dan Informatika": "Communication and Informatics Office",
    "Dinas Tenaga Kerja, Koperasi dan UKM": "Manpower, Cooperatives and SMEs Office",
    "Satuan Polisi Pamong Praja": "Civil Service Police Unit",
    "Badan Pengelolaan Pendapatan Daerah": "Regional Revenue Agency",
    "Rumah Sakit Umum Daerah dr. Soediran Mangun Sumarso": "dr. Soediran Mangun Sumarso Regional General Hospital",
}

KATEGORI_EN = {
    "infrastruktur-jalan": "Infrastructure and Roads",
    "kesehatan": "Health",
    "pendidikan": "Education",
    "administrasi-kependudukan": "Civil Registration",
    "bantuan-sosial": "Social Assistance",
    "bencana": "Disasters and Emergencies",
    "lingkungan": "Environment and Waste",
    "air-bersih": "Clean Water and Sanitation",
    "transportasi": "Transport",
    "pertanian": "Agriculture and Food",
    "perizinan": "Permits and Investment",
    "ketenagakerjaan-umkm": "Employment and Small Businesses",
    "ketertiban": "Public Order",
    "pajak-daerah": "Regional Taxes",
    "lainnya": "Other",
}

PEJABAT_EN = {"bupati": "Regent of Wonogiri", "wakil-bupati": "Vice Regent of Wonogiri"}


def load_english_names(Opd, Kategori, Pejabat) -> None:
    """Fill blank English names only: an administrator's own translation is kept."""
    for nama, english in OPD_EN.items():
        Opd.objects.filter(nama=nama, nama_en="").update(nama_en=english)
    for slug, english in KATEGORI_EN.items():
        Kategori.objects.filter(slug=slug, nama_en="").update(nama_en=english)
    for slug, english in PEJABAT_EN.items():
        Pejabat.objects.filter(slug=slug, jabatan_en="").update(jabatan_en=english)
