"""The staff back-office: access, the queue, the case page and every action."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from portal.kasus import services
from portal.kasus.models import Kasus, Riwayat, TindakLanjut
from tests.factories import (
    KategoriFactory,
    OpdFactory,
    UserFactory,
    desa,
    kasus_at,
    kecamatan,
    open_kasus,
    staff,
)

pytestmark = pytest.mark.django_db


def detail_url(kasus: Kasus) -> str:
    return reverse("kasus:detail", args=[kasus.reference])


def action_url(kasus: Kasus, slug: str) -> str:
    return reverse("kasus:action", args=[kasus.reference, slug])


def signed_in(client, user):
    client.force_login(user)
    return client


def make_overdue(kasus: Kasus) -> None:
    Kasus.objects.filter(pk=kasus.pk).update(due_at=timezone.now() - dt.timedelta(days=2))


# Access ----------------------------------------------------------------------------------------


def test_it_refuses_the_queue_to_a_resident(client):
    signed_in(client, UserFactory())
    assert client.get(reverse("kasus:queue")).status_code == 403


def test_it_sends_a_visitor_to_the_login_page(client):
    response = client.get(reverse("kasus:queue"))
    assert response.status_code == 302 and reverse("account_login") in response["Location"]


def test_it_sends_staff_without_mfa_to_totp_activation(client):
    signed_in(client, staff("petugas", mfa=False))
    response = client.get(reverse("kasus:queue"))
    assert response.status_code == 302 and response["Location"] == reverse("mfa_activate_totp")


def test_it_hides_another_opds_case_from_opd_staff(client):
    mine, other = OpdFactory(), OpdFactory()
    own_case = kasus_at("didisposisikan", opd=mine)
    foreign_case = kasus_at("didisposisikan", opd=other)
    signed_in(client, staff("opd", opd=mine))
    assert client.get(detail_url(own_case)).status_code == 200
    assert client.get(detail_url(foreign_case)).status_code == 404
    assert client.post(action_url(foreign_case, "catatan"), {"catatan-message": "x"}).status_code == 404


def test_it_hides_undisposed_cases_from_opd_staff(client):
    opd = OpdFactory()
    waiting = open_kasus(title="Belum didisposisikan")
    signed_in(client, staff("opd", opd=opd))
    assert client.get(detail_url(waiting)).status_code == 404
    assert "Belum didisposisikan" not in client.get(reverse("kasus:queue")).content.decode()


def test_it_returns_404_for_an_unknown_reference(client):
    signed_in(client, staff("petugas"))
    assert client.get(reverse("kasus:detail", args=["KSS-1999-000001"])).status_code == 404


# Queue -----------------------------------------------------------------------------------------


def test_it_lists_confirmed_cases_with_overdue_ones_first(client):
    old_late = open_kasus(title="Kasus lama terlambat")
    make_overdue(old_late)
    open_kasus(title="Kasus terbaru")
    open_kasus(title="Kasus tamu belum konfirmasi", confirmed=False, reporter_email="tamu@example.org")
    signed_in(client, staff("petugas"))
    body = client.get(reverse("kasus:queue")).content.decode()
    assert "Kasus tamu belum konfirmasi" not in body
    assert body.index("Kasus lama terlambat") < body.index("Kasus terbaru")
    assert "Terlambat" in body


def test_it_filters_the_queue(client):
    kat = KategoriFactory(nama="Infrastruktur Jalan")
    kec_a, kec_b = kecamatan("Wonogiri"), kecamatan("Pracimantoro")
    desa_a = kec_a.children.first()
    desa_b = kec_b.children.first()
    a = open_kasus(title="Jembatan putus", wilayah=desa_a, kategori=kat)
    b = open_kasus(title="Lampu jalan mati", summary="Sudah sebulan gelap", wilayah=desa_b)
    services.kasus_verify(kasus_id=b.pk, actor=None)
    make_overdue(a)
    signed_in(client, staff("petugas"))
    url = reverse("kasus:queue")

    def titles(**params):
        body = client.get(url, params).content.decode()
        return {t for t in ("Jembatan putus", "Lampu jalan mati") if t in body}

    assert titles() == {"Jembatan putus", "Lampu jalan mati"}
    assert titles(status="diverifikasi") == {"Lampu jalan mati"}
    assert titles(kategori=kat.pk) == {"Jembatan putus"}
    assert titles(kecamatan=kec_b.pk) == {"Lampu jalan mati"}
    assert titles(overdue="on") == {"Jembatan putus"}
    assert titles(q=a.reference) == {"Jembatan putus"}
    assert titles(q="sebulan gelap") == {"Lampu jalan mati"}
    assert titles(q="jembatan") == {"Jembatan putus"}


def test_it_filters_by_opd(client):
    opd = OpdFactory()
    kasus_at("didisposisikan", opd=opd, title="Untuk dinas A")
    kasus_at("didisposisikan", title="Untuk dinas lain")
    signed_in(client, staff("petugas"))
    body = client.get(reverse("kasus:queue"), {"opd": opd.pk}).content.decode()
    assert "Untuk dinas A" in body and "Untuk dinas lain" not in body


def test_it_paginates_the_queue_by_25(client):
    for i in range(27):
        open_kasus(title=f"Kasus nomor {i:02d}")
    signed_in(client, staff("petugas"))
    first = client.get(reverse("kasus:queue")).content.decode()
    second = client.get(reverse("kasus:queue"), {"page": 2}).content.decode()
    assert first.count('href="/petugas/kasus/') == 25
    assert second.count('href="/petugas/kasus/') == 2
    assert "page=2" in first


def test_it_lists_only_the_own_opds_cases_for_opd_staff(client):
    mine, other = OpdFactory(), OpdFactory()
    kasus_at("didisposisikan", opd=mine, title="Kasus dinas saya")
    kasus_at("didisposisikan", opd=other, title="Kasus dinas lain")
    signed_in(client, staff("opd", opd=mine))
    body = client.get(reverse("kasus:queue")).content.decode()
    assert "Kasus dinas saya" in body and "Kasus dinas lain" not in body


@pytest.mark.parametrize("role", ["protokol", "pimpinan", "admin"])
def test_it_lets_readers_see_every_case(client, role):
    kasus_at("didisposisikan", title="Kasus dinas mana pun")
    signed_in(client, staff(role))
    assert "Kasus dinas mana pun" in client.get(reverse("kasus:queue")).content.decode()


# Reporter identity -----------------------------------------------------------------------------


def anonymous_case(opd):
    reporter = UserFactory(full_name="Sutarni Rahasia", email="sutarni@example.org", phone="081299990000")
    kasus = kasus_at("didisposisikan", opd=opd, reporter=reporter, is_anonymous=True, actor=reporter)
    services.kasus_log(kasus=kasus, kind="kasus.info_received", visibility="publik", message="Tambahan", actor=reporter)
    return kasus


def assert_no_identity(body: str) -> None:
    for secret in ("Sutarni", "sutarni@example.org", "081299990000"):
        assert secret not in body


def test_it_never_shows_an_anonymous_reporter_to_opd_staff(client):
    opd = OpdFactory()
    kasus = anonymous_case(opd)
    signed_in(client, staff("opd", opd=opd))
    queue = client.get(reverse("kasus:queue")).content.decode()
    detail = client.get(detail_url(kasus)).content.decode()
    assert kasus.reference in queue
    assert_no_identity(queue)
    assert_no_identity(detail)
    assert "Pelapor anonim" in detail


def test_it_never_shows_reporter_contact_to_opd_staff(client):
    opd = OpdFactory()
    reporter = UserFactory(full_name="Bambang Terbuka", email="bambang@example.org", phone="081277770000")
    kasus = kasus_at("didisposisikan", opd=opd, reporter=reporter)
    signed_in(client, staff("opd", opd=opd))
    body = client.get(detail_url(kasus)).content.decode()
    assert "Bambang Terbuka" in body
    assert "bambang@example.org" not in body and "081277770000" not in body


def test_it_shows_an_anonymous_identity_to_petugas_only(client):
    kasus = anonymous_case(OpdFactory())
    signed_in(client, staff("petugas"))
    body = client.get(detail_url(kasus)).content.decode()
    assert "Sutarni Rahasia" in body and "sutarni@example.org" in body and "081299990000" in body
    signed_in(client, staff("pimpinan"))
    assert_no_identity(client.get(detail_url(kasus)).content.decode())


# Case page -------------------------------------------------------------------------------------


def test_it_shows_the_whole_timeline_with_visibility(client):
    kasus = kasus_at("menunggu_informasi")
    services.kasus_note_add(kasus_id=kasus.pk, actor=None, message="Catatan rahasia petugas")
    signed_in(client, staff("petugas"))
    body = client.get(detail_url(kasus)).content.decode()
    assert "Catatan rahasia petugas" in body
    assert "Lokasi?" in body  # the request for information, visible to the reporter only
    assert "Internal" in body and "Pelapor" in body and "Publik" in body


def test_it_marks_late_tindak_lanjut(client):
    kasus = open_kasus()
    opd = OpdFactory()
    services.tindak_lanjut_add(
        kasus_id=kasus.pk, actor=None, description="Tambal jalan", opd=opd, due_date=dt.date(2020, 1, 2)
    )
    signed_in(client, staff("petugas"))
    body = client.get(detail_url(kasus)).content.decode()
    assert "Tambal jalan" in body and "Terlambat" in body


def test_it_shows_only_the_actions_of_the_role_and_status(client):
    kasus = open_kasus()
    signed_in(client, staff("petugas"))
    body = client.get(detail_url(kasus)).content.decode()
    assert 'id="aksi-verifikasi"' in body and 'id="aksi-tolak"' in body
    assert 'id="aksi-disposisi"' not in body and 'id="aksi-jawab"' not in body
    signed_in(client, staff("pimpinan"))
    body = client.get(detail_url(kasus)).content.decode()
    assert 'id="aksi-catatan"' in body and 'id="aksi-verifikasi"' not in body


def test_it_redirects_a_merged_case_to_the_surviving_one(client):
    source, target = open_kasus(), open_kasus()
    services.kasus_merge(kasus_id=source.pk, into_id=target.pk, actor=None)
    signed_in(client, staff("petugas"))
    response = client.get(detail_url(source))
    assert response.status_code == 302 and response["Location"] == detail_url(target)


def test_it_includes_staff_panels_with_their_context(client, monkeypatch, settings, tmp_path):
    from portal.kasus import panels

    (tmp_path / "panel_uji.html").write_text("PANEL {{ kasus.reference }} {{ jumlah }}")
    settings.TEMPLATES = [{**settings.TEMPLATES[0], "DIRS": [*settings.TEMPLATES[0]["DIRS"], tmp_path]}]
    monkeypatch.setattr(
        panels,
        "_PANELS",
        [
            panels.Panel(template="panel_uji.html", where="staff", context=lambda k, r: {"jumlah": 42}),
            panels.Panel(template="panel_uji.html", where="staff", context=lambda k, r: None),
        ],
    )
    kasus = open_kasus()
    signed_in(client, staff("petugas"))
    body = client.get(detail_url(kasus)).content.decode()
    assert body.count("PANEL") == 1 and f"PANEL {kasus.reference} 42" in body


# Actions ---------------------------------------------------------------------------------------


def kinds(kasus: Kasus) -> list[str]:
    return list(Riwayat.objects.filter(kasus=kasus).values_list("kind", flat=True))


def test_it_verifies_a_case(client):
    kasus = open_kasus()
    kat = KategoriFactory()
    signed_in(client, staff("petugas"))
    response = client.post(
        action_url(kasus, "verifikasi"), {"verifikasi-kategori": kat.pk, "verifikasi-priority": "tinggi"}, follow=True
    )
    kasus.refresh_from_db()
    assert kasus.status == "diverifikasi" and kasus.kategori == kat and kasus.priority == "tinggi"
    assert "kasus.verified" in kinds(kasus)
    assert "Kasus telah diverifikasi." in response.content.decode()
    assert response.redirect_chain[-1][0] == detail_url(kasus)


def test_it_rejects_a_case_with_a_reason(client):
    kasus = open_kasus()
    signed_in(client, staff("petugas"))
    client.post(action_url(kasus, "tolak"), {"tolak-reason": "Bukan kewenangan kabupaten"})
    kasus.refresh_from_db()
    assert kasus.status == "ditolak"
    assert Riwayat.objects.get(kasus=kasus, kind="kasus.rejected").data["reason"] == "Bukan kewenangan kabupaten"


def test_it_keeps_typed_values_when_a_form_is_invalid(client):
    kasus = open_kasus()
    signed_in(client, staff("petugas"))
    response = client.post(action_url(kasus, "tindak-lanjut"), {"tindak-lanjut-description": "Perbaiki gorong-gorong"})
    assert response.status_code == 400
    body = response.content.decode()
    assert "Perbaiki gorong-gorong" in body and 'class="error-message"' in body
    # The action's errors get the summary and the title prefix, like every other form.
    assert "<title>Kesalahan: " in body and "data-error-summary" in body and 'aria-invalid="true"' in body
    assert not TindakLanjut.objects.exists()


def test_it_asks_the_reporter_for_information(client):
    kasus = open_kasus()
    signed_in(client, staff("petugas"))
    client.post(action_url(kasus, "minta-informasi"), {"minta-informasi-question": "Di RT berapa?"})
    kasus.refresh_from_db()
    assert kasus.status == "menunggu_informasi"
    assert Riwayat.objects.get(kasus=kasus, kind="kasus.info_requested").visibility == "pelapor"


def test_it_disposes_a_case_to_an_opd(client):
    kasus = kasus_at("diverifikasi")
    opd = OpdFactory()
    signed_in(client, staff("petugas"))
    client.post(action_url(kasus, "disposisi"), {"disposisi-opd": opd.pk, "disposisi-note": "Segera"})
    kasus.refresh_from_db()
    assert kasus.status == "didisposisikan" and kasus.opd == opd
    assert {"kasus.disposed", "note.internal"} <= set(kinds(kasus))


def test_it_adds_an_internal_note_once_per_submission(client):
    kasus = open_kasus()
    signed_in(client, staff("petugas"))
    data = {"catatan-message": "Sudah ditelepon", "catatan-idem": "token-uji-1"}
    first = client.post(action_url(kasus, "catatan"), data)
    second = client.post(action_url(kasus, "catatan"), data, follow=True)
    assert first.status_code == 302
    assert Riwayat.objects.filter(kasus=kasus, kind="note.internal", visibility="internal").count() == 1
    assert "sudah diproses" in second.content.decode()


def test_it_adds_and_completes_a_tindak_lanjut(client):
    kasus = open_kasus()
    opd = OpdFactory()
    signed_in(client, staff("petugas"))
    client.post(
        action_url(kasus, "tindak-lanjut"),
        {
            "tindak-lanjut-description": "Pasang lampu",
            "tindak-lanjut-opd": opd.pk,
            "tindak-lanjut-due_date": "2030-01-31",
        },
    )
    item = TindakLanjut.objects.get(kasus=kasus)
    assert item.opd == opd and item.due_date == dt.date(2030, 1, 31)
    url = reverse("kasus:tindak_lanjut_done", args=[kasus.reference, item.pk])
    client.post(url, {f"selesai-{item.pk}-evidence": "Foto terlampir di arsip"})
    item.refresh_from_db()
    assert item.status == "selesai"
    assert {"tindak_lanjut.added", "tindak_lanjut.done"} <= set(kinds(kasus))


def test_it_merges_into_another_case_by_reference(client):
    source, target = open_kasus(), open_kasus()
    signed_in(client, staff("petugas"))
    response = client.post(action_url(source, "gabung"), {"gabung-into_reference": target.reference.lower()})
    assert response["Location"] == detail_url(target)
    source.refresh_from_db()
    assert source.status == "digabung" and source.merged_into == target


def test_it_reports_an_unknown_merge_target_on_the_form(client):
    source = open_kasus()
    signed_in(client, staff("petugas"))
    response = client.post(action_url(source, "gabung"), {"gabung-into_reference": "KSS-1999-999999"})
    assert response.status_code == 400 and "KSS-1999-999999" in response.content.decode()


def test_it_corrects_the_details(client):
    kasus = open_kasus()
    kat, place = KategoriFactory(), desa()
    signed_in(client, staff("petugas"))
    client.post(
        action_url(kasus, "ubah"), {"ubah-kategori": kat.pk, "ubah-wilayah": place.pk, "ubah-priority": "darurat"}
    )
    kasus.refresh_from_db()
    assert kasus.kategori == kat and kasus.priority == "darurat" and kasus.kecamatan == place.parent
    assert "kasus.updated" in kinds(kasus)


def test_it_lets_the_opd_start_and_answer(client):
    opd = OpdFactory()
    kasus = kasus_at("didisposisikan", opd=opd)
    signed_in(client, staff("opd", opd=opd))
    client.post(action_url(kasus, "mulai"), {})
    kasus.refresh_from_db()
    assert kasus.status == "ditindaklanjuti"
    client.post(action_url(kasus, "jawab"), {"jawab-answer": "Jalan sudah ditambal."})
    kasus.refresh_from_db()
    assert kasus.status == "dijawab"
    assert Riwayat.objects.get(kasus=kasus, kind="kasus.answered").message == "Jalan sudah ditambal."


def test_it_refuses_actions_outside_the_role(client):
    opd = OpdFactory()
    kasus = kasus_at("didisposisikan", opd=opd)
    signed_in(client, staff("opd", opd=opd))
    assert client.post(action_url(kasus, "tolak"), {"tolak-reason": "x"}).status_code == 403
    signed_in(client, staff("pimpinan"))
    assert client.post(action_url(kasus, "verifikasi"), {}).status_code == 403
    assert client.post(action_url(kasus, "catatan"), {"catatan-message": "Pantau"}).status_code == 302
    signed_in(client, staff("protokol"))
    assert client.post(action_url(kasus, "catatan"), {"catatan-message": "x"}).status_code == 403
    signed_in(client, staff("petugas"))
    assert client.post(action_url(kasus, "mulai"), {}).status_code == 403
    assert client.post(action_url(kasus, "tidak-ada"), {}).status_code == 404
    kasus.refresh_from_db()
    assert kasus.status == "didisposisikan"


def test_it_refuses_get_on_an_action(client):
    kasus = open_kasus()
    signed_in(client, staff("petugas"))
    assert client.get(action_url(kasus, "verifikasi")).status_code == 405


def test_it_shows_a_forbidden_transition_as_a_message(client):
    kasus = kasus_at("diverifikasi")
    signed_in(client, staff("petugas"))
    response = client.post(
        action_url(kasus, "verifikasi"),
        {"verifikasi-kategori": KategoriFactory().pk, "verifikasi-priority": "sedang"},
        follow=True,
    )
    assert response.status_code == 200
    assert "tidak dapat memverifikasi" in response.content.decode()
    assert kinds(kasus).count("kasus.verified") == 1


def test_it_lets_the_same_submission_retry_after_a_refused_action(client):
    kasus = kasus_at("diverifikasi")
    signed_in(client, staff("petugas"))
    data = {"tolak-reason": "Ganda", "tolak-idem": "token-uji-2"}
    client.post(action_url(kasus, "tolak"), data)
    retry = client.post(action_url(kasus, "tolak"), data, follow=True).content.decode()
    assert "tidak dapat menolak" in retry and "sudah diproses" not in retry
    assert "kasus.rejected" not in kinds(kasus)


def test_it_lets_opd_staff_complete_only_their_own_tindak_lanjut(client):
    mine, other = OpdFactory(), OpdFactory()
    kasus = kasus_at("didisposisikan", opd=mine)
    own = services.tindak_lanjut_add(
        kasus_id=kasus.pk, actor=None, description="Milik kami", opd=mine, due_date=dt.date(2030, 1, 1)
    )
    foreign = services.tindak_lanjut_add(
        kasus_id=kasus.pk, actor=None, description="Milik dinas lain", opd=other, due_date=dt.date(2030, 1, 1)
    )
    signed_in(client, staff("opd", opd=mine))
    done = reverse("kasus:tindak_lanjut_done", args=[kasus.reference, foreign.pk])
    assert client.post(done, {f"selesai-{foreign.pk}-evidence": "x"}).status_code == 403
    done = reverse("kasus:tindak_lanjut_done", args=[kasus.reference, own.pk])
    assert client.post(done, {f"selesai-{own.pk}-evidence": "Selesai dikerjakan"}).status_code == 302
    own.refresh_from_db()
    foreign.refresh_from_db()
    assert own.status == "selesai" and foreign.status == "terbuka"


def test_it_shows_the_error_when_a_tindak_lanjut_is_completed_twice(client):
    kasus = open_kasus()
    item = services.tindak_lanjut_add(
        kasus_id=kasus.pk, actor=None, description="Sekali saja", opd=OpdFactory(), due_date=dt.date(2030, 1, 1)
    )
    services.tindak_lanjut_complete(tindak_lanjut_id=item.pk, actor=None, evidence="Beres")
    signed_in(client, staff("petugas"))
    url = reverse("kasus:tindak_lanjut_done", args=[kasus.reference, item.pk])
    response = client.post(url, {f"selesai-{item.pk}-evidence": "Lagi"}, follow=True)
    assert "sudah selesai" in response.content.decode()


def test_it_ignores_an_invalid_filter_value(client):
    open_kasus(title="Tetap tampil")
    signed_in(client, staff("petugas"))
    response = client.get(reverse("kasus:queue"), {"kategori": "bukan-angka", "page": "x"})
    assert response.status_code == 200 and "Tetap tampil" in response.content.decode()


def test_it_keeps_overdue_cases_first_across_pages(client):
    late = [open_kasus(title=f"Terlambat {i}") for i in range(3)]
    on_time = [open_kasus(title=f"Tepat waktu {i:02d}") for i in range(24)]
    for kasus in late:
        make_overdue(kasus)
    signed_in(client, staff("petugas"))
    first = client.get(reverse("kasus:queue")).content.decode()
    second = client.get(reverse("kasus:queue"), {"page": 2}).content.decode()
    refs_first = [k.reference for k in late[::-1] + on_time[::-1][:22]]
    positions = [first.index(ref) for ref in refs_first]
    assert positions == sorted(positions)
    assert on_time[1].reference in second and on_time[0].reference in second
    assert late[0].reference not in second and on_time[2].reference not in second


def test_it_marks_an_internal_note_as_internal_on_the_staff_timeline(client):
    kasus = kasus_at("diverifikasi")
    services.kasus_note_add(kasus_id=kasus.pk, actor=None, message="Cek lapangan dulu")
    client.force_login(staff("petugas"))
    body = client.get(reverse("kasus:detail", args=[kasus.reference])).content.decode()
    assert body.count("badge-internal") == 1 and "badge-ok" in body


def test_it_tells_an_opd_officer_the_queue_holds_their_opds_cases(client):
    opd = OpdFactory()
    client.force_login(staff("opd", opd=opd))
    assert f"Kasus yang didisposisikan ke {opd.display_name}" in client.get(reverse("kasus:queue")).content.decode()
