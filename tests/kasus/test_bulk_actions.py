"""Bulk actions on the staff queue: each ticked case through its own service, one summary of what was refused."""

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse

from portal.kasus import services
from portal.kasus.models import Riwayat
from tests.factories import OpdFactory, open_kasus, staff

pytestmark = pytest.mark.django_db


def bulk(client, **data):
    return client.post(reverse("kasus:bulk"), data)


def texts(response) -> list[str]:
    return [str(m) for m in get_messages(response.wsgi_request)]


def test_it_verifies_and_disposes_every_ticked_new_case_with_one_submit(client):
    cases = [open_kasus() for _ in range(3)]
    opd = OpdFactory()
    client.force_login(staff("petugas"))
    response = bulk(client, kasus=[k.pk for k in cases], aksi="disposisi", opd=opd.pk)
    assert response.status_code == 302
    for kasus in cases:
        kasus.refresh_from_db()
        assert kasus.status == "didisposisikan" and kasus.opd == opd
        kinds = set(Riwayat.objects.filter(kasus=kasus).values_list("kind", flat=True))
        assert {"kasus.verified", "kasus.disposed"} <= kinds


def test_it_reports_refused_cases_with_the_reason_and_does_the_rest(client):
    done = open_kasus()
    refused = open_kasus()
    services.kasus_reject(kasus_id=refused.pk, actor=None, reason="Bukan kewenangan daerah")
    client.force_login(staff("petugas"))
    response = bulk(client, kasus=[done.pk, refused.pk], aksi="verifikasi")
    done.refresh_from_db()
    refused.refresh_from_db()
    assert done.status == "diverifikasi" and refused.status == "ditolak"
    messages = texts(response)
    assert any(done.reference in m and "berhasil" in m for m in messages)
    assert any(m.startswith(f"{refused.reference} tidak diproses") for m in messages)


def test_it_assigns_every_ticked_case_to_the_chosen_officer(client):
    cases = [open_kasus() for _ in range(2)]
    officer = staff("petugas")
    client.force_login(staff("petugas"))
    bulk(client, kasus=[k.pk for k in cases], aksi="tugaskan", officer=officer.pk)
    for kasus in cases:
        kasus.refresh_from_db()
        assert kasus.assigned_to == officer
        assert Riwayat.objects.filter(kasus=kasus, kind="kasus.assigned").exists()


def test_it_asks_for_an_opd_before_a_bulk_disposition(client):
    kasus = open_kasus()
    client.force_login(staff("petugas"))
    response = bulk(client, kasus=[kasus.pk], aksi="disposisi", antrean="status=baru")
    kasus.refresh_from_db()
    assert kasus.status == "baru"
    assert response["Location"] == reverse("kasus:queue") + "?status=baru"
    assert "Pilih OPD tujuan disposisi." in texts(response)


def test_it_asks_for_at_least_one_case(client):
    client.force_login(staff("petugas"))
    response = bulk(client, aksi="verifikasi")
    assert response.status_code == 302
    assert "Pilih setidaknya satu kasus." in texts(response)


def test_it_ignores_malformed_case_ids_without_an_error(client):
    client.force_login(staff("petugas"))
    response = bulk(client, kasus=["abc", "9" * 40], aksi="verifikasi")
    assert response.status_code == 302


def test_it_refuses_bulk_actions_to_opd_staff(client):
    kasus = open_kasus()
    client.force_login(staff("opd"))
    response = bulk(client, kasus=[kasus.pk], aksi="verifikasi")
    kasus.refresh_from_db()
    assert response.status_code == 403 and kasus.status == "baru"


def test_the_queue_shows_a_checkbox_per_case_for_petugas(client):
    kasus = open_kasus()
    client.force_login(staff("petugas"))
    body = client.get(reverse("kasus:queue")).content.decode()
    assert f'name="kasus" value="{kasus.pk}" form="massal"' in body
    assert f'action="{reverse("kasus:bulk")}"' in body
