"""The whole channel in Chromium: a guest's report with a photo, triage, the OPD's answer, the rating."""

import re

import pytest
from django.core import mail

from portal.kasus.models import Kasus
from tests.factories import KategoriFactory, OpdFactory, desa, staff

from .factories import jpeg_bytes

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def test_it_runs_an_aspirasi_from_a_guest_to_a_rated_answer(browser_page, login_as, live_server):
    page = browser_page
    kategori, opd = KategoriFactory(), OpdFactory()
    petugas, officer = staff("petugas"), staff("opd", opd=opd)
    place = desa()

    page.goto("/aspirasi/kirim/")
    page.get_by_label("Pengaduan (keluhan)").check()
    page.fill("input[name=title]", "Lampu PJU padam di simpang tiga")
    page.fill("textarea[name=description]", "Tiga lampu PJU padam sejak seminggu, simpang jadi gelap.")
    # htmx narrows the desa list to the chosen kecamatan (without JavaScript the list is grouped).
    page.select_option("select[name=kecamatan]", str(place.parent_id))
    page.wait_for_function(
        "n => document.querySelectorAll('select[name=desa] option').length === n", arg=place.parent.children.count() + 1
    )
    page.select_option("select[name=desa]", str(place.pk))
    page.fill("input[name=address_detail]", "Simpang tiga dekat SD")
    page.set_input_files(
        "input[name=lampiran]", files=[{"name": "pju.jpg", "mimeType": "image/jpeg", "buffer": jpeg_bytes(gps=True)}]
    )
    page.fill("input[name=reporter_name]", "Wahyu Pratama")
    page.fill("input[name=reporter_email]", "wahyu@example.org")
    page.check("input[name=consent]")
    page.get_by_role("button", name="Lanjut: periksa isian").click()
    # Check your answers: the values and the kept photo, then send.
    assert "Lampu PJU padam di simpang tiga" in page.content() and "pju.jpg" in page.content()
    page.get_by_role("button", name="Kirim laporan").click()

    page.wait_for_url("**/aspirasi/terkirim/")
    kasus = Kasus.objects.get()
    assert kasus.reference in page.content() and kasus.confirmed_at is None
    body = next(m.body for m in mail.outbox if m.to == ["wahyu@example.org"])
    link = re.search(r"http://\S+/aspirasi/konfirmasi/\S+", body).group(0)
    page.goto(link.replace("http://testserver", live_server.url))
    kasus.refresh_from_db()
    assert kasus.confirmed_at is None  # opening the link alone confirms nothing
    page.get_by_role("button", name="Konfirmasi laporan").click()
    page.wait_for_url(f"**/lacak/{kasus.tracking_token}/")
    assert "pju.jpg" in page.content() and "terkonfirmasi" in page.content()
    kasus.refresh_from_db()
    assert kasus.confirmed_at is not None

    login_as(petugas)
    page.goto(f"/petugas/kasus/{kasus.reference}/")
    page.locator("#aksi-verifikasi summary").click()
    page.select_option("select[name=verifikasi-kategori]", str(kategori.pk))
    page.select_option("select[name=verifikasi-priority]", "tinggi")
    # Each action's answer is loaded before the next step reads the case.
    with page.expect_navigation():
        page.locator("#aksi-verifikasi button[type=submit]").click()
    page.locator("#aksi-disposisi summary").click()
    page.select_option("select[name=disposisi-opd]", str(opd.pk))
    with page.expect_navigation():
        page.locator("#aksi-disposisi button[type=submit]").click()
    kasus.refresh_from_db()
    assert kasus.status == "didisposisikan" and kasus.opd == opd

    login_as(officer)
    page.goto(f"/petugas/kasus/{kasus.reference}/")
    page.locator("#aksi-mulai summary").click()
    with page.expect_navigation():
        page.locator("#aksi-mulai button[type=submit]").first.click()
    kasus.refresh_from_db()
    assert kasus.status == "ditindaklanjuti"
    page.goto(f"/petugas/kasus/{kasus.reference}/")
    page.fill("textarea[name=jawablampiran-answer]", "Lampu sudah diganti oleh Dishub pada hari ini.")
    page.set_input_files(
        "input[name=jawablampiran-lampiran]",
        files=[{"name": "sesudah.jpg", "mimeType": "image/jpeg", "buffer": jpeg_bytes(color=(250, 250, 200))}],
    )
    page.get_by_role("button", name="Kirim jawaban").last.click()
    page.wait_for_load_state()
    kasus.refresh_from_db()
    assert kasus.status == "dijawab"

    page.context.clear_cookies()
    page.goto(f"/lacak/{kasus.tracking_token}/")
    assert "Lampu sudah diganti" in page.content() and "sesudah.jpg" in page.content()
    page.locator("input[name=rating][value='5']").check()
    page.fill("textarea[name=comment]", "Cepat sekali, terima kasih.")
    page.get_by_role("button", name="Terima dan tutup kasus").click()
    page.wait_for_load_state()
    kasus.refresh_from_db()
    assert kasus.status == "ditutup" and kasus.rating == 5
    assert "Ditutup" in page.content()
