"""Security review: a confidential case's audiensi (topik, notulen) needs proof, not just the tracking link."""

import pytest
from django.urls import reverse

from audiensi import services
from portal.kasus import services as kasus_services
from tests.factories import UserFactory, open_kasus, staff

from .factories import open_availability, request_audiensi

pytestmark = pytest.mark.django_db

TOPIK = "Dugaan pungli pengurusan sertifikat"


def confidential_audiensi():
    user = UserFactory()
    kasus = open_kasus(reporter=user, is_confidential=True, title="Rahasia")
    audiensi = request_audiensi(open_availability(), user=user, topik=TOPIK, kasus_reference=kasus.reference)
    return kasus, audiensi


def test_it_hides_a_confidential_audiensi_from_whoever_holds_the_tracking_link(client):
    kasus, _audiensi = confidential_audiensi()
    body = client.get(reverse("kasus:track_detail", args=[kasus.tracking_token])).content.decode()
    assert TOPIK not in body


def test_it_shows_a_confidential_audiensi_to_the_signed_in_reporter(client):
    kasus, _audiensi = confidential_audiensi()
    client.force_login(kasus.reporter)
    assert TOPIK in client.get(reverse("kasus:track_detail", args=[kasus.tracking_token])).content.decode()
    assert TOPIK in client.get(reverse("kasus:mine_detail", args=[kasus.reference])).content.decode()


def test_it_hides_confidential_notulen_from_the_tracking_link(client):
    kasus, audiensi = confidential_audiensi()
    protokol = staff("protokol")
    services.audiensi_confirm(audiensi_id=audiensi.pk, actor=protokol)
    type(audiensi).objects.filter(pk=audiensi.pk).update(status="hadir")
    services.audiensi_notulen_save(audiensi_id=audiensi.pk, actor=protokol, notulen="Bupati berjanji mengusut")
    body = client.get(reverse("kasus:track_detail", args=[kasus.tracking_token])).content.decode()
    assert "Bupati berjanji mengusut" not in body


def test_it_keeps_another_residents_case_out_of_my_audiensi_after_a_merge(client):
    pemohon = UserFactory()
    audiensi = request_audiensi(open_availability(), user=pemohon)
    other = open_kasus(reporter=UserFactory())
    kasus_services.kasus_request_info(kasus_id=other.pk, actor=None, question="Nomor KTP Anda berapa?")
    kasus_services.kasus_merge(kasus_id=audiensi.kasus_id, into_id=other.pk, actor=None)
    client.force_login(pemohon)
    body = client.get(reverse("audiensi:mine_detail", args=[audiensi.pk])).content.decode()
    assert other.tracking_token not in body
    assert "Nomor KTP Anda berapa?" not in body
    assert "Permohonan audiensi dengan" in body  # the pemohon's own audiensi entries stay


def test_it_still_links_my_own_case_from_my_audiensi(client):
    pemohon = UserFactory()
    audiensi = request_audiensi(open_availability(), user=pemohon)
    client.force_login(pemohon)
    body = client.get(reverse("audiensi:mine_detail", args=[audiensi.pk])).content.decode()
    assert audiensi.kasus.tracking_token in body


def test_it_emails_the_pemohon_after_a_merge(mailoutbox, django_capture_on_commit_callbacks):
    pemohon, other_reporter = UserFactory(), UserFactory()
    audiensi = request_audiensi(open_availability(), user=pemohon)
    other = open_kasus(reporter=other_reporter)
    kasus_services.kasus_merge(kasus_id=audiensi.kasus_id, into_id=other.pk, actor=None)
    mailoutbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.audiensi_decline(audiensi_id=audiensi.pk, actor=staff("protokol"), reason="Jadwal penuh")
    assert [m.to for m in mailoutbox] == [[pemohon.email]]
    body = mailoutbox[0].body
    assert other.tracking_token not in body and "Jadwal penuh" in body


def test_it_keeps_a_merged_audiensis_topik_from_the_surviving_cases_reporter(client):
    audiensi = request_audiensi(open_availability(), user=UserFactory(), topik=TOPIK)
    survivor = open_kasus(reporter=UserFactory())
    kasus_services.kasus_merge(kasus_id=audiensi.kasus_id, into_id=survivor.pk, actor=None)
    client.force_login(survivor.reporter)
    body = client.get(reverse("kasus:track_detail", args=[survivor.tracking_token])).content.decode()
    assert TOPIK not in body
