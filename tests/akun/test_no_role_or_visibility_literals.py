"""Roles and timeline visibilities are named by their constants, never by a quoted value.

`portal.akun.roles` and `Riwayat.Visibility` are the one place these values live; a literal elsewhere drifts
silently when one is renamed. Migrations and tests are exempt (migrations freeze history, tests state values).
"""

import io
import keyword
import re
import tokenize
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
APPS = ("portal", "aspirasi", "audiensi", "sarasehan", "dasbor", "skm", "akuntabilitas", "datapribadi", "benchmarks")
ROLE = r"(?:petugas|protokol|opd|pimpinan|admin)"
VISIBILITY = r"(?:publik|pelapor|internal)"

PYTHON_PATTERNS = [
    re.compile(rf"visibility(?:__in)?\s*=\s*[\[(]?\s*[\"']{VISIBILITY}[\"']"),
    re.compile(rf"visibility\s*[!=]=\s*[\"']{VISIBILITY}[\"']"),
    re.compile(rf"(?:has_role|staff_required|role_recipients)\([^)]*[\"']{ROLE}[\"']"),
    re.compile(rf"[\"']{ROLE}[\"']\s+(?:not\s+)?in\s+\w*roles"),
    re.compile(rf"groups__name(?:__in)?\s*=\s*[\[(]?\s*[\"']{ROLE}[\"']"),
    re.compile(rf"^[A-Z_]+\s*=\s*[\[({{]\s*[\"']{ROLE}[\"']", re.MULTILINE),
]
TEMPLATE_PATTERNS = [
    re.compile(rf"[\"']{ROLE}[\"']\s+(?:not\s+)?in\s+user_roles"),
    re.compile(rf"visibility\s*[!=]=\s*[\"']{VISIBILITY}[\"']"),
]


def _offences(files, patterns):
    found = []
    for path in files:
        text = path.read_text(encoding="utf-8")
        for pattern in patterns:
            for match in pattern.finditer(text):
                line = text.count("\n", 0, match.start()) + 1
                found.append(f"{path.relative_to(ROOT)}:{line}: {match.group(0)}")
    return found


def _python_sources():
    for app in APPS:
        for path in (ROOT / app).rglob("*.py"):
            if "migrations" not in path.parts:
                yield path


def test_python_sources_name_roles_and_visibilities_by_constant():
    assert _offences(_python_sources(), PYTHON_PATTERNS) == []


def test_templates_compare_roles_through_the_roles_constants():
    assert _offences((ROOT / "templates").rglob("*.html"), TEMPLATE_PATTERNS) == []


def test_the_check_catches_a_quoted_role_and_visibility():
    sample = 'kasus_log(kasus=k, visibility="publik")\nMANAGERS = ("protokol", "admin")\nhas_role(u, "petugas")\n'
    assert len([p for p in PYTHON_PATTERNS if p.search(sample)]) == 3
    assert TEMPLATE_PATTERNS[0].search('{% if "opd" in user_roles %}')


LEVEL = r"(?:kabupaten|kecamatan|desa|kelurahan)"
LEVEL_PATTERNS = [re.compile(rf"tingkat(?:__in)?\s*[!=]?=\s*[\[(]?\s*[\"']{LEVEL}[\"']")]


def test_sources_and_templates_name_wilayah_levels_by_constant():
    # Wilayah.Tingkat and DESA_LEVELS are the one place; a quoted level elsewhere is the same drift.
    files = [*_python_sources(), *(ROOT / "templates").rglob("*.html")]
    assert _offences(files, LEVEL_PATTERNS) == []
    assert LEVEL_PATTERNS[0].search('Wilayah.objects.filter(tingkat__in=["desa", "kelurahan"])')


STATUS_IN_TEMPLATE = re.compile(r"\.status\s*[!=]=\s*[\"']")


def test_templates_compare_statuses_through_the_models_enums():
    # `kasus.Status.DIJAWAB`, `sarasehan.Status.TERBIT`...: the enum stays the one place a status is spelled.
    files = [path for path in (ROOT / "templates").rglob("*") if path.is_file()]
    assert _offences(files, [STATUS_IN_TEMPLATE]) == []
    assert STATUS_IN_TEMPLATE.search('{% if kasus.status == "baru" %}')


def _status_values() -> set[str]:
    from audiensi.models import Status as AudiensiStatus
    from portal.kasus.models import Status as KasusStatus
    from portal.kasus.models import TindakLanjut
    from portal.kasus.selectors import CommitmentFilter
    from sarasehan.models import PendaftaranSarasehan, Sarasehan

    enums = (KasusStatus, AudiensiStatus, TindakLanjut.Status, CommitmentFilter, Sarasehan.Status, Sarasehan.Window)
    return {value for enum in (*enums, PendaftaranSarasehan.Status) for value in enum.values}


# Quoted words that are not a status where they stand: column headings of exports (the CSV, the workbook,
# a resident's personal-data copy), a door outcome, and the database constraint the migrations freeze.
NOT_A_STATUS = {
    ("aspirasi/views.py", "dikonfirmasi"),
    ("aspirasi/views.py", "dijawab"),
    ("dasbor/report.py", "dikonfirmasi"),
    ("dasbor/report.py", "dijawab"),
    ("dasbor/report.py", "terlambat"),
    ("datapribadi/services.py", "ditutup"),
    ("datapribadi/services.py", "hadir"),
    ("datapribadi/services.py", "terdaftar"),
    ("sarasehan/views.py", "hadir"),
    ("sarasehan/models.py", "menunggu_konfirmasi"),
    ("sarasehan/models.py", "terdaftar"),
    ("sarasehan/models.py", "menunggu"),
    ("sarasehan/models.py", "dibatalkan"),
    ("sarasehan/models.py", "langsung"),
}
ENUM_MEMBER = re.compile(r"^\s*[A-Z_]+\s*=\s*[\"'][a-z_]+[\"']\s*(?:,|#|$)")
TRANSLATED = {"_", "gettext", "gettext_lazy", "pgettext_lazy"}


def quoted_statuses(text: str, values: set[str]) -> list[tuple[int, str]]:
    """(line, value) of each string that is exactly a status, state or filter value, outside its enum,
    `_()` and `x["key"]`."""
    tokens = list(tokenize.generate_tokens(io.StringIO(text).readline))
    found = []
    for i, token in enumerate(tokens):
        if token.type != tokenize.STRING or token.string.strip("\"'") not in values:
            continue
        opener, owner = tokens[i - 1], tokens[i - 2]
        subscript = opener.string == "[" and (
            owner.type == tokenize.NAME and not keyword.iskeyword(owner.string) or owner.string in ")]"
        )
        translated = opener.string == "(" and owner.string in TRANSLATED
        if ENUM_MEMBER.match(token.line) or subscript or translated:
            continue
        found.append((token.start[0], token.string.strip("\"'")))
    return found


def test_python_sources_name_statuses_states_and_filters_by_their_enum():
    values = _status_values()
    found = []
    for path in _python_sources():
        name = str(path.relative_to(ROOT))
        found += [
            f"{name}:{line}: {value}"
            for line, value in quoted_statuses(path.read_text(encoding="utf-8"), values)
            if (name, value) not in NOT_A_STATUS
        ]
    assert found == []


def test_the_status_check_catches_a_quoted_state_filter_and_demo_status():
    sample = (
        'if sarasehan.registration_state() == "dibuka":\n    pass\n'
        'CHOICES = [("terbuka", _("Berjalan"))]\n'
        'PLAN = ["ditutup"] * 12\n'
        'BARU = "baru", _("Baru")\n'
        'label = _("selesai") + data["selesai"]\n'
    )
    found = quoted_statuses(sample, {"dibuka", "terbuka", "ditutup", "baru", "selesai"})
    assert found == [(1, "dibuka"), (3, "terbuka"), (4, "ditutup")]


STATE_IN_TEMPLATE = re.compile(r"state\s*[!=]=\s*[\"']")


def test_templates_compare_sarasehan_windows_through_the_enum():
    files = [path for path in (ROOT / "templates").rglob("*.html")]
    assert _offences(files, [STATE_IN_TEMPLATE]) == []
    assert STATE_IN_TEMPLATE.search('{% if door_state == "dibuka" %}')
