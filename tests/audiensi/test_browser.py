import pytest

from audiensi.models import Audiensi
from portal.kasus.models import Riwayat
from tests.factories import UserFactory, staff

from .factories import open_availability


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_it_books_confirms_and_shows_it_to_the_resident(browser_page, login_as, live_server):
    pejabat = open_availability()
    warga = UserFactory()
    protokol = staff("protokol")

    page = login_as(warga)
    page.goto("/audiensi/")
    page.get_by_role("link", name="Ajukan audiensi").first.click()
    page.locator("input[name=slot]").first.check()
    page.get_by_label("Topik yang ingin disampaikan").fill("Jembatan Dusun Krajan putus")
    page.get_by_label("Jumlah peserta").fill("2")
    page.get_by_label("Nama anggota rombongan").fill("Sutrisno")
    page.get_by_role("button", name="Kirim permohonan").click()
    page.wait_for_url("**/audiensi/saya/*/")
    assert "Menunggu keputusan protokol" in page.content()
    audiensi = Audiensi.objects.get(pemohon=warga)
    assert audiensi.pejabat == pejabat

    page = login_as(protokol)
    page.goto(f"/petugas/audiensi/{audiensi.pk}/")
    page.get_by_role("button", name="Konfirmasi", exact=True).click()
    page.wait_for_url(f"**/petugas/audiensi/{audiensi.pk}/")
    assert "Audiensi dikonfirmasi" in page.content()

    page = login_as(warga)
    page.goto(f"/audiensi/saya/{audiensi.pk}/")
    assert page.locator(".badge").first.inner_text() == "Dikonfirmasi"
    entry = page.locator('#timeline li[data-kind="audiensi.confirmed"]')
    assert entry.count() == 1 and pejabat.jabatan in entry.inner_text()
    assert Riwayat.objects.filter(kasus=audiensi.kasus, kind="audiensi.confirmed", actor=protokol).exists()
