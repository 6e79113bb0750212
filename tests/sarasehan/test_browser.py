"""In Chromium: a guest registers, confirms from the email, is checked in on the day, raises a point, and a case
records it."""

import re

import pytest
from django.core import mail

from portal.kasus.models import Riwayat
from sarasehan.models import PendaftaranSarasehan
from tests.factories import desa, staff

from .factories import on_the_day, sarasehan


@pytest.mark.browser
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_it_takes_a_guest_from_registration_to_a_case(browser_page, login_as, live_server, settings):
    settings.SITE_URL = live_server.url
    s = sarasehan(title="Sarasehan Air Bersih", capacity=20)
    page = browser_page

    page.goto(f"/sarasehan/{s.slug}/")
    page.get_by_label("Nama lengkap").fill("Sutini")
    page.get_by_label("Email").fill("sutini@example.org")
    page.get_by_label("Nomor telepon/WhatsApp").fill("081234567890")
    page.get_by_label("Desa/kelurahan").select_option(str(desa().pk))
    page.get_by_role("button", name="Daftar").click()
    page.wait_for_url(re.compile(r"/periksa-email/"))
    page.get_by_text("Periksa email Anda").first.wait_for()

    # The guest opens the link in the email and confirms: only now is the seat theirs.
    (confirm,) = [m for m in mail.outbox if m.to == ["sutini@example.org"]]
    link = re.search(r"http\S+/sarasehan/pendaftaran/\S+/", confirm.body).group(0)
    page.goto(link)
    page.get_by_role("button", name="Konfirmasi pendaftaran").click()
    page.get_by_text("Pendaftaran dikonfirmasi").wait_for()
    reg = PendaftaranSarasehan.objects.get(email="sutini@example.org")
    assert page.locator(".sarasehan-code").inner_text() == reg.code
    assert page.locator(".sarasehan-qr svg").count() == 1

    sent = [m for m in mail.outbox if m.to == ["sutini@example.org"]]
    assert len(sent) == 2 and reg.code in sent[1].body
    (name, content, mimetype) = sent[1].attachments[0]
    assert (name, mimetype) == ("qr.png", "image/png") and content.startswith(b"\x89PNG")

    # Staff at the door on the day: the phone camera opens the URL in the QR code, with the code filled in.
    on_the_day(s)
    login_as(staff("petugas"))
    qr_url = f"/petugas/sarasehan/{s.slug}/checkin/?kode={reg.code}"
    page.goto(qr_url)
    assert page.get_by_label("Kode pendaftaran").input_value() == reg.code
    page.get_by_role("button", name="Catat hadir").click()
    page.get_by_text("Sutini tercatat hadir.").wait_for()
    # The answer fills the screen until the door staff move on to the next guest.
    page.get_by_role("link", name="Peserta berikutnya").click()
    page.get_by_label("Kode pendaftaran").fill(reg.code)
    page.get_by_role("button", name="Catat hadir").click()
    page.get_by_text("sudah tercatat hadir").wait_for()

    page.goto(f"/petugas/sarasehan/{s.slug}/poin/")
    page.get_by_label("Peserta yang menyampaikan").select_option(str(reg.pk))
    page.get_by_label("Persoalan yang disampaikan").fill("Sumur warga kering sejak kemarau")
    page.get_by_role("button", name="Simpan poin").click()
    page.get_by_text("Poin dicatat pada kasus").wait_for()

    page.locator(".sarasehan-points a").first.click()
    page.wait_for_url(re.compile(r"/petugas/kasus/KSS-"))
    timeline = page.locator(".timeline").inner_text()
    assert "Sarasehan Air Bersih" in timeline and "Sumur warga kering" in timeline
    assert page.locator(".sarasehan-panel").count() == 1
    raised = Riwayat.objects.get(kind="sarasehan.raised")
    assert raised.kasus.channel == "sarasehan" and raised.data["sarasehan"] == s.pk
