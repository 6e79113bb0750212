"""The speaker of a point raised on an anonymous case is shown only to those who may see the reporter."""

import datetime as dt

import pytest
from django.urls import reverse

from sarasehan import services
from tests.factories import OpdFactory, open_kasus, staff

from .factories import sarasehan

pytestmark = pytest.mark.django_db

SPEAKER = "Sumarni Wartini"


def anonymous_case_raised_at_a_sarasehan():
    kasus = open_kasus(is_anonymous=True, reporter_name=SPEAKER)
    services.poin_record(
        sarasehan_id=sarasehan(starts_in=dt.timedelta(minutes=30)).pk,  # on the day: the door is open
        actor=None,
        speaker_name=SPEAKER,
        content="Bantuan sosial tidak sampai",
        kasus_reference=kasus.reference,
    )
    return kasus


@pytest.mark.parametrize("role", ["pimpinan", "protokol"])
def test_it_hides_the_speaker_of_an_anonymous_case_like_the_reporter(client, role):
    kasus = anonymous_case_raised_at_a_sarasehan()
    client.force_login(staff(role))
    body = client.get(reverse("kasus:detail", args=[kasus.reference])).content.decode()
    assert "Bantuan sosial tidak sampai" in body
    assert SPEAKER not in body


def test_it_hides_the_speaker_of_an_anonymous_case_from_its_opd(client):
    from portal.kasus import services as kasus_services

    opd = OpdFactory()
    kasus = anonymous_case_raised_at_a_sarasehan()
    kasus_services.kasus_verify(kasus_id=kasus.pk, actor=None)
    kasus_services.kasus_dispose(kasus_id=kasus.pk, actor=None, opd=opd)
    client.force_login(staff("opd", opd=opd))
    body = client.get(reverse("kasus:detail", args=[kasus.reference])).content.decode()
    assert "Bantuan sosial tidak sampai" in body and SPEAKER not in body


def test_it_shows_the_speaker_of_an_anonymous_case_to_petugas(client):
    kasus = anonymous_case_raised_at_a_sarasehan()
    client.force_login(staff("petugas"))
    assert SPEAKER in client.get(reverse("kasus:detail", args=[kasus.reference])).content.decode()
