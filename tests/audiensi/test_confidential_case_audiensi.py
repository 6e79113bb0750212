"""A confidential case's audiensi (topik, notulen) needs proof of identity, not just the tracking link."""

import pytest
from django.urls import reverse

from audiensi import services
from tests.factories import UserFactory, open_kasus, staff

from .factories import open_availability, request_audiensi

pytestmark = pytest.mark.django_db

TOPIK = "Dugaan pungli pengurusan sertifikat"


def confidential_audiensi():
    user = UserFactory()
    kasus = open_kasus(reporter=user, is_confidential=True, title="Rahasia")
    audiensi = request_audiensi(open_availability(), user=user, topic=TOPIK, kasus_reference=kasus.reference)
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
