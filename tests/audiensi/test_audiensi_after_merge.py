"""After its case is merged into another resident's, an audiensi stays the pemohon's: no leak either way."""

import pytest
from django.urls import reverse

from audiensi import services
from portal.kasus import services as kasus_services
from tests.factories import UserFactory, open_kasus, staff

from .factories import open_availability, request_audiensi

pytestmark = pytest.mark.django_db

TOPIK = "Dugaan pungli pengurusan sertifikat"


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
    audiensi = request_audiensi(open_availability(), user=UserFactory(), topic=TOPIK)
    survivor = open_kasus(reporter=UserFactory())
    kasus_services.kasus_merge(kasus_id=audiensi.kasus_id, into_id=survivor.pk, actor=None)
    client.force_login(survivor.reporter)
    body = client.get(reverse("kasus:track_detail", args=[survivor.tracking_token])).content.decode()
    assert TOPIK not in body
