"""The world the whole-URLconf tests walk: one object per URL name and a user per role.

Shared by the fuzz test (tests/input/test_fuzz.py) and the axe test (tests/test_axe.py); tests/conftest.py imports
`world` so that every test module can ask for it.
"""

import datetime as dt

import pytest
from django.contrib import admin
from django.urls import NoReverseMatch, URLPattern, URLResolver, get_resolver, reverse

from aspirasi.models import Lampiran
from aspirasi.services import confirm_token
from audiensi.models import PengaturanAudiensi
from audiensi.services import link_token
from datapribadi.services import permintaan_record
from portal.akun.models import PermintaanDataPribadi
from portal.ikuti.services import langganan_add
from portal.kasus import services as kasus_services
from portal.kasus import staff_tools
from portal.kasus.models import TemplatJawaban
from portal.wilayah.models import Kategori
from sarasehan.selectors import registration_token
from tests.aspirasi.factories import submit
from tests.audiensi.factories import open_availability, request_audiensi
from tests.factories import OpdFactory, UserFactory, kasus_at, staff
from tests.sarasehan.factories import register, sarasehan

ROLES = ("anon", "warga", "petugas", "protokol", "opd", "pimpinan", "admin")
# The admin's pages are found through its registry (one set per model) rather than its URL patterns.
SKIPPED_NAMESPACES = {"admin"}
# Signing out or removing two-factor sign-in would end the walk for the role, not test input handling.
SKIPPED_NAMES = {"account_logout", "admin:logout"}
SKIPPED_NAME_PREFIXES = ("mfa_",)
# allauth's links carrying emailed keys: no object here names them.
UNREACHABLE = {"account_confirm_email", "account_reset_password_from_key", "account_login_code_confirm"}


def patterns(resolver=None, namespace: str = ""):
    """(name, kwarg names) of every named URL, walking nested includes."""
    for entry in (resolver or get_resolver()).url_patterns:
        if isinstance(entry, URLResolver):
            inner = ":".join(filter(None, [namespace, entry.namespace])) if entry.namespace else namespace
            if entry.namespace not in SKIPPED_NAMESPACES:
                yield from patterns(entry, inner)
        elif isinstance(entry, URLPattern) and entry.name:
            name = f"{namespace}:{entry.name}" if namespace else entry.name
            yield name, sorted(entry.pattern.regex.groupindex)


def skipped(name: str) -> bool:
    base = name.rsplit(":", 1)[-1]
    return name in SKIPPED_NAMES or base.startswith(SKIPPED_NAME_PREFIXES)


@pytest.fixture
def world(django_user_model):
    """One of each object a URL can name, and a user per role."""
    opd = OpdFactory()
    warga = UserFactory()
    users = {
        "warga": warga,
        "petugas": staff("petugas"),
        "protokol": staff("protokol"),
        "opd": staff("opd", opd=opd),
        "pimpinan": staff("pimpinan"),
        "admin": staff("admin", is_staff=True, is_superuser=True),
    }
    fresh = kasus_at("baru", reporter=warga)
    routed = kasus_at("didisposisikan", opd=opd, reporter=warga)
    answered = kasus_at("dijawab", opd=opd, reporter=warga)
    tl = kasus_services.tindak_lanjut_add(
        kasus_id=routed.pk, actor=users["petugas"], description="Tambal jalan", opd=opd, due_date=dt.date(2030, 1, 1)
    )
    guest = submit(reporter_name="Tamu", reporter_email="tamu@example.org").aspirasi
    with_photo = submit(reporter=warga, photos=1).kasus
    lampiran = Lampiran.objects.filter(kasus=with_photo).first() or Lampiran.objects.first()
    pejabat = open_availability()
    audiensi = request_audiensi(pejabat, user=warga)
    event = sarasehan(actor=users["protokol"], kecamatan=routed.kecamatan)
    reg = register(event)
    place = langganan_add(wilayah=routed.kecamatan, email="ikut@example.org")
    kategori = Kategori.objects.order_by("pk").first()
    templat = TemplatJawaban.objects.create(title="Terima kasih", body="Terima kasih atas laporan Anda.")
    saved = staff_tools.filter_save(user=users["petugas"], name="Baru", query="status=baru")
    permintaan = permintaan_record(
        actor=users["petugas"],
        jenis=PermintaanDataPribadi.Jenis.AKSES,
        kanal=PermintaanDataPribadi.Kanal.SURAT,
        user=warga,
    )
    by_name = {
        "akun_pdp_detail": {"pk": permintaan.pk},
        "akun_pdp_export": {"pk": permintaan.pk},
        "kasus:templat_edit": {"pk": templat.pk},
        "kasus:templat_delete": {"pk": templat.pk},
        "kasus:filter_delete": {"pk": saved.pk},
        "kasus:mine_detail": {"reference": routed.reference},
        "kasus:track_detail": {"token": answered.tracking_token},
        "kasus:detail": {"reference": fresh.reference},
        "kasus:tindak_lanjut_done": {"reference": routed.reference, "pk": tl.pk},
        "kasus:action": {"reference": fresh.reference, "slug": "verifikasi"},
        "aspirasi:confirm": {"token": confirm_token(guest)},
        "aspirasi:lampiran": {"pk": lampiran.pk},
        "aspirasi:lampiran_token": {"pk": lampiran.pk, "token": with_photo.tracking_token},
        "aspirasi:lampiran_tampil": {"pk": lampiran.pk},
        "aspirasi:lampiran_kecil": {"pk": lampiran.pk},
        "aspirasi:lampiran_token_tampil": {"pk": lampiran.pk, "token": with_photo.tracking_token},
        "aspirasi:lampiran_token_kecil": {"pk": lampiran.pk, "token": with_photo.tracking_token},
        "aspirasi:follow_instead": {"pk": routed.pk},
        "ikuti:place_frequency": {"pk": place.pk},
        "ikuti:place_remove": {"pk": place.pk},
        "ikuti:kasus_remove": {"kasus_id": routed.pk},
        "ikuti:feed_kecamatan": {"kode": routed.kecamatan.kode},
        "ikuti:feed_kategori": {"slug": kategori.slug},
        "aspirasi:add_info": {"token": answered.tracking_token},
        "aspirasi:accept": {"token": answered.tracking_token},
        "aspirasi:dispute": {"token": answered.tracking_token},
        "aspirasi:answer": {"reference": routed.reference},
        "aspirasi:reroute": {"reference": routed.reference},
        "audiensi:mine_detail": {"pk": audiensi.pk},
        "audiensi:mine_ics": {"pk": audiensi.pk},
        "audiensi:link": {"token": link_token(audiensi, "jadwal-ulang")},
        "audiensi:availability": {"slug": pejabat.slug},
        "audiensi:feed": {"slug": pejabat.slug, "token": PengaturanAudiensi.objects.get(pejabat=pejabat).feed_token},
        "audiensi:staff_detail": {"pk": audiensi.pk},
        "audiensi:staff_action": {"pk": audiensi.pk, "action": "konfirmasi"},
        "sarasehan:registration": {"token": registration_token(reg)},
        "sarasehan:registration_cancel": {"token": registration_token(reg)},
    }
    by_slug_namespace = {"sarasehan": event.slug}
    # A case's reference and tracking token fit most URLs naming a case; others are listed above.
    by_name[""] = {"reference": routed.reference, "token": answered.tracking_token}
    # Cases further along show the OPD's and the resident's forms.
    extra = [reverse("kasus:detail", args=[k.reference]) for k in (routed, answered)]
    extra.append(reverse("kasus:mine_detail", args=[answered.reference]))
    # Query strings views read that no page writes: the door's QR code link and a preset kecamatan.
    extra.append(reverse("sarasehan:checkin", args=[event.slug]) + "?kode=" + reg.code)
    extra.append(reverse("aspirasi:submit") + "?kecamatan=1")
    extra.append(reverse("admin:index"))
    for model in admin.site._registry:
        info = (model._meta.app_label, model._meta.model_name)
        extra += [reverse("admin:{}_{}_changelist".format(*info)), reverse("admin:{}_{}_add".format(*info))]
        if first := model.objects.order_by("pk").first():
            extra.append(reverse("admin:{}_{}_change".format(*info), args=[first.pk]))
    return users, by_name, by_slug_namespace, extra


def urls_to_visit(by_name: dict, by_slug_namespace: dict, extra: list[str]) -> tuple[list[str], list[str]]:
    urls, unmapped = list(extra), []
    for name, kwargs in patterns():
        if skipped(name) or name in UNREACHABLE:
            continue
        values = {**by_name.get("", {}), **by_name.get(name, {})}
        if "slug" in kwargs and "slug" not in values:
            values["slug"] = by_slug_namespace.get(name.split(":")[0], "")
        try:
            urls.append(reverse(name, kwargs={k: values[k] for k in kwargs}))
        except (KeyError, NoReverseMatch):
            unmapped.append(name)
    return sorted(set(urls)), unmapped
