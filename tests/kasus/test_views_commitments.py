import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from portal.kasus import services
from tests.factories import OpdFactory, UserFactory, kasus_at, staff

pytestmark = pytest.mark.django_db
URL = reverse("kasus:commitments")


def promise(kasus, opd, description, days):
    return services.tindak_lanjut_add(
        kasus_id=kasus.pk,
        actor=None,
        description=description,
        opd=opd,
        due_date=timezone.localdate() + dt.timedelta(days=days),
    )


def test_it_lists_open_commitments_with_the_late_ones_first_for_pimpinan(client):
    opd = OpdFactory()
    kasus = kasus_at("didisposisikan", opd=opd)
    promise(kasus, opd, "Perbaiki jembatan", 10)
    promise(kasus, opd, "Kirim tangki air", -2)
    done = promise(kasus, opd, "Survei lokasi", 5)
    services.tindak_lanjut_complete(tindak_lanjut_id=done.pk, actor=None, evidence="Sudah disurvei")
    client.force_login(staff("pimpinan"))
    page = client.get(URL).content.decode()
    assert page.index("Kirim tangki air") < page.index("Perbaiki jembatan")
    assert "Survei lokasi" not in page and "Terlambat" in page
    assert "Perbaiki jembatan" not in client.get(URL, {"status": "terlambat"}).content.decode()
    assert "Survei lokasi" in client.get(URL, {"status": "selesai"}).content.decode()


def test_it_shows_an_opd_officer_only_their_own_agencys_commitments(client):
    mine, other = OpdFactory(), OpdFactory()
    promise(kasus_at("didisposisikan", opd=mine), mine, "Tugas kami", 3)
    promise(kasus_at("didisposisikan", opd=other), other, "Tugas dinas lain", 3)
    client.force_login(staff("opd", opd=mine))
    page = client.get(URL, {"opd": other.pk}).content.decode()
    assert "Tugas kami" in page and "Tugas dinas lain" not in page


def test_it_keeps_residents_out(client):
    client.force_login(UserFactory())
    assert client.get(URL).status_code == 403


def test_it_lists_commitments_in_a_fixed_number_of_queries(client, django_assert_max_num_queries):
    opd = OpdFactory()
    for i in range(20):
        promise(kasus_at("didisposisikan", opd=opd), opd, f"Janji {i}", i)
    client.force_login(staff("petugas"))
    with django_assert_max_num_queries(10):
        assert client.get(URL).status_code == 200
