"""Linking a case to its SP4N-LAPOR! report from the staff case page."""

import pytest
from django.db import IntegrityError, transaction
from django.urls import reverse

from portal.kasus import services
from portal.kasus.kinds import riwayat_text
from portal.kasus.models import Kasus, OutboxEmail, Riwayat
from portal.kasus.services import lapor as lapor_services
from tests.factories import UserFactory, kasus_at, open_kasus, staff

pytestmark = pytest.mark.django_db


def post_lapor(client, kasus: Kasus, value: str):
    return client.post(reverse("kasus:action", args=[kasus.reference, "lapor"]), {"lapor-lapor_tracking_id": value})


def test_petugas_attach_a_lapor_number_from_the_case_page_and_the_reporter_sees_it(client):
    warga = UserFactory()
    kasus = kasus_at("didisposisikan", reporter=warga)
    petugas = staff("petugas")
    client.force_login(petugas)
    assert (
        'name="lapor-lapor_tracking_id"' in client.get(reverse("kasus:detail", args=[kasus.reference])).content.decode()
    )
    emails = OutboxEmail.objects.count()
    response = post_lapor(client, kasus, "#7788990")
    assert response.status_code == 302
    kasus.refresh_from_db()
    assert kasus.lapor_tracking_id == "7788990"
    entry = kasus.riwayat.last()
    assert (entry.kind, entry.visibility, entry.actor) == ("kasus.lapor_linked", "pelapor", petugas)
    assert entry.data == {"from": "", "to": "7788990"} and "7788990" in riwayat_text(entry)
    assert OutboxEmail.objects.count() == emails  # a note on the timeline, not a status change worth a mail

    client.force_login(warga)
    tracking = client.get(reverse("kasus:track_detail", args=[kasus.tracking_token])).content.decode()
    assert "Nomor SP4N-LAPOR!" in tracking and "7788990" in tracking


def test_it_changes_and_removes_the_number_and_logs_each_change():
    kasus = open_kasus(lapor_tracking_id="1234567")
    services.kasus_link_lapor(kasus_id=kasus.pk, actor=None, lapor_tracking_id="1234568")
    services.kasus_link_lapor(kasus_id=kasus.pk, actor=None, lapor_tracking_id="1234568")  # unchanged: no entry
    services.kasus_link_lapor(kasus_id=kasus.pk, actor=None, lapor_tracking_id="")
    kasus.refresh_from_db()
    assert kasus.lapor_tracking_id == ""
    changes = [e.data for e in Riwayat.objects.filter(kasus=kasus, kind="kasus.lapor_linked").order_by("pk")]
    assert changes == [{"from": "1234567", "to": "1234568"}, {"from": "1234568", "to": ""}]


def test_it_refuses_a_number_another_case_holds_with_a_message_not_an_error_page(client):
    holder = open_kasus(lapor_tracking_id="5550001")
    kasus = open_kasus()
    client.force_login(staff("petugas"))
    response = post_lapor(client, kasus, "5550001")
    assert response.status_code == 302
    page = client.get(response.url).content.decode()
    assert f"sudah tercatat pada kasus {holder.reference}" in page
    kasus.refresh_from_db()
    assert kasus.lapor_tracking_id == "" and not kasus.riwayat.filter(kind="kasus.lapor_linked").exists()


def test_it_shows_a_malformed_number_as_a_form_error(client):
    kasus = open_kasus()
    client.force_login(staff("petugas"))
    response = post_lapor(client, kasus, "12-")
    assert response.status_code == 400 and "6–20 huruf atau angka" in response.content.decode()


def test_only_petugas_may_link_a_case_to_lapor(client):
    officer = staff("opd")
    kasus = kasus_at("didisposisikan", opd=officer.opd)
    client.force_login(officer)
    assert post_lapor(client, kasus, "7788990").status_code == 403
    kasus.refresh_from_db()
    assert kasus.lapor_tracking_id == ""


def test_the_database_keeps_lapor_numbers_unique_but_allows_many_cases_without_one():
    open_kasus(lapor_tracking_id="5550001")
    open_kasus()
    open_kasus()
    with pytest.raises(IntegrityError), transaction.atomic():
        Kasus.objects.filter(pk=open_kasus().pk).update(lapor_tracking_id="5550001")


def test_it_finds_a_case_by_its_lapor_number_in_the_queue(client):
    kasus = open_kasus(title="Jembatan gantung rusak", lapor_tracking_id="5550001")
    open_kasus(title="Lampu jalan mati")
    client.force_login(staff("petugas"))
    page = client.get(reverse("kasus:queue"), {"q": "#5550001"}).context["page"]
    assert [k.pk for k in page] == [kasus.pk]


def test_two_people_linking_the_same_number_at_once_get_a_message_not_an_error(monkeypatch):
    holder = open_kasus(lapor_tracking_id="5550001")
    kasus = open_kasus()
    real = lapor_services._lapor_taken
    checks = []

    def not_yet_committed(*args, **kwargs):
        # The first check runs before the other person's case is committed; the database constraint decides.
        checks.append(1)
        return None if len(checks) == 1 else real(*args, **kwargs)

    monkeypatch.setattr(lapor_services, "_lapor_taken", not_yet_committed)
    with pytest.raises(services.KasusError, match=holder.reference):
        services.kasus_link_lapor(kasus_id=kasus.pk, actor=None, lapor_tracking_id="5550001")
    kasus.refresh_from_db()
    assert kasus.lapor_tracking_id == ""
