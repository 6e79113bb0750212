"""In Chromium: a petugas verifies and disposes three new cases in a row without going back to the queue."""

import pytest
from django.urls import reverse

from portal.kasus.models import Kasus
from tests.factories import KategoriFactory, OpdFactory, open_kasus, staff


@pytest.mark.browser
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_petugas_verifies_and_disposes_three_cases_with_next(browser_page, login_as):
    opd = OpdFactory(nama="Dinas Pekerjaan Umum")
    kat = KategoriFactory(nama="Jalan dan jembatan", default_opd=opd)
    cases = [open_kasus(title=f"Jalan rusak {n}") for n in range(3)]
    page = login_as(staff("petugas"))

    page.goto(reverse("kasus:queue") + "?status=baru")
    # The queue lists newest first: start from its first row.
    page.locator("table.queue tbody tr a").first.click()
    seen = []
    for _n in range(3):
        page.wait_for_url("**/petugas/kasus/**")
        seen.append(page.locator("h1").inner_text())
        page.click("#aksi-verifikasi-disposisi summary")
        page.select_option("select[name=verifikasi-disposisi-kategori]", str(kat.pk))
        # The OPD is left empty: the kategori's default OPD is used.
        page.click("#aksi-verifikasi-disposisi button[name=lanjut]")
    page.wait_for_url("**/petugas/?status=baru")

    assert sorted(seen) == sorted(k.title for k in cases)
    assert set(Kasus.objects.values_list("status", "opd_id")) == {("didisposisikan", opd.pk)}
