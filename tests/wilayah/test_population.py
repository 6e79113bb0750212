"""Population per kecamatan: entered by an admin with its source, audited, said under the map; demo figures labelled."""

from io import StringIO

import pytest
from django.urls import reverse

from portal.audit.models import AuditEntry
from portal.wilayah.demo import DEMO_SOURCE
from portal.wilayah.demo import seed_demo as seed_population
from portal.wilayah.models import Wilayah
from tests.factories import staff

pytestmark = pytest.mark.django_db
SOURCE = "BPS Kabupaten Wonogiri, Kabupaten Wonogiri Dalam Angka 2025 (angka 2024)"


def post_population(client, wilayah: Wilayah, **fields):
    data = {"kode": wilayah.kode, "nama": wilayah.nama, "tingkat": wilayah.tingkat, "parent": wilayah.parent_id}
    data.update(fields)
    return client.post(f"/admin/wilayah/wilayah/{wilayah.pk}/change/", data)


def kecamatan() -> Wilayah:
    return Wilayah.objects.filter(tingkat=Wilayah.Tingkat.KECAMATAN).order_by("kode").first()


def test_an_admin_enters_a_population_with_its_source_and_the_change_is_audited(client):
    admin = staff("admin", is_staff=True, is_superuser=True)
    client.force_login(admin)
    wilayah = kecamatan()
    response = post_population(client, wilayah, penduduk="65414", penduduk_sumber=SOURCE)
    assert response.status_code == 302
    wilayah.refresh_from_db()
    assert (wilayah.penduduk, wilayah.penduduk_sumber) == (65414, SOURCE)
    entry = AuditEntry.objects.get(object_type="wilayah.wilayah")
    assert entry.actor == admin
    assert entry.changes == {"penduduk": [None, 65414], "penduduk_sumber": ["", SOURCE]}


def test_a_population_without_its_source_is_refused(client):
    client.force_login(staff("admin", is_staff=True, is_superuser=True))
    wilayah = kecamatan()
    response = post_population(client, wilayah, penduduk="65414", penduduk_sumber="")
    assert response.status_code == 200
    assert "Sebutkan sumber jumlah penduduk." in response.content.decode()
    wilayah.refresh_from_db()
    assert wilayah.penduduk is None


def test_the_public_map_names_the_source_of_the_population(client):
    Wilayah.objects.filter(pk=kecamatan().pk).update(penduduk=65414, penduduk_sumber=SOURCE)
    html = client.get(reverse("dasbor:transparansi"), {"peta": "per_10k"}).content.decode()
    assert f"Sumber jumlah penduduk: {SOURCE}" in html


def test_without_populations_the_map_says_they_are_not_entered_yet(client):
    html = client.get(reverse("dasbor:transparansi"), {"peta": "per_10k"}).content.decode()
    assert "Jumlah penduduk per kecamatan belum diisi" in html


def test_the_demo_populations_are_labelled_and_never_replace_a_real_figure():
    real = kecamatan()
    Wilayah.objects.filter(pk=real.pk).update(penduduk=65414, penduduk_sumber=SOURCE)
    seed_population(stdout=StringIO())
    rows = Wilayah.objects.filter(tingkat=Wilayah.Tingkat.KECAMATAN)
    assert rows.get(pk=real.pk).penduduk == 65414
    others = rows.exclude(pk=real.pk)
    assert others.count() == 24
    assert set(others.values_list("penduduk_sumber", flat=True)) == {DEMO_SOURCE}
    assert all(others.values_list("penduduk", flat=True))
