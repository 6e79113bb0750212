import re
from io import StringIO

import pytest
from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import TOTP
from allauth.mfa.utils import decrypt
from django.core.management import CommandError, call_command
from django.db import connection
from django.utils import timezone

from portal.akun.models import User
from portal.demo.data import STAFF_ACCOUNTS, WARGA_ACCOUNTS, demo_password
from portal.kasus import services
from portal.kasus.models import Kasus, ReferenceSequence, Riwayat, Status, TindakLanjut
from portal.wilayah.models import Wilayah
from tests.factories import open_kasus

STAFF_EMAILS = [row[0] for row in STAFF_ACCOUNTS]
ALL_EMAILS = STAFF_EMAILS + [row[0] for row in WARGA_ACCOUNTS]


def seed(*args, **kwargs) -> str:
    out = StringIO()
    call_command("seed_demo", *args, stdout=out, **kwargs)
    return out.getvalue()


def demo_cases():
    ids = Riwayat.objects.filter(kind="kasus.opened", data__has_key="demo").values_list("kasus_id", flat=True)
    return Kasus.objects.filter(pk__in=ids)


def snapshot() -> dict[str, int]:
    return {
        "users": User.objects.count(),
        "emails": EmailAddress.objects.count(),
        "authenticators": Authenticator.objects.count(),
        "kasus": Kasus.objects.count(),
        "riwayat": Riwayat.objects.count(),
        "tindak_lanjut": TindakLanjut.objects.count(),
    }


@pytest.mark.django_db
def test_it_seeds_one_account_per_role_with_mfa_and_a_spread_of_cases_and_can_run_twice():
    seed()
    first = snapshot()
    seed()
    assert snapshot() == first

    for email, role, _name, _phone in STAFF_ACCOUNTS:
        user = User.objects.get(email=email)
        assert user.groups.filter(name=role).exists()
        kinds = set(Authenticator.objects.filter(user=user).values_list("type", flat=True))
        assert kinds == {Authenticator.Type.TOTP, Authenticator.Type.RECOVERY_CODES}
    assert User.objects.get(email="opd.dpupr@wonogirikab.go.id").opd.singkatan == "DPUPR"
    admin = User.objects.get(email="admin@wonogirikab.go.id")
    assert admin.is_superuser and admin.is_staff
    for email, name, phone, kecamatan in WARGA_ACCOUNTS:
        warga = User.objects.get(email=email)
        assert (warga.full_name, warga.phone, warga.wilayah.parent.nama) == (name, phone, kecamatan)
        assert not warga.groups.exists() and not Authenticator.objects.filter(user=warga).exists()
    for email in ALL_EMAILS:
        assert EmailAddress.objects.filter(email=email, verified=True, primary=True).count() == 1

    cases = demo_cases()
    assert cases.count() == 60
    assert set(cases.values_list("status", flat=True)) == set(Status.values)
    assert cases.values("kecamatan").distinct().count() == 25
    assert cases.values("kategori").distinct().count() >= 10
    assert cases.values("channel").distinct().count() >= 5
    assert cases.filter(is_anonymous=True).exists() and cases.filter(is_confidential=True).exists()
    assert cases.overdue().count() >= 3
    assert cases.filter(reporter__isnull=True).exclude(reporter_name="").exists()
    assert TindakLanjut.objects.filter(kasus__in=cases, status="selesai").exists()
    assert TindakLanjut.objects.filter(kasus__in=cases, status="terbuka").exists()
    merged = cases.get(status=Status.DIGABUNG)
    assert merged.merged_into is not None and merged.merged_into.is_open
    # Every timeline is in order and no demo case started in the future.
    for kasus in cases.filter(status=Status.DITUTUP):
        times = list(kasus.riwayat.values_list("created_at", flat=True))
        assert times == sorted(times) and kasus.created_at <= times[0]


@pytest.mark.django_db
def test_it_prints_no_secrets_off_the_embedded_default(settings):
    settings.DEBUG = False
    output = seed()
    assert "menyetel ulang kata sandi" in output
    for email in STAFF_EMAILS:
        secret = decrypt(Authenticator.objects.get(user__email=email, type="totp").data["secret"])
        assert secret not in output
        assert demo_password(email) not in output
        assert not User.objects.get(email=email).check_password(demo_password(email))
    with pytest.raises(CommandError):
        seed("--totp-code")


@pytest.mark.django_db
def test_it_prints_passwords_keys_and_codes_only_on_the_embedded_default(settings):
    settings.DEBUG = True
    embedded = connection.vendor == "sqlite"
    output = seed()
    petugas = User.objects.get(email="petugas@wonogirikab.go.id")
    secret = decrypt(Authenticator.objects.get(user=petugas, type="totp").data["secret"])
    assert (secret in output) is embedded
    assert ("demo-petugas-2026" in output) is embedded
    assert petugas.check_password("demo-petugas-2026") is embedded
    if not embedded:
        with pytest.raises(CommandError):
            seed("--totp-code")
        return
    codes = dict(re.findall(r"^\S+\s+(\S+@\S+)\s+(\d{6})$", seed("--totp-code"), flags=re.M))
    assert set(codes) == set(STAFF_EMAILS)
    assert TOTP(Authenticator.objects.get(user=petugas, type="totp")).validate_code(codes[petugas.email])


@pytest.mark.django_db
def test_it_bulk_inserts_cases_with_unique_references_and_advances_the_sequence():
    seed()
    before = Kasus.objects.count()
    riwayat_before = Riwayat.objects.count()
    seed("--cases", "500", "--seed", "7")

    assert Kasus.objects.count() == before + 500
    bulk = Kasus.objects.exclude(pk__in=demo_cases()).filter(riwayat__data__bulk=True).distinct()
    assert bulk.count() == 500
    assert Kasus.objects.values("reference").distinct().count() == Kasus.objects.count()
    assert Riwayat.objects.count() - riwayat_before >= 500
    assert len(set(bulk.values_list("status", flat=True))) >= 4
    assert bulk.values("kecamatan").distinct().count() >= 15
    assert not bulk.filter(kecamatan__isnull=True).exists() and not bulk.filter(confirmed_at__isnull=True).exists()
    for kasus in bulk.order_by("?")[:20]:
        assert kasus.riwayat.order_by("created_at", "id").first().kind == "kasus.opened"
        assert kasus.kecamatan_id == Wilayah.objects.get(pk=kasus.wilayah_id).parent_id
        assert kasus.reference.startswith(f"KSS-{timezone.localtime(kasus.created_at).year}-")

    for seq in ReferenceSequence.objects.all():
        references = Kasus.objects.filter(reference__startswith=f"KSS-{seq.year}-").values_list("reference", flat=True)
        assert seq.last == max(int(r.rsplit("-", 1)[1]) for r in references)
    this_year = ReferenceSequence.objects.get(year=timezone.localdate().year)
    assert open_kasus().reference == f"KSS-{this_year.year}-{this_year.last + 1:06d}"


@pytest.mark.django_db
def test_it_keeps_one_case_late_and_not_yet_escalated_so_every_run_shows_the_sweep_escalate():
    seed()
    assert demo_cases().overdue().filter(escalation_level=0).count() >= 3
    services.kasus_escalate_overdue()
    assert not demo_cases().overdue().filter(escalation_level=0).exists()
    output = seed()
    fresh = demo_cases().overdue().get(escalation_level=0)
    assert fresh.reference in output and fresh.status == Status.DIDISPOSISIKAN
    before = snapshot()
    seed()
    assert snapshot() == before
