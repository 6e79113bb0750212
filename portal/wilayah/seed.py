"""Reference data loaded by migrations: the regency's regions and a starting list of OPD, kategori, pejabat.

Wilayah source: the table `wilayah` of db/wilayah.sql in the public repository
cahyadsn/wilayah (MIT License, copyright (c) 2017-2025 Cahya DSN), rows whose
code starts with `33.12` (Kepmendagri No 300.2.2-2138 Tahun 2025). See data/README.md.
"""

import csv
from pathlib import Path

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
    by_code = {}
    for row in read_wilayah_rows():
        parent = by_code.get(row["kode_induk"])
        obj, _ = Wilayah.objects.update_or_create(
            kode=row["kode"], defaults={"nama": row["nama"], "tingkat": row["tingkat"], "parent": parent}
        )
        by_code[row["kode"]] = obj


def load_reference(Opd, Kategori, Pejabat) -> None:
    opd_by_abbr = {}
    for nama, singkatan in OPD:
        opd_by_abbr[singkatan], _ = Opd.objects.get_or_create(nama=nama, defaults={"singkatan": singkatan})
    for nama, slug, abbr in KATEGORI:
        Kategori.objects.get_or_create(slug=slug, defaults={"nama": nama, "default_opd": opd_by_abbr.get(abbr)})
    for jabatan, nama, slug, lokasi, urutan in PEJABAT:
        Pejabat.objects.get_or_create(
            slug=slug, defaults={"jabatan": jabatan, "nama": nama, "lokasi": lokasi, "urutan": urutan}
        )
