"""Demo data: one account per role and realistic cases walked through the services (bulk cases: bulk.py).

Used by the `seed_demo` management command and by benchmarks/bench_staff_pages.py.
Secrets (passwords, TOTP keys) are fixed and printable only on the embedded default
(DEBUG with SQLite); anywhere else they are random and never shown.
"""

import base64
import datetime as dt
import hashlib
import secrets
import time
from dataclasses import dataclass, replace
from typing import Any

from allauth.account.models import EmailAddress
from allauth.mfa import app_settings as mfa_settings
from allauth.mfa.models import Authenticator
from allauth.mfa.recovery_codes.internal.auth import RecoveryCodes
from allauth.mfa.totp.internal.auth import TOTP, format_hotp_value, generate_totp_secret, hotp_value
from allauth.mfa.utils import decrypt
from django.conf import settings
from django.contrib.auth.models import Group
from django.core.management.base import OutputWrapper
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone

from portal.akun import roles
from portal.akun.models import User
from portal.kasus import services
from portal.kasus.calendar import add_working_days
from portal.kasus.models import (
    CLOSED_STATUSES,
    Channel,
    Kasus,
    OutboxEmail,
    Priority,
    Riwayat,
    Status,
)
from portal.wilayah.models import Kategori, Opd, Wilayah

Visibility = Riwayat.Visibility


def is_embedded_default() -> bool:
    """The first-run setup (DEBUG on SQLite): the only place demo secrets may be printed."""
    return bool(settings.DEBUG) and settings.DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3"


# --- accounts ---------------------------------------------------------------------------------------------------

# (email, role, full name, phone)
STAFF_ACCOUNTS = [
    ("petugas@wonogirikab.go.id", roles.PETUGAS, "Rina Kusumawati", "081329100101"),
    ("protokol@wonogirikab.go.id", roles.PROTOKOL, "Hendro Wibowo", "081329100102"),
    ("opd.dpupr@wonogirikab.go.id", roles.OPD, "Joko Santoso", "081329100103"),
    ("pimpinan@wonogirikab.go.id", roles.PIMPINAN, "Bambang Hartono", "081329100104"),
    ("admin@wonogirikab.go.id", roles.ADMIN, "Dewi Anggraini", "081329100105"),
]
# (email, full name, phone, kecamatan of the home desa)
WARGA_ACCOUNTS = [
    ("warga1@example.org", "Sri Wahyuni", "081226450101", "Wuryantoro"),
    ("warga2@example.org", "Bambang Suryanto", "085640120202", "Selogiri"),
    ("warga3@example.org", "Siti Aminah", "082134560303", "Pracimantoro"),
    ("warga4@example.org", "Agus Prasetyo", "081393780404", "Baturetno"),
    ("warga5@example.org", "Dwi Lestari", "087734910505", "Jatisrono"),
]
DEMO_OPD = "DPUPR"


@dataclass
class DemoAccount:
    user: User
    role: str  # a staff role, or "warga"
    password: str | None  # only on the embedded default
    totp_secret: str | None  # only on the embedded default, staff only
    created: bool


def demo_password(email: str) -> str:
    return f"demo-{email.split('@')[0]}-2026"


def demo_totp_secret(email: str) -> str:
    """A fixed base32 key per account, so the embedded default prints the same key on every run."""
    return base64.b32encode(hashlib.sha256(f"portal-demo-totp:{email}".encode()).digest()[:20]).decode("ascii")


def _home_desa(kecamatan_nama: str) -> Wilayah | None:
    return (
        Wilayah.objects.filter(parent__nama=kecamatan_nama, parent__tingkat=Wilayah.Tingkat.KECAMATAN)
        .order_by("kode")
        .first()
    )


def _ensure_user(
    email: str, *, full_name: str, phone: str, embedded: bool, **extra: Any
) -> tuple[User, bool, str | None]:
    user = User.objects.filter(email=email).first()
    if user is not None:
        return user, False, demo_password(email) if embedded else None
    password = demo_password(email) if embedded else secrets.token_urlsafe(32)
    user = User.objects.create_user(email=email, password=password, full_name=full_name, phone=phone, **extra)
    return user, True, password if embedded else None


def _ensure_verified_email(user: User) -> None:
    if not EmailAddress.objects.filter(user=user, email__iexact=user.email).exists():
        EmailAddress.objects.create(user=user, email=user.email, verified=True, primary=True)


def _ensure_mfa(user: User, *, embedded: bool) -> str | None:
    """Enrol TOTP and recovery codes once; return the key only where it may be shown."""
    totp = Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).first()
    if totp is None:
        secret = demo_totp_secret(user.email) if embedded else generate_totp_secret()
        TOTP.activate(user, secret)
    else:
        secret = decrypt(totp.data["secret"])
    RecoveryCodes.activate(user)  # no-op when they exist
    return secret if embedded else None


@transaction.atomic
def ensure_accounts(*, embedded: bool | None = None) -> dict[str, DemoAccount]:
    """Create the demo accounts that are missing; existing ones are left as they are. Keyed by email."""
    if embedded is None:
        embedded = is_embedded_default()
    dpupr = Opd.objects.get(singkatan=DEMO_OPD)
    accounts: dict[str, DemoAccount] = {}
    for email, role, full_name, phone in STAFF_ACCOUNTS:
        extra: dict[str, Any] = {"opd": dpupr} if role == roles.OPD else {}
        if role == roles.ADMIN:
            extra |= {"is_staff": True, "is_superuser": True}
        user, created, password = _ensure_user(email, full_name=full_name, phone=phone, embedded=embedded, **extra)
        if created:
            user.groups.add(Group.objects.get(name=role))
        _ensure_verified_email(user)
        secret = _ensure_mfa(user, embedded=embedded)
        accounts[email] = DemoAccount(user, role, password, secret, created)
    for email, full_name, phone, kecamatan_nama in WARGA_ACCOUNTS:
        user, created, password = _ensure_user(
            email, full_name=full_name, phone=phone, embedded=embedded, wilayah=_home_desa(kecamatan_nama)
        )
        _ensure_verified_email(user)
        accounts[email] = DemoAccount(user, "warga", password, None, created)
    return accounts


def current_totp_codes() -> list[tuple[str, str, str]]:
    """(role, email, current code) for each demo staff account that has TOTP. Embedded default only."""
    if not is_embedded_default():
        raise PermissionError("TOTP codes are shown only on the embedded default")
    counter = int(time.time()) // mfa_settings.TOTP_PERIOD
    rows = []
    for email, role, _name, _phone in STAFF_ACCOUNTS:
        auth = Authenticator.objects.filter(user__email=email, type=Authenticator.Type.TOTP).first()
        if auth is not None:
            rows.append((role, email, format_hotp_value(hotp_value(decrypt(auth.data["secret"]), counter))))
    return rows


def totp_seconds_left() -> int:
    return mfa_settings.TOTP_PERIOD - int(time.time()) % mfa_settings.TOTP_PERIOD


# --- realistic cases --------------------------------------------------------------------------------------------

# (kategori slug, title, summary, priority); {desa} and {kec} are filled per case.
TEMPLATES = [
    (
        "infrastruktur-jalan",
        "Jalan kabupaten rusak berat di Desa {desa}",
        "Ruas jalan penghubung Desa {desa} menuju pusat Kecamatan {kec} berlubang sepanjang kurang lebih 2 km. "
        "Saat hujan lubang tergenang air dan sudah beberapa pengendara motor terjatuh.",
        Priority.TINGGI,
    ),
    (
        "infrastruktur-jalan",
        "Jembatan gantung di Desa {desa} miring dan papan lantainya lapuk",
        "Jembatan gantung yang setiap hari dipakai anak sekolah menyeberang sungai sudah miring, kabel penahan "
        "kendur dan beberapa papan lantai patah. Mohon segera ditinjau sebelum ada korban.",
        Priority.DARURAT,
    ),
    (
        "transportasi",
        "Lampu penerangan jalan umum mati di jalur Wonogiri–{kec}",
        "Sudah tiga minggu lampu PJU di sepanjang jalan dekat Desa {desa} mati. Jalan menjadi gelap, rawan "
        "kecelakaan dan pencurian.",
        Priority.SEDANG,
    ),
    (
        "air-bersih",
        "Air PDAM tidak mengalir ke Desa {desa} selama dua minggu",
        "Sejak awal bulan air PDAM hanya mengalir tengah malam dan sangat kecil. Warga terpaksa membeli air tangki "
        "Rp150.000 per tangki.",
        Priority.TINGGI,
    ),
    (
        "air-bersih",
        "Permohonan sumur bor untuk dusun yang selalu kekeringan di Desa {desa}",
        "Setiap kemarau sumber air di dusun kami kering dan warga mengambil air 3 km jauhnya. Mohon dibangun sumur "
        "bor dan tandon air bersama.",
        Priority.SEDANG,
    ),
    (
        "air-bersih",
        "Saluran drainase tersumbat dan limbah meluap di Desa {desa}",
        "Saluran pembuangan di pinggir jalan tersumbat sampah. Air limbah rumah tangga meluap ke jalan dan berbau, "
        "terutama setelah hujan.",
        Priority.SEDANG,
    ),
    (
        "kesehatan",
        "Puskesmas {kec} kekurangan dokter pada pelayanan sore",
        "Pasien menunggu lebih dari tiga jam karena hanya ada satu dokter yang bertugas. Mohon penambahan tenaga "
        "medis atau pengaturan jadwal.",
        Priority.SEDANG,
    ),
    (
        "kesehatan",
        "Kasus demam berdarah meningkat di Desa {desa}, mohon fogging",
        "Dalam satu bulan terakhir lima warga RT 02 dirawat karena DBD. Mohon fogging dan pemeriksaan jentik "
        "nyamuk oleh puskesmas.",
        Priority.TINGGI,
    ),
    (
        "kesehatan",
        "Pasien ditolak rawat inap karena kepesertaan PBI BPJS nonaktif",
        "Ibu saya, warga Desa {desa}, ditolak rawat inap karena status PBI BPJS Kesehatan nonaktif padahal masih "
        "terdaftar sebagai penerima bantuan iuran. Mohon bantuan reaktivasi.",
        Priority.TINGGI,
    ),
    (
        "administrasi-kependudukan",
        "KTP elektronik belum dicetak tiga bulan setelah perekaman",
        "Saya merekam KTP-el di kantor Kecamatan {kec} tiga bulan lalu. Sampai sekarang belum dicetak dengan alasan "
        "blanko habis.",
        Priority.SEDANG,
    ),
    (
        "administrasi-kependudukan",
        "Syarat pindah domisili dari luar provinsi ke Desa {desa}",
        "Saya akan pindah dari Kabupaten Bekasi ke Desa {desa}. Dokumen apa saja yang perlu disiapkan dan apakah "
        "bisa diurus secara daring?",
        Priority.RENDAH,
    ),
    (
        "administrasi-kependudukan",
        "Nama ibu salah tulis di akta kelahiran anak",
        "Akta kelahiran anak kami yang terbit bulan lalu mencantumkan nama ibu yang salah eja. Bagaimana prosedur "
        "pembetulannya?",
        Priority.RENDAH,
    ),
    (
        "bantuan-sosial",
        "Pasangan lansia di Desa {desa} belum terdaftar DTKS",
        "Tetangga kami, pasangan lansia tanpa penghasilan tetap, belum pernah menerima PKH maupun BPNT. Mohon "
        "pendataan ulang oleh pendamping.",
        Priority.TINGGI,
    ),
    (
        "bantuan-sosial",
        "Dugaan penyaluran BPNT tidak tepat sasaran di Desa {desa}",
        "Beberapa penerima BPNT di RT kami tergolong mampu, sementara warga miskin tidak menerima. Mohon verifikasi "
        "ulang data penerima.",
        Priority.SEDANG,
    ),
    (
        "bantuan-sosial",
        "Pencairan bantuan PKH tahap ini terlambat di Kecamatan {kec}",
        "Penerima PKH di wilayah kami belum menerima pencairan tahap ini, padahal kecamatan lain sudah. Mohon "
        "informasi jadwalnya.",
        Priority.RENDAH,
    ),
    (
        "bencana",
        "Tanah longsor menutup jalan dusun di Desa {desa}",
        "Hujan deras semalam menyebabkan longsor setinggi 2 meter menutup satu-satunya akses ke dusun. Sekitar 40 "
        "KK terisolasi dan perlu alat berat.",
        Priority.DARURAT,
    ),
    (
        "bencana",
        "Rumah warga rusak diterjang angin puting beliung di Desa {desa}",
        "Angin kencang sore tadi merusak atap enam rumah dan menumbangkan pohon di jalan desa. Warga membutuhkan "
        "terpal dan bantuan perbaikan.",
        Priority.TINGGI,
    ),
    (
        "bencana",
        "Permohonan droping air bersih musim kemarau di Kecamatan {kec}",
        "Sumur warga di Desa {desa} sudah kering sejak dua bulan. Mohon droping air bersih terjadwal dari BPBD.",
        Priority.TINGGI,
    ),
    (
        "lingkungan",
        "Tumpukan sampah liar di tepi Waduk Gajah Mungkur dekat Desa {desa}",
        "Sampah rumah tangga dibuang di tepi waduk dan terbawa ke air saat hujan. Mohon disediakan TPS dan papan "
        "larangan.",
        Priority.SEDANG,
    ),
    (
        "lingkungan",
        "Bau menyengat dari kandang ayam dekat permukiman Desa {desa}",
        "Usaha peternakan ayam sekitar 50 meter dari rumah warga menimbulkan bau dan lalat. Mohon dicek izin "
        "lingkungannya.",
        Priority.SEDANG,
    ),
    (
        "transportasi",
        "Angkutan pedesaan jurusan {kec}–Wonogiri berhenti beroperasi",
        "Sejak sebulan angkutan pedesaan tidak lagi melayani trayek ini. Pelajar dan pedagang pasar kesulitan "
        "transportasi.",
        Priority.SEDANG,
    ),
    (
        "transportasi",
        "Usulan rambu dan zebra cross di depan SD Negeri di Desa {desa}",
        "Kendaraan melaju kencang di depan sekolah saat jam masuk dan pulang. Mohon dipasang rambu, zebra cross "
        "dan pita penggaduh.",
        Priority.SEDANG,
    ),
    (
        "pendidikan",
        "Atap ruang kelas SD Negeri 2 {desa} bocor dan hampir roboh",
        "Dua ruang kelas tidak bisa dipakai karena atap bocor dan kuda-kuda lapuk. Siswa belajar bergantian di "
        "perpustakaan.",
        Priority.TINGGI,
    ),
    (
        "pendidikan",
        "Pertanyaan jalur zonasi SPMB SMP untuk warga Desa {desa}",
        "Rumah kami berjarak 4 km dari SMP negeri terdekat. Apakah anak kami masih masuk zonasi dan bagaimana "
        "jalur afirmasi?",
        Priority.RENDAH,
    ),
    (
        "pertanian",
        "Pupuk bersubsidi langka menjelang musim tanam di Kecamatan {kec}",
        "Kios pupuk lengkap di wilayah kami kehabisan urea dan NPK bersubsidi. Petani terpaksa membeli pupuk "
        "nonsubsidi.",
        Priority.TINGGI,
    ),
    (
        "pertanian",
        "Serangan hama tikus di sawah Desa {desa}",
        "Hampir 20 hektare padi rusak dimakan tikus. Mohon pendampingan penyuluh dan bantuan gropyokan.",
        Priority.SEDANG,
    ),
    (
        "perizinan",
        "Pengurusan PBG rumah tinggal tanpa kabar lebih dari sebulan",
        "Permohonan Persetujuan Bangunan Gedung untuk rumah kami di Desa {desa} belum ada tindak lanjut di SIMBG.",
        Priority.RENDAH,
    ),
    (
        "ketenagakerjaan-umkm",
        "Permohonan pelatihan pemasaran daring untuk UMKM di Desa {desa}",
        "Kelompok usaha keripik tempe kami ingin belajar berjualan di marketplace. Mohon dijadwalkan pelatihan.",
        Priority.RENDAH,
    ),
    (
        "ketertiban",
        "Pedagang kaki lima menutup trotoar di sekitar pasar {kec}",
        "Trotoar di depan pasar penuh lapak sehingga pejalan kaki harus turun ke jalan. Mohon penataan.",
        Priority.RENDAH,
    ),
    (
        "pajak-daerah",
        "Tagihan PBB naik tajam tanpa pemberitahuan",
        "SPPT PBB tahun ini untuk tanah kami di Desa {desa} naik hampir tiga kali lipat. Mohon penjelasan dasar "
        "penetapannya.",
        Priority.SEDANG,
    ),
    (
        "lainnya",
        "Apresiasi pelayanan Mal Pelayanan Publik Wonogiri",
        "Pengurusan dokumen saya selesai dalam satu hari. Saran: tambahkan kursi tunggu dan papan antrean digital.",
        Priority.RENDAH,
    ),
    (
        "infrastruktur-jalan",
        "Talud saluran irigasi jebol di Desa {desa}",
        "Talud saluran irigasi jebol sepanjang 15 meter sehingga air tidak sampai ke sawah di hilir. Musim tanam "
        "sudah dekat.",
        Priority.TINGGI,
    ),
]

ANSWERS = {
    "infrastruktur-jalan": "Tim DPUPR telah meninjau lokasi. Perbaikan darurat sudah dilakukan dan perbaikan "
    "permanen masuk rencana pemeliharaan tahun ini.",
    "air-bersih": "Petugas telah memperbaiki pipa yang bocor dan aliran air sudah normal kembali.",
    "kesehatan": "Dinas Kesehatan telah berkoordinasi dengan puskesmas; tindakan sudah dilaksanakan.",
    "administrasi-kependudukan": "Dokumen sudah dapat diambil di Disdukcapil atau kantor kecamatan dengan membawa "
    "bukti pengajuan.",
    "bantuan-sosial": "Pendamping telah melakukan verifikasi lapangan dan data diusulkan dalam pemutakhiran DTKS "
    "bulan ini.",
    "bencana": "BPBD telah menurunkan tim reaksi cepat dan bantuan logistik sudah disalurkan.",
}
DEFAULT_ANSWER = "OPD terkait telah menindaklanjuti dan menyampaikan penjelasan kepada pelapor."

# The 60 cases in order: status, channel. Everything else is derived from the index.
CASE_PLAN = (
    [Status.BARU] * 8
    + [Status.DIVERIFIKASI] * 5
    + [Status.MENUNGGU_INFORMASI] * 4
    + [Status.DITOLAK] * 4
    + [Status.DIDISPOSISIKAN] * 8
    + [Status.DITINDAKLANJUTI] * 9
    + [Status.DIJAWAB] * 6
    + [Status.DITUTUP] * 12
    + [Status.DIBUKA_KEMBALI] * 3
    + [Status.DIGABUNG]
)
CHANNEL_PLAN = [
    Channel.WEB,
    Channel.WEB,
    Channel.WHATSAPP,
    Channel.WEB,
    Channel.MEDIA_SOSIAL,
    Channel.TELEPON,
    Channel.WEB,
    Channel.SURAT,
    Channel.LANGSUNG,
    Channel.LAPOR,
]
OVERDUE_EVERY = 4  # every 4th open case that is waiting on staff is overdue

GUEST_NAMES = [
    "Suparno",
    "Tri Handayani",
    "Sugiyanto",
    "Endang Sulistyowati",
    "Wahyu Hidayat",
    "Sumarni",
    "Eko Saputro",
    "Yuni Astuti",
    "Slamet Riyadi",
    "Kartini Rahayu",
    "Heru Purnomo",
    "Lestari Ningsih",
]


@dataclass
class _Spec:
    index: int
    key: str
    status: str
    channel: str
    kategori: str
    title: str
    summary: str
    priority: str
    wilayah: Wilayah
    anonymous: bool
    confidential: bool
    overdue: bool
    days_ago: float


def _desa_by_kecamatan() -> list[list[Wilayah]]:
    desa = Wilayah.objects.filter(tingkat__in=[Wilayah.Tingkat.DESA, Wilayah.Tingkat.KELURAHAN]).select_related(
        "parent"
    )
    groups: dict[int | None, list[Wilayah]] = {}
    for w in desa.order_by("kode"):
        groups.setdefault(w.parent_id, []).append(w)
    return [groups[k.pk] for k in Wilayah.objects.filter(tingkat=Wilayah.Tingkat.KECAMATAN).order_by("kode")]


def _case_specs() -> list[_Spec]:
    by_kecamatan = _desa_by_kecamatan()
    specs = []
    waiting = 0
    for i, status in enumerate(CASE_PLAN):
        kategori, title, summary, priority = TEMPLATES[(i * 7) % len(TEMPLATES)]
        desas = by_kecamatan[i % len(by_kecamatan)]
        wilayah = desas[(i // len(by_kecamatan) * 3) % len(desas)]
        assert wilayah.parent is not None  # every desa and kelurahan is in a kecamatan
        names = {"desa": wilayah.nama, "kec": wilayah.parent.nama}
        overdue = False
        days_ago: float
        if status in {Status.BARU, Status.DIVERIFIKASI, Status.DIDISPOSISIKAN, Status.DITINDAKLANJUTI}:
            waiting += 1
            overdue = waiting % OVERDUE_EVERY == 0
        if status in CLOSED_STATUSES:
            days_ago = 20 + (i * 37) % 260
        elif overdue:
            days_ago = 18 + (i % 5) * 4
        else:
            days_ago = 0.3 + (i % 4) * 0.6
        specs.append(
            _Spec(
                index=i,
                key=f"kasus-{i + 1:02d}",
                status=status,
                channel=CHANNEL_PLAN[i % len(CHANNEL_PLAN)],
                kategori=kategori,
                title=title.format(**names),
                summary=summary.format(**names),
                priority=priority,
                wilayah=wilayah,
                anonymous=i % 10 == 3 or "tidak tepat sasaran" in title,
                confidential=i % 15 == 7 or "PBI BPJS" in title or "tidak tepat sasaran" in title,
                overdue=overdue,
                days_ago=days_ago,
            )
        )
    return specs


def _demo_case_ids() -> QuerySet[Riwayat, Any]:
    return Riwayat.objects.filter(kind="kasus.opened", data__has_key="demo").values("kasus_id")


def _existing_demo_keys() -> set[str]:
    return set(
        Riwayat.objects.filter(kind="kasus.opened", data__has_key="demo")
        .values_list("data__demo", flat=True)
        .distinct()
    )


def _case_context(
    accounts: dict[str, DemoAccount],
) -> tuple[dict[str, Kategori], dict[str, Opd], User, User, list[User]]:
    """What _create_case needs besides the spec: kategori, OPDs, petugas, the DPUPR officer, warga."""
    return (
        {k.slug: k for k in Kategori.objects.select_related("default_opd")},
        {o.singkatan: o for o in Opd.objects.all()},
        accounts["petugas@wonogirikab.go.id"].user,
        accounts["opd.dpupr@wonogirikab.go.id"].user,
        [a.user for a in accounts.values() if a.role == "warga"],
    )


def seed_cases(accounts: dict[str, DemoAccount]) -> int:
    """Create the realistic demo cases that do not exist yet. Returns how many were created."""
    existing = _existing_demo_keys()
    context = _case_context(accounts)
    created = 0
    for spec in _case_specs():
        if spec.key in existing:
            continue
        with transaction.atomic():
            _create_case(spec, *context)
        created += 1
    return created


LATE_KEY_PREFIX = "terlambat-"


def ensure_late_case(accounts: dict[str, DemoAccount]) -> Kasus | None:
    """Keep one demo case late and not yet escalated, so every `make run` shows the SLA sweep escalate one.

    The first run has several; once the sweep has escalated them all, the next seed adds one more.
    """
    demo = Kasus.objects.filter(pk__in=_demo_case_ids())
    if demo.overdue().filter(escalation_level=0).exists():
        return None
    done = sum(key.startswith(LATE_KEY_PREFIX) for key in _existing_demo_keys())
    spec = next(s for s in _case_specs() if s.overdue and s.status == Status.DIDISPOSISIKAN)
    # By phone: a copy of a LAPOR case would repeat its SP4N-LAPOR! number.
    spec = replace(spec, key=f"{LATE_KEY_PREFIX}{done + 1}", channel=Channel.TELEPON)
    with transaction.atomic():
        return _create_case(spec, *_case_context(accounts))


def _create_case(
    spec: _Spec,
    kategori: dict[str, Kategori],
    opds: dict[str, Opd],
    petugas: User,
    opd_officer: User,
    warga: list[User],
) -> Kasus:
    """Open one demo case and walk it through the services to its planned status.

    Long because it is a script: one step table, read top to bottom, is clearer than helpers that
    would each need the same nine locals.
    """
    kat = kategori.get(spec.kategori) or kategori.get("lainnya")
    opd = kat.default_opd if kat and kat.default_opd else opds[DEMO_OPD]
    reporter = warga[spec.index % len(warga)] if spec.channel == "web" and spec.index % 6 != 0 else None
    guest = GUEST_NAMES[spec.index % len(GUEST_NAMES)]
    guest_fields: dict[str, Any] = {}
    if reporter is None:
        guest_fields = {
            "reporter_name": guest,
            "reporter_phone": f"08{spec.index + 12:02d}{(spec.index * 7919) % 10**8:08d}",
            "reporter_email": f"{guest.split()[0].lower()}.{spec.index + 1}@example.org"
            if spec.channel in {"web", "surat", "lapor"}
            else "",
        }
    kasus = services.kasus_open(
        title=spec.title,
        summary=spec.summary,
        channel=spec.channel,
        actor=reporter or petugas,
        reporter=reporter,
        kategori=kat,
        wilayah=spec.wilayah,
        priority=spec.priority,
        is_anonymous=spec.anonymous,
        is_confidential=spec.confidential,
        data={"demo": spec.key},
        notify=False,
        lapor_tracking_id=f"WNG-{2600000 + spec.index * 131}" if spec.channel == Channel.LAPOR else "",
        **guest_fields,
    )
    officer = opd_officer if opd.singkatan == DEMO_OPD else petugas
    pk = kasus.pk
    steps = {
        "verify": lambda: services.kasus_verify(kasus_id=pk, actor=petugas, kategori=kat),
        "reject": lambda: services.kasus_reject(
            kasus_id=pk,
            actor=petugas,
            reason="Di luar kewenangan pemerintah kabupaten; sudah diteruskan ke instansi vertikal terkait.",
        ),
        "request_info": lambda: services.kasus_request_info(
            kasus_id=pk, actor=petugas, question="Mohon lengkapi nama dusun/RT dan kirimkan foto kondisi terkini."
        ),
        "dispose": lambda: services.kasus_dispose(
            kasus_id=pk, actor=petugas, opd=opd, note="Mohon ditinjau ke lokasi dan dilaporkan hasilnya."
        ),
        "start": lambda: services.kasus_start(kasus_id=pk, actor=officer),
        "answer": lambda: services.kasus_answer(
            kasus_id=pk, actor=officer, answer=ANSWERS.get(spec.kategori, DEFAULT_ANSWER)
        ),
        "accept": lambda: services.kasus_accept(
            kasus_id=pk, actor=reporter, rating=4 + spec.index % 2, comment="Terima kasih, sudah ditangani."
        ),
        "dispute": lambda: services.kasus_dispute(
            kasus_id=pk, actor=reporter, reason="Perbaikan baru sebagian; masalah di ujung dusun belum ditangani."
        ),
    }
    # A case to be merged stays new until it is merged below.
    for step in services.WALKS.get(spec.status, ()):
        steps[step]()
    if spec.status in {Status.DITINDAKLANJUTI, Status.DIJAWAB, Status.DITUTUP} and (
        spec.index % 2 == 0 or spec.overdue
    ):
        item = services.tindak_lanjut_add(
            kasus_id=pk,
            actor=petugas,
            description=f"{opd.singkatan} menyelesaikan penanganan di Desa {spec.wilayah.nama}",
            opd=opd,
            due_date=timezone.localdate() + dt.timedelta(days=14),
            source="Rapat koordinasi penanganan aspirasi",
        )
        if spec.status == Status.DITUTUP:
            services.tindak_lanjut_complete(
                tindak_lanjut_id=item.pk, actor=officer, evidence="Foto hasil pekerjaan dan berita acara terlampir."
            )
    if spec.status in {Status.DIVERIFIKASI, Status.DIDISPOSISIKAN} and spec.index % 3 == 0:
        services.kasus_note_add(kasus_id=pk, actor=petugas, message="Sudah dikonfirmasi ke kepala desa via telepon.")
    if spec.status == Status.DIGABUNG:
        candidates = (
            Kasus.objects.filter(pk__in=_demo_case_ids(), status__in=[Status.DIDISPOSISIKAN, Status.DITINDAKLANJUTI])
            .exclude(pk=pk)
            .order_by("pk")
        )
        target = candidates.filter(kategori=kat).first() or candidates.first()
        if target is not None:
            services.kasus_merge(kasus_id=pk, into_id=target.pk, actor=petugas, reason="Laporan tentang hal yang sama.")
    _backdate(pk, spec)
    # Demo data mails nobody: the notifications the walk-through queued are dropped before commit.
    OutboxEmail.objects.filter(kasus_id=pk).delete()
    return kasus


def _working_hours(moment: dt.datetime, now: dt.datetime) -> dt.datetime:
    """Move a moment into office hours (08:00-16:00 local), never later than a minute ago."""
    local = timezone.localtime(moment)
    if local.hour < 8:
        local = local.replace(hour=8)
    elif local.hour >= 16:
        local = local.replace(hour=15)
    return min(local, now - dt.timedelta(minutes=1))


def _backdate(pk: int, spec: _Spec) -> None:
    """Spread the timeline over the case's age so queues, ages and deadlines look lived-in."""
    now = timezone.now()
    start = _working_hours(now - dt.timedelta(days=spec.days_ago), now)
    entries = list(Riwayat.objects.filter(kasus_id=pk).order_by("created_at", "id"))
    span = (now - start).total_seconds() * (0.3 if spec.overdue else 0.8)
    gap = dt.timedelta(seconds=min(span / max(len(entries) - 1, 1), 1.5 * 86400))
    times = [start + gap * n for n in range(len(entries))]
    for entry, moment in zip(entries, times, strict=True):
        entry.created_at = moment
    Riwayat.objects.bulk_update(entries, ["created_at"])
    kasus = Kasus.objects.get(pk=pk)
    last = times[-1]
    kasus.created_at = kasus.confirmed_at = start
    if kasus.answered_at:
        kasus.answered_at = next(t for e, t in zip(entries, times, strict=True) if e.kind == "kasus.answered")
    if kasus.closed_at:
        kasus.closed_at = last
    if kasus.due_at is not None:
        sla = "verify_days" if kasus.status in {Status.BARU, Status.DIVERIFIKASI} else "followup_days"
        if kasus.status == Status.DIJAWAB:
            sla = "autoclose_days"
        kasus.due_at = add_working_days(last, services.sla_days(sla))
    Kasus.objects.filter(pk=pk).update(
        created_at=kasus.created_at,
        confirmed_at=kasus.confirmed_at,
        answered_at=kasus.answered_at,
        closed_at=kasus.closed_at,
        due_at=kasus.due_at,
    )
    kasus.tindak_lanjut.filter(done_at__isnull=False).update(done_at=last)
    kasus.tindak_lanjut.update(created_at=times[min(len(times) - 1, 3)])
    if spec.overdue:
        kasus.tindak_lanjut.update(due_date=timezone.localdate(last) + dt.timedelta(days=7))


def run_app_demos(stdout: OutputWrapper) -> list[str]:
    """Call `<app>.demo.seed_demo(stdout=...)` for every installed app that has one, in INSTALLED_APPS order."""
    import importlib
    import importlib.util

    from django.apps import apps

    ran = []
    for config in apps.get_app_configs():
        name = f"{config.name}.demo"
        try:
            spec = importlib.util.find_spec(name)
        except ModuleNotFoundError:
            spec = None
        if spec is None:
            continue
        importlib.import_module(name).seed_demo(stdout=stdout)
        ran.append(config.name)
    return ran
