"""Fixed query counts: the pages do not grow with the number of cases, files or wilayah."""

import pytest
from django.urls import reverse

from portal.kasus import services
from tests.factories import KategoriFactory, OpdFactory, UserFactory, staff

from .factories import form_data, jpeg_bytes, submit, upload

pytestmark = pytest.mark.django_db


def answered_case(warga, opd):
    kasus = submit(reporter=warga, photos=3).kasus
    services.kasus_verify(kasus_id=kasus.pk, actor=None, kategori=KategoriFactory())
    services.kasus_dispose(kasus_id=kasus.pk, actor=None, opd=opd)
    services.kasus_start(kasus_id=kasus.pk, actor=None)
    services.kasus_answer(kasus_id=kasus.pk, actor=None, answer="Sudah ditangani.")
    kasus.refresh_from_db()
    return kasus


def test_it_renders_the_form_in_fixed_queries(client, django_assert_num_queries):
    KategoriFactory.create_batch(5)
    with django_assert_num_queries(2):  # the wilayah tree (then cached), the kategori
        assert client.get(reverse("aspirasi:submit")).status_code == 200
    with django_assert_num_queries(0):  # the page cache, no session: nothing read, nothing written
        assert client.get(reverse("aspirasi:submit")).status_code == 200
    with django_assert_num_queries(1):  # a link with a kecamatan chosen is rendered: the kategori
        assert client.get(reverse("aspirasi:submit") + "?kecamatan=1").status_code == 200
    client.force_login(UserFactory())
    with django_assert_num_queries(4):  # + session, user, groups (roles for the menu)
        assert client.get(reverse("aspirasi:submit")).status_code == 200


def test_a_guest_sends_a_report_with_a_photo_in_fixed_queries(client, django_assert_num_queries):
    client.post("/aspirasi/kirim/", form_data())  # the wilayah tree is cached, the session exists
    data = form_data(lampiran=upload("jalan.jpg", jpeg_bytes((800, 600))))
    # The session; the idempotency key (the kecamatan chosen is found among the options held for the desa list);
    # the transaction (a savepoint here, inside the test's) with the case number, case, savepoint for the case's own
    # block, follower (nothing to look up on a new case), timeline, report, file and email (no preferences to read
    # for one the guest must act on); the session saved.
    with django_assert_num_queries(16):
        response = client.post("/aspirasi/kirim/", data)
    assert response.status_code == 302 and response.url == reverse("aspirasi:sent")


def test_it_renders_the_tracking_page_in_fixed_queries(client, django_assert_max_num_queries):
    opd = OpdFactory()
    kasus = answered_case(UserFactory(), opd)
    url = reverse("kasus:track_detail", args=[kasus.tracking_token])
    with django_assert_max_num_queries(9):
        response = client.get(url)
    html = response.content.decode()
    assert "foto2.jpg" in html and reverse("aspirasi:accept", args=[kasus.tracking_token]) in html


def test_it_renders_the_staff_queue_in_fixed_queries(client, django_assert_max_num_queries):
    opd = OpdFactory()
    for _ in range(8):
        answered_case(UserFactory(), opd)
    client.force_login(staff("petugas"))
    with django_assert_max_num_queries(15):
        assert client.get(reverse("kasus:queue")).status_code == 200


def test_it_keeps_the_panels_cheap(rf, django_assert_num_queries):
    from django.contrib.sessions.backends.cache import SessionStore

    from aspirasi import panels

    opd = OpdFactory()
    warga = UserFactory()
    kasus = answered_case(warga, opd)
    request = rf.get("/")
    request.session = SessionStore()
    request.user = warga
    with django_assert_num_queries(2):  # the cases merged into this one (their reporters' files), the files
        assert len(panels.public_context(kasus, request)["lampiran_list"]) == 3
    request.user = staff("petugas")
    request.user._portal_roles = frozenset({"petugas"})
    with django_assert_num_queries(2):
        assert len(panels.staff_context(kasus, request)["reports"]) == 1


@pytest.mark.parametrize("role", ["petugas", "opd"])
def test_it_renders_the_case_detail_with_the_aspirasi_panel_in_fixed_queries(
    client, django_assert_max_num_queries, role
):
    opd = OpdFactory()
    kasus = answered_case(UserFactory(), opd)
    services.kasus_dispute(kasus_id=kasus.pk, actor=None, reason="Belum.")
    services.kasus_start(kasus_id=kasus.pk, actor=None)
    client.force_login(staff(role, opd=opd) if role == "opd" else staff(role))
    with django_assert_max_num_queries(16):
        response = client.get(reverse("kasus:detail", args=[kasus.reference]))
    html = response.content.decode()
    assert "foto2.jpg" in html
    assert (reverse("aspirasi:answer", args=[kasus.reference]) in html) == (role == "opd")
